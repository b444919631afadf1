import Foundation
import LinuxKernel
import Sysfence

/// `sysfence import FILE`: an OCI, Docker, Podman or Kubernetes seccomp profile as a policy.
struct ImportCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "import",
            abstract: "Import an OCI, Docker, Podman or Kubernetes seccomp profile as a policy.",
            discussion: """
                Reads an OCI linux.seccomp object, a whole OCI config.json, moby's templated profile (archMap, \
                includes/excludes by arches, caps and minKernel, rendered as the Docker engine renders it) or a \
                security-profiles-operator SeccompProfile resource (JSON or YAML), and writes a policy (YAML) that decides \
                every call exactly as libseccomp decides the profile, as runc loads it on a host of --arch. Rules \
                keep their comments; where libseccomp resolves overlapping rules in a way no order of them \
                reproduces, the policy spells out its decision and a warning says so.
                """,
            options: [OptionSpec("output", short: "o", .value(placeholder: "file"), help: "Write the policy to this file instead of standard output.")]
                + RenderOptions.specs
                + [OptionSpec("name", .value(placeholder: "name"), help: "The policy's name (default: the resource's or the file's name).")],
            arguments: [ArgumentSpec(name: "profile", help: "The seccomp profile (JSON; YAML for a Kubernetes resource).")])
    }

    var path: String
    var output: String?
    var options: SeccompRenderOptions
    var name: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        path = arguments.arguments("profile")[0]
        output = arguments.value("output")
        name = arguments.value("name")
        options = try RenderOptions.parse(arguments)
    }

    func run(on console: Console) -> ExitStatus {
        let result: SeccompImport
        let document: SeccompProfileDocument
        do {
            try PolicyInput.checkReadable(path)
            document = try SeccompProfileDocument(contentsOfFile: path)
            let fallback = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            result = try document.importPolicy(name: name ?? document.resourceName ?? fallback, options: options)
        } catch {
            PolicyInput.report(error, in: path, on: console)
            return .failure
        }
        for diagnostic in result.diagnostics { console.report(diagnostic, in: path) }
        var header = ["Imported by sysfence \(sysfenceVersion) from \((path as NSString).lastPathComponent) (\(document.kind.rawValue))."]
        if document.isTemplate {
            header.append("Rendered for \(options.arch), kernel \(options.kernel), caps: \(options.capabilities.sorted().joined(separator: " ")).")
        }
        header.append("Decides every call as libseccomp decides the profile for runc on a \(options.arch) host.")
        let text = result.policy.yamlText(header: header, errnoNames: ConstantTable.system.errnoNames)
        return OutputFile.write(text, to: output, on: console)
    }
}

/// Writing a command's text result to a file or standard output.
enum OutputFile {
    static func write(_ text: String, to path: String?, on console: Console) -> ExitStatus {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return .success
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return .success
        } catch {
            console.report(Diagnostic(.error, at: nil, "cannot write: \(error.localizedDescription)"), in: path)
            return .failure
        }
    }
}
