/// Which arguments of a syscall a recording keeps the values of, so that the generated policy can
/// allow exactly the values seen: each argument's low 32 bits (the syscalls watched take `int`
/// or `unsigned int` there; the kernel ignores the upper half) masked with `mask`.
public struct ArgumentWatch: Hashable, Sendable, Codable {
    /// Argument indexes (at most two), in the order the values are kept.
    public var arguments: [Int]
    /// The bits kept of each argument, parallel to `arguments`.
    public var masks: [UInt32]

    public init(arguments: [Int], masks: [UInt32]) {
        precondition(arguments.count == masks.count && (1...2).contains(arguments.count))
        self.arguments = arguments
        self.masks = masks
    }
}

/// What a workload called, as counted in the kernel: calls per syscall number per arch, and for
/// watched syscalls the distinct (masked) argument values with their counts.
public struct SyscallRecording: Hashable, Sendable, Codable {
    /// One recorded combination of watched argument values, parallel to `ArgumentWatch.arguments`.
    public typealias ArgumentValues = [UInt32]

    /// Calls seen per arch and syscall number, numbered as `SyscallTable` numbers them (x32 numbers
    /// carry the x32 bit).
    public var calls: [Arch: [UInt32: UInt64]] = [:]
    /// For watched syscalls: how often each combination of argument values was seen.
    public var argumentValues: [Arch: [UInt32: [ArgumentValues: UInt64]]] = [:]
    /// Events the kernel could not deliver (ring buffer full); the counts above are complete anyway.
    public var lostEvents: UInt64 = 0
    /// Calls whose argument values (or, for numbers no syscall has, whose count) a full kernel map
    /// could not keep; the values of those syscalls are dropped, so the policy leaves them
    /// unconstrained.
    public var callsWithoutRoom: UInt64 = 0

    public init() {}
}
