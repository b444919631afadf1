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
            options: [OptionSpec("output", short: "o", .value(placeholder: "file"), help: "Write the policy to this file instead of standard output."),
                      OptionSpec("arch", .value(placeholder: "arch"), help: "The host arch: amd64, arm64, 386, arm, riscv64, ppc64le, s390x (default: native)."),
                      OptionSpec("caps", .value(placeholder: "CAP_A,CAP_B"), help: "The container's capabilities, for a template's caps conditions."),
                      OptionSpec("docker-default-caps", help: "Docker's default capabilities (the default when --caps is not given)."),
                      OptionSpec("kernel", .value(placeholder: "X.Y"), help: "The kernel version for minKernel conditions (default: the running kernel)."),
                      OptionSpec("name", .value(placeholder: "name"), help: "The policy's name (default: the resource's or the file's name).")],
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
        var arch = Arch.native
        if let text = arguments.value("arch") {
            guard let parsed = Arch(name: text), parsed != .x32 else {
                throw UsageError(message: "Unknown host arch '\(text)'; expected amd64, arm64, 386, arm, riscv64, ppc64le or s390x")
            }
            arch = parsed
        }
        var capabilities = SeccompRenderOptions.dockerDefaultCapabilities
        if let caps = arguments.value("caps") {
            if arguments.flag("docker-default-caps") { throw UsageError(message: "Give --caps or --docker-default-caps, not both") }
            capabilities = Set(caps.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
                .map { $0.hasPrefix("CAP_") ? $0 : "CAP_" + $0 })
        }
        let kernel: KernelVersion
        if let text = arguments.value("kernel") {
            guard let parsed = KernelVersion(release: text) else { throw UsageError(message: "Invalid kernel version '\(text)'; expected X.Y such as 6.1") }
            kernel = parsed
        } else {
            kernel = KernelVersion.running ?? KernelVersion(kernel: 6, major: 1)
        }
        options = SeccompRenderOptions(arch: arch, capabilities: capabilities, kernel: kernel)
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
