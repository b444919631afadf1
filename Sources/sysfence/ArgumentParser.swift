import Sysfence

/// A named option of a command: a flag (`--verbose`) or an option that takes a value (`--output <file>`).
struct OptionSpec {
    enum Kind {
        /// Present or absent; takes no value.
        case flag
        /// Takes one value (`--name value` or `--name=value`); given twice, the last one counts.
        case value(placeholder: String)
        /// Takes one value each time it is given; every value counts, in order.
        case repeatedValue(placeholder: String)
    }

    /// The long name, without the dashes.
    var long: String
    /// The one-letter short name, without the dash.
    var short: Character?
    var kind: Kind
    var help: String

    init(_ long: String, short: Character? = nil, _ kind: Kind = .flag, help: String) {
        self.long = long
        self.short = short
        self.kind = kind
        self.help = help
    }

    var takesValue: Bool {
        if case .flag = kind { return false }
        return true
    }

    /// The option as help and usage show it: `--output <file>`, `-o, --output <file>` with `withShort`.
    func synopsis(withShort: Bool) -> String {
        var text = "--\(long)"
        if withShort, let short { text = "-\(short), " + text }
        switch kind {
        case .flag: break
        case .value(let placeholder), .repeatedValue(let placeholder): text += " <\(placeholder)>"
        }
        return text
    }
}

/// A positional argument of a command.
struct ArgumentSpec {
    /// The name help shows in angle brackets, and the key `ParsedArguments` files values under.
    var name: String
    var help: String
    /// Takes every remaining positional argument (at least one unless `optional`).
    var repeating = false
    var optional = false

    /// The argument as usage shows it: `<policy>`, `<policy> ...`, `[<policy>]`.
    var synopsis: String {
        let core = "<\(name)>" + (repeating ? " ..." : "")
        return optional ? "[\(core)]" : core
    }
}

/// A command line that cannot be run as given; printed with the command's usage, exit status 64.
struct UsageError: Error, Equatable {
    var message: String

    /// An option the command does not have, with the nearest of `known` when one is close.
    static func unknownOption(_ written: String, among known: [String]) -> UsageError {
        var message = "Unknown option '\(written)'"
        if let near = closestName(to: written, among: known) { message += ". Did you mean '\(near)'?" }
        return UsageError(message: message)
    }
}

/// The options and arguments given to one command, checked against its specs.
struct ParsedArguments {
    private var flags: Set<String> = []
    private var optionValues: [String: [String]] = [:]
    private var positionals: [String: [String]] = [:]

    /// Whether the flag with this long name was given.
    func flag(_ long: String) -> Bool { flags.contains(long) }

    /// The value of a single-value option: the last one given.
    func value(_ long: String) -> String? { optionValues[long]?.last }

    /// Every value given to an option, in command-line order.
    func values(_ long: String) -> [String] { optionValues[long] ?? [] }

    /// The value of a single positional argument.
    func argument(_ name: String) -> String? { positionals[name]?.first }

    /// The values of a repeating positional argument.
    func arguments(_ name: String) -> [String] { positionals[name] ?? [] }

    /// Parses `words` against `options` and `arguments`: options may come anywhere before `--`,
    /// long ones as `--name value` or `--name=value`, short ones as `-n value`, `-nvalue`, or grouped
    /// flags `-ab`; `--` makes every word after it positional, and a lone `-` is positional.
    init(_ words: [String], options: [OptionSpec], arguments: [ArgumentSpec]) throws(UsageError) {
        var loose: [String] = []
        var index = 0
        var optionsEnded = false
        while index < words.count {
            let word = words[index]
            index += 1
            if optionsEnded || word == "-" || !word.hasPrefix("-") {
                loose.append(word)
            } else if word == "--" {
                optionsEnded = true
            } else if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                let attached = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
                guard let option = options.first(where: { $0.long == name }) else {
                    throw UsageError.unknownOption("--\(name)", among: options.map { "--\($0.long)" } + ["--help"])
                }
                if option.takesValue {
                    let value = if let attached { attached } else { try Self.nextValue(for: option, in: words, at: &index) }
                    record(value, for: option)
                } else if attached != nil {
                    throw UsageError(message: "The option '--\(name)' takes no value")
                } else {
                    flags.insert(option.long)
                }
            } else {
                var letters = Substring(word.dropFirst())
                while let letter = letters.popFirst() {
                    guard let option = options.first(where: { $0.short == letter }) else {
                        throw UsageError.unknownOption("-\(letter)", among: [])
                    }
                    guard option.takesValue else {
                        flags.insert(option.long)
                        continue
                    }
                    if letters.isEmpty {
                        record(try Self.nextValue(for: option, in: words, at: &index), for: option)
                    } else {
                        record(String(letters), for: option)
                    }
                    letters = ""
                }
            }
        }
        try assign(loose, to: arguments)
    }

    private mutating func record(_ value: String, for option: OptionSpec) {
        optionValues[option.long, default: []].append(value)
    }

    /// Hands out positional words in order: singles take one each, a repeating argument takes the rest.
    private mutating func assign(_ loose: [String], to arguments: [ArgumentSpec]) throws(UsageError) {
        var remaining = loose[...]
        for argument in arguments {
            if argument.repeating {
                positionals[argument.name] = Array(remaining)
                remaining = []
            } else if let word = remaining.popFirst() {
                positionals[argument.name] = [word]
            }
            if positionals[argument.name, default: []].isEmpty, !argument.optional {
                throw UsageError(message: "Missing expected argument '\(argument.synopsis)'")
            }
        }
        if let extra = remaining.first {
            throw UsageError(message: "Unexpected argument '\(extra)'")
        }
    }

    private static func nextValue(for option: OptionSpec, in words: [String], at index: inout Int) throws(UsageError) -> String {
        guard index < words.count, words[index] == "-" || !words[index].hasPrefix("-") else {
            throw UsageError(message: "Missing value for '\(option.synopsis(withShort: false))'")
        }
        defer { index += 1 }
        return words[index]
    }
}
