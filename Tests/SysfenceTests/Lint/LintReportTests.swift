import Foundation
import Sysfence
import Testing
import TestSupport

/// The text, JSON and SARIF renderings of lint findings.
struct LintReportTests {
    static let policy = """
        sysfence: 1
        default: errno(ENOSYS)
        arches: [x86_64]
        rules:
          - allow: [execve, brk, mmap, munmap, mprotect, arch_prctl, set_tid_address, read, write, close,
                    rt_sigreturn, exit, exit_group, ptrace]
          - allow: getpid
          - allow: [getpid, gettimeofday]

        """

    static func report(_ text: String = policy, file: String = "policies/app.yaml") -> LintReport {
        LintReport(files: [file], findings: Linter().lint(yaml: text, file: file))
    }

    @Test("text groups findings under their file, with a summary")
    func text() {
        let expected = """
            policies/app.yaml
              6:45  warning  ptrace is allowed without conditions: it reads and rewrites the memory and registers of other processes, and before Linux 4.8 could rewrite a syscall after the seccomp check  dangerous-syscall
              8:13  note     getpid never reaches this rule: the rule at line 7 already decides it with allow  redundant-rule

            2 problems (0 errors, 1 warning, 1 note) in 1 file

            """
        #expect(Self.report().text(color: false) == expected)
        let coloured = Self.report().text(color: true)
        #expect(coloured.contains("\u{1B}[1;4mpolicies/app.yaml\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[33mwarning\u{1B}[0m"))
        #expect(LintReport(files: ["a.yaml", "b.yaml"], findings: []).text(color: true) == "no problems in 2 files\n")
    }

    @Test("JSON carries every field of every finding")
    func json() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.report().json().utf8)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        #expect(object["files"] as? [String] == ["policies/app.yaml"])
        #expect(object["summary"] as? [String: Int] == ["error": 0, "warning": 1, "note": 1])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == 2)
        let first = findings[0]
        #expect(first["ruleId"] as? String == "dangerous-syscall")
        #expect(first["severity"] as? String == "warning")
        #expect(first["file"] as? String == "policies/app.yaml")
        #expect(first["line"] as? Int == 6 && first["column"] as? Int == 45)
        #expect(first["rationale"] as? String == LintRule.dangerousSyscall.rationale)
    }

    @Test("SARIF has what code scanning reads, and renders the same every time")
    func sarifStructure() throws {
        let sarif = Self.report().sarif(toolVersion: sysfenceVersion)
        #expect(sarif == Self.report().sarif(toolVersion: sysfenceVersion))
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "sysfence")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == LintRule.all.map(\.id))
        for rule in rules {
            #expect((rule["help"] as? [String: Any])?["text"] is String)
            let severity = (rule["properties"] as? [String: Any])?["security-severity"] as? String
            #expect(severity.flatMap(Double.init).map { (0.1...10).contains($0) } == true)
        }
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 2)
        let result = results[0]
        #expect(result["ruleId"] as? String == "dangerous-syscall")
        #expect(result["level"] as? String == "warning")
        #expect(rules[result["ruleIndex"] as! Int]["id"] as? String == "dangerous-syscall")
        let physical = try #require(((result["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
        #expect(physical["artifactLocation"] as? [String: String] == ["uri": "policies/app.yaml", "uriBaseId": "%SRCROOT%"])
        #expect(physical["region"] as? [String: Int] == ["startLine": 6, "startColumn": 45])
        #expect((result["partialFingerprints"] as? [String: String])?.isEmpty == false)
    }

    @Test("a finding keeps its fingerprint when lines above it move")
    func stableFingerprints() throws {
        func fingerprints(_ text: String) throws -> [String] {
            let sarif = Self.report(text).sarif(toolVersion: sysfenceVersion)
            let log = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
            let results = (log?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]] ?? []
            return results.compactMap { ($0["partialFingerprints"] as? [String: String])?.values.first }
        }
        let moved = try fingerprints("# A comment that moves every line down.\n\n" + Self.policy)
        #expect(try fingerprints(Self.policy) == moved)
        #expect(Set(moved).count == 2)
    }

    /// Whether Debian's python3 with its jsonschema module (python3-jsonschema) can validate, for the schema test.
    static let validatorAvailable: Bool = {
        let result = try? runProgram(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", "import jsonschema"])
        return result?.status == 0
    }()

    static let schema = TestEnvironment.sharedDirectory.appendingPathComponent("schemas/sarif-schema-2.1.0.json")

    @Test("SARIF of every corpus finding validates against the OASIS schema",
          .enabled(if: TestEnvironment.requiresKernel
                   || (validatorAvailable && FileManager.default.fileExists(atPath: schema.path))))
    func sarifValidatesAgainstTheSchema() throws {
        #expect(Self.validatorAvailable, "python3 with jsonschema is needed (Debian package python3-jsonschema)")
        #expect(FileManager.default.fileExists(atPath: Self.schema.path), "missing \(Self.schema.path)")
        let corpus = LintCorpusTests.files.map { LintCorpusTests.corpus.appendingPathComponent($0).path }
        let moby = SharedProfiles.path("moby-default.json").map { [$0] } ?? []
        let report = LintReport(linting: corpus + moby + ["no/such/file.yaml"], with: Linter())
        #expect(report.findings.contains { $0.location.file.hasSuffix(".json") && $0.location.line > 1 })
        #expect(Set(report.findings.map(\.rule.id)).count >= LintRule.all.count - 1)
        let directory = try TemporaryDirectory()
        let log = try directory.write("lint.sarif", report.sarif(toolVersion: sysfenceVersion))
        let script = """
            import json, sys, jsonschema
            jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
            """
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, log.path, Self.schema.path])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
