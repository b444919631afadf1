@testable import sysfence
import Testing

/// The parser behind every subcommand, on a made-up command with each kind of option and argument.
struct ArgumentParserTests {
    static let options = [
        OptionSpec("output", short: "o", .value(placeholder: "file"), help: "Where to write."),
        OptionSpec("arch", short: "a", .repeatedValue(placeholder: "arch"), help: "An arch."),
        OptionSpec("verbose", short: "v", help: "Say more."),
        OptionSpec("quiet", short: "q", help: "Say less."),
    ]
    static let arguments = [
        ArgumentSpec(name: "policy", help: "A policy."),
        ArgumentSpec(name: "command", help: "What to run.", repeating: true, optional: true),
    ]

    func parse(_ words: [String]) throws(UsageError) -> ParsedArguments {
        try ParsedArguments(words, options: Self.options, arguments: Self.arguments)
    }

    @Test("a value may follow its option as the next word or after =", arguments: [
        ["--output", "out.bpf", "p.yaml"], ["--output=out.bpf", "p.yaml"], ["p.yaml", "-o", "out.bpf"],
        ["-oout.bpf", "p.yaml"],
    ])
    func valueForms(words: [String]) throws {
        let parsed = try parse(words)
        #expect(parsed.value("output") == "out.bpf")
        #expect(parsed.argument("policy") == "p.yaml")
    }

    @Test("a single-value option given twice keeps the last value")
    func lastValueWins() throws {
        let parsed = try parse(["-o", "a", "p.yaml", "--output=b"])
        #expect(parsed.value("output") == "b")
    }

    @Test("a repeated option keeps every value in order")
    func repeatedOption() throws {
        let parsed = try parse(["--arch", "x86_64", "p.yaml", "-a", "x86", "--arch=aarch64"])
        #expect(parsed.values("arch") == ["x86_64", "x86", "aarch64"])
        #expect(parsed.values("output") == [])
    }

    @Test("an empty value after = is a value")
    func emptyValue() throws {
        #expect(try parse(["--output=", "p.yaml"]).value("output") == "")
    }

    @Test("short flags group, and a value option may end the group")
    func groupedShortFlags() throws {
        let parsed = try parse(["-vqo", "out", "p.yaml"])
        #expect(parsed.flag("verbose") && parsed.flag("quiet"))
        #expect(parsed.value("output") == "out")
        #expect(!(try parse(["p.yaml"])).flag("verbose"))
    }

    @Test("-- ends the options; what follows is positional, dashes and all")
    func doubleDash() throws {
        let parsed = try parse(["-v", "p.yaml", "--", "ls", "-l", "--output", "--"])
        #expect(parsed.flag("verbose"))
        #expect(parsed.value("output") == nil)
        #expect(parsed.arguments("command") == ["ls", "-l", "--output", "--"])
    }

    @Test("a lone - is an argument (standard input), also as an option's value")
    func loneDash() throws {
        let parsed = try parse(["-", "-o", "-"])
        #expect(parsed.argument("policy") == "-")
        #expect(parsed.value("output") == "-")
    }

    @Test("usage errors", arguments: [
        (["--outptu", "x", "p.yaml"], "Unknown option '--outptu'. Did you mean '--output'?"),
        (["--frobnicate", "p.yaml"], "Unknown option '--frobnicate'"),
        (["-x", "p.yaml"], "Unknown option '-x'"),
        (["-vx", "p.yaml"], "Unknown option '-x'"),
        (["p.yaml", "--output"], "Missing value for '--output <file>'"),
        (["p.yaml", "-o"], "Missing value for '--output <file>'"),
        (["--output", "--verbose", "p.yaml"], "Missing value for '--output <file>'"),
        (["--verbose=yes", "p.yaml"], "The option '--verbose' takes no value"),
        ([], "Missing expected argument '<policy>'"),
        (["-v", "--"], "Missing expected argument '<policy>'"),
    ])
    func usageErrors(words: [String], message: String) {
        #expect(throws: UsageError(message: message)) { try parse(words) }
    }

    @Test("extra positional words are rejected when no argument takes them")
    func unexpectedArgument() {
        #expect(throws: UsageError(message: "Unexpected argument 'b.yaml'")) {
            try ParsedArguments(["a.yaml", "b.yaml"], options: [], arguments: [ArgumentSpec(name: "policy", help: "")])
        }
    }
}
