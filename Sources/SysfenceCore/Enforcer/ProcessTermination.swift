/// How a process ended, as `waitid(2)` reports it.
public enum ProcessTermination: Hashable, Sendable {
    /// It called `exit` with this status.
    case exited(Int32)
    /// A signal ended it, with or without a core dump.
    case signaled(Int32, coreDumped: Bool)

    /// The status a shell would report: the exit status, or 128 plus the signal number.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let status): return status
        case .signaled(let signal, _): return 128 + signal
        }
    }
}
