extension Comparison {
    /// The comparison in the `when` language: `arg0 > 5`, `u32(arg2) & 0x3 == 0x1`.
    var whenText: String {
        var argument = width == .low32 ? "u32(arg\(argument))" : "arg\(argument)"
        if effectiveMask != (width == .low32 ? 0xFFFF_FFFF : .max) { argument += " & \(whenLiteral(effectiveMask))" }
        return "\(argument) \(op.rawValue) \(whenLiteral(value))"
    }
}

extension Condition {
    /// The condition in the `when` language, parenthesised where precedence needs it.
    var whenText: String {
        switch self {
        case .comparison(let comparison): return comparison.whenText
        case .and(let terms): return terms.map { $0.operandText(inside: .and([])) }.joined(separator: " && ")
        case .or(let terms): return terms.map { $0.operandText(inside: .or([])) }.joined(separator: " || ")
        case .not(let inner):
            if case .comparison = inner { return "!(\(inner.whenText))" }
            return "!" + inner.operandText(inside: self)
        }
    }

    /// The text of this condition as an operand of `parent`, in parentheses unless it binds tighter.
    private func operandText(inside parent: Condition) -> String {
        switch (parent, self) {
        case (_, .comparison), (.or, .and), (_, .not): return whenText
        default: return "(\(whenText))"
        }
    }
}

/// A constant as a policy author would write it: small numbers in decimal, others in hex.
func whenLiteral(_ value: UInt64) -> String {
    value < 4096 ? String(value) : "0x" + String(value, radix: 16)
}
