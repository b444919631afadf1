/// A seccomp profile turned into a sysfence policy, with what was noticed on the way.
public struct SeccompImport: Sendable {
    /// Decides every call exactly as libseccomp decides it for `profile`.
    public var policy: Policy
    /// The OCI profile a runtime loads (a template rendered for the options).
    public var profile: SeccompProfile
    /// Warnings and notes: unknown names, rules that never decide, ignored fields.
    public var diagnostics: [Diagnostic]
    /// The syscalls (`name/arch`) whose decision no order of the profile's own rules reproduces,
    /// so the policy spells out libseccomp's filter test by test for them.
    public var spelledOut: [String]
    /// Names libseccomp does not know, which runc skips; the first entry naming each.
    public var unknownSyscalls: [NamedSyscall] = []
    /// Names that exist on none of the profile's arches; the first entry naming each.
    public var absentSyscalls: [NamedSyscall] = []
    /// Entries, or argument tests runc split off them, that never decide a call.
    public var silentRules: [SilentRule] = []

    /// A syscall name as entry `entry` of `profile` writes it.
    public struct NamedSyscall: Hashable, Sendable {
        public var name: String
        public var entry: Int
    }

    /// Entry `entry` of `profile` (or its argument test `part` when runc split the entry), which
    /// libseccomp never lets decide a call of `names`: other entries decide every case it covers.
    public struct SilentRule: Hashable, Sendable {
        public var entry: Int
        public var part: Int?
        public var names: [String]
    }
}

/// One step of an imported syscall's decision: a rule of the profile, or a rule spelt out from
/// libseccomp's filter where no order of the profile's rules reproduces it.
enum ImportedStep: Hashable {
    /// Entry `entry` of the profile; `part` is the argument test runc split off, if it split the entry.
    case original(entry: Int, part: Int?)
    case derived(Action, Condition?)

    var entry: Int? {
        if case .original(let entry, _) = self { return entry }
        return nil
    }
}

extension SeccompProfileDocument {
    /// Imports the profile as a runtime on a host of `options.arch` would load it, rendering a
    /// template for the options first; see `SeccompProfile.importPolicy`.
    public func importPolicy(name: String?, options: SeccompRenderOptions, table: SyscallTable,
                             compiler: some SeccompReferenceCompiler) throws(DiagnosticsError) -> SeccompImport {
        var result = try render(for: options).importPolicy(name: name, native: options.arch, table: table, compiler: compiler)
        result.diagnostics.insert(contentsOf: warnings, at: 0)
        return result
    }
}

extension SeccompProfile {
    /// Imports the profile as a runtime on a host of `native` loads it, deciding every input
    /// exactly as libseccomp does.
    ///
    /// The filter libseccomp builds for runc's rules is read back path by path for every syscall
    /// of every arch. Where the profile's own rules, in some order, decide every argument case as
    /// libseccomp does, the policy keeps them (with their comments); otherwise it spells out
    /// libseccomp's decision. Every syscall of the result is checked against the filter.
    public func importPolicy(name: String?, native: Arch, table: SyscallTable,
                             compiler: some SeccompReferenceCompiler) throws(DiagnosticsError) -> SeccompImport {
        var importer = SeccompImporter(profile: self, native: native, table: table)
        return try importer.run(name: name, compiler: compiler)
    }
}

private struct SeccompImporter {
    let table: SyscallTable
    let profile: SeccompProfile
    let rules: LibseccompRuleSet
    var diagnostics: [Diagnostic] = []
    var spelledOut: [String] = []
    var unknownSyscalls: [SeccompImport.NamedSyscall] = []
    var absentSyscalls: [SeccompImport.NamedSyscall] = []
    var silentRules: [SeccompImport.SilentRule] = []

    init(profile: SeccompProfile, native: Arch, table: SyscallTable) {
        self.table = table
        self.profile = profile
        rules = profile.libseccompRules(native: native)
    }

    func location(ofEntry entry: Int) -> SourceLocation? { profile.syscalls[entry].origin?.location }
    func path(ofEntry entry: Int) -> String { profile.syscalls[entry].origin?.path.description ?? "syscalls[\(entry)]" }

    /// The step a libseccomp rule stands for.
    func step(of index: Int) -> ImportedStep {
        let rule = rules.rules[index]
        let entry = profile.syscalls[rule.entry]
        let splits = rule.arguments.count == 1 && entry.arguments.count > 1
        return .original(entry: rule.entry, part: splits ? entry.arguments.firstIndex(of: rule.arguments[0]) : nil)
    }

    mutating func run(name: String?, compiler: some SeccompReferenceCompiler) throws(DiagnosticsError) -> SeccompImport {
        try checkRuntimeLimits()
        noteIgnoredParts()
        let filter: ReferenceFilter
        do {
            filter = try compiler.compile(rules)
        } catch {
            let entry = error.rule.map { rules.rules[$0].entry }
            let what = error.rule.map { "\(path(ofEntry: rules.rules[$0].entry)) (\(rules.rules[$0].syscall))" } ?? "the profile"
            throw DiagnosticsError([Diagnostic(.error, at: entry.flatMap(location(ofEntry:)),
                                               "libseccomp refuses \(what): \(error.reason); runc would not start a container with this profile")])
        }
        warnAboutUnknownNames(filter.unknownSyscalls)

        var decisions: [Arch: [UInt32: [ImportedStep]]] = [:]
        var reachedByProfileName: [Arch: Set<UInt32>] = [:]
        var deciding: Set<Int> = []
        for arch in rules.arches {
            let byNumber = candidates(on: arch)
            reachedByProfileName[arch] = Set(byNumber.keys)
            for nr in try numbers(on: arch, program: filter.instructions) {
                let steps = try decide(arch: arch, nr: nr, program: filter.instructions, candidates: byNumber[nr] ?? [])
                if !steps.isEmpty { decisions[arch, default: [:]][nr] = steps }
                deciding.formUnion((byNumber[nr] ?? []).filter { steps.contains(step(of: $0)) })
            }
        }
        warnAboutRulesThatNeverDecide(deciding: deciding, unknown: filter.unknownSyscalls)
        let policy = assemble(name: name, decisions: decisions, reachedByProfileName: reachedByProfileName)
        try verify(policy, program: filter.instructions)
        return SeccompImport(policy: policy, profile: profile, diagnostics: diagnostics, spelledOut: spelledOut,
                             unknownSyscalls: unknownSyscalls, absentSyscalls: absentSyscalls, silentRules: silentRules)
    }

    // MARK: Checks and notes

    func checkRuntimeLimits() throws(DiagnosticsError) {
        var errors: [Diagnostic] = []
        if profile.defaultAction == .notify {
            errors.append(Diagnostic(.error, at: nil, "defaultAction: SCMP_ACT_NOTIFY cannot be the default action (runc refuses it)"))
        }
        for (index, rule) in profile.syscalls.enumerated() where rule.action == .notify && rule.names.contains("write") {
            errors.append(Diagnostic(.error, at: location(ofEntry: index),
                                     "\(path(ofEntry: index)): SCMP_ACT_NOTIFY cannot be used for write (runc refuses it)"))
        }
        if !errors.isEmpty { throw DiagnosticsError(errors) }
    }

    mutating func noteIgnoredParts() {
        for architecture in profile.architectures where architecture.arch == nil {
            diagnostics.append(Diagnostic(.warning, at: nil,
                "architectures: sysfence does not model \(architecture.name); the imported policy gives its calls the bad-arch action"))
        }
        if !profile.flags.isEmpty {
            diagnostics.append(Diagnostic(.warning, at: nil, "flags: \(profile.flags.joined(separator: ", ")) change how a runtime loads the filter, not what it decides; not kept"))
        }
        if profile.listenerPath != nil {
            diagnostics.append(Diagnostic(.warning, at: nil, "listenerPath: the seccomp agent's socket is runtime configuration; not kept"))
        }
        let skipped = profile.syscalls.indices.filter { profile.syscalls[$0].action == profile.defaultAction }
        if !skipped.isEmpty {
            diagnostics.append(Diagnostic(.note, at: location(ofEntry: skipped[0]),
                "\(skipped.count) \(skipped.count == 1 ? "entry has" : "entries have") the default action and change nothing (runc skips them): \(skipped.map(path(ofEntry:)).joined(separator: ", "))"))
        }
    }

    mutating func warnAboutUnknownNames(_ unknown: Set<String>) {
        var reported: Set<String> = []
        for rule in rules.rules where unknown.contains(rule.syscall) && reported.insert(rule.syscall).inserted {
            unknownSyscalls.append(SeccompImport.NamedSyscall(name: rule.syscall, entry: rule.entry))
            let suggestion = table.suggestion(for: rule.syscall).map { "; did you mean \"\($0)\"?" } ?? ""
            diagnostics.append(Diagnostic(.warning, at: location(ofEntry: rule.entry),
                "\(path(ofEntry: rule.entry)): unknown syscall \"\(rule.syscall)\", skipped as runc skips names libseccomp does not know\(suggestion)"))
        }
        let absent = Set(rules.rules.map(\.syscall)).subtracting(unknown).filter { name in
            !rules.arches.contains { table.number(of: name, on: $0) != nil }
        }
        var listed: Set<String> = []
        for rule in rules.rules where absent.contains(rule.syscall) && listed.insert(rule.syscall).inserted {
            absentSyscalls.append(SeccompImport.NamedSyscall(name: rule.syscall, entry: rule.entry))
        }
        if !absent.isEmpty {
            diagnostics.append(Diagnostic(.note, at: nil,
                "\(absent.count) syscall \(absent.count == 1 ? "name exists" : "names exist") on none of the arches \(rules.arches.map(\.rawValue).joined(separator: ", ")) and \(absent.count == 1 ? "is" : "are") left out: \(absent.sorted().joined(separator: ", "))"))
        }
    }

    /// Warns, per entry, about the names whose rules libseccomp never lets decide anything.
    mutating func warnAboutRulesThatNeverDecide(deciding: Set<Int>, unknown: Set<String>) {
        var silentNames: [ImportedStep: [String]] = [:]
        var order: [ImportedStep] = []
        for (index, rule) in rules.rules.enumerated() where !deciding.contains(index) && !unknown.contains(rule.syscall) {
            guard rules.arches.contains(where: { table.number(of: rule.syscall, on: $0) != nil }) else { continue }
            let step = step(of: index)
            if silentNames[step] == nil { order.append(step) }
            silentNames[step, default: []].append(rule.syscall)
        }
        for step in order {
            guard case .original(let entry, let part) = step else { continue }
            silentRules.append(SeccompImport.SilentRule(entry: entry, part: part, names: silentNames[step]!))
            let which = part.map { "args[\($0)] of " } ?? ""
            diagnostics.append(Diagnostic(.warning, at: location(ofEntry: entry),
                "\(which)\(path(ofEntry: entry)) never decides a call for \(silentNames[step]!.joined(separator: ", ")): libseccomp lets other rules decide every case it covers; left out"))
        }
    }

    // MARK: Per syscall

    /// The libseccomp rules that name each syscall number of `arch`, in the order runc adds them.
    func candidates(on arch: Arch) -> [UInt32: [Int]] {
        var result: [UInt32: [Int]] = [:]
        for (index, rule) in rules.rules.enumerated() {
            if let nr = table.number(of: rule.syscall, on: arch) { result[nr, default: []].append(index) }
        }
        return result
    }

    /// Every syscall number of `arch` the filter might treat apart: the table's numbers and the
    /// constants the filter compares with. Any other number must get the default action.
    func numbers(on arch: Arch, program: [BPFInstruction]) throws(DiagnosticsError) -> [UInt32] {
        let base: UInt32 = arch == .x32 ? Arch.x32SyscallBit : 0
        var numbers = Set(table.syscalls(on: arch).map(\.number))
        for instruction in program where instruction.code & 0x07 == BPFOpcode.jmp && instruction.code != BPFOpcode.jmp {
            let k = instruction.k
            if (k & Arch.x32SyscallBit != 0) == (arch == .x32), k & 0xBFFF_0000 == 0 || arch == .arm && k & 0xFFF0_0000 == 0 {
                numbers.insert(k)
            }
        }
        let unused = (base + 0x3FFF_0000...base + 0x3FFF_FFFF).first { !numbers.contains($0) }!
        let paths = try walk(program, arch: arch, nr: unused)
        let defaultValue = rules.defaultAction.seccompReturnValue
        guard paths.count == 1, paths[0].result == defaultValue else {
            throw DiagnosticsError(at: nil, "internal error: libseccomp's filter does not give unnamed syscall \(unused) on \(arch) the default action")
        }
        return numbers.sorted()
    }

    func walk(_ program: [BPFInstruction], arch: Arch, nr: UInt32) throws(DiagnosticsError) -> [FilterPath] {
        do {
            return try FilterPath.all(in: program, auditArch: arch.auditArch, nr: nr)
        } catch {
            throw DiagnosticsError(at: nil, "internal error: cannot follow libseccomp's filter for syscall \(nr) on \(arch): \(error)")
        }
    }

    /// How libseccomp decides syscall `nr` of `arch`, as steps: the profile's rules in an order
    /// that decides every argument case alike, or else rules read off the filter's paths.
    mutating func decide(arch: Arch, nr: UInt32, program: [BPFInstruction], candidates: [Int]) throws(DiagnosticsError) -> [ImportedStep] {
        let paths = try walk(program, arch: arch, nr: nr)
        let defaultAction = rules.defaultAction
        if candidates.isEmpty, paths.allSatisfy({ $0.result == defaultAction.seccompReturnValue }) { return [] }
        let narrow = arch.hasThirtyTwoBitArguments
        let conditions = candidates.map { index -> Condition? in
            let condition = rules.rules[index].condition
            return narrow ? condition?.narrowedToThirtyTwoBits() : condition
        }
        let samples = try ArgumentSamples(tests: paths.flatMap { $0.tests.map(\.test) },
                                          comparisons: conditions.flatMap { $0?.comparisons ?? [] })
        let expected = try samples.vectors.map { vector throws(DiagnosticsError) -> Action in
            guard let path = paths.first(where: { $0.holds(vector) }) else {
                throw DiagnosticsError(at: nil, "internal error: no path of libseccomp's filter holds for syscall \(nr) on \(arch)")
            }
            return Action(seccompReturnValue: path.result)
        }
        let matches = conditions.map { condition in samples.vectors.map { condition?.holds(arguments: $0) ?? true } }
        let actions = candidates.map { rules.rules[$0].action }

        if let order = DecisionListSearch(matches: matches, actions: actions, expected: expected, defaultAction: defaultAction).order() {
            return order.map { step(of: candidates[$0]) }
        }
        let name = table.name(of: nr, on: arch) ?? String(nr)
        spelledOut.append("\(name)/\(arch)")
        if !candidates.isEmpty {
            diagnostics.append(Diagnostic(.warning, at: location(ofEntry: rules.rules[candidates[0]].entry),
                "\(name) on \(arch): libseccomp resolves the overlapping rules of this profile in a way no order of them reproduces; the imported policy spells out libseccomp's decision test by test"))
        } else {
            diagnostics.append(Diagnostic(.note, at: nil,
                "\(name) on \(arch): libseccomp filters this syscall for rules on others (socketcall and ipc multiplexing); the imported policy says so"))
        }
        return paths.filter { $0.result != defaultAction.seccompReturnValue }.compactMap { path in
            Self.simplified(path, samples: samples.vectors).map {
                .derived(Action(seccompReturnValue: path.result), Self.condition(of: $0, thirtyTwoBit: narrow))
            }
        }
    }

    /// The path without the tests that the others imply, or `nil` when no argument takes it
    /// (libseccomp's filter has paths whose tests contradict each other). The samples meet every
    /// case the tests distinguish, so comparing which samples a path holds for is exact.
    static func simplified(_ path: FilterPath, samples: [[UInt64]]) -> FilterPath? {
        let holding = samples.indices.filter { path.holds(samples[$0]) }
        guard !holding.isEmpty else { return nil }
        var result = path
        var index = 0
        while index < result.tests.count {
            var trial = result
            trial.tests.remove(at: index)
            if samples.indices.filter({ trial.holds(samples[$0]) }) == holding { result = trial } else { index += 1 }
        }
        return result
    }

    /// A path's tests as one condition, joining a 64-bit equality split into its two words. On
    /// a 32-bit ABI, where every comparison reads the low word anyway, no `u32()` view is written.
    static func condition(of path: FilterPath, thirtyTwoBit: Bool) -> Condition? {
        var comparisons = path.tests.map { $0.test.comparison(outcome: $0.outcome) }
        if thirtyTwoBit { comparisons = comparisons.map(\.widened) }
        var index = 0
        while index < comparisons.count {
            let c = comparisons[index]
            if c.width == .full, c.mask == 0xFFFF_FFFF_0000_0000, c.op == .equal,
               let low = comparisons.firstIndex(where: { $0.argument == c.argument && $0.width == .low32 && $0.mask == .max && $0.op == .equal }) {
                comparisons[index] = Comparison(argument: c.argument, op: .equal, value: c.value | comparisons[low].value)
                comparisons.remove(at: low)
            }
            index += 1
        }
        switch comparisons.count {
        case 0: return nil
        case 1: return .comparison(comparisons[0])
        default: return .and(comparisons.map(Condition.comparison))
        }
    }

    // MARK: Assembly

    /// Builds the policy: for each syscall name, its steps per arch; names whose steps agree on
    /// the same arches share rules, in the order of the profile's entries.
    func assemble(name: String?, decisions: [Arch: [UInt32: [ImportedStep]]], reachedByProfileName: [Arch: Set<UInt32>]) -> Policy {
        var selectors: [SyscallSelector] = []
        var seen: Set<SyscallSelector> = []
        for rule in rules.rules where seen.insert(.name(rule.syscall)).inserted { selectors.append(.name(rule.syscall)) }
        for arch in rules.arches {
            for nr in (decisions[arch] ?? [:]).keys.sorted() where !(reachedByProfileName[arch] ?? []).contains(nr) {
                let selector = table.name(of: nr, on: arch).map(SyscallSelector.name) ?? .number(nr & ~(arch == .x32 ? Arch.x32SyscallBit : 0))
                if seen.insert(selector).inserted { selectors.append(selector) }
            }
        }

        struct BlockKey: Hashable { var steps: [ImportedStep]; var arches: [Arch]? }
        var blocks: [BlockKey: [SyscallSelector]] = [:]
        var blockOrder: [BlockKey] = []
        for selector in selectors {
            var byArch: [(arch: Arch, steps: [ImportedStep])] = []
            for arch in rules.arches {
                guard let nr = selector.number(on: arch, table: table) else { continue }
                if case .number = selector, decisions[arch]?[nr] == nil { continue }
                byArch.append((arch, decisions[arch]?[nr] ?? []))
            }
            let distinct = byArch.reduce(into: [[ImportedStep]]()) { if !$0.contains($1.steps) { $0.append($1.steps) } }
            let isRaw: Bool = { if case .number = selector { return true }; return false }()
            for steps in distinct where !steps.isEmpty {
                let arches = byArch.filter { $0.steps == steps }.map(\.arch)
                let key = BlockKey(steps: steps, arches: distinct.count == 1 && !isRaw ? nil : arches)
                if blocks[key] == nil { blockOrder.append(key) }
                blocks[key, default: []].append(selector)
            }
        }
        let firstEntry = { (key: BlockKey) in key.steps.compactMap(\.entry).min() ?? Int.max }
        let ordered = blockOrder.enumerated().sorted { (firstEntry($0.element), $0.offset) < (firstEntry($1.element), $1.offset) }.map(\.element)

        var policyRules: [Rule] = []
        for key in ordered {
            let syscalls = blocks[key]!
            for step in key.steps {
                switch step {
                case .original(let entry, let part):
                    let source = profile.syscalls[entry]
                    let arguments = part.map { [source.arguments[$0]] } ?? source.arguments
                    let condition = LibseccompRule(syscall: "", action: source.action, arguments: arguments, entry: entry).condition
                    policyRules.append(Rule(action: source.action, syscalls: syscalls, condition: condition, arches: key.arches, comment: source.comment,
                                            source: ruleSource(entry: entry, part: part, syscalls: syscalls)))
                case .derived(let action, let condition):
                    // No entry decides alone: the places are those of the first entries naming the syscalls.
                    let source = syscalls.lazy.compactMap { selector in
                        profile.syscalls.indices.first { profile.syscalls[$0].names.contains("\(selector)") }
                    }.first.flatMap { ruleSource(entry: $0, part: nil, syscalls: syscalls) }
                    policyRules.append(Rule(action: action, syscalls: syscalls, condition: condition, arches: key.arches, source: source))
                }
            }
        }
        return Policy(name: name, defaultAction: rules.defaultAction, arches: rules.arches, badArchAction: .killThread, rules: policyRules)
    }

    /// Where entry `entry` wrote the parts of a rule made from it: the entry, its action, each
    /// syscall's element of `names` (the entry's place for syscalls it does not name) and the
    /// argument test (the first one when runc did not split the entry).
    func ruleSource(entry: Int, part: Int?, syscalls: [SyscallSelector]) -> RuleSource? {
        let rule = profile.syscalls[entry]
        guard let origin = rule.origin, let location = origin.location else { return nil }
        let names = syscalls.map { rule.location(ofName: "\($0)") ?? location }
        return RuleSource(rule: location, action: origin.action, syscalls: names, condition: rule.location(ofArgument: part ?? 0))
    }

    /// Checks the policy against the filter for every syscall number of every arch.
    func verify(_ policy: Policy, program: [BPFInstruction]) throws(DiagnosticsError) {
        let decisions = DecisionProgram(policy: policy, table: table)
        for arch in rules.arches {
            if let disagreement = try decisions.firstDisagreement(with: program, arch: arch, numbers: numbers(on: arch, program: program)) {
                throw DiagnosticsError(at: nil, "internal error: the imported policy disagrees with libseccomp: \(disagreement.describe(table: table))")
            }
        }
    }
}

/// Finds an order of rules that, first match winning, decides every sample as expected.
///
/// Greedy placement is complete here: a rule that decides all the samples it still matches as
/// expected keeps doing so as samples are taken away, so placing it never blocks a solution.
/// Rules left over match nothing new; rules that stop mattering are removed afterwards.
struct DecisionListSearch {
    /// `matches[rule][sample]`
    var matches: [[Bool]]
    var actions: [Action]
    var expected: [Action]
    var defaultAction: Action

    func order() -> [Int]? {
        var open = Array(repeating: true, count: expected.count)
        var unplaced = Array(actions.indices)
        var order: [Int] = []
        placing: while true {
            for (position, rule) in unplaced.enumerated() {
                let covered = open.indices.filter { open[$0] && matches[rule][$0] }
                if covered.isEmpty {
                    unplaced.remove(at: position)
                    continue placing
                }
                if covered.allSatisfy({ expected[$0] == actions[rule] }) {
                    for sample in covered { open[sample] = false }
                    order.append(rule)
                    unplaced.remove(at: position)
                    continue placing
                }
            }
            break
        }
        guard open.indices.allSatisfy({ !open[$0] || expected[$0] == defaultAction }) else { return nil }
        var index = 0
        while index < order.count {
            var trial = order
            trial.remove(at: index)
            if decides(trial) { order = trial } else { index += 1 }
        }
        return order
    }

    func decides(_ order: [Int]) -> Bool {
        expected.indices.allSatisfy { sample in
            (order.first { matches[$0][sample] }.map { actions[$0] } ?? defaultAction) == expected[sample]
        }
    }
}
