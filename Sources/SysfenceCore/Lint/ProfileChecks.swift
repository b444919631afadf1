extension Linter {
    /// Every finding for a seccomp profile file (OCI, config.json, moby template, Kubernetes
    /// resource) as a runtime loads it: the import of its rendering for `options`, judged like a
    /// policy, plus what only the profile shows (names libseccomp skips, entries libseccomp
    /// never lets decide, entries with the default action). Every finding points into the file.
    ///
    /// - Parameters:
    ///   - imported: `document` imported for `options`.
    ///   - file: the profile's path, as findings name it.
    public func lint(_ imported: SeccompImport, of document: SeccompProfileDocument, renderedFor options: SeccompRenderOptions,
                     file: String) -> [Finding] {
        var policy = imported.policy
        policy.sourceFile = file
        let keys = PolicyKeyLocations(defaultAction: document.places.defaultAction, arches: document.places.arches,
                                      archEntries: document.archLocations(for: options))
        let context = LintContext(policy: policy, table: table, errnoNames: errnoNames, keys: keys, isImportedProfile: true)
        var findings = lint(policy, keys: keys, isImportedProfile: true)
        // Warnings of the reader: unknown keys, values that have no effect.
        findings += document.warnings.map { warning in
            Finding(.invalidPolicy, severity: warning.severity, at: warning.location ?? context.fileStart, subject: warning.message, warning.message)
        }
        context.checkProfileNames(imported, into: &findings)
        context.checkSilentEntries(imported, into: &findings)
        return findings.sortedByPlace()
    }
}

extension LintContext {
    /// `unknown-syscall` and `syscall-not-on-arch` for the names the import left out: names this
    /// libseccomp does not know (runc skips them, so they fall to the default action) and names
    /// that none of the rendering's arches has (they serve hosts of other arches).
    func checkProfileNames(_ imported: SeccompImport, into findings: inout [Finding]) {
        for unknown in imported.unknownSyscalls {
            let closest = table.suggestion(for: unknown.name).map { "; the closest known name is '\($0)'" } ?? ""
            findings.append(Finding(.unknownSyscall, severity: .warning, at: imported.profile.syscalls[unknown.entry].location(ofName: unknown.name) ?? fileStart,
                                    subject: unknown.name,
                                    "unknown syscall '\(unknown.name)': this libseccomp does not know it, so runc skips it and the call gets the default action \(spell(policy.defaultAction)) (a newer libseccomp may know it)\(closest)"))
        }
        let arches = listText(policy.arches.map(\.rawValue))
        for absent in imported.absentSyscalls {
            findings.append(Finding(.syscallNotOnArch, severity: .note, at: imported.profile.syscalls[absent.entry].location(ofName: absent.name) ?? fileStart,
                                    subject: absent.name,
                                    "\(absent.name) does not exist on \(arches), the arches this profile admits here; the name only serves hosts of other arches"))
        }
    }

    /// `shadowed-rule` and `redundant-rule` for profile entries that never decide: entries with
    /// the default action (runc skips them) and entries libseccomp lets others decide for. Such
    /// an entry is shadowed when, for some call it matches, the action taken differs from its own.
    func checkSilentEntries(_ imported: SeccompImport, into findings: inout [Finding]) {
        let profile = imported.profile
        for (index, rule) in profile.syscalls.enumerated() where rule.action == policy.defaultAction {
            findings.append(Finding(.redundantRule, at: rule.origin?.location ?? fileStart, subject: rule.names.joined(separator: ","),
                                    "\(rule.origin?.path.description ?? "syscalls[\(index)]") has the default action \(spell(rule.action)): runc skips it and it changes nothing"))
        }
        for silent in imported.silentRules {
            let rule = profile.syscalls[silent.entry]
            let arguments = silent.part.map { [rule.arguments[$0]] } ?? rule.arguments
            let condition = LibseccompRule(syscall: "", action: rule.action, arguments: arguments, entry: silent.entry).condition
            var shadowed: [String] = [], redundant: [String] = []
            for name in silent.names {
                let differs = program.arches.contains { decisions in
                    guard let (_, decision) = self.decision(for: name, on: decisions.arch) else { return false }
                    let matched = condition.map { decisions.arch.hasThirtyTwoBitArguments ? $0.narrowedToThirtyTwoBits() : $0 }
                    // Too complex to tell: count it as differing, the stronger finding.
                    guard let region = try? matched.map(ArgumentRegion.init) ?? .everything,
                          let other = try? self.region(of: decision, where: { $0 != rule.action }),
                          let both = try? region.intersection(other) else { return true }
                    return !both.isEmpty
                }
                if differs { shadowed.append(name) } else { redundant.append(name) }
            }
            let what = (silent.part.map { "args[\($0)] of " } ?? "") + (rule.origin?.path.description ?? "syscalls[\(silent.entry)]")
            let location = silent.part.flatMap(rule.location(ofArgument:)) ?? rule.origin?.location ?? fileStart
            if !shadowed.isEmpty {
                findings.append(Finding(.shadowedRule, at: location, subject: shadowed.joined(separator: ","),
                                        "\(what) never decides a call of \(listText(shadowed)): libseccomp lets other entries decide every call it matches, some with another action than its \(spell(rule.action))"))
            }
            if !redundant.isEmpty {
                findings.append(Finding(.redundantRule, at: location, subject: redundant.joined(separator: ","),
                                        "\(what) never decides a call of \(listText(redundant)): libseccomp lets other entries decide every call it matches, with the same action \(spell(rule.action))"))
            }
        }
    }
}
