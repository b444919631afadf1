/// A value that stands for one rule of a policy builder.
public protocol RuleConvertible {
    /// The rule this value stands for.
    var rule: Rule { get }
}

extension Rule: RuleConvertible {
    /// The rule itself.
    public var rule: Rule { self }

    /// A rule taking `action` for `syscalls` (names or numbers): `Rule(.errno(ENOSYS), "clone3")`.
    ///
    /// The call's place becomes the rule's source, so problems found by `Policy.validate()`
    /// point at the Swift line that wrote the rule.
    public init(_ action: Action, _ syscalls: SyscallSelector..., file: String = #filePath, line: Int = #line, column: Int = #column) {
        let location = SourceLocation(file: file, line: line, column: column)
        self.init(action: action, syscalls: syscalls,
                  source: RuleSource(rule: location, action: location, syscalls: syscalls.map { _ in location }))
    }
}

extension RuleConvertible {
    /// The rule, holding only when `condition` holds.
    public func when(_ condition: Condition, file: String = #filePath, line: Int = #line, column: Int = #column) -> Rule {
        var rule = self.rule
        rule.condition = condition
        rule.source?.condition = SourceLocation(file: file, line: line, column: column)
        return rule
    }

    /// The rule, applying only on these arches (which must be among the policy's).
    public func arches(_ arches: Arch...) -> Rule {
        var rule = self.rule
        rule.arches = arches
        return rule
    }

    /// The rule with a comment, kept for people reading it and for exports.
    public func comment(_ text: String) -> Rule {
        var rule = self.rule
        rule.comment = text
        return rule
    }
}

/// A kind of rule named after its action: `Allow("read")`, `KillProcess("ptrace")`.
public protocol ActionRule: RuleConvertible {
    /// The action of every rule of this kind.
    static var action: Action { get }
    /// Wraps a rule made by `init(_:file:line:column:)`.
    init(wrapping rule: Rule)
}

extension ActionRule {
    /// A rule taking the kind's action for `syscalls` (names or numbers).
    public init(_ syscalls: SyscallSelector..., file: String = #filePath, line: Int = #line, column: Int = #column) {
        let location = SourceLocation(file: file, line: line, column: column)
        self.init(wrapping: Rule(action: Self.action, syscalls: syscalls,
                                 source: RuleSource(rule: location, action: location, syscalls: syscalls.map { _ in location })))
    }
}

/// Let the syscalls run.
public struct Allow: ActionRule {
    /// `.allow`
    public static let action = Action.allow
    /// The rule.
    public let rule: Rule
    /// Wraps a rule.
    public init(wrapping rule: Rule) { self.rule = rule }
}

/// Let the syscalls run and log them.
public struct Log: ActionRule {
    /// `.log`
    public static let action = Action.log
    /// The rule.
    public let rule: Rule
    /// Wraps a rule.
    public init(wrapping rule: Rule) { self.rule = rule }
}

/// Send `SIGSYS` for the syscalls.
public struct Trap: ActionRule {
    /// `.trap`
    public static let action = Action.trap
    /// The rule.
    public let rule: Rule
    /// Wraps a rule.
    public init(wrapping rule: Rule) { self.rule = rule }
}

/// Kill the process making the syscalls.
public struct KillProcess: ActionRule {
    /// `.killProcess`
    public static let action = Action.killProcess
    /// The rule.
    public let rule: Rule
    /// Wraps a rule.
    public init(wrapping rule: Rule) { self.rule = rule }
}

/// Kill the thread making the syscalls.
public struct KillThread: ActionRule {
    /// `.killThread`
    public static let action = Action.killThread
    /// The rule.
    public let rule: Rule
    /// Wraps a rule.
    public init(wrapping rule: Rule) { self.rule = rule }
}

/// Hand the syscalls to a user-space supervisor.
public struct Notify: ActionRule {
    /// `.notify`
    public static let action = Action.notify
    /// The rule.
    public let rule: Rule
    /// Wraps a rule.
    public init(wrapping rule: Rule) { self.rule = rule }
}

extension Action {
    /// `errno(code)` from any integer, such as Glibc's `Int32` `EPERM`; a code that does not
    /// fit in `UInt16` becomes 65535, which `Policy.validate()` reports as out of range.
    @_disfavoredOverload
    public static func errno<T: BinaryInteger>(_ code: T) -> Action {
        let code: UInt16 = UInt16(exactly: code) ?? .max
        return Action.errno(code)
    }

    /// `trace(data)` from any integer; data that does not fit in `UInt16` becomes 65535.
    @_disfavoredOverload
    public static func trace<T: BinaryInteger>(_ data: T) -> Action {
        let data: UInt16 = UInt16(exactly: data) ?? .max
        return Action.trace(data)
    }
}

extension SyscallSelector: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// A syscall by name: `"read"`.
    public init(stringLiteral name: String) { self = .name(name) }

    /// A syscall by raw number: `1000`.
    public init(integerLiteral number: UInt32) { self = .number(number) }
}
