import SysfenceCore
import Testing

@Suite struct PolicyChecksTests {
    private let here = SourceLocation(file: "Policy.swift", line: 12, column: 5)

    private func rule(_ action: Action, _ syscalls: [SyscallSelector], condition: Condition? = nil, arches: [Arch]? = nil) -> Rule {
        Rule(action: action, syscalls: syscalls, condition: condition, arches: arches,
             source: RuleSource(rule: here, action: here, syscalls: syscalls.map { _ in here }, condition: here))
    }

    private func problems(_ policy: Policy) -> [String] {
        policy.problems(syscalls: SyntaxFixtures.syscalls).map(\.description)
    }

    @Test func validPolicyHasNoProblems() {
        let policy = Policy(defaultAction: .errno(4095), arches: [.x86_64, .aarch64], rules: [
            rule(.allow, [.name("read"), .name("fork"), .number(1000)], condition: SyntaxFixtures.compare(5, .equal, 1)),
            rule(.trace(65535), [.name("open")], arches: [.x86_64]),
        ])
        #expect(problems(policy).isEmpty)
    }

    @Test func syscallNamesAreCheckedOnTheRulesArches() {
        let policy = Policy(defaultAction: .allow, arches: [.x86_64, .aarch64], rules: [
            rule(.allow, [.name("opne")]),
            rule(.allow, [.name("fork")], arches: [.aarch64]),
        ])
        #expect(problems(policy) == [
            "Policy.swift:12:5: error: unknown syscall 'opne' (did you mean 'open'?)",
            "Policy.swift:12:5: error: syscall 'fork' does not exist on aarch64",
        ])
    }

    @Test func valuesOutsideWhatTheKernelTakes() {
        let policy = Policy(defaultAction: .errno(4096), arches: [.x86_64], badArchAction: .errno(65535), rules: [
            rule(.errno(5000), [.name("read")], condition: SyntaxFixtures.compare(6, .equal, 0)),
            rule(.allow, []),
        ])
        #expect(problems(policy) == [
            "error: errno value 4096 is out of range 0...4095",
            "error: errno value 65535 is out of range 0...4095",
            "Policy.swift:12:5: error: errno value 5000 is out of range 0...4095",
            "Policy.swift:12:5: error: no argument 'arg6'; syscalls have six, 'arg0' to 'arg5'",
            "Policy.swift:12:5: error: empty syscall list",
        ])
    }

    @Test func archListsAreChecked() {
        let policy = Policy(defaultAction: .allow, arches: [.x86_64, .x86_64], rules: [
            rule(.allow, [.name("read")], arches: [.x32]),
            rule(.allow, [.name("read")], arches: []),
        ])
        #expect(problems(policy) == [
            "error: arch 'x86_64' is listed twice",
            "Policy.swift:12:5: error: arch 'x32' is not among the policy's arches (x86_64, x86_64)",
            "Policy.swift:12:5: error: empty arch list",
        ])
        #expect(problems(Policy(defaultAction: .allow, arches: [], rules: [])) == ["error: empty arch list"])
    }

    @Test func rulesWithoutSourceAreReportedWithoutLocation() {
        let policy = Policy(defaultAction: .allow, arches: [.x86_64], rules: [Rule(action: .allow, syscalls: [.name("opne")])])
        #expect(problems(policy) == ["error: unknown syscall 'opne' (did you mean 'open'?)"])
    }
}
