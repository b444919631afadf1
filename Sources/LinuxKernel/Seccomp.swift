import CSysHeaders
import Glibc
import SysfenceCore

/// Flags of `seccomp(SECCOMP_SET_MODE_FILTER)`.
public struct SeccompFilterFlags: OptionSet, Hashable, Sendable {
    /// The `SECCOMP_FILTER_FLAG_*` bits.
    public let rawValue: UInt32
    /// Flags from their bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Install on every thread of the process at once, or on none (`SECCOMP_FILTER_FLAG_TSYNC`).
    public static let threadSync = SeccompFilterFlags(rawValue: UInt32(SECCOMP_FILTER_FLAG_TSYNC))
    /// Log every action but allow (`SECCOMP_FILTER_FLAG_LOG`).
    public static let log = SeccompFilterFlags(rawValue: UInt32(SECCOMP_FILTER_FLAG_LOG))
    /// Keep speculative store bypass mitigation off (`SECCOMP_FILTER_FLAG_SPEC_ALLOW`).
    public static let speculationAllowed = SeccompFilterFlags(rawValue: UInt32(SECCOMP_FILTER_FLAG_SPEC_ALLOW))
    /// Return a listener for `SECCOMP_RET_USER_NOTIF` (`SECCOMP_FILTER_FLAG_NEW_LISTENER`).
    public static let newListener = SeccompFilterFlags(rawValue: UInt32(SECCOMP_FILTER_FLAG_NEW_LISTENER))
    /// With `threadSync`, fail with `ESRCH` rather than return a thread id (`SECCOMP_FILTER_FLAG_TSYNC_ESRCH`).
    public static let threadSyncESRCH = SeccompFilterFlags(rawValue: UInt32(SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
    /// Once the supervisor has received a notification, only a fatal signal interrupts the
    /// waiting call (`SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV`, Linux 5.19).
    public static let waitKillableReceive = SeccompFilterFlags(rawValue: UInt32(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV))

    /// The flags as the kernel takes them: `threadSync` always comes with `threadSyncESRCH`, so the
    /// result of the call is never a thread id.
    var kernelValue: UInt32 {
        contains(.threadSync) ? union(.threadSyncESRCH).rawValue : rawValue
    }
}

extension [BPFInstruction] {
    /// Calls `body` with the program as the kernel's `struct sock_filter` array.
    func withSockFilters<Result>(_ body: (UnsafeBufferPointer<sock_filter>) throws(SystemCallError) -> Result) throws(SystemCallError) -> Result {
        let filters = map { sock_filter(code: $0.code, jt: $0.jt, jf: $0.jf, k: $0.k) }
        return try filters.withUnsafeBufferPointer { (buffer) throws(SystemCallError) -> Result in try body(buffer) }
    }
}

/// The seccomp calls of the calling process.
public enum Seccomp {
    /// Installs `program` on the calling thread, or on every thread with `.threadSync`; returns the
    /// notification listener when `flags` contain `.newListener`.
    ///
    /// `no_new_privs` must be set first unless the process has `CAP_SYS_ADMIN`.
    public static func install(_ program: [BPFInstruction], flags: SeccompFilterFlags) throws(SystemCallError) -> NotificationListener? {
        let result = try program.withSockFilters { (filters) throws(SystemCallError) -> Int in
            try check(sysfence_seccomp_install(flags.kernelValue, filters.baseAddress, UInt16(filters.count)),
                      "seccomp(SECCOMP_SET_MODE_FILTER)")
        }
        return flags.contains(.newListener) ? NotificationListener(FileDescriptor(adopting: Int32(result))) : nil
    }

    /// Whether the kernel knows `action` (`SECCOMP_GET_ACTION_AVAIL`); throws when seccomp itself is missing.
    public static func isAvailable(_ action: Action) throws(SystemCallError) -> Bool {
        // The kernel knows actions by SECCOMP_RET_ACTION_FULL alone, without their data.
        let result = sysfence_seccomp_action_available(action.seccompReturnValue & 0xFFFF_0000)
        if result == -EOPNOTSUPP { return false }
        try check(result, "seccomp(SECCOMP_GET_ACTION_AVAIL)")
        return true
    }

    /// The calling thread's seccomp mode (`PR_GET_SECCOMP`): 0 none, 1 strict, 2 filter.
    public static func mode() throws(SystemCallError) -> Int32 {
        try check(sysfence_seccomp_mode(), "prctl(PR_GET_SECCOMP)")
    }

    /// Sets `no_new_privs` on the calling thread (`PR_SET_NO_NEW_PRIVS`); it cannot be unset.
    public static func setNoNewPrivileges() throws(SystemCallError) {
        try check(sysfence_set_no_new_privs(), "prctl(PR_SET_NO_NEW_PRIVS)")
    }
}
