@testable import SysfenceCore
import Testing

@Suite struct ActionSyntaxTests {
    private func read(_ text: String) -> ActionSyntax.Reading {
        ActionSyntax.read(text, errnos: SyntaxFixtures.constants.errnos)
    }

    @Test(arguments: [
        ("allow", Action.allow), ("log", .log), ("trap", .trap), ("kill-process", .killProcess),
        ("kill-thread", .killThread), ("notify", .notify), ("errno(EPERM)", .errno(1)), ("errno( ENOSYS )", .errno(38)),
        ("errno(0)", .errno(0)), ("errno(4095)", .errno(4095)), ("errno(0xd)", .errno(13)), ("trace(0)", .trace(0)),
        ("trace(65535)", .trace(65535)), ("trace(0o17)", .trace(15)),
    ])
    func spelling(text: String, action: Action) {
        #expect(read(text) == .action(action))
    }

    @Test func everyActionReadsBackFromItsSpelling() {
        for action in [Action.allow, .log, .errno(13), .trap, .trace(9), .killProcess, .killThread, .notify] {
            #expect(read(action.policySpelling) == .action(action))
        }
    }

    @Test(arguments: [
        ("errno(4096)", 6, "errno value 4096 is out of range 0...4095"),
        ("trace(65536)", 6, "trace value 65536 is out of range 0...65535"),
        ("errno(EPREM)", 6, "unknown errno 'EPREM' (did you mean 'EPERM'?)"),
        ("errno(  EWHAT)", 8, "unknown errno 'EWHAT'"),
        ("errno", 0, "'errno' needs a value, as in 'errno(EPERM)'"),
        ("trace", 0, "'trace' needs a value, as in 'trace(1)'"),
        ("errno()", 6, "'errno' needs a value, as in 'errno(EPERM)'"),
        ("errno(1", 7, "expected ')' to close 'errno('"),
        ("errno(1) ", 8, "unexpected text after 'errno(...)'"),
        ("allow(1)", 5, "'allow' takes no value"),
        ("trace(x)", 6, "invalid number 'x'"),
        ("errno(99999999999999999999)", 6, "number '99999999999999999999' does not fit in 64 bits"),
    ] as [(String, Int, String)])
    func problemAndItsOffset(text: String, offset: Int, message: String) {
        #expect(read(text) == .problem(offset: offset, message: message))
    }

    @Test func otherWordsAreNotActions() {
        #expect(read("alow") == .notAnAction)
        #expect(read("when") == .notAnAction)
        #expect(read("Allow") == .notAnAction)
        #expect(read("") == .notAnAction)
    }
}
