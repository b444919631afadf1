/// What chose a verdict.
public enum VerdictOrigin: Hashable, Sendable {
    /// A rule of the policy: its index in `Policy.rules` and where it was written, if known.
    case rule(index: Int, location: SourceLocation?)
    /// The policy's default action: no rule matched.
    case defaultAction
    /// The policy's bad-arch action: the call came from an ABI the policy does not admit.
    case badArch
}

/// One system call that the policy does not simply allow, as the supervisor saw it.
public struct ViolationEvent: Hashable, Sendable {
    /// When the supervisor received the call, in nanoseconds since the Unix epoch.
    public var time: UInt64
    /// The process (thread group) of the calling thread; `nil` when it ended before it could be inspected.
    public var processID: Int32?
    /// The calling thread.
    public var threadID: Int32
    /// The thread's command name (`comm`); `nil` when it ended before it could be inspected.
    public var command: String?
    /// The call as the filter saw it: number, audit arch, instruction pointer, arguments.
    public var call: SeccompData
    /// The ABI of the call; `nil` for an audit arch sysfence does not know.
    public var arch: Arch?
    /// The syscall's name on its ABI, when the table knows the number.
    public var syscallName: String?
    /// The policy's action for the call.
    public var action: Action
    /// What chose the action.
    public var origin: VerdictOrigin
    /// Whether the action took effect or was only reported.
    public var mode: EnforcementMode
    /// The strings the call's string arguments (`StringArguments`) point to, by argument index,
    /// as the supervisor read them when it received the call; those it could not read (a null or
    /// bad pointer, no NUL within `StringArguments.limit` bytes) are missing. Bytes that are not
    /// UTF-8 read as U+FFFD.
    public var strings: [Int: String]

    /// An event from its parts.
    public init(time: UInt64, processID: Int32?, threadID: Int32, command: String?, call: SeccompData, arch: Arch?,
                syscallName: String?, action: Action, origin: VerdictOrigin, mode: EnforcementMode,
                strings: [Int: String] = [:]) {
        self.time = time
        self.processID = processID
        self.threadID = threadID
        self.command = command
        self.call = call
        self.arch = arch
        self.syscallName = syscallName
        self.action = action
        self.origin = origin
        self.mode = mode
        self.strings = strings
    }

    /// The event of `call`, decided by `decisions` (compiled from `policy` with `table`).
    public init(time: UInt64, processID: Int32?, threadID: Int32, command: String?, call: SeccompData,
                policy: Policy, decisions: DecisionProgram, table: SyscallTable, mode: EnforcementMode) {
        let verdict = decisions.decide(auditArch: call.arch, nr: call.nr, arguments: call.arguments)
        let admitted = decisions.arch(auditArch: call.arch, nr: call.nr)
        let arch = admitted?.arch ?? Arch.of(auditArch: call.arch, nr: call.nr)
        let origin: VerdictOrigin
        if let index = verdict.rule {
            origin = .rule(index: index, location: policy.rules[index].source?.rule)
        } else {
            origin = admitted == nil ? .badArch : .defaultAction
        }
        self.init(time: time, processID: processID, threadID: threadID, command: command, call: call, arch: arch,
                  syscallName: arch.flatMap { table.name(of: call.nr, on: $0) }, action: verdict.action,
                  origin: origin, mode: mode)
    }
}

extension Arch {
    /// The ABI of a call as the kernel reports it: on `AUDIT_ARCH_X86_64` the x32 bit of the
    /// number tells x32 from x86_64.
    static func of(auditArch: UInt32, nr: UInt32) -> Arch? {
        if auditArch == Arch.x86_64.auditArch { return nr & Arch.x32SyscallBit != 0 && nr != UInt32.max ? .x32 : .x86_64 }
        return allCases.first { $0.auditArch == auditArch }
    }
}
