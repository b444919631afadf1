import CYAML
import SysfenceCore

/// A position in the input as libyaml reports it: 0-based line and column (in characters).
struct LibyamlMark: Equatable {
    var line: Int
    var column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init(_ mark: yaml_mark_t) {
        self.init(line: Int(mark.line), column: Int(mark.column))
    }
}

/// One parser event, copied out of libyaml's `yaml_event_t`.
struct LibyamlEvent {
    enum Kind {
        case streamStart
        case streamEnd
        case documentStart
        case documentEnd
        case alias(anchor: String)
        case scalar(YAMLScalar, anchor: String?, tag: String?)
        case sequenceStart(anchor: String?, tag: String?)
        case sequenceEnd
        case mappingStart(anchor: String?, tag: String?)
        case mappingEnd
    }

    var kind: Kind
    var start: LibyamlMark
    var end: LibyamlMark
}

/// Why libyaml stopped: its problem text, where it lies and what it was reading then.
struct LibyamlFailure: Error {
    var problem: String
    /// The problem's place; `nil` for the reader's encoding errors, which give `byteOffset` instead.
    var mark: LibyamlMark?
    var byteOffset: Int?
    var context: String?
    var contextMark: LibyamlMark?
}

/// An owned libyaml parser (`yaml_parser_t`) reading a private copy of the input.
///
/// libyaml keeps pointers to the parser inside itself and to the input, so both live at fixed
/// addresses for the parser's lifetime and are released on deinit.
final class LibyamlParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>

    /// A parser over `bytes` (UTF-8, or UTF-16 with a byte-order mark).
    init(bytes: [UInt8]) throws(LibyamlFailure) {
        parser = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            input.deallocate()
            throw LibyamlFailure(problem: "out of memory", mark: LibyamlMark(line: 0, column: 0))
        }
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event (`yaml_parser_parse`), or the reason the input cannot be parsed.
    func nextEvent() throws(LibyamlFailure) -> LibyamlEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw failure }
        defer { yaml_event_delete(&event) }
        return LibyamlEvent(kind: Self.kind(of: event), start: LibyamlMark(event.start_mark), end: LibyamlMark(event.end_mark))
    }

    private var failure: LibyamlFailure {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = state.context.map { String(cString: $0) }
        switch state.error {
        case YAML_READER_ERROR:
            return LibyamlFailure(problem: problem, byteOffset: Int(state.problem_offset))
        case YAML_MEMORY_ERROR:
            return LibyamlFailure(problem: "out of memory", mark: LibyamlMark(state.mark))
        default:
            return LibyamlFailure(problem: problem, mark: LibyamlMark(state.problem_mark), context: context,
                                  contextMark: context == nil ? nil : LibyamlMark(state.context_mark))
        }
    }

    private static func kind(of event: yaml_event_t) -> LibyamlEvent.Kind {
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_DOCUMENT_START_EVENT: return .documentStart
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT: return .alias(anchor: string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            return .scalar(YAMLScalar(value, style: style(data.style)), anchor: string(data.anchor), tag: string(data.tag))
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            return .sequenceStart(anchor: string(data.anchor), tag: string(data.tag))
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            return .mappingStart(anchor: string(data.anchor), tag: string(data.tag))
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        default: return .streamEnd  // YAML_STREAM_END_EVENT, or YAML_NO_EVENT once the stream has ended
        }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
