import Libseccomp
import Sysfence
import Testing
import TestSupport

/// sysfence's filter against libseccomp's for the same rules, both run in the emulator.
@Suite struct LibseccompDifferentialTests {
    @Test func randomPoliciesDecideLikeLibseccomp() throws {
        let table = SyscallTable.libseccomp
        var generator = RandomPolicyGenerator(seed: 0x5EC_C0_4D, table: table)
        var inputCount = 0
        for index in 0..<500 {
            let policy = generator.policy()
            let reference = try SeccompContext(expressing: policy).exportBPF()
            let filter = try policy.compileFilter(table: table)
            try BPFEmulator.validate(filter.instructions)
            for input in generator.inputs(for: policy) {
                inputCount += 1
                let expected = BPFEmulator.run(reference, on: input)
                let actual = BPFEmulator.run(filter.instructions, on: input)
                let semantic = filter.decisions
                    .decide(auditArch: input.arch, nr: input.nr, arguments: input.arguments).action.seccompReturnValue
                if expected != actual || expected != semantic {
                    Issue.record("policy \(index): \(reference.map { "\($0.code) \($0.jt) \($0.jf) \(hex($0.k))" }.joined(separator: "\n"))\n \(input) libseccomp \(hex(expected)) sysfence \(hex(actual)) model \(hex(semantic))\n\(policy)")
                    return
                }
            }
        }
        #expect(inputCount >= 200_000)
    }
}

func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }
