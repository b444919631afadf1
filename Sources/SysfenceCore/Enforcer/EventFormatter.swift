/// How the violation stream is written.
public enum EventFormat: String, CaseIterable, Hashable, Sendable {
    /// One line an event for people, coloured on a terminal.
    case text
    /// One JSON object a line (JSON Lines) for programs.
    case json
}

/// Renders violation events as lines, each ending in a newline.
///
/// Text: `14:03:07.512345 cat[1234/1235] openat(-100, 0x7ffc6e1b2f10, 0, 0, 0, 0) -> errno(EACCES) at policy.yaml:12`.
/// JSON: `{"time":"2026-12-03T13:03:07.512345Z","pid":1234,"tid":1235,"comm":"cat",...}` with the
/// arguments as unsigned numbers and the rule's place as an object.
public struct EventFormatter: Sendable {
    /// Text or JSON.
    public var format: EventFormat
    /// Whether text lines carry ANSI colours.
    public var colour: Bool
    /// Errno names by number, to spell `errno(EACCES)`.
    public var errnoNames: [UInt16: String]
    /// Seconds east of UTC of the local time zone, for the text format's time of day.
    public var utcOffset: Int

    /// A formatter; `colour` applies to text only.
    public init(format: EventFormat, colour: Bool = false, errnoNames: [UInt16: String] = [:], utcOffset: Int = 0) {
        self.format = format
        self.colour = colour && format == .text
        self.errnoNames = errnoNames
        self.utcOffset = utcOffset
    }

    /// The event as one line.
    public func line(for event: ViolationEvent) -> String {
        var line = ""
        line.reserveCapacity(256)
        switch format {
        case .text: appendText(of: event, to: &line)
        case .json: appendJSON(of: event, to: &line)
        }
        line += "\n"
        return line
    }

    // MARK: Text

    private func appendText(of event: ViolationEvent, to line: inout String) {
        let seconds = Int(event.time / 1_000_000_000) + utcOffset
        startStyle("2", &line)
        Self.append((seconds / 3600) % 24, width: 2, to: &line)
        line += ":"
        Self.append((seconds / 60) % 60, width: 2, to: &line)
        line += ":"
        Self.append(seconds % 60, width: 2, to: &line)
        line += "."
        Self.append(Int(event.time % 1_000_000_000) / 1000, width: 6, to: &line)
        endStyle(&line)
        line += " "
        startStyle("1", &line)
        line += event.command ?? "?"
        line += "["
        line += event.processID.map(String.init) ?? "?"
        line += "/"
        line += String(event.threadID)
        line += "]"
        endStyle(&line)
        line += " "
        appendVerdict(of: event, to: &line)
    }

    /// The call and what the policy does with it, without time or process:
    /// `openat(-100, 0x7ffc6e1b2f10, 0, 0, 0, 0) -> errno(EACCES) at policy.yaml:12`.
    public func verdict(of event: ViolationEvent) -> String {
        var text = ""
        appendVerdict(of: event, to: &text)
        return text
    }

    private func appendVerdict(of event: ViolationEvent, to line: inout String) {
        startStyle("1", &line)
        line += Self.syscallLabel(event)
        endStyle(&line)
        line += "("
        for (index, argument) in event.call.arguments.enumerated() {
            if index > 0 { line += ", " }
            if let string = event.strings[index] {
                Self.appendQuoted(string, to: &line)
            } else {
                line += Self.text(argument: argument, arch: event.arch)
            }
        }
        line += ") -> "
        if event.mode == .audit { line += "would be " }
        startStyle(Self.style(of: event.action), &line)
        line += event.action.spelling(errnoNames: errnoNames)
        endStyle(&line)
        if event.mode == .audit { line += " (audit)" }
        line += " "
        startStyle("2", &line)
        line += Self.originText(event.origin)
        endStyle(&line)
    }

    private func startStyle(_ code: String, _ line: inout String) {
        if colour { line += "\u{1B}[" + code + "m" }
    }

    private func endStyle(_ line: inout String) {
        if colour { line += "\u{1B}[0m" }
    }

    /// Red for the actions that end a process, yellow for errors, cyan for calls that run.
    static func style(of action: Action) -> String {
        switch action {
        case .killProcess, .killThread, .trap: return "1;31"
        case .errno, .trace: return "33"
        case .allow, .log, .notify: return "36"
        }
    }

    static func syscallLabel(_ event: ViolationEvent) -> String {
        event.syscallName ?? "syscall#\(event.call.nr)"
    }

    static func originText(_ origin: VerdictOrigin) -> String {
        switch origin {
        case .rule(_, let location?): return "at \(location.file):\(location.line)"
        case .rule(let index, nil): return "by rule \(index + 1)"
        case .defaultAction: return "by the default action"
        case .badArch: return "by the bad-arch action"
        }
    }

    /// Small values and the negative ones of the ABI's width in decimal, the rest in hex.
    static func text(argument value: UInt64, arch: Arch?) -> String {
        if value <= 0xFFFF { return String(value) }
        if value >= 0xFFFF_FFFF_FFFF_0000 { return String(Int64(bitPattern: value)) }
        if arch?.hasThirtyTwoBitArguments == true, (0xFFFF_0000...0xFFFF_FFFF).contains(value) {
            return String(Int32(truncatingIfNeeded: value))
        }
        return "0x" + String(value, radix: 16)
    }

    /// A string argument in double quotes, with quotes, backslashes and control characters escaped
    /// as C writes them.
    static func appendQuoted(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                line += "\\x"
                if scalar.value < 0x10 { line += "0" }
                line += String(scalar.value, radix: 16)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }

    /// Appends `value` in decimal, zero-padded to `width` digits.
    static func append(_ value: Int, width: Int, to line: inout String) {
        let digits = String(value)
        for _ in digits.utf8.count..<max(width, digits.utf8.count) { line += "0" }
        line += digits
    }

    // MARK: JSON

    private func appendJSON(of event: ViolationEvent, to line: inout String) {
        line += "{\"time\":\""
        appendISOTime(event.time, to: &line)
        line += "\",\"pid\":"
        line += event.processID.map(String.init) ?? "null"
        line += ",\"tid\":"
        line += String(event.threadID)
        line += ",\"comm\":"
        Self.appendJSONString(event.command, to: &line)
        line += ",\"arch\":"
        Self.appendJSONString(event.arch?.rawValue, to: &line)
        line += ",\"syscall\":"
        Self.appendJSONString(event.syscallName, to: &line)
        line += ",\"nr\":"
        line += String(event.call.nr)
        line += ",\"args\":["
        for (index, argument) in event.call.arguments.enumerated() {
            if index > 0 { line += "," }
            line += String(argument)
        }
        line += "],\"strings\":{"
        for (position, index) in event.strings.keys.sorted().enumerated() {
            if position > 0 { line += "," }
            line += "\"" + String(index) + "\":"
            Self.appendJSONString(event.strings[index], to: &line)
        }
        line += "},\"ip\":"
        line += String(event.call.instructionPointer)
        line += ",\"action\":"
        Self.appendJSONString(event.action.spelling(errnoNames: errnoNames), to: &line)
        line += event.mode == .enforce ? ",\"enforced\":true" : ",\"enforced\":false"
        switch event.origin {
        case .rule(let index, let location):
            line += ",\"decided_by\":\"rule\",\"rule\":{\"index\":"
            line += String(index)
            if let location {
                line += ",\"file\":"
                Self.appendJSONString(location.file, to: &line)
                line += ",\"line\":" + String(location.line) + ",\"column\":" + String(location.column)
            }
            line += "}}"
        case .defaultAction: line += ",\"decided_by\":\"default\",\"rule\":null}"
        case .badArch: line += ",\"decided_by\":\"bad-arch\",\"rule\":null}"
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, in UTC.
    private func appendISOTime(_ nanoseconds: UInt64, to line: inout String) {
        let seconds = Int(nanoseconds / 1_000_000_000)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: seconds / 86_400)
        let time = seconds % 86_400
        Self.append(year, width: 4, to: &line)
        line += "-"
        Self.append(month, width: 2, to: &line)
        line += "-"
        Self.append(day, width: 2, to: &line)
        line += "T"
        Self.append(time / 3600, width: 2, to: &line)
        line += ":"
        Self.append((time / 60) % 60, width: 2, to: &line)
        line += ":"
        Self.append(time % 60, width: 2, to: &line)
        line += "."
        Self.append(Int(nanoseconds % 1_000_000_000) / 1000, width: 6, to: &line)
        line += "Z"
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (days ≥ 0).
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468  // days from 0000-03-01
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // March is 0
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A JSON string literal, or `null`: quotes, backslashes and control characters escaped.
    static func appendJSONString(_ text: String?, to line: inout String) {
        guard let text else {
            line += "null"
            return
        }
        line += JSONNode.quoted(text)
    }
}
