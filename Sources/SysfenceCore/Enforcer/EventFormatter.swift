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
    public var format: EventFormat
    /// Whether text lines carry ANSI colours.
    public var colour: Bool
    /// Errno names by number, to spell `errno(EACCES)`.
    public var errnoNames: [UInt16: String]
    /// Seconds east of UTC of the local time zone, for the text format's time of day.
    public var utcOffset: Int

    public init(format: EventFormat, colour: Bool = false, errnoNames: [UInt16: String] = [:], utcOffset: Int = 0) {
        self.format = format
        self.colour = colour && format == .text
        self.errnoNames = errnoNames
        self.utcOffset = utcOffset
    }

    /// The event as one line.
    public func line(for event: ViolationEvent) -> String {
        switch format {
        case .text: return textLine(for: event)
        case .json: return jsonLine(for: event)
        }
    }

    // MARK: Text

    private func textLine(for event: ViolationEvent) -> String {
        let seconds = Int(event.time / 1_000_000_000) + utcOffset
        let micros = Int(event.time % 1_000_000_000) / 1000
        let clock = "\(padded((seconds / 3600) % 24, 2)):\(padded((seconds / 60) % 60, 2)):\(padded(seconds % 60, 2)).\(padded(micros, 6))"
        let process = event.processID.map(String.init) ?? "?"
        let who = "\(event.command ?? "?")[\(process)/\(event.threadID)]"
        return styled(clock, "2") + " " + styled(who, "1") + " " + verdict(of: event) + "\n"
    }

    /// The call and what the policy does with it, without time or process:
    /// `openat(-100, 0x7ffc6e1b2f10, 0, 0, 0, 0) -> errno(EACCES) at policy.yaml:12`.
    public func verdict(of event: ViolationEvent) -> String {
        let arguments = event.call.arguments.map { Self.text(argument: $0, arch: event.arch) }.joined(separator: ", ")
        let action = event.action.spelling(errnoNames: errnoNames)
        let outcome = event.mode == .audit ? "would be " + styled(action, Self.style(of: event.action)) + " (audit)"
                                           : styled(action, Self.style(of: event.action))
        return styled(Self.syscallLabel(event), "1") + "(\(arguments)) -> " + outcome + " "
            + styled(Self.originText(event.origin), "2")
    }

    private func styled(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
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

    private func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    // MARK: JSON

    private func jsonLine(for event: ViolationEvent) -> String {
        var fields: [String] = []
        fields.append("\"time\":\"\(isoTime(event.time))\"")
        fields.append("\"pid\":\(event.processID.map(String.init) ?? "null")")
        fields.append("\"tid\":\(event.threadID)")
        fields.append("\"comm\":\(event.command.map(Self.jsonString) ?? "null")")
        fields.append("\"arch\":\(event.arch.map { Self.jsonString($0.rawValue) } ?? "null")")
        fields.append("\"syscall\":\(event.syscallName.map(Self.jsonString) ?? "null")")
        fields.append("\"nr\":\(event.call.nr)")
        fields.append("\"args\":[\(event.call.arguments.map(String.init).joined(separator: ","))]")
        fields.append("\"ip\":\(event.call.instructionPointer)")
        fields.append("\"action\":\(Self.jsonString(event.action.spelling(errnoNames: errnoNames)))")
        fields.append("\"enforced\":\(event.mode == .enforce)")
        switch event.origin {
        case .rule(let index, let location):
            var rule = "\"index\":\(index)"
            if let location {
                rule += ",\"file\":\(Self.jsonString(location.file)),\"line\":\(location.line),\"column\":\(location.column)"
            }
            fields.append("\"decided_by\":\"rule\",\"rule\":{\(rule)}")
        case .defaultAction: fields.append("\"decided_by\":\"default\",\"rule\":null")
        case .badArch: fields.append("\"decided_by\":\"bad-arch\",\"rule\":null")
        }
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, in UTC.
    private func isoTime(_ nanoseconds: UInt64) -> String {
        let seconds = Int(nanoseconds / 1_000_000_000)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: seconds / 86_400)
        let time = seconds % 86_400
        return "\(year)-\(padded(month, 2))-\(padded(day, 2))T\(padded(time / 3600, 2)):\(padded((time / 60) % 60, 2))"
            + ":\(padded(time % 60, 2)).\(padded(Int(nanoseconds % 1_000_000_000) / 1000, 6))Z"
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

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
