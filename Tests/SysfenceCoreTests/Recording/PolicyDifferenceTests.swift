@testable import SysfenceCore
import Testing

@Suite struct PolicyDifferenceTests {
    private func low32(_ argument: Int, _ value: UInt64, mask: UInt64 = .max) -> Condition {
        .comparison(Comparison(argument: argument, width: .low32, mask: mask, op: .equal, value: value))
    }

    private func policy(_ rules: [Rule], arches: [Arch] = [.x86_64]) -> Policy {
        Policy(defaultAction: .errno(1), arches: arches, rules: rules)
    }

    @Test func sameCallsWrittenDifferentlyAreEqual() {
        let a = policy([Rule(action: .allow, syscalls: [.name("socket")], condition: .or([low32(0, 2), low32(0, 10)])),
                        Rule(action: .allow, syscalls: [.name("read"), .name("write")])])
        let b = policy([Rule(action: .allow, syscalls: [.name("write")]),
                        Rule(action: .allow, syscalls: [.name("socket")], condition: low32(0, 10)),
                        Rule(action: .log, syscalls: [.name("read")]),
                        // Full-width equality on a value without high bits, ORed the other way round.
                        Rule(action: .allow, syscalls: [.name("socket")], condition: .comparison(Comparison(argument: 0, op: .equal, value: 2))),
                        Rule(action: .errno(13), syscalls: [.name("ptrace")])])
        // b's second socket rule reads the whole register: a allows 0x1_0000_0002, b does not.
        let difference = a.difference(from: b, table: lintTable)
        #expect(difference.arches.map(\.arch) == [.x86_64])
        #expect(difference.arches.first?.arguments == [PolicyDifference.ArgumentDifference(
            syscall: "socket", relation: .firstAllowsMore, firstOnlyExample: [0x1_0000_0002, 0, 0, 0, 0, 0])])
        let c = policy([Rule(action: .allow, syscalls: [.name("write"), .name("read")]),
                        Rule(action: .allow, syscalls: [.name("socket")], condition: low32(0, 10)),
                        Rule(action: .allow, syscalls: [.name("socket")], condition: low32(0, 2)),
                        Rule(action: .errno(13), syscalls: [.name("ptrace")])])
        #expect(a.difference(from: c, table: lintTable).isEmpty)
    }

    @Test func exactText() {
        let a = policy([Rule(action: .allow, syscalls: [.name("read"), .name("mount"), .name("ptrace")]),
                        Rule(action: .allow, syscalls: [.name("socket")], condition: .or([low32(0, 2), low32(0, 10)])),
                        Rule(action: .allow, syscalls: [.name("clone")], condition: low32(0, 0, mask: 0x7E02_0000)),
                        Rule(action: .allow, syscalls: [.name("mprotect")], condition: low32(2, 0, mask: 4))],
                       arches: [.x86_64, .x86])
        let b = policy([Rule(action: .allow, syscalls: [.name("read"), .name("bpf")]),
                        Rule(action: .allow, syscalls: [.name("socket")], condition: low32(0, 2)),
                        Rule(action: .allow, syscalls: [.name("clone")]),
                        Rule(action: .allow, syscalls: [.name("mprotect")], condition: low32(2, 4, mask: 4))])
        let difference = a.difference(from: b, table: lintTable)
        #expect(difference.text(first: "a", second: "b") == """
            x86_64:
              only a allows (2): mount, ptrace
              only b allows (1): bpf
              mprotect: each allows argument values the other denies (e.g. a only: (0, 0, 0, 0, 0, 0); b only: (0, 0, 4, 0, 0, 0))
              socket: a allows more argument values (e.g. a only: (0xa, 0, 0, 0, 0, 0))
              clone: b allows more argument values (e.g. b only: (0x20000, 0, 0, 0, 0, 0))
            x86:
              only a allows (6): clone, mount, mprotect, ptrace, read, socket

            """)
        #expect(a.difference(from: b, table: lintTable, arches: [.x86]).arches.map(\.arch) == [.x86])
        #expect(b.difference(from: a, table: lintTable).arches[0].arguments.map(\.relation) == [.partialOverlap, .secondAllowsMore, .firstAllowsMore])
    }

    @Test func denyListsCompareEverySyscall() {
        let open = Policy(defaultAction: .allow, arches: [.aarch64], rules: [Rule(action: .errno(1), syscalls: [.name("ptrace")])])
        let closed = policy([Rule(action: .allow, syscalls: [.name("read")])], arches: [.aarch64])
        let difference = open.difference(from: closed, table: lintTable)
        #expect(difference.arches.count == 1)
        #expect(difference.arches[0].onlyInFirst.contains("mount"))
        #expect(!difference.arches[0].onlyInFirst.contains("ptrace"))
        #expect(!difference.arches[0].onlyInFirst.contains("read"))
        #expect(difference.arches[0].onlyInSecond.isEmpty)
    }
}
