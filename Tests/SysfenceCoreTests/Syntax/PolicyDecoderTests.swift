import SysfenceCore
import Testing

/// Builds node trees laid out the way the YAML reader places them, one key per line.
private enum Layout {
    static func text(_ value: String, _ line: Int, _ column: Int, _ style: YAMLScalarStyle = .plain) -> YAMLNode {
        let quotes = style == .singleQuoted || style == .doubleQuoted ? 2 : 0
        return YAMLNode(.scalar(YAMLScalar(value, style: style)), line: line, column: column, endLine: line,
                        endColumn: column + value.unicodeScalars.count + quotes)
    }

    static func list(_ line: Int, _ column: Int, _ items: [YAMLNode]) -> YAMLNode {
        YAMLNode(.sequence(items), line: line, column: column, endLine: line, endColumn: column)
    }

    static func map(_ line: Int, _ column: Int, _ pairs: [(YAMLNode, YAMLNode)]) -> YAMLNode {
        YAMLNode(.mapping(pairs.map { YAMLPair(key: $0.0, value: $0.1) }), line: line, column: column, endLine: line, endColumn: column)
    }

    /// `sysfence: 1`, `default: <default>`, `arches: [...]` when given, then `rules:` with `rules`
    /// (each starting on its own line from line 5, at column 5).
    static func policy(default defaultAction: String = "errno(EPERM)", arches: [String]? = nil, rules: [YAMLNode]) -> YAMLNode {
        var pairs = [(text("sysfence", 1, 1), text("1", 1, 11)), (text("default", 2, 1), text(defaultAction, 2, 10))]
        if let arches {
            pairs.append((text("arches", 3, 1), list(3, 9, arches.enumerated().map { text($0.element, 3, 10 + 10 * $0.offset) })))
        }
        pairs.append((text("rules", 4, 1), list(5, 3, rules)))
        return map(1, 1, pairs)
    }

    /// `- <action>: <syscall>` on `line`, with `when: <condition>` on the next line when given.
    static func rule(_ line: Int, _ action: String, _ syscalls: [String], when condition: YAMLNode? = nil) -> YAMLNode {
        let list = Layout.list(line, 7 + action.count, syscalls.enumerated().map { text($0.element, line, 8 + action.count + 8 * $0.offset) })
        var pairs = [(text(action, line, 5), list)]
        if let condition { pairs.append((text("when", line + 1, 5), condition)) }
        return map(line, 5, pairs)
    }
}

private func decode(_ root: YAMLNode?) throws(DiagnosticsError) -> Policy {
    try Policy(document: root, file: "p.yaml", syscalls: SyntaxFixtures.syscalls, constants: SyntaxFixtures.constants)
}

private func problems(_ root: YAMLNode?) -> [String] {
    do {
        let policy = try decode(root)
        Issue.record("decoded: \(policy)")
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

@Suite struct PolicyDecoderTests {
    @Test func decodesRulesInOrderWithTheirSources() throws {
        let root = Layout.policy(arches: ["x86_64", "aarch64"], rules: [
            Layout.rule(5, "allow", ["read", "write"]),
            Layout.rule(6, "errno(EACCES)", ["openat"], when: Layout.text("arg2 & O_ACCMODE != O_RDONLY", 7, 11)),
            Layout.rule(8, "kill-process", ["fork", "59"]),
        ])
        let policy = try decode(root)
        #expect(policy == Policy(defaultAction: .errno(1), arches: [.x86_64, .aarch64], rules: [
            Rule(action: .allow, syscalls: [.name("read"), .name("write")]),
            Rule(action: .errno(13), syscalls: [.name("openat")],
                 condition: SyntaxFixtures.compare(2, .notEqual, 0, mask: 3)),
            Rule(action: .killProcess, syscalls: [.name("fork"), .number(59)]),
        ]))
        #expect(policy.sourceFile == "p.yaml")
        let source = policy.rules[1].source
        #expect(source?.rule == SourceLocation(file: "p.yaml", line: 6, column: 5))
        #expect(source?.action == SourceLocation(file: "p.yaml", line: 6, column: 5))
        #expect(source?.syscalls == [SourceLocation(file: "p.yaml", line: 6, column: 21)])
        #expect(source?.condition == SourceLocation(file: "p.yaml", line: 7, column: 11))
        #expect(policy.rules[2].source?.syscalls.map(\.column) == [20, 28])
    }

    @Test func archesDefaultToTheNativeOne() throws {
        let policy = try decode(Layout.policy(default: "allow", rules: [Layout.rule(5, "allow", ["read"])]))
        #expect(policy.arches == [.native])
        #expect(policy.badArchAction == .killProcess)
    }

    @Test func syscallNamesComeFromTheGivenTable() {
        let root = Layout.policy(rules: [Layout.rule(5, "allow", ["read", "opne", "readd", "nosuchcall"])])
        #expect(problems(root) == [
            "p.yaml:5:21: error: unknown syscall 'opne' (did you mean 'open'?)",
            "p.yaml:5:29: error: unknown syscall 'readd' (did you mean 'read'?)",
            "p.yaml:5:37: error: unknown syscall 'nosuchcall'",
        ])
    }

    @Test func syscallMustExistOnSomeArchOfTheRule() throws {
        // fork is x86 only: fine in an x86_64 + aarch64 policy (skipped on aarch64), an error in an aarch64 one.
        #expect(throws: Never.self) { try decode(Layout.policy(arches: ["x86_64", "aarch64"], rules: [Layout.rule(5, "allow", ["fork"])])) }
        #expect(problems(Layout.policy(arches: ["aarch64"], rules: [Layout.rule(5, "allow", ["fork", "open"])])) == [
            "p.yaml:5:13: error: syscall 'fork' does not exist on aarch64",
            "p.yaml:5:21: error: syscall 'open' does not exist on aarch64",
        ])
    }

    @Test func errnoNamesComeFromTheGivenTable() {
        #expect(problems(Layout.policy(default: "errno(EACCESS)", rules: [Layout.rule(5, "allow", ["read"])])) == [
            "p.yaml:2:16: error: unknown errno 'EACCESS' (did you mean 'EACCES'?)",
        ])
    }

    @Test func conditionProblemsPointIntoTheString() {
        let plain = Layout.rule(5, "allow", ["read"], when: Layout.text("arg0 == AF_INTE", 6, 11))
        let quoted = Layout.rule(7, "allow", ["read"], when: Layout.text("arg0 == AF_INTE", 8, 11, .singleQuoted))
        #expect(problems(Layout.policy(rules: [plain, quoted])) == [
            "p.yaml:6:19: error: unknown constant 'AF_INTE' (did you mean 'AF_INET'?)",
            "p.yaml:8:20: error: unknown constant 'AF_INTE' (did you mean 'AF_INET'?)",
        ])
    }

    @Test func everyProblemIsReportedInSourceOrder() {
        let root = Layout.policy(default: "alow", arches: ["x86-64"], rules: [
            Layout.rule(5, "allow", ["opne"], when: Layout.text("arg9 == 1", 6, 11)),
            Layout.rule(7, "trace(70000)", ["read"]),
        ])
        #expect(problems(root) == [
            "p.yaml:2:10: error: unknown action 'alow' (did you mean 'allow'?)",
            "p.yaml:3:10: error: unknown arch 'x86-64' (did you mean 'x86_64'?)",
            "p.yaml:5:13: error: unknown syscall 'opne' (did you mean 'open'?)",
            "p.yaml:6:11: error: no argument 'arg9'; syscalls have six, 'arg0' to 'arg5'",
            "p.yaml:7:11: error: trace value 70000 is out of range 0...65535",
        ])
    }

    @Test func noDocumentIsAnEmptyPolicy() {
        #expect(problems(nil) == ["p.yaml:1:1: error: empty policy; it needs at least 'sysfence: 1', 'default' and 'rules'"])
    }
}
