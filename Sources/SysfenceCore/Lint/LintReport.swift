import Foundation

/// The findings of one lint run over some files, and their renderings for people and tools.
public struct LintReport: Sendable {
    /// The files linted, in the order given.
    public var files: [String]
    /// Every finding, ordered by file, line and column.
    public var findings: [Finding]
    /// For the seccomp profiles among `files`: what was linted (the form, and the rendering of a
    /// template), as one sentence per file.
    public var renderings: [String: String] = [:]

    /// A report over `files`; the findings are put in order.
    public init(files: [String], findings: [Finding]) {
        self.files = files
        self.findings = findings.sortedByPlace()
    }

    /// Whether a finding is at or above `severity`: what `--fail-on` turns into exit status 1.
    public func hasFindings(atOrAbove severity: Severity) -> Bool {
        findings.contains { $0.severity >= severity }
    }

    /// How many findings have each severity.
    public var counts: [Severity: Int] {
        findings.reduce(into: [.error: 0, .warning: 0, .note: 0]) { $0[$1.severity, default: 0] += 1 }
    }

    // MARK: Text

    /// The findings grouped by file, one per line, then a summary; in colour with `color`. A
    /// profile's heading is followed by what was linted, even when it has no findings.
    public func text(color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let severityColor: [Severity: String] = [.error: "31", .warning: "33", .note: "36"]
        var lines: [String] = []
        let grouped = Dictionary(grouping: findings, by: \.location.file)
        let order = files.filter { grouped[$0] != nil || renderings[$0] != nil } + grouped.keys.filter { !files.contains($0) }.sorted()
        for file in order {
            let group = grouped[file] ?? []
            lines.append(paint(file, "1;4"))
            if let rendering = renderings[file] { lines.append("  " + paint(rendering, "2")) }
            let places = group.map { "\($0.location.line):\($0.location.column)" }
            let placeWidth = places.map(\.count).max() ?? 0
            for (finding, place) in zip(group, places) {
                let severity = finding.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                lines.append("  " + place.padding(toLength: placeWidth, withPad: " ", startingAt: 0) + "  "
                    + paint(severity, severityColor[finding.severity]!) + "  " + finding.message + "  "
                    + paint(finding.rule.id, "2"))
            }
            lines.append("")
        }
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// "3 problems (1 error, 2 warnings, 0 notes) in 2 files", or "no problems in 2 files".
    var summary: String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let fileText = count(files.count, "file")
        guard !findings.isEmpty else { return "no problems in \(fileText)" }
        let c = counts
        return "\(count(findings.count, "problem")) (\(count(c[.error]!, "error")), \(count(c[.warning]!, "warning")), "
            + "\(count(c[.note]!, "note"))) in \(fileText)"
    }

    // MARK: JSON

    /// The findings as a JSON object: `files`, `findings` (each with `ruleId`, `severity`,
    /// `message`, `file`, `line`, `column`, `rationale`), `renderings` (what was linted of each
    /// seccomp profile, by file) and `summary` (counts by severity).
    public func json() -> String {
        let object: [String: Any] = [
            "version": 1,
            "files": files,
            "findings": findings.map { finding -> [String: Any] in
                [
                    "ruleId": finding.rule.id, "severity": finding.severity.rawValue, "message": finding.message,
                    "file": finding.location.file, "line": finding.location.line, "column": finding.location.column,
                    "rationale": finding.rationale,
                ]
            },
            "renderings": renderings,
            "summary": Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
        ]
        return serialize(object)
    }

    // MARK: SARIF

    /// The findings as a SARIF 2.1.0 log with one run, as code-scanning services read it: rule
    /// metadata with help and `security-severity`, a level, a region and partial fingerprints
    /// per result. Relative paths stay relative to the source root (`%SRCROOT%`).
    ///
    /// - Parameter toolVersion: the sysfence version the log names.
    public func sarif(toolVersion: String) -> String {
        let rules = LintRule.all
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.id, $0.offset) })
        var occurrences: [String: Int] = [:]
        let results = findings.map { finding -> [String: Any] in
            let (uri, isRelative) = sarifURI(finding.location.file)
            var artifact: [String: Any] = ["uri": uri]
            if isRelative { artifact["uriBaseId"] = "%SRCROOT%" }
            let key = fingerprint(finding.rule.id, finding.location.file, finding.subject)
            occurrences[key, default: 0] += 1
            return [
                "ruleId": finding.rule.id,
                "ruleIndex": ruleIndex[finding.rule.id]!,
                "level": finding.severity.rawValue,
                "message": ["text": finding.message],
                "locations": [[
                    "physicalLocation": [
                        "artifactLocation": artifact,
                        "region": ["startLine": finding.location.line, "startColumn": finding.location.column],
                    ],
                ]],
                "partialFingerprints": ["sysfenceFinding/v1": "\(key):\(occurrences[key]!)"],
            ]
        }
        let driver: [String: Any] = [
            "name": "sysfence",
            "version": toolVersion,
            "rules": rules.map { rule -> [String: Any] in
                [
                    "id": rule.id,
                    "name": rule.id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
                    "shortDescription": ["text": rule.summary],
                    "fullDescription": ["text": rule.rationale],
                    "help": ["text": "\(rule.rationale) See docs/lint-rules.md, section \(rule.id)."],
                    "defaultConfiguration": ["level": rule.severity.rawValue],
                    "properties": [
                        "tags": ["security", "seccomp"],
                        "precision": "high",
                        "security-severity": String(format: "%.1f", rule.securitySeverity),
                    ] as [String: Any],
                ]
            },
        ]
        let log: [String: Any] = [
            "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": driver],
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": ["%SRCROOT%": ["description": ["text": "The directory sysfence lint ran in."]]],
                "results": results,
            ]],
        ]
        return serialize(log)
    }

    /// A file path as a URI reference: relative paths stay relative (without `./`), absolute ones
    /// become `file://` URIs; characters outside a URI path are percent-encoded.
    private func sarifURI(_ path: String) -> (uri: String, isRelative: Bool) {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        let encoded = path.addingPercentEncoding(withAllowedCharacters: Self.uriPathCharacters) ?? path
        return path.hasPrefix("/") ? ("file://" + encoded, false) : (encoded, true)
    }

    private static let uriPathCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/!$&'()*+,;=:@")

    /// A stable 64-bit FNV-1a hash, in hex, of what identifies a finding regardless of its line.
    private func fingerprint(_ parts: String...) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in parts.joined(separator: "\u{0}").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Pretty-printed JSON with sorted keys, so that the same report always reads the same.
    private func serialize(_ object: Any) -> String {
        // Only strings, numbers, arrays and dictionaries go in, so serialization cannot fail.
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
