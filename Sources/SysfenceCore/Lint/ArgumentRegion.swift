/// One quantity a comparison reads, as an independent axis of the argument space.
///
/// A comparison of a whole argument reads both of its 32-bit words, `u32(argN)` reads the low
/// word, and a comparison under any other mask reads its own axis `argN & mask`. Treating the
/// masked axes as independent of the words and of each other over-approximates: every set of
/// real argument values maps to a region, but a region may hold points no argument values reach.
/// So an empty region proves that no call can land there, and a point of a region is only a
/// candidate, to be checked against the real conditions (`ArgumentRegion.witness`).
enum ArgumentAxis: Hashable, Comparable {
    /// The high 32 bits of an argument.
    case high(Int)
    /// The low 32 bits of an argument.
    case low(Int)
    /// An argument ANDed with a mask that is neither all ones nor the low word.
    case masked(Int, UInt64)

    /// The largest value on the axis.
    var maximum: UInt64 {
        switch self {
        case .high, .low: return 0xFFFF_FFFF
        case .masked(_, let mask): return mask
        }
    }

    static func < (lhs: ArgumentAxis, rhs: ArgumentAxis) -> Bool {
        func key(_ axis: ArgumentAxis) -> (Int, Int, UInt64) {
            switch axis {
            case .high(let n): return (n, 0, 0)
            case .low(let n): return (n, 1, 0)
            case .masked(let n, let mask): return (n, 2, mask)
            }
        }
        return key(lhs) < key(rhs)
    }
}

/// A box of the argument space: a range on some axes, any value on the others.
struct ArgumentBox: Hashable {
    var ranges: [ArgumentAxis: ClosedRange<UInt64>] = [:]

    func range(of axis: ArgumentAxis) -> ClosedRange<UInt64> { ranges[axis] ?? 0...axis.maximum }

    func intersection(_ other: ArgumentBox) -> ArgumentBox? {
        var result = self
        for (axis, range) in other.ranges {
            let mine = result.range(of: axis)
            guard mine.overlaps(range) else { return nil }
            result.ranges[axis] = max(mine.lowerBound, range.lowerBound)...min(mine.upperBound, range.upperBound)
        }
        return result
    }

    /// The part of this box outside `other`, as disjoint boxes.
    func subtracting(_ other: ArgumentBox) -> [ArgumentBox] {
        guard intersection(other) != nil else { return [self] }
        var pieces: [ArgumentBox] = []
        var rest = self
        for axis in other.ranges.keys.sorted() {
            let mine = rest.range(of: axis), cut = other.ranges[axis]!
            if mine.lowerBound < cut.lowerBound {
                var piece = rest
                piece.ranges[axis] = mine.lowerBound...(cut.lowerBound - 1)
                pieces.append(piece)
            }
            if mine.upperBound > cut.upperBound {
                var piece = rest
                piece.ranges[axis] = (cut.upperBound + 1)...mine.upperBound
                pieces.append(piece)
            }
            rest.ranges[axis] = max(mine.lowerBound, cut.lowerBound)...min(mine.upperBound, cut.upperBound)
        }
        return pieces
    }
}

/// A set of argument values, as a union of boxes over `ArgumentAxis` axes; exact for whole and
/// low-word comparisons, an over-approximation where masks are involved (see `ArgumentAxis`).
struct ArgumentRegion {
    /// Raised when a region would need more boxes than `limit`; the caller then draws no conclusion.
    struct TooComplex: Error {}

    static let limit = 4096

    private(set) var boxes: [ArgumentBox]

    static let everything = ArgumentRegion(boxes: [ArgumentBox()])
    static let nothing = ArgumentRegion(boxes: [])

    private init(boxes: [ArgumentBox]) { self.boxes = boxes }

    /// The argument values for which `condition` holds.
    init(_ condition: Condition) throws(TooComplex) {
        switch condition {
        case .comparison(let comparison):
            self = ArgumentRegion(comparison)
        case .and(let terms):
            var region = ArgumentRegion.everything
            for term in terms where !region.isEmpty { region = try region.intersection(ArgumentRegion(term)) }
            self = region
        case .or(let terms):
            var region = ArgumentRegion.nothing
            for term in terms { region = try region.union(ArgumentRegion(term)) }
            self = region
        case .not(let inner):
            self = try ArgumentRegion.everything.subtracting(ArgumentRegion(inner))
        }
    }

    /// The argument values for which one comparison holds.
    init(_ comparison: Comparison) {
        let mask = comparison.effectiveMask, value = comparison.effectiveValue, op = comparison.op
        let n = comparison.argument
        if mask == .max {
            boxes = ArgumentRegion.ranges(op, value, maximum: .max).flatMap { ArgumentRegion.wordBoxes(argument: n, $0) }
        } else if mask == 0 {
            boxes = op.holds(0, value) ? [ArgumentBox()] : []
        } else {
            let axis: ArgumentAxis = mask == 0xFFFF_FFFF ? .low(n) : .masked(n, mask)
            boxes = ArgumentRegion.ranges(op, value, maximum: axis.maximum).map { ArgumentBox(ranges: [axis: $0]) }
        }
    }

    var isEmpty: Bool { boxes.isEmpty }

    func intersection(_ other: ArgumentRegion) throws(TooComplex) -> ArgumentRegion {
        var result: [ArgumentBox] = []
        for a in boxes {
            for b in other.boxes {
                if let box = a.intersection(b) { result.append(box) }
            }
            guard result.count <= ArgumentRegion.limit else { throw TooComplex() }
        }
        return ArgumentRegion(boxes: result)
    }

    func union(_ other: ArgumentRegion) throws(TooComplex) -> ArgumentRegion {
        guard boxes.count + other.boxes.count <= ArgumentRegion.limit else { throw TooComplex() }
        return ArgumentRegion(boxes: boxes + other.boxes)
    }

    func subtracting(_ other: ArgumentRegion) throws(TooComplex) -> ArgumentRegion {
        var result = boxes
        for cut in other.boxes {
            result = result.flatMap { $0.subtracting(cut) }
            guard result.count <= ArgumentRegion.limit else { throw TooComplex() }
            if result.isEmpty { break }
        }
        return ArgumentRegion(boxes: result)
    }

    /// Whether every argument value lies in the region.
    func isEverything() throws(TooComplex) -> Bool { try ArgumentRegion.everything.subtracting(self).isEmpty }

    /// Six argument values from the region for which `check` holds, if one of the candidates
    /// (the lowest point of each box) passes it.
    func witness(where check: ([UInt64]) -> Bool) -> [UInt64]? {
        for box in boxes {
            var arguments = [UInt64](repeating: 0, count: 6)
            var reachable = true
            for axis in box.ranges.keys.sorted() {
                let range = box.ranges[axis]!
                switch axis {
                case .high(let n): arguments[n] |= range.lowerBound << 32
                case .low(let n): arguments[n] |= range.lowerBound
                case .masked(let n, let mask):
                    guard let bits = smallestSubmask(of: mask, atLeast: range.lowerBound), bits <= range.upperBound else {
                        reachable = false
                        break
                    }
                    arguments[n] = arguments[n] & ~mask | bits
                }
            }
            if reachable, check(arguments) { return arguments }
        }
        return nil
    }

    /// The value ranges in `0...maximum` for which `x op value` holds.
    private static func ranges(_ op: ComparisonOperator, _ value: UInt64, maximum: UInt64) -> [ClosedRange<UInt64>] {
        switch op {
        case .equal: return value <= maximum ? [value...value] : []
        case .notEqual:
            guard value <= maximum else { return [0...maximum] }
            var result: [ClosedRange<UInt64>] = []
            if value > 0 { result.append(0...(value - 1)) }
            if value < maximum { result.append((value + 1)...maximum) }
            return result
        case .less: return value == 0 ? [] : [0...min(value - 1, maximum)]
        case .lessOrEqual: return [0...min(value, maximum)]
        case .greater: return value >= maximum ? [] : [(value + 1)...maximum]
        case .greaterOrEqual: return value > maximum ? [] : [value...maximum]
        }
    }

    /// A range of whole 64-bit values as boxes over the argument's two words.
    private static func wordBoxes(argument n: Int, _ range: ClosedRange<UInt64>) -> [ArgumentBox] {
        let (lowHigh, lowLow) = (range.lowerBound >> 32, range.lowerBound & 0xFFFF_FFFF)
        let (highHigh, highLow) = (range.upperBound >> 32, range.upperBound & 0xFFFF_FFFF)
        func box(_ high: ClosedRange<UInt64>, _ low: ClosedRange<UInt64>) -> ArgumentBox {
            var ranges: [ArgumentAxis: ClosedRange<UInt64>] = [:]
            if high != 0...0xFFFF_FFFF { ranges[.high(n)] = high }
            if low != 0...0xFFFF_FFFF { ranges[.low(n)] = low }
            return ArgumentBox(ranges: ranges)
        }
        if lowHigh == highHigh { return [box(lowHigh...lowHigh, lowLow...highLow)] }
        var result = [box(lowHigh...lowHigh, lowLow...0xFFFF_FFFF)]
        if lowHigh + 1 < highHigh { result.append(box((lowHigh + 1)...(highHigh - 1), 0...0xFFFF_FFFF)) }
        result.append(box(highHigh...highHigh, 0...highLow))
        return result
    }
}

/// The smallest value at least `minimum` whose bits all lie in `mask`.
func smallestSubmask(of mask: UInt64, atLeast minimum: UInt64) -> UInt64? {
    if minimum & ~mask == 0 { return minimum }
    // Keep the bits of `minimum` above some position p, set bit p (clear in `minimum`, set in the
    // mask) and clear the bits below it; the lowest such p that keeps within the mask wins.
    for p in 0..<64 {
        let bit: UInt64 = 1 << p
        guard mask & bit != 0, minimum & bit == 0 else { continue }
        let above = p == 63 ? 0 : (minimum >> (p + 1)) << (p + 1)
        if above & ~mask == 0 { return above | bit }
    }
    return nil
}
