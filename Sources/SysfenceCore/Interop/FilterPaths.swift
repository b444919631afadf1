/// A test a classic-BPF filter makes on one 32-bit word of a syscall argument:
/// `(word & mask) == constant`, `>`, `>=`, or `(word & mask) & constant != 0`.
struct FilterWordTest: Hashable, Sendable {
    enum Op: Hashable, Sendable { case equal, greater, greaterOrEqual, anySet }

    var argument: Int
    /// The high word of the 64-bit argument, else the low word.
    var isHighWord: Bool
    var mask: UInt32
    var op: Op
    var constant: UInt32

    /// Whether the test holds for the argument value `x`.
    func holds(_ x: UInt64) -> Bool {
        let word = UInt32(truncatingIfNeeded: isHighWord ? x >> 32 : x) & mask
        switch op {
        case .equal: return word == constant
        case .greater: return word > constant
        case .greaterOrEqual: return word >= constant
        case .anySet: return word & constant != 0
        }
    }

    /// The outcome when it does not depend on the argument (`nil` when it does).
    var constantOutcome: Bool? {
        switch op {
        case .equal: return constant & ~mask != 0 ? false : nil
        case .greater: return constant >= mask ? false : nil
        case .greaterOrEqual: return constant == 0 ? true : (constant > mask ? false : nil)
        case .anySet: return mask & constant == 0 ? false : nil
        }
    }

    /// The same test, or its negation when `outcome` is false, as a comparison on the whole argument.
    func comparison(outcome: Bool) -> Comparison {
        var result: Comparison
        if isHighWord {
            let wideMask = UInt64(mask) << 32
            switch op {
            case .equal: result = Comparison(argument: argument, mask: wideMask, op: .equal, value: UInt64(constant) << 32)
            case .greater: result = Comparison(argument: argument, mask: wideMask, op: .greater, value: UInt64(constant) << 32 | 0xFFFF_FFFF)
            case .greaterOrEqual: result = Comparison(argument: argument, mask: wideMask, op: .greaterOrEqual, value: UInt64(constant) << 32)
            case .anySet: result = Comparison(argument: argument, mask: UInt64(mask & constant) << 32, op: .notEqual, value: 0)
            }
        } else {
            switch op {
            case .equal: result = Comparison(argument: argument, width: .low32, mask: UInt64(mask), op: .equal, value: UInt64(constant))
            case .greater: result = Comparison(argument: argument, width: .low32, mask: UInt64(mask), op: .greater, value: UInt64(constant))
            case .greaterOrEqual: result = Comparison(argument: argument, width: .low32, mask: UInt64(mask), op: .greaterOrEqual, value: UInt64(constant))
            case .anySet: result = Comparison(argument: argument, width: .low32, mask: UInt64(mask & constant), op: .notEqual, value: 0)
            }
            if result.mask == 0xFFFF_FFFF { result.mask = .max }
        }
        if !outcome { result.op = result.op.negated }
        return result
    }
}

extension Comparison {
    /// The comparison on the whole argument that a 32-bit ABI reads exactly as this one: the
    /// `u32()` view dropped (those ABIs compare the low word only).
    var widened: Comparison {
        guard width == .low32 else { return self }
        var result = self
        result.width = .full
        result.mask = effectiveMask == 0xFFFF_FFFF ? .max : effectiveMask
        result.value = effectiveValue
        return result
    }
}

extension Condition {
    /// The condition with every `u32()` view dropped; see `Comparison.widened`.
    var widened: Condition {
        switch self {
        case .comparison(let c): return .comparison(c.widened)
        case .and(let terms): return .and(terms.map(\.widened))
        case .or(let terms): return .or(terms.map(\.widened))
        case .not(let inner): return .not(inner.widened)
        }
    }
}

/// One way through a filter for a fixed arch and syscall number: the argument tests passed or
/// failed on the way, and the value returned. The paths of one (arch, nr) partition the arguments.
struct FilterPath: Sendable {
    var tests: [(test: FilterWordTest, outcome: Bool)]
    var result: UInt32

    func holds(_ arguments: [UInt64]) -> Bool {
        tests.allSatisfy { $0.test.holds(arguments[$0.test.argument]) == $0.outcome }
    }
}

/// Why a filter could not be followed symbolically.
struct FilterWalkError: Error, CustomStringConvertible {
    var index: Int
    var reason: String
    var description: String { "instruction \(index): \(reason)" }
}

extension FilterPath {
    /// Every path through `program` for one arch and syscall number, following both ways of each
    /// test on an argument word. Handles what libseccomp emits: loads of `nr`, `arch` and argument
    /// words, `AND` with a constant, jumps on constants, `RET K`.
    static func all(in program: [BPFInstruction], auditArch: UInt32, nr: UInt32, limit: Int = 50_000) throws(FilterWalkError) -> [FilterPath] {
        enum Accumulator { case constant(UInt32), word(argument: Int, high: Bool, mask: UInt32) }
        let littleEndian = auditArch & 0x4000_0000 != 0
        var paths: [FilterPath] = []
        var stack: [(pc: Int, a: Accumulator, tests: [(test: FilterWordTest, outcome: Bool)])] = [(0, .constant(0), [])]
        while let state = stack.popLast() {
            var pc = state.pc, a = state.a, tests = state.tests
            walking: while true {
                guard pc < program.count else { throw FilterWalkError(index: pc, reason: "the program runs past its end") }
                let instruction = program[pc]
                let k = instruction.k
                pc += 1
                switch instruction.code {
                case BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs:
                    switch k {
                    case SeccompDataOffset.nr: a = .constant(nr)
                    case SeccompDataOffset.arch: a = .constant(auditArch)
                    case 16..<SeccompDataOffset.size where k % 4 == 0:
                        let isFirstWord = (k / 4) % 2 == 0
                        a = .word(argument: Int(k - 16) / 8, high: isFirstWord != littleEndian, mask: .max)
                    default: throw FilterWalkError(index: pc - 1, reason: "loads offset \(k) of seccomp_data")
                    }
                case BPFOpcode.alu | BPFOpcode.and | BPFOpcode.k:
                    switch a {
                    case .constant(let value): a = .constant(value & k)
                    case .word(let argument, let high, let mask): a = .word(argument: argument, high: high, mask: mask & k)
                    }
                case BPFOpcode.ret | BPFOpcode.k:
                    paths.append(FilterPath(tests: tests, result: k))
                    guard paths.count <= limit else { throw FilterWalkError(index: pc - 1, reason: "more than \(limit) paths") }
                    break walking
                case BPFOpcode.jmp | BPFOpcode.ja:
                    pc += Int(k)
                case BPFOpcode.jmp | BPFOpcode.jeq | BPFOpcode.k, BPFOpcode.jmp | BPFOpcode.jgt | BPFOpcode.k,
                     BPFOpcode.jmp | BPFOpcode.jge | BPFOpcode.k, BPFOpcode.jmp | BPFOpcode.jset | BPFOpcode.k:
                    let op: FilterWordTest.Op
                    switch instruction.code & 0xF0 {
                    case BPFOpcode.jeq: op = .equal
                    case BPFOpcode.jgt: op = .greater
                    case BPFOpcode.jge: op = .greaterOrEqual
                    default: op = .anySet
                    }
                    let taken = pc + Int(instruction.jt), notTaken = pc + Int(instruction.jf)
                    switch a {
                    case .constant(let value):
                        let holds = FilterWordTest(argument: 0, isHighWord: false, mask: .max, op: op, constant: k).holds(UInt64(value))
                        pc = holds ? taken : notTaken
                    case .word(let argument, let high, let mask):
                        let test = FilterWordTest(argument: argument, isHighWord: high, mask: mask, op: op, constant: k)
                        if let outcome = test.constantOutcome ?? tests.first(where: { $0.test == test })?.outcome {
                            pc = outcome ? taken : notTaken
                        } else {
                            stack.append((notTaken, a, tests + [(test, false)]))
                            tests.append((test, true))
                            pc = taken
                        }
                    }
                default:
                    throw FilterWalkError(index: pc - 1, reason: "opcode 0x\(String(instruction.code, radix: 16)) is not followed")
                }
            }
        }
        return paths
    }
}
