import Foundation
import SysfenceCore
import YAML

extension SeccompProfileDocument {
    /// Reads a profile file: OCI, config.json, moby template or Kubernetes resource in JSON, or
    /// a Kubernetes `SeccompProfile` resource in YAML; see `init(profileText:file:)`.
    public init(contentsOfFile path: String) throws(DiagnosticsError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DiagnosticsError(at: nil, "\(path): cannot read the file: \(error.localizedDescription)")
        }
        try self.init(profileText: text, file: path)
    }

    /// Reads a profile file's text: JSON when its first character other than white space is `{`,
    /// else YAML (a Kubernetes `SeccompProfile` resource as `kubectl` takes it).
    public init(profileText text: String, file: String) throws(DiagnosticsError) {
        guard text.first(where: { !$0.isWhitespace }) != "{" else {
            try self.init(text: text, file: file)
            return
        }
        guard let document = try YAMLReader.parse(text, file: file) else {
            throw DiagnosticsError(at: SourceLocation(file: file, line: 1, column: 1), "the file holds no profile: it is empty or only comments")
        }
        try self.init(yamlDocument: document, file: file)
    }

    /// Reads a parsed YAML document as the profile it holds (a Kubernetes `SeccompProfile`
    /// resource), refusing a sysfence policy with a hint.
    init(yamlDocument document: YAMLNode, file: String) throws(DiagnosticsError) {
        if document.topLevelKeys.contains("format") {
            throw DiagnosticsError(at: SourceLocation(file: file, line: document.line, column: document.column),
                                   "this is a sysfence policy; import reads seccomp profiles (sysfence commands take the policy as it is)")
        }
        try self.init(json: JSONNode(yaml: document, file: file), file: file)
    }

    /// Imports the profile with the system's libseccomp as the reference and its syscall table.
    public func importPolicy(name: String?, options: SeccompRenderOptions) throws(DiagnosticsError) -> SeccompImport {
        try importPolicy(name: name, options: options, table: .libseccomp, compiler: LibseccompReferenceCompiler())
    }
}

extension YAMLNode {
    /// The keys of a top-level mapping (none for any other document).
    var topLevelKeys: Set<String> {
        guard case .mapping(let pairs) = content else { return [] }
        return Set(pairs.compactMap { $0.key.scalar?.value })
    }

    /// Whether the document is a Kubernetes resource (`apiVersion` and `kind` at the top).
    var isKubernetesResource: Bool { topLevelKeys.isSuperset(of: ["apiVersion", "kind"]) }
}

extension Policy {
    /// The policy as an OCI seccomp profile, checked through the system's libseccomp.
    public func seccompProfile(native: Arch = .native) throws(DiagnosticsError) -> SeccompExport {
        try seccompProfile(table: .libseccomp, native: native, compiler: LibseccompReferenceCompiler())
    }
}

/// An OCI bundle: a directory with `config.json` and the root file system.
public struct OCIBundle {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public var configPath: String { (directory as NSString).appendingPathComponent("config.json") }

    /// Writes `profile` into the bundle's `config.json` as `linux.seccomp`, in place, keeping
    /// every other field, so that any OCI runtime started on the bundle loads it.
    public func inject(_ profile: SeccompProfile) throws(DiagnosticsError) {
        let path = configPath
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DiagnosticsError(at: nil, "\(path): cannot read the bundle's config: \(error.localizedDescription)")
        }
        let updated = try profile.injected(intoConfig: text, file: path)
        do {
            try updated.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw DiagnosticsError(at: nil, "\(path): cannot write the bundle's config: \(error.localizedDescription)")
        }
    }
}
