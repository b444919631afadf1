/// What one policy allows that another does not, per arch: the answer of `sysfence diff`.
///
/// "Allows" means the call runs (allow or log); which error or signal a denied call gets is not
/// compared. Argument conditions are compared as sets of argument values (`ArgumentRegion`),
/// not as text: an empty difference is a proof, and a non-empty one is reported only with a
/// concrete call that one policy allows and the other does not; where no such call is found
/// among the candidates, the syscall is reported as undecided rather than as equal.
public struct PolicyDifference: Hashable, Sendable, Codable {
    /// How two policies' allowances for one syscall relate, when both allow it for some arguments.
    public enum Relation: String, Hashable, Sendable, Codable {
        /// The first allows every call the second does, and more.
        case firstAllowsMore = "first-allows-more"
        /// The second allows every call the first does, and more.
        case secondAllowsMore = "second-allows-more"
        /// Each allows calls the other denies.
        case partialOverlap = "partial-overlap"
        /// The conditions are too complex to compare exactly; they may or may not differ.
        case undecided
    }

    /// A syscall both policies allow for some arguments, but not for the same ones.
    public struct ArgumentDifference: Hashable, Sendable, Codable {
        public var syscall: String
        public var relation: Relation
        /// Arguments of a call the first allows and the second denies, when there is one.
        public var firstOnlyExample: [UInt64]?
        /// Arguments of a call the second allows and the first denies, when there is one.
        public var secondOnlyExample: [UInt64]?

        init(syscall: String, relation: Relation, firstOnlyExample: [UInt64]? = nil, secondOnlyExample: [UInt64]? = nil) {
            self.syscall = syscall
            self.relation = relation
            self.firstOnlyExample = firstOnlyExample
            self.secondOnlyExample = secondOnlyExample
        }
    }

    /// The differences on one arch.
    public struct ArchDifference: Hashable, Sendable, Codable {
        public var arch: Arch
        /// Syscalls the first policy allows (for some arguments) and the second never does.
        public var onlyInFirst: [String]
        /// Syscalls the second policy allows (for some arguments) and the first never does.
        public var onlyInSecond: [String]
        /// Syscalls both allow, under different argument conditions.
        public var arguments: [ArgumentDifference]

        var isEmpty: Bool { onlyInFirst.isEmpty && onlyInSecond.isEmpty && arguments.isEmpty }
    }

    /// Arches with differences, in arch order.
    public var arches: [ArchDifference]

    /// Whether the policies allow exactly the same calls (on the arches compared).
    public var isEmpty: Bool { arches.isEmpty }

    /// The differences as text, naming the policies `first` and `second`.
    public func text(first: String, second: String) -> String {
        var out = ""
        for arch in arches {
            out += "\(arch.arch):\n"
            if !arch.onlyInFirst.isEmpty {
                out += "  only \(first) allows (\(arch.onlyInFirst.count)): \(arch.onlyInFirst.joined(separator: ", "))\n"
            }
            if !arch.onlyInSecond.isEmpty {
                out += "  only \(second) allows (\(arch.onlyInSecond.count)): \(arch.onlyInSecond.joined(separator: ", "))\n"
            }
            for difference in arch.arguments {
                let what: String
                switch difference.relation {
                case .firstAllowsMore: what = "\(first) allows more argument values"
                case .secondAllowsMore: what = "\(second) allows more argument values"
                case .partialOverlap: what = "each allows argument values the other denies"
                case .undecided: what = "different conditions, too complex to compare exactly"
                }
                var examples: [String] = []
                if let example = difference.firstOnlyExample { examples.append("\(first) only: \(Self.arguments(example))") }
                if let example = difference.secondOnlyExample { examples.append("\(second) only: \(Self.arguments(example))") }
                out += "  \(difference.syscall): \(what)" + (examples.isEmpty ? "" : " (e.g. \(examples.joined(separator: "; ")))") + "\n"
            }
        }
        return out
    }

    /// `(0x2, 0x1, 0, 0, 0, 0)`.
    private static func arguments(_ values: [UInt64]) -> String {
        "(" + values.map { $0 < 10 ? String($0) : "0x" + String($0, radix: 16) }.joined(separator: ", ") + ")"
    }
}

extension Policy {
    /// What this policy allows that `other` does not and the reverse, per arch (all arches either
    /// admits, or only `arches`).
    public func difference(from other: Policy, table: SyscallTable, arches only: [Arch]? = nil) -> PolicyDifference {
        let first = DecisionProgram(policy: self, table: table), second = DecisionProgram(policy: other, table: table)
        var arches = Set(self.arches).union(other.arches).sorted()
        if let only { arches = arches.filter(only.contains) }
        var result: [PolicyDifference.ArchDifference] = []
        for arch in arches {
            let a = AllowedCalls(program: first, arch: arch), b = AllowedCalls(program: second, arch: arch)
            var numbers = a.listed.union(b.listed)
            if a.othersAllowed != b.othersAllowed { numbers.formUnion(table.syscalls(on: arch).map(\.number)) }
            var difference = PolicyDifference.ArchDifference(arch: arch, onlyInFirst: [], onlyInSecond: [], arguments: [])
            for nr in numbers.sorted() {
                let name = table.name(of: nr, on: arch) ?? "#\(nr)"
                let (x, y) = (a.decision(nr), b.decision(nr))
                if x == y { continue }
                do throws(ArgumentRegion.TooComplex) {
                    let (regionA, regionB) = (try x.allowedRegion(), try y.allowedRegion())
                    if regionA.isEmpty, regionB.isEmpty { continue }
                    if regionA.isEmpty || regionB.isEmpty {
                        // One side allows nothing (a proof); the other's region must hold a real call.
                        let (region, decision) = regionA.isEmpty ? (regionB, y) : (regionA, x)
                        if region.witness(where: decision.allows) == nil {
                            difference.arguments.append(PolicyDifference.ArgumentDifference(syscall: name, relation: .undecided))
                        } else if regionA.isEmpty {
                            difference.onlyInSecond.append(name)
                        } else {
                            difference.onlyInFirst.append(name)
                        }
                        continue
                    }
                    let firstOnly = try regionA.subtracting(regionB), secondOnly = try regionB.subtracting(regionA)
                    let exampleA = firstOnly.witness { x.allows($0) && !y.allows($0) }
                    let exampleB = secondOnly.witness { y.allows($0) && !x.allows($0) }
                    let relation: PolicyDifference.Relation
                    switch (firstOnly.isEmpty, secondOnly.isEmpty) {
                    case (true, true): continue
                    case (false, true): relation = exampleA == nil ? .undecided : .firstAllowsMore
                    case (true, false): relation = exampleB == nil ? .undecided : .secondAllowsMore
                    case (false, false): relation = exampleA != nil && exampleB != nil ? .partialOverlap : .undecided
                    }
                    difference.arguments.append(PolicyDifference.ArgumentDifference(
                        syscall: name, relation: relation, firstOnlyExample: exampleA, secondOnlyExample: exampleB))
                } catch {
                    difference.arguments.append(PolicyDifference.ArgumentDifference(syscall: name, relation: .undecided))
                }
            }
            difference.onlyInFirst.sort()
            difference.onlyInSecond.sort()
            if !difference.isEmpty { result.append(difference) }
        }
        return PolicyDifference(arches: result)
    }
}

/// What a decision program does on one arch, including an arch it does not admit.
private struct AllowedCalls {
    /// Syscall numbers with their own decision.
    var listed: Set<UInt32>
    /// Whether every other number is allowed.
    var othersAllowed: Bool
    private var decisions: ArchDecisions?
    private var fallback: Verdict

    init(program: DecisionProgram, arch: Arch) {
        decisions = program.decisions(for: arch)
        fallback = decisions?.defaultVerdict ?? Verdict(program.badArchAction)
        listed = Set(decisions?.syscalls.keys ?? [:].keys)
        othersAllowed = fallback.action.letsCallRun
    }

    func decision(_ nr: UInt32) -> SyscallDecision {
        decisions?.decision(for: nr) ?? SyscallDecision(branches: [], fallback: fallback)
    }
}

extension SyscallDecision {
    /// Whether a call with these arguments runs.
    func allows(_ arguments: [UInt64]) -> Bool { decide(arguments: arguments).action.letsCallRun }

    /// The argument values for which the call runs.
    func allowedRegion() throws(ArgumentRegion.TooComplex) -> ArgumentRegion {
        var allowed = ArgumentRegion.nothing, decided = ArgumentRegion.nothing
        for branch in branches {
            let region = try ArgumentRegion(branch.condition)
            if branch.verdict.action.letsCallRun { allowed = try allowed.union(region.subtracting(decided)) }
            decided = try decided.union(region)
        }
        if fallback.action.letsCallRun { allowed = try allowed.union(ArgumentRegion.everything.subtracting(decided)) }
        return allowed
    }
}
