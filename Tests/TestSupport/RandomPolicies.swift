import Sysfence

/// A small, fast, seedable generator (SplitMix64), so that every random test can be replayed.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random policies within what libseccomp expresses the same way: names only, conditions that
/// are conjunctions with one comparison per argument, and one rule per syscall. (Two conditional
/// rules on one syscall trip a libseccomp 2.5 code-generation bug; see LibseccompBugTests.)
public struct RandomPolicyGenerator {
    public var generator: SeededGenerator
    let table: SyscallTable

    /// Syscalls that libseccomp also rewrites into `socketcall`/`ipc` rules on x86.
    static let multiplexedOnX86: Set<String> = [
        "socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername", "socketpair", "send",
        "recv", "sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt", "sendmsg", "recvmsg", "accept4",
        "recvmmsg", "sendmmsg", "semop", "semget", "semctl", "semtimedop", "msgsnd", "msgrcv", "msgget",
        "msgctl", "shmat", "shmdt", "shmget", "shmctl", "socketcall", "ipc",
    ]

    public init(seed: UInt64, table: SyscallTable) {
        generator = SeededGenerator(seed: seed)
        self.table = table
    }

    public static let interestingValues: [UInt64] = [
        0, 1, 2, 3, 7, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001,
        0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FF9C, .max,
    ]

    mutating func value() -> UInt64 {
        Bool.random(using: &generator) ? Self.interestingValues.randomElement(using: &generator)!
            : UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64.random(in: 0...63, using: &generator)
    }

    mutating func action() -> Action {
        switch Int.random(in: 0..<8, using: &generator) {
        case 0: return .allow
        case 1: return .log
        case 2: return .errno(UInt16.random(in: 1...3999, using: &generator))
        case 3: return .trap
        case 4: return .trace(UInt16.random(in: 0...65535, using: &generator))
        case 5: return .killProcess
        case 6: return .killThread
        default: return .allow
        }
    }

    mutating func comparison(argument: Int) -> Condition {
        let value = self.value()
        if Int.random(in: 0..<7, using: &generator) == 0 {
            let mask = self.value() | 1
            if Bool.random(using: &generator) {
                return .comparison(Comparison(argument: argument, width: .low32, mask: mask, op: .equal, value: value & mask))
            }
            return .comparison(Comparison(argument: argument, mask: mask, op: .equal, value: value & mask))
        }
        let op = ComparisonOperator.allCases.randomElement(using: &generator)!
        return .comparison(Comparison(argument: argument, op: op, value: value))
    }

    /// A random policy; `rules` bounds the number of rules. s390x is left out: libseccomp 2.5
    /// exports a big-endian program with its bad-arch return value in host byte order.
    public mutating func policy(rules: ClosedRange<Int> = 1...30) -> Policy {
        let archChoices: [[Arch]] = [[.x86_64], [.x86_64, .x86], [.x86_64, .x32], [.x86_64, .x32, .x86], [.aarch64],
                                     [.aarch64, .arm], [.riscv64], [.x86], [.arm, .x86_64], [.ppc64le]]
        let arches = archChoices.randomElement(using: &generator)!
        // Names missing on the native arch reach libseccomp as negative pseudo-numbers, which it
        // does not always translate back (sys_debug_setcontext on ppc64le is dropped), so leave them out.
        var names = table.allNames.filter { name in
            arches.contains { table.number(of: name, on: $0) != nil } && table.number(of: name, on: .native) != nil
        }
        if arches.contains(.x86) { names.removeAll(where: Self.multiplexedOnX86.contains) }
        var used: [String: Action] = [:]
        var policyRules: [Rule] = []
        let defaultAction = action()
        for _ in 0..<Int.random(in: rules, using: &generator) {
            let ruleAction = action()
            var syscalls: [SyscallSelector] = []
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let name = names.randomElement(using: &generator)!
                guard used[name] == nil else { continue }
                used[name] = ruleAction
                syscalls.append(.name(name))
            }
            guard !syscalls.isEmpty else { continue }
            var condition: Condition?
            if Int.random(in: 0..<10, using: &generator) >= 3 {
                let arguments = Array(0..<6).shuffled(using: &generator).prefix(Int.random(in: 1...3, using: &generator))
                let terms = arguments.map { comparison(argument: $0) }
                condition = terms.count == 1 ? terms[0] : .and(terms)
            }
            policyRules.append(Rule(action: ruleAction, syscalls: syscalls, condition: condition))
        }
        return Policy(defaultAction: defaultAction, arches: arches, badArchAction: action(), rules: policyRules)
    }

    /// Inputs that reach every boundary of a policy: every known number of each arch, the x32
    /// range and -1, numbers between, an arch the policy lacks, and for syscalls with conditions,
    /// argument vectors built from each constant v as v-1, v, v+1 and its high-word variants.
    public mutating func inputs(for policy: Policy, argumentVectors: Int = 24) -> [SeccompData] {
        var constants: Set<UInt64> = [0, .max]
        for rule in policy.rules {
            for c in rule.condition?.comparisons ?? [] {
                for v in [c.value, c.effectiveValue, c.mask & c.value] {
                    for w in [v &- 1, v, v &+ 1] {
                        constants.formUnion([w, w & 0xFFFF_FFFF, w | 0xFFFF_FFFF_0000_0000, w ^ 0x1_0000_0000])
                    }
                }
            }
        }
        let values = Array(constants)
        var inputs: [SeccompData] = []
        var auditArches = Set(policy.arches.map(\.auditArch))
        auditArches.insert(Arch.riscv64.auditArch == policy.arches.first!.auditArch ? Arch.s390x.auditArch : Arch.riscv64.auditArch)
        for auditArch in auditArches {
            var numbers: Set<UInt32> = [0, 1, 0x3FFF_FFFF, 0x4000_0000, 0x4000_0001, 0x4000_0200, 0x7FFF_FFFF, 0x8000_0000,
                                        0xFFFF_FFFE, .max, 0x000F_0005]
            for arch in Arch.allCases where arch.auditArch == auditArch {
                for entry in table.syscalls(on: arch) { numbers.formUnion([entry.number, entry.number &+ 1]) }
            }
            for _ in 0..<32 { numbers.insert(UInt32.random(in: 0...UInt32.max, using: &generator)) }
            for number in numbers {
                inputs.append(SeccompData(nr: number, arch: auditArch, arguments: []))
            }
            for rule in policy.rules where rule.condition != nil {
                for arch in policy.arches where arch.auditArch == auditArch {
                    for selector in rule.syscalls {
                        guard let number = selector.number(on: arch, table: table) else { continue }
                        for _ in 0..<argumentVectors {
                            let arguments = (0..<6).map { _ in values.randomElement(using: &generator)! }
                            inputs.append(SeccompData(nr: number, arch: auditArch, arguments: arguments))
                        }
                    }
                }
            }
        }
        return inputs
    }
}

extension RandomPolicyGenerator {
    /// A condition tree of any shape the model allows: nested and/or/not, masks, 32-bit views.
    mutating func anyCondition(depth: Int = 0) -> Condition {
        let choice = depth >= 3 ? 0 : Int.random(in: 0..<6, using: &generator)
        switch choice {
        case 1, 2:
            let terms = (0..<Int.random(in: 2...3, using: &generator)).map { _ in anyCondition(depth: depth + 1) }
            return choice == 1 ? .and(terms) : .or(terms)
        case 3:
            return .not(anyCondition(depth: depth + 1))
        default:
            let argument = Int.random(in: 0..<6, using: &generator)
            let width: ArgumentWidth = Bool.random(using: &generator) ? .full : .low32
            let mask = Int.random(in: 0..<4, using: &generator) == 0 ? value() : UInt64.max
            let op = ComparisonOperator.allCases.randomElement(using: &generator)!
            return .comparison(Comparison(argument: argument, width: width, mask: mask, op: op, value: value()))
        }
    }

    /// A policy using everything the model has: overlapping rules with different actions, any
    /// condition, per-rule arches, raw numbers; on `arches`, or on a random combination.
    public mutating func anyPolicy(rules: ClosedRange<Int> = 1...40, arches given: [Arch]? = nil) -> Policy {
        let arches = given ?? Array(Arch.allCases.shuffled(using: &generator).prefix(Int.random(in: 1...4, using: &generator)))
        let names = table.allNames.filter { name in arches.contains { table.number(of: name, on: $0) != nil } }
        // A small pool, so rules overlap often.
        let pool = (0..<12).map { _ in names.randomElement(using: &generator)! }
        var policyRules: [Rule] = []
        for _ in 0..<Int.random(in: rules, using: &generator) {
            let ruleArches = Int.random(in: 0..<5, using: &generator) == 0 ? [arches.randomElement(using: &generator)!] : nil
            // A name must exist on at least one of the rule's arches.
            let usable = pool.filter { name in (ruleArches ?? arches).contains { table.number(of: name, on: $0) != nil } }
            var syscalls: [SyscallSelector] = (0..<Int.random(in: 1...3, using: &generator)).compactMap { _ in usable.randomElement(using: &generator).map(SyscallSelector.name) }
            if Int.random(in: 0..<10, using: &generator) == 0 { syscalls.append(.number(UInt32.random(in: 0...600, using: &generator))) }
            guard !syscalls.isEmpty else { continue }
            let condition = Int.random(in: 0..<10, using: &generator) < 3 ? nil : anyCondition()
            policyRules.append(Rule(action: action(), syscalls: syscalls, condition: condition, arches: ruleArches))
        }
        return Policy(defaultAction: action(), arches: arches, badArchAction: action(), rules: policyRules)
    }
}
