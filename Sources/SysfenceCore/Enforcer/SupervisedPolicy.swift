import Foundation

extension Policy {
    /// The policy a supervised run installs: every action but allow becomes notify, so each call
    /// the policy does not simply allow reaches the supervisor, which decides it with the
    /// original policy, while allowed calls stay on the kernel's fast path. Rules keep their
    /// order, so the same rule decides in both.
    public var handingDecisionsToSupervisor: Policy {
        func handed(_ action: Action) -> Action { action == .allow ? .allow : .notify }
        var supervised = self
        supervised.defaultAction = handed(defaultAction)
        supervised.badArchAction = handed(badArchAction)
        supervised.rules = rules.map { rule in
            var rule = rule
            rule.action = handed(rule.action)
            return rule
        }
        return supervised
    }

    /// Every action the policy can return, its default and bad-arch actions included.
    public var actions: Set<Action> {
        Set(rules.map(\.action) + [defaultAction, badArchAction])
    }
}

/// A flag of the filter install, as `--flags` names it.
public enum FilterFlag: String, CaseIterable, Hashable, Sendable {
    /// Install on every thread of the process (`SECCOMP_FILTER_FLAG_TSYNC`).
    case threadSync = "tsync"
    /// Have the kernel log every action but allow (`SECCOMP_FILTER_FLAG_LOG`).
    case log = "log"
    /// Leave speculative store bypass mitigation off (`SECCOMP_FILTER_FLAG_SPEC_ALLOW`).
    case speculationAllowed = "spec-allow"

    /// Parses a comma-separated list such as `tsync,log`; an empty list is no flags.
    public static func parseList(_ text: String) throws(DiagnosticsError) -> Set<FilterFlag> {
        var flags: Set<FilterFlag> = []
        for word in text.split(separator: ",", omittingEmptySubsequences: true) {
            let name = word.trimmingCharacters(in: .whitespaces)
            guard let flag = FilterFlag(rawValue: name) else {
                let known = allCases.map(\.rawValue)
                let hint = closestName(to: name, among: known).map { "; did you mean '\($0)'?" }
                    ?? " (known: \(known.joined(separator: ", ")))"
                throw DiagnosticsError(at: nil, "unknown filter flag '\(name)'\(hint)")
            }
            flags.insert(flag)
        }
        return flags
    }
}
