extension LintContext {
    /// `unknown-syscall`, `syscall-not-on-arch` and `duplicate-syscall`: what each entry names.
    /// The entries of a rule that only some of its arches lack make one note per set of arches,
    /// at the first of them: profiles written for several arches have many.
    func checkNames(into findings: inout [Finding]) {
        for (index, rule) in policy.rules.enumerated() {
            let arches = policy.arches(of: rule)
            var partlyMissing: [(arches: [Arch], entries: [Int])] = []
            for (entry, selector) in rule.syscalls.enumerated() {
                let location = entryLocation(index, entry)
                if let first = duplicatedEntry(entry, of: rule) {
                    let same = rule.syscalls[first] == selector ? "" : " (as \(rule.syscalls[first]))"
                    findings.append(Finding(.duplicateSyscall, at: location, subject: "\(selector)",
                                            "\(selector) is already listed in this rule\(same)"))
                    continue
                }
                guard case .name(let name) = selector else { continue }
                guard table.isKnown(name) else {
                    var message = "unknown syscall '\(name)'"
                    if let suggestion = table.suggestion(for: name) { message += "; did you mean '\(suggestion)'?" }
                    findings.append(Finding(.unknownSyscall, at: location, subject: name, message))
                    continue
                }
                let missing = arches.filter { table.number(of: name, on: $0) == nil }
                if missing.isEmpty || isImportedProfile && missing.count < arches.count { continue }
                if missing.count == arches.count {
                    findings.append(Finding(.syscallNotOnArch, severity: .warning, at: location, subject: name,
                                            "\(name) does not exist on \(listText(missing.map(\.rawValue))), so this entry never applies"))
                } else if let group = partlyMissing.firstIndex(where: { $0.arches == missing }) {
                    partlyMissing[group].entries.append(entry)
                } else {
                    partlyMissing.append((missing, [entry]))
                }
            }
            for group in partlyMissing {
                let names = group.entries.map { "\(rule.syscalls[$0])" }
                let (verb, what) = names.count == 1 ? ("does", "the entry applies") : ("do", "these entries apply")
                findings.append(Finding(.syscallNotOnArch, at: entryLocation(index, group.entries[0]), subject: names.joined(separator: ","),
                                        "\(listText(names)) \(verb) not exist on \(listText(group.arches.map(\.rawValue))); \(what) on the other arches only"))
            }
        }
    }

    /// The earlier entry of `rule` that names the same syscall as entry `entry` on every arch, if any.
    func duplicatedEntry(_ entry: Int, of rule: Rule) -> Int? {
        let selector = rule.syscalls[entry]
        return rule.syscalls[..<entry].firstIndex { earlier in
            if earlier == selector { return true }
            let arches = policy.arches(of: rule)
            return !arches.isEmpty && arches.allSatisfy { arch in
                let number = selector.number(on: arch, table: table)
                return number != nil && number == earlier.number(on: arch, table: table)
            }
        }
    }
}
