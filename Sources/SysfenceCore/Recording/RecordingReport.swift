/// The text shown at the end of a recording: what the workload called, what the generated policy
/// constrains by arguments, the dangerous syscalls it used, lost events, and how much less the
/// policy allows than a comparison policy.
public struct RecordingReport {
    public var text: String

    /// - Parameters:
    ///   - comparedWith: a policy to count allowed syscalls against (moby's default, say), with its name.
    ///   - constants: names for argument values (`ConstantTable.system`); without it they stay numbers.
    public init(recording: SyscallRecording, policy: Policy, comparedWith: (name: String, policy: Policy)?, table: SyscallTable,
                constants: ConstantTable = ConstantTable(values: [:], errnos: [:])) {
        let names = ValueNames(constants: constants)
        let program = DecisionProgram(policy: policy, table: table)
        var out = ""
        let arches = recording.calls.filter { !$0.value.isEmpty }.keys.sorted()
        var used: [String: Set<Arch>] = [:]
        var constrained: [String] = []
        for arch in arches {
            let counts = recording.calls[arch]!.filter { $0.value > 0 }
            let total = counts.values.reduce(0, +)
            out += "\(arch): \(counts.count) syscalls, \(total) calls\n"
            let rows = counts.map { (name: table.name(of: $0.key, on: arch) ?? "#\($0.key)", number: $0.key, count: $0.value) }
                .sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
            let width = rows.map(\.name.count).max() ?? 0, countWidth = String(rows.first?.count ?? 0).count
            for row in rows {
                let count = String(row.count)
                out += "  " + row.name + String(repeating: " ", count: width - row.name.count + 2 + countWidth - count.count) + count + "\n"
                used[row.name, default: []].insert(arch)
                if row.name == "clone3", program.decisions(for: arch)?.decision(for: row.number).fallback.action == SyscallRecording.clone3Action {
                    constrained.append("  clone3 (\(arch)): fails with ENOSYS: its flags lie in memory the filter cannot read, so callers fall back to clone, whose flags are checked")
                }
                guard let watch = WatchedSyscalls.byName[row.name] else { continue }
                constrained.append("  \(row.name) (\(arch)): " + Self.constraint(
                    of: row.name, entry: watch, values: recording.argumentValues[arch]?[row.number] ?? [:],
                    decision: program.decisions(for: arch)?.decision(for: row.number), arch: arch, names: names))
            }
        }
        if !constrained.isEmpty {
            out += "\nArguments:\n" + constrained.joined(separator: "\n") + "\n"
        }
        let dangerous = used.keys.filter { SyscallFacts.dangerous[$0] != nil }.sorted()
        if !dangerous.isEmpty {
            out += "\nDangerous syscalls the workload used:\n"
            for name in dangerous { out += "  \(name): \(SyscallFacts.dangerous[name]!)\n" }
        }
        out += "\nLost events: \(recording.lostEvents)" + (recording.lostEvents > 0 ? " (the counts above are complete; only event details were dropped)" : "") + "\n"
        if recording.callsWithoutRoom > 0 {
            out += "Calls the kernel's maps had no room for: \(recording.callsWithoutRoom) (their syscalls' argument values were dropped, so the policy does not constrain them)\n"
        }
        if let comparedWith {
            out += "\nCompared with \(comparedWith.name):\n"
            let other = DecisionProgram(policy: comparedWith.policy, table: table)
            for arch in policy.arches {
                let mine = Self.allowedCount(program, arch: arch, table: table)
                let theirs = Self.allowedCount(other, arch: arch, table: table)
                let delta = mine <= theirs ? "\(theirs - mine) fewer" : "\(mine - theirs) more"
                out += "  \(arch): allows \(mine) syscalls, \(comparedWith.name) \(theirs): \(delta)\n"
            }
        }
        text = out
    }

    /// How the generated policy treats a watched syscall's arguments on one arch.
    private static func constraint(of name: String, entry: WatchedSyscalls.Entry, values: [SyscallRecording.ArgumentValues: UInt64],
                                   decision: SyscallDecision?, arch: Arch, names: ValueNames) -> String {
        let listed = values.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }
            .map { key, count in
                let spelled = zip(key, entry.naming).map { names.spelled($0, $1, arches: [arch]) }
                return (spelled.count == 1 ? spelled[0] : "(" + spelled.joined(separator: ", ") + ")") + " (\(count) \(count == 1 ? "time" : "times"))"
            }
        let seen = listed.isEmpty ? "values not recorded" : "seen " + listed.joined(separator: ", ")
        guard let decision else { return seen }
        if !decision.isArgumentFree { return seen + "; constrained" }
        if values.count > entry.cap { return seen + "; \(values.count) distinct values, more than \(entry.cap): not constrained" }
        let possible = ArgumentWatch(arguments: Array(0..<entry.masks.count), masks: entry.masks).possibleValueCount
        return seen + (Double(values.count) == possible ? "; every value possible seen: not constrained" : "; not constrained")
    }

    /// How many syscalls of `arch` a program allows for some arguments.
    static func allowedCount(_ program: DecisionProgram, arch: Arch, table: SyscallTable) -> Int {
        guard let decisions = program.decisions(for: arch) else { return 0 }
        var numbers = Set(decisions.syscalls.keys)
        if decisions.defaultVerdict.action.letsCallRun { numbers.formUnion(table.syscalls(on: arch).map(\.number)) }
        return numbers.filter { nr in
            let decision = decisions.decision(for: nr)
            guard let region = try? decision.allowedRegion() else { return true }
            return !region.isEmpty
        }.count
    }
}
