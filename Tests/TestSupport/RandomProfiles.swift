import Sysfence

/// Random OCI profiles that stress how libseccomp merges rules: a few syscalls named again and
/// again, with conditional and unconditional rules of different actions, tests on the same and on
/// different arguments (so runc splits some entries), masks, 64-bit and sign-extended values.
public enum RandomProfiles {
    static let syscallPool = ["socket", "personality", "clone", "read", "ioctl", "open", "arch_prctl", "chown32",
                        "shmget", "mmap", "kill", "prctl"]
    static let values: [UInt64] = [0, 1, 2, 9, 16, 38, 40, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
                                   0x1_0000_0005, 0xFFFF_FFFF_FFFF_FF9C, 0x7E02_0000, .max]
    static let actions: [Action] = [.allow, .errno(1), .errno(38), .killThread, .killProcess, .trap, .log, .trace(7)]

    /// One random profile.
    public static func profile(using generator: inout SeededGenerator) -> SeccompProfile {
        let defaultAction = [Action.errno(1), .killProcess, .allow, .errno(38)].randomElement(using: &generator)!
        var architectures: [SeccompArchitecture] = []
        for arch in [Arch.x86_64, .x86, .x32] where Bool.random(using: &generator) { architectures.append(SeccompArchitecture(arch)) }
        var syscalls: [SeccompSyscallRule] = []
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
            let names = (0..<Int.random(in: 1...3, using: &generator)).map { _ in syscallPool.randomElement(using: &generator)! }
            var arguments: [SeccompArgument] = []
            for _ in 0..<[0, 0, 1, 1, 2, 3].randomElement(using: &generator)! {
                let op = SeccompOperator.allCases.randomElement(using: &generator)!
                let index = Int.random(in: 0...2, using: &generator)
                let shift = UInt64.random(in: 0...63, using: &generator)
                let value = Bool.random(using: &generator) ? values.randomElement(using: &generator)! : generator.next() >> shift
                let valueTwo = op == .maskedEqual ? values.randomElement(using: &generator)! & value : 0
                arguments.append(SeccompArgument(index: index, value: value, valueTwo: valueTwo, op: op))
            }
            syscalls.append(SeccompSyscallRule(names: names, action: actions.randomElement(using: &generator)!, arguments: arguments,
                                               comment: Bool.random(using: &generator) ? "rule \(syscalls.count)" : nil))
        }
        return SeccompProfile(defaultAction: defaultAction, architectures: architectures, syscalls: syscalls)
    }
}
