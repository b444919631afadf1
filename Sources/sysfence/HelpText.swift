/// Help and usage text for a command, in the layout swift-argument-parser users know.
struct HelpText {
    /// The command's names from the root down, e.g. `["sysfence", "check"]`.
    var path: [String]
    var configuration: CommandConfiguration

    private static let width = 80
    private static let labelColumn = 2
    private static let helpColumn = 26

    private var commandName: String { path.joined(separator: " ") }

    private static let helpOption = OptionSpec("help", short: "h", help: "Show help information.")
    private static let versionOption = OptionSpec("version", help: "Show the version.")

    /// The one-line usage: `sysfence check <policy> ...`.
    var usage: String {
        if !configuration.subcommands.isEmpty { return "\(commandName) <subcommand>" }
        let options = configuration.options.map { "[\($0.synopsis(withShort: false))]" + (isRepeated($0) ? " ..." : "") }
        return ([commandName] + options + configuration.arguments.map(\.synopsis)).joined(separator: " ")
    }

    /// What a usage error prints after its message.
    var usageErrorFooter: String {
        "Usage: \(usage)\n  See '\(commandName) --help' for more information.\n"
    }

    /// The full text of `--help`.
    var full: String {
        var sections = ["OVERVIEW: \(configuration.abstract)"]
        if let discussion = configuration.discussion {
            sections.append(Self.wrap(discussion, indent: 0))
        }
        sections.append("USAGE: \(usage)")
        if !configuration.arguments.isEmpty {
            sections.append("ARGUMENTS:\n" + configuration.arguments.map { Self.entry($0.synopsis, $0.help) }.joined())
        }
        var options = configuration.options
        if configuration.version != nil { options.append(Self.versionOption) }
        options.append(Self.helpOption)
        sections.append("OPTIONS:\n" + options.map { Self.entry($0.synopsis(withShort: true), $0.help) }.joined())
        if !configuration.subcommands.isEmpty {
            let entries = configuration.subcommands.map { Self.entry($0.configuration.name, $0.configuration.abstract) }
            sections.append("SUBCOMMANDS:\n" + entries.joined() + "\n  See '\(path[0]) help <subcommand>' for detailed help.")
        }
        return sections.map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }.joined(separator: "\n\n") + "\n"
    }

    private func isRepeated(_ option: OptionSpec) -> Bool {
        if case .repeatedValue = option.kind { return true }
        return false
    }

    /// `  label                   help`, the help on the next line when the label is too long.
    private static func entry(_ label: String, _ help: String) -> String {
        let indented = String(repeating: " ", count: labelColumn) + label
        let text = wrap(help, indent: helpColumn)
        let body = text.dropFirst(helpColumn)
        if indented.count < helpColumn - 1 {
            return indented.padding(to: helpColumn) + body
        }
        return indented + "\n" + text
    }

    /// Wraps `text` to the help width, each line indented by `indent`; blank lines separate paragraphs.
    static func wrap(_ text: String, indent: Int) -> String {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty, indent + line.count + 1 + word.count > width {
                    lines.append(margin + line)
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + word
            }
            lines.append(line.isEmpty ? "" : margin + line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// The string followed by spaces up to `width` characters.
    func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
