import Foundation
import Libseccomp
import LinuxKernel
import YAML

extension Policy {
    /// Reads a policy (format 1) from YAML text, with the syscalls libseccomp knows and the
    /// constants of the system headers.
    ///
    /// - Parameters:
    ///   - yaml: the policy text.
    ///   - file: the name diagnostics carry, and the policy's `sourceFile`.
    /// - Throws: `DiagnosticsError` with every problem found, each at `file:line:column`.
    public init(yaml: String, file: String) throws {
        try self.init(document: YAMLReader.parse(yaml, file: file), file: file)
    }

    /// Reads a policy (format 1) from a YAML file, with the syscalls libseccomp knows and the
    /// constants of the system headers.
    ///
    /// - Throws: `DiagnosticsError`: the file cannot be read, or every problem found in it,
    ///   each at `path:line:column`.
    public init(contentsOfFile path: String) throws {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DiagnosticsError(at: nil, "cannot read '\(path)': \(Self.reason(error))")
        }
        try self.init(document: YAMLReader.parse(bytes: [UInt8](bytes), file: path), file: path)
    }

    private init(document: YAMLNode?, file: String) throws {
        try self.init(document: document, file: file, syscalls: .libseccomp, constants: .system)
    }

    /// Checks a policy built in Swift (or by hand) the way a policy file is checked: syscall
    /// names against libseccomp's tables, errno values, arches and argument indices.
    ///
    /// - Throws: `DiagnosticsError` with every problem, located at the DSL call that made the rule.
    public func validate() throws {
        let problems = problems(syscalls: .libseccomp)
        if !problems.isEmpty { throw DiagnosticsError(problems) }
    }

    /// The system's reason for a failed read ("No such file or directory"), without Foundation's wrapping.
    private static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error
        return underlying.flatMap { ($0 as NSError).localizedFailureReason } ?? error.localizedDescription
    }
}
