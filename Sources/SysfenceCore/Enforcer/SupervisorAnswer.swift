/// Whether a supervised run carries out the policy or only reports what it would do.
public enum EnforcementMode: String, Hashable, Sendable {
    /// Every verdict takes effect, as with the filter alone.
    case enforce
    /// Every call runs; the stream shows what enforcement would have done (`--audit`).
    case audit
}

/// How the supervisor answers a call the filter handed over, so that the program sees what the
/// policy's own action would have done without a supervisor.
public enum SupervisorAnswer: Hashable, Sendable {
    /// Let the call run (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`): allow, log, notify, and everything in audit mode.
    case letContinue
    /// End the call without running it, failing with this errno; errno 0 returns 0, as
    /// `SECCOMP_RET_ERRNO` with data 0 does.
    case fail(errno: UInt16)
    /// Queue `SIGSYS` on the thread and end the call with `returnValue`, the register value the
    /// kernel's trap leaves behind.
    case trap(returnValue: Int64)
    /// End the process with `SIGSYS`, as a kill action does; `returnValue` is what the register
    /// holds in its core dump.
    case kill(returnValue: Int64)

    /// The errno a `SECCOMP_RET_TRACE` call fails with when no tracer is attached (`ENOSYS`,
    /// the same number on every arch sysfence admits).
    public static let noTracerErrno: UInt16 = 38

    /// The answer that carries out `action` for `call`; in audit mode every call continues.
    public init(carryingOut action: Action, for call: SeccompData, mode: EnforcementMode) {
        if mode == .audit {
            self = .letContinue
            return
        }
        switch action {
        case .allow, .log, .notify: self = .letContinue
        case .errno(let number): self = .fail(errno: number)
        case .trace: self = .fail(errno: Self.noTracerErrno)
        case .trap: self = .trap(returnValue: Self.rolledBackValue(of: call))
        case .killProcess, .killThread: self = .kill(returnValue: Self.rolledBackValue(of: call))
        }
    }

    /// The return register after the kernel undoes a call for a trap or kill
    /// (`syscall_rollback`): x86 puts the number back (`orig_ax`), the other arches the first
    /// argument (`orig_x0`, `orig_a0`, `orig_gpr3`, `orig_gpr2`).
    static func rolledBackValue(of call: SeccompData) -> Int64 {
        let x86 = call.arch == Arch.x86_64.auditArch || call.arch == Arch.x86.auditArch
        return Int64(bitPattern: x86 ? UInt64(call.nr) : call.arguments[0])
    }
}
