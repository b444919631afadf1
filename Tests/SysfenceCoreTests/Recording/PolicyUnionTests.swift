@testable import SysfenceCore
import Testing

@Suite struct PolicyUnionTests {
    private let options = RecordingOptions(name: "a", includeBase: false)

    /// Every (arch, syscall, argument) combination the test policies distinguish.
    private func calls() -> [(arch: Arch, nr: UInt32, arguments: [UInt64])] {
        var result: [(Arch, UInt32, [UInt64])] = []
        for arch in [Arch.x86_64, .x86, .aarch64] {
            for name in ["read", "write", "socket", "mprotect", "clone", "clone3", "ptrace", "ioctl"] {
                guard let nr = lintTable.number(of: name, on: arch) else { continue }
                for first in [0, 1, 2, 10, 0x1000_0000] as [UInt64] {
                    for second in [0, 1, 2, 4, 0x5401] as [UInt64] { result.append((arch, nr, [first, second, second, 0, 0, 0])) }
                }
            }
        }
        return result
    }

    @Test func unionAllowsWhatAnyInputAllows() throws {
        let a = recording([.x86_64: ["read": 5, "socket": 2, "mprotect": 1, "clone3": 1]],
                          values: [.x86_64: ["socket": [[2, 1]: 2], "mprotect": [[0]: 1]]]).policy(options: options, table: lintTable)
        let b = recording([.x86_64: ["read": 3, "socket": 1, "mprotect": 1, "clone": 2], .x86: ["write": 4]],
                          values: [.x86_64: ["socket": [[10, 2]: 1], "mprotect": [[4]: 1], "clone": [[0]: 2]]]).policy(options: options, table: lintTable)
        let c = recording([.aarch64: ["ioctl": 1, "clone3": 2]], values: [.aarch64: ["ioctl": [[0x5401]: 1]]])
            .policy(options: RecordingOptions(includeBase: false, constrainArguments: false), table: lintTable)
        let union = try Policy.union([a, b, c])
        #expect(union.arches == [.x86_64, .x86, .aarch64])
        let programs = [a, b, c].map { DecisionProgram(policy: $0, table: lintTable) }
        let merged = DecisionProgram(policy: union, table: lintTable)
        for call in calls() {
            let expected = programs.contains { $0.decide(auditArch: call.arch.auditArch, nr: call.nr, arguments: call.arguments).action == .allow }
            let verdict = merged.decide(auditArch: call.arch.auditArch, nr: call.nr, arguments: call.arguments).action
            #expect((verdict == .allow) == expected, "\(call)")
        }
        // clone3 keeps ENOSYS where an input says so, and is allowed where one allows it.
        #expect(merged.decide(auditArch: Arch.x86_64.auditArch, nr: 435, arguments: [0, 0, 0, 0, 0, 0]).action == .errno(38))
        #expect(merged.decide(auditArch: Arch.aarch64.auditArch, nr: 435, arguments: [0, 0, 0, 0, 0, 0]).action == .allow)
        // Counts add up; conditions are ORed.
        #expect(union.rules.first { $0.syscalls == [.name("read")] } == Rule(action: .allow, syscalls: [.name("read")], arches: [.x86_64], comment: "seen 8 times"))
        let socket = union.rules.first { $0.syscalls == [.name("socket")] }
        #expect(socket?.comment == "seen 3 times")
        #expect(socket?.condition?.comparisons.count == 4)
    }

    @Test func anENOSYSRuleThatCanNeverApplyIsLeftOut() throws {
        // a answers clone3 with ENOSYS on x86_64; b allows it there for any arguments, and on x86.
        let a = recording([.x86_64: ["clone3": 1]]).policy(options: options, table: lintTable)
        let b = recording([.x86_64: ["clone3": 1], .x86: ["clone3": 1]])
            .policy(options: RecordingOptions(includeBase: false, constrainArguments: false), table: lintTable)
        let union = try Policy.union([a, b])
        #expect(!union.rules.contains { $0.action == .errno(38) })
        #expect(union.rules.contains { $0.action == .allow && $0.syscalls == [.name("clone3")] && $0.condition == nil })
    }

    @Test func joiningAPolicyWithItselfKeepsItsRulesAndAddsTheCounts() throws {
        let a = recording([.x86_64: ["read": 5, "write": 2]]).policy(options: options, table: lintTable)
        #expect(try Policy.union([a, a]).rules == [
            Rule(action: .allow, syscalls: [.name("read")], comment: "seen 10 times"),
            Rule(action: .allow, syscalls: [.name("write")], comment: "seen 4 times"),
        ])
    }

    @Test func refusesWhatIsNotAnAllowList() {
        let good = Policy(defaultAction: .errno(1), arches: [.x86_64], rules: [Rule(action: .allow, syscalls: [.name("read")])], sourceFile: "a.yaml")
        var denyList = Policy(defaultAction: .allow, arches: [.x86_64], rules: [Rule(action: .errno(1), syscalls: [.name("ptrace")])], sourceFile: "b.json")
        var killing = good
        killing.sourceFile = "c.yaml"
        killing.defaultAction = .killProcess
        killing.rules.append(Rule(action: .log, syscalls: [.name("mount"), .name("umount2")],
                                  source: RuleSource(rule: SourceLocation(file: "c.yaml", line: 9, column: 5))))
        killing.rules.append(Rule(action: .errno(38), syscalls: [.name("clone3")], condition: .comparison(Comparison(argument: 1, op: .equal, value: 88))))
        let error = #expect(throws: DiagnosticsError.self) { try Policy.union([good, denyList, killing]) }
        #expect(error?.diagnostics == [
            Diagnostic(.error, at: nil, "b.json: default action allow lets calls run; merge takes allow-list policies"),
            Diagnostic(.error, at: nil, "b.json: rule 1 (ptrace): action errno(1) is neither allow nor errno(38) for clone3; merge takes allow-list policies"),
            Diagnostic(.error, at: nil, "c.yaml: default action kill-process differs from a.yaml's errno(1)"),
            Diagnostic(.error, at: SourceLocation(file: "c.yaml", line: 9, column: 5),
                       "rule 2 (mount, umount2): action log is neither allow nor errno(38) for clone3; merge takes allow-list policies"),
            Diagnostic(.error, at: nil, "c.yaml: rule 3 (clone3): errno(38) for clone3 has a condition; merge takes it only unconditional"),
        ])
        denyList.badArchAction = .errno(1)
        #expect(throws: DiagnosticsError.self) { try Policy.union([good, denyList]) }
    }
}
