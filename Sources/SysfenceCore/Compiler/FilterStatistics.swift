/// Measurements of a compiled filter: its size, how many instructions syscalls take to reach
/// their verdict, and which verdicts the kernel's constant-action cache can skip.
public struct FilterStatistics: Codable, Sendable {
    /// Figures for one admitted arch.
    public struct ArchFigures: Codable, Sendable {
        public var arch: String
        /// Instructions reachable from this arch's section of the program.
        public var reachableInstructions: Int
        /// Syscalls the arch knows.
        public var syscalls: Int
        /// Syscalls whose verdict does not depend on their arguments.
        public var argumentFree: Int
        /// The syscalls whose verdict does depend on their arguments, by name.
        public var argumentDependent: [String]
        /// Of those, how many reach their verdict through `nr`/`arch` loads and constant jumps only.
        public var argumentFreeConstant: Int
        /// Argument-free allows, and how many of them the kernel caches.
        public var argumentFreeAllows: Int
        public var cachedAllows: Int
        /// Instructions executed per syscall (zero arguments), weighted by the frequency table.
        public var weightedMeanPath: Double
        /// The most instructions any syscall of this arch executes with zero arguments.
        public var longestSyscallPath: Int
    }

    public var instructions: Int
    /// The most instructions any input can execute.
    public var longestPath: Int
    public var arches: [ArchFigures]

    public init(filter: SeccompFilter, table: SyscallTable, frequencies: SyscallFrequencies) {
        let program = filter.instructions
        instructions = program.count
        longestPath = Self.longestPath(program)
        arches = filter.decisions.arches.map { decisions in
            let arch = decisions.arch
            let auditArch = arch.auditArch
            var figures = ArchFigures(arch: arch.rawValue, reachableInstructions: 0, syscalls: 0, argumentFree: 0, argumentDependent: [], argumentFreeConstant: 0,
                                      argumentFreeAllows: 0, cachedAllows: 0, weightedMeanPath: 0, longestSyscallPath: 0)
            var weightedSteps = 0.0, totalWeight = 0.0
            for (name, number) in table.syscalls(on: arch).map({ ($0.name, $0.number) })
            where filter.decisions.arch(auditArch: auditArch, nr: number)?.arch == arch {
                figures.syscalls += 1
                var steps = 0
                _ = BPFEmulator.run(program, on: SeccompData(nr: number, arch: auditArch)) { _ in steps += 1 }
                let weight = frequencies.weight(of: name)
                weightedSteps += Double(steps) * weight
                totalWeight += weight
                figures.longestSyscallPath = max(figures.longestSyscallPath, steps)
                let decision = decisions.decision(for: number)
                guard decision.isArgumentFree else {
                    figures.argumentDependent.append(name)
                    continue
                }
                figures.argumentFree += 1
                let constant = BPFEmulator.constantResult(program, arch: auditArch, nr: number)
                if constant == decision.fallback.action.seccompReturnValue { figures.argumentFreeConstant += 1 }
                if decision.fallback.action == .allow {
                    figures.argumentFreeAllows += 1
                    if constant == Action.allow.seccompReturnValue { figures.cachedAllows += 1 }
                }
            }
            figures.weightedMeanPath = totalWeight > 0 ? weightedSteps / totalWeight : 0
            figures.reachableInstructions = Self.reachable(program, auditArch: auditArch)
            return figures
        }
    }

    /// The longest path through the program; jumps only go forward, so one backward pass suffices.
    static func longestPath(_ program: [BPFInstruction]) -> Int {
        var longest = [Int](repeating: 1, count: program.count)
        for pc in program.indices.reversed() {
            let successors = successors(of: pc, in: program)
            longest[pc] = 1 + (successors.map { longest[$0] }.max() ?? 0)
        }
        return longest.first ?? 0
    }

    /// How many instructions a call of this audit arch can reach: jumps that test the loaded
    /// `arch` are followed on the side this arch takes, every other jump on both sides.
    static func reachable(_ program: [BPFInstruction], auditArch: UInt32) -> Int {
        var seen = Set<Int>()
        var work: [(pc: Int, holdsArch: Bool)] = [(0, false)]
        while let (pc, holdsArch) = work.popLast() {
            guard pc < program.count, seen.insert(pc).inserted else { continue }
            let i = program[pc]
            if i.code == BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs {
                work.append((pc + 1, i.k == SeccompDataOffset.arch))
            } else if holdsArch, i.code == BPFOpcode.jmp | BPFOpcode.jeq | BPFOpcode.k {
                work.append((pc + 1 + Int(i.k == auditArch ? i.jt : i.jf), true))
            } else {
                work += successors(of: pc, in: program).map { ($0, holdsArch && i.code & 0x07 == BPFOpcode.jmp) }
            }
        }
        return seen.count
    }

    static func successors(of pc: Int, in program: [BPFInstruction]) -> [Int] {
        let i = program[pc]
        switch i.code & 0x07 {
        case BPFOpcode.ret: return []
        case BPFOpcode.jmp:
            if i.code == BPFOpcode.jmp | BPFOpcode.ja { return [pc + 1 + Int(i.k)] }
            return [pc + 1 + Int(i.jt), pc + 1 + Int(i.jf)]
        default: return [pc + 1]
        }
    }
}
