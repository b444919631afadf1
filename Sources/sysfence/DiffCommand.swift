import Foundation
import Sysfence

/// `sysfence diff A B`: what one policy allows that the other does not, per arch.
struct DiffCommand: Command {
    enum Format: String, CaseIterable {
        case text, json
    }

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "diff",
            abstract: "Show what one policy allows that another does not.",
            discussion: """
                Compares two policies (YAML) or seccomp profiles (JSON, imported as runc loads them on this host) \
                call by call, per arch: syscalls only one of them allows, and syscalls both allow under different \
                argument conditions, with the side that allows more or an example call of each side. Conditions \
                are compared as sets of argument values, not as text. Exits with status 0 when the policies allow \
                the same calls, 1 when they differ, 2 when a file cannot be used and 64 on usage errors.
                """,
            options: [OptionSpec("arch", .value(placeholder: "arch"), help: "Compare only this arch (x86_64, x86, x32, aarch64, ...)."),
                      OptionSpec("format", .value(placeholder: "format"), help: "text or json (default: text).")],
            arguments: [ArgumentSpec(name: "first", help: "A policy (YAML) or seccomp profile (JSON)."),
                        ArgumentSpec(name: "second", help: "The policy or profile to compare it with.")])
    }

    var first: String
    var second: String
    var arch: Arch?
    var format: Format

    init(_ arguments: ParsedArguments) throws(UsageError) {
        first = arguments.arguments("first")[0]
        second = arguments.arguments("second")[0]
        if let text = arguments.value("arch") {
            guard let parsed = Arch(name: text) else {
                throw UsageError(message: "Unknown arch '\(text)'; expected one of \(Arch.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            arch = parsed
        }
        let word = arguments.value("format") ?? "text"
        guard let format = Format(rawValue: word) else {
            throw UsageError(message: "Invalid value '\(word)' for '--format': expected text, json")
        }
        self.format = format
    }

    /// `--format json`: the differences and whether there are any.
    struct Report: Encodable {
        var first: String
        var second: String
        var equal: Bool
        var arches: [PolicyDifference.ArchDifference]
    }

    func run(on console: Console) -> ExitStatus {
        guard let a = PolicyInput.loadPolicyOrProfile(first, on: console),
              let b = PolicyInput.loadPolicyOrProfile(second, on: console) else { return ExitStatus(rawValue: 2) }
        let difference = a.difference(from: b, table: .libseccomp, arches: arch.map { [$0] })
        switch format {
        case .text:
            console.out.write(difference.text(first: first, second: second))
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let report = Report(first: first, second: second, equal: difference.isEmpty, arches: difference.arches)
            guard let json = try? encoder.encode(report) else { return ExitStatus(rawValue: 2) }
            console.out.write(String(decoding: json, as: UTF8.self) + "\n")
        }
        return difference.isEmpty ? .success : .failure
    }
}
