/// What a filter does with a system call.
public enum Action: Hashable, Sendable {
    /// Let the call run (`SECCOMP_RET_ALLOW`).
    case allow
    /// Let the call run and log it (`SECCOMP_RET_LOG`).
    case log
    /// Fail the call with this errno, without running it (`SECCOMP_RET_ERRNO`).
    case errno(UInt16)
    /// Deliver `SIGSYS` to the thread (`SECCOMP_RET_TRAP`).
    case trap
    /// Stop for a ptrace tracer with this message (`SECCOMP_RET_TRACE`).
    case trace(UInt16)
    /// Kill the whole process (`SECCOMP_RET_KILL_PROCESS`).
    case killProcess
    /// Kill the calling thread (`SECCOMP_RET_KILL_THREAD`).
    case killThread
    /// Hand the call to a user-space supervisor (`SECCOMP_RET_USER_NOTIF`).
    case notify

    /// The 32-bit value a seccomp filter returns for this action.
    public var seccompReturnValue: UInt32 {
        switch self {
        case .allow: return 0x7FFF_0000
        case .log: return 0x7FFC_0000
        case .errno(let n): return 0x0005_0000 | UInt32(n)
        case .trap: return 0x0003_0000
        case .trace(let n): return 0x7FF0_0000 | UInt32(n)
        case .killProcess: return 0x8000_0000
        case .killThread: return 0x0000_0000
        case .notify: return 0x7FC0_0000
        }
    }

    /// Decodes a filter's return value the way the kernel does (`SECCOMP_RET_ACTION_FULL` and
    /// `SECCOMP_RET_DATA`); an unknown action reads as `killProcess`, as in `__seccomp_filter`.
    public init(seccompReturnValue value: UInt32) {
        let data = UInt16(truncatingIfNeeded: value & 0xFFFF)
        switch value & 0xFFFF_0000 {
        case 0x7FFF_0000: self = .allow
        case 0x7FFC_0000: self = .log
        case 0x0005_0000: self = .errno(data)
        case 0x0003_0000: self = .trap
        case 0x7FF0_0000: self = .trace(data)
        case 0x0000_0000: self = .killThread
        case 0x7FC0_0000: self = .notify
        default: self = .killProcess
        }
    }

    /// Whether the call runs (allow or log) without anyone else deciding.
    public var letsCallRun: Bool { self == .allow || self == .log }

    /// The spelling used in policy files, with numbers: `allow`, `errno(1)`, `kill-process`.
    public var policySpelling: String { spelling(errnoNames: [:]) }

    /// The spelling used in policy files, naming the errno where `errnoNames` knows it.
    public func spelling(errnoNames: [UInt16: String]) -> String {
        switch self {
        case .allow: return "allow"
        case .log: return "log"
        case .errno(let n): return "errno(\(errnoNames[n] ?? String(n)))"
        case .trap: return "trap"
        case .trace(let n): return "trace(\(n))"
        case .killProcess: return "kill-process"
        case .killThread: return "kill-thread"
        case .notify: return "notify"
        }
    }
}

extension Action: CustomStringConvertible {
    public var description: String { policySpelling }
}
