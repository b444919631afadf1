@testable import SysfenceCore
import Testing

private func parse(_ text: String) throws(ConditionErrors) -> Condition {
    try ConditionParser.parse(text, constants: SyntaxFixtures.constants)
}

/// The problems of a condition that must fail, as `column: message` with 1-based columns in the text.
private func problems(_ text: String) -> [String] {
    do {
        let condition = try parse(text)
        Issue.record("'\(text)' parsed as \(condition)")
        return []
    } catch {
        return error.errors.map { "\($0.offset + 1): \($0.message)" }
    }
}

private func compare(_ argument: Int, _ op: ComparisonOperator, _ value: UInt64, mask: UInt64 = .max,
                     width: ArgumentWidth = .full) -> Condition {
    SyntaxFixtures.compare(argument, op, value, mask: mask, width: width)
}

@Suite struct ConditionParserTests {
    // MARK: Operators

    @Test(arguments: ComparisonOperator.allCases)
    func everyComparisonOperator(op: ComparisonOperator) throws {
        #expect(try parse("arg2 \(op.rawValue) 7") == compare(2, op, 7))
    }

    @Test(arguments: ComparisonOperator.allCases)
    func constantOnTheLeftIsMirrored(op: ComparisonOperator) throws {
        #expect(try parse("7 \(op.rawValue) arg2") == compare(2, op.mirrored, 7))
    }

    @Test func everyArgument() throws {
        for index in 0...5 {
            #expect(try parse("arg\(index) == 1") == compare(index, .equal, 1))
        }
    }

    @Test func lowWordOfAnArgument() throws {
        #expect(try parse("u32(arg1) == 0x5401") == compare(1, .equal, 0x5401, width: .low32))
        #expect(try parse("u32( arg1 ) == -1") == compare(1, .equal, UInt64.max, width: .low32))
        #expect(try parse("u32(arg1) & 0xF0 == 0x10") == compare(1, .equal, 0x10, mask: 0xF0, width: .low32))
    }

    @Test func inAndNotIn() throws {
        #expect(try parse("arg0 in [AF_UNIX, AF_INET, AF_INET6]")
                    == .or([compare(0, .equal, 1), compare(0, .equal, 2), compare(0, .equal, 10)]))
        #expect(try parse("arg0 not in [1, 2,]") == .and([compare(0, .notEqual, 1), compare(0, .notEqual, 2)]))
        #expect(try parse("arg0 in [5]") == compare(0, .equal, 5))
        #expect(try parse("(arg2 & O_ACCMODE) in [O_RDONLY, O_RDWR]")
                    == .or([compare(2, .equal, 0, mask: 3), compare(2, .equal, 2, mask: 3)]))
    }

    @Test func masks() throws {
        #expect(try parse("(arg0 & (FLAG_A | FLAG_C)) == 0") == compare(0, .equal, 0, mask: 5))
        #expect(try parse("arg0 & FLAG_B == FLAG_B") == compare(0, .equal, 2, mask: 2))
        #expect(try parse("FLAG_C & arg0 != 0") == compare(0, .notEqual, 0, mask: 4))
        #expect(try parse("(arg0 & 0xF0) & 0x30 == 0x10") == compare(0, .equal, 0x10, mask: 0x30))
    }

    @Test func bareMaskMeansAnyBitSet() throws {
        #expect(try parse("arg3 & FLAG_B") == compare(3, .notEqual, 0, mask: 2))
        #expect(try parse("!(arg3 & FLAG_B)") == .not(compare(3, .notEqual, 0, mask: 2)))
        #expect(try parse("arg3 & 1 && arg4 & 2") == .and([compare(3, .notEqual, 0, mask: 1), compare(4, .notEqual, 0, mask: 2)]))
    }

    @Test func logicalOperators() throws {
        let (a, b, c) = (compare(0, .equal, 1), compare(1, .equal, 2), compare(2, .equal, 3))
        #expect(try parse("arg0 == 1 && arg1 == 2") == .and([a, b]))
        #expect(try parse("arg0 == 1 || arg1 == 2") == .or([a, b]))
        #expect(try parse("!(arg0 == 1)") == .not(a))
        #expect(try parse("!!(arg0 == 1)") == .not(.not(a)))
        #expect(try parse("(arg0 == 1 && arg1 == 2) && arg2 == 3") == .and([a, b, c]))
        #expect(try parse("arg0 == 1 || (arg1 == 2 || arg2 == 3)") == .or([a, b, c]))
    }

    @Test func severalComparisonsOnOneArgument() throws {
        #expect(try parse("arg0 >= 3 && arg0 < 1024 && arg0 != 7")
                    == .and([compare(0, .greaterOrEqual, 3), compare(0, .less, 1024), compare(0, .notEqual, 7)]))
    }

    // MARK: Precedence

    @Test func andBindsTighterThanOr() throws {
        let (a, b, c) = (compare(0, .equal, 1), compare(1, .equal, 2), compare(2, .equal, 3))
        #expect(try parse("arg0 == 1 || arg1 == 2 && arg2 == 3") == .or([a, .and([b, c])]))
        #expect(try parse("arg0 == 1 && arg1 == 2 || arg2 == 3") == .or([.and([a, b]), c]))
        #expect(try parse("(arg0 == 1 || arg1 == 2) && arg2 == 3") == .and([.or([a, b]), c]))
    }

    @Test func notBindsLooserThanComparisonsAndTighterThanAnd() throws {
        let (a, b) = (compare(0, .equal, 1), compare(1, .equal, 2))
        #expect(try parse("!arg0 == 1") == .not(a))
        #expect(try parse("!arg0 == 1 && arg1 == 2") == .and([.not(a), b]))
        #expect(try parse("!arg0 == 1 || !arg1 == 2") == .or([.not(a), .not(b)]))
    }

    @Test func bitOperatorsBindTighterThanComparisons() throws {
        #expect(try parse("arg0 & 3 == 1 | 2") == compare(0, .equal, 3, mask: 3))
        #expect(try parse("arg0 == 1 | 2 & 3") == compare(0, .equal, 3))  // & before |: 1 | (2 & 3)
        #expect(try parse("arg0 == (1 | 2) & 1") == compare(0, .equal, 1))
    }

    // MARK: Constants

    @Test func constantsFoldAtParseTime() throws {
        #expect(try parse("arg0 == ~0") == compare(0, .equal, .max))
        #expect(try parse("arg0 == -1") == compare(0, .equal, .max))
        #expect(try parse("arg0 == - - 5") == compare(0, .equal, 5))
        #expect(try parse("arg0 == ~(FLAG_A | FLAG_B)") == compare(0, .equal, ~UInt64(3)))
        #expect(try parse("arg0 == -0x8000000000000000") == compare(0, .equal, 1 << 63))
        #expect(try parse("arg0 == AT_FDCWD") == compare(0, .equal, UInt64(bitPattern: -100)))
        #expect(try parse("arg0 == -AT_FDCWD") == compare(0, .equal, 100))
        #expect(try parse("arg0 == 0x10 | 0o7 | 0b1000000 | 010") == compare(0, .equal, 0x10 | 7 | 64 | 8))
    }

    @Test func whitespaceAndNewlinesAreIgnored() throws {
        #expect(try parse("  arg0\n==\t1 ") == compare(0, .equal, 1))
        #expect(try parse("arg0==1&&arg1!=2") == .and([compare(0, .equal, 1), compare(1, .notEqual, 2)]))
    }

    // MARK: Errors, with their columns in the text

    @Test(arguments: [
        ("", ["1: empty condition"]),
        ("   ", ["1: empty condition"]),
        ("arg0 = 1", ["6: unexpected '='; compare with '=='"]),
        ("arg0 == 1 # note", ["11: unexpected character '#'"]),
        ("arg0 == 1 << 2", ["11: unsupported operator '<<'; write the shifted value as a number"]),
        ("arg0 >> 2 == 0", ["6: unsupported operator '>>'; write the shifted value as a number"]),
        ("arg6 == 0", ["1: no argument 'arg6'; syscalls have six, 'arg0' to 'arg5'"]),
        ("arg01 == 0", ["1: no argument 'arg01'; syscalls have six, 'arg0' to 'arg5'"]),
        ("arg0 == arg1", ["6: cannot compare two arguments; one side of '==' must be a constant"]),
        ("1 < 2", ["3: comparison between two constants; one side of '<' must be an argument"]),
        ("arg0", ["1: 'arg0' alone is not a condition; compare it, as in 'arg0 != 0'"]),
        ("u32(arg2) || arg0 == 1", ["1: 'u32(arg2)' alone is not a condition; compare it, as in 'u32(arg2) != 0'"]),
        ("FLAG_A", ["1: a constant alone is not a condition; compare an argument with it"]),
        ("arg0 == 1 && 4", ["14: a constant alone is not a condition; compare an argument with it"]),
        ("arg0 < 1 < 2", ["10: comparisons do not chain; join them with '&&'"]),
        ("(arg0 == 1", ["11: expected ')', found the end of the condition"]),
        ("arg0 == 1)", ["10: expected an operator or the end of the condition, found ')'"]),
        ("arg0 == 1 and arg1 == 2", ["11: expected an operator or the end of the condition, found 'and'; join conditions with '&&'"]),
        ("arg0 == 1 or arg1 == 2", ["11: expected an operator or the end of the condition, found 'or'; join conditions with '||'"]),
        ("arg0 ==", ["8: expected a value, found the end of the condition"]),
        ("&& arg0 == 1", ["1: expected a value, found '&&'"]),
        ("arg0 == in", ["9: expected a value, found 'in'"]),
        ("arg0 in 1", ["9: expected '[' to start the list, found '1'"]),
        ("arg0 in [1 2]", ["12: expected ',' or ']', found '2'"]),
        ("arg0 in [", ["10: expected a value, found the end of the condition"]),
        ("arg0 in []", ["9: empty list after 'in'"]),
        ("arg0 not in []", ["13: empty list after 'not in'"]),
        ("arg0 in [1, arg1]", ["13: the items of a list must be constants"]),
        ("3 in [1]", ["3: 'in' needs an argument on its left"]),
        ("(arg0 | 4) == 4", ["7: an argument can be masked with '&', not combined with '|'"]),
        ("arg0 & FLAG_A | FLAG_B", ["15: an argument can be masked with '&', not combined with '|'"]),
        ("arg0 & arg1", ["6: '&' between two arguments; one side must be a constant"]),
        ("(arg0 == 1) & 2", ["13: '&' works on numbers, not on conditions; join conditions with '&&'"]),
        ("(arg0 == 1) | (arg1 == 2)", ["13: '|' works on numbers, not on conditions; join conditions with '||'"]),
        ("~(arg0 == 1)", ["1: '~' works on numbers, not on conditions; negate a condition with '!'"]),
        ("-(arg0 == 1)", ["1: '-' works on numbers, not on conditions"]),
        ("~arg0 == 1", ["1: '~' works on constants, not on arguments"]),
        ("-arg0 == 1", ["1: '-' works on constants, not on arguments"]),
        ("(arg0 == 1) == 1", ["13: '==' compares values, not conditions; join conditions with '&&' or '||'"]),
        ("u32(5) == 1", ["5: expected an argument such as 'arg1' in 'u32(...)', found '5'"]),
        ("u32 == 1", ["5: expected '(' after 'u32', found '=='"]),
        ("u32(arg1 == 1", ["10: expected ')', found '=='"]),
        ("arg0 == -0x8000000000000001", ["9: -9223372036854775809 does not fit in 64 bits"]),
        ("arg0 == ~-0x8000000000000001", ["10: -9223372036854775809 does not fit in 64 bits"]),
        ("arg0 == 0x1_0000_0000_0000_0000", ["9: number '0x1_0000_0000_0000_0000' does not fit in 64 bits"]),
        ("arg0 == AF_INTE", ["9: unknown constant 'AF_INTE' (did you mean 'AF_INET'?)"]),
        ("arg0 == NOPE || arg1 in [AF_UNIX, FLAG_D]",
         ["9: unknown constant 'NOPE'", "35: unknown constant 'FLAG_D' (did you mean 'FLAG_A'?)"]),
        ("arg0 == 08 && arg1 == 0b2 && arg9 == 1",
         ["9: invalid digit '8' in octal number '08'", "23: invalid digit '2' in binary number '0b2'",
          "30: no argument 'arg9'; syscalls have six, 'arg0' to 'arg5'"]),
        ("arg0 == 1 && é", ["14: unexpected character 'é'"]),
        ("é == 1 && arg0 == 1x", ["1: unexpected character 'é'"]),
    ] as [(String, [String])])
    func problemIsReportedAtItsColumn(text: String, expected: [String]) {
        #expect(problems(text) == expected)
    }

    @Test func nestingIsLimited() throws {
        let allowed = String(repeating: "(", count: ConditionParser.maximumDepth) + "arg0 == 1"
            + String(repeating: ")", count: ConditionParser.maximumDepth)
        #expect(try parse(allowed) == compare(0, .equal, 1))
        let tooDeep = "(" + allowed + ")"
        #expect(problems(tooDeep) == ["65: condition nested deeper than 64 levels"])
        #expect(problems(String(repeating: "!", count: 100_000) + "arg0 == 1") == ["65: condition nested deeper than 64 levels"])
        #expect(problems("arg0 == " + String(repeating: "-", count: 100_000) + "1") == ["73: condition nested deeper than 64 levels"])
    }

    @Test func longFlatChainsNeedNoNesting() throws {
        let terms = (0..<5000).map { "arg0 == \($0)" }
        guard case .or(let parsed) = try parse(terms.joined(separator: " || ")) else {
            Issue.record("not a disjunction")
            return
        }
        #expect(parsed.count == 5000)
    }
}
