import CSysHeaders
import Glibc
import SysfenceCore

/// One system call waiting for the supervisor (`struct seccomp_notif`).
public struct SeccompNotification: Hashable, Sendable {
    /// The cookie that identifies the call in the answer.
    public var id: UInt64
    /// The thread that made the call, in the supervisor's pid namespace.
    public var threadID: Int32
    /// What the filter saw.
    public var data: SeccompData
}

/// The user-notification fd of a filter: receives the calls it hands over and answers them.
public final class NotificationListener: Sendable {
    /// The listener fd.
    public let descriptor: FileDescriptor

    init(_ descriptor: FileDescriptor) {
        self.descriptor = descriptor
    }

    /// Takes ownership of a listener fd obtained another way (from a child that shares the file table).
    public convenience init(adopting rawValue: Int32) {
        self.init(FileDescriptor(adopting: rawValue))
    }

    /// Receives the oldest waiting call (`SECCOMP_IOCTL_NOTIF_RECV`); blocks while there is none.
    /// `nil` when the call went away (its thread was interrupted or killed) before it was received.
    public func receive() throws(SystemCallError) -> SeccompNotification? {
        var raw = seccomp_notif()
        let result = sysfence_notification_receive(descriptor.rawValue, &raw)
        if result == -ENOENT { return nil }
        try check(result, "ioctl(SECCOMP_IOCTL_NOTIF_RECV)")
        let a = raw.data.args
        return SeccompNotification(
            id: raw.id, threadID: Int32(bitPattern: raw.pid),
            data: SeccompData(nr: UInt32(bitPattern: raw.data.nr), arch: raw.data.arch,
                              instructionPointer: raw.data.instruction_pointer,
                              arguments: [a.0, a.1, a.2, a.3, a.4, a.5]))
    }

    /// Ends the call without running it: it returns `value`, or fails with `errno` when that is not 0.
    /// `false` when the call went away before the answer (its thread was killed).
    @discardableResult
    public func answer(_ id: UInt64, errno: Int32, value: Int64) throws(SystemCallError) -> Bool {
        try sent(sysfence_notification_respond(descriptor.rawValue, id, -errno, errno == 0 ? value : 0, 0))
    }

    /// Lets the call run as if the filter had allowed it (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`).
    /// `false` when the call went away before the answer.
    @discardableResult
    public func letContinue(_ id: UInt64) throws(SystemCallError) -> Bool {
        try sent(sysfence_notification_respond(descriptor.rawValue, id, 0, 0, UInt32(SECCOMP_USER_NOTIF_FLAG_CONTINUE)))
    }

    private func sent(_ result: Int32) throws(SystemCallError) -> Bool {
        if result == -ENOENT { return false }
        try check(result, "ioctl(SECCOMP_IOCTL_NOTIF_SEND)")
        return true
    }

    /// Asks the kernel to wake the notifying thread and the supervisor on the current CPU
    /// (`SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP`, Linux 6.6), which makes each round trip several
    /// times faster where a wake-up on another CPU is costly. `false` where the kernel lacks it.
    @discardableResult
    public func wakeOnCurrentCPU() -> Bool {
        sysfence_notification_sync_wake_up(descriptor.rawValue) == 0
    }

    /// Whether the call still waits for an answer (`SECCOMP_IOCTL_NOTIF_ID_VALID`): while it does,
    /// its thread id cannot have been reused, so what was read about the thread is about this call.
    public func isWaiting(_ id: UInt64) -> Bool {
        sysfence_notification_id_valid(descriptor.rawValue, id) == 0
    }
}
