/// Builds the rules of a policy from Swift statements, in the order written (first match wins).
///
/// Accepts rules (`Allow("read")`, `Rule(.errno(EPERM), "open")`, with `.when`, `.arches`,
/// `.comment`), arrays of rules, and `if`, `if`/`else`, `switch` and `for`.
@resultBuilder
public enum PolicyBuilder {
    /// One rule.
    public static func buildExpression(_ rule: some RuleConvertible) -> [Rule] { [rule.rule] }

    /// Rules made elsewhere, such as a shared fragment.
    public static func buildExpression(_ rules: [Rule]) -> [Rule] { rules }

    /// The rules of a block, in order.
    public static func buildBlock(_ parts: [Rule]...) -> [Rule] { parts.flatMap { $0 } }

    /// The rules of an `if` without `else`, or none.
    public static func buildOptional(_ part: [Rule]?) -> [Rule] { part ?? [] }

    /// The rules of the first branch of an `if`/`else` or `switch`.
    public static func buildEither(first part: [Rule]) -> [Rule] { part }

    /// The rules of the second branch of an `if`/`else` or `switch`.
    public static func buildEither(second part: [Rule]) -> [Rule] { part }

    /// The rules of every pass of a `for` loop, in order.
    public static func buildArray(_ parts: [[Rule]]) -> [Rule] { parts.flatMap { $0 } }
}

extension Policy {
    /// A policy whose rules are written in Swift.
    ///
    /// ```swift
    /// let policy = Policy(name: "web-backend", default: .errno(EPERM), arches: [.x86_64, .x86]) {
    ///     Allow("read", "write", "close")
    ///     Allow("socket").when(arg(0).in(AF_UNIX, AF_INET, AF_INET6))
    /// }
    /// ```
    ///
    /// The result equals the policy the same YAML gives; call `validate()` to check its syscall
    /// names and values the way a policy file is checked.
    public init(name: String? = nil, description: String? = nil, default defaultAction: Action, arches: [Arch] = [.native],
                badArch badArchAction: Action = .killProcess, @PolicyBuilder rules: () -> [Rule]) {
        self.init(name: name, description: description, defaultAction: defaultAction, arches: arches,
                  badArchAction: badArchAction, rules: rules())
    }
}
