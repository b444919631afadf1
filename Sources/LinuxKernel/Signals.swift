import CSysHeaders
import Glibc
import SysfenceCore

/// Signals sent to the threads of a supervised process.
public enum Signals {
    /// `SIGSYS`, the signal of a seccomp trap or kill.
    public static let badSystemCall = SIGSYS
    /// `SIGKILL`.
    public static let kill = SIGKILL
    /// `SIGINT` and `SIGQUIT`, which a terminal sends to its whole foreground process group.
    public static let terminalInterrupts = [SIGINT, SIGQUIT]
    /// `SIGTERM` and `SIGHUP`, with which a process is asked to end.
    public static let terminationRequests = [SIGTERM, SIGHUP]

    /// A signal's disposition before this process changed it.
    public final class SavedDisposition {
        /// The signal.
        public let signal: Int32
        /// Whether the signal was ignored (`SIG_IGN`) before.
        public let wasIgnored: Bool
        private var previous: sigaction
        private let wasBlocked: Int32

        fileprivate init(_ signal: Int32, _ disposition: Int32, target: Int32) throws(SystemCallError) {
            var previous = sigaction()
            var wasIgnored: Int32 = 0, wasBlocked: Int32 = 0
            try check(sysfence_set_signal(signal, disposition, target, &previous, &wasIgnored, &wasBlocked),
                      "sigaction(\(signal))")
            self.signal = signal
            self.previous = previous
            self.wasIgnored = wasIgnored != 0
            self.wasBlocked = wasBlocked
        }

        /// Puts the previous disposition (and the calling thread's mask) back.
        public func restore() { _ = sysfence_restore_signal(signal, &previous, wasBlocked) }
    }

    /// Ignores `signal` in this whole process until the result is restored.
    public static func ignore(_ signal: Int32) throws(SystemCallError) -> SavedDisposition {
        try SavedDisposition(signal, Int32(SYSFENCE_SIGNAL_IGNORE), target: 0)
    }

    /// Sends `signal`, whenever this process gets it, on to `process` until the result is
    /// restored (one target for all forwarded signals); unblocks it in the calling thread.
    public static func forward(_ signal: Int32, to process: Int32) throws(SystemCallError) -> SavedDisposition {
        try SavedDisposition(signal, Int32(SYSFENCE_SIGNAL_FORWARD), target: process)
    }

    /// Queues the `SIGSYS` of a seccomp trap on one thread, with the trap's `si_call_addr`,
    /// `si_syscall`, `si_arch` and `si_errno` (`errno` is the action's data); `si_code` is
    /// `SI_QUEUE`, the only kind another process may queue. `false` when the thread is gone.
    @discardableResult
    public static func queueSeccompTrap(process: Int32, thread: Int32, call: SeccompData, errno: UInt16) throws(SystemCallError) -> Bool {
        let result = sysfence_queue_seccomp_sigsys(process, thread, Int32(bitPattern: call.nr), call.arch,
                                                   call.instructionPointer, Int32(errno))
        if result == -ESRCH { return false }
        try check(result, "rt_tgsigqueueinfo(\(process), \(thread), SIGSYS)")
        return true
    }

    /// Sends `signal` to one thread of `process` (`tgkill(2)`). `false` when the thread is not
    /// (or no longer) in that process.
    @discardableResult
    public static func send(_ signal: Int32, process: Int32, thread: Int32) throws(SystemCallError) -> Bool {
        let result = sysfence_tgkill(process, thread, signal)
        if result == -ESRCH { return false }
        try check(result, "tgkill(\(process), \(thread), \(signal))")
        return true
    }
}

/// What `poll(2)` reported for one descriptor.
public struct PollEvents: OptionSet, Hashable, Sendable {
    /// The `revents` bits.
    public let rawValue: Int16
    /// Events from their bits.
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// Data (or a notification, or an exit for a pidfd) is ready (`POLLIN`).
    public static let readable = PollEvents(rawValue: Int16(POLLIN))
    /// The other side is gone (`POLLHUP`); for a seccomp listener, every filtered task has ended.
    public static let hangUp = PollEvents(rawValue: Int16(POLLHUP))
    /// An error condition (`POLLERR`, `POLLNVAL`).
    public static let error = PollEvents(rawValue: Int16(POLLERR | POLLNVAL))
}

/// Waits until one of `descriptors` is readable or hung up, for at most `timeout` milliseconds
/// (-1: no limit); an interrupted wait returns with nothing ready.
public func poll(_ descriptors: [Int32], timeout: Int32) throws(SystemCallError) -> [PollEvents] {
    var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    if Glibc.poll(&entries, nfds_t(entries.count), timeout) < 0 {
        if errno == EINTR { return Array(repeating: [], count: descriptors.count) }
        throw SystemCallError("poll", errno: errno)
    }
    return entries.map { PollEvents(rawValue: $0.revents) }
}

/// The wall-clock time (`CLOCK_REALTIME`) in nanoseconds since the Unix epoch.
public func wallClockNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
