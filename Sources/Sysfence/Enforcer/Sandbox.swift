import Libseccomp
import LinuxKernel
import SysfenceCore

/// Sandboxes the calling process, in the manner of OpenBSD's `pledge`.
public enum Sandbox {
    /// Restricts this process, every thread of it and every process it starts afterwards to
    /// `policy`, for good.
    ///
    /// Sets `no_new_privs`, then installs the compiled policy on all threads at once
    /// (`SECCOMP_FILTER_FLAG_TSYNC`): either every thread is filtered or, when the kernel
    /// refuses, none is and this throws. The kernel carries out every action exactly; a policy
    /// with `notify` is refused, since nothing would supervise the process (use `Enforcer.run`).
    /// Everything that can be checked beforehand (seccomp support, the actions, the filter's
    /// length) is checked before `no_new_privs` is set.
    public static func apply(_ policy: Policy, flags: Set<FilterFlag> = [.threadSync]) throws(DiagnosticsError) {
        try Enforcer.validated(policy)
        if policy.actions.contains(.notify) {
            throw DiagnosticsError(at: policy.sourceFile.map { SourceLocation(file: $0, line: 1, column: 1) },
                                   "a policy with notify needs a supervisor; run the program with `sysfence run` instead")
        }
        try KernelSupport.require(policy.actions)
        let filter = try policy.compileFilter(table: .libseccomp)
        do {
            try Seccomp.setNoNewPrivileges()
        } catch {
            throw DiagnosticsError(at: nil, "cannot set no_new_privs: \(error)")
        }
        do {
            _ = try Seccomp.install(filter.instructions, flags: KernelSupport.seccompFlags(flags))
        } catch {
            throw KernelSupport.filterRefused(error, length: filter.instructions.count, withListener: false)
        }
    }

    /// Restricts this process, as `apply(_:flags:)` does, to the policy in a YAML file.
    public static func apply(contentsOfFile path: String, flags: Set<FilterFlag> = [.threadSync]) throws(DiagnosticsError) {
        let policy: Policy
        do { policy = try Policy(contentsOfFile: path) } catch {
            throw error as? DiagnosticsError ?? DiagnosticsError(at: nil, "\(error)")
        }
        try apply(policy, flags: flags)
    }
}
