/// A place in a JSON document, written the way people name it: `syscalls[12].args[0].op`.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    private var text: String

    /// The whole document.
    public static let root = JSONPath(text: "")

    /// The member `key` of the value at this path.
    public func member(_ key: String) -> JSONPath {
        let isPlain = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        let part = isPlain ? key : JSONNode.quoted(key)
        if text.isEmpty { return JSONPath(text: isPlain ? part : "[\(part)]") }
        return JSONPath(text: isPlain ? text + "." + part : text + "[\(part)]")
    }

    /// The element `index` of the array at this path.
    public func index(_ index: Int) -> JSONPath { JSONPath(text: text + "[\(index)]") }

    public var description: String { text.isEmpty ? "the document" : text }
}

/// Reads typed values out of a JSON tree, collecting every problem with its path and place.
struct JSONReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func location(of node: JSONNode) -> SourceLocation? {
        node.line > 0 ? SourceLocation(file: file, line: node.line, column: node.column) : nil
    }

    mutating func report(_ severity: Severity, _ node: JSONNode, _ path: JSONPath, _ message: String) {
        diagnostics.append(Diagnostic(severity, at: location(of: node), "\(path): \(message)"))
    }

    mutating func error(_ node: JSONNode, _ path: JSONPath, _ message: String) { report(.error, node, path, message) }

    mutating func warning(_ node: JSONNode, _ path: JSONPath, _ message: String) { report(.warning, node, path, message) }

    /// Fails with everything collected when any error was found.
    func throwIfFailed() throws(DiagnosticsError) {
        if hasErrors { throw DiagnosticsError(diagnostics) }
    }

    mutating func object(_ node: JSONNode, _ path: JSONPath) -> [JSONMember]? {
        if let members = node.members { return members }
        error(node, path, "expected an object, found \(node.kindName)")
        return nil
    }

    /// The members of an object, warning about any key not in `known` (Go's decoders ignore them,
    /// so a misspelt key silently does nothing in a container runtime).
    mutating func object(_ node: JSONNode, _ path: JSONPath, known: Set<String>) -> [String: JSONNode]? {
        guard let members = object(node, path) else { return nil }
        var result: [String: JSONNode] = [:]
        for member in members {
            if known.contains(member.key) {
                result[member.key] = member.value
            } else {
                let suggestion = closestName(to: member.key, among: known.sorted()).map { "; did you mean \"\($0)\"?" } ?? ""
                diagnostics.append(Diagnostic(.warning, at: member.line > 0 ? SourceLocation(file: file, line: member.line, column: member.column) : nil,
                                              "\(path.member(member.key)): unknown key, ignored as container runtimes do\(suggestion)"))
            }
        }
        return result
    }

    mutating func array(_ node: JSONNode, _ path: JSONPath) -> [JSONNode]? {
        if case .array(let elements) = node.value { return elements }
        error(node, path, "expected an array, found \(node.kindName)")
        return nil
    }

    /// An array, where `null` reads as empty (as Go's decoder reads a nil slice).
    mutating func optionalArray(_ node: JSONNode?, _ path: JSONPath) -> [JSONNode] {
        guard let node else { return [] }
        if case .null = node.value { return [] }
        return array(node, path) ?? []
    }

    mutating func string(_ node: JSONNode, _ path: JSONPath) -> String? {
        if case .string(let s) = node.value { return s }
        error(node, path, "expected a string, found \(node.kindName)")
        return nil
    }

    /// An optional string, where `null` reads as absent.
    mutating func optionalString(_ node: JSONNode?, _ path: JSONPath) -> String? {
        guard let node else { return nil }
        if case .null = node.value { return nil }
        return string(node, path)
    }

    mutating func strings(_ node: JSONNode?, _ path: JSONPath) -> [String] {
        optionalArray(node, path).enumerated().compactMap { string($1, path.index($0)) }
    }

    /// A non-negative integer no larger than `maximum`, written without fraction or exponent.
    mutating func unsigned(_ node: JSONNode, _ path: JSONPath, maximum: UInt64 = .max) -> UInt64? {
        guard case .number(let literal) = node.value else {
            error(node, path, "expected an unsigned integer, found \(node.kindName)")
            return nil
        }
        guard let value = UInt64(literal) else {
            if literal.hasPrefix("-") {
                error(node, path, "\(literal) is negative; expected an unsigned integer")
            } else if literal.allSatisfy(\.isNumber) {
                error(node, path, "\(literal) does not fit in 64 bits")
            } else {
                error(node, path, "\(literal) is not an integer")
            }
            return nil
        }
        guard value <= maximum else {
            error(node, path, "\(value) is out of range; at most \(maximum)")
            return nil
        }
        return value
    }

    mutating func optionalUnsigned(_ node: JSONNode?, _ path: JSONPath, maximum: UInt64 = .max) -> UInt64? {
        guard let node else { return nil }
        if case .null = node.value { return nil }
        return unsigned(node, path, maximum: maximum)
    }
}

extension JSONNode {
    /// A string node.
    static func string(_ s: String) -> JSONNode { JSONNode(.string(s)) }
    /// A number node for an unsigned integer.
    static func number(_ n: UInt64) -> JSONNode { JSONNode(.number(String(n))) }
    /// An array of string nodes.
    static func strings(_ values: [String]) -> JSONNode { JSONNode(.array(values.map { .string($0) })) }
    /// An object node from members in order.
    static func object(_ pairs: [(String, JSONNode)]) -> JSONNode {
        JSONNode(.object(pairs.map { JSONMember(key: $0.0, value: $0.1) }))
    }
}
