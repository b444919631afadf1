@testable import SysfenceCore
import Testing

@Suite struct NumberLiteralTests {
    @Test(arguments: [
        ("0", 0), ("42", 42), ("0x2A", 42), ("0X2a", 42), ("0o52", 42), ("0O52", 42), ("052", 42), ("00", 0),
        ("0b101010", 42), ("0B1", 1), ("1_000", 1000), ("0xFFFF_FFFF", 0xFFFF_FFFF),
        ("18446744073709551615", UInt64.max), ("0xffffffffffffffff", UInt64.max),
        ("0o1777777777777777777777", UInt64.max), ("0b" + String(repeating: "1", count: 64), UInt64.max),
    ] as [(String, UInt64)])
    func valueOfLiteral(text: String, value: UInt64) {
        #expect(NumberLiteral.value(of: text) == .success(value))
    }

    @Test(arguments: [
        ("18446744073709551616", "number '18446744073709551616' does not fit in 64 bits"),
        ("0x1_0000_0000_0000_0000", "number '0x1_0000_0000_0000_0000' does not fit in 64 bits"),
        ("0b1" + String(repeating: "0", count: 64), "number '0b1\(String(repeating: "0", count: 64))' does not fit in 64 bits"),
        ("09", "invalid digit '9' in octal number '09'"),
        ("0o8", "invalid digit '8' in octal number '0o8'"),
        ("0b2", "invalid digit '2' in binary number '0b2'"),
        ("0xG", "invalid digit 'G' in hexadecimal number '0xG'"),
        ("12a", "invalid digit 'a' in decimal number '12a'"),
        ("0x", "invalid number '0x'"),
        ("0b", "invalid number '0b'"),
        ("1__0", "invalid number '1__0'"),
        ("1_", "invalid number '1_'"),
        ("0x_1", "invalid number '0x_1'"),
        ("", "invalid number ''"),
        ("x1", "invalid number 'x1'"),
    ])
    func invalidLiteral(text: String, message: String) {
        guard case .failure(let problem) = NumberLiteral.value(of: text) else {
            Issue.record("'\(text)' was read as a number")
            return
        }
        #expect(problem.message(for: text) == message)
    }
}
