import Sysfence

/// `sysfence lint FILE...`: findings in text, JSON or SARIF, and an exit status for CI.
struct LintCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "lint",
            abstract: "Find weak, broken and dangerous rules in policy files.",
            discussion: """
                Reads each policy file (YAML, format 1) or seccomp profile (.json: OCI, config.json, moby's \
                template, Kubernetes SeccompProfile; linted as runc loads it, a template rendered for --arch, \
                --caps and --kernel) and reports what its filter would really do wrong: \
                misspelt or missing syscalls, rules that never apply, conditions that never or always hold, \
                comparisons that miss sign-extended or pointer arguments, dangerous syscalls let through, \
                compat ABIs, probed syscalls refused with the wrong errno, startup syscalls denied and filters \
                near the kernel's size limit. Each finding has a rule id explained in docs/lint-rules.md. \
                Exits with status 1 when a finding is at or above the --fail-on severity.
                """,
            options: [
                OptionSpec("format", .value(placeholder: "format"), help: "Output format: text, json or sarif (default: text)."),
                OptionSpec("fail-on", .value(placeholder: "severity"),
                           help: "Exit with status 1 on findings of this severity or above: error, warning or note (default: error)."),
                OptionSpec("baseline", .value(placeholder: "file"),
                           help: "Report every syscall allowed that this baseline policy or seccomp profile (.json, rendered as the linted profiles are) does not allow."),
            ] + RenderOptions.specs,
            arguments: [ArgumentSpec(name: "file", help: "A policy file or seccomp profile to lint.", repeating: true)])
    }

    enum Format: String, CaseIterable {
        case text, json, sarif
    }

    var files: [String]
    var format: Format
    var failOn: Severity
    var baseline: String?
    var rendering: SeccompRenderOptions

    init(_ arguments: ParsedArguments) throws(UsageError) {
        files = arguments.arguments("file")
        format = try Self.choice(arguments.value("format") ?? "text", for: "format")
        failOn = try Self.choice(arguments.value("fail-on") ?? "error", for: "fail-on")
        baseline = arguments.value("baseline")
        rendering = try RenderOptions.parse(arguments)
    }

    /// The value of an option that takes one of a few words.
    private static func choice<T: RawRepresentable>(_ word: String, for option: String) throws(UsageError) -> T
    where T.RawValue == String {
        if let value = T(rawValue: word) { return value }
        let words = option == "format" ? Format.allCases.map(\.rawValue) : ["error", "warning", "note"]
        throw UsageError(message: "Invalid value '\(word)' for '--\(option)': expected \(words.joined(separator: ", "))")
    }

    func run(on console: Console) -> ExitStatus {
        var baselinePolicy: Policy?
        if let baseline {
            guard let policy = PolicyInput.loadPolicyOrProfile(baseline, rendering: rendering, on: console) else { return .failure }
            baselinePolicy = policy
        }
        let report = LintReport(linting: files, with: Linter(baseline: baselinePolicy), rendering: rendering)
        switch format {
        case .text: console.out.write(report.text(color: console.out.colour))
        case .json: console.out.write(report.json())
        case .sarif: console.out.write(report.sarif(toolVersion: sysfenceVersion))
        }
        return report.hasFindings(atOrAbove: failOn) ? .failure : .success
    }
}
