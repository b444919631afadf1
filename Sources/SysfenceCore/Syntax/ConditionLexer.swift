/// A problem in the text of a `when` condition, at an offset counted in Unicode scalars.
struct ConditionError: Error, Hashable {
    var offset: Int
    var message: String
}

/// Every problem found in a condition, in text order.
struct ConditionErrors: Error {
    var errors: [ConditionError]
}

/// One token of a `when` condition.
struct ConditionToken: Equatable {
    enum Kind: Equatable {
        case number(UInt64)
        /// A malformed number literal, already reported; it stands for a value so parsing goes on.
        case badNumber
        case identifier(String)
        case leftParenthesis, rightParenthesis, leftBracket, rightBracket, comma
        case bitAnd, bitOr, bitNot, minus
        case logicalNot, logicalAnd, logicalOr
        case comparison(ComparisonOperator)
        case end
    }

    var kind: Kind
    /// Where the token starts, in Unicode scalars from the start of the condition.
    var offset: Int
    /// The token as written; empty at the end.
    var text: String

    /// Whether the token is a well-formed number literal.
    var isNumber: Bool {
        if case .number = kind { return true }
        return false
    }

    /// The token for messages: `'&&'`, or `the end of the condition`.
    var quoted: String { kind == .end ? "the end of the condition" : "'\(text)'" }
}

/// Splits a condition into tokens.
enum ConditionLexer {
    private static let punctuation: [(String, ConditionToken.Kind)] = [
        ("&&", .logicalAnd), ("||", .logicalOr), ("==", .comparison(.equal)), ("!=", .comparison(.notEqual)),
        ("<=", .comparison(.lessOrEqual)), (">=", .comparison(.greaterOrEqual)),
        ("<", .comparison(.less)), (">", .comparison(.greater)), ("&", .bitAnd), ("|", .bitOr), ("~", .bitNot),
        ("-", .minus), ("!", .logicalNot), ("(", .leftParenthesis), (")", .rightParenthesis), ("[", .leftBracket),
        ("]", .rightBracket), (",", .comma),
    ]

    /// The tokens of `text`, ending with an `.end` token, and the malformed number literals among
    /// them; a character that starts no token stops the lexer.
    static func tokens(of text: String) throws(ConditionError) -> (tokens: [ConditionToken], badNumbers: [ConditionError]) {
        let scalars = Array(text.unicodeScalars)
        var tokens: [ConditionToken] = []
        var badNumbers: [ConditionError] = []
        var index = 0
        func word(from start: Int) -> String {
            var end = start
            while end < scalars.count, isWordCharacter(scalars[end]) { end += 1 }
            index = end
            return String(String.UnicodeScalarView(scalars[start..<end]))
        }
        while index < scalars.count {
            let start = index
            let character = scalars[index]
            if character.properties.isWhitespace {
                index += 1
            } else if NumberLiteral.startsLiteral(character) {
                let literal = word(from: start)
                switch NumberLiteral.value(of: literal) {
                case .success(let value): tokens.append(ConditionToken(kind: .number(value), offset: start, text: literal))
                case .failure(let problem):
                    badNumbers.append(ConditionError(offset: start, message: problem.message(for: literal)))
                    tokens.append(ConditionToken(kind: .badNumber, offset: start, text: literal))
                }
            } else if isWordCharacter(character) {
                let name = word(from: start)
                tokens.append(ConditionToken(kind: .identifier(name), offset: start, text: name))
            } else if let (spelling, kind) = punctuation.first(where: { matches($0.0, scalars, at: start) }) {
                if spelling == "<" || spelling == ">", matches(spelling + spelling, scalars, at: start) {
                    throw ConditionError(offset: start, message: "unsupported operator '\(spelling)\(spelling)'; write the shifted value as a number")
                }
                index += spelling.unicodeScalars.count
                tokens.append(ConditionToken(kind: kind, offset: start, text: spelling))
            } else if character == "=" {
                throw ConditionError(offset: start, message: "unexpected '='; compare with '=='")
            } else {
                throw ConditionError(offset: start, message: "unexpected character '\(character)'")
            }
        }
        tokens.append(ConditionToken(kind: .end, offset: scalars.count, text: ""))
        return (tokens, badNumbers)
    }

    private static func isWordCharacter(_ character: Unicode.Scalar) -> Bool {
        character.isASCII && (character.properties.isAlphabetic || ("0"..."9").contains(character) || character == "_")
    }

    private static func matches(_ spelling: String, _ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var position = index
        for wanted in spelling.unicodeScalars {
            guard position < scalars.count, scalars[position] == wanted else { return false }
            position += 1
        }
        return true
    }
}
