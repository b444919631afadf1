import Foundation
import Sysfence
import Testing

/// The files under `Tests/SysfenceTests/Resources/<folder>`.
func resourceFiles(_ folder: String) throws -> [URL] {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/\(folder)")
    return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "yaml" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

@Suite struct PolicyLoadingTests {
    /// Each broken policy lists its diagnostics at its end, one `# expect: line:column: error: message`
    /// line each, in order; the file must produce exactly those, located in that file.
    @Test(arguments: try resourceFiles("broken"))
    func brokenPolicyReportsEveryProblem(file: URL) throws {
        let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        let expected = text.split(separator: "\n").compactMap { line in
            line.hasPrefix("# expect: ") ? String(line.dropFirst("# expect: ".count)) : nil
        }
        #expect(!expected.isEmpty, "no '# expect:' lines in \(file.lastPathComponent)")
        do {
            let policy = try Policy(contentsOfFile: file.path)
            Issue.record("\(file.lastPathComponent) parsed: \(policy)")
        } catch let error as DiagnosticsError {
            let actual = error.diagnostics.map { diagnostic in
                #expect(diagnostic.location?.file == file.path)
                let place = diagnostic.location.map { "\($0.line):\($0.column)" } ?? "-"
                return "\(place): \(diagnostic.severity.rawValue): \(diagnostic.message)"
            }
            #expect(actual == expected, "\(file.lastPathComponent):\n\(actual.map { "# expect: \($0)" }.joined(separator: "\n"))")
        }
    }

    @Test(arguments: try resourceFiles("examples"))
    func examplePolicyParses(file: URL) throws {
        let policy = try Policy(contentsOfFile: file.path)
        #expect(policy.sourceFile == file.path)
        #expect(!policy.rules.isEmpty)
    }
}

@Suite struct PolicyReadingTests {
    @Test func unreadableFileIsADiagnostic() {
        #expect {
            try Policy(contentsOfFile: "/nonexistent/policy.yaml")
        } throws: { error in
            (error as? DiagnosticsError)?.description == "error: cannot read '/nonexistent/policy.yaml': No such file or directory"
        }
        #expect {
            try Policy(contentsOfFile: "/")
        } throws: { error in
            (error as? DiagnosticsError)?.description == "error: cannot read '/': Is a directory"
        }
    }

    @Test func textAndFileGiveTheSamePolicy() throws {
        let file = try resourceFiles("examples")[0]
        let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        let fromText = try Policy(yaml: text, file: "inline.yaml")
        #expect(fromText == (try Policy(contentsOfFile: file.path)))
        #expect(fromText.sourceFile == "inline.yaml")
        #expect(fromText.rules.first?.source?.rule.file == "inline.yaml")
    }

    @Test func diagnosticsNameTheGivenFile() {
        #expect {
            try Policy(yaml: "sysfence: 1\ndefault: allow\nrules:\n  - allow: opne\n", file: "web.yaml")
        } throws: { error in
            (error as? DiagnosticsError)?.description == "web.yaml:4:12: error: unknown syscall 'opne' (did you mean 'open'?)"
        }
    }
}
