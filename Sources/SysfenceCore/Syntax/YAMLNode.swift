/// A node of a YAML document, as the YAML reader hands it to the policy decoder.
///
/// The tree is pure data: scalars keep their text exactly as written (no implicit typing of
/// `yes`, `1` or `null`), mappings keep their pairs in source order, duplicates included, so
/// the decoder can type each value by where it appears and report every problem with its place.
public struct YAMLNode: Hashable, Sendable {
    /// What the node holds.
    public enum Content: Hashable, Sendable {
        /// A scalar: its text and how it was written.
        case scalar(YAMLScalar)
        /// A sequence (`[a, b]` or `- a` items), in order.
        case sequence([YAMLNode])
        /// A mapping, its pairs in source order.
        case mapping([YAMLPair])
    }

    /// What the node holds.
    public var content: Content
    /// The node's tag when one was written (`!!str`, `!custom`), resolved as YAML defines
    /// (`tag:yaml.org,2002:str`); `nil` for untagged nodes.
    public var tag: String?
    /// The 1-based line of the node's first character.
    public var line: Int
    /// The 1-based column (in characters) of the node's first character.
    public var column: Int
    /// The 1-based line just after the node's last character.
    public var endLine: Int
    /// The 1-based column just after the node's last character.
    public var endColumn: Int

    /// A node with its content and the place it spans.
    public init(_ content: Content, tag: String? = nil, line: Int, column: Int, endLine: Int, endColumn: Int) {
        self.content = content
        self.tag = tag
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
    }

    /// The scalar, when the node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The node's place in `file`.
    public func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// The place of the character at `offset` (counted in Unicode scalars) of a scalar's value.
    ///
    /// Exact when the scalar sits on one line and its source text matches its value one to one
    /// (plain, or quoted without escapes); otherwise the scalar's own place.
    public func location(ofCharacterAt offset: Int, in file: String) -> SourceLocation {
        guard let scalar, line == endLine else { return location(in: file) }
        let quote: Int
        switch scalar.style {
        case .plain: quote = 0
        case .singleQuoted, .doubleQuoted: quote = 1
        case .literal, .folded: return location(in: file)
        }
        guard endColumn - column - 2 * quote == scalar.value.unicodeScalars.count else { return location(in: file) }
        return SourceLocation(file: file, line: line, column: column + quote + offset)
    }
}

/// How a scalar was written.
public enum YAMLScalarStyle: Hashable, Sendable {
    /// Unquoted text.
    case plain
    /// `'text'`
    case singleQuoted
    /// `"text"`, with backslash escapes.
    case doubleQuoted
    /// A `|` block.
    case literal
    /// A `>` block.
    case folded
}

/// A scalar's text and style.
public struct YAMLScalar: Hashable, Sendable {
    /// The text after YAML's unquoting, escapes and line folding.
    public var value: String
    /// How the text was written.
    public var style: YAMLScalarStyle

    /// A scalar with its text and style.
    public init(_ value: String, style: YAMLScalarStyle = .plain) {
        self.value = value
        self.style = style
    }

    /// Whether the scalar is YAML's null: an empty plain scalar, `~` or `null`.
    public var isNull: Bool {
        style == .plain && ["", "~", "null", "Null", "NULL"].contains(value)
    }
}

/// One key and value of a mapping.
public struct YAMLPair: Hashable, Sendable {
    /// The key node.
    public var key: YAMLNode
    /// The value node.
    public var value: YAMLNode

    /// A pair of nodes.
    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}
