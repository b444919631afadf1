import SysfenceCore

/// Reads one YAML document into a `YAMLNode` tree, with libyaml doing the parsing.
///
/// The reader guards the decoder against hostile input: nesting is capped at
/// `maximumDepth` levels, aliases at `maximumAliases` uses that together expand to at most
/// `maximumAliasedNodes` nodes (so an alias bomb is refused rather than expanded), and a
/// stream holding more than one document is refused.
public enum YAMLReader {
    /// The deepest nesting of sequences and mappings accepted.
    public static let maximumDepth = 64
    /// The most aliases (`*name`) a document may use.
    public static let maximumAliases = 32
    /// The most nodes all aliases of a document may expand to together.
    public static let maximumAliasedNodes = 10_000

    /// The document in `text`, or `nil` when the text holds none (empty, or only comments).
    ///
    /// - Throws: `DiagnosticsError` with one located diagnostic: a YAML syntax error at
    ///   libyaml's problem mark, or a limit above exceeded.
    public static func parse(_ text: String, file: String) throws(DiagnosticsError) -> YAMLNode? {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// The document in `bytes` (UTF-8, or UTF-16 with a byte-order mark), or `nil` when there
    /// is none. Invalid UTF-8 is reported at the line and column of the offending byte.
    public static func parse(bytes: [UInt8], file: String) throws(DiagnosticsError) -> YAMLNode? {
        let parser: LibyamlParser
        do {
            parser = try LibyamlParser(bytes: bytes)
        } catch {
            throw diagnostics(for: error, bytes: bytes, file: file)
        }
        var composer = Composer(file: file, end: mark(atByteOffset: bytes.count, in: bytes))
        return try composer.document { () throws(DiagnosticsError) -> LibyamlEvent in
            do throws(LibyamlFailure) {
                return try parser.nextEvent()
            } catch {
                throw diagnostics(for: error, bytes: bytes, file: file)
            }
        }
    }

    private static func diagnostics(for failure: LibyamlFailure, bytes: [UInt8], file: String) -> DiagnosticsError {
        let end = self.mark(atByteOffset: bytes.count, in: bytes)
        let mark = (failure.mark ?? failure.byteOffset.map { self.mark(atByteOffset: $0, in: bytes) } ?? end).clamped(to: end)
        var message = "invalid YAML: \(failure.problem)"
        if let context = failure.context, let contextMark = failure.contextMark {
            message += " (\(context) at \(contextMark.line + 1):\(contextMark.column + 1))"
        }
        return DiagnosticsError(at: SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1), message)
    }

    /// The line and column of a byte, counting UTF-8 sequences as one character each.
    static func mark(atByteOffset offset: Int, in bytes: [UInt8]) -> LibyamlMark {
        var line = 0, column = 0
        var index = 0
        while index < min(offset, bytes.count) {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && bytes.get(index + 1) != UInt8(ascii: "\n")) {
                line += 1
                column = 0
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return LibyamlMark(line: line, column: column)
    }
}

extension LibyamlMark {
    /// The mark, or `end` when it lies beyond it: at the end of a file without a final newline
    /// libyaml counts one more line, which editors do not show.
    func clamped(to end: LibyamlMark) -> LibyamlMark {
        line > end.line ? end : self
    }
}

private extension Array where Element == UInt8 {
    func get(_ index: Int) -> UInt8? { indices.contains(index) ? self[index] : nil }
}

/// Builds the node tree from the event stream, resolving aliases within the reader's limits.
private struct Composer {
    /// A finished node with its node count and its collection levels (0 for a scalar).
    private struct Built {
        var node: YAMLNode
        var size: Int
        var height: Int
    }

    /// A collection whose end event has not come yet.
    private struct Open {
        var isMapping: Bool
        var anchor: String?
        var tag: String?
        var start: LibyamlMark
        var children: [YAMLNode] = []
        var size = 1
        var height = 1
    }

    let file: String
    /// The end of the input, where marks past it are moved.
    let end: LibyamlMark
    private var open: [Open] = []
    private var anchors: [String: Built] = [:]
    private var aliasCount = 0
    private var aliasedNodes = 0

    init(file: String, end: LibyamlMark) {
        self.file = file
        self.end = end
    }

    /// The document of the events `nextEvent` yields, up to the end of the stream.
    mutating func document(events nextEvent: () throws(DiagnosticsError) -> LibyamlEvent) throws(DiagnosticsError) -> YAMLNode? {
        var root: YAMLNode?
        var documents = 0
        while true {
            var event = try nextEvent()
            event.start = event.start.clamped(to: end)
            event.end = event.end.clamped(to: end)
            switch event.kind {
            case .streamStart, .documentEnd:
                continue
            case .streamEnd:
                return root
            case .documentStart:
                documents += 1
                if documents > 1 {
                    throw error(at: event.start, "a policy file holds one YAML document; a second one starts here")
                }
            case .alias(let name):
                guard let target = anchors[name] else { throw error(at: event.start, "unknown alias '*\(name)'") }
                aliasCount += 1
                aliasedNodes += target.size
                if aliasCount > YAMLReader.maximumAliases {
                    throw error(at: event.start, "more than \(YAMLReader.maximumAliases) aliases")
                }
                if aliasedNodes > YAMLReader.maximumAliasedNodes {
                    throw error(at: event.start, "aliases expand to more than \(YAMLReader.maximumAliasedNodes) nodes")
                }
                if open.count + target.height > YAMLReader.maximumDepth {
                    throw error(at: event.start, "nesting deeper than \(YAMLReader.maximumDepth) levels")
                }
                add(target, root: &root)
            case .scalar(let scalar, let anchor, let tag):
                let node = YAMLNode(.scalar(scalar), tag: tag, line: event.start.line + 1, column: event.start.column + 1,
                                    endLine: event.end.line + 1, endColumn: event.end.column + 1)
                finish(Built(node: node, size: 1, height: 0), anchor: anchor, root: &root)
            case .sequenceStart(let anchor, let tag), .mappingStart(let anchor, let tag):
                if open.count >= YAMLReader.maximumDepth {
                    throw error(at: event.start, "nesting deeper than \(YAMLReader.maximumDepth) levels")
                }
                var isMapping = false
                if case .mappingStart = event.kind { isMapping = true }
                open.append(Open(isMapping: isMapping, anchor: anchor, tag: tag, start: event.start))
            case .sequenceEnd, .mappingEnd:
                let closed = open.removeLast()
                let content: YAMLNode.Content
                if closed.isMapping {
                    content = .mapping(stride(from: 0, to: closed.children.count - 1, by: 2).map {
                        YAMLPair(key: closed.children[$0], value: closed.children[$0 + 1])
                    })
                } else {
                    content = .sequence(closed.children)
                }
                let node = YAMLNode(content, tag: closed.tag, line: closed.start.line + 1, column: closed.start.column + 1,
                                    endLine: event.end.line + 1, endColumn: event.end.column + 1)
                finish(Built(node: node, size: closed.size, height: closed.height), anchor: closed.anchor, root: &root)
            }
        }
    }

    private mutating func finish(_ built: Built, anchor: String?, root: inout YAMLNode?) {
        if let anchor { anchors[anchor] = built }
        add(built, root: &root)
    }

    private mutating func add(_ built: Built, root: inout YAMLNode?) {
        guard !open.isEmpty else {
            root = built.node
            return
        }
        open[open.count - 1].children.append(built.node)
        open[open.count - 1].size += built.size
        open[open.count - 1].height = max(open[open.count - 1].height, built.height + 1)
    }

    private func error(at mark: LibyamlMark, _ message: String) -> DiagnosticsError {
        DiagnosticsError(at: SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1), message)
    }
}
