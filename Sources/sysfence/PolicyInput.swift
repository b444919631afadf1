import Foundation
import Sysfence

/// Reading policy files for the subcommands, with every problem reported the same way.
enum PolicyInput {
    /// The policy in `path`, or `nil` after reporting why it cannot be used.
    static func load(_ path: String, on console: Console) -> Policy? {
        do {
            try checkReadable(path)
            return try Policy(contentsOfFile: path)
        } catch {
            report(error, in: path, on: console)
            return nil
        }
    }

    /// The policy in `path`, a YAML policy or, for a `.json` file, a seccomp profile imported as
    /// runc loads it on a host `rendering` describes (default: this host, Docker's default
    /// capabilities, the running kernel), or `nil` after reporting why it cannot be used.
    static func loadPolicyOrProfile(_ path: String, rendering: SeccompRenderOptions? = nil, on console: Console) -> Policy? {
        guard path.hasSuffix(".json") else { return load(path, on: console) }
        do {
            try checkReadable(path)
            let document = try SeccompProfileDocument(contentsOfFile: path)
            let options = rendering ?? SeccompRenderOptions(kernel: KernelVersion.running ?? KernelVersion(kernel: 6, major: 1))
            let fallback = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            var policy = try document.importPolicy(name: document.resourceName ?? fallback, options: options).policy
            policy.sourceFile = path
            return policy
        } catch {
            report(error, in: path, on: console)
            return nil
        }
    }

    /// The policy in `path` compiled to a seccomp filter, or `nil` after reporting why not.
    static func compile(_ path: String, options: CompileOptions = .recommended, on console: Console) -> (Policy, SeccompFilter)? {
        guard let policy = load(path, on: console) else { return nil }
        do {
            return (policy, try policy.compileFilter(options: options))
        } catch {
            report(error, in: path, on: console)
            return nil
        }
    }

    /// The policy in `path` exported as a seccomp profile for container runtimes, with the
    /// export's warnings printed, or `nil` after reporting why it cannot be.
    static func export(_ path: String, on console: Console) -> (Policy, SeccompExport)? {
        guard let policy = load(path, on: console) else { return nil }
        return export(policy, in: path, on: console).map { (policy, $0) }
    }

    /// A policy exported as a seccomp profile, with the export's warnings printed as about `place`,
    /// or `nil` after reporting why it cannot be.
    static func export(_ policy: Policy, in place: String, on console: Console) -> SeccompExport? {
        do {
            let exported = try policy.seccompProfile()
            for diagnostic in exported.diagnostics { console.report(diagnostic, in: place) }
            return exported
        } catch {
            report(error, in: place, on: console)
            return nil
        }
    }

    /// A policy as a seccomp profile's text: the OCI JSON object, or, given `kubernetesName`, a
    /// Kubernetes `SeccompProfile` resource of that name; `nil` after reporting why it cannot be.
    static func profileText(_ policy: Policy, kubernetesName: String?, in place: String, on console: Console) -> String? {
        guard let exported = export(policy, in: place, on: console) else { return nil }
        return kubernetesName.map { exported.profile.kubernetesResource(name: $0) } ?? exported.profile.json.formatted()
    }

    /// A generated policy as YAML under `header`, with values written as the system's constants
    /// where a syscall's argument has names for them.
    static func yamlText(_ policy: Policy, header: [String]) -> String {
        let constants = ConstantTable.system
        return policy.yamlText(header: header, errnoNames: constants.errnoNames, constants: constants)
    }

    /// Prints an error as diagnostics located in `path`.
    static func report(_ error: any Error, in path: String, on console: Console) {
        if let error = error as? DiagnosticsError {
            for diagnostic in error.diagnostics { console.report(diagnostic, in: path) }
        } else {
            console.report(Diagnostic(.error, at: nil, "\(error)"), in: path)
        }
    }

    /// Fails, naming no place in the file, when the path is not a readable regular file.
    static func checkReadable(_ path: String) throws(DiagnosticsError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DiagnosticsError(at: nil, "no such file or directory")
        }
        if isDirectory.boolValue { throw DiagnosticsError(at: nil, "is a directory") }
        if !FileManager.default.isReadableFile(atPath: path) { throw DiagnosticsError(at: nil, "permission denied") }
    }
}
