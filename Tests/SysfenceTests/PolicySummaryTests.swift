import Sysfence
import Testing

/// What `sysfence check` reports about a valid policy.
struct PolicySummaryTests {
    @Test("syscalls are counted once per arch, by number, for the rules that apply on that arch")
    func coverage() {
        let policy = Policy(
            name: "fixture", defaultAction: .errno(1), arches: [.x86_64, .x86], badArchAction: .killThread,
            rules: [
                Rule(action: .allow, syscalls: [.name("read"), .name("write"), .name("close")]),
                Rule(action: .allow, syscalls: [.name("socket")]),
                Rule(action: .errno(38), syscalls: [.name("clone3")]),
                Rule(action: .killProcess, syscalls: [.name("ptrace"), .name("read")]),
                Rule(action: .allow, syscalls: [.name("ioctl"), .name("arch_prctl")], arches: [.x86_64]),
            ])
        let summary = PolicySummary(policy, table: .libseccomp)
        #expect(summary.name == "fixture")
        #expect(summary.ruleCount == 5)
        #expect(summary.defaultAction == .errno(1))
        #expect(summary.badArchAction == .killThread)
        #expect(summary.coverage.map(\.arch) == [.x86_64, .x86])
        #expect(summary.coverage.map(\.syscalls) == [8, 6])
    }

    @Test("a name the arch lacks counts nothing there; a raw number counts as itself")
    func namesAndNumbers() {
        let table = SyscallTable([.x86_64: ["read": 0, "write": 1], .aarch64: ["read": 63]])
        let policy = Policy(defaultAction: .allow, arches: [.x86_64, .aarch64],
                            rules: [Rule(action: .killProcess, syscalls: [.name("write"), .name("read"), .number(1), .number(500)])])
        // x86_64: write and 1 are one syscall, then read and 500; aarch64 has no write: read, 1, 500.
        #expect(PolicySummary(policy, table: table).coverage.map(\.syscalls) == [3, 3])
    }
}
