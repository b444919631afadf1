import LinuxKernel
import SysfenceCore

/// Checks what the kernel offers before anything is installed, and turns its refusals into
/// diagnostics a user can act on.
enum KernelSupport {
    /// Fails unless seccomp filters and every action in `actions` are available.
    static func require(_ actions: Set<Action>) throws(DiagnosticsError) {
        do {
            _ = try Seccomp.mode()
        } catch {
            throw DiagnosticsError(at: nil, "this kernel has no seccomp (it was built without CONFIG_SECCOMP): \(error)")
        }
        for action in actions.sorted(by: { $0.seccompReturnValue < $1.seccompReturnValue }) {
            let available: Bool
            do { available = try Seccomp.isAvailable(action) } catch {
                throw DiagnosticsError(at: nil, "this kernel has no seccomp filters (CONFIG_SECCOMP_FILTER): \(error)")
            }
            guard available else {
                if action == .notify {
                    throw DiagnosticsError(at: nil, "this kernel has no seccomp user notification (SECCOMP_RET_USER_NOTIF, Linux 5.0), which the supervisor needs")
                }
                throw DiagnosticsError(at: nil, "this kernel does not support the action \(action.policySpelling)")
            }
        }
    }

    /// The kernel's flags for the user's `--flags`.
    static func seccompFlags(_ flags: Set<FilterFlag>) -> SeccompFilterFlags {
        var result: SeccompFilterFlags = []
        for flag in flags {
            switch flag {
            case .threadSync: result.insert(.threadSync)
            case .log: result.insert(.log)
            case .speculationAllowed: result.insert(.speculationAllowed)
            }
        }
        return result
    }

    /// Why `seccomp(SECCOMP_SET_MODE_FILTER)` refused a filter of `length` instructions.
    static func filterRefused(_ error: SystemCallError, length: Int, withListener: Bool) -> DiagnosticsError {
        let reason: String
        switch error.name {
        case "ENOMEM":
            reason = "the filter (\(length) instructions) is too long for the kernel together with the filters this process already runs under (at most 32768 instructions in all, each filter counting 4 more)"
        case "EBUSY" where withListener:
            reason = "this process already runs under a filter with a supervisor, and the kernel allows one per chain: a supervised run cannot be nested in another"
        case "ESRCH":
            reason = "a thread of this process runs under a different seccomp filter, so the filter could not be installed on every thread; nothing was installed"
        case "EINVAL" where withListener:
            reason = "the kernel refused the filter flags; the supervisor needs SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19)"
        case "EACCES":
            reason = "the process has neither no_new_privs nor CAP_SYS_ADMIN"
        default:
            reason = "\(error)"
        }
        return DiagnosticsError(at: nil, "the kernel refused the filter: \(reason)")
    }
}
