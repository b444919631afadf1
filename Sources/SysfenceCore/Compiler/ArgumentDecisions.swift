/// A test on one 32-bit word of `seccomp_data`: `(word & mask) op k`, or `word & k != 0` for `jset`.
struct WordTest: Hashable {
    /// Byte offset of the word in `seccomp_data`.
    var offset: UInt32
    /// Bits kept before comparing; all ones for none. Always all ones with `jset`.
    var mask: UInt32
    /// `BPFOpcode.jeq`, `.jgt`, `.jge` or `.jset`.
    var op: UInt16
    var k: UInt32

    /// What the accumulator must hold for the jump: the word, masked.
    var operand: Operand { Operand(offset: offset, mask: mask) }
}

/// A value the accumulator can hold: a word of `seccomp_data`, masked (all ones for none).
struct Operand: Hashable {
    var offset: UInt32
    var mask: UInt32
}

/// A node of a decision diagram over word tests; leaves are actions.
enum DecisionNode: Hashable {
    case leaf(UInt32)
    case test(WordTest, ifTrue: Int, ifFalse: Int)
}

/// Unique decision nodes (hash-consed), so equal sub-diagrams of any syscall are emitted once.
struct DecisionPool {
    private(set) var nodes: [DecisionNode] = []
    private var ids: [DecisionNode: Int] = [:]

    mutating func intern(_ node: DecisionNode) -> Int {
        if case .test(_, let t, let f) = node, t == f { return t }
        if let id = ids[node] { return id }
        nodes.append(node)
        ids[node] = nodes.count - 1
        return nodes.count - 1
    }

    mutating func leaf(_ action: Action) -> Int { intern(.leaf(action.seccompReturnValue)) }
}

/// A condition lowered to word tests.
indirect enum WordCondition {
    case test(WordTest)
    case and([WordCondition])
    case or([WordCondition])
    case not(WordCondition)

    /// How many word tests the condition has.
    var testCount: Int {
        switch self {
        case .test: return 1
        case .and(let terms), .or(let terms): return terms.reduce(0) { $0 + $1.testCount }
        case .not(let inner): return inner.testCount
        }
    }
}

extension Comparison {
    /// Lowers a 64-bit (or 32-bit) comparison to tests on the argument's two words.
    func wordCondition(littleEndian: Bool) -> WordCondition {
        let lowOffset = SeccompDataOffset.argumentLow(argument, littleEndian: littleEndian)
        let highOffset = SeccompDataOffset.argumentHigh(argument, littleEndian: littleEndian)
        let mask = effectiveMask, value = effectiveValue
        let low = (mask: UInt32(truncatingIfNeeded: mask), value: UInt32(truncatingIfNeeded: value))
        let high = (mask: UInt32(truncatingIfNeeded: mask >> 32), value: UInt32(truncatingIfNeeded: value >> 32))
        func test(_ offset: UInt32, _ mask: UInt32, _ op: UInt16, _ k: UInt32) -> WordCondition {
            .test(WordTest(offset: offset, mask: mask, op: op, k: k))
        }
        // Any bit of the mask set: one JSET per word, no AND needed.
        if (op == .notEqual || op == .equal), value == 0, mask != .max {
            var words: [WordCondition] = []
            if high.mask != 0 { words.append(test(highOffset, .max, BPFOpcode.jset, high.mask)) }
            if low.mask != 0 { words.append(test(lowOffset, .max, BPFOpcode.jset, low.mask)) }
            let anySet = WordCondition.or(words)
            return op == .notEqual ? anySet : .not(anySet)
        }
        let h = { (op: UInt16, k: UInt32) in test(highOffset, high.mask, op, k) }
        let l = { (op: UInt16, k: UInt32) in test(lowOffset, low.mask, op, k) }
        switch op {
        case .equal: return .and([h(BPFOpcode.jeq, high.value), l(BPFOpcode.jeq, low.value)])
        case .notEqual: return .not(.and([h(BPFOpcode.jeq, high.value), l(BPFOpcode.jeq, low.value)]))
        case .greater:
            return .or([h(BPFOpcode.jgt, high.value), .and([h(BPFOpcode.jeq, high.value), l(BPFOpcode.jgt, low.value)])])
        case .greaterOrEqual:
            return .or([h(BPFOpcode.jgt, high.value), .and([h(BPFOpcode.jeq, high.value), l(BPFOpcode.jge, low.value)])])
        case .less:
            return .not(.or([h(BPFOpcode.jgt, high.value), .and([h(BPFOpcode.jeq, high.value), l(BPFOpcode.jge, low.value)])]))
        case .lessOrEqual:
            return .not(.or([h(BPFOpcode.jgt, high.value), .and([h(BPFOpcode.jeq, high.value), l(BPFOpcode.jgt, low.value)])]))
        }
    }
}

extension Condition {
    func wordCondition(littleEndian: Bool) -> WordCondition {
        switch self {
        case .comparison(let c): return c.wordCondition(littleEndian: littleEndian)
        case .and(let terms): return .and(terms.map { $0.wordCondition(littleEndian: littleEndian) })
        case .or(let terms): return .or(terms.map { $0.wordCondition(littleEndian: littleEndian) })
        case .not(let inner): return .not(inner.wordCondition(littleEndian: littleEndian))
        }
    }
}

/// What is known about masked words on one path through the diagram: closed intervals of
/// `word & mask`, keyed by operand. A test whose outcome the intervals imply is not emitted.
struct PathKnowledge {
    private var ranges: [Operand: ClosedRange<UInt32>] = [:]

    private func range(of operand: Operand) -> ClosedRange<UInt32> {
        ranges[operand] ?? 0...operand.mask
    }

    /// The outcome of a test, if the path already decides it.
    func outcome(of test: WordTest) -> Bool? {
        if test.op == BPFOpcode.jset {
            let r = range(of: Operand(offset: test.offset, mask: test.k))
            if r.lowerBound >= 1 { return true }
            if r.upperBound == 0 { return false }
            if let exact = ranges[Operand(offset: test.offset, mask: .max)], exact.count == 1 {
                return exact.lowerBound & test.k != 0
            }
            return nil
        }
        var r = range(of: test.operand)
        if let exact = ranges[Operand(offset: test.offset, mask: .max)], exact.count == 1 {
            let v = exact.lowerBound & test.mask
            r = v...v
        }
        switch test.op {
        case BPFOpcode.jeq:
            if r.count == 1 { return r.lowerBound == test.k }
            return r.contains(test.k) ? nil : false
        case BPFOpcode.jgt:
            if r.lowerBound > test.k { return true }
            return r.upperBound <= test.k ? false : nil
        default:  // jge
            if r.lowerBound >= test.k { return true }
            return r.upperBound < test.k ? false : nil
        }
    }

    /// The knowledge after taking one side of a test whose outcome is open.
    func assuming(_ test: WordTest, _ outcome: Bool) -> PathKnowledge {
        var next = self
        let operand = test.op == BPFOpcode.jset ? Operand(offset: test.offset, mask: test.k) : test.operand
        let r = range(of: operand)
        var lower = r.lowerBound, upper = r.upperBound
        switch (test.op, outcome) {
        case (BPFOpcode.jset, true): lower = max(lower, 1)
        case (BPFOpcode.jset, false): upper = 0
        case (BPFOpcode.jeq, true): (lower, upper) = (test.k, test.k)
        case (BPFOpcode.jeq, false):
            if test.k == lower { lower += 1 } else if test.k == upper { upper -= 1 }
        case (BPFOpcode.jgt, true): lower = max(lower, test.k + 1)
        case (BPFOpcode.jgt, false): upper = min(upper, test.k)
        case (_, true): lower = max(lower, test.k)  // jge
        default: upper = min(upper, test.k - 1)
        }
        next.ranges[operand] = lower...upper
        return next
    }
}

/// Builds the decision diagram of one syscall's ordered branches.
struct DecisionBuilder {
    var pool: DecisionPool
    /// Steps allowed for the path-pruned build of one syscall before falling back to the plain one.
    static let pruningBudget = 50_000
    /// Word tests above which a syscall's diagram is built without path knowledge.
    static let pruningTestLimit = 512
    private var steps = 0

    init(pool: DecisionPool) { self.pool = pool }

    struct BudgetExceeded: Error {}

    /// The root of the diagram deciding `branches` in order, then `fallback`.
    /// With `pruning`, tests implied by earlier outcomes on the path are left out.
    mutating func build(_ branches: [(WordCondition, Action)], fallback: Action, pruning: Bool) -> Int {
        // The pruned build recurses once per test; a very long condition takes the plain one.
        if pruning, branches.reduce(0, { $0 + $1.0.testCount }) <= Self.pruningTestLimit {
            steps = 0
            var attempt = self
            if let root = try? attempt.pruned(branches[...], fallback: fallback, knowing: PathKnowledge()) {
                self = attempt
                return root
            }
        }
        var next = pool.leaf(fallback)
        for (condition, action) in branches.reversed() {
            next = plain(condition, ifTrue: pool.leaf(action), ifFalse: next)
        }
        return next
    }

    private mutating func pruned(_ branches: ArraySlice<(WordCondition, Action)>, fallback: Action,
                                 knowing knowledge: PathKnowledge) throws -> Int {
        guard let (condition, action) = branches.first else { return pool.leaf(fallback) }
        return try pruned(condition, knowing: knowledge,
                          ifTrue: { builder, _ in builder.pool.leaf(action) },
                          ifFalse: { builder, k in try builder.pruned(branches.dropFirst(), fallback: fallback, knowing: k) })
    }

    typealias Continuation = (inout DecisionBuilder, PathKnowledge) throws -> Int

    private mutating func pruned(_ condition: WordCondition, knowing knowledge: PathKnowledge,
                                 ifTrue: Continuation, ifFalse: Continuation) throws -> Int {
        steps += 1
        if steps > Self.pruningBudget { throw BudgetExceeded() }
        switch condition {
        case .test(let test):
            if let outcome = knowledge.outcome(of: test) {
                return try outcome ? ifTrue(&self, knowledge) : ifFalse(&self, knowledge)
            }
            let t = try ifTrue(&self, knowledge.assuming(test, true))
            let f = try ifFalse(&self, knowledge.assuming(test, false))
            return pool.intern(.test(test, ifTrue: t, ifFalse: f))
        case .not(let inner):
            return try pruned(inner, knowing: knowledge, ifTrue: ifFalse, ifFalse: ifTrue)
        case .and(let terms):
            guard let first = terms.first else { return try ifTrue(&self, knowledge) }
            let rest = WordCondition.and(Array(terms.dropFirst()))
            return try pruned(first, knowing: knowledge,
                              ifTrue: { b, k in try b.pruned(rest, knowing: k, ifTrue: ifTrue, ifFalse: ifFalse) },
                              ifFalse: ifFalse)
        case .or(let terms):
            guard let first = terms.first else { return try ifFalse(&self, knowledge) }
            let rest = WordCondition.or(Array(terms.dropFirst()))
            return try pruned(first, knowing: knowledge, ifTrue: ifTrue,
                              ifFalse: { b, k in try b.pruned(rest, knowing: k, ifTrue: ifTrue, ifFalse: ifFalse) })
        }
    }

    /// The diagram without path knowledge: linear in the size of the condition.
    private mutating func plain(_ condition: WordCondition, ifTrue: Int, ifFalse: Int) -> Int {
        switch condition {
        case .test(let test): return pool.intern(.test(test, ifTrue: ifTrue, ifFalse: ifFalse))
        case .not(let inner): return plain(inner, ifTrue: ifFalse, ifFalse: ifTrue)
        case .and(let terms):
            return terms.reversed().reduce(ifTrue) { next, term in plain(term, ifTrue: next, ifFalse: ifFalse) }
        case .or(let terms):
            return terms.reversed().reduce(ifFalse) { next, term in plain(term, ifTrue: ifTrue, ifFalse: next) }
        }
    }
}
