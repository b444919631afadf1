import Foundation
import Sysfence
import Testing
import TestSupport

/// The policies and seccomp profiles of `Tests/LintCorpus`, each linted against the findings
/// its comments (a profile's `.expect` file) expect.
struct LintCorpusTests {
    static let corpus = TestPaths.packageRoot.appendingPathComponent("Tests/LintCorpus")

    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
    }()

    /// What the corpus profiles are linted as: an amd64 host with kernel 6.1 and Docker's default caps.
    static let rendering = SeccompRenderOptions(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 1))

    /// `(rule id, line)` pairs, sorted, so that two lists compare as multisets.
    struct Expectation: Hashable, Comparable, CustomStringConvertible {
        var rule: String
        var line: Int
        static func < (a: Expectation, b: Expectation) -> Bool { (a.line, a.rule) < (b.line, b.rule) }
        var description: String { "\(line): \(rule)" }
    }

    /// The findings a profile's `.expect` file lists: `line: rule-id, rule-id`; `#` starts a comment.
    static func profileExpectations(in text: String) -> [Expectation] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.flatMap { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts[1].split(separator: ",").map {
                Expectation(rule: $0.trimmingCharacters(in: .whitespaces), line: Int(parts[0])!)
            }
        }.sorted()
    }

    /// The expected findings of a corpus file: marked in a policy, listed next to a profile.
    static func expectations(of name: String) throws -> [Expectation] {
        guard name.hasSuffix(".json") else {
            return expectations(in: try String(contentsOf: corpus.appendingPathComponent(name), encoding: .utf8))
        }
        let list = corpus.appendingPathComponent(String(name.dropLast(".json".count)) + ".expect")
        return profileExpectations(in: try String(contentsOf: list, encoding: .utf8))
    }

    /// The findings a corpus file marks: `# expect: rule-id, rule-id` on the line of each.
    static func expectations(in text: String) -> [Expectation] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().flatMap { index, line in
            guard let marker = line.range(of: "# expect:") else { return [Expectation]() }
            return line[marker.upperBound...].split(separator: ",").map {
                Expectation(rule: $0.trimmingCharacters(in: .whitespaces), line: index + 1)
            }
        }.sorted()
    }

    /// The findings for one corpus file, against its `.baseline` when there is one.
    static func findings(for name: String) throws -> [Finding] {
        let path = corpus.appendingPathComponent(name).path
        let baselinePath = String(path.dropLast(".yaml".count)) + ".baseline"
        let baseline = FileManager.default.fileExists(atPath: baselinePath) ? try Policy(contentsOfFile: baselinePath) : nil
        return Linter(baseline: baseline).lint(contentsOfFile: path, rendering: rendering)
    }

    @Test("the corpus file gets exactly the findings it marks", arguments: files)
    func corpusFile(_ name: String) throws {
        let findings = try Self.findings(for: name)
        let actual = findings.map { Expectation(rule: $0.rule.id, line: $0.location.line) }.sorted()
        #expect(actual == (try Self.expectations(of: name)), "\(findings.map(\.description).joined(separator: "\n"))")
        #expect(findings.allSatisfy { $0.location.file.hasSuffix("/" + name) })
    }

    @Test("every rule has a corpus policy that triggers it")
    func everyRuleIsCovered() throws {
        var covered: Set<String> = []
        for name in Self.files {
            covered.formUnion(try Self.expectations(of: name).map(\.rule))
        }
        #expect(Set(LintRule.all.map(\.id)).subtracting(covered).isEmpty)
        #expect(covered.subtracting(LintRule.all.map(\.id)).isEmpty)
    }

    @Test("every rule has a section in docs/lint-rules.md")
    func everyRuleIsDocumented() throws {
        let docs = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/lint-rules.md"), encoding: .utf8)
        let headings = Set(docs.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) })
        for rule in LintRule.all {
            #expect(headings.contains(rule.id), "no '## \(rule.id)' section")
        }
    }
}
