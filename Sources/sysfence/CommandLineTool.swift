import Sysfence

/// Walks the command tree for a command line: finds the subcommand, answers `--help`,
/// `help <subcommand>` and `--version`, reports usage errors, and runs the command.
struct CommandLineTool {
    var root: any CommandNode.Type
    var console: Console

    private static let helpWords: Set<String> = ["-h", "--help"]

    /// Runs `words` (the arguments after the program name) and tells how it ended.
    func run(_ words: [String]) -> ExitStatus {
        var path = [root.configuration.name]
        var node = root
        var rest = words[...]
        while !node.configuration.subcommands.isEmpty {
            guard let word = rest.popFirst() else { return showHelp(path, node) }
            if Self.helpWords.contains(word) { return showHelp(path, node) }
            if word == "--version", let version = node.configuration.version {
                console.out.write("\(root.configuration.name) \(version)\n")
                return .success
            }
            if word == "help", path.count == 1 { return help(for: Array(rest)) }
            if word.hasPrefix("-") {
                let known = ["--help"] + (node.configuration.version == nil ? [] : ["--version"])
                return usageError(.unknownOption(word, among: known), path, node)
            }
            guard let next = subcommand(named: word, of: node) else {
                return usageError(unknownSubcommand(word, of: node), path, node)
            }
            path.append(word)
            node = next
        }
        // `-h` anywhere before `--` asks for help, whatever else the line holds.
        if rest.prefix(while: { $0 != "--" }).contains(where: Self.helpWords.contains) { return showHelp(path, node) }
        guard let command = node as? any Command.Type else { return showHelp(path, node) }
        do {
            let arguments = try ParsedArguments(Array(rest), options: node.configuration.options,
                                                arguments: node.configuration.arguments)
            return try command.init(arguments).run(on: console)
        } catch {
            return usageError(error, path, node)
        }
    }

    /// `help [subcommand ...]`: the help of the named command, on standard output.
    private func help(for names: [String]) -> ExitStatus {
        var path = [root.configuration.name]
        var node = root
        for name in names {
            guard let next = subcommand(named: name, of: node) else {
                return usageError(unknownSubcommand(name, of: node), [root.configuration.name], root)
            }
            path.append(name)
            node = next
        }
        return showHelp(path, node)
    }

    private func subcommand(named name: String, of node: any CommandNode.Type) -> (any CommandNode.Type)? {
        node.configuration.subcommands.first { $0.configuration.name == name }
    }

    private func unknownSubcommand(_ name: String, of node: any CommandNode.Type) -> UsageError {
        var message = "Unknown subcommand '\(name)'"
        let names = node.configuration.subcommands.map { $0.configuration.name }
        if let near = closestName(to: name, among: names) { message += ". Did you mean '\(near)'?" }
        return UsageError(message: message)
    }

    private func showHelp(_ path: [String], _ node: any CommandNode.Type) -> ExitStatus {
        console.out.write(HelpText(path: path, configuration: node.configuration).full)
        return .success
    }

    private func usageError(_ error: UsageError, _ path: [String], _ node: any CommandNode.Type) -> ExitStatus {
        let help = HelpText(path: path, configuration: node.configuration)
        console.err.write(console.err.styled("Error:", .boldRed) + " \(error.message)\n" + help.usageErrorFooter)
        return .usage
    }
}
