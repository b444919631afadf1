extension Policy {
    /// The policy as a YAML policy file (format 1), which the YAML front end reads back to an
    /// equal policy.
    ///
    /// - Parameters:
    ///   - header: lines written as `#` comments at the top (where the policy came from).
    ///   - errnoNames: errno numbers to print by name (`errno(EPERM)`).
    public func yamlText(header: [String] = [], errnoNames: [UInt16: String] = [:]) -> String {
        yamlText(header: header, errnoNames: errnoNames, spelling: { _, _ in nil })
    }

    /// The policy as a YAML policy file, with `spelling` choosing how a rule's comparisons are
    /// written (named constants); it must return text the parser reads back to the same comparison,
    /// or `nil` for the numeric form.
    func yamlText(header: [String], errnoNames: [UInt16: String], spelling: (Rule, Comparison) -> String?) -> String {
        var out = header.map { $0.isEmpty ? "#\n" : "# \($0)\n" }.joined()
        out += "sysfence: 1\n"
        if let name { out += "name: \(YAMLText.scalar(name))\n" }
        if let description { out += "description: \(YAMLText.scalar(description))\n" }
        out += "default: \(defaultAction.spelling(errnoNames: errnoNames))\n"
        out += "arches: [\(arches.map(\.rawValue).joined(separator: ", "))]\n"
        out += "bad-arch: \(badArchAction.spelling(errnoNames: errnoNames))\n"
        if rules.isEmpty {
            out += "rules: []\n"
            return out
        }
        out += "rules:\n"
        for rule in rules {
            let action = rule.action.spelling(errnoNames: errnoNames)
            let syscalls = YAMLText.flowList(rule.syscalls.map(\.description), indent: 8, first: rule.comment == nil && rule.arches == nil ? 4 + action.count + 2 : 14)
            if rule.comment == nil, rule.arches == nil {
                out += "  - \(action): \(syscalls)\n"
            } else {
                out += "  - action: \(action)\n"
                out += "    syscalls: \(syscalls)\n"
            }
            if let condition = rule.condition {
                out += "    when: \(YAMLText.scalar(condition.expressionText { spelling(rule, $0) ?? $0.expressionText }))\n"
            }
            if let arches = rule.arches { out += "    arches: [\(arches.map(\.rawValue).joined(separator: ", "))]\n" }
            if let comment = rule.comment { out += "    comment: \(YAMLText.scalar(comment))\n" }
        }
        return out
    }
}

/// Small helpers for writing YAML by hand.
enum YAMLText {
    /// `s` as a plain scalar when YAML reads it back as the same string, else double-quoted.
    static func scalar(_ s: String) -> String {
        let indicators: Set<Character> = ["!", "&", "*", "[", "]", "{", "}", "|", ">", "'", "\"", "%", "@", "`", "#", ",", "?", ":", "-"]
        let reserved: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "~", "y", "n"]
        let isPlain = !s.isEmpty && !indicators.contains(s.first!) && !s.contains(": ") && !s.contains(" #")
            && s.first != " " && s.last != " " && !s.hasSuffix(":") && !reserved.contains(s.lowercased())
            && s.allSatisfy { $0 != "\n" && $0 != "\t" && $0.unicodeScalars.allSatisfy { $0.value >= 0x20 } }
            && Double(s) == nil && UInt64(s) == nil
        return isPlain ? s : JSONNode.quoted(s)
    }

    /// A flow list `[a, b, c]`, wrapped before 100 columns with continuation lines at `indent`;
    /// `first` is the column where the list starts. A single item is written bare. With
    /// `quoted`, the items are YAML scalars already.
    static func flowList(_ items: [String], indent: Int, first: Int, quoted: Bool = false) -> String {
        let items = quoted ? items : items.map(scalar)
        if items.count == 1 && !quoted { return items[0] }
        var out = "["
        var column = first + 1
        for (index, item) in items.enumerated() {
            let text = item + (index + 1 < items.count ? "," : "]")
            if index > 0 {
                if column + 1 + text.count > 100 {
                    out += "\n" + String(repeating: " ", count: indent)
                    column = indent
                } else {
                    out += " "
                    column += 1
                }
            }
            out += text
            column += text.count
        }
        return out
    }
}

extension Condition {
    /// The condition in the policy language's `when` syntax, reading back to an equal condition.
    public var expressionText: String { expressionText(comparison: \.expressionText) }

    /// The condition in the `when` syntax, each comparison written by `comparison`.
    func expressionText(comparison: (Comparison) -> String) -> String { text(context: .top, comparison: comparison) }

    private enum Context { case top, and, or, not }

    private func text(context: Context, comparison: (Comparison) -> String) -> String {
        switch self {
        case .comparison(let c): return comparison(c)
        case .and(let terms):
            let body = terms.map { $0.text(context: .and, comparison: comparison) }.joined(separator: " && ")
            return context == .top ? body : "(\(body))"
        case .or(let terms):
            let body = terms.map { $0.text(context: .or, comparison: comparison) }.joined(separator: " || ")
            return context == .top ? body : "(\(body))"
        case .not(let inner):
            return "!(" + inner.text(context: .top, comparison: comparison) + ")"
        }
    }
}

extension Comparison {
    /// `argN op value`, `u32(argN) op value` or `(argN & mask) op value`.
    public var expressionText: String {
        var operand = width == .low32 ? "u32(arg\(argument))" : "arg\(argument)"
        let fullMask: UInt64 = width == .low32 ? 0xFFFF_FFFF : .max
        if effectiveMask != fullMask { operand = "(\(operand) & \(Self.hex(mask)))" }
        return "\(operand) \(op.rawValue) \(Self.number(value, isMaskedOrNarrow: effectiveMask != .max))"
    }

    /// Small numbers in decimal, others in hex; large full-width values near 2^64 as negatives.
    static func number(_ value: UInt64, isMaskedOrNarrow: Bool) -> String {
        if value < 0x1000 { return String(value) }
        if !isMaskedOrNarrow, value >= 0xFFFF_FFFF_FFFF_F000 { return "-" + String(0 &- value) }
        return hex(value)
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}
