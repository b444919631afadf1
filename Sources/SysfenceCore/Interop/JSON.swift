/// A JSON value as read from a file: objects keep their members in source order, numbers keep
/// their literal text (so 64-bit values stay exact and a rewritten file keeps them as written),
/// and every node knows the 1-based line and column where it starts.
public struct JSONNode: Hashable, Sendable {
    /// What the node holds.
    public enum Value: Hashable, Sendable {
        case null
        case bool(Bool)
        /// The number's literal text, exactly as written (`18446744073709551615`, `1.5e3`).
        case number(String)
        case string(String)
        case array([JSONNode])
        /// Members in source order; duplicates are refused by the parser.
        case object([JSONMember])
    }

    public var value: Value
    /// The 1-based line of the node's first character; 0 for nodes built in memory.
    public var line: Int
    /// The 1-based column of the node's first character; 0 for nodes built in memory.
    public var column: Int

    /// A node with its value and, for nodes read from a file, where it starts.
    public init(_ value: Value, line: Int = 0, column: Int = 0) {
        self.value = value
        self.line = line
        self.column = column
    }

    /// The member `key` of an object node.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The members of an object node, or `nil` for any other node.
    public var members: [JSONMember]? {
        if case .object(let members) = value { return members }
        return nil
    }

    /// The node with member `key` set to `newValue`, in place when it exists, else appended.
    public func setting(_ key: String, to newValue: JSONNode) -> JSONNode {
        var members = self.members ?? []
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = newValue
        } else {
            members.append(JSONMember(key: key, value: newValue))
        }
        return JSONNode(.object(members), line: line, column: column)
    }

    /// A short name of the node's kind, for error messages.
    var kindName: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    public var value: JSONNode
    /// Where the key's opening quote is.
    public var line: Int
    public var column: Int

    /// A member; `line` and `column` locate its key in a file (0 when built in memory).
    public init(key: String, value: JSONNode, line: Int = 0, column: Int = 0) {
        self.key = key
        self.value = value
        self.line = line
        self.column = column
    }
}

extension JSONNode {
    /// Parses a whole JSON document (RFC 8259), refusing duplicate keys and trailing text.
    ///
    /// Errors carry the line and column of the offending character in `file`.
    public init(parsing text: String, file: String) throws(DiagnosticsError) {
        var parser = JSONParser(text: Array(text.utf8), file: file)
        self = try parser.parseDocument()
    }
}

/// A recursive-descent JSON parser over UTF-8 bytes that tracks line and column.
private struct JSONParser {
    let text: [UInt8]
    let file: String
    var index = 0
    var line = 1
    var lineStart = 0
    var depth = 0
    /// Deeper input is refused rather than risking the stack.
    static let maximumDepth = 512

    init(text: [UInt8], file: String) {
        self.text = text
        self.file = file
    }

    var column: Int {
        // Columns count characters, not bytes: skip UTF-8 continuation bytes.
        text[lineStart..<min(index, text.count)].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

    func error(_ message: String) -> DiagnosticsError {
        DiagnosticsError(at: SourceLocation(file: file, line: line, column: column), message)
    }

    mutating func parseDocument() throws(DiagnosticsError) -> JSONNode {
        if text.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 }
        skipWhitespace()
        guard index < text.count else { throw error("the file is empty; expected a JSON value") }
        let node = try parseValue()
        skipWhitespace()
        guard index == text.count else { throw error("unexpected text after the JSON value") }
        return node
    }

    mutating func skipWhitespace() {
        while index < text.count {
            switch text[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    mutating func parseValue() throws(DiagnosticsError) -> JSONNode {
        guard index < text.count else { throw error("unexpected end of input; expected a JSON value") }
        let startLine = line, startColumn = column
        func node(_ value: JSONNode.Value) -> JSONNode { JSONNode(value, line: startLine, column: startColumn) }
        switch text[index] {
        case UInt8(ascii: "{"): return node(try parseObject())
        case UInt8(ascii: "["): return node(try parseArray())
        case UInt8(ascii: "\""): return node(.string(try parseString()))
        case UInt8(ascii: "t"): try expectWord("true"); return node(.bool(true))
        case UInt8(ascii: "f"): try expectWord("false"); return node(.bool(false))
        case UInt8(ascii: "n"): try expectWord("null"); return node(.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return node(.number(try parseNumber()))
        default: throw error("unexpected character \(describe(text[index])); expected a JSON value")
        }
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x20, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "0x" + String(byte, radix: 16)
    }

    mutating func expectWord(_ word: String) throws(DiagnosticsError) {
        let bytes = Array(word.utf8)
        guard text.count - index >= bytes.count, Array(text[index..<index + bytes.count]) == bytes else {
            throw error("unexpected character \(describe(text[index])); expected a JSON value")
        }
        index += bytes.count
    }

    mutating func enter() throws(DiagnosticsError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    mutating func parseObject() throws(DiagnosticsError) -> JSONNode.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [JSONMember] = []
        var seen: Set<String> = []
        skipWhitespace()
        if index < text.count, text[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < text.count, text[index] == UInt8(ascii: "\"") else {
                throw error(index < text.count ? "expected a member name in double quotes" : "unexpected end of input inside an object")
            }
            let keyLine = line, keyColumn = column
            let key = try parseString()
            guard seen.insert(key).inserted else {
                throw DiagnosticsError(at: SourceLocation(file: file, line: keyLine, column: keyColumn), "duplicate member \"\(key)\"")
            }
            skipWhitespace()
            guard index < text.count, text[index] == UInt8(ascii: ":") else { throw error("expected ':' after the member name") }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONMember(key: key, value: value, line: keyLine, column: keyColumn))
            skipWhitespace()
            guard index < text.count else { throw error("unexpected end of input inside an object") }
            if text[index] == UInt8(ascii: ",") { index += 1; continue }
            if text[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw error("expected ',' or '}' in an object")
        }
    }

    mutating func parseArray() throws(DiagnosticsError) -> JSONNode.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONNode] = []
        skipWhitespace()
        if index < text.count, text[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < text.count else { throw error("unexpected end of input inside an array") }
            if text[index] == UInt8(ascii: ",") { index += 1; continue }
            if text[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw error("expected ',' or ']' in an array")
        }
    }

    mutating func parseNumber() throws(DiagnosticsError) -> String {
        let start = index
        func digits() -> Int {
            let first = index
            while index < text.count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") { index += 1 }
            return index - first
        }
        if text[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        guard digits() > 0 else { throw error("expected a digit") }
        if index - integerStart > 1, text[integerStart] == UInt8(ascii: "0") {
            index = integerStart
            throw error("a number may not start with 0")
        }
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("expected a digit after '.'") }
        }
        if index < text.count, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            index += 1
            if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        return String(decoding: text[start..<index], as: UTF8.self)
    }

    mutating func parseString() throws(DiagnosticsError) -> String {
        index += 1
        var bytes: [UInt8] = []
        while true {
            guard index < text.count else { throw error("unterminated string") }
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < text.count else { throw error("unterminated string") }
                let escape = text[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHexQuad()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard text.count - index >= 6, text[index] == UInt8(ascii: "\\"), text[index + 1] == UInt8(ascii: "u") else {
                            throw error("a high surrogate must be followed by a low surrogate")
                        }
                        index += 2
                        let low = try parseHexQuad()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("a high surrogate must be followed by a low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("a lone low surrogate in a \\u escape")
                    }
                    bytes.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                default:
                    index -= 1
                    throw error("invalid escape \\\(Character(Unicode.Scalar(escape)))")
                }
            case 0x00..<0x20:
                throw error("a control character must be escaped in a string")
            default:
                bytes.append(byte)
                index += 1
            }
        }
    }

    mutating func parseHexQuad() throws(DiagnosticsError) -> UInt32 {
        guard text.count - index >= 4 else { throw error("expected four hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = text[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("expected four hex digits after \\u")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}

extension JSONNode {
    /// The document as JSON text: objects and arrays one member a line, indented by `indent`;
    /// arrays of scalars are kept on one line when short. Ends with a newline.
    public func formatted(indent: String = "  ") -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        out += "\n"
        return out
    }

    private func write(to out: inout String, indent: String, level: Int) {
        let inner = String(repeating: indent, count: level + 1)
        let closing = String(repeating: indent, count: level)
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let literal): out += literal
        case .string(let s): out += Self.quoted(s)
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            let isFlat = elements.allSatisfy {
                if case .array = $0.value { return false }
                if case .object = $0.value { return false }
                return true
            }
            if isFlat {
                var single = ""
                for (i, element) in elements.enumerated() {
                    if i > 0 { single += ", " }
                    element.write(to: &single, indent: indent, level: level + 1)
                }
                if single.count + inner.count <= 100 { out += "[" + single + "]"; return }
            }
            out += "[\n"
            for (i, element) in elements.enumerated() {
                out += inner
                element.write(to: &out, indent: indent, level: level + 1)
                out += i + 1 < elements.count ? ",\n" : "\n"
            }
            out += closing + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, member) in members.enumerated() {
                out += inner + Self.quoted(member.key) + ": "
                member.value.write(to: &out, indent: indent, level: level + 1)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += closing + "}"
        }
    }

    /// A JSON string literal for `s`, escaping what RFC 8259 requires.
    static func quoted(_ s: String) -> String {
        // Most strings (names, paths) need no escape: skip the scalar walk for them.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) { return "\"" + s + "\"" }
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
