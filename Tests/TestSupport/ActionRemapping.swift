import Sysfence

/// Rewrites every action of a policy into a distinct errno, so a filter can be loaded for real
/// and every call answered without running: allow, log, trap, trace, kill-process, kill-thread
/// and notify become 4001...4007, `errno(n)` stays `n` (below 4000).
public enum ActionRemapping {
    public static func errno(for action: Action) -> UInt16 {
        switch action {
        case .errno(let n): return n
        case .allow: return 4001
        case .log: return 4002
        case .trap: return 4003
        case .trace: return 4004
        case .killProcess: return 4005
        case .killThread: return 4006
        case .notify: return 4007
        }
    }

    public static func remap(_ policy: Policy) -> Policy {
        var copy = policy
        copy.defaultAction = .errno(errno(for: policy.defaultAction))
        copy.badArchAction = .errno(errno(for: policy.badArchAction))
        copy.rules = policy.rules.map { rule in
            var rule = rule
            rule.action = .errno(errno(for: rule.action))
            return rule
        }
        return copy
    }
}
