import Testing
import TestSupport

/// A wrong command line says what is wrong and how the command is used, on standard error, exit 64.
struct UsageErrorTests {
    static let rootFooter = "Usage: sysfence <subcommand>\n  See 'sysfence --help' for more information.\n"
    static let checkFooter = "Usage: sysfence check <policy> ...\n  See 'sysfence check --help' for more information.\n"

    @Test("usage errors", arguments: [
        (["--frob"], "Error: Unknown option '--frob'\n" + rootFooter),
        (["--verison"], "Error: Unknown option '--verison'. Did you mean '--version'?\n" + rootFooter),
        (["check", "--hepl", "a.yaml"], "Error: Unknown option '--hepl'. Did you mean '--help'?\n" + checkFooter),
        (["chek"], "Error: Unknown subcommand 'chek'. Did you mean 'check'?\n" + rootFooter),
        (["frobnicate"], "Error: Unknown subcommand 'frobnicate'\n" + rootFooter),
        (["help", "chekc"], "Error: Unknown subcommand 'chekc'. Did you mean 'check'?\n" + rootFooter),
        (["check"], "Error: Missing expected argument '<policy> ...'\n" + checkFooter),
        (["check", "--"], "Error: Missing expected argument '<policy> ...'\n" + checkFooter),
        (["check", "--strict", "a.yaml"], "Error: Unknown option '--strict'\n" + checkFooter),
        (["check", "-x", "a.yaml"], "Error: Unknown option '-x'\n" + checkFooter),
        (["check", "--version"], "Error: Unknown option '--version'\n" + checkFooter),
    ])
    func usageError(arguments: [String], stderr: String) throws {
        let result = try runSysfence(arguments)
        #expect(result == ProcessResult(stdout: "", stderr: stderr, status: 64))
    }
}
