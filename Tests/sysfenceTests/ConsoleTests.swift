import Foundation
import Sysfence
@testable import sysfence
import Testing
import TestSupport

/// Colour: only on a terminal, never with NO_COLOR or TERM=dumb.
struct ConsoleTests {
    @Test("colour is wanted only on a terminal without NO_COLOR or TERM=dumb", arguments: [
        (true, [:], true),
        (true, ["TERM": "xterm"], true),
        (true, ["NO_COLOR": ""], true),
        (true, ["NO_COLOR": "1"], false),
        (true, ["TERM": "dumb"], false),
        (false, [:], false),
    ] as [(Bool, [String: String], Bool)])
    func colourDecision(isTerminal: Bool, environment: [String: String], expected: Bool) {
        #expect(Console.wantsColour(isTerminal: isTerminal, environment: environment) == expected)
    }

    @Test("diagnostics are coloured like clang's, and plain without colour")
    func renderedDiagnostic() {
        let diagnostic = Diagnostic(.error, at: SourceLocation(file: "p.yaml", line: 3, column: 7), "unknown syscall 'reed'")
        #expect(Console.render(diagnostic, colour: false) == "p.yaml:3:7: error: unknown syscall 'reed'")
        #expect(Console.render(diagnostic, colour: true)
            == "\u{1B}[1mp.yaml:3:7:\u{1B}[0m \u{1B}[1;31merror:\u{1B}[0m \u{1B}[1munknown syscall 'reed'\u{1B}[0m")
        let warning = Diagnostic(.warning, at: nil, "unused rule")
        #expect(Console.render(warning, colour: true) == "\u{1B}[1;35mwarning:\u{1B}[0m \u{1B}[1munused rule\u{1B}[0m")
    }

    /// Runs `sysfence` on a pseudo-terminal through util-linux's `script`, which copies what the
    /// terminal showed to its own standard output.
    func runOnTerminal(_ arguments: [String], in directory: URL, noColor: String?) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = noColor
        environment["TERM"] = "xterm"
        let command = ([TestPaths.sysfenceBinary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"],
                                    in: directory, environment: environment)
        #expect(result.status == 1)
        return result.stdout
    }

    @Test("on a terminal the output is coloured, unless NO_COLOR is set")
    func terminal() throws {
        let directory = try TemporaryDirectory()
        try directory.write("p.yaml", "sysfence: 1\ndefault: allow\nrules:\n  - kill-process: [ptrace]\n")
        let coloured = try runOnTerminal(["check", "p.yaml", "missing.yaml"], in: directory.url, noColor: nil)
        #expect(coloured.contains("\u{1B}[1mp.yaml:\u{1B}[0m \u{1B}[1;32mok\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1mmissing.yaml:\u{1B}[0m \u{1B}[1;31merror:\u{1B}[0m"))
        let plain = try runOnTerminal(["check", "p.yaml", "missing.yaml"], in: directory.url, noColor: "1")
        #expect(plain.contains("p.yaml: ok"))
        #expect(plain.contains("missing.yaml: error: no such file or directory"))
        #expect(!plain.contains("\u{1B}"))
    }
}
