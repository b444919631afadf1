/// The integer literals of the policy language.
///
/// Decimal (`42`), hexadecimal (`0x2A`), octal (`0o52`, or C's leading zero: `052`) and binary
/// (`0b101010`), with single `_` allowed between digits. A literal names a 64-bit unsigned value;
/// one that needs more bits is an error. Negative values are written with the unary minus of the
/// `when` language, not here.
enum NumberLiteral {
    /// Why a literal is not a number.
    enum Problem: Error, Equatable {
        /// A character that is not a digit of the literal's base.
        case invalidDigit(Unicode.Scalar, base: String)
        /// A prefix (`0x`, `0o`, `0b`) with no digits, or a misplaced `_`.
        case malformed
        /// More than 64 bits.
        case tooLarge

        /// The message for a literal spelled `text`.
        func message(for text: String) -> String {
            switch self {
            case .invalidDigit(let digit, let base): return "invalid digit '\(digit)' in \(base) number '\(text)'"
            case .malformed: return "invalid number '\(text)'"
            case .tooLarge: return "number '\(text)' does not fit in 64 bits"
            }
        }
    }

    /// Whether `character` starts a literal.
    static func startsLiteral(_ character: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(character)
    }

    /// The value of `text`, which must be a whole literal.
    static func value(of text: String) -> Result<UInt64, Problem> {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, startsLiteral(first) else { return .failure(.malformed) }
        var radix: UInt64 = 10
        var base = "decimal"
        var start = 0
        if scalars.count >= 2, first == "0" {
            switch scalars[1] {
            case "x", "X": (radix, base, start) = (16, "hexadecimal", 2)
            case "o", "O": (radix, base, start) = (8, "octal", 2)
            case "b", "B": (radix, base, start) = (2, "binary", 2)
            default: (radix, base, start) = (8, "octal", 1)
            }
        }
        let digits = scalars[start...]
        guard let firstDigit = digits.first, firstDigit != "_", digits.last != "_" else { return .failure(.malformed) }
        var value: UInt64 = 0
        var overflow = false
        var previous: Unicode.Scalar = "0"
        for character in digits {
            defer { previous = character }
            if character == "_" {
                if previous == "_" { return .failure(.malformed) }
                continue
            }
            guard let digit = digitValue(character), digit < radix else {
                return .failure(.invalidDigit(character, base: base))
            }
            let (shifted, carry) = value.multipliedReportingOverflow(by: radix)
            let (sum, carryAgain) = shifted.addingReportingOverflow(digit)
            overflow = overflow || carry || carryAgain
            value = sum
        }
        return overflow ? .failure(.tooLarge) : .success(value)
    }

    private static func digitValue(_ character: Unicode.Scalar) -> UInt64? {
        switch character {
        case "0"..."9": return UInt64(character.value - 48)
        case "a"..."z": return UInt64(character.value - 97 + 10)
        case "A"..."Z": return UInt64(character.value - 65 + 10)
        default: return nil
        }
    }
}

extension ConstantTable {
    /// A value given on a command line: an integer literal, optionally negative (64-bit two's
    /// complement), or a named constant. `nil` when it is neither.
    public func commandLineValue(_ text: String) -> UInt64? {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let magnitude: UInt64
        if let named = values[body] {
            magnitude = named
        } else if case .success(let number) = NumberLiteral.value(of: body) {
            guard !negative || number <= 1 << 63 else { return nil }
            magnitude = number
        } else {
            return nil
        }
        return negative ? 0 &- magnitude : magnitude
    }
}
