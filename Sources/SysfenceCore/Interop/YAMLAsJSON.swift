extension JSONNode {
    /// A YAML document as the JSON value Kubernetes reads it as, so that a `SeccompProfile`
    /// resource kept in YAML (as `kubectl apply -f` takes it) goes through the same profile
    /// reader as JSON, with every node keeping its line and column.
    ///
    /// Plain scalars are typed as Kubernetes' YAML reader (YAML 1.1) types them: `true`/`yes`/`on`
    /// and their opposites are booleans, `null` and `~` null, integers may be written in decimal,
    /// hex (`0x`), octal (`0o`, or a leading `0`) or binary (`0b`) and become decimal JSON numbers;
    /// quoted scalars and `!!str` are strings. Keys must be scalars and unique.
    public init(yaml node: YAMLNode, file: String) throws(DiagnosticsError) {
        switch node.content {
        case .scalar(let scalar):
            self.init(Self.value(of: scalar, tag: node.tag), line: node.line, column: node.column)
        case .sequence(let items):
            var elements: [JSONNode] = []
            for item in items { elements.append(try JSONNode(yaml: item, file: file)) }
            self.init(.array(elements), line: node.line, column: node.column)
        case .mapping(let pairs):
            var members: [JSONMember] = []
            var seen: [String: YAMLNode] = [:]
            for pair in pairs {
                guard let key = pair.key.scalar?.value else {
                    throw DiagnosticsError(at: pair.key.location(in: file), "a mapping key must be a scalar to be read as JSON")
                }
                if let first = seen[key] {
                    throw DiagnosticsError(at: pair.key.location(in: file),
                                           "duplicate key \"\(key)\" (first at line \(first.line), column \(first.column))")
                }
                seen[key] = pair.key
                members.append(JSONMember(key: key, value: try JSONNode(yaml: pair.value, file: file),
                                          line: pair.key.line, column: pair.key.column))
            }
            self.init(.object(members), line: node.line, column: node.column)
        }
    }

    private static func value(of scalar: YAMLScalar, tag: String?) -> Value {
        let text = scalar.value
        if tag == "tag:yaml.org,2002:str" || scalar.style != .plain { return .string(text) }
        if scalar.isNull { return .null }
        if ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].contains(text) { return .bool(true) }
        if ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].contains(text) { return .bool(false) }
        if let integer = integerLiteral(text) { return .number(integer) }
        if text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true, Double(text) != nil {
            return .number(text)
        }
        return .string(text)
    }

    /// An integer scalar (`42`, `-1`, `0x7fff0000`, `0o755`, `0755`, `0b101`, `1_000`) as decimal
    /// JSON number text; values beyond 64 bits keep their digits so the reader can say so.
    private static func integerLiteral(_ text: String) -> String? {
        var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
        var sign = ""
        if let first = digits.first, first == "-" || first == "+" {
            sign = first == "-" ? "-" : ""
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, !text.hasPrefix("_") else { return nil }
        let radix: Int
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16; digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0o") || digits.hasPrefix("0O") {
            radix = 8; digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0b") || digits.hasPrefix("0B") {
            radix = 2; digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8; digits = digits.dropFirst()
        } else {
            radix = 10
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.hexDigitValue ?? radix) < radix }) else { return nil }
        guard let value = UInt64(digits, radix: radix) else { return radix == 10 ? sign + digits : nil }
        return sign + String(value)
    }
}
