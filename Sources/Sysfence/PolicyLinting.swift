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

    /// Every finding for one policy file (YAML, format 1).
    ///
    /// A file that cannot be read or decoded gives one finding per problem instead: a misspelt
    /// syscall as `unknown-syscall`, anything else as `invalid-policy`; the other rules need a
    /// policy that loads.
    public func lint(contentsOfFile path: String) -> [Finding] {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            return Linter.findings(forLoadFailure: DiagnosticsError(at: nil, "cannot read the file: \(reason)"), file: path)
        }
        return lint(document: { () throws(DiagnosticsError) in try YAMLReader.parse(bytes: [UInt8](bytes), file: path) }, file: path)
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
    /// Lints each file with `linter`, in order.
    public init(linting files: [String], with linter: Linter) {
        self.init(files: files, findings: files.flatMap { linter.lint(contentsOfFile: $0) })
    }
}
