import Foundation
import Sysfence

/// `sysfence oci`: working with OCI bundles.
enum OCICommand: CommandNode {
    static var configuration: CommandConfiguration {
        CommandConfiguration(name: "oci", abstract: "Work with OCI runtime bundles.", subcommands: [OCIInjectCommand.self])
    }
}

/// `sysfence oci inject --bundle DIR --policy POLICY`: the compiled profile into a bundle's config.json.
struct OCIInjectCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "inject",
            abstract: "Write a policy into an OCI bundle's config.json as its seccomp profile.",
            discussion: """
                Exports the policy as an OCI seccomp profile (checked through libseccomp, as for compile --format oci) \
                and writes it to linux.seccomp of DIR/config.json in place, keeping every other field, so that runc, \
                crun or any OCI runtime started on the bundle enforces it.
                """,
            options: [OptionSpec("bundle", .value(placeholder: "dir"), help: "The bundle directory (holding config.json)."),
                      OptionSpec("policy", .value(placeholder: "file"), help: "The policy file (YAML).")])
    }

    var bundle: String
    var policyPath: String

    init(_ arguments: ParsedArguments) throws(UsageError) {
        guard let bundle = arguments.value("bundle") else { throw UsageError(message: "Missing --bundle DIR") }
        guard let policy = arguments.value("policy") else { throw UsageError(message: "Missing --policy FILE") }
        self.bundle = bundle
        policyPath = policy
    }

    func run(on console: Console) -> ExitStatus {
        guard let (_, exported) = PolicyInput.export(policyPath, on: console) else { return .failure }
        let target = OCIBundle(directory: bundle)
        do {
            try target.inject(exported.profile)
        } catch {
            PolicyInput.report(error, in: target.configPath, on: console)
            return .failure
        }
        return .success
    }
}
