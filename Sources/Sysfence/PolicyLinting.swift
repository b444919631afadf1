import Foundation
import Libseccomp
import LinuxKernel
import YAML

extension Linter {
    /// A linter with the syscalls libseccomp knows and the errno names of the system headers.
    ///
    /// - Parameter baseline: with a baseline, every call a policy lets run and the baseline does
    ///   not is reported (`baseline-exceeded`).
    public init(baseline: Policy? = nil) {
        self.init(table: .libseccomp, errnoNames: ConstantTable.system.errnoNames, baseline: baseline, compileOptions: .recommended)
    }

    /// Every finding for one policy file: a policy (YAML, format 1), or a seccomp profile
    /// (`.json`: OCI, config.json, moby template, Kubernetes resource; or a Kubernetes
    /// `SeccompProfile` resource in YAML) as runc loads it on a host
    /// that `rendering` describes (see `lint(_:of:renderedFor:file:)`).
    ///
    /// A file that cannot be read or decoded gives one finding per problem instead: a misspelt
    /// syscall in a policy as `unknown-syscall`, anything else as `invalid-policy`; the other
    /// rules need a policy that loads.
    public func lint(contentsOfFile path: String, rendering: SeccompRenderOptions = .host) -> [Finding] {
        lintFile(path, rendering: rendering).findings
    }

    /// The findings for one file and, for a profile, what was linted (`describe(rendering:)`).
    func lintFile(_ path: String, rendering: SeccompRenderOptions) -> (findings: [Finding], linted: String?) {
        guard !path.hasSuffix(".json") else {
            return lintProfile(file: path, rendering: rendering) { () throws(DiagnosticsError) in try SeccompProfileDocument(contentsOfFile: path) }
        }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            return (Linter.findings(forLoadFailure: DiagnosticsError(at: nil, "cannot read the file: \(reason)"), file: path), nil)
        }
        // Parsed once: a Kubernetes resource is linted as the profile it carries, anything else as a policy.
        let parsed = Result { () throws(DiagnosticsError) in try YAMLReader.parse(bytes: [UInt8](bytes), file: path) }
        if case .success(let document?) = parsed, document.isKubernetesResource {
            return lintProfile(file: path, rendering: rendering) { () throws(DiagnosticsError) in
                try SeccompProfileDocument(yamlDocument: document, file: path)
            }
        }
        return (lint(document: { () throws(DiagnosticsError) in try parsed.get() }, file: path), nil)
    }

    /// The findings for a seccomp profile as runc loads it, rendered for `rendering`, and what was linted.
    private func lintProfile(file path: String, rendering: SeccompRenderOptions,
                             read: () throws(DiagnosticsError) -> SeccompProfileDocument) -> (findings: [Finding], linted: String?) {
        do {
            let document = try read()
            let imported = try document.importPolicy(name: nil, options: rendering)
            return (lint(imported, of: document, renderedFor: rendering, file: path), document.describe(rendering: rendering))
        } catch {
            return (Linter.findings(forLoadFailure: error, file: path), nil)
        }
    }

    /// Every finding for a policy given as YAML text, named `file` in the findings.
    public func lint(yaml: String, file: String) -> [Finding] {
        lint(document: { () throws(DiagnosticsError) in try YAMLReader.parse(yaml, file: file) }, file: file)
    }

    private func lint(document parse: () throws(DiagnosticsError) -> YAMLNode?, file: String) -> [Finding] {
        do {
            let document = try parse()
            let policy = try Policy(document: document, file: file, syscalls: table, constants: .system)
            return lint(policy, keys: PolicyKeyLocations(document, file: file))
        } catch {
            return Linter.findings(forLoadFailure: error, file: file).map { finding in
                // The decoder refuses unknown syscalls; lint reports them under their own rule.
                guard finding.message.hasPrefix("unknown syscall '") else { return finding }
                return Finding(.unknownSyscall, at: finding.location, subject: finding.subject, finding.message)
            }
        }
    }
}

extension PolicyKeyLocations {
    /// The places of the `default` and `arches` keys of a policy document.
    init(_ document: YAMLNode?, file: String) {
        self.init()
        guard case .mapping(let pairs)? = document?.content else { return }
        for pair in pairs {
            switch pair.key.scalar?.value {
            case "default": defaultAction = defaultAction ?? pair.key.location(in: file)
            case "arches": arches = arches ?? pair.key.location(in: file)
            default: break
            }
        }
    }
}

extension LintReport {
    /// Lints each file with `linter`, in order; seccomp profiles as runc loads them on a host
    /// that `rendering` describes.
    public init(linting files: [String], with linter: Linter, rendering: SeccompRenderOptions = .host) {
        var findings: [Finding] = [], renderings: [String: String] = [:]
        for file in files {
            let (found, linted) = linter.lintFile(file, rendering: rendering)
            findings += found
            renderings[file] = linted
        }
        self.init(files: files, findings: findings)
        self.renderings = renderings
    }
}

extension SeccompRenderOptions {
    /// This host: its arch and running kernel (6.1 when unknown), with Docker's default capabilities.
    public static var host: SeccompRenderOptions {
        SeccompRenderOptions(arch: .native, capabilities: dockerDefaultCapabilities, kernel: KernelVersion.running ?? KernelVersion(kernel: 6, major: 1))
    }
}

extension SeccompProfileDocument {
    /// What a lint of the profile rendered for `options` judges, in one sentence.
    func describe(rendering options: SeccompRenderOptions) -> String {
        guard isTemplate else { return "\(kind.rawValue), linted as runc loads it on a \(options.arch) host" }
        let caps = options.capabilities == SeccompRenderOptions.dockerDefaultCapabilities
            ? "Docker's default capabilities" : options.capabilities.isEmpty ? "no capabilities" : options.capabilities.sorted().joined(separator: " ")
        return "\(kind.rawValue), linted as rendered for \(options.arch), kernel \(options.kernel), \(caps)"
    }
}
