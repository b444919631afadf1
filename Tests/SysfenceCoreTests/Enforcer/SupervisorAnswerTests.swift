import SysfenceCore
import Testing

/// What the supervisor answers for each action, so the program sees the action's effect.
struct SupervisorAnswerTests {
    static let x86_64Call = SeccompData(nr: 107, arch: Arch.x86_64.auditArch, arguments: [9, 8])
    static let aarch64Call = SeccompData(nr: 175, arch: Arch.aarch64.auditArch, arguments: [9, 8])

    @Test("Enforcing: each action's answer", arguments: [
        (Action.allow, SupervisorAnswer.letContinue), (.log, .letContinue), (.notify, .letContinue),
        (.errno(13), .fail(errno: 13)), (.errno(0), .fail(errno: 0)), (.trace(7), .fail(errno: 38)),
        (.trap, .trap(returnValue: 107)), (.killProcess, .kill(returnValue: 107)), (.killThread, .kill(returnValue: 107)),
    ])
    func enforcing(action: Action, answer: SupervisorAnswer) {
        #expect(SupervisorAnswer(carryingOut: action, for: Self.x86_64Call, mode: .enforce) == answer)
    }

    @Test("Auditing: every call runs", arguments: [Action.errno(1), .trap, .killProcess, .killThread, .trace(1), .log, .notify])
    func auditing(action: Action) {
        #expect(SupervisorAnswer(carryingOut: action, for: Self.x86_64Call, mode: .audit) == .letContinue)
    }

    @Test("A trap's return register is the rolled-back one: the number on x86, the first argument elsewhere")
    func rolledBack() {
        #expect(SupervisorAnswer(carryingOut: .trap, for: Self.aarch64Call, mode: .enforce) == .trap(returnValue: 9))
        let x86 = SeccompData(nr: 20, arch: Arch.x86.auditArch, arguments: [3])
        #expect(SupervisorAnswer(carryingOut: .trap, for: x86, mode: .enforce) == .trap(returnValue: 20))
        let x32 = SeccompData(nr: Arch.x32SyscallBit | 39, arch: Arch.x32.auditArch, arguments: [3])
        #expect(SupervisorAnswer(carryingOut: .killProcess, for: x32, mode: .enforce) == .kill(returnValue: 0x4000_0027))
    }
}
