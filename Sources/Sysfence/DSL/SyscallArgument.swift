/// A syscall argument as a rule condition reads it: `arg(0)`, `u32(arg(1))`, `arg(2) & MASK`.
///
/// Compare it with a constant to make a `Condition`: `arg(0) == AF_INET`,
/// `(arg(0) & CLONE_NEWUSER) == 0`, `arg(1).in(O_RDONLY, O_WRONLY)`. Constants are any
/// `BinaryInteger`; negative ones are taken as 64-bit two's complement, so Glibc's `Int32`
/// constants and `AT_FDCWD` (-100) work as written.
public struct SyscallArgument: Sendable {
    /// The argument's index, 0 to 5.
    public var index: Int
    /// Whether the whole register or its low 32 bits are read.
    public var width: ArgumentWidth
    /// The bits kept before comparing; all ones when unmasked.
    public var mask: UInt64

    /// An argument view; usually written `arg(n)`, `u32(arg(n))` and `arg(n) & mask`.
    public init(index: Int, width: ArgumentWidth = .full, mask: UInt64 = .max) {
        self.index = index
        self.width = width
        self.mask = mask
    }

    private func comparison(_ op: ComparisonOperator, _ value: some BinaryInteger) -> Condition {
        .comparison(Comparison(argument: index, width: width, mask: mask, op: op, value: UInt64(truncatingIfNeeded: value)))
    }

    /// Holds when the argument equals any of `values` (an or of `==`).
    public func `in`<T: BinaryInteger>(_ values: T...) -> Condition { self.in(values) }

    /// Holds when the argument equals any of `values` (an or of `==`).
    public func `in`<T: BinaryInteger>(_ values: [T]) -> Condition { .anyOf(values.map { comparison(.equal, $0) }) }

    /// Holds when the argument equals none of `values` (an and of `!=`).
    public func notIn<T: BinaryInteger>(_ values: T...) -> Condition { notIn(values) }

    /// Holds when the argument equals none of `values` (an and of `!=`).
    public func notIn<T: BinaryInteger>(_ values: [T]) -> Condition { .allOf(values.map { comparison(.notEqual, $0) }) }

    /// The argument with only the bits of `mask` kept: `(arg & mask) == value`.
    public static func & <T: BinaryInteger>(argument: SyscallArgument, mask: T) -> SyscallArgument {
        var masked = argument
        masked.mask &= UInt64(truncatingIfNeeded: mask)
        return masked
    }

    /// The argument with only the bits of `mask` kept: `(mask & arg) == value`.
    public static func & <T: BinaryInteger>(mask: T, argument: SyscallArgument) -> SyscallArgument { argument & mask }

    /// `argument == value`
    public static func == <T: BinaryInteger>(argument: SyscallArgument, value: T) -> Condition { argument.comparison(.equal, value) }
    /// `argument != value`
    public static func != <T: BinaryInteger>(argument: SyscallArgument, value: T) -> Condition { argument.comparison(.notEqual, value) }
    /// `argument < value`, unsigned.
    public static func < <T: BinaryInteger>(argument: SyscallArgument, value: T) -> Condition { argument.comparison(.less, value) }
    /// `argument <= value`, unsigned.
    public static func <= <T: BinaryInteger>(argument: SyscallArgument, value: T) -> Condition { argument.comparison(.lessOrEqual, value) }
    /// `argument > value`, unsigned.
    public static func > <T: BinaryInteger>(argument: SyscallArgument, value: T) -> Condition { argument.comparison(.greater, value) }
    /// `argument >= value`, unsigned.
    public static func >= <T: BinaryInteger>(argument: SyscallArgument, value: T) -> Condition { argument.comparison(.greaterOrEqual, value) }

    /// `value == argument`
    public static func == <T: BinaryInteger>(value: T, argument: SyscallArgument) -> Condition { argument == value }
    /// `value != argument`
    public static func != <T: BinaryInteger>(value: T, argument: SyscallArgument) -> Condition { argument != value }
    /// `value < argument`, unsigned.
    public static func < <T: BinaryInteger>(value: T, argument: SyscallArgument) -> Condition { argument > value }
    /// `value <= argument`, unsigned.
    public static func <= <T: BinaryInteger>(value: T, argument: SyscallArgument) -> Condition { argument >= value }
    /// `value > argument`, unsigned.
    public static func > <T: BinaryInteger>(value: T, argument: SyscallArgument) -> Condition { argument < value }
    /// `value >= argument`, unsigned.
    public static func >= <T: BinaryInteger>(value: T, argument: SyscallArgument) -> Condition { argument <= value }
}

/// Syscall argument `index` (0 to 5) as a 64-bit unsigned value.
public func arg(_ index: Int) -> SyscallArgument { SyscallArgument(index: index) }

/// The low 32 bits of an argument; a constant compared with it is taken modulo 2^32.
public func u32(_ argument: SyscallArgument) -> SyscallArgument {
    var low = argument
    low.width = .low32
    return low
}

extension Condition {
    /// Holds when both hold; chains of `&&` build one flat conjunction.
    public static func && (lhs: Condition, rhs: Condition) -> Condition { .allOf([lhs, rhs]) }

    /// Holds when either holds; chains of `||` build one flat disjunction.
    public static func || (lhs: Condition, rhs: Condition) -> Condition { .anyOf([lhs, rhs]) }

    /// Holds when `condition` does not.
    public static prefix func ! (condition: Condition) -> Condition { .not(condition) }
}
