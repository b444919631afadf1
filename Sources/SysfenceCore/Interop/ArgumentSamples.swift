/// Argument vectors that meet every cell of the space that a set of argument tests divides.
///
/// Each test reads one argument, so the space is a product: for each argument, values are chosen
/// so that every combination of its tests' outcomes that some value produces is produced by one
/// of them (one value per combination is kept). Two decision procedures built from these tests
/// agree everywhere exactly when they agree on every vector of the product.
struct ArgumentSamples {
    /// The sample vectors, six arguments each.
    private(set) var vectors: [[UInt64]] = []

    /// Samples for filter word tests and sysfence comparisons (narrowed already where the ABI
    /// reads 32-bit arguments).
    init(tests: [FilterWordTest], comparisons: [Comparison], limit: Int = 2_000_000) throws(DiagnosticsError) {
        var perArgument: [[UInt64]] = []
        for argument in 0..<6 {
            let argumentTests = tests.filter { $0.argument == argument }
            let argumentComparisons = comparisons.filter { $0.argument == argument }
            if argumentTests.isEmpty && argumentComparisons.isEmpty {
                perArgument.append([0])
                continue
            }
            perArgument.append(Self.representatives(tests: argumentTests, comparisons: argumentComparisons))
        }
        let count = perArgument.reduce(1) { $0 * $1.count }
        guard count <= limit else {
            throw DiagnosticsError(at: nil, "the argument tests of one syscall split its arguments into \(count) cases, more than \(limit)")
        }
        vectors = [[]]
        for values in perArgument {
            vectors = vectors.flatMap { prefix in values.map { prefix + [$0] } }
        }
    }

    /// One value for each combination of outcomes the tests on one argument can take.
    ///
    /// Each 32-bit word is sampled on its own first: candidate words (each constant, its
    /// neighbours, masked variants) are kept one per combination of the word's own tests and of
    /// how the word compares with each comparison's constant in that word. A comparison on the
    /// whole argument is decided by those two relations, so pairing the kept high and low words
    /// meets every case.
    static func representatives(tests: [FilterWordTest], comparisons: [Comparison]) -> [UInt64] {
        var high: Set<UInt32> = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF]
        var low = high
        func lowestBit(_ m: UInt64) -> UInt64 { m == 0 ? 0 : m & (~m &+ 1) }
        func addWords(_ values: [UInt64], highToo: Bool) {
            for value in values {
                low.insert(UInt32(truncatingIfNeeded: value))
                if highToo { high.insert(UInt32(truncatingIfNeeded: value >> 32)) }
            }
        }
        func variants(mask: UInt64, value: UInt64) -> [UInt64] {
            let bit = lowestBit(mask)
            return [value, value &- 1, value &+ 1, value | ~mask, value ^ bit, (value ^ bit) | ~mask, ~value, lowestBit(value)]
        }
        for test in tests {
            let words = variants(mask: UInt64(test.mask), value: UInt64(test.constant))
            addWords(words.map { test.isHighWord ? $0 << 32 : $0 }, highToo: test.isHighWord)
        }
        var masked: [(mask: UInt64, value: UInt64)] = tests.filter { $0.op == .equal }.map {
            $0.isHighWord ? (UInt64($0.mask) << 32, UInt64($0.constant) << 32) : (UInt64($0.mask), UInt64($0.constant))
        }
        for comparison in comparisons {
            let mask = comparison.effectiveMask, value = comparison.effectiveValue
            addWords(variants(mask: mask, value: value), highToo: comparison.width == .full)
            if comparison.op == .equal || comparison.op == .notEqual { masked.append((mask, value & mask)) }
        }
        // Values that satisfy two masked equalities at once, where they agree.
        for (i, a) in masked.enumerated() {
            for b in masked[(i + 1)...] where (a.value ^ b.value) & a.mask & b.mask == 0 {
                let merged = a.value | b.value
                addWords([merged, merged | ~(a.mask | b.mask)], highToo: true)
            }
        }
        func relation(_ a: UInt32, _ b: UInt32) -> Int8 { a < b ? -1 : (a == b ? 0 : 1) }
        func kept(_ words: Set<UInt32>, high isHigh: Bool) -> [UInt32] {
            let wordTests = tests.filter { $0.isHighWord == isHigh }
            var seen: Set<[Int8]> = []
            return words.sorted().filter { word in
                let x = isHigh ? UInt64(word) << 32 : UInt64(word)
                let signature = wordTests.map { $0.holds(x) ? Int8(1) : 0 } + comparisons.map { c in
                    let shift: UInt64 = isHigh ? 32 : 0
                    return relation(word & UInt32(truncatingIfNeeded: c.effectiveMask >> shift), UInt32(truncatingIfNeeded: c.effectiveValue >> shift))
                }
                return seen.insert(signature).inserted
            }
        }
        var seen: Set<[Bool]> = []
        var result: [UInt64] = []
        for h in kept(high, high: true) {
            for l in kept(low, high: false) {
                let x = UInt64(h) << 32 | UInt64(l)
                let signature = tests.map { $0.holds(x) } + comparisons.map { $0.op.holds(x & $0.effectiveMask, $0.effectiveValue) }
                if seen.insert(signature).inserted { result.append(x) }
            }
        }
        return result
    }
}
