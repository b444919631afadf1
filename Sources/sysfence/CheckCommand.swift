import Foundation
import LinuxKernel
import Sysfence

/// `sysfence check POLICY...`: reports every problem in each policy file and summarises the valid ones.
struct CheckCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "check",
            abstract: "Check policy files and summarise each valid one.",
            discussion: """
                Reads each policy file (YAML, format 1; see docs/policy-format.md) and prints every problem \
                found as 'file:line:column: error: message' on standard error. For a valid policy it prints \
                its name, rule count, default and bad-arch actions, and how many distinct syscalls its rules \
                name on each arch. Exits with status 1 if any file has a problem.
                """,
            arguments: [ArgumentSpec(name: "policy", help: "A policy file to check.", repeating: true)])
    }

    var paths: [String]

    init(_ arguments: ParsedArguments) {
        paths = arguments.arguments("policy")
    }

    func run(on console: Console) -> ExitStatus {
        var status = ExitStatus.success
        for path in paths {
            guard let policy = PolicyInput.load(path, on: console) else {
                status = .failure
                continue
            }
            print(PolicySummary(policy), of: path, on: console.out)
        }
        return status
    }

    private func print(_ summary: PolicySummary, of path: String, on stream: Console.Stream) {
        let errnoNames = ConstantTable.system.errnoNames
        let coverage = summary.coverage.map { "\($0.syscalls) on \($0.arch)" }.joined(separator: ", ")
        let lines = [
            ("name", summary.name ?? "(none)"),
            ("rules", String(summary.ruleCount)),
            ("default action", summary.defaultAction.spelling(errnoNames: errnoNames)),
            ("bad-arch action", summary.badArchAction.spelling(errnoNames: errnoNames)),
            ("syscalls named", coverage),
        ]
        var text = stream.styled(path + ":", .bold) + " " + stream.styled("ok", .boldGreen) + "\n"
        for (label, value) in lines { text += "  " + (label + ":").padding(to: 17) + value + "\n" }
        stream.write(text)
    }
}
