import CSysHeaders
import Glibc
import SysfenceCore

/// Why a filtered child did not get to run its program.
public struct ChildStartError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the start stopped.
    public enum Step: String, Hashable, Sendable {
        /// `clone3` itself: no child was created.
        case clone = "clone3"
        /// Setting signals back to their default in the child.
        case signals = "sigaction"
        /// `prctl(PR_SET_NO_NEW_PRIVS)` in the child.
        case noNewPrivileges = "prctl(PR_SET_NO_NEW_PRIVS)"
        /// `seccomp(SECCOMP_SET_MODE_FILTER)` in the child.
        case filter = "seccomp(SECCOMP_SET_MODE_FILTER)"
        /// The child ended (was killed) before it could report.
        case vanished = "child setup"
    }

    /// The step that failed.
    public var step: Step
    /// The errno it failed with.
    public var errno: Int32

    /// The failure of `step` with `errno`.
    public init(step: Step, errno: Int32) {
        self.step = step
        self.errno = errno
    }

    /// `call: message (ENAME)`.
    public var description: String { SystemCallError(step.rawValue, errno: errno).description }
}

/// A child process that installed a seccomp filter on itself and then executed a program.
///
/// The child shares the parent's file table until it executes, so the notification listener
/// its install creates is the parent's too; `execve` gives the program a table of its own, in
/// which the close-on-exec listener is closed. Between the install and `execve` the child makes
/// no system call, so whatever the filter decides, the program's `execve` is its first
/// filtered call.
public final class FilteredChild {
    private let handle: OpaquePointer
    /// The child's process id.
    public let pid: Int32
    /// The filter's listener, when the flags asked for one.
    public let listener: NotificationListener?

    /// Starts `path` (not searched for) with `arguments` (`argv[0]` first) and `environment`
    /// (`NAME=value`), under `filter` installed with `flags` after `no_new_privs` (`nil`: no
    /// filter, nothing but the `execve`), with `defaultSignals` set back to `SIG_DFL` first; in
    /// the cgroup v2 directory open as `cgroup` when given (from its first instruction on).
    public init(path: String, arguments: [String], environment: [String], filter: [BPFInstruction]?,
                flags: SeccompFilterFlags, defaultSignals: [Int32] = [], cgroup: Int32? = nil) throws(ChildStartError) {
        var child: OpaquePointer?
        let started = withCStringArray([path]) { pathPointer in
            withCStringArray(arguments) { argv in
                withCStringArray(environment) { envp in
                    let sockFilters = (filter ?? []).map { sock_filter(code: $0.code, jt: $0.jt, jf: $0.jf, k: $0.k) }
                    return sockFilters.withUnsafeBufferPointer { filters in
                        defaultSignals.withUnsafeBufferPointer { signals in
                            var request = sysfence_spawn_request(
                                path: pathPointer[0], argv: argv, envp: envp, filter: filter == nil ? nil : filters.baseAddress,
                                filter_length: UInt16(filters.count), filter_flags: flags.kernelValue,
                                default_signals: signals.baseAddress, default_signal_count: Int32(signals.count),
                                cgroup_fd: cgroup ?? -1)
                            return sysfence_spawn_filtered(&request, &child)
                        }
                    }
                }
            }
        }
        guard started == 0, let child else { throw ChildStartError(step: .clone, errno: -started) }
        var step: Int32 = 0
        let installed = sysfence_child_await_filter(child, &step)
        if installed < 0 {
            var code: Int32 = 0, status: Int32 = 0
            _ = sysfence_child_wait(child, &code, &status)
            sysfence_child_release(child)
            let steps: [Int32: ChildStartError.Step] = [
                Int32(SYSFENCE_STEP_SIGNALS): .signals,
                Int32(SYSFENCE_STEP_NO_NEW_PRIVS): .noNewPrivileges,
                Int32(SYSFENCE_STEP_FILTER): .filter,
            ]
            throw ChildStartError(step: steps[step] ?? .vanished, errno: -installed)
        }
        self.handle = child
        self.pid = sysfence_child_pid(child)
        self.listener = flags.contains(.newListener) ? NotificationListener(adopting: installed) : nil
    }

    deinit { sysfence_child_release(handle) }

    /// The child's pidfd: readable once the child has ended.
    public var descriptor: Int32 { sysfence_child_pidfd(handle) }

    /// Waits for the child to end and reaps it.
    public func wait() throws(SystemCallError) -> ProcessTermination {
        var code: Int32 = 0, status: Int32 = 0
        try check(sysfence_child_wait(handle, &code, &status), "waitid(P_PIDFD)")
        return code == CLD_EXITED ? .exited(status) : .signaled(status, coreDumped: code == CLD_DUMPED)
    }

    /// The errno of the child's failed `execve`, once it has ended; `nil` when the program ran.
    public var execError: SystemCallError? {
        let error = sysfence_child_exec_error(handle)
        return error == 0 ? nil : SystemCallError("execve", errno: error)
    }
}

/// Calls `body` with `strings` as a NULL-terminated array of C strings.
private func withCStringArray<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
