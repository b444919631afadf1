/// Which part of a syscall argument a comparison reads.
public enum ArgumentWidth: Hashable, Sendable {
    /// The whole 64-bit register, as unsigned (`argN`).
    case full
    /// The low 32 bits only (`u32(argN)`); constants compared with it are taken modulo 2^32.
    case low32
}

/// A comparison operator between an argument and a constant.
public enum ComparisonOperator: String, Hashable, Sendable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// The operator that holds exactly when this one does not.
    public var negated: ComparisonOperator {
        switch self {
        case .equal: return .notEqual
        case .notEqual: return .equal
        case .less: return .greaterOrEqual
        case .lessOrEqual: return .greater
        case .greater: return .lessOrEqual
        case .greaterOrEqual: return .less
        }
    }

    /// The operator that holds for `constant op argument` when this one holds for `argument op constant`.
    public var mirrored: ComparisonOperator {
        switch self {
        case .equal, .notEqual: return self
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        }
    }

    /// Applies the operator to two unsigned values.
    public func holds(_ lhs: UInt64, _ rhs: UInt64) -> Bool {
        switch self {
        case .equal: return lhs == rhs
        case .notEqual: return lhs != rhs
        case .less: return lhs < rhs
        case .lessOrEqual: return lhs <= rhs
        case .greater: return lhs > rhs
        case .greaterOrEqual: return lhs >= rhs
        }
    }
}

/// One test on one syscall argument: `(view(argN) & mask) op value`.
public struct Comparison: Hashable, Sendable {
    /// The argument's index, 0 to 5.
    public var argument: Int
    /// Whether the whole register or its low 32 bits are read.
    public var width: ArgumentWidth
    /// The bits kept before comparing; all ones when the policy gives no mask.
    public var mask: UInt64
    public var op: ComparisonOperator
    /// The constant as written; with `.low32` only its low 32 bits take part.
    public var value: UInt64

    public init(argument: Int, width: ArgumentWidth = .full, mask: UInt64 = .max, op: ComparisonOperator, value: UInt64) {
        self.argument = argument
        self.width = width
        self.mask = mask
        self.op = op
        self.value = value
    }

    /// The mask over the bits the comparison really reads (the view's width and the mask).
    public var effectiveMask: UInt64 { width == .low32 ? mask & 0xFFFF_FFFF : mask }

    /// The constant reduced to the view's width.
    public var effectiveValue: UInt64 { width == .low32 ? value & 0xFFFF_FFFF : value }

    /// Evaluates the comparison against the six argument registers.
    public func holds(arguments: [UInt64]) -> Bool {
        op.holds(arguments[argument] & effectiveMask, effectiveValue)
    }
}

/// A condition on syscall arguments, as written in a rule's `when`.
public indirect enum Condition: Hashable, Sendable {
    case comparison(Comparison)
    case and([Condition])
    case or([Condition])
    case not(Condition)

    /// Evaluates the condition against the six argument registers.
    public func holds(arguments: [UInt64]) -> Bool {
        switch self {
        case .comparison(let c): return c.holds(arguments: arguments)
        case .and(let terms): return terms.allSatisfy { $0.holds(arguments: arguments) }
        case .or(let terms): return terms.contains { $0.holds(arguments: arguments) }
        case .not(let inner): return !inner.holds(arguments: arguments)
        }
    }

    /// Every comparison in the condition, in the order written.
    public var comparisons: [Comparison] {
        switch self {
        case .comparison(let c): return [c]
        case .and(let terms), .or(let terms): return terms.flatMap(\.comparisons)
        case .not(let inner): return inner.comparisons
        }
    }
}
