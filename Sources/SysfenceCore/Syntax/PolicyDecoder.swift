extension Policy {
    /// Decodes a policy (format 1) from the node tree of its YAML document.
    ///
    /// - Parameters:
    ///   - document: the document's root node; `nil` for a file with no document.
    ///   - file: the name diagnostics and `sourceFile` carry.
    ///   - syscalls: the syscall names known per arch.
    ///   - constants: the named constants of `when` conditions and `errno(NAME)`.
    /// - Throws: `DiagnosticsError` with every problem found, in source order, each at
    ///   `file:line:column` of the offending node (or token inside a `when`).
    public init(document: YAMLNode?, file: String, syscalls: SyscallTable, constants: ConstantTable) throws(DiagnosticsError) {
        var decoder = PolicyDecoder(file: file, syscalls: syscalls, constants: constants)
        let policy = decoder.policy(from: document)
        guard let policy, decoder.diagnostics.isEmpty else {
            throw DiagnosticsError(decoder.diagnostics.sortedBySource())
        }
        self = policy
    }
}

extension [Diagnostic] {
    /// The diagnostics ordered by file, line and column, unlocated ones first; stable otherwise.
    func sortedBySource() -> [Diagnostic] {
        enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            let keyX = (x?.file ?? "", x?.line ?? 0, x?.column ?? 0), keyY = (y?.file ?? "", y?.line ?? 0, y?.column ?? 0)
            return keyX != keyY ? keyX < keyY : a.offset < b.offset
        }.map(\.element)
    }
}

/// Turns a YAML node tree into a `Policy`, collecting every problem on the way.
///
/// Each part that fails is reported and replaced by a neutral stand-in, so the decoding goes on
/// and the rest of the file is checked too; the policy is returned only when nothing was reported.
struct PolicyDecoder {
    static let policyKeys = ["sysfence", "name", "description", "default", "arches", "bad-arch", "rules"]
    static let ruleKeys = ["action", "syscalls", "when", "arches", "comment"]
    static let formatVersion = "1"

    let file: String
    let syscalls: SyscallTable
    let constants: ConstantTable
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, syscalls: SyscallTable, constants: ConstantTable) {
        self.file = file
        self.syscalls = syscalls
        self.constants = constants
    }

    // MARK: Policy

    mutating func policy(from root: YAMLNode?) -> Policy? {
        guard let root else {
            error(at: SourceLocation(file: file, line: 1, column: 1),
                  "empty policy; it needs at least 'sysfence: 1', 'default' and 'rules'")
            return nil
        }
        guard case .mapping(let pairs) = root.content else {
            error(root, "a policy must be a mapping with keys such as 'sysfence', 'default' and 'rules', not \(describe(root))")
            return nil
        }
        // Another format version means another format: its other keys are not worth reporting.
        if let version = pairs.first(where: { keyText($0.key) == "sysfence" }), !acceptsVersion(version) { return nil }
        reportTags(in: root)
        let fields = self.fields(of: pairs, known: Self.policyKeys)
        if fields["sysfence"] == nil {
            error(root, "missing 'sysfence: \(Self.formatVersion)' (the policy format version)")
        }

        let name = fields["name"].flatMap { text($0) }
        let description = fields["description"].flatMap { text($0) }
        var defaultAction: Action?
        if let pair = fields["default"] {
            defaultAction = action(pair)
        } else {
            error(root, "missing key 'default' (the action when no rule matches)")
        }
        let badArchAction = fields["bad-arch"].flatMap { action($0) } ?? .killProcess

        // Arches that failed to decode must not cause more errors: check the rules against every arch.
        var arches = [Arch.native]
        var archesAreExact = true
        if let pair = fields["arches"] {
            let before = diagnostics.count
            let listed = archList(pair, within: nil)
            archesAreExact = diagnostics.count == before
            arches = archesAreExact ? listed : Arch.allCases
        }

        var rules: [Rule] = []
        if let pair = fields["rules"] {
            rules = self.rules(pair, policyArches: archesAreExact ? arches : nil)
        } else {
            error(root, "missing key 'rules'")
        }

        let policy = Policy(name: name, description: description, defaultAction: defaultAction ?? .killProcess,
                            arches: arches, badArchAction: badArchAction, rules: rules, sourceFile: file)
        diagnostics += policy.problems(syscalls: syscalls)
        return policy
    }

    /// Whether the decoding goes on after the `sysfence` key: not when it names another
    /// version (reported), yes otherwise (a value that is no version at all is reported too).
    private mutating func acceptsVersion(_ pair: YAMLPair) -> Bool {
        guard let text = text(pair), text != Self.formatVersion else { return true }
        if case .success = NumberLiteral.value(of: text) {
            error(pair.value, "unsupported format version \(text); this sysfence reads version \(Self.formatVersion)")
            return false
        }
        error(pair.value, "'sysfence' must be the format version, \(Self.formatVersion)")
        return true
    }

    // MARK: Rules

    private mutating func rules(_ pair: YAMLPair, policyArches: [Arch]?) -> [Rule] {
        guard case .sequence(let items) = pair.value.content else {
            if pair.value.scalar?.isNull == true {
                error(pair.key, "'rules' needs at least one rule")
            } else {
                error(pair.value, "'rules' must be a list of rules, not \(describe(pair.value))")
            }
            return []
        }
        if items.isEmpty { error(pair.value, "'rules' is empty; a policy needs at least one rule") }
        return items.compactMap { rule($0, policyArches: policyArches) }
    }

    /// One rule; `nil` when it has no usable syscall list (the problems are reported).
    private mutating func rule(_ node: YAMLNode, policyArches: [Arch]?) -> Rule? {
        guard case .mapping(let pairs) = node.content else {
            error(node, "a rule must be a mapping, as in 'allow: [read, write]', not \(describe(node))")
            return nil
        }
        var fields: [String: YAMLPair] = [:]
        var shorthands: [(pair: YAMLPair, action: Action?)] = []
        var seen: [String: YAMLPair] = [:]
        var hasUnknownKey = false
        for pair in pairs {
            guard let key = keyText(pair.key) else {
                error(pair.key, "a key must be text, not \(describe(pair.key))")
                continue
            }
            if let first = seen[key] {
                error(pair.key, "duplicate key '\(key)' (first at \(first.key.line):\(first.key.column))")
                continue
            }
            seen[key] = pair
            if Self.ruleKeys.contains(key) {
                fields[key] = pair
                continue
            }
            switch ActionSyntax.read(key, errnos: constants.errnos) {
            case .action(let action):
                shorthands.append((pair, action))
            case .problem(let offset, let message):
                error(at: pair.key.location(ofCharacterAt: offset, in: file), message)
                shorthands.append((pair, nil))
            case .notAnAction:
                unknownKey(key, at: pair.key, known: Self.ruleKeys + ActionSyntax.words)
                hasUnknownKey = true
            }
        }
        for extra in shorthands.dropFirst() {
            error(extra.pair.key, "second action '\(keyText(extra.pair.key) ?? "")' in one rule; write one rule per action")
        }

        var action: Action?
        var actionLocation: SourceLocation
        let syscallPair: YAMLPair
        if let long = fields["action"] {
            action = self.action(long)
            actionLocation = long.value.location(in: file)
            if let shorthand = shorthands.first {
                error(shorthand.pair.key, "the rule gives its action twice, with 'action' and as the key '\(keyText(shorthand.pair.key) ?? "")'")
            }
            guard let pair = fields["syscalls"] else {
                // A misspelled key is already reported: it is most likely the missing one.
                if !hasUnknownKey { error(node, "missing key 'syscalls' (the syscalls of 'action')") }
                return nil
            }
            syscallPair = pair
        } else if let shorthand = shorthands.first {
            action = shorthand.action
            actionLocation = shorthand.pair.key.location(in: file)
            syscallPair = shorthand.pair
            if let extra = fields["syscalls"] {
                error(extra.key, "'syscalls' goes with 'action'; with the action as key, its value lists the syscalls")
            }
        } else {
            // A misspelled key is already reported: it is most likely the missing action.
            if hasUnknownKey {
                return nil
            }
            if fields["syscalls"] != nil {
                error(node, "missing key 'action' (the action for 'syscalls')")
            } else {
                error(node, "a rule needs an action, as in 'allow: [read]', or 'action' and 'syscalls'")
            }
            return nil
        }

        let entries = syscallList(syscallPair)
        let condition = fields["when"].flatMap { self.condition($0) }
        var arches: [Arch]?
        if let pair = fields["arches"] {
            let listed = archList(pair, within: policyArches)
            arches = listed.isEmpty ? nil : listed
        }
        let comment = fields["comment"].flatMap { text($0) }
        guard !entries.isEmpty else { return nil }
        let source = RuleSource(rule: node.location(in: file), action: actionLocation, syscalls: entries.map(\.location),
                                condition: condition?.location)
        return Rule(action: action ?? .allow, syscalls: entries.map(\.selector), condition: condition?.condition,
                    arches: arches, comment: comment, source: source)
    }

    /// The syscalls of a rule: a name, a number, or a list of them; the valid entries only.
    private mutating func syscallList(_ pair: YAMLPair) -> [(selector: SyscallSelector, location: SourceLocation)] {
        return list(pair, of: "syscall", article: "a").compactMap { entry in
            let location = entry.location(in: file)
            guard let text = entry.scalar?.value else { return nil }
            guard let first = text.unicodeScalars.first, NumberLiteral.startsLiteral(first) else {
                return (.name(text), location)
            }
            switch NumberLiteral.value(of: text) {
            case .success(let number):
                guard let number = UInt32(exactly: number) else {
                    error(entry, "syscall number \(number) does not fit in 32 bits")
                    return nil
                }
                return (.number(number), location)
            case .failure(let problem):
                error(entry, problem.message(for: text))
                return nil
            }
        }
    }

    /// The `when` condition and the place of its first token.
    private mutating func condition(_ pair: YAMLPair) -> (condition: Condition, location: SourceLocation)? {
        guard let text = text(pair) else { return nil }
        do {
            let condition = try ConditionParser.parse(text, constants: constants)
            let start = text.unicodeScalars.prefix { $0.properties.isWhitespace }.count
            return (condition, pair.value.location(ofCharacterAt: start, in: file))
        } catch {
            for problem in error.errors {
                self.error(at: pair.value.location(ofCharacterAt: problem.offset, in: file), problem.message)
            }
            return nil
        }
    }

    /// The arches of `pair`, a name or a list of names; the valid, distinct entries only.
    private mutating func archList(_ pair: YAMLPair, within allowed: [Arch]?) -> [Arch] {
        var arches: [Arch] = []
        for entry in list(pair, of: "arch", article: "an") {
            guard let name = entry.scalar?.value else { continue }
            guard let arch = Arch(name: name) else {
                var message = "unknown arch '\(name)'"
                let names = Arch.allCases.map(\.rawValue) + Arch.aliases.keys.sorted()
                if let suggestion = closestName(to: name, among: names) { message += " (did you mean '\(suggestion)'?)" }
                error(entry, message)
                continue
            }
            if arches.contains(arch) {
                error(entry, "arch '\(arch)' is listed twice")
            } else if let allowed, !allowed.contains(arch) {
                error(entry, "arch '\(arch)' is not among the policy's arches (\(allowed.map(\.rawValue).joined(separator: ", ")))")
            } else {
                arches.append(arch)
            }
        }
        return arches
    }

    // MARK: Values

    /// The entries of a value that is one `what` or a list of them, each a non-null scalar;
    /// others are reported.
    private mutating func list(_ pair: YAMLPair, of what: String, article: String) -> [YAMLNode] {
        let key = keyText(pair.key) ?? ""
        let entries: [YAMLNode]
        switch pair.value.content {
        case .scalar(let scalar):
            if scalar.isNull {
                error(pair.key, "'\(key)' needs at least one \(what)")
                return []
            }
            entries = [pair.value]
        case .sequence(let items):
            if items.isEmpty { error(pair.value, "empty \(what) list") }
            entries = items
        case .mapping:
            error(pair.value, "'\(key)' takes \(article) \(what) or a list of them, not a mapping")
            return []
        }
        return entries.filter { entry in
            guard let scalar = entry.scalar, !scalar.isNull else {
                error(entry, "\(article) \(what) in '\(key)' must be written as text, not \(describe(entry))")
                return false
            }
            return true
        }
    }

    /// The action a value names: `default`, `bad-arch` and `action`.
    private mutating func action(_ pair: YAMLPair) -> Action? {
        guard let text = text(pair) else { return nil }
        switch ActionSyntax.read(text, errnos: constants.errnos) {
        case .action(let action):
            return action
        case .problem(let offset, let message):
            error(at: pair.value.location(ofCharacterAt: offset, in: file), message)
        case .notAnAction:
            var message = "unknown action '\(text)'"
            if let suggestion = closestName(to: text, among: ActionSyntax.words) { message += " (did you mean '\(suggestion)'?)" }
            error(pair.value, message)
        }
        return nil
    }

    /// The text of a scalar value; `nil` when it has none or carries a tag (reported by `reportTags`).
    private mutating func text(_ pair: YAMLPair) -> String? {
        let key = keyText(pair.key) ?? ""
        if pair.value.tag != nil { return nil }
        guard let scalar = pair.value.scalar else {
            error(pair.value, "'\(key)' must be text, not \(describe(pair.value))")
            return nil
        }
        guard !scalar.isNull else {
            error(pair.key, "'\(key)' needs a value")
            return nil
        }
        return scalar.value
    }

    /// The text of a key, which must be a scalar.
    private func keyText(_ key: YAMLNode) -> String? {
        key.scalar?.value
    }

    /// The pairs of a mapping by key, the first of each; duplicate, unknown and non-text keys are reported.
    private mutating func fields(of pairs: [YAMLPair], known: [String]) -> [String: YAMLPair] {
        var fields: [String: YAMLPair] = [:]
        for pair in pairs {
            guard let key = keyText(pair.key) else {
                error(pair.key, "a key must be text, not \(describe(pair.key))")
                continue
            }
            if let first = fields[key] {
                error(pair.key, "duplicate key '\(key)' (first at \(first.key.line):\(first.key.column))")
            } else if known.contains(key) {
                fields[key] = pair
            } else {
                unknownKey(key, at: pair.key, known: known)
            }
        }
        return fields
    }

    private mutating func unknownKey(_ key: String, at node: YAMLNode, known: [String]) {
        var message = "unknown key '\(key)'"
        if let suggestion = closestName(to: key, among: known) { message += " (did you mean '\(suggestion)'?)" }
        error(node, message)
    }

    /// Reports every tag: tags have no meaning in a policy, and a plain value starting with
    /// `!` (a negated condition) is read by YAML as one.
    private mutating func reportTags(in node: YAMLNode) {
        let standardPrefix = "tag:yaml.org,2002:"
        if let tag = node.tag, tag.hasPrefix(standardPrefix) {
            error(node, "YAML tag '!!\(tag.dropFirst(standardPrefix.count))' has no meaning in a policy")
        } else if let tag = node.tag {
            error(node, "YAML tag '\(tag)' has no meaning in a policy; quote a value that starts with '!'")
        }
        switch node.content {
        case .scalar: break
        case .sequence(let items): items.forEach { reportTags(in: $0) }
        case .mapping(let pairs):
            for pair in pairs {
                reportTags(in: pair.key)
                reportTags(in: pair.value)
            }
        }
    }

    private func describe(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let scalar): return scalar.isNull ? "null" : "the text '\(scalar.value)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    // MARK: Diagnostics

    private mutating func error(_ node: YAMLNode, _ message: String) {
        error(at: node.location(in: file), message)
    }

    private mutating func error(at location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(.error, at: location, message))
    }
}
