import Sysfence
import Testing
import TestSupport

/// The optimized program against the plain linear one and against the model's own semantics,
/// on policies using every feature, and the kernel's constant-action cache on every verdict
/// that does not depend on arguments.
@Suite struct OptimizerPropertyTests {
    let table = SyscallTable.libseccomp

    @Test func optimizedDecidesLikeUnoptimizedAndModel() throws {
        var generator = RandomPolicyGenerator(seed: 0xF17E_5EED, table: table)
        var inputCount = 0
        for index in 0..<300 {
            let policy = generator.anyPolicy()
            let optimized = try policy.compileFilter(table: table)
            let plain = try policy.compileFilter(table: table, options: CompileOptions(optimize: false))
            try BPFEmulator.validate(optimized.instructions)
            try BPFEmulator.validate(plain.instructions)
            for input in generator.inputs(for: policy, argumentVectors: 16) {
                inputCount += 1
                let model = optimized.decisions.decide(auditArch: input.arch, nr: input.nr, arguments: input.arguments)
                let fast = BPFEmulator.run(optimized.instructions, on: input)
                let slow = BPFEmulator.run(plain.instructions, on: input)
                guard fast == model.action.seccompReturnValue, slow == fast else {
                    Issue.record("policy \(index) input \(input): model \(model.action) optimized \(hex(fast)) plain \(hex(slow))\n\(policy)")
                    return
                }
            }
        }
        #expect(inputCount >= 100_000)
    }

    @Test func everyArgumentFreeVerdictIsConstantForTheKernelCache() throws {
        var generator = RandomPolicyGenerator(seed: 0xCAC4E, table: table)
        for _ in 0..<200 {
            let policy = generator.anyPolicy()
            let filter = try policy.compileFilter(table: table)
            for arch in filter.decisions.arches {
                for (name, number) in table.syscalls(on: arch.arch).map({ ($0.name, $0.number) }) {
                    guard filter.decisions.arch(auditArch: arch.arch.auditArch, nr: number)?.arch == arch.arch else { continue }
                    let decision = arch.decision(for: number)
                    guard decision.isArgumentFree else { continue }
                    let constant = BPFEmulator.constantResult(filter.instructions, arch: arch.arch.auditArch, nr: number)
                    #expect(constant == decision.fallback.action.seccompReturnValue, "\(arch.arch) \(name)")
                }
            }
        }
    }

    @Test func farJumpsGetTrampolinesAndStayExact() throws {
        // Hundreds of syscalls with argument checks push the shared returns far past 255 instructions.
        let names = table.syscalls(on: .x86_64).map(\.name).prefix(300)
        let rules = names.enumerated().map { i, name in
            Rule(action: i % 2 == 0 ? .allow : .errno(UInt16(i)), syscalls: [.name(name)],
                 condition: .comparison(Comparison(argument: i % 6, op: .equal, value: UInt64(i) << 33 | 7)))
        }
        let policy = Policy(defaultAction: .killProcess, arches: [.x86_64], rules: rules)
        let filter = try policy.compileFilter(table: table)
        try BPFEmulator.validate(filter.instructions)
        #expect(filter.instructions.count > 1000)
        for (i, name) in names.enumerated() {
            let nr = table.number(of: name, on: .x86_64)!
            var arguments = [UInt64](repeating: 0, count: 6)
            arguments[i % 6] = UInt64(i) << 33 | 7
            let hit = BPFEmulator.run(filter.instructions, on: SeccompData(nr: nr, arch: Arch.x86_64.auditArch, arguments: arguments))
            #expect(hit == (i % 2 == 0 ? Action.allow : .errno(UInt16(i))).seccompReturnValue)
            arguments[i % 6] ^= 1 << 40
            let miss = BPFEmulator.run(filter.instructions, on: SeccompData(nr: nr, arch: Arch.x86_64.auditArch, arguments: arguments))
            #expect(miss == Action.killProcess.seccompReturnValue)
        }
    }

    @Test func programsOverTheKernelLimitAreRefused() throws {
        let names = table.syscalls(on: .x86_64).map(\.name)
        // Distinct 64-bit constants per syscall, so no two argument checks can be shared.
        let rules = names.enumerated().map { i, name in
            Rule(action: .allow, syscalls: [.name(name)],
                 condition: .or((0..<6).map { .comparison(Comparison(argument: $0, op: .greater, value: UInt64(i * 8 + $0) << 36 | UInt64(i))) }))
        }
        let policy = Policy(defaultAction: .killProcess, arches: [.x86_64, .x86], rules: rules, sourceFile: "big.yaml")
        #expect(throws: DiagnosticsError.self) { try policy.compileFilter(table: table) }
        do {
            _ = try policy.compileFilter(table: table)
        } catch {
            #expect(error.description.hasPrefix("big.yaml:1:1: error: the compiled filter has "))
            #expect(error.description.hasSuffix(" instructions; the kernel accepts at most 4096"))
        }
    }

    @Test func aConditionOfThousandsOfTermsCompilesWithoutExhaustingTheStack() throws {
        let terms = (0..<5_000).map { Condition.comparison(Comparison(argument: $0 % 6, op: .equal, value: UInt64($0) << 20)) }
        let policy = Policy(defaultAction: .errno(1), arches: [.x86_64], rules: [Rule(action: .allow, syscalls: [.name("read")], condition: .or(terms))],
                            sourceFile: "long.yaml")
        #expect(throws: DiagnosticsError.self) { try policy.compileFilter(table: table) }
        let fits = Policy(defaultAction: .errno(1), arches: [.x86_64],
                          rules: [Rule(action: .allow, syscalls: [.name("read")], condition: .or(Array(terms.prefix(600))))])
        let filter = try fits.compileFilter(table: table)
        let nr = table.number(of: "read", on: .x86_64)!
        for value: UInt64 in [0, 1 << 20, 599 << 20, 600 << 20] {
            var arguments = [UInt64](repeating: 0, count: 6)
            arguments[Int(value >> 20) % 6] = value
            let input = SeccompData(nr: nr, arch: Arch.x86_64.auditArch, arguments: arguments)
            #expect(BPFEmulator.run(filter.instructions, on: input)
                    == filter.decisions.decide(auditArch: input.arch, nr: nr, arguments: arguments).action.seccompReturnValue)
        }
    }
}
