/// The outcome of deciding one system call: the action and the rule that chose it.
public struct Verdict: Hashable, Sendable {
    public var action: Action
    /// Index into `Policy.rules`; `nil` when the default or bad-arch action decided.
    public var rule: Int?

    public init(_ action: Action, rule: Int? = nil) {
        self.action = action
        self.rule = rule
    }
}

/// A conditional step of a syscall's decision: when `condition` holds, `verdict` decides.
public struct Branch: Hashable, Sendable {
    public var condition: Condition
    public var verdict: Verdict
}

/// How one syscall on one arch is decided: the first branch whose condition holds, else `fallback`.
public struct SyscallDecision: Hashable, Sendable {
    public var branches: [Branch]
    public var fallback: Verdict

    /// Whether the verdict never depends on the arguments.
    public var isArgumentFree: Bool { branches.isEmpty }

    func decide(arguments: [UInt64]) -> Verdict {
        branches.first { $0.condition.holds(arguments: arguments) }?.verdict ?? fallback
    }
}

/// The decisions of one arch: syscalls with rules, and the verdict for every other number.
public struct ArchDecisions: Sendable {
    public var arch: Arch
    /// Keyed by syscall number as it arrives in `seccomp_data.nr` (x32 numbers carry the x32 bit).
    public var syscalls: [UInt32: SyscallDecision]
    public var defaultVerdict: Verdict

    /// The decision for a syscall number.
    public func decision(for number: UInt32) -> SyscallDecision {
        syscalls[number] ?? SyscallDecision(branches: [], fallback: defaultVerdict)
    }
}

/// The decision intermediate form: what a policy decides for every (arch, nr, arguments).
///
/// Every back end reads it: the classic-BPF code generator, the eBPF side, the supervisor that
/// names the rule behind a violation. `decide` is its reference semantics.
public struct DecisionProgram: Sendable {
    /// In the order the policy lists its arches.
    public var arches: [ArchDecisions]
    public var badArchAction: Action

    /// The decisions of one arch, if the policy admits it.
    public func decisions(for arch: Arch) -> ArchDecisions? { arches.first { $0.arch == arch } }

    /// Which admitted arch a call belongs to, as the kernel reports it.
    ///
    /// On `AUDIT_ARCH_X86_64`, a number at or above the x32 bit is x32 and any other is x86_64,
    /// except `-1` (a tracer skipping the call), which stays x86_64 as in libseccomp.
    public func arch(auditArch: UInt32, nr: UInt32) -> ArchDecisions? {
        if auditArch == Arch.x86_64.auditArch {
            let isX32 = nr >= Arch.x32SyscallBit
            if let x86_64 = decisions(for: .x86_64), !isX32 || (nr == UInt32.max && decisions(for: .x32) == nil) {
                return x86_64
            }
            return isX32 ? decisions(for: .x32) : nil
        }
        return arches.first { $0.arch.auditArch == auditArch }
    }

    /// The verdict for one call: the reference every compiled form must agree with.
    public func decide(auditArch: UInt32, nr: UInt32, arguments: [UInt64]) -> Verdict {
        guard let decisions = arch(auditArch: auditArch, nr: nr) else { return Verdict(badArchAction) }
        return decisions.decision(for: nr).decide(arguments: arguments)
    }
}
