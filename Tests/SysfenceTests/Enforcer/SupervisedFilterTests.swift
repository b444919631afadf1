import Sysfence
import Testing
import TestSupport

/// The filter a supervised run installs hands over exactly the calls the policy does not allow.
@Suite struct SupervisedFilterTests {
    @Test("On random policies and inputs, the supervised filter allows what the policy allows and notifies the rest")
    func notifiesExactlyTheRest() throws {
        let table = SyscallTable.libseccomp
        var generator = RandomPolicyGenerator(seed: 0x5_0F_E2_71, table: table)
        var notified = 0, allowed = 0
        for _ in 0..<200 {
            let policy = generator.anyPolicy()
            let supervised = try policy.handingDecisionsToSupervisor.compileFilter(table: table)
            let original = DecisionProgram(policy: policy, table: table)
            for input in generator.inputs(for: policy) {
                let verdict = original.decide(auditArch: input.arch, nr: input.nr, arguments: input.arguments)
                let returned = Action(seccompReturnValue: BPFEmulator.run(supervised.instructions, on: input))
                #expect(returned == (verdict.action == .allow ? .allow : .notify), "\(input) in \(policy)")
                if returned == .allow { allowed += 1 } else { notified += 1 }
                // The supervisor decides with the original policy: the same rule as the supervised one.
                #expect(supervised.decisions.decide(auditArch: input.arch, nr: input.nr, arguments: input.arguments).rule
                        == verdict.rule)
            }
        }
        #expect(allowed > 1000 && notified > 1000)
    }
}
