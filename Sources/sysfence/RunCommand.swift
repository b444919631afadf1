import Foundation
import LinuxKernel
import Sysfence

/// `sysfence run --policy POLICY [...] -- COMMAND ARG...`: runs a command under a policy and
/// streams each call the policy does not simply allow.
struct RunCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "run",
            abstract: "Run a command under a policy and report the calls it does not allow.",
            discussion: """
                Compiles the policy, sets no_new_privs and installs the filter in the command's process, \
                then runs the command. Allowed calls run at full speed; every other call is decided by \
                sysfence's supervisor, which gives the program the policy's outcome (the errno, SIGSYS, the \
                end of the process) and reports the call on standard error, or in the file given with \
                --events: time, process, thread, command name, syscall and arguments, outcome and the rule \
                (file:line). With --audit every call runs and the report says what enforcement would have \
                done. The command's own output is left alone. The exit status is the command's, 128 plus \
                the signal when a signal ended it, 126 when it could not be executed, 127 when it was not \
                found, and 125 when sysfence itself failed. See docs/enforcer.md.
                """,
            options: [
                OptionSpec("policy", .value(placeholder: "file"), help: "The policy file (YAML)."),
                OptionSpec("flags", .value(placeholder: "list"),
                           help: "Filter flags, comma-separated: tsync, log, spec-allow (default: tsync)."),
                OptionSpec("format", .value(placeholder: "format"), help: "Events as text (default) or json (one object a line)."),
                OptionSpec("events", .value(placeholder: "file"), help: "Write the events to this file instead of standard error."),
                OptionSpec("audit", help: "Let every call run; report what the policy would have done."),
            ],
            arguments: [ArgumentSpec(name: "command", help: "The command and its arguments, after '--'.", repeating: true)])
    }

    /// `sysfence`'s own failure (a bad policy, a refused filter), as `env` and `timeout` report theirs.
    static let ownFailure = ExitStatus(rawValue: 125)

    var policyPath: String
    var command: [String]
    var options: RunOptions
    var format: EventFormat
    var eventsPath: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        guard let policyPath = arguments.value("policy") else { throw UsageError(message: "Missing expected option '--policy <file>'") }
        self.policyPath = policyPath
        command = arguments.arguments("command")
        let formatName = arguments.value("format") ?? "text"
        guard let format = EventFormat(rawValue: formatName) else {
            throw UsageError(message: "The value '\(formatName)' is invalid for '--format <format>': use text or json")
        }
        self.format = format
        eventsPath = arguments.value("events")
        var flags: Set<FilterFlag> = [.threadSync]
        if let list = arguments.value("flags") {
            do { flags = try FilterFlag.parseList(list) } catch {
                throw UsageError(message: error.diagnostics.map(\.message).joined(separator: "; ").capitalizedFirst)
            }
        }
        options = RunOptions(mode: arguments.flag("audit") ? .audit : .enforce, flags: flags, passesSignals: true)
    }

    func run(on console: Console) -> ExitStatus {
        let policy: Policy
        do {
            policy = try Policy(contentsOfFile: policyPath)
        } catch {
            let diagnostics = (error as? DiagnosticsError)?.diagnostics ?? [Diagnostic(.error, at: nil, "\(error)")]
            for diagnostic in diagnostics { console.report(diagnostic, in: policyPath) }
            return Self.ownFailure
        }
        do {
            let writer = try eventsPath.map { (path) throws(DiagnosticsError) in try EventWriter(path: path, format: format) }
                ?? EventWriter(standardErrorWith: format, colour: console.err.colour)
            let outcome = try Enforcer.run(command, policy: policy, options: options, onEvent: writer.write)
            if let failure = writer.failure { say("the events could not all be written: \(failure)", on: console) }
            return report(outcome, writer: writer, on: console)
        } catch {
            for diagnostic in error.diagnostics { console.err.write(Console.render(diagnostic, colour: console.err.colour) + "\n") }
            return Self.ownFailure
        }
    }

    private func report(_ outcome: RunOutcome, writer: EventWriter, on console: Console) -> ExitStatus {
        switch outcome {
        case .finished(let termination, let killedBy):
            if let killedBy {
                var plain = writer.formatter
                plain.colour = console.err.colour
                say("\(command[0]) was killed by the policy: \(plain.verdict(of: killedBy))", on: console)
            }
            return ExitStatus(rawValue: termination.shellStatus)
        case .notExecuted(let failure):
            say(failure.description, on: console)
            return ExitStatus(rawValue: failure.isNotFound ? 127 : 126)
        }
    }

    private func say(_ message: String, on console: Console) {
        console.err.write(console.err.styled("sysfence:", .bold) + " \(message)\n")
    }
}

extension String {
    /// The text with its first letter in upper case, as usage errors begin.
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
