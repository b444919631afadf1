/// Why the kernel would refuse a classic-BPF seccomp program.
public struct BPFProgramError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending instruction, if one is to blame.
    public var index: Int?
    public var reason: String

    public var description: String {
        if let index { return "instruction \(index): \(reason)" }
        return reason
    }
}

/// One executed step, for `--trace`: the instruction and the registers before it ran.
public struct BPFTraceStep: Hashable, Sendable {
    public var index: Int
    public var instruction: BPFInstruction
    public var accumulator: UInt32
    public var indexRegister: UInt32
}

/// Runs classic-BPF seccomp programs the way the kernel does, in Swift.
public enum BPFEmulator {
    /// Checks what the kernel's `bpf_check_classic` and `seccomp_check_filter` check: length,
    /// known opcodes only, aligned loads inside `seccomp_data`, jumps inside the program,
    /// scratch memory indexes, and a return at the end.
    public static func validate(_ program: [BPFInstruction]) throws(BPFProgramError) {
        guard !program.isEmpty else { throw BPFProgramError(reason: "the program is empty") }
        guard program.count <= BPFInstruction.maximumProgramLength else {
            throw BPFProgramError(reason: "\(program.count) instructions, more than the kernel's limit of \(BPFInstruction.maximumProgramLength)")
        }
        for (index, instruction) in program.enumerated() {
            let code = instruction.code, k = instruction.k
            func fail(_ reason: String) -> BPFProgramError { BPFProgramError(index: index, reason: reason) }
            switch code & 0x07 {
            case BPFOpcode.ld, BPFOpcode.ldx:
                let isLd = code & 0x07 == BPFOpcode.ld
                switch code {
                case BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs:
                    guard k % 4 == 0, k < SeccompDataOffset.size else { throw fail("load outside seccomp_data or unaligned (offset \(k))") }
                case BPFOpcode.ld | BPFOpcode.w | BPFOpcode.len, BPFOpcode.ldx | BPFOpcode.w | BPFOpcode.len,
                     BPFOpcode.ld | BPFOpcode.imm, BPFOpcode.ldx | BPFOpcode.imm:
                    break
                case BPFOpcode.ld | BPFOpcode.mem, BPFOpcode.ldx | BPFOpcode.mem:
                    guard k < 16 else { throw fail("scratch memory index \(k) out of range") }
                default:
                    throw fail("\(isLd ? "load" : "index load") mode 0x\(String(code, radix: 16)) is not allowed in seccomp")
                }
            case BPFOpcode.st, BPFOpcode.stx:
                guard code & ~0x07 == 0 else { throw fail("unknown store opcode 0x\(String(code, radix: 16))") }
                guard k < 16 else { throw fail("scratch memory index \(k) out of range") }
            case BPFOpcode.alu:
                let op = code & 0xF0
                guard [BPFOpcode.add, BPFOpcode.sub, BPFOpcode.mul, BPFOpcode.div, BPFOpcode.or, BPFOpcode.and,
                       BPFOpcode.lsh, BPFOpcode.rsh, BPFOpcode.neg, BPFOpcode.mod, BPFOpcode.xor].contains(op),
                      code & ~0xF8 == BPFOpcode.alu
                else { throw fail("unknown ALU opcode 0x\(String(code, radix: 16))") }
                if code & BPFOpcode.x == 0, op == BPFOpcode.div || op == BPFOpcode.mod, k == 0 {
                    throw fail("division by constant zero")
                }
                if code & BPFOpcode.x == 0, op == BPFOpcode.lsh || op == BPFOpcode.rsh, k >= 32 {
                    throw fail("shift by \(k) bits")
                }
            case BPFOpcode.jmp:
                let op = code & 0xF0
                if op == BPFOpcode.ja {
                    guard code == BPFOpcode.jmp else { throw fail("unknown jump opcode 0x\(String(code, radix: 16))") }
                    guard UInt64(index) + 1 + UInt64(k) < UInt64(program.count) else { throw fail("jump past the end") }
                } else {
                    guard [BPFOpcode.jeq, BPFOpcode.jgt, BPFOpcode.jge, BPFOpcode.jset].contains(op), code & ~0xF8 == BPFOpcode.jmp
                    else { throw fail("unknown jump opcode 0x\(String(code, radix: 16))") }
                    guard index + 1 + Int(max(instruction.jt, instruction.jf)) < program.count else { throw fail("jump past the end") }
                }
            case BPFOpcode.ret:
                guard code == BPFOpcode.ret | BPFOpcode.k || code == BPFOpcode.ret | BPFOpcode.a else {
                    throw fail("unknown return opcode 0x\(String(code, radix: 16))")
                }
            default:
                guard code == BPFOpcode.misc | BPFOpcode.tax || code == BPFOpcode.misc | BPFOpcode.txa else {
                    throw fail("unknown opcode 0x\(String(code, radix: 16))")
                }
            }
        }
        guard program.last!.code & 0x07 == BPFOpcode.ret else {
            throw BPFProgramError(index: program.count - 1, reason: "the program does not end with a return")
        }
    }

    /// Runs a validated program on one input and returns the filter's 32-bit result.
    /// `trace`, when given, sees every instruction before it runs.
    public static func run(_ program: [BPFInstruction], on data: SeccompData,
                           trace: ((BPFTraceStep) -> Void)? = nil) -> UInt32 {
        var a: UInt32 = 0, x: UInt32 = 0
        var memory = [UInt32](repeating: 0, count: 16)
        var pc = 0
        while pc < program.count {
            let instruction = program[pc]
            trace?(BPFTraceStep(index: pc, instruction: instruction, accumulator: a, indexRegister: x))
            let k = instruction.k
            pc += 1
            switch instruction.code {
            case BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs: a = data.word(at: k) ?? 0
            case BPFOpcode.ld | BPFOpcode.w | BPFOpcode.len: a = SeccompDataOffset.size
            case BPFOpcode.ldx | BPFOpcode.w | BPFOpcode.len: x = SeccompDataOffset.size
            case BPFOpcode.ld | BPFOpcode.imm: a = k
            case BPFOpcode.ldx | BPFOpcode.imm: x = k
            case BPFOpcode.ld | BPFOpcode.mem: a = memory[Int(k)]
            case BPFOpcode.ldx | BPFOpcode.mem: x = memory[Int(k)]
            case BPFOpcode.st: memory[Int(k)] = a
            case BPFOpcode.stx: memory[Int(k)] = x
            case BPFOpcode.misc | BPFOpcode.tax: x = a
            case BPFOpcode.misc | BPFOpcode.txa: a = x
            case BPFOpcode.ret | BPFOpcode.k: return k
            case BPFOpcode.ret | BPFOpcode.a: return a
            case BPFOpcode.jmp | BPFOpcode.ja: pc += Int(k)
            default:
                let operand = instruction.code & BPFOpcode.x != 0 ? x : k
                if instruction.code & 0x07 == BPFOpcode.alu {
                    // The kernel ends a classic program that divides by a zero X with the value 0.
                    let op = instruction.code & 0xF0
                    if operand == 0, op == BPFOpcode.div || op == BPFOpcode.mod { return 0 }
                    a = alu(op, a, operand)
                } else {
                    pc += Int(jumps(instruction.code, a, operand) ? instruction.jt : instruction.jf)
                }
            }
        }
        return Action.killProcess.seccompReturnValue
    }

    /// Whether a conditional jump (`JEQ`, `JGT`, `JGE`, `JSET`) is taken.
    private static func jumps(_ code: UInt16, _ a: UInt32, _ operand: UInt32) -> Bool {
        switch code & 0xF0 {
        case BPFOpcode.jeq: return a == operand
        case BPFOpcode.jgt: return a > operand
        case BPFOpcode.jge: return a >= operand
        default: return a & operand != 0
        }
    }

    private static func alu(_ op: UInt16, _ a: UInt32, _ operand: UInt32) -> UInt32 {
        switch op {
        case BPFOpcode.add: return a &+ operand
        case BPFOpcode.sub: return a &- operand
        case BPFOpcode.mul: return a &* operand
        case BPFOpcode.div: return a / operand
        case BPFOpcode.mod: return a % operand
        case BPFOpcode.or: return a | operand
        case BPFOpcode.and: return a & operand
        case BPFOpcode.xor: return a ^ operand
        case BPFOpcode.lsh: return operand >= 32 ? 0 : a << operand
        case BPFOpcode.rsh: return operand >= 32 ? 0 : a >> operand
        default: return 0 &- a  // neg
        }
    }

    /// The return value a program reaches for (`arch`, `nr`) using only what the kernel's
    /// constant-action cache can follow (`seccomp_is_const_allow`): loads of `nr` and `arch`,
    /// `JEQ/JGE/JGT/JSET` with constants, `AND` with a constant, `JA` and `RET K`. `nil` when the
    /// path needs anything else (an argument, the instruction pointer, X, scratch memory, `RET A`).
    /// The kernel caches the syscall exactly when this returns `SECCOMP_RET_ALLOW`.
    public static func constantResult(_ program: [BPFInstruction], arch: UInt32, nr: UInt32) -> UInt32? {
        var a: UInt32 = 0
        var known = false
        var pc = 0
        while pc < program.count {
            let instruction = program[pc]
            let k = instruction.k
            pc += 1
            switch instruction.code {
            case BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs:
                switch k {
                case SeccompDataOffset.nr: a = nr
                case SeccompDataOffset.arch: a = arch
                default: return nil
                }
                known = true
            case BPFOpcode.ret | BPFOpcode.k: return k
            case BPFOpcode.jmp | BPFOpcode.ja: pc += Int(k)
            case BPFOpcode.jmp | BPFOpcode.jeq | BPFOpcode.k, BPFOpcode.jmp | BPFOpcode.jge | BPFOpcode.k,
                 BPFOpcode.jmp | BPFOpcode.jgt | BPFOpcode.k, BPFOpcode.jmp | BPFOpcode.jset | BPFOpcode.k:
                guard known else { return nil }
                pc += Int(jumps(instruction.code, a, k) ? instruction.jt : instruction.jf)
            case BPFOpcode.alu | BPFOpcode.and | BPFOpcode.k:
                guard known else { return nil }
                a &= k
            default:
                return nil
            }
        }
        return nil
    }
}
