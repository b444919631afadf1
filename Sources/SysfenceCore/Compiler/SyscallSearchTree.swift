/// A run of syscall numbers that share one outcome (a decision-node id), with how often they are called.
struct NumberRange: Equatable {
    var first: UInt32
    var last: UInt32
    var outcome: Int
    var weight: Double
}

/// A search tree over syscall numbers: each split sends `nr >= at` right, the rest left.
indirect enum SearchTree: Equatable {
    case leaf(Int)
    case split(at: UInt32, below: SearchTree, atOrAbove: SearchTree)
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
    /// The tree with the least weighted number of comparisons over `ranges` (sorted, contiguous),
    /// by dynamic programming over subranges with Knuth's bound on where the best split lies.
    /// Returns the tree and its cost: the sum over ranges of weight × comparisons to reach it.
    static func optimalTree(_ ranges: [NumberRange]) -> (tree: SearchTree, cost: Double) {
        let n = ranges.count
        guard n > 1 else { return (.leaf(ranges[0].outcome), 0) }
        var prefix = [0.0]
        for r in ranges { prefix.append(prefix.last! + r.weight) }
        var cost = [Double](repeating: 0, count: n * n)
        var root = [Int](repeating: 0, count: n * n)
        for length in 2...n {
            for i in 0...(n - length) {
                let j = i + length - 1
                let low = length == 2 ? i + 1 : root[i * n + j - 1]
                let high = length == 2 ? j : root[(i + 1) * n + j]
                var best = Double.infinity, bestSplit = low
                for m in low...high {
                    let c = cost[i * n + m - 1] + cost[m * n + j]
                    if c < best {
                        best = c
                        bestSplit = m
                    }
                }
                cost[i * n + j] = best + prefix[j + 1] - prefix[i]
                root[i * n + j] = bestSplit
            }
        }
        func build(_ i: Int, _ j: Int) -> SearchTree {
            if i == j { return .leaf(ranges[i].outcome) }
            let m = root[i * n + j]
            return .split(at: ranges[m].first, below: build(i, m - 1), atOrAbove: build(m, j))
        }
        return (build(0, n - 1), cost[n - 1])
    }

    /// The dispatch with the least expected comparisons: hot numbers are taken out one by one,
    /// heaviest first, while a `JEQ` for each pays for itself against the tree it leaves behind.
    static func dispatch(_ ranges: [NumberRange], hotCandidates: [(number: UInt32, weight: Double)]) -> NumberDispatch {
        var (tree, treeCost) = optimalTree(ranges)
        var best = NumberDispatch(hot: [], tree: tree)
        var bestCost = treeCost
        var remaining = ranges
        var hot: [(number: UInt32, outcome: Int)] = []
        var hotCost = 0.0
        for candidate in hotCandidates {
            guard let range = remaining.first(where: { $0.first <= candidate.number && candidate.number <= $0.last }) else { continue }
            let next = remaining.excluding(candidate.number, weight: candidate.weight)
            let checks = Double(hot.count + 1)
            let restWeight = next.reduce(0) { $0 + $1.weight }
            (tree, treeCost) = optimalTree(next)
            let total = hotCost + checks * candidate.weight + checks * restWeight + treeCost
            guard total < bestCost else { break }
            hot.append((candidate.number, range.outcome))
            hotCost += checks * candidate.weight
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
