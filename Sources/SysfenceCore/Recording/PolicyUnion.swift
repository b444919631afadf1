extension Policy {
    /// The union of allow-list policies: a call is allowed iff some input allows it.
    ///
    /// Every input must be an allow-list: a default action that does not let calls run, the same
    /// default and bad-arch action in every input, and rules that allow, or fail `clone3` with
    /// `ENOSYS` unconditionally (as recorded policies do). Calls no input allows get the common
    /// default, or `ENOSYS` for `clone3` where some input says so. Rules of the same syscall and
    /// arch are joined, their conditions ORed; the `seen N times` counts of their comments add up.
    ///
    /// - Throws: `DiagnosticsError` naming the file and rule of every input that is not an allow-list.
    public static func union(_ policies: [Policy], name: String? = nil) throws(DiagnosticsError) -> Policy {
        precondition(!policies.isEmpty, "a union of no policies")
        let first = policies[0]
        var problems: [Diagnostic] = []
        for policy in policies {
            problems += policy.allowListProblems(comparedWith: first)
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }

        var arches: [Arch] = []
        for policy in policies { arches += policy.arches.filter { !arches.contains($0) } }
        arches.sort()
        // Per (action, syscall) and arch: the conditions (nil: any value) and the comments of the rules.
        var claims: [ClaimKey: [Arch: Claim]] = [:]
        var order: [ClaimKey] = []
        for (policyIndex, policy) in policies.enumerated() {
            for (ruleIndex, rule) in policy.rules.enumerated() {
                for selector in rule.syscalls {
                    let key = ClaimKey(action: rule.action, selector: selector)
                    if claims[key] == nil { order.append(key) }
                    for arch in policy.arches(of: rule) {
                        claims[key, default: [:]][arch, default: Claim()].add(rule, id: [policyIndex, ruleIndex])
                    }
                }
            }
        }
        // Where an input allows a syscall for any arguments, an ENOSYS claim for it never decides:
        // leave it out rather than write a rule that can never apply.
        for key in order where key.action != .allow {
            for (arch, _) in claims[key]! where claims[ClaimKey(action: .allow, selector: key.selector)]?[arch].map({ $0.condition == nil }) == true {
                claims[key]![arch] = nil
            }
        }
        var rules: [(rule: Rule, seen: UInt64)] = []
        for key in order {
            let perArch = claims[key]!
            var groups: [(claim: Claim, arches: [Arch])] = []
            for arch in arches {
                guard let claim = perArch[arch] else { continue }
                if let index = groups.firstIndex(where: { $0.claim.condition == claim.condition }) {
                    groups[index].arches.append(arch)
                    groups[index].claim.merge(claim)
                } else {
                    groups.append((claim, [arch]))
                }
            }
            for group in groups {
                let comment = group.claim.comment
                rules.append((Rule(action: key.action, syscalls: [key.selector], condition: group.claim.condition,
                                   arches: group.arches == arches ? nil : group.arches, comment: comment.text), comment.seen))
            }
        }
        // Allowing rules first: an ENOSYS rule for clone3 must not hide an input that allows it.
        let sorted = rules.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if (x.rule.action == .allow) != (y.rule.action == .allow) { return x.rule.action == .allow }
            if x.seen != y.seen { return x.seen > y.seen }
            return a.offset < b.offset
        }.map(\.element.rule)
        return Policy(name: name ?? first.name, defaultAction: first.defaultAction, arches: arches,
                      badArchAction: first.badArchAction, rules: sorted)
    }

    /// Why the policy is not an allow-list that `union` can join with `reference` (empty when it is).
    /// A problem with a rule is located at the rule when the policy came from a file, and names
    /// the file in its message otherwise.
    private func allowListProblems(comparedWith reference: Policy) -> [Diagnostic] {
        let file = sourceFile ?? name ?? "policy"
        var problems: [Diagnostic] = []
        func problem(_ rule: Rule?, _ message: String) {
            if let location = rule?.source?.rule {
                problems.append(Diagnostic(.error, at: location, message))
            } else {
                problems.append(Diagnostic(.error, at: nil, "\(file): \(message)"))
            }
        }
        let other = reference.sourceFile ?? reference.name ?? "the first policy"
        if defaultAction.letsCallRun {
            problem(nil, "default action \(defaultAction) lets calls run; merge takes allow-list policies")
        } else if defaultAction != reference.defaultAction {
            problem(nil, "default action \(defaultAction) differs from \(other)'s \(reference.defaultAction)")
        }
        if badArchAction != reference.badArchAction {
            problem(nil, "bad-arch action \(badArchAction) differs from \(other)'s \(reference.badArchAction)")
        }
        for (index, rule) in rules.enumerated() where rule.action != .allow {
            let place = "rule \(index + 1) (\(rule.syscalls.map(\.description).joined(separator: ", ")))"
            if rule.action == .errno(SyscallFacts.enosys), rule.syscalls == [.name("clone3")] {
                if rule.condition != nil {
                    problem(rule, "\(place): errno(38) for clone3 has a condition; merge takes it only unconditional")
                }
                continue
            }
            problem(rule, "\(place): action \(rule.action) is neither allow nor errno(38) for clone3; merge takes allow-list policies")
        }
        return problems
    }
}

/// One syscall's rules of one action, in a union.
private struct ClaimKey: Hashable {
    var action: Action
    var selector: SyscallSelector
}

/// What the inputs of a union say about one syscall on one arch.
private struct Claim {
    /// `nil`: any argument values.
    var condition: Condition?
    private var conditions: [Condition] = []
    private var unconditional = false
    /// The comments' parts, in order, with the `seen N times` counts apart.
    private var parts: [String] = []
    private var seen: UInt64 = 0
    private var hasCount = false
    /// The rules counted already (policy and rule index), so that a rule spanning arches counts once.
    private var counted: [[Int]: Rule] = [:]

    init() {}

    mutating func add(_ rule: Rule, id: [Int]) {
        if let condition = rule.condition {
            for term in Self.alternatives(condition) where !conditions.contains(term) { conditions.append(term) }
        } else {
            unconditional = true
        }
        condition = unconditional ? nil : (conditions.count == 1 ? conditions[0] : .or(conditions))
        guard counted[id] == nil else { return }
        counted[id] = rule
        for part in (rule.comment ?? "").split(separator: "; ").map(String.init) where !part.isEmpty {
            if let count = Self.seenCount(part) {
                seen += count
                hasCount = true
            } else if !parts.contains(part) {
                parts.append(part)
            }
        }
    }

    mutating func merge(_ other: Claim) {
        for (id, rule) in other.counted.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) { add(rule, id: id) }
    }

    /// The comment of the joined rule, and its count.
    var comment: (text: String?, seen: UInt64) {
        let all = (hasCount ? ["seen \(seen) \(seen == 1 ? "time" : "times")"] : []) + parts
        return (all.isEmpty ? nil : all.joined(separator: "; "), seen)
    }

    /// The terms of a disjunction, or the condition itself.
    private static func alternatives(_ condition: Condition) -> [Condition] {
        if case .or(let terms) = condition { return terms }
        return [condition]
    }

    /// N of a comment part `seen N times` (or `seen 1 time`).
    static func seenCount(_ part: String) -> UInt64? {
        let words = part.split(separator: " ")
        guard words.count == 3, words[0] == "seen", words[2] == "times" || words[2] == "time" else { return nil }
        return UInt64(words[1])
    }
}
