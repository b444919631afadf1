import Foundation
import Sysfence
import Testing
import TestSupport

/// The policies shipped in `policies/` lint with exactly the findings `docs/lint-rules.md` lists.
struct BundledPolicyLintTests {
    /// Policy file, line, rule id and the syscalls the finding names, as the documentation's table.
    static let documented: [(file: String, line: Int, rule: String, syscalls: [String])] = [
        ("default.yaml", 14, "enosys-probe", ["fchmodat2"]),
        ("python-web.yaml", 14, "enosys-probe", ["close_range", "fchmodat2", "openat2", "pidfd_open", "pidfd_send_signal"]),
        ("shell-coreutils.yaml", 12, "enosys-probe", ["close_range", "fchmodat2", "openat2", "pidfd_open", "pidfd_send_signal"]),
        ("static-binary.yaml", 14, "enosys-probe",
         ["close_range", "faccessat2", "fchmodat2", "openat2", "pidfd_open", "pidfd_send_signal"]),
    ]

    static let directory = TestPaths.packageRoot.appendingPathComponent("policies")

    @Test("every bundled policy has exactly its documented findings")
    func bundledPolicies() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files) == Set(Self.documented.map(\.file)))
        let linter = Linter()
        for file in files.sorted() {
            let findings = linter.lint(contentsOfFile: Self.directory.appendingPathComponent(file).path)
            let expected = Self.documented.filter { $0.file == file }
            #expect(findings.count == expected.count, "\(findings)")
            for (finding, documented) in zip(findings, expected) {
                #expect(finding.rule.id == documented.rule && finding.location.line == documented.line)
                #expect(finding.message.hasPrefix(listText(documented.syscalls) + " fall"), "\(finding.message)")
            }
        }
    }

    @Test("the documentation lists the same findings")
    func documentationTable() throws {
        let docs = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/lint-rules.md"), encoding: .utf8)
        for entry in Self.documented {
            let row = "| \(entry.file) | \(entry.line) | \(entry.rule) | \(entry.syscalls.joined(separator: ", ")) |"
            #expect(docs.contains(row), "missing row \(row)")
        }
    }

    private func listText(_ items: [String]) -> String {
        items.count > 1 ? items.dropLast().joined(separator: ", ") + " and " + items.last! : items.first ?? ""
    }
}
