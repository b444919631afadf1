/// A symbolic jump target in the program being assembled.
struct Label: Hashable {
    let id: Int
}

/// How a basic block ends.
enum Terminator: Hashable {
    case ret(UInt32)
    /// `BPF_JMP | op | BPF_K` against `k`.
    case branch(op: UInt16, k: UInt32, ifTrue: Label, ifFalse: Label)
    case goto(Label)
}

/// A straight run of instructions with one way out.
struct Block {
    var label: Label
    var body: [BPFInstruction]
    var terminator: Terminator
}

/// Lays out blocks in the given order and resolves jumps, all of which must go forward.
///
/// A conditional jump reaches at most 255 instructions; a farther target gets a trampoline right
/// after the jump: a copy of the target when it is a bare `RET` (as short, and one step less to
/// run), else a `JA`, which reaches anywhere. Offsets are recomputed until they settle.
enum Assembler {
    static func assemble(_ blocks: [Block]) -> [BPFInstruction] {
        var index: [Label: Int] = [:]
        for (i, block) in blocks.enumerated() { index[block.label] = i }
        func bareReturn(_ label: Label) -> UInt32? {
            let block = blocks[index[label]!]
            if block.body.isEmpty, case .ret(let k) = block.terminator { return k }
            return nil
        }
        // Which branches need a trampoline on their true and false side.
        var far = [(Bool, Bool)](repeating: (false, false), count: blocks.count)
        var starts = [Int](repeating: 0, count: blocks.count)
        func terminatorSize(_ i: Int) -> Int {
            switch blocks[i].terminator {
            case .ret: return 1
            case .goto(let target): return index[target] == i + 1 ? 0 : 1
            case .branch: return 1 + (far[i].0 ? 1 : 0) + (far[i].1 ? 1 : 0)
            }
        }
        while true {
            var pc = 0
            for i in blocks.indices {
                starts[i] = pc
                pc += blocks[i].body.count + terminatorSize(i)
            }
            var changed = false
            for i in blocks.indices {
                guard case .branch(_, _, let t, let f) = blocks[i].terminator else { continue }
                let jump = starts[i] + blocks[i].body.count
                let farTrue = far[i].0 || starts[index[t]!] - (jump + 1) > 255
                let farFalse = far[i].1 || starts[index[f]!] - (jump + 1) > 255
                if (farTrue, farFalse) != far[i] {
                    far[i] = (farTrue, farFalse)
                    changed = true
                }
            }
            if !changed { break }
        }
        var program: [BPFInstruction] = []
        for (i, block) in blocks.enumerated() {
            precondition(program.count == starts[i])
            program += block.body
            func reach(_ target: Label) -> Int {
                let offset = starts[index[target]!] - (program.count + 1)
                precondition(offset >= 0, "backward jump in assembled filter")
                return offset
            }
            switch block.terminator {
            case .ret(let k):
                program.append(BPFInstruction(code: BPFOpcode.ret | BPFOpcode.k, k: k))
            case .goto(let target):
                if index[target] == i + 1 { break }
                if let k = bareReturn(target) {
                    program.append(BPFInstruction(code: BPFOpcode.ret | BPFOpcode.k, k: k))
                } else {
                    program.append(BPFInstruction(code: BPFOpcode.jmp | BPFOpcode.ja, k: UInt32(reach(target))))
                }
            case .branch(let op, let k, let t, let f):
                let (farTrue, farFalse) = far[i]
                let jt = farTrue ? 0 : reach(t)
                let jf = farFalse ? (farTrue ? 1 : 0) : reach(f)
                program.append(BPFInstruction(code: BPFOpcode.jmp | op | BPFOpcode.k, jt: UInt8(jt), jf: UInt8(jf), k: k))
                for (isFar, target) in [(farTrue, t), (farFalse, f)] where isFar {
                    if let k = bareReturn(target) {
                        program.append(BPFInstruction(code: BPFOpcode.ret | BPFOpcode.k, k: k))
                    } else {
                        program.append(BPFInstruction(code: BPFOpcode.jmp | BPFOpcode.ja, k: UInt32(reach(target))))
                    }
                }
            }
        }
        return program
    }
}
