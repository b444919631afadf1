/// How a run of `sysfence` ends.
struct ExitStatus: RawRepresentable, Hashable {
    var rawValue: Int32

    init(rawValue: Int32) { self.rawValue = rawValue }

    static let success = ExitStatus(rawValue: 0)
    /// A policy or an input has problems; they were reported.
    static let failure = ExitStatus(rawValue: 1)
    /// The command line itself is wrong (`EX_USAGE`).
    static let usage = ExitStatus(rawValue: 64)
}

/// What help and the parser know about one command of the tree.
struct CommandConfiguration {
    /// The word that selects the command on the command line.
    var name: String
    /// One line: the OVERVIEW of its help and its entry in its parent's list.
    var abstract: String
    /// Paragraphs shown under the overview.
    var discussion: String?
    /// Shown by `--version`; only the root sets it.
    var version: String?
    var options: [OptionSpec] = []
    var arguments: [ArgumentSpec] = []
    /// Commands below this one; a command with subcommands runs nothing itself.
    var subcommands: [any CommandNode.Type] = []
}

/// A node of the command tree: a group of subcommands, or a `Command` that runs.
protocol CommandNode {
    static var configuration: CommandConfiguration { get }
}

/// A subcommand that runs: one file per subcommand, listed in its parent's `subcommands`.
protocol Command: CommandNode {
    /// Takes the command's values from the checked command line.
    init(_ arguments: ParsedArguments) throws(UsageError)

    /// Does the work, printing on `console`, and tells how it went.
    func run(on console: Console) -> ExitStatus
}
