/// Why a condition cannot be written as OCI argument tests within the limits.
struct ArgumentTestLoweringError: Error {
    var reason: String
}

/// Lowers sysfence conditions into what an OCI entry can say: a conjunction of argument tests
/// with at most one test per argument index (runc splits an entry with two tests on one index
/// into separate rules, and other runtimes refuse it). A condition becomes a disjunction of such
/// conjunctions, each one OCI entry; `!`, `||`, several tests on one argument, masks with
/// ordering operators and `u32()` views are rewritten exactly, never approximated.
enum ArgumentTestLowering {
    /// A conjunction of OCI tests, at most one per index, in the order the condition names them.
    typealias Term = [SeccompArgument]

    /// The most entries one condition may become.
    static let maximumTerms = 4096

    /// The condition as OCI entries' tests: `[[]]` for no condition (one unconditional entry),
    /// `[]` when no argument value satisfies it.
    static func terms(_ condition: Condition?) throws(ArgumentTestLoweringError) -> [Term] {
        guard let condition else { return [[]] }
        var result: [Term] = []
        for conjunction in try disjunctiveNormalForm(condition, negated: false) {
            let byArgument = Dictionary(grouping: conjunction, by: \.argument)
            var terms: [Term] = [[]]
            var arguments: [Int] = []
            for comparison in conjunction where !arguments.contains(comparison.argument) { arguments.append(comparison.argument) }
            for argument in arguments {
                let alternatives = try tests(for: byArgument[argument]!, argument: argument)
                terms = terms.flatMap { term in alternatives.map { test in test.map { term + [$0] } ?? term } }
                guard terms.count <= maximumTerms else {
                    throw ArgumentTestLoweringError(reason: "it needs more than \(maximumTerms) OCI entries")
                }
            }
            result += terms
        }
        return result
    }

    /// Negation pushed to the comparisons, then `&&` distributed over `||`.
    static func disjunctiveNormalForm(_ condition: Condition, negated: Bool) throws(ArgumentTestLoweringError) -> [[Comparison]] {
        switch condition {
        case .comparison(var c):
            if negated { c.op = c.op.negated }
            return [[c]]
        case .not(let inner):
            return try disjunctiveNormalForm(inner, negated: !negated)
        case .and(let terms) where !negated, .or(let terms) where negated:
            var result: [[Comparison]] = [[]]
            for term in terms {
                let alternatives = try disjunctiveNormalForm(term, negated: negated)
                result = result.flatMap { prefix in alternatives.map { prefix + $0 } }
                guard result.count <= maximumTerms else {
                    throw ArgumentTestLoweringError(reason: "it needs more than \(maximumTerms) OCI entries")
                }
            }
            return result
        case .and(let terms), .or(let terms):
            var result: [[Comparison]] = []
            for term in terms { result += try disjunctiveNormalForm(term, negated: negated) }
            return result
        }
    }

    /// The alternatives for the comparisons on one argument, all of which must hold: each is one
    /// OCI test, or `nil` for "no test needed". Empty when no value satisfies them all.
    static func tests(for comparisons: [Comparison], argument: Int) throws(ArgumentTestLoweringError) -> [SeccompArgument?] {
        if comparisons.count == 1, let direct = directTest(comparisons[0]) { return [direct] }
        if comparisons.allSatisfy({ $0.effectiveMask == .max }) {
            return intervalTests(intersecting(comparisons), argument: argument)
        }
        var cubes: [Cube] = [Cube(mask: 0, value: 0)]
        for comparison in comparisons {
            let next = Cube.cubes(for: comparison)
            cubes = cubes.flatMap { a in next.compactMap { a.intersection($0) } }
            guard cubes.count <= maximumTerms else {
                throw ArgumentTestLoweringError(reason: "its tests on argument \(argument) need more than \(maximumTerms) OCI entries")
            }
        }
        return cubes.map { $0.test(argument: argument) }
    }

    /// One OCI test for a comparison OCI says directly, if it is one.
    static func directTest(_ c: Comparison) -> SeccompArgument?? {
        if c.effectiveMask == .max {
            let op: SeccompOperator
            switch c.op {
            case .equal: op = .equal
            case .notEqual: op = .notEqual
            case .less: op = .less
            case .lessOrEqual: op = .lessOrEqual
            case .greater: op = .greater
            case .greaterOrEqual: op = .greaterOrEqual
            }
            return .some(SeccompArgument(index: c.argument, value: c.effectiveValue, op: op))
        }
        guard c.op == .equal else { return nil }
        if c.effectiveValue & ~c.effectiveMask != 0 { return nil }  // never holds: let the cube path say so
        return .some(SeccompArgument(index: c.argument, value: c.effectiveMask, valueTwo: c.effectiveValue, op: .maskedEqual))
    }

    // MARK: Intervals (comparisons on the whole argument without a mask)

    /// The values satisfying every comparison, as sorted disjoint closed intervals.
    static func intersecting(_ comparisons: [Comparison]) -> [ClosedRange<UInt64>] {
        var result: [ClosedRange<UInt64>] = [0...UInt64.max]
        for c in comparisons {
            let v = c.effectiveValue
            var allowed: [ClosedRange<UInt64>] = []
            switch c.op {
            case .equal: allowed = [v...v]
            case .notEqual:
                if v > 0 { allowed.append(0...(v - 1)) }
                if v < .max { allowed.append((v + 1)...UInt64.max) }
            case .less: if v > 0 { allowed = [0...(v - 1)] }
            case .lessOrEqual: allowed = [0...v]
            case .greater: if v < .max { allowed = [(v + 1)...UInt64.max] }
            case .greaterOrEqual: allowed = [v...UInt64.max]
            }
            result = result.flatMap { a in allowed.compactMap { b in
                let lower = max(a.lowerBound, b.lowerBound), upper = min(a.upperBound, b.upperBound)
                return lower <= upper ? lower...upper : nil
            } }
        }
        return result
    }

    /// OCI tests covering exactly the intervals: one operator where it suffices, else aligned blocks.
    static func intervalTests(_ intervals: [ClosedRange<UInt64>], argument: Int) -> [SeccompArgument?] {
        if intervals.count == 2, intervals[0].lowerBound == 0, intervals[1].upperBound == .max,
           intervals[0].upperBound &+ 2 == intervals[1].lowerBound {
            return [SeccompArgument(index: argument, value: intervals[0].upperBound + 1, op: .notEqual)]
        }
        return intervals.flatMap { interval -> [SeccompArgument?] in
            switch (interval.lowerBound, interval.upperBound) {
            case (0, .max): return [nil]
            case (let a, let b) where a == b: return [SeccompArgument(index: argument, value: a, op: .equal)]
            case (0, let b): return [SeccompArgument(index: argument, value: b, op: .lessOrEqual)]
            case (let a, .max): return [SeccompArgument(index: argument, value: a, op: .greaterOrEqual)]
            default: return Cube.cubes(covering: interval).map { $0.test(argument: argument) }
            }
        }
    }
}

/// The values `x` with `x & mask == value`: what one `SCMP_CMP_MASKED_EQ` test accepts.
struct Cube: Hashable {
    var mask: UInt64
    var value: UInt64

    func intersection(_ other: Cube) -> Cube? {
        guard (value ^ other.value) & mask & other.mask == 0 else { return nil }
        return Cube(mask: mask | other.mask, value: value | other.value)
    }

    /// The OCI test for the cube: `==` when every bit is fixed, none when no bit is.
    func test(argument: Int) -> SeccompArgument? {
        if mask == 0 { return nil }
        if mask == .max { return SeccompArgument(index: argument, value: value, op: .equal) }
        return SeccompArgument(index: argument, value: mask, valueTwo: value, op: .maskedEqual)
    }

    /// The bits above bit `bit`.
    static func above(_ bit: Int) -> UInt64 { bit == 63 ? 0 : ~((1 << UInt64(bit + 1)) - 1) }

    /// Disjoint cubes whose union is the set of values satisfying the comparison.
    static func cubes(for c: Comparison) -> [Cube] {
        let m = c.effectiveMask, v = c.effectiveValue
        switch c.op {
        case .equal: return v & ~m == 0 ? [Cube(mask: m, value: v)] : []
        case .notEqual:
            if v & ~m != 0 { return [Cube(mask: 0, value: 0)] }
            // The first bit of the mask, from the top, where x differs from v.
            return (0..<64).reversed().compactMap { bit in
                let b: UInt64 = 1 << UInt64(bit)
                guard m & b != 0 else { return nil }
                let prefix = m & above(bit)
                return Cube(mask: prefix | b, value: (v & prefix) | (~v & b))
            }
        case .less: return below(v, mask: m, including: false)
        case .lessOrEqual: return below(v, mask: m, including: true)
        case .greater: return aboveValue(v, mask: m, including: false)
        case .greaterOrEqual: return aboveValue(v, mask: m, including: true)
        }
    }

    /// Cubes for `(x & m) < v` (or `<=`): the highest bit where `x & m` and `v` differ has a 1 in `v`.
    static func below(_ v: UInt64, mask m: UInt64, including: Bool) -> [Cube] {
        var result: [Cube] = []
        for bit in (0..<64).reversed() {
            let b: UInt64 = 1 << UInt64(bit)
            let prefix = above(bit)
            guard v & b != 0, v & prefix & ~m == 0 else { continue }
            result.append(Cube(mask: (m & prefix) | (m & b), value: v & m & prefix))
            if m & b == 0 { break }  // every lower bit difference is inside this cube already
        }
        if including, v & ~m == 0 { result.append(Cube(mask: m, value: v)) }
        return result
    }

    /// Cubes for `(x & m) > v` (or `>=`): the highest bit where they differ has a 1 in `x & m`.
    static func aboveValue(_ v: UInt64, mask m: UInt64, including: Bool) -> [Cube] {
        var result: [Cube] = []
        for bit in (0..<64).reversed() {
            let b: UInt64 = 1 << UInt64(bit)
            let prefix = above(bit)
            guard v & prefix & ~m == 0 else { break }  // x & m can no longer match v's higher bits
            if v & b == 0, m & b != 0 { result.append(Cube(mask: (m & prefix) | b, value: (v & m & prefix) | b)) }
        }
        if including, v & ~m == 0 { result.append(Cube(mask: m, value: v)) }
        return result
    }

    /// Aligned blocks covering a closed interval exactly.
    static func cubes(covering interval: ClosedRange<UInt64>) -> [Cube] {
        var result: [Cube] = []
        var low = interval.lowerBound
        while true {
            // The largest aligned block starting at `low` that stays inside the interval.
            var size = low == 0 ? 64 : low.trailingZeroBitCount
            while size > 0, size < 64, low + ((1 << UInt64(size)) - 1) > interval.upperBound { size -= 1 }
            if size == 64 {
                if interval.upperBound == .max { return [Cube(mask: 0, value: 0)] }
                size = 63
                while low + ((1 << UInt64(size)) - 1) > interval.upperBound { size -= 1 }
            }
            let span: UInt64 = size == 0 ? 0 : (1 << UInt64(size)) - 1
            result.append(Cube(mask: ~span, value: low))
            if low + span >= interval.upperBound { return result }
            low = low + span + 1
        }
    }
}
