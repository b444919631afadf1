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

    /// A signal's disposition before `ignore(_:)` changed it.
    public struct SavedDisposition {
        /// The signal.
        public let signal: Int32
        fileprivate let handler: __sighandler_t?

        /// Whether the signal was ignored already.
        public var wasIgnored: Bool { handler.map { unsafeBitCast($0, to: Int.self) == 1 } ?? false }

        /// Puts the disposition back (`signal(2)`).
        public func restore() { _ = Glibc.signal(signal, handler) }
    }

    /// Ignores `signal` in this process (`signal(2)` with `SIG_IGN`), returning what to restore.
    public static func ignore(_ signal: Int32) -> SavedDisposition {
        SavedDisposition(signal: signal, handler: Glibc.signal(signal, SIG_IGN))
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
    public let rawValue: Int16
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
