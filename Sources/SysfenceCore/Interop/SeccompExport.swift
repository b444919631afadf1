/// A policy written as an OCI seccomp profile, with what was noticed on the way.
public struct SeccompExport: Sendable {
    /// Decides every call on the policy's arches exactly as the policy does, once libseccomp has
    /// built it the way runc does.
    public var profile: SeccompProfile
    public var diagnostics: [Diagnostic]
}

extension Policy {
    /// The policy as an OCI `linux.seccomp` profile, for runc, crun, containerd, Docker, Podman
    /// or a kubelet `Localhost` profile.
    ///
    /// Each rule becomes OCI entries: `||`, `!`, several tests on one argument, masks with ordering
    /// operators and `u32()` views are rewritten into equivalent sets of entries. libseccomp does
    /// not apply rules first-match-wins, so where the rules of a syscall overlap with different
    /// actions the later rules are cut down to what the earlier ones leave. Every syscall of every
    /// arch of the result is checked against the policy through libseccomp itself; what cannot be
    /// said exactly (per-rule arches that matter, raw numbers that name different syscalls on
    /// different arches, SCMP_ACT_NOTIFY as default) is refused with the reason, never weakened.
    public func seccompProfile(table: SyscallTable, native: Arch = .native,
                               compiler: some SeccompReferenceCompiler) throws(DiagnosticsError) -> SeccompExport {
        var exporter = SeccompExporter(policy: self, table: table, native: native)
        return try exporter.run(compiler: compiler)
    }
}

private struct SeccompExporter {
    let policy: Policy
    let table: SyscallTable
    let native: Arch
    let decisions: DecisionProgram
    var diagnostics: [Diagnostic] = []
    var errors: [Diagnostic] = []

    init(policy: Policy, table: SyscallTable, native: Arch) {
        self.policy = policy
        self.table = table
        self.native = native
        decisions = DecisionProgram(policy: policy, table: table)
    }

    /// The most OCI entries one syscall may take before the export gives up on a lowering.
    static let maximumEntriesPerSyscall = 64

    /// One OCI entry for one syscall group, before entries are merged across groups.
    struct Piece: Equatable {
        var rule: Int
        var action: Action
        var arguments: [SeccompArgument]
    }

    func location(of rule: Int) -> SourceLocation? { policy.rules[rule].source?.rule }
    func describe(_ rule: Int) -> String {
        let syscalls = policy.rules[rule].syscalls.prefix(3).map(\.description).joined(separator: ", ")
        return "rule \(rule + 1) (\(syscalls)\(policy.rules[rule].syscalls.count > 3 ? ", ..." : ""))"
    }

    mutating func run(compiler: some SeccompReferenceCompiler) throws(DiagnosticsError) -> SeccompExport {
        if policy.defaultAction == .notify {
            errors.append(Diagnostic(.error, at: nil, "the default action notify cannot be exported: runc refuses SCMP_ACT_NOTIFY as the default action"))
        }
        if policy.badArchAction != .killThread {
            diagnostics.append(Diagnostic(.warning, at: nil,
                "OCI profiles have no bad-arch action: a runtime's filter kills the calling thread (SCMP_ACT_KILL) on other arches, where this policy says \(policy.badArchAction)"))
        }
        if policy.rules.contains(where: { $0.action == .notify }) {
            diagnostics.append(Diagnostic(.note, at: nil, "rules with notify need a seccomp agent: set linux.seccomp.listenerPath in the runtime's config"))
        }
        let groups = syscallGroups()
        try throwIfFailed()

        var pieces: [(names: [String], piece: Piece)] = []
        for group in groups {
            guard let chosen = try lower(group, after: pieces, compiler: compiler) else { continue }
            pieces += chosen.map { (group, $0) }
        }
        try throwIfFailed()

        let profile = merged(pieces)
        try verify(profile, compiler: compiler)
        try throwIfFailed()
        return SeccompExport(profile: profile, diagnostics: diagnostics)
    }

    func throwIfFailed() throws(DiagnosticsError) {
        if !errors.isEmpty { throw DiagnosticsError(errors) }
    }

    // MARK: Syscall groups

    /// The syscall names the rules name, grouped where two share a number on some arch (their
    /// rules then decide together), in the order the policy first names them. Raw numbers are
    /// written by name, which is exact only where the name has that number on every arch.
    mutating func syscallGroups() -> [[String]] {
        var names: [String] = []
        for (index, rule) in policy.rules.enumerated() {
            for selector in rule.syscalls {
                guard let name = name(of: selector, in: index) else { continue }
                if !names.contains(name) { names.append(name) }
            }
        }
        var groups: [[String]] = []
        for name in names {
            let numbers = policy.arches.compactMap { arch in table.number(of: name, on: arch).map { (arch, $0) } }
            let sharing = groups.indices.filter { index in
                groups[index].contains { other in numbers.contains { table.number(of: other, on: $0.0) == $0.1 } }
            }
            var group = [name]
            for index in sharing.reversed() { group = groups.remove(at: index) + group }
            groups.insert(group, at: sharing.first ?? groups.count)
        }
        return groups
    }

    mutating func name(of selector: SyscallSelector, in rule: Int) -> String? {
        switch selector {
        case .name(let name): return name
        case .number(let number):
            let arches = policy.arches(of: policy.rules[rule])
            let names = Set(arches.map { table.name(of: $0 == .x32 ? number | Arch.x32SyscallBit : number, on: $0) })
            guard names.count == 1, let only = names.first, let name = only,
                  policy.arches.allSatisfy({ arch in table.number(of: name, on: arch).map { $0 & ~Arch.x32SyscallBit == number & ~Arch.x32SyscallBit } ?? true })
            else {
                errors.append(Diagnostic(.error, at: location(of: rule),
                    "\(describe(rule)): syscall number \(number) is not one named syscall on every arch of the policy (\(policy.arches.map(\.rawValue).joined(separator: ", "))), and OCI profiles name syscalls"))
                return nil
            }
            return name
        }
    }

    // MARK: Lowering one group

    /// The rules that decide the group's syscalls on `arch`, in order, up to the first one
    /// without a condition (DecisionProgram drops the rest).
    func deciding(_ group: [String], on arch: Arch) -> [Int] {
        let numbers = Set(group.compactMap { table.number(of: $0, on: arch) })
        var result: [Int] = []
        for (index, rule) in policy.rules.enumerated() where policy.arches(of: rule).contains(arch) {
            guard rule.syscalls.contains(where: { $0.number(on: arch, table: table).map(numbers.contains) ?? false }) else { continue }
            result.append(index)
            if rule.condition == nil { break }
        }
        return result
    }

    /// The group's OCI pieces, chosen by building them with libseccomp after the pieces of the
    /// groups before it and checking the group's syscalls (and socketcall and ipc once placed,
    /// which libseccomp derives rules for from other syscalls' rules on some arches). Tried in turn:
    /// nothing, where the earlier pieces already decide the group as the policy (socketcall from
    /// socket's rules); the rules as they are; the rules cut down to what earlier rules with other
    /// actions leave. Where the rules differ per arch, each arch's rules are tried for all arches
    /// (an OCI entry has no arch).
    mutating func lower(_ group: [String], after earlier: [(names: [String], piece: Piece)],
                        compiler: some SeccompReferenceCompiler) throws(DiagnosticsError) -> [Piece]? {
        let arches = policy.arches.filter { arch in group.contains { table.number(of: $0, on: arch) != nil } }
        var candidates: [[Int]] = []
        for arch in arches {
            let rules = deciding(group, on: arch)
            if !candidates.contains(rules) { candidates.append(rules) }
        }
        if candidates.count > 1 {
            // Rules for different arches, all in policy order: libseccomp's own differences between
            // 64-bit and 32-bit ABIs may be what made them differ.
            candidates.insert(Array(Set(candidates.joined())).sorted(), at: 0)
        }
        // Syscalls only 32-bit ABIs have may drop u32() views, which OCI cannot say directly.
        let widenings = arches.allSatisfy(\.hasThirtyTwoBitArguments) ? [false, true] : [false]
        var attempts: [(widen: Bool, rules: [Int], disjoint: Bool)?] = [nil]
        for widen in widenings {
            for rules in candidates {
                attempts += [(widen, rules, false), (widen, rules, true)]
            }
        }
        if candidates.count == 1, let direct = try? pieces(for: candidates[0], disjoint: false, widen: false),
           direct.allSatisfy(\.arguments.isEmpty) {
            return direct  // argument-free: nothing to choose; the final check covers it
        }
        // socketcall and ipc, once their own rules are placed, must stay decided as the policy says.
        let multiplexed = ["socketcall", "ipc"].filter { name in !group.contains(name) && earlier.contains { $0.names.contains(name) } }
        var tried: [[Piece]] = []
        var lastFailure = "libseccomp builds nothing for it"
        for attempt in attempts {
            var pieces: [Piece] = []
            if let attempt {
                do {
                    pieces = try self.pieces(for: attempt.rules, disjoint: attempt.disjoint, widen: attempt.widen)
                } catch {
                    lastFailure = error.reason
                    continue
                }
            }
            guard !tried.contains(pieces) else { continue }
            tried.append(pieces)
            guard pieces.count <= Self.maximumEntriesPerSyscall else {
                lastFailure = "it needs \(pieces.count) OCI entries, more than \(Self.maximumEntriesPerSyscall)"
                continue
            }
            let syscalls = (earlier + pieces.map { (group, $0) }).map { names, piece in
                SeccompSyscallRule(names: names, action: piece.action, arguments: piece.arguments)
            }
            let profile = SeccompProfile(defaultAction: policy.defaultAction, architectures: policy.arches.map(SeccompArchitecture.init), syscalls: syscalls)
            let program: [BPFInstruction]
            do {
                program = try build(profile, compiler: compiler)
            } catch {
                lastFailure = error.diagnostics.map(\.message).joined(separator: "; ")
                continue
            }
            var failure: FilterDisagreement?
            do {
                for arch in arches where failure == nil {
                    let numbers = Set((group + multiplexed).compactMap { table.number(of: $0, on: arch) }).sorted()
                    failure = try decisions.firstDisagreement(with: program, arch: arch, numbers: numbers, pathLimit: 5_000)
                }
            } catch {
                lastFailure = error.diagnostics.map(\.message).joined(separator: "; ")
                continue
            }
            guard let failure else {
                noteSplitRules(pieces)
                return pieces
            }
            lastFailure = failure.describe(table: table)
        }
        let perArch = candidates.count > 2 ? " Its rules differ between arches, and an OCI entry applies to every arch." : ""
        errors.append(Diagnostic(.error, at: candidates.first?.first.flatMap(location(of:)),
            "\(group.joined(separator: ", ")): no set of OCI entries makes libseccomp decide as the policy: \(lastFailure).\(perArch)"))
        return nil
    }

    /// The OCI pieces for rules in order. With `disjoint`, each rule keeps only what no earlier
    /// rule with another action covers.
    /// With `widen`, for syscalls only 32-bit ABIs have, `u32()` views are dropped (exact there).
    func pieces(for rules: [Int], disjoint: Bool, widen: Bool) throws(ArgumentTestLoweringError) -> [Piece] {
        var pieces: [Piece] = []
        for (position, index) in rules.enumerated() {
            let rule = policy.rules[index]
            guard rule.action != policy.defaultAction else { continue }  // runc adds no rule for it
            var condition = widen ? rule.condition?.widened : rule.condition
            if disjoint {
                let earlier = rules[..<position].filter { policy.rules[$0].action != rule.action }.compactMap { policy.rules[$0].condition }
                let parts = (condition.map { [$0] } ?? []) + earlier.map { Condition.not($0) }
                condition = parts.isEmpty ? nil : (parts.count == 1 ? parts[0] : .and(parts))
            }
            for arguments in try ArgumentTestLowering.terms(condition) {
                pieces.append(Piece(rule: index, action: rule.action, arguments: arguments))
            }
        }
        return pieces
    }

    mutating func noteSplitRules(_ pieces: [Piece]) {
        for (rule, count) in Dictionary(grouping: pieces, by: \.rule).mapValues(\.count).sorted(by: { $0.key < $1.key }) where count > 1 {
            let note = "\(describe(rule)): written as \(count) OCI entries"
            if !diagnostics.contains(where: { $0.message == note }) { diagnostics.append(Diagnostic(.note, at: location(of: rule), note)) }
        }
    }

    func build(_ profile: SeccompProfile, compiler: some SeccompReferenceCompiler) throws(DiagnosticsError) -> [BPFInstruction] {
        do {
            return try compiler.compile(profile.libseccompRules(native: native)).instructions
        } catch {
            let rules = profile.libseccompRules(native: native).rules
            let what = error.rule.map { "the entry for \(rules[$0].syscall)" } ?? "the profile"
            throw DiagnosticsError(at: nil, "libseccomp refuses \(what) of the exported profile: \(error.reason)")
        }
    }

    // MARK: The profile

    /// Merges the groups' pieces into entries: pieces of the same rule with the same tests share
    /// one entry; entries keep the policy's rule order, which keeps each syscall's own order.
    func merged(_ pieces: [(names: [String], piece: Piece)]) -> SeccompProfile {
        struct Key: Hashable { var rule: Int; var arguments: [SeccompArgument] }
        var names: [Key: [String]] = [:]
        var order: [Key] = []
        for (group, piece) in pieces {
            let key = Key(rule: piece.rule, arguments: piece.arguments)
            if names[key] == nil { order.append(key) }
            names[key, default: []] += group
        }
        let ordered = order.enumerated().sorted { ($0.element.rule, $0.offset) < ($1.element.rule, $1.offset) }.map(\.element)
        let syscalls = ordered.map { key in
            SeccompSyscallRule(names: names[key]!, action: policy.rules[key.rule].action, arguments: key.arguments,
                               comment: policy.rules[key.rule].comment)
        }
        return SeccompProfile(defaultAction: policy.defaultAction, architectures: policy.arches.map(SeccompArchitecture.init), syscalls: syscalls)
    }

    /// Checks every syscall number of every arch of the policy against libseccomp's filter for
    /// the whole profile (rules on one syscall can change another's, as socketcall's on x86).
    mutating func verify(_ profile: SeccompProfile, compiler: some SeccompReferenceCompiler) throws(DiagnosticsError) {
        let program = try build(profile, compiler: compiler)
        for arch in policy.arches {
            let numbers = table.syscalls(on: arch).map(\.number)
            guard let failure = try decisions.firstDisagreement(with: program, arch: arch, numbers: numbers) else { continue }
            let name = table.name(of: failure.nr, on: arch) ?? "syscall \(failure.nr)"
            errors.append(Diagnostic(.error, at: nil,
                "the exported profile would not decide as the policy: \(failure.describe(table: table)); libseccomp adds rules for \(name) from rules on other syscalls (socketcall and ipc multiplexing on \(arch)): give \(name) its own rules in the policy"))
            return
        }
    }
}
