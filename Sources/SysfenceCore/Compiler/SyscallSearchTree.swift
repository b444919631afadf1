/// A run of syscall numbers that share one outcome (a decision-node id), with how often they are called.
struct NumberRange: Equatable {
    var first: UInt32
    var last: UInt32
    var outcome: Int
    var weight: Double
}

/// A search tree over syscall numbers: each split sends `nr >= at` right, the rest left; a chain
/// tests a few single numbers with `JEQ` and sends everything else to one outcome.
indirect enum SearchTree: Equatable {
    case leaf(Int)
    case split(at: UInt32, below: SearchTree, atOrAbove: SearchTree)
    case chain([Singleton], otherwise: Int)

    struct Singleton: Equatable {
        var number: UInt32
        var outcome: Int
    }
}

/// How one arch's syscall number is dispatched: a few `JEQ` checks for the hottest numbers,
/// then a search tree over the remaining ranges.
struct NumberDispatch {
    var hot: [(number: UInt32, outcome: Int)]
    var tree: SearchTree
}

extension Array where Element == NumberRange {
    /// Joins neighbours with the same outcome.
    func merged() -> [NumberRange] {
        var result: [NumberRange] = []
        for range in self {
            if var last = result.last, last.outcome == range.outcome, last.last &+ 1 == range.first {
                last.last = range.last
                last.weight += range.weight
                result[result.count - 1] = last
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// The ranges once `number` is known not to occur: its weight is dropped, and a range made of
    /// it alone becomes part of a neighbour, which may let two neighbours merge.
    func excluding(_ number: UInt32, weight: Double) -> [NumberRange] {
        guard let i = firstIndex(where: { $0.first <= number && number <= $0.last }) else { return self }
        var copy = self
        copy[i].weight -= weight
        guard copy[i].first == copy[i].last, count > 1 else { return copy }
        let removed = copy.remove(at: i)
        if i > 0 { copy[i - 1].last = removed.last } else { copy[0].first = removed.first }
        return copy.merged()
    }
}

enum SearchTreeBuilder {
    /// How much one instruction of program size weighs against one comparison per syscall, as a
    /// share of all calls: 0.03 trades about 33 instructions for one comparison on average.
    static let sizeWeight = 0.03

    /// Longest run of ranges a `JEQ` chain is considered for.
    static let longestChain = 16

    /// The tree with the least cost over `ranges` (sorted, contiguous): the weighted number of
    /// comparisons to reach each range, plus `sizeWeight` of the total weight per instruction.
    /// Dynamic programming over subranges: each is split with a `JGE` (the split searched within
    /// Knuth's bounds) or, when it is a background outcome with a few single numbers in it,
    /// decided by a `JEQ` chain, heaviest first.
    static func optimalTree(_ ranges: [NumberRange]) -> (tree: SearchTree, cost: Double) {
        let n = ranges.count
        guard n > 1 else { return (.leaf(ranges[0].outcome), 0) }
        var prefix = [0.0]
        for r in ranges { prefix.append(prefix.last! + r.weight) }
        let perInstruction = sizeWeight * prefix[n]
        var cost = [Double](repeating: 0, count: n * n)
        var root = [Int32](repeating: 0, count: n * n)
        var chains = [Int32](repeating: -1, count: n * n)  // subrange -> background outcome of its chain, or -1
        var weights: [Double] = []
        weights.reserveCapacity(longestChain)
        for length in 2...n {
            for i in 0...(n - length) {
                let j = i + length - 1
                let low = length == 2 ? i + 1 : max(i + 1, Int(root[i * n + j - 1]))
                let high = length == 2 ? j : max(low, min(j, Int(root[(i + 1) * n + j])))
                var best = Double.infinity, bestSplit = low
                for m in low...high {
                    let c = cost[i * n + m - 1] + cost[m * n + j]
                    if c < best {
                        best = c
                        bestSplit = m
                    }
                }
                cost[i * n + j] = best + prefix[j + 1] - prefix[i] + perInstruction
                root[i * n + j] = Int32(bestSplit)
                guard length <= longestChain else { continue }
                for background in [ranges[i].outcome, ranges[j].outcome] {
                    if let c = chainCost(ranges[i...j], background: background, perInstruction: perInstruction, weights: &weights),
                       c < cost[i * n + j] {
                        cost[i * n + j] = c
                        chains[i * n + j] = Int32(background)
                    }
                }
            }
        }
        func build(_ i: Int, _ j: Int) -> SearchTree {
            if i == j { return .leaf(ranges[i].outcome) }
            let background = Int(chains[i * n + j])
            if background >= 0 {
                return .chain(chainSingletons(ranges[i...j], background: background), otherwise: background)
            }
            let m = Int(root[i * n + j])
            return .split(at: ranges[m].first, below: build(i, m - 1), atOrAbove: build(m, j))
        }
        return (build(0, n - 1), cost[n - 1])
    }

    /// A `JEQ` chain for ranges that are one background outcome around single numbers, with its
    /// cost; `nil` when the ranges are not of that shape. Runs for every small subrange, so it
    /// only measures; `build` lists the singletons of the chain it chose.
    private static func chainCost(_ ranges: ArraySlice<NumberRange>, background: Int, perInstruction: Double,
                                  weights: inout [Double]) -> Double? {
        weights.removeAll(keepingCapacity: true)
        var backgroundWeight = 0.0
        for range in ranges {
            if range.outcome == background {
                backgroundWeight += range.weight
            } else if range.first == range.last {
                // Insertion keeps the weights heaviest first.
                var at = weights.count
                weights.append(range.weight)
                while at > 0, weights[at - 1] < range.weight {
                    weights[at] = weights[at - 1]
                    at -= 1
                }
                weights[at] = range.weight
            } else {
                return nil
            }
        }
        var cost = Double(weights.count) * (backgroundWeight + perInstruction)
        for (position, weight) in weights.enumerated() { cost += Double(position + 1) * weight }
        return cost
    }

    /// The chain's tests, heaviest first.
    private static func chainSingletons(_ ranges: ArraySlice<NumberRange>, background: Int) -> [SearchTree.Singleton] {
        ranges.filter { $0.outcome != background }.sorted { $0.weight > $1.weight }
            .map { SearchTree.Singleton(number: $0.first, outcome: $0.outcome) }
    }

    /// The dispatch with the least expected comparisons: hot numbers are taken out one by one,
    /// heaviest first, while a `JEQ` for each pays for itself against the tree it leaves behind.
    static func dispatch(_ ranges: [NumberRange], hotCandidates: [(number: UInt32, weight: Double)]) -> NumberDispatch {
        var (tree, treeCost) = optimalTree(ranges)
        let perInstruction = sizeWeight * ranges.reduce(0) { $0 + $1.weight }

        var best = NumberDispatch(hot: [], tree: tree)
        var bestCost = treeCost
        var remaining = ranges
        var hot: [(number: UInt32, outcome: Int)] = []
        var hotCost = 0.0
        let totalWeight = ranges.reduce(0) { $0 + $1.weight }
        // A syscall with under 2% of the calls saves less than its check costs at any depth worth having.
        for candidate in hotCandidates where candidate.weight >= 0.02 * totalWeight {
            guard let range = remaining.first(where: { $0.first <= candidate.number && candidate.number <= $0.last }) else { continue }
            let next = remaining.excluding(candidate.number, weight: candidate.weight)
            let checks = Double(hot.count + 1)
            let restWeight = next.reduce(0) { $0 + $1.weight }
            (tree, treeCost) = optimalTree(next)
            // Each check costs one comparison for every call that reaches it, and one instruction.
            let total = hotCost + checks * candidate.weight + perInstruction + checks * restWeight + treeCost
            guard total < bestCost else { break }
            hot.append((candidate.number, range.outcome))
            hotCost += checks * candidate.weight + perInstruction
            remaining = next
            best = NumberDispatch(hot: hot, tree: tree)
            bestCost = total
        }
        return best
    }

    /// A plain linear scan over the ranges, in number order: the unoptimized reference shape.
    static func linear(_ ranges: [NumberRange]) -> SearchTree {
        guard let last = ranges.last else { preconditionFailure("no ranges") }
        return ranges.dropLast().reversed().reduce(SearchTree.leaf(last.outcome)) { rest, range in
            .split(at: range.last &+ 1, below: .leaf(range.outcome), atOrAbove: rest)
        }
    }
}
