/// Where a policy file wrote its top-level keys, for findings about the policy as a whole
/// (its default action, its arches). The model does not keep these places; front ends that know
/// them pass them to the linter.
public struct PolicyKeyLocations: Hashable, Sendable {
    /// The `default` key (or its value).
    public var defaultAction: SourceLocation?
    /// The `arches` key.
    public var arches: SourceLocation?
    /// Where each arch is named, when the file names them one by one (a profile's
    /// `architectures` or `archMap` elements); findings about one arch point there.
    public var archEntries: [Arch: SourceLocation]

    /// Places of the keys that were found.
    public init(defaultAction: SourceLocation? = nil, arches: SourceLocation? = nil, archEntries: [Arch: SourceLocation] = [:]) {
        self.defaultAction = defaultAction
        self.arches = arches
        self.archEntries = archEntries
    }
}

/// Checks policies for mistakes and weaknesses, without running them.
///
/// The linter reads the policy model and its decision program (`DecisionProgram`), so it
/// judges what the filter will do, not how the file is written. Findings come back sorted by
/// place; `LintReport` renders them as text, JSON or SARIF.
public struct Linter: Sendable {
    /// Syscall names and numbers per arch.
    public var table: SyscallTable
    /// Errno names by number, for messages (`errno(EPERM)` rather than `errno(1)`).
    public var errnoNames: [UInt16: String]
    /// With a baseline, every call the policy lets run and the baseline does not is reported.
    public var baseline: Policy?
    /// How the filter is compiled for `filter-too-large`: as `sysfence compile` compiles it.
    public var compileOptions: CompileOptions

    /// A linter over `table`, naming errnos with `errnoNames`.
    public init(table: SyscallTable, errnoNames: [UInt16: String] = [:], baseline: Policy? = nil,
                compileOptions: CompileOptions = CompileOptions()) {
        self.table = table
        self.errnoNames = errnoNames
        self.baseline = baseline
        self.compileOptions = compileOptions
    }

    /// Every finding for `policy`, ordered by place and rule.
    ///
    /// - Parameter keys: where the policy file wrote its top-level keys; findings about the
    ///   whole policy point at the file's start when a key's place is unknown.
    public func lint(_ policy: Policy, keys: PolicyKeyLocations = PolicyKeyLocations()) -> [Finding] {
        lint(policy, keys: keys, isImportedProfile: false)
    }

    /// Every finding for `policy`; an imported seccomp profile (`isImportedProfile`) has no
    /// per-rule arches, so names of the other admitted ABIs in its lists are no finding.
    func lint(_ policy: Policy, keys: PolicyKeyLocations, isImportedProfile: Bool) -> [Finding] {
        let context = LintContext(policy: policy, table: table, errnoNames: errnoNames, keys: keys, isImportedProfile: isImportedProfile)
        var findings: [Finding] = []
        context.checkNames(into: &findings)
        context.checkReachability(into: &findings)
        context.checkConstantConditions(into: &findings)
        context.checkArguments(into: &findings)
        context.checkExposure(into: &findings)
        context.checkCompatArches(into: &findings)
        context.checkMultiplexers(into: &findings)
        context.checkProbedSyscalls(into: &findings)
        context.checkStartupSyscalls(into: &findings)
        context.checkFilterLength(context.compiledLength(compileOptions), into: &findings)
        if let baseline {
            context.checkBaseline(LintContext(policy: baseline, table: table, errnoNames: errnoNames, keys: keys, isImportedProfile: false),
                                  into: &findings)
        }
        return findings.sortedByPlace()
    }

    /// The findings for a policy file that could not be loaded: one per diagnostic.
    public static func findings(forLoadFailure error: DiagnosticsError, file: String) -> [Finding] {
        error.diagnostics.map { diagnostic in
            Finding(.invalidPolicy, severity: diagnostic.severity,
                    at: diagnostic.location ?? SourceLocation(file: file, line: 1, column: 1),
                    subject: diagnostic.message, diagnostic.message)
        }.sortedByPlace()
    }
}

extension [Finding] {
    /// Ordered by file, line, column, then rule id and message, so output is stable.
    func sortedByPlace() -> [Finding] {
        sorted {
            let (a, b) = ($0.location, $1.location)
            if a.file != b.file { return a.file < b.file }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            if $0.rule.id != $1.rule.id { return $0.rule.id < $1.rule.id }
            return $0.message < $1.message
        }
    }
}

/// What every check reads: the policy, its decision program and where its parts were written.
struct LintContext {
    let policy: Policy
    let table: SyscallTable
    let program: DecisionProgram
    let errnoNames: [UInt16: String]
    let keys: PolicyKeyLocations
    let isImportedProfile: Bool

    init(policy: Policy, table: SyscallTable, errnoNames: [UInt16: String], keys: PolicyKeyLocations, isImportedProfile: Bool) {
        self.policy = policy
        self.isImportedProfile = isImportedProfile
        self.table = table
        self.program = DecisionProgram(policy: policy, table: table)
        self.errnoNames = errnoNames
        self.keys = keys
    }

    // MARK: Places

    var file: String { policy.sourceFile ?? "<policy>" }

    var fileStart: SourceLocation { SourceLocation(file: file, line: 1, column: 1) }

    var defaultLocation: SourceLocation { keys.defaultAction ?? fileStart }

    var archesLocation: SourceLocation { keys.arches ?? fileStart }

    func location(ofArch arch: Arch) -> SourceLocation { keys.archEntries[arch] ?? archesLocation }

    func ruleLocation(_ rule: Int) -> SourceLocation { policy.rules[rule].source?.rule ?? fileStart }

    func conditionLocation(_ rule: Int) -> SourceLocation { policy.rules[rule].source?.condition ?? ruleLocation(rule) }

    func actionLocation(_ rule: Int) -> SourceLocation { policy.rules[rule].source?.action ?? ruleLocation(rule) }

    func entryLocation(_ rule: Int, _ entry: Int) -> SourceLocation {
        guard let source = policy.rules[rule].source, entry < source.syscalls.count else { return ruleLocation(rule) }
        return source.syscalls[entry]
    }

    /// The entry of `rule` that names syscall `number` on `arch`.
    func entry(of rule: Int, naming number: UInt32, on arch: Arch) -> Int? {
        policy.rules[rule].syscalls.firstIndex { $0.number(on: arch, table: table) == number }
    }

    /// The place of what chose a verdict: the rule's syscall entry, or the default action.
    func location(of verdict: Verdict, number: UInt32, on arch: Arch) -> SourceLocation {
        guard let rule = verdict.rule else { return defaultLocation }
        return entry(of: rule, naming: number, on: arch).map { entryLocation(rule, $0) } ?? ruleLocation(rule)
    }

    /// "the rule at line 12", or its position when the rule has no source.
    func describe(rule: Int) -> String {
        if let line = policy.rules[rule].source?.rule.line { return "the rule at line \(line)" }
        return "rule \(rule + 1)"
    }

    func spell(_ action: Action) -> String { action.spelling(errnoNames: errnoNames) }

    // MARK: Decisions

    /// The number of instructions the policy compiles to, counted even past the kernel's limit.
    func compiledLength(_ options: CompileOptions) -> Int {
        var compiler = FilterCompiler(decisions: program, table: table, options: options)
        return compiler.compile().count
    }

    /// The decisions on `arch` for syscall `name`, when the policy admits the arch and it has the syscall.
    func decision(for name: String, on arch: Arch) -> (number: UInt32, decision: SyscallDecision)? {
        guard let decisions = program.decisions(for: arch), let number = table.number(of: name, on: arch) else { return nil }
        return (number, decisions.decision(for: number))
    }

    /// The argument values for which a syscall decision lets the call run.
    func allowedRegion(of decision: SyscallDecision) throws(ArgumentRegion.TooComplex) -> ArgumentRegion {
        try region(of: decision) { $0.letsCallRun }
    }

    /// The argument values for which a syscall decision takes an action that `selects`.
    func region(of decision: SyscallDecision, where selects: (Action) -> Bool) throws(ArgumentRegion.TooComplex) -> ArgumentRegion {
        var covered = ArgumentRegion.nothing, selected = ArgumentRegion.nothing
        for branch in decision.branches {
            let region = try ArgumentRegion(branch.condition)
            if selects(branch.verdict.action) { selected = try selected.union(region.subtracting(covered)) }
            covered = try covered.union(region)
        }
        if selects(decision.fallback.action) { selected = try selected.union(ArgumentRegion.everything.subtracting(covered)) }
        return selected
    }
}

/// Names joined for a message: "a", "a and b", "a, b and c".
func listText(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " and " + items.last!
}
