extension LintContext {
    /// `unknown-syscall`, `syscall-not-on-arch` and `duplicate-syscall`: what each entry names.
    func checkNames(into findings: inout [Finding]) {
        for (index, rule) in policy.rules.enumerated() {
            let arches = policy.arches(of: rule)
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
                guard !missing.isEmpty else { continue }
                let missingText = listText(missing.map(\.rawValue))
                if missing.count == arches.count {
                    findings.append(Finding(.syscallNotOnArch, severity: .warning, at: location, subject: name,
                                            "\(name) does not exist on \(missingText), so this entry never applies"))
                } else {
                    findings.append(Finding(.syscallNotOnArch, at: location, subject: name,
                                            "\(name) does not exist on \(missingText); the entry applies on the other arches only"))
                }
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
