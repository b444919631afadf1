/// A place in a policy source: 1-based line and column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// How a rule names a syscall: by name, resolved per arch, or by raw number.
public enum SyscallSelector: Hashable, Sendable, CustomStringConvertible {
    case name(String)
    case number(UInt32)

    public var description: String {
        switch self {
        case .name(let n): return n
        case .number(let n): return String(n)
        }
    }
}

/// Where the parts of a rule were written; not part of a rule's identity.
public struct RuleSource: Hashable, Sendable {
    /// The rule itself (its list item).
    public var rule: SourceLocation
    /// The action key or value.
    public var action: SourceLocation?
    /// Each syscall entry, parallel to `Rule.syscalls`.
    public var syscalls: [SourceLocation]
    /// The `when` expression's first character.
    public var condition: SourceLocation?

    public init(rule: SourceLocation, action: SourceLocation? = nil, syscalls: [SourceLocation] = [], condition: SourceLocation? = nil) {
        self.rule = rule
        self.action = action
        self.syscalls = syscalls
        self.condition = condition
    }
}

/// One rule: for these syscalls, when the condition holds, take this action.
public struct Rule: Sendable {
    public var action: Action
    public var syscalls: [SyscallSelector]
    /// `nil` means the rule holds for every argument value.
    public var condition: Condition?
    /// `nil` means every arch of the policy.
    public var arches: [Arch]?
    public var comment: String?
    /// Where the rule came from, for diagnostics; ignored by `==`.
    public var source: RuleSource?

    public init(action: Action, syscalls: [SyscallSelector], condition: Condition? = nil, arches: [Arch]? = nil,
                comment: String? = nil, source: RuleSource? = nil) {
        self.action = action
        self.syscalls = syscalls
        self.condition = condition
        self.arches = arches
        self.comment = comment
        self.source = source
    }
}

extension Rule: Hashable {
    public static func == (lhs: Rule, rhs: Rule) -> Bool {
        lhs.action == rhs.action && lhs.syscalls == rhs.syscalls && lhs.condition == rhs.condition
            && lhs.arches == rhs.arches && lhs.comment == rhs.comment
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(action)
        hasher.combine(syscalls)
        hasher.combine(condition)
        hasher.combine(arches)
        hasher.combine(comment)
    }
}

/// A syscall policy: the one model every front end produces and every back end reads.
///
/// For a syscall on an admitted arch, the first rule that names it and whose condition holds
/// decides; when none does, `defaultAction` decides. Any other arch gets `badArchAction`.
public struct Policy: Sendable {
    public var name: String?
    public var description: String?
    public var defaultAction: Action
    /// The admitted arches, in the order the filter checks them; never empty.
    public var arches: [Arch]
    public var badArchAction: Action
    public var rules: [Rule]
    /// The file the policy was read from, if any; ignored by `==`.
    public var sourceFile: String?

    public init(name: String? = nil, description: String? = nil, defaultAction: Action, arches: [Arch] = [.native],
                badArchAction: Action = .killProcess, rules: [Rule] = [], sourceFile: String? = nil) {
        self.name = name
        self.description = description
        self.defaultAction = defaultAction
        self.arches = arches
        self.badArchAction = badArchAction
        self.rules = rules
        self.sourceFile = sourceFile
    }

    /// The arches a rule applies to: its own list, or else the policy's.
    public func arches(of rule: Rule) -> [Arch] {
        guard let own = rule.arches else { return arches }
        return arches.filter(own.contains)
    }
}

extension Policy: Hashable {
    public static func == (lhs: Policy, rhs: Policy) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description && lhs.defaultAction == rhs.defaultAction
            && lhs.arches == rhs.arches && lhs.badArchAction == rhs.badArchAction && lhs.rules == rhs.rules
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(defaultAction)
        hasher.combine(arches)
        hasher.combine(rules)
    }
}
