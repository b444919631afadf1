import Foundation
import LinuxKernel
import Sysfence

/// `sysfence merge A B ...`: the union of recorded (allow-list) policies.
struct MergeCommand: Command {
    enum Format: String, CaseIterable {
        case yaml, oci, k8s
    }

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "merge",
            abstract: "Join allow-list policies: allow what any allows.",
            discussion: """
                Reads policies (YAML) or seccomp profiles (JSON) made by 'sysfence record' or written as allow-lists \
                (every rule allows, or fails clone3 with ENOSYS; the same default action in all) and writes the \
                policy that allows a call exactly when one of them does, with the rules of each syscall joined and \
                their 'seen N times' counts added. Any other policy is refused, naming the file and rule.
                """,
            options: [OptionSpec("output", short: "o", .value(placeholder: "file"), help: "Write the policy to this file instead of standard output."),
                      OptionSpec("format", .value(placeholder: "format"), help: "yaml, oci or k8s (default: yaml)."),
                      OptionSpec("name", .value(placeholder: "name"), help: "The merged policy's name (default: the first policy's).")],
            arguments: [ArgumentSpec(name: "policy", help: "A policy (YAML) or seccomp profile (JSON); at least two.", repeating: true)])
    }

    var paths: [String]
    var output: String?
    var format: Format
    var name: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        paths = arguments.arguments("policy")
        guard paths.count >= 2 else { throw UsageError(message: "Give at least two policies to merge") }
        output = arguments.value("output")
        name = arguments.value("name")
        let word = arguments.value("format") ?? "yaml"
        guard let format = Format(rawValue: word) else {
            throw UsageError(message: "Invalid value '\(word)' for '--format': expected yaml, oci, k8s")
        }
        self.format = format
    }

    func run(on console: Console) -> ExitStatus {
        var policies: [Policy] = []
        for path in paths {
            guard let policy = PolicyInput.loadPolicyOrProfile(path, on: console) else { return .failure }
            policies.append(policy)
        }
        let merged: Policy
        do {
            merged = try Policy.union(policies, name: name)
        } catch {
            for diagnostic in error.diagnostics { console.err.write(Console.render(diagnostic, colour: console.err.colour) + "\n") }
            return .failure
        }
        let target = output ?? "standard output"
        switch format {
        case .yaml:
            let header = ["Merged by sysfence \(sysfenceVersion) from \(paths.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))."]
            return OutputFile.write(PolicyInput.yamlText(merged, header: header), to: output, on: console)
        case .oci, .k8s:
            guard let text = PolicyInput.profileText(merged, kubernetesName: format == .k8s ? merged.name ?? "merged" : nil, in: target, on: console)
            else { return .failure }
            return OutputFile.write(text, to: output, on: console)
        }
    }
}
