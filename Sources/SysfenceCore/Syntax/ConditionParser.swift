/// Parses the `when` language into a `Condition`.
///
/// Precedence, loosest first: `||`; `&&`; prefix `!`; comparisons (`==`, `!=`, `<`, `<=`, `>`,
/// `>=`, `in`, `not in`), which do not chain; `|`; `&`; prefix `~` and `-`. Unlike C, `&` and
/// `|` bind tighter than comparisons, so `arg0 & FLAG == 0` reads `(arg0 & FLAG) == 0`.
///
/// Constant sub-expressions fold as they are read. Every operand carries a type (constant,
/// argument, condition), and an operator applied to the wrong types is reported where it
/// stands; such semantic problems do not stop the parse, so one pass reports all of them.
/// Syntax errors stop it.
struct ConditionParser {
    /// The deepest nesting of parentheses and prefix operators accepted.
    static let maximumDepth = 64

    /// An argument as a comparison reads it: `argN`, `u32(argN)`, maybe masked with `&`.
    private struct ArgumentView {
        var index: Int
        var width: ArgumentWidth
        var mask: UInt64 = .max
        var isMasked = false
        var spelling: String
    }

    /// What a sub-expression denotes.
    private enum Operand {
        case constant(UInt64)
        case argument(ArgumentView)
        case condition(Condition)
        /// A sub-expression whose problem is already reported.
        case invalid
    }

    private typealias Located = (operand: Operand, offset: Int)

    private let tokens: [ConditionToken]
    private let constants: ConstantTable
    private var position = 0
    private var depth = 0
    private var errors: [ConditionError] = []

    private init(tokens: [ConditionToken], constants: ConstantTable) {
        self.tokens = tokens
        self.constants = constants
    }

    /// The condition `text` denotes.
    ///
    /// - Throws: every problem found, in text order.
    static func parse(_ text: String, constants: ConstantTable) throws(ConditionErrors) -> Condition {
        let lexed: (tokens: [ConditionToken], badNumbers: [ConditionError])
        do {
            lexed = try ConditionLexer.tokens(of: text)
        } catch {
            throw ConditionErrors(errors: [error])
        }
        var parser = ConditionParser(tokens: lexed.tokens, constants: constants)
        parser.errors = lexed.badNumbers
        do throws(ConditionError) {
            if parser.current.kind == .end { throw ConditionError(offset: 0, message: "empty condition") }
            let whole = try parser.disjunction()
            if parser.current.kind != .end { throw parser.unexpectedTrailingToken() }
            if let condition = parser.condition(from: whole), parser.errors.isEmpty { return condition }
        } catch {
            parser.errors.append(error)
        }
        throw ConditionErrors(errors: parser.errors.sorted { $0.offset < $1.offset })
    }

    // MARK: Tokens

    private var current: ConditionToken { tokens[position] }

    private var next: ConditionToken { tokens[min(position + 1, tokens.count - 1)] }

    @discardableResult
    private mutating func advance() -> ConditionToken {
        defer { position = min(position + 1, tokens.count - 1) }
        return current
    }

    private mutating func expect(_ kind: ConditionToken.Kind, _ what: String) throws(ConditionError) {
        guard current.kind == kind else { throw ConditionError(offset: current.offset, message: "expected \(what), found \(current.quoted)") }
        advance()
    }

    private func unexpectedTrailingToken() -> ConditionError {
        var message = "expected an operator or the end of the condition, found \(current.quoted)"
        switch current.kind {
        case .identifier("and"): message += "; join conditions with '&&'"
        case .identifier("or"): message += "; join conditions with '||'"
        default: break
        }
        return ConditionError(offset: current.offset, message: message)
    }

    /// Runs `body` one nesting level deeper; `opener` is the token that opens the level.
    private mutating func nested<T>(by opener: ConditionToken,
                                    _ body: (inout ConditionParser) throws(ConditionError) -> T) throws(ConditionError) -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            throw ConditionError(offset: opener.offset, message: "condition nested deeper than \(Self.maximumDepth) levels")
        }
        return try body(&self)
    }

    private mutating func report(_ offset: Int, _ message: String) -> Operand {
        errors.append(ConditionError(offset: offset, message: message))
        return .invalid
    }

    // MARK: Grammar

    /// `a || b || ...`
    private mutating func disjunction() throws(ConditionError) -> Located {
        let first = try conjunction()
        guard current.kind == .logicalOr else { return first }
        var terms = [condition(from: first)]
        while current.kind == .logicalOr {
            advance()
            terms.append(condition(from: try conjunction()))
        }
        let valid = terms.compactMap { $0 }
        return (valid.count == terms.count ? .condition(.anyOf(valid)) : .invalid, first.offset)
    }

    /// `a && b && ...`
    private mutating func conjunction() throws(ConditionError) -> Located {
        let first = try negation()
        guard current.kind == .logicalAnd else { return first }
        var terms = [condition(from: first)]
        while current.kind == .logicalAnd {
            advance()
            terms.append(condition(from: try negation()))
        }
        let valid = terms.compactMap { $0 }
        return (valid.count == terms.count ? .condition(.allOf(valid)) : .invalid, first.offset)
    }

    /// `!a`
    private mutating func negation() throws(ConditionError) -> Located {
        guard current.kind == .logicalNot else { return try comparison() }
        let bang = advance()
        let inner = try nested(by: bang) { (parser: inout ConditionParser) throws(ConditionError) in try parser.negation() }
        guard let condition = condition(from: inner) else { return (.invalid, bang.offset) }
        return (.condition(.not(condition)), bang.offset)
    }

    /// `a == b`, `a in [...]`, `a not in [...]`, or a plain value.
    private mutating func comparison() throws(ConditionError) -> Located {
        let left = try bitwiseOr()
        let result: Operand
        switch current.kind {
        case .comparison(let op):
            let opToken = advance()
            let right = try bitwiseOr()
            result = compare(left.operand, op, right.operand, at: opToken)
        case .identifier("in"):
            let inToken = advance()
            result = membership(left, try list(), negated: false, at: inToken)
        case .identifier("not") where next.kind == .identifier("in"):
            let notToken = advance()
            advance()
            result = membership(left, try list(), negated: true, at: notToken)
        default:
            return left
        }
        if case .comparison = current.kind {
            throw ConditionError(offset: current.offset, message: "comparisons do not chain; join them with '&&'")
        }
        return (result, left.offset)
    }

    /// `[a, b, ...]` after `in`: the constants and where each was written.
    private mutating func list() throws(ConditionError) -> (items: [Located], open: ConditionToken) {
        let open = current
        try expect(.leftBracket, "'[' to start the list")
        var items: [Located] = []
        while current.kind != .rightBracket {
            items.append(try bitwiseOr())
            guard current.kind == .comma else { break }
            advance()
        }
        try expect(.rightBracket, items.isEmpty ? "a value or ']'" : "',' or ']'")
        return (items, open)
    }

    /// `a | b`
    private mutating func bitwiseOr() throws(ConditionError) -> Located {
        var left = try bitwiseAnd()
        while current.kind == .bitOr {
            let op = advance()
            let right = try bitwiseAnd()
            left.operand = combine(left.operand, right.operand, at: op)
        }
        return left
    }

    /// `a & b`
    private mutating func bitwiseAnd() throws(ConditionError) -> Located {
        var left = try prefixed()
        while current.kind == .bitAnd {
            let op = advance()
            let right = try prefixed()
            left.operand = combine(left.operand, right.operand, at: op)
        }
        return left
    }

    /// `~a`, `-a`
    private mutating func prefixed() throws(ConditionError) -> Located {
        guard current.kind == .bitNot || current.kind == .minus else { return try primary() }
        let op = advance()
        let operandIsLiteral = current.isNumber
        let inner = try nested(by: op) { (parser: inout ConditionParser) throws(ConditionError) in try parser.prefixed() }
        switch inner.operand {
        case .invalid:
            return (.invalid, op.offset)
        case .constant(let value) where op.kind == .bitNot:
            return (.constant(~value), op.offset)
        case .constant(let value):
            // A negative literal must fit in 64-bit two's complement; negating a value
            // (`-AT_FDCWD`) wraps like the machine does.
            if operandIsLiteral, value > 1 << 63 { return (report(op.offset, "-\(value) does not fit in 64 bits"), op.offset) }
            return (.constant(0 &- value), op.offset)
        case .argument:
            return (report(op.offset, "'\(op.text)' works on constants, not on arguments"), op.offset)
        case .condition:
            let hint = op.kind == .bitNot ? "; negate a condition with '!'" : ""
            return (report(op.offset, "'\(op.text)' works on numbers, not on conditions\(hint)"), op.offset)
        }
    }

    /// A number, a constant, `argN`, `u32(argN)` or a parenthesized expression.
    private mutating func primary() throws(ConditionError) -> Located {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return (.constant(value), token.offset)
        case .badNumber:
            advance()
            return (.invalid, token.offset)
        case .leftParenthesis:
            advance()
            let inner = try nested(by: token) { (parser: inout ConditionParser) throws(ConditionError) in try parser.disjunction() }
            try expect(.rightParenthesis, "')'")
            return (inner.operand, token.offset)
        case .identifier("u32"):
            advance()
            try expect(.leftParenthesis, "'(' after 'u32'")
            let argument = current
            guard case .identifier(let name) = argument.kind, var view = try argumentView(name, at: argument) else {
                throw ConditionError(offset: argument.offset, message: "expected an argument such as 'arg1' in 'u32(...)', found \(argument.quoted)")
            }
            advance()
            try expect(.rightParenthesis, "')'")
            view.width = .low32
            view.spelling = "u32(\(name))"
            return (.argument(view), token.offset)
        case .identifier("in"), .identifier("not"):
            throw ConditionError(offset: token.offset, message: "expected a value, found \(token.quoted)")
        case .identifier(let name):
            advance()
            if let view = try argumentView(name, at: token) { return (.argument(view), token.offset) }
            if let value = constants.values[name] { return (.constant(value), token.offset) }
            var message = "unknown constant '\(name)'"
            if let suggestion = closestName(to: name, among: constants.values.keys.sorted()) {
                message += " (did you mean '\(suggestion)'?)"
            }
            return (report(token.offset, message), token.offset)
        default:
            throw ConditionError(offset: token.offset, message: "expected a value, found \(token.quoted)")
        }
    }

    /// The argument `name` denotes (`arg0`...`arg5`), `nil` when it is not of the form `argN`.
    private func argumentView(_ name: String, at token: ConditionToken) throws(ConditionError) -> ArgumentView? {
        guard name.hasPrefix("arg"), let index = Int(name.dropFirst(3)) else { return nil }
        guard (0...5).contains(index), name.count == 4 else {
            throw ConditionError(offset: token.offset, message: "no argument '\(name)'; syscalls have six, 'arg0' to 'arg5'")
        }
        return ArgumentView(index: index, width: .full, spelling: name)
    }

    // MARK: Operators on typed operands

    /// `a & b` or `a | b`.
    private mutating func combine(_ left: Operand, _ right: Operand, at op: ConditionToken) -> Operand {
        let isAnd = op.kind == .bitAnd
        switch (left, right) {
        case (.invalid, _), (_, .invalid):
            return .invalid
        case (.constant(let a), .constant(let b)):
            return .constant(isAnd ? a & b : a | b)
        case (.condition, _), (_, .condition):
            return report(op.offset, "'\(op.text)' works on numbers, not on conditions; join conditions with '\(op.text)\(op.text)'")
        case (.argument, .argument):
            return report(op.offset, "'\(op.text)' between two arguments; one side must be a constant")
        case (.argument(var view), .constant(let mask)), (.constant(let mask), .argument(var view)):
            guard isAnd else { return report(op.offset, "an argument can be masked with '&', not combined with '|'") }
            view.mask &= mask
            view.isMasked = true
            return .argument(view)
        }
    }

    /// `a op b`, with the argument on either side.
    private mutating func compare(_ left: Operand, _ op: ComparisonOperator, _ right: Operand, at token: ConditionToken) -> Operand {
        switch (left, right) {
        case (.invalid, _), (_, .invalid):
            return .invalid
        case (.argument(let view), .constant(let value)):
            return .condition(.comparison(Comparison(argument: view.index, width: view.width, mask: view.mask, op: op, value: value)))
        case (.constant(let value), .argument(let view)):
            return .condition(.comparison(Comparison(argument: view.index, width: view.width, mask: view.mask, op: op.mirrored, value: value)))
        case (.argument, .argument):
            return report(token.offset, "cannot compare two arguments; one side of '\(token.text)' must be a constant")
        case (.constant, .constant):
            return report(token.offset, "comparison between two constants; one side of '\(token.text)' must be an argument")
        case (.condition, _), (_, .condition):
            return report(token.offset, "'\(token.text)' compares values, not conditions; join conditions with '&&' or '||'")
        }
    }

    /// `a in [...]` (any equal) or `a not in [...]` (all different).
    private mutating func membership(_ left: Located, _ list: (items: [Located], open: ConditionToken), negated: Bool,
                                     at token: ConditionToken) -> Operand {
        var values: [UInt64] = []
        var valid = true
        for item in list.items {
            switch item.operand {
            case .constant(let value):
                values.append(value)
            case .invalid:
                valid = false
            case .argument, .condition:
                _ = report(item.offset, "the items of a list must be constants")
                valid = false
            }
        }
        if list.items.isEmpty {
            _ = report(list.open.offset, "empty list after '\(negated ? "not in" : "in")'")
            valid = false
        }
        switch left.operand {
        case .invalid:
            return .invalid
        case .constant, .condition:
            return report(token.offset, "'\(negated ? "not in" : "in")' needs an argument on its left")
        case .argument(let view):
            guard valid else { return .invalid }
            let terms = values.map {
                Condition.comparison(Comparison(argument: view.index, width: view.width, mask: view.mask,
                                                op: negated ? .notEqual : .equal, value: $0))
            }
            return .condition(negated ? .allOf(terms) : .anyOf(terms))
        }
    }

    /// The condition an operand stands for where `&&`, `||`, `!` or the whole `when` needs one;
    /// `nil` (reported) when it is not one.
    private mutating func condition(from located: Located) -> Condition? {
        switch located.operand {
        case .condition(let condition):
            return condition
        case .argument(let view) where view.isMasked:
            return .comparison(Comparison(argument: view.index, width: view.width, mask: view.mask, op: .notEqual, value: 0))
        case .argument(let view):
            _ = report(located.offset, "'\(view.spelling)' alone is not a condition; compare it, as in '\(view.spelling) != 0'")
            return nil
        case .constant:
            _ = report(located.offset, "a constant alone is not a condition; compare an argument with it")
            return nil
        case .invalid:
            return nil
        }
    }
}
