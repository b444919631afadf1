/// How `SyscallRecording.policy(options:table:)` turns a recording into a policy.
public struct RecordingOptions: Sendable {
    /// The policy's name.
    public var name: String?
    /// Whether to add the base set: what the runtime and every process need although a
    /// recording of the workload may not show it (docs/recording.md, "Base set").
    public var includeBase = true
    /// Whether watched syscalls are allowed only with the argument values seen.
    public var constrainArguments = true

    public init(name: String? = nil, includeBase: Bool = true, constrainArguments: Bool = true) {
        self.name = name
        self.includeBase = includeBase
        self.constrainArguments = constrainArguments
    }
}

extension SyscallRecording {
    /// The action for everything the recording did not show: `EPERM`, the error a program
    /// expects from a call it is not permitted to make, so that it fails that call and can
    /// report it, rather than being killed without a word; moby's default profile denies with
    /// `EPERM` too.
    static let deniedAction = Action.errno(1)
    /// `clone3` fails with `ENOSYS` so that C libraries fall back to `clone`, whose flags the filter can check.
    static let clone3Action = Action.errno(SyscallFacts.enosys)

    /// The tightest policy allowing what was recorded.
    ///
    /// One rule per syscall (per set of arches where it is allowed alike), most frequent first,
    /// then the base set's own syscalls; each rule's comment says how often it was seen.
    public func policy(options: RecordingOptions, table: SyscallTable) -> Policy {
        var arches = calls.filter { !$0.value.isEmpty }.keys.sorted()
        if arches.isEmpty { arches = [.native] }
        var allowances: [SyscallSelector: [Arch: Allowance]] = [:]
        for arch in arches {
            for (selector, allowance) in self.allowances(on: arch, options: options, table: table) {
                allowances[selector, default: [:]][arch] = allowance
            }
        }
        var rules: [(rule: Rule, seen: UInt64)] = []
        for (selector, perArch) in allowances {
            // Arches where the syscall is decided alike share one rule.
            var groups: [(key: Allowance.RuleKey, arches: [Arch], allowances: [Allowance])] = []
            for arch in arches {
                guard let allowance = perArch[arch] else { continue }
                let key = allowance.ruleKey
                if let index = groups.firstIndex(where: { $0.key == key }) {
                    groups[index].arches.append(arch)
                    groups[index].allowances.append(allowance)
                } else {
                    groups.append((key, [arch], [allowance]))
                }
            }
            for group in groups {
                let seen = group.allowances.reduce(0) { $0 + $1.seen }
                let comment = Allowance.comment(group.allowances, seen: seen)
                let rule = Rule(action: group.key.action, syscalls: [selector], condition: group.key.condition,
                                arches: group.arches == arches ? nil : group.arches, comment: comment)
                rules.append((rule, seen))
            }
        }
        rules.sort { a, b in
            if a.seen != b.seen { return a.seen > b.seen }
            let (x, y) = (a.rule.syscalls[0].description, b.rule.syscalls[0].description)
            return x != y ? x < y : (a.rule.arches?.first ?? arches[0]) < (b.rule.arches?.first ?? arches[0])
        }
        return Policy(name: options.name, defaultAction: Self.deniedAction, arches: arches, rules: rules.map(\.rule))
    }

    /// What the policy allows of each syscall on one arch.
    private func allowances(on arch: Arch, options: RecordingOptions, table: SyscallTable) -> [SyscallSelector: Allowance] {
        var result: [SyscallSelector: Allowance] = [:]
        func selector(_ nr: UInt32) -> SyscallSelector { table.name(of: nr, on: arch).map(SyscallSelector.name) ?? .number(nr) }
        for (nr, count) in calls[arch] ?? [:] where count > 0 {
            var allowance = Allowance(seen: count)
            if options.constrainArguments, case .name(let name) = selector(nr), let watch = WatchedSyscalls.watch(of: name, on: arch) {
                let values = argumentValues[arch]?[nr] ?? [:]
                allowance.watch = (name, watch)
                if values.isEmpty {
                    allowance.note = "argument values not recorded: not constrained"
                } else {
                    allowance.values = Set(values.keys)
                }
            }
            result[selector(nr)] = allowance
        }
        for entry in options.includeBase ? BaseSet.entries : [] {
            for name in entry.names {
                guard let nr = table.number(of: name, on: arch) else { continue }
                var allowance = result[selector(nr)] ?? Allowance(seen: 0)
                allowance.baseReason = entry.reason
                if options.constrainArguments, let watch = WatchedSyscalls.watch(of: name, on: arch) {
                    allowance.watch = allowance.watch ?? (name, watch)
                    if allowance.note == nil {
                        allowance.values = (allowance.values ?? []).union(entry.values)
                    }
                }
                result[selector(nr)] = allowance
            }
        }
        if options.constrainArguments, let clone3 = table.number(of: "clone3", on: arch), result[selector(clone3)] != nil {
            result[selector(clone3)]!.action = Self.clone3Action
            result[selector(clone3)]!.note = "ENOSYS: its flags lie in memory the filter cannot read, so callers fall back to clone, whose flags are checked"
            if let clone = table.number(of: "clone", on: arch) {
                var allowance = result[selector(clone)] ?? Allowance(seen: 0)
                allowance.watch = allowance.watch ?? WatchedSyscalls.watch(of: "clone", on: arch).map { ("clone", $0) }
                if allowance.watch != nil, allowance.note == nil {
                    allowance.values = (allowance.values ?? []).union([[0]])
                }
                allowance.fallbackOfClone3 = true
                result[selector(clone)] = allowance
            }
        }
        return result
    }
}

/// What a generated policy allows of one syscall on one arch, and why.
private struct Allowance {
    /// Calls recorded.
    var seen: UInt64
    var action = Action.allow
    /// The watch of a watched syscall (when arguments are constrained), with its name.
    var watch: (name: String, watch: ArgumentWatch)?
    /// The argument values allowed; `nil`: any.
    var values: Set<SyscallRecording.ArgumentValues>?
    /// Why the base set holds the syscall, if it does.
    var baseReason: String?
    /// Why arguments are not constrained although the syscall is watched, or why the action differs.
    var note: String?
    /// Whether clone is also allowed as the fallback of a denied clone3.
    var fallbackOfClone3 = false

    /// What decides whether two arches share a rule: the action, the condition and the comment's reasons.
    struct RuleKey: Equatable {
        var action: Action
        var condition: Condition?
        var baseReason: String?
        var note: String?
        var fallbackOfClone3: Bool
        var isCapped: Bool
    }

    var ruleKey: RuleKey {
        var condition: Condition?
        if action == .allow, let watch, let values, let entry = WatchedSyscalls.byName[watch.name] {
            condition = Self.condition(watch.watch, values: values, cap: entry.cap)
        }
        return RuleKey(action: action, condition: condition, baseReason: baseReason, note: note,
                       fallbackOfClone3: fallbackOfClone3, isCapped: isCapped)
    }

    /// Whether the values of a watch are too many to list.
    var isCapped: Bool {
        guard let watch, let values, let entry = WatchedSyscalls.byName[watch.name] else { return false }
        return values.count > entry.cap
    }

    /// The condition allowing exactly `values`, or `nil` when they are every possible value or more than `cap`.
    static func condition(_ watch: ArgumentWatch, values: Set<SyscallRecording.ArgumentValues>, cap: Int) -> Condition? {
        precondition(!values.isEmpty, "a watched syscall is allowed with at least one value")
        guard values.count <= cap, Double(values.count) < watch.possibleValueCount else { return nil }
        func comparison(_ position: Int, _ value: UInt32) -> Condition {
            let mask = watch.masks[position]
            return .comparison(Comparison(argument: watch.arguments[position], width: .low32,
                                          mask: mask == 0xFFFF_FFFF ? .max : UInt64(mask), op: .equal, value: UInt64(value)))
        }
        func any(_ terms: [Condition]) -> Condition { terms.count == 1 ? terms[0] : .or(terms) }
        if watch.arguments.count == 1 {
            return any(values.map { $0[0] }.sorted().map { comparison(0, $0) })
        }
        let byFirst = Dictionary(grouping: values, by: { $0[0] })
        let secondSpace = 1 << min(watch.masks[1].nonzeroBitCount, 40)
        return any(byFirst.keys.sorted().map { first in
            let seconds = byFirst[first]!.map { $0[1] }.sorted()
            if seconds.count == secondSpace { return comparison(0, first) }
            return .and([comparison(0, first), any(seconds.map { comparison(1, $0) })])
        })
    }

    /// The comment of a rule covering these allowances (one per arch).
    static func comment(_ allowances: [Allowance], seen: UInt64) -> String {
        var parts: [String] = []
        if seen > 0 { parts.append("seen \(seen) \(seen == 1 ? "time" : "times")") }
        let first = allowances[0]
        if let reason = first.baseReason { parts.append("base: \(reason)") }
        if first.fallbackOfClone3 { parts.append("allowed without namespace flags as the fallback of clone3") }
        if let note = first.note { parts.append(note) }
        if first.isCapped, let watch = first.watch, let entry = WatchedSyscalls.byName[watch.name] {
            let most = allowances.map { $0.values?.count ?? 0 }.max() ?? 0
            parts.append("\(most) distinct argument values, more than \(entry.cap): not constrained")
        }
        return parts.joined(separator: "; ")
    }
}
