/// What decided a syscall: a rule's entry, or the default action.
private struct Place: Hashable {
    var location: SourceLocation
    var byDefault: Bool
}

extension LintContext {
    /// `dangerous-syscall` and `deny-list-gap`: dangerous syscalls that a rule, or the default
    /// action, lets run without conditions; `clone` wherever a namespace flag gets through. The
    /// syscalls the default action lets through make one finding, at the default action.
    func checkExposure(into findings: inout [Finding]) {
        var gaps: [String] = []
        for name in SyscallFacts.dangerous.keys.sorted() {
            var places: [Place] = []
            for decisions in program.arches {
                guard let (number, decision) = decision(for: name, on: decisions.arch) else { continue }
                // A filter cannot check what clone3 reads from memory: any way through counts.
                let verdict = name == "clone3"
                    ? (decision.branches.map(\.verdict) + [decision.fallback]).first { $0.action.letsCallRun }
                    : decision.isArgumentFree && decision.fallback.action.letsCallRun ? decision.fallback : nil
                guard let verdict else { continue }
                let place = Place(location: location(of: verdict, number: number, on: decisions.arch), byDefault: verdict.rule == nil)
                if !places.contains(place) { places.append(place) }
            }
            for place in places {
                if place.byDefault {
                    gaps.append(name)
                } else {
                    findings.append(Finding(.dangerousSyscall, at: place.location, subject: name,
                                            "\(name) is allowed without conditions: it \(SyscallFacts.dangerous[name]!)"))
                }
            }
        }
        for (place, flags) in cloneNamespaceExposure() {
            if place.byDefault {
                gaps.append("clone (with \(flags.joined(separator: ", ")))")
            } else {
                findings.append(Finding(.dangerousSyscall, at: place.location, subject: "clone",
                                        "clone can create namespaces (\(flags.joined(separator: ", ")) \(flags.count == 1 ? "is" : "are") not checked): a user namespace opens privileged kernel code to an unprivileged process"))
            }
        }
        if !gaps.isEmpty {
            gaps.sort()
            findings.append(Finding(.denyListGap, at: defaultLocation, subject: "default",
                                    "the default action \(spell(policy.defaultAction)) lets \(gaps.count) dangerous syscall\(gaps.count == 1 ? "" : "s") run that no rule denies: \(gaps.joined(separator: ", "))"))
        }
    }

    /// The namespace flags that `clone` lets through, by the rule (or default) that lets them,
    /// each shown by a call that gets through.
    private func cloneNamespaceExposure() -> [(place: Place, flags: [String])] {
        var flagsByPlace: [(place: Place, flags: [String])] = []
        for decisions in program.arches {
            guard let (number, decision) = decision(for: "clone", on: decisions.arch) else { continue }
            let argument = SyscallFacts.cloneFlagsArgument(on: decisions.arch)
            for flag in SyscallFacts.namespaceFlags {
                let query = ArgumentRegion(Comparison(argument: argument, mask: flag.bit, op: .equal, value: flag.bit))
                guard let allowed = try? allowedRegion(of: decision).intersection(query),
                      let witness = allowed.witness(where: { arguments in
                          arguments[argument] & flag.bit != 0 && decision.decide(arguments: arguments).action.letsCallRun
                      })
                else { continue }
                let verdict = decision.decide(arguments: witness)
                let place = Place(location: location(of: verdict, number: number, on: decisions.arch), byDefault: verdict.rule == nil)
                if let index = flagsByPlace.firstIndex(where: { $0.place == place }) {
                    if !flagsByPlace[index].flags.contains(flag.name) { flagsByPlace[index].flags.append(flag.name) }
                } else {
                    flagsByPlace.append((place, [flag.name]))
                }
            }
        }
        return flagsByPlace.map { item in (item.place, SyscallFacts.namespaceFlags.map(\.name).filter(item.flags.contains)) }
    }

    /// `multiplexer-bypass`: `socketcall` or `ipc` letting a call through that the policy restricts
    /// as a direct syscall of the same arch (by conditions, or by a rule that denies it); one
    /// finding per arch and place that lets the multiplexer run.
    func checkMultiplexers(into findings: inout [Finding]) {
        for multiplexer in SyscallFacts.multiplexers {
            for decisions in program.arches {
                let arch = decisions.arch
                guard let (number, decision) = decision(for: multiplexer.name, on: arch),
                      let allowed = try? allowedRegion(of: decision) else { continue }
                var callsByPlace: [(place: SourceLocation, calls: [String])] = []
                for call in multiplexer.calls {
                    // Restricted on purpose: by conditions, or by a rule that denies it. A call that
                    // only falls to a denying default was never asked for, not restricted.
                    guard let (directNumber, direct) = self.decision(for: call.name, on: arch),
                          !direct.isArgumentFree || (direct.fallback.rule != nil && !direct.fallback.action.letsCallRun)
                    else { continue }
                    let query = ArgumentRegion(Comparison(argument: 0, mask: multiplexer.callMask, op: .equal, value: call.call))
                    guard let witness = try? allowed.intersection(query).witness(where: { arguments in
                        arguments[0] & multiplexer.callMask == call.call && decision.decide(arguments: arguments).action.letsCallRun
                    }) else { continue }
                    // A multiplexer rule that libseccomp derived from a rule on the direct syscall
                    // (an imported profile) has no place of its own: show the direct rule.
                    let verdict = decision.decide(arguments: witness)
                    let derived = verdict.rule.map { policy.rules[$0].source == nil } ?? false
                    let place = derived
                        ? location(of: direct.branches.first?.verdict ?? direct.fallback, number: directNumber, on: arch)
                        : location(of: verdict, number: number, on: arch)
                    if let index = callsByPlace.firstIndex(where: { $0.place == place }) {
                        callsByPlace[index].calls.append(call.name)
                    } else {
                        callsByPlace.append((place, [call.name]))
                    }
                }
                for (place, calls) in callsByPlace {
                    let list = calls.joined(separator: ", ")
                    findings.append(Finding(.multiplexerBypass, at: place, subject: "\(multiplexer.name)/\(arch.rawValue)",
                                            "\(multiplexer.name) is allowed on \(arch.rawValue) for \(list), which the policy restricts as direct syscall\(calls.count == 1 ? "" : "s"): through \(multiplexer.name) \(calls.count == 1 ? "it runs" : "they run") with \(calls.count == 1 ? "its" : "their") arguments in memory, unchecked"))
                }
            }
        }
    }

    /// `compat-arch`: a 32-bit ABI admitted next to the 64-bit one it is the compat layer of.
    func checkCompatArches(into findings: inout [Finding]) {
        let layers: [(compat: Arch, native: Arch, name: String)] = [
            (.x86, .x86_64, "the i386 ABI (x86)"), (.x32, .x86_64, "the x32 ABI"), (.arm, .aarch64, "the 32-bit arm ABI"),
        ]
        for layer in layers where policy.arches.contains(layer.compat) && policy.arches.contains(layer.native) {
            findings.append(Finding(.compatArch, at: location(ofArch: layer.compat), subject: layer.compat.rawValue,
                                    "\(layer.name) is admitted next to \(layer.native): a 64-bit process can enter the kernel through it, with other syscall numbers and other kernel code; drop it unless the workload runs 32-bit code"))
        }
    }

    /// `enosys-probe`: a probed syscall failing with another errno than ENOSYS. The syscalls
    /// that fail by the default action make one finding, at the default action.
    func checkProbedSyscalls(into findings: inout [Finding]) {
        var byDefault: [String] = []
        let enosys = "errno(\(errnoNames[SyscallFacts.enosys] ?? "ENOSYS"))"
        for name in SyscallFacts.probedForENOSYS.keys.sorted() {
            var places: [(place: Place, action: Action)] = []
            for decisions in program.arches {
                guard let (number, decision) = decision(for: name, on: decisions.arch) else { continue }
                for verdict in decision.branches.map(\.verdict) + [decision.fallback] {
                    guard case .errno(let code) = verdict.action, code != SyscallFacts.enosys else { continue }
                    let place = Place(location: location(of: verdict, number: number, on: decisions.arch), byDefault: verdict.rule == nil)
                    if !places.contains(where: { $0.place == place }) { places.append((place, verdict.action)) }
                }
            }
            for (place, action) in places {
                if place.byDefault {
                    byDefault.append(name)
                } else {
                    findings.append(Finding(.enosysProbe, at: place.location, subject: name,
                                            "\(name) fails with \(spell(action)), but \(SyscallFacts.probedForENOSYS[name]!) only on ENOSYS; return \(enosys)"))
                }
            }
        }
        if !byDefault.isEmpty {
            findings.append(Finding(.enosysProbe, at: defaultLocation, subject: "default",
                                    "\(listText(byDefault)) \(byDefault.count == 1 ? "falls" : "fall") to the default action \(spell(policy.defaultAction)), but C libraries and runtimes fall back from \(byDefault.count == 1 ? "it" : "them") only on ENOSYS; allow \(byDefault.count == 1 ? "it" : "them") or return \(enosys)"))
        }
    }

    /// `startup-syscall-denied`: a syscall every process needs that no call gets through.
    func checkStartupSyscalls(into findings: inout [Finding]) {
        var denials: [(place: Place, action: Action, names: [(name: String, arches: [Arch])])] = []
        for (name, essentialOn) in SyscallFacts.startupEssential {
            for decisions in program.arches where essentialOn?.contains(decisions.arch) ?? true {
                guard let (number, decision) = decision(for: name, on: decisions.arch) else { continue }
                let verdicts = decision.branches.map(\.verdict) + [decision.fallback]
                guard verdicts.allSatisfy({ $0.action.deniesCall }) else { continue }
                let place = Place(location: location(of: decision.fallback, number: number, on: decisions.arch),
                                  byDefault: decision.fallback.rule == nil)
                let index = denials.firstIndex { $0.place == place } ?? {
                    denials.append((place, decision.fallback.action, []))
                    return denials.count - 1
                }()
                if let entry = denials[index].names.firstIndex(where: { $0.name == name }) {
                    denials[index].names[entry].arches.append(decisions.arch)
                } else {
                    denials[index].names.append((name, [decisions.arch]))
                }
            }
        }
        for denial in denials {
            let names = denial.names.map { item in
                item.arches.count == program.arches.count ? item.name : "\(item.name) (on \(listText(item.arches.map(\.rawValue))))"
            }
            let who = denial.place.byDefault ? "by the default action" : "by this rule"
            let verb = names.count == 1 ? "is" : "are"
            findings.append(Finding(.startupSyscallDenied, at: denial.place.location, subject: denial.names.map(\.name).joined(separator: ","),
                                    "\(listText(names)) \(verb) always denied (\(spell(denial.action)) \(who)), but nearly every process needs \(names.count == 1 ? "it" : "them") to start or exit"))
        }
    }

    /// `filter-too-large`: the compiled filter against the kernel's limit.
    func checkFilterLength(_ length: Int, into findings: inout [Finding]) {
        let limit = BPFInstruction.maximumProgramLength
        if length > limit {
            findings.append(Finding(.filterTooLarge, at: fileStart, subject: "length",
                                    "the compiled filter has \(length) instructions, more than the kernel's limit of \(limit): it cannot be loaded"))
        } else if length * 10 > limit * 9 {
            findings.append(Finding(.filterTooLarge, severity: .warning, at: fileStart, subject: "length",
                                    "the compiled filter has \(length) instructions, within 10% of the kernel's limit of \(limit)"))
        }
    }

    /// `baseline-exceeded`: each syscall this policy lets run for some arguments the baseline denies.
    func checkBaseline(_ baseline: LintContext, into findings: inout [Finding]) {
        var places: [(location: SourceLocation, name: String, arches: [Arch], example: String?)] = []
        for decisions in program.arches {
            guard let theirs = baseline.program.decisions(for: decisions.arch) else {
                findings.append(Finding(.baselineExceeded, at: archesLocation, subject: decisions.arch.rawValue,
                                        "\(decisions.arch) is admitted, but the baseline does not admit it"))
                continue
            }
            for (name, number) in table.syscalls(on: decisions.arch) {
                let mine = decisions.decision(for: number), base = theirs.decision(for: number)
                guard let allowed = try? allowedRegion(of: mine), !allowed.isEmpty,
                      let baseAllowed = try? baseline.allowedRegion(of: base),
                      let extra = try? allowed.subtracting(baseAllowed),
                      let witness = extra.witness(where: {
                          mine.decide(arguments: $0).action.letsCallRun && !base.decide(arguments: $0).action.letsCallRun
                      })
                else { continue }
                let location = location(of: mine.decide(arguments: witness), number: number, on: decisions.arch)
                let example = baseAllowed.isEmpty ? nil : witness.enumerated().filter { $0.element != 0 }
                    .map { "arg\($0.offset) = \(whenLiteral($0.element))" }.joined(separator: ", ")
                if let index = places.firstIndex(where: { $0.location == location && $0.name == name }) {
                    places[index].arches.append(decisions.arch)
                } else {
                    places.append((location, name, [decisions.arch], example))
                }
            }
        }
        for place in places {
            let scope = place.arches.count == program.arches.count ? "" : " on \(listText(place.arches.map(\.rawValue)))"
            let message: String
            if let example = place.example {
                let arguments = example.isEmpty ? "all arguments 0" : example
                message = "\(place.name) is allowed\(scope) for calls the baseline denies, such as \(arguments)"
            } else {
                message = "\(place.name) is allowed\(scope); the baseline does not allow it"
            }
            findings.append(Finding(.baselineExceeded, at: place.location, subject: place.name, message))
        }
    }
}

extension Action {
    /// Whether the call fails or the caller dies, with no supervisor or tracer to decide otherwise.
    var deniesCall: Bool {
        switch self {
        case .errno, .trap, .killProcess, .killThread: return true
        case .allow, .log, .trace, .notify: return false
        }
    }
}
