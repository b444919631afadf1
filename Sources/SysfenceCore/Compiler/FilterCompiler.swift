import Foundation

/// Choices for the classic-BPF code generator.
public struct CompileOptions: Sendable {
    /// Whether to merge ranges, shape the tree by frequency and prune implied argument tests.
    /// Off, the program is a plain linear scan: the reference the optimizer is tested against.
    public var optimize: Bool
    public var frequencies: SyscallFrequencies

    public init(optimize: Bool = true, frequencies: SyscallFrequencies = .uniform) {
        self.optimize = optimize
        self.frequencies = frequencies
    }
}

/// A compiled seccomp filter and the decisions it was compiled from.
public struct SeccompFilter: Sendable {
    public let instructions: [BPFInstruction]
    public let decisions: DecisionProgram
}

extension Policy {
    /// Compiles the policy into a classic-BPF seccomp program.
    /// Throws when the policy has problems (`problems(syscalls:)`) or the program would exceed
    /// the kernel's limit of 4,096 instructions.
    public func compileFilter(table: SyscallTable, options: CompileOptions = CompileOptions()) throws(DiagnosticsError) -> SeccompFilter {
        let problems = problems(syscalls: table)
        guard problems.isEmpty else { throw DiagnosticsError(problems) }
        let decisions = DecisionProgram(policy: self, table: table)
        var compiler = FilterCompiler(decisions: decisions, table: table, options: options)
        let instructions = compiler.compile()
        guard instructions.count <= BPFInstruction.maximumProgramLength else {
            throw DiagnosticsError(at: sourceFile.map { SourceLocation(file: $0, line: 1, column: 1) },
                                   "the compiled filter has \(instructions.count) instructions; the kernel accepts at most \(BPFInstruction.maximumProgramLength)")
        }
        return SeccompFilter(instructions: instructions, decisions: decisions)
    }
}

/// Generates the classic-BPF program for a decision program.
///
/// Shape: load `arch` and dispatch to one section per audit arch (x86_64 and x32 share one);
/// each section loads `nr` and finds its outcome with hot `JEQ`s and a search tree over merged
/// number ranges; argument-dependent syscalls continue into decision diagrams over argument
/// words; every path ends in one of the shared `RET`s at the end. Argument-free verdicts are
/// reached with `nr`/`arch` loads and constant jumps only, so the kernel can cache them.
struct FilterCompiler {
    let decisions: DecisionProgram
    let table: SyscallTable
    let options: CompileOptions
    private var builder = DecisionBuilder(pool: DecisionPool())
    private var nextLabel = 0

    init(decisions: DecisionProgram, table: SyscallTable, options: CompileOptions) {
        self.decisions = decisions
        self.table = table
        self.options = options
    }

    /// One arch section: the audit arch value and how its numbers are dispatched.
    private struct Section {
        var auditArch: UInt32
        var dispatch: NumberDispatch
    }

    mutating func compile() -> [BPFInstruction] {
        let badArch = builder.pool.leaf(decisions.badArchAction)
        var sections: [Section] = []
        for auditArch in auditArches() {
            let ranges = numberRanges(auditArch: auditArch)
            let dispatch: NumberDispatch
            if options.optimize {
                let merged = ranges.merged()
                dispatch = SearchTreeBuilder.dispatch(merged, hotCandidates: hotCandidates(auditArch: auditArch))
            } else {
                dispatch = NumberDispatch(hot: [], tree: SearchTreeBuilder.linear(ranges))
            }
            sections.append(Section(auditArch: auditArch, dispatch: dispatch))
        }
        return Assembler.assemble(layout(sections, badArch: badArch))
    }

    /// The distinct audit arches of the policy, in its order.
    private func auditArches() -> [UInt32] {
        var seen: [UInt32] = []
        for arch in decisions.arches where !seen.contains(arch.arch.auditArch) { seen.append(arch.arch.auditArch) }
        return seen
    }

    /// The whole number space of one audit arch as sorted, contiguous ranges with their outcomes.
    private mutating func numberRanges(auditArch: UInt32) -> [NumberRange] {
        // Boundaries where the owning arch (x86_64, x32, none) may change: 0, the x32 bit, -1.
        let segments: [ClosedRange<UInt32>] = auditArch == Arch.x86_64.auditArch
            ? [0...Arch.x32SyscallBit - 1, Arch.x32SyscallBit...UInt32.max - 1, UInt32.max...UInt32.max]
            : [0...UInt32.max]
        var ranges: [NumberRange] = []
        for segment in segments {
            guard let owner = decisions.arch(auditArch: auditArch, nr: segment.lowerBound) else {
                ranges.append(NumberRange(first: segment.lowerBound, last: segment.upperBound,
                                          outcome: builder.pool.leaf(decisions.badArchAction), weight: SyscallFrequencies.gapWeight))
                continue
            }
            let defaultOutcome = builder.pool.leaf(owner.defaultVerdict.action)
            var points: [(number: UInt32, outcome: Int, weight: Double)] = []
            for (number, decision) in owner.syscalls where segment.contains(number) {
                let weight = table.name(of: number, on: owner.arch).map(options.frequencies.weight) ?? 1
                points.append((number, outcome(of: decision, arch: owner.arch), weight))
            }
            points.sort { $0.number < $1.number }
            var next = segment.lowerBound
            for point in points {
                if point.number > next {
                    ranges.append(NumberRange(first: next, last: point.number - 1, outcome: defaultOutcome, weight: SyscallFrequencies.gapWeight))
                }
                ranges.append(NumberRange(first: point.number, last: point.number, outcome: point.outcome, weight: point.weight))
                next = point.number &+ 1
            }
            // Numbers left after the last syscall of the segment (none when it ends at the segment's end).
            if points.last.map({ $0.number < segment.upperBound }) ?? true {
                ranges.append(NumberRange(first: next, last: segment.upperBound, outcome: defaultOutcome, weight: SyscallFrequencies.gapWeight))
            }
        }
        return ranges
    }

    /// The syscalls worth a `JEQ` of their own: the heaviest recorded ones of this audit arch.
    private func hotCandidates(auditArch: UInt32) -> [(number: UInt32, weight: Double)] {
        var candidates: [(number: UInt32, weight: Double)] = []
        for arch in decisions.arches where arch.arch.auditArch == auditArch {
            for (name, number) in table.syscalls(on: arch.arch).map({ ($0.name, $0.number) }) {
                guard let count = options.frequencies.counts[name], count > 0,
                      decisions.arch(auditArch: auditArch, nr: number)?.arch == arch.arch else { continue }
                candidates.append((number, options.frequencies.weight(of: name)))
            }
        }
        return Array(candidates.sorted { $0.weight > $1.weight }.prefix(6))
    }

    /// The decision-node id that decides one syscall.
    private mutating func outcome(of decision: SyscallDecision, arch: Arch) -> Int {
        if decision.isArgumentFree { return builder.pool.leaf(decision.fallback.action) }
        let branches = decision.branches.map { ($0.condition.wordCondition(littleEndian: arch.isLittleEndian), $0.verdict.action) }
        return builder.build(branches, fallback: decision.fallback.action, pruning: options.optimize)
    }

    private mutating func label() -> Label {
        nextLabel += 1
        return Label(id: nextLabel)
    }

    /// Orders the program's blocks: arch dispatch, one section per arch, the argument diagrams,
    /// then the shared returns, so every jump goes forward.
    private mutating func layout(_ sections: [Section], badArch: Int) -> [Block] {
        let nodes = builder.pool.nodes
        var nodeLabels: [Int: Label] = [:]
        for id in nodes.indices { nodeLabels[id] = label() }
        var blocks: [Block] = []

        // Arch dispatch.
        let sectionLabels = sections.map { _ in label() }
        var current = label()
        for (i, section) in sections.enumerated() {
            let next = i + 1 < sections.count ? label() : nodeLabels[badArch]!
            let body = i == 0 ? [BPFInstruction(code: BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs, k: SeccompDataOffset.arch)] : []
            blocks.append(Block(label: current, body: body,
                                terminator: .branch(op: BPFOpcode.jeq, k: section.auditArch, ifTrue: sectionLabels[i], ifFalse: next)))
            current = next
        }

        // Number dispatch per section; in a program short enough for every jump to reach the
        // shared returns at its end, no subtree needs returns of its own.
        let estimatedLength = sections.reduce(nodes.count) { $0 + $1.dispatch.hot.count + Self.size(of: $1.dispatch.tree) }
        let needsIslands = estimatedLength > Self.returnIslandReach
        var roots: [Int] = []
        for (section, entry) in zip(sections, sectionLabels) {
            current = entry
            var body = [BPFInstruction(code: BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs, k: SeccompDataOffset.nr)]
            for hot in section.dispatch.hot {
                let next = label()
                blocks.append(Block(label: current, body: body,
                                    terminator: .branch(op: BPFOpcode.jeq, k: hot.number, ifTrue: nodeLabels[hot.outcome]!, ifFalse: next)))
                roots.append(hot.outcome)
                body = []
                current = next
            }
            emit(section.dispatch.tree, at: current, body: body, into: &blocks, targets: nodeLabels,
                 localReturns: needsIslands ? nil : [], roots: &roots)
        }

        // Decision diagrams in reverse postorder (a node's false side right after it), then returns.
        var order: [Int] = []
        var visited = Set<Int>()
        func visit(_ id: Int) {
            guard visited.insert(id).inserted else { return }
            if case .test(_, let t, let f) = nodes[id] {
                visit(t)
                visit(f)
            }
            order.append(id)
        }
        for root in roots { visit(root) }
        visit(badArch)
        let reversed = Array(order.reversed())
        let tests = reversed.filter { if case .test = nodes[$0] { return true } else { return false } }
        let leaves = reversed.filter { if case .leaf = nodes[$0] { return true } else { return false } }
        let entryOperands = accumulatorOnEntry(tests, roots: roots)
        for id in tests {
            guard case .test(let test, let t, let f) = nodes[id] else { continue }
            var body: [BPFInstruction] = []
            let needed = test.operand
            if entryOperands[id] != needed {
                if entryOperands[id]?.offset != needed.offset || entryOperands[id]?.mask != .max {
                    body.append(BPFInstruction(code: BPFOpcode.ld | BPFOpcode.w | BPFOpcode.abs, k: test.offset))
                }
                if needed.mask != .max {
                    body.append(BPFInstruction(code: BPFOpcode.alu | BPFOpcode.and | BPFOpcode.k, k: needed.mask))
                }
            }
            blocks.append(Block(label: nodeLabels[id]!, body: body,
                                terminator: .branch(op: test.op, k: test.k, ifTrue: nodeLabels[t]!, ifFalse: nodeLabels[f]!)))
        }
        for id in leaves {
            guard case .leaf(let value) = nodes[id] else { continue }
            blocks.append(Block(label: nodeLabels[id]!, body: [], terminator: .ret(value)))
        }
        return blocks
    }

    /// Instructions a subtree may take before its returns are copied right after it, so that its
    /// jumps to them stay within the 255 a conditional jump reaches.
    static let returnIslandReach = 200

    /// Emits a search tree: each split is a `JGE`, its lower side laid out right after it. The
    /// first subtree small enough gets its own copies of the returns it uses, placed after it.
    private mutating func emit(_ tree: SearchTree, at here: Label, body: [BPFInstruction], into blocks: inout [Block],
                               targets: [Int: Label], localReturns: Set<Int>? = nil, roots: inout [Int]) {
        // `localReturns`: the outcomes an enclosing island copies; `nil` while none was placed.
        var targets = targets
        var localReturns = localReturns
        var island: [(label: Label, value: UInt32)] = []
        if localReturns == nil, Self.size(of: tree) <= Self.returnIslandReach {
            localReturns = []
            for outcome in Set(Self.outcomes(of: tree)) {
                guard case .leaf(let value) = builder.pool.nodes[outcome] else { continue }
                let copy = label()
                targets[outcome] = copy
                localReturns?.insert(outcome)
                island.append((copy, value))
            }
        }
        // Diagrams and shared returns reached from here are laid out later.
        func reach(_ outcome: Int) {
            if !(localReturns?.contains(outcome) ?? false) { roots.append(outcome) }
        }
        switch tree {
        case .leaf(let outcome):
            reach(outcome)
            blocks.append(Block(label: here, body: body, terminator: .goto(targets[outcome]!)))
        case .chain(let singletons, let otherwise):
            var current = here, body = body
            for (index, singleton) in singletons.enumerated() {
                let next = index == singletons.count - 1 ? targets[otherwise]! : label()
                reach(singleton.outcome)
                blocks.append(Block(label: current, body: body,
                                    terminator: .branch(op: BPFOpcode.jeq, k: singleton.number, ifTrue: targets[singleton.outcome]!, ifFalse: next)))
                (current, body) = (next, [])
            }
            reach(otherwise)
        case .split(let at, let below, let atOrAbove):
            let sides = [below, atOrAbove].map { side -> (SearchTree, Label) in
                if case .leaf(let outcome) = side { return (side, targets[outcome]!) }
                return (side, label())
            }
            blocks.append(Block(label: here, body: body,
                                terminator: .branch(op: BPFOpcode.jge, k: at, ifTrue: sides[1].1, ifFalse: sides[0].1)))
            for (side, sideLabel) in sides {
                if case .leaf(let outcome) = side {
                    reach(outcome)
                } else {
                    emit(side, at: sideLabel, body: [], into: &blocks, targets: targets, localReturns: localReturns, roots: &roots)
                }
            }
        }
        for (copy, value) in island.sorted(by: { $0.value < $1.value }) {
            blocks.append(Block(label: copy, body: [], terminator: .ret(value)))
        }
    }

    /// How many instructions a tree emits, not counting returns.
    private static func size(of tree: SearchTree) -> Int {
        switch tree {
        case .leaf: return 1
        case .chain(let singletons, _): return singletons.count
        case .split(_, let below, let atOrAbove):
            return 1 + [below, atOrAbove].reduce(0) { total, side in
                if case .leaf = side { return total }
                return total + size(of: side)
            }
        }
    }

    /// Every outcome a tree can reach.
    private static func outcomes(of tree: SearchTree) -> [Int] {
        switch tree {
        case .leaf(let outcome): return [outcome]
        case .chain(let singletons, let otherwise): return singletons.map(\.outcome) + [otherwise]
        case .split(_, let below, let atOrAbove): return outcomes(of: below) + outcomes(of: atOrAbove)
        }
    }

    /// What the accumulator holds on entry to each diagram node, when every way in agrees:
    /// `nr` from the number dispatch, or the operand the jumping node tested.
    private func accumulatorOnEntry(_ tests: [Int], roots: [Int]) -> [Int: Operand] {
        let nodes = builder.pool.nodes
        var entries: [Int: Set<Operand>] = [:]
        let nr = Operand(offset: SeccompDataOffset.nr, mask: .max)
        for root in roots { entries[root, default: []].insert(nr) }
        for id in tests {
            guard case .test(let test, let t, let f) = nodes[id] else { continue }
            entries[t, default: []].insert(test.operand)
            entries[f, default: []].insert(test.operand)
        }
        return entries.compactMapValues { $0.count == 1 ? $0.first : nil }
    }
}
