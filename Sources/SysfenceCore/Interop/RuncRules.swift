/// One `seccomp_rule_add` call as runc makes it: one syscall name, one action, argument tests
/// that libseccomp ANDs (never two on the same index).
public struct LibseccompRule: Hashable, Sendable {
    public var syscall: String
    public var action: Action
    public var arguments: [SeccompArgument]
    /// The index of the profile entry (`syscalls[i]`) the rule comes from.
    public var entry: Int

    public init(syscall: String, action: Action, arguments: [SeccompArgument], entry: Int) {
        self.syscall = syscall
        self.action = action
        self.arguments = arguments
        self.entry = entry
    }

    /// The rule's tests as one sysfence condition (`nil` when it has none).
    public var condition: Condition? {
        let comparisons = arguments.map { Condition.comparison($0.comparison) }
        switch comparisons.count {
        case 0: return nil
        case 1: return comparisons[0]
        default: return .and(comparisons)
        }
    }
}

/// What runc hands libseccomp for a profile: the filter's default action, its arches, and its
/// rules in the order they are added.
public struct LibseccompRuleSet: Hashable, Sendable {
    public var defaultAction: Action
    /// The profile's arches that sysfence models, in order, and the native arch.
    public var arches: [Arch]
    public var rules: [LibseccompRule]

    public init(defaultAction: Action, arches: [Arch], rules: [LibseccompRule]) {
        self.defaultAction = defaultAction
        self.arches = arches
        self.rules = rules
    }
}

/// A filter built by libseccomp itself, used as the reference for what a profile decides.
public struct ReferenceFilter: Sendable {
    public var instructions: [BPFInstruction]
    /// Names libseccomp does not know; runc skips their rules.
    public var unknownSyscalls: Set<String>

    public init(instructions: [BPFInstruction], unknownSyscalls: Set<String>) {
        self.instructions = instructions
        self.unknownSyscalls = unknownSyscalls
    }
}

/// libseccomp refused one rule, so runc would refuse the whole profile.
public struct LibseccompRuleRejection: Error, Sendable {
    /// Index into `LibseccompRuleSet.rules`; `nil` when the filter itself could not be set up.
    public var rule: Int?
    public var reason: String

    public init(rule: Int?, reason: String) {
        self.rule = rule
        self.reason = reason
    }
}

/// Builds the filter libseccomp builds for a rule set, by adding the rules one by one exactly as
/// runc does (`seccomp_init`, `seccomp_arch_add`, `seccomp_rule_add_array` per rule). The core
/// reads the result back to learn how libseccomp resolves overlapping rules, rather than guess.
public protocol SeccompReferenceCompiler {
    func compile(_ rules: LibseccompRuleSet) throws(LibseccompRuleRejection) -> ReferenceFilter
}

extension SeccompProfile {
    /// The arches a runtime's filter admits on a host of `native`: the native arch (libseccomp
    /// always keeps it) and the profile's arches that sysfence models, in the profile's order.
    public func filterArches(native: Arch) -> [Arch] {
        var arches: [Arch] = []
        for arch in architectures.compactMap(\.arch) + [native] where !arches.contains(arch) { arches.append(arch) }
        return arches
    }

    /// The libseccomp rules runc (`libcontainer/seccomp`) adds for this profile: one per name of
    /// each entry, in order; none for an entry whose action is the default action; and, when two
    /// tests of an entry share an argument index, one rule per test instead of one for all.
    public func libseccompRules(native: Arch) -> LibseccompRuleSet {
        var rules: [LibseccompRule] = []
        for (entry, rule) in syscalls.enumerated() where rule.action != defaultAction {
            let indexes = rule.arguments.map(\.index)
            let splits = Set(indexes).count != indexes.count
            for name in rule.names {
                if splits {
                    rules += rule.arguments.map { LibseccompRule(syscall: name, action: rule.action, arguments: [$0], entry: entry) }
                } else {
                    rules.append(LibseccompRule(syscall: name, action: rule.action, arguments: rule.arguments, entry: entry))
                }
            }
        }
        return LibseccompRuleSet(defaultAction: defaultAction, arches: filterArches(native: native), rules: rules)
    }
}
