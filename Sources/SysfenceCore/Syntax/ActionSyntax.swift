/// The spellings of actions in policy files: `allow`, `errno(EPERM)`, `trace(7)`, `kill-process`...
enum ActionSyntax {
    /// The errno values a filter can return: the kernel treats larger ones as `MAX_ERRNO`.
    static let errnoRange: ClosedRange<UInt64> = 0...4095
    /// The values `trace(N)` can pass to the tracer (`SECCOMP_RET_DATA`).
    static let traceRange: ClosedRange<UInt64> = 0...65535

    /// Every action word, for suggestions.
    static let words = ["allow", "log", "errno", "trap", "trace", "kill-process", "kill-thread", "notify"]

    private static let plain: [String: Action] = [
        "allow": .allow, "log": .log, "trap": .trap, "kill-process": .killProcess, "kill-thread": .killThread,
        "notify": .notify,
    ]

    /// What a piece of text says as an action.
    enum Reading: Equatable {
        case action(Action)
        /// An action word with a bad value: the problem and its offset in the text (Unicode scalars).
        case problem(offset: Int, message: String)
        /// Not an action word at all.
        case notAnAction
    }

    /// Reads `text` as an action, with errno names from `errnos`.
    static func read(_ text: String, errnos: [String: UInt16]) -> Reading {
        let scalars = Array(text.unicodeScalars)
        let open = scalars.firstIndex(of: "(")
        let word = String(String.UnicodeScalarView(scalars[..<(open ?? scalars.count)]))
        if let action = plain[word] {
            guard let open else { return .action(action) }
            return .problem(offset: open, message: "'\(word)' takes no value")
        }
        guard word == "errno" || word == "trace" else { return .notAnAction }
        let example = word == "errno" ? "errno(EPERM)" : "trace(1)"
        guard let open else { return .problem(offset: 0, message: "'\(word)' needs a value, as in '\(example)'") }
        guard let close = scalars[open...].firstIndex(of: ")") else {
            return .problem(offset: scalars.count, message: "expected ')' to close '\(word)('")
        }
        if close + 1 < scalars.count {
            return .problem(offset: close + 1, message: "unexpected text after '\(word)(...)'")
        }
        var start = open + 1, end = close
        while start < end, scalars[start].properties.isWhitespace { start += 1 }
        while end > start, scalars[end - 1].properties.isWhitespace { end -= 1 }
        let value = String(String.UnicodeScalarView(scalars[start..<end]))
        if value.isEmpty { return .problem(offset: start, message: "'\(word)' needs a value, as in '\(example)'") }
        if word == "errno", let first = value.unicodeScalars.first, !NumberLiteral.startsLiteral(first) {
            if let code = errnos[value] { return .action(.errno(code)) }
            var message = "unknown errno '\(value)'"
            if let suggestion = closestName(to: value, among: errnos.keys.sorted()) { message += " (did you mean '\(suggestion)'?)" }
            return .problem(offset: start, message: message)
        }
        let number: UInt64
        switch NumberLiteral.value(of: value) {
        case .success(let value): number = value
        case .failure(let problem): return .problem(offset: start, message: problem.message(for: value))
        }
        let range = word == "errno" ? errnoRange : traceRange
        guard range.contains(number) else {
            return .problem(offset: start, message: "\(word) value \(number) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return .action(word == "errno" ? .errno(UInt16(number)) : .trace(UInt16(number)))
    }
}
