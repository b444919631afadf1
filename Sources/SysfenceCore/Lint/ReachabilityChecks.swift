/// What happened to one rule's claim on one syscall of one arch.
private enum ClaimOutcome {
    /// It decides some calls, or no conclusion could be drawn.
    case live
    /// Earlier rules with the same action decide every call it matches.
    case redundant(Set<Int>)
    /// Earlier rules decide some call it matches with another action, and every other one too.
    case shadowed(Set<Int>)
}

extension LintContext {
    /// `shadowed-rule` and `redundant-rule`: entries that never decide a call, on any arch.
    func checkReachability(into findings: inout [Finding]) {
        // Per rule and entry: the outcome on each arch where the entry names a syscall.
        var outcomes = policy.rules.map { [[ClaimOutcome]](repeating: [], count: $0.syscalls.count) }
        for decisions in program.arches {
            var claimants: [UInt32: [(rule: Int, entry: Int)]] = [:]
            for (index, rule) in policy.rules.enumerated() where policy.arches(of: rule).contains(decisions.arch) {
                for (entry, selector) in rule.syscalls.enumerated() where duplicatedEntry(entry, of: rule) == nil {
                    guard let number = selector.number(on: decisions.arch, table: table) else { continue }
                    claimants[number, default: []].append((index, entry))
                }
            }
            for (number, entries) in claimants {
                let byRule = claimOutcomes(decisions.decision(for: number), rules: entries.map(\.rule), arch: decisions.arch)
                for (rule, entry) in entries { outcomes[rule][entry].append(byRule[rule] ?? .live) }
            }
        }

        for (index, rule) in policy.rules.enumerated() {
            var dead: [(entry: Int, shadowed: Bool, deciders: Set<Int>)] = []
            for entry in rule.syscalls.indices where !outcomes[index][entry].isEmpty {
                // Shadowed on one arch is shadowed: the action the rule gives never happens there.
                var isDead = true, sameAction = Set<Int>(), otherAction = Set<Int>()
                for outcome in outcomes[index][entry] {
                    switch outcome {
                    case .live: isDead = false
                    case .redundant(let rules): sameAction.formUnion(rules)
                    case .shadowed(let rules): otherAction.formUnion(rules)
                    }
                }
                if isDead { dead.append((entry, !otherAction.isEmpty, otherAction.isEmpty ? sameAction : otherAction)) }
            }
            guard !dead.isEmpty else { continue }
            let checked = rule.syscalls.indices.filter { !outcomes[index][$0].isEmpty }
            if dead.count == checked.count {
                let shadowed = dead.contains { $0.shadowed }
                let deciders = dead.filter { $0.shadowed == shadowed }.reduce(into: Set<Int>()) { $0.formUnion($1.deciders) }
                let names = dead.map { "\(rule.syscalls[$0.entry])" }
                findings.append(reachabilityFinding(rule: index, shadowed: shadowed, deciders: deciders,
                                                    at: ruleLocation(index), subject: names.joined(separator: ","),
                                                    what: "this rule never applies"))
            } else {
                for item in dead {
                    let name = "\(rule.syscalls[item.entry])"
                    findings.append(reachabilityFinding(rule: index, shadowed: item.shadowed, deciders: item.deciders,
                                                        at: entryLocation(index, item.entry), subject: name,
                                                        what: "\(name) never reaches this rule"))
                }
            }
        }
    }

    private func reachabilityFinding(rule: Int, shadowed: Bool, deciders: Set<Int>, at location: SourceLocation,
                                     subject: String, what: String) -> Finding {
        let sorted = deciders.sorted()
        let who = describe(rules: sorted)
        if shadowed {
            let actions = Set(sorted.map { policy.rules[$0].action })
            let actionText = listText(sorted.map { spell(policy.rules[$0].action) }.reduce(into: [String]()) {
                if !$0.contains($1) { $0.append($1) }
            })
            let verb = actions.count == 1 ? "with \(actionText)" : "(\(actionText))"
            return Finding(.shadowedRule, at: location, subject: subject,
                           "\(what): \(who) \(sorted.count == 1 ? "decides" : "decide") first \(verb), never \(spell(policy.rules[rule].action))")
        }
        return Finding(.redundantRule, at: location, subject: subject,
                       "\(what): \(who) already \(sorted.count == 1 ? "decides" : "decide") it with \(spell(policy.rules[rule].action))")
    }

    /// "the rule at line 3", "the rules at lines 3 and 7".
    func describe(rules: [Int]) -> String {
        if rules.count == 1 { return describe(rule: rules[0]) }
        let lines = rules.compactMap { policy.rules[$0].source?.rule.line }
        if lines.count == rules.count { return "the rules at lines " + listText(lines.map(String.init)) }
        return "rules " + listText(rules.map { String($0 + 1) })
    }

    /// The outcome of each rule that names a syscall, in the order the decision tries them.
    ///
    /// The decision holds the rules up to the first unconditional one; the rules after it are
    /// dropped by lowering and are claims that earlier ones always decide.
    private func claimOutcomes(_ decision: SyscallDecision, rules: [Int], arch: Arch) -> [Int: ClaimOutcome] {
        var claims: [(rule: Int, condition: Condition?)] = decision.branches.map { ($0.verdict.rule!, $0.condition) }
        if let closer = decision.fallback.rule {
            claims.append((closer, nil))
            for rule in Set(rules).sorted() where rule > closer {
                claims.append((rule, policy.rules[rule].condition.map { arch.hasThirtyTwoBitArguments ? $0.narrowedToThirtyTwoBits() : $0 }))
            }
        }
        var outcomes: [Int: ClaimOutcome] = [:]
        do throws(ArgumentRegion.TooComplex) {
            var earlier: [(rule: Int, region: ArgumentRegion)] = []
            var covered = ArgumentRegion.nothing
            for claim in claims {
                let region = try claim.condition.map { c throws(ArgumentRegion.TooComplex) in try ArgumentRegion(c) } ?? .everything
                defer {
                    earlier.append((claim.rule, region))
                }
                // An empty region is a condition that never holds, which another check reports.
                guard !region.isEmpty, try region.subtracting(covered).isEmpty else {
                    outcomes[claim.rule] = merge(outcomes[claim.rule], .live)
                    covered = try covered.union(region)
                    continue
                }
                let action = policy.rules[claim.rule].action
                var sameAction = ArgumentRegion.nothing
                var same = Set<Int>(), other = Set<Int>()
                for prior in earlier where try !prior.region.intersection(region).isEmpty {
                    if policy.rules[prior.rule].action == action {
                        sameAction = try sameAction.union(prior.region)
                        same.insert(prior.rule)
                    } else {
                        other.insert(prior.rule)
                    }
                }
                let outcome: ClaimOutcome = try region.subtracting(sameAction).isEmpty ? .redundant(same) : .shadowed(other)
                outcomes[claim.rule] = merge(outcomes[claim.rule], outcome)
            }
        } catch {
            return [:]
        }
        return outcomes
    }

    /// A rule that claims a syscall twice (by name and number) is live when either claim is.
    private func merge(_ existing: ClaimOutcome?, _ new: ClaimOutcome) -> ClaimOutcome {
        guard let existing else { return new }
        if case .live = existing { return .live }
        if case .live = new { return .live }
        return existing
    }
}

// MARK: Conditions that never or always hold

extension LintContext {
    /// `condition-never-holds` and `condition-always-holds`, for each condition and the outermost
    /// part of it that is constant. On 32-bit ABIs, where only low words are compared, the
    /// condition is judged as those arches see it.
    func checkConstantConditions(into findings: inout [Finding]) {
        for (index, rule) in policy.rules.enumerated() {
            guard let condition = rule.condition else { continue }
            let arches = policy.arches(of: rule)
            let wide = arches.filter { !$0.hasThirtyTwoBitArguments }, narrow = arches.filter(\.hasThirtyTwoBitArguments)
            var views: [(arches: [Arch], condition: Condition)] = []
            if !wide.isEmpty { views.append((wide, condition)) }
            if !narrow.isEmpty { views.append((narrow, condition.narrowedToThirtyTwoBits())) }
            reportConstantParts(condition, views: views, whole: true, rule: index, into: &findings)
        }
    }

    /// Reports a condition (`written`, seen through each view) if it is constant in some view,
    /// else its parts.
    private func reportConstantParts(_ written: Condition, views: [(arches: [Arch], condition: Condition)], whole: Bool,
                                     rule: Int, into findings: inout [Finding]) {
        var never: [Arch] = [], always: [Arch] = []
        for view in views {
            guard let region = try? ArgumentRegion(view.condition) else { continue }
            if region.isEmpty {
                never += view.arches
            } else if (try? region.isEverything()) == true {
                always += view.arches
            }
        }
        let text = written.whenText
        let allArches = views.flatMap(\.arches)
        func scope(_ arches: [Arch]) -> String {
            arches.count == allArches.count ? "" : " on \(listText(arches.map(\.rawValue)))"
        }
        if !never.isEmpty {
            let consequence = whole ? ", so the rule never applies\(scope(never))" : "\(scope(never))"
            findings.append(Finding(.conditionNeverHolds, at: conditionLocation(rule), subject: text,
                                    "`\(text)` never holds\(consequence)"))
        }
        if !always.isEmpty {
            let consequence = whole ? ", so the rule acts as if it had no condition\(scope(always))" : "\(scope(always))"
            findings.append(Finding(.conditionAlwaysHolds, at: conditionLocation(rule), subject: text,
                                    "`\(text)` always holds\(consequence)"))
        }
        guard never.isEmpty, always.isEmpty else { return }
        for (part, writtenPart) in written.parts.enumerated() {
            let partViews = views.map { (arches: $0.arches, condition: $0.condition.parts[part]) }
            reportConstantParts(writtenPart, views: partViews, whole: false, rule: rule, into: &findings)
        }
    }
}

extension Condition {
    /// The direct sub-conditions.
    var parts: [Condition] {
        switch self {
        case .comparison: return []
        case .and(let terms), .or(let terms): return terms
        case .not(let inner): return [inner]
        }
    }
}
