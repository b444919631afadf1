/// Renders classic-BPF seccomp programs one instruction a line, with the syscall, arch and action
/// each constant stands for.
public struct Disassembler {
    let table: SyscallTable
    let errnoNames: [UInt16: String]

    public init(table: SyscallTable, errnoNames: [UInt16: String] = [:]) {
        self.table = table
        self.errnoNames = errnoNames
    }

    /// What the accumulator holds, as far as a straight reading of the program can tell.
    private enum Accumulator: Equatable {
        case arch, nr, argument(Int, high: Bool), instructionPointer, other
    }

    /// What is known before each instruction: the audit arch being decided and what A holds.
    private struct Context: Equatable {
        var auditArch: UInt32?
        var accumulator: Accumulator
    }

    /// One line per instruction: index, mnemonic, operands, absolute jump targets, and a comment.
    public func lines(_ program: [BPFInstruction]) -> [String] {
        let contexts = self.contexts(program)
        let width = String(max(program.count - 1, 0)).count
        return program.indices.map { pc in
            let (text, comment) = render(program[pc], at: pc, context: contexts[pc])
            let index = String(pc).leftPadded(to: width, with: " ")
            return comment.isEmpty ? "\(index): \(text)" : "\(index): \(text.rightPadded(to: 28)) ; \(comment)"
        }
    }

    /// The context reaching each instruction, from the first path that gets there.
    private func contexts(_ program: [BPFInstruction]) -> [Context] {
        var contexts = [Context?](repeating: nil, count: program.count)
        if !program.isEmpty { contexts[0] = Context(auditArch: nil, accumulator: .other) }
        for pc in program.indices {
            guard var context = contexts[pc] else { continue }
            let i = program[pc]
            func reach(_ target: Int, _ next: Context) {
                if target < program.count, contexts[target] == nil { contexts[target] = next }
            }
            switch i.code {
            case BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs:
                context.accumulator = accumulator(loadedFrom: i.k, auditArch: context.auditArch)
                reach(pc + 1, context)
            case BPFOpcode.ret | BPFOpcode.k, BPFOpcode.ret | BPFOpcode.a:
                break
            case BPFOpcode.jmp | BPFOpcode.ja:
                reach(pc + 1 + Int(i.k), context)
            case _ where i.code & 0x07 == BPFOpcode.jmp:
                var taken = context
                if context.accumulator == .arch, i.code & 0xF0 == BPFOpcode.jeq { taken.auditArch = i.k }
                reach(pc + 1 + Int(i.jt), taken)
                reach(pc + 1 + Int(i.jf), context)
            default:
                context.accumulator = .other
                reach(pc + 1, context)
            }
        }
        return contexts.map { $0 ?? Context(auditArch: nil, accumulator: .other) }
    }

    private func accumulator(loadedFrom offset: UInt32, auditArch: UInt32?) -> Accumulator {
        switch offset {
        case SeccompDataOffset.nr: return .nr
        case SeccompDataOffset.arch: return .arch
        case 8, 12: return .instructionPointer
        default:
            guard offset >= 16, offset < SeccompDataOffset.size else { return .other }
            let littleEndian = auditArch.map { $0 & 0x4000_0000 != 0 } ?? true
            let isSecondWord = (offset / 4) % 2 == 1
            return .argument(Int(offset - 16) / 8, high: isSecondWord == littleEndian)
        }
    }

    private func render(_ i: BPFInstruction, at pc: Int, context: Context) -> (String, String) {
        let k = "#0x" + String(i.k, radix: 16)
        switch i.code {
        case BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs:
            let what: String
            switch accumulator(loadedFrom: i.k, auditArch: context.auditArch) {
            case .nr: what = "A = nr"
            case .arch: what = "A = arch"
            case .instructionPointer: what = "A = instruction pointer"
            case .argument(let n, let high): what = "A = arg\(n) \(high ? "high" : "low") word"
            case .other: what = ""
            }
            return ("ld [\(i.k)]", what)
        case BPFOpcode.ld | BPFOpcode.imm: return ("ld \(k)", "")
        case BPFOpcode.ldx | BPFOpcode.imm: return ("ldx \(k)", "")
        case BPFOpcode.ld | BPFOpcode.w | BPFOpcode.len: return ("ld len", "")
        case BPFOpcode.ldx | BPFOpcode.w | BPFOpcode.len: return ("ldx len", "")
        case BPFOpcode.ld | BPFOpcode.mem: return ("ld M[\(i.k)]", "")
        case BPFOpcode.ldx | BPFOpcode.mem: return ("ldx M[\(i.k)]", "")
        case BPFOpcode.st: return ("st M[\(i.k)]", "")
        case BPFOpcode.stx: return ("stx M[\(i.k)]", "")
        case BPFOpcode.misc | BPFOpcode.tax: return ("tax", "")
        case BPFOpcode.misc | BPFOpcode.txa: return ("txa", "")
        case BPFOpcode.ret | BPFOpcode.a: return ("ret A", "")
        case BPFOpcode.ret | BPFOpcode.k:
            return ("ret \(k)", Action(seccompReturnValue: i.k).spelling(errnoNames: errnoNames))
        case BPFOpcode.jmp | BPFOpcode.ja: return ("ja \(pc + 1 + Int(i.k))", "")
        default:
            let operand = i.code & BPFOpcode.x != 0 ? "x" : k
            if i.code & 0x07 == BPFOpcode.alu {
                let names: [UInt16: String] = [BPFOpcode.add: "add", BPFOpcode.sub: "sub", BPFOpcode.mul: "mul", BPFOpcode.div: "div",
                                               BPFOpcode.or: "or", BPFOpcode.and: "and", BPFOpcode.lsh: "lsh", BPFOpcode.rsh: "rsh",
                                               BPFOpcode.neg: "neg", BPFOpcode.mod: "mod", BPFOpcode.xor: "xor"]
                return ("\(names[i.code & 0xF0] ?? "alu?") \(operand)", "")
            }
            let names: [UInt16: String] = [BPFOpcode.jeq: "jeq", BPFOpcode.jgt: "jgt", BPFOpcode.jge: "jge", BPFOpcode.jset: "jset"]
            let text = "\(names[i.code & 0xF0] ?? "j?") \(operand), \(pc + 1 + Int(i.jt)), \(pc + 1 + Int(i.jf))"
            return (text, i.code & BPFOpcode.x == 0 ? meaning(of: i.k, context: context) : "")
        }
    }

    /// The name a compared constant stands for: an arch, or a syscall of the arch being decided.
    private func meaning(of k: UInt32, context: Context) -> String {
        switch context.accumulator {
        case .arch:
            let names = Arch.allCases.filter { $0.auditArch == k && $0 != .x32 }.map(\.rawValue)
            return names.joined(separator: "/")
        case .nr:
            guard let auditArch = context.auditArch else { return "" }
            let arches = Arch.allCases.filter { $0.auditArch == auditArch }
            let arch = auditArch == Arch.x86_64.auditArch ? (k >= Arch.x32SyscallBit ? Arch.x32 : .x86_64) : arches.first
            guard let arch else { return "" }
            return table.name(of: k, on: arch).map { arch == .x32 ? "x32 \($0)" : $0 } ?? ""
        default:
            return ""
        }
    }
}

extension String {
    func rightPadded(to width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
