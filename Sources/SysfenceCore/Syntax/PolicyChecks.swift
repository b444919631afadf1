extension Policy {
    /// The problems that make this policy unusable with `syscalls`, in rule order.
    ///
    /// Both front ends produce policies through here: the YAML decoder reports its structural
    /// errors itself and relies on this for syscall names; a policy built with the Swift DSL (or
    /// by hand) gets every check. A syscall name must exist on at least one arch the rule applies
    /// to (it is skipped on the others); errno values must be at most 4095; arches must be listed
    /// once, and a rule's arches must be among the policy's; arguments are `arg0` to `arg5`.
    /// Problems are located at the rule's `source` where it has one.
    public func problems(syscalls: SyscallTable) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func report(_ location: SourceLocation?, _ message: String) {
            problems.append(Diagnostic(.error, at: location, message))
        }
        func checkArches(_ list: [Arch], at location: SourceLocation?, within allowed: [Arch]?) {
            if list.isEmpty { report(location, "empty arch list") }
            var seen: Set<Arch> = []
            for arch in list {
                if !seen.insert(arch).inserted { report(location, "arch '\(arch)' is listed twice") }
                if let allowed, !allowed.contains(arch) {
                    report(location, "arch '\(arch)' is not among the policy's arches (\(allowed.map(\.rawValue).joined(separator: ", ")))")
                }
            }
        }
        func checkAction(_ action: Action, at location: SourceLocation?) {
            if case .errno(let code) = action, !ActionSyntax.errnoRange.contains(UInt64(code)) {
                report(location, "errno value \(code) is out of range \(ActionSyntax.errnoRange.lowerBound)...\(ActionSyntax.errnoRange.upperBound)")
            }
        }

        checkArches(arches, at: nil, within: nil)
        checkAction(defaultAction, at: nil)
        checkAction(badArchAction, at: nil)
        for rule in rules {
            let source = rule.source
            checkAction(rule.action, at: source?.action ?? source?.rule)
            if let own = rule.arches { checkArches(own, at: source?.rule, within: arches) }
            if rule.syscalls.isEmpty { report(source?.rule, "empty syscall list") }
            for comparison in rule.condition?.comparisons ?? [] where !(0...5).contains(comparison.argument) {
                report(source?.condition ?? source?.rule, "no argument 'arg\(comparison.argument)'; syscalls have six, 'arg0' to 'arg5'")
            }
            let ruleArches = self.arches(of: rule)
            for (index, selector) in rule.syscalls.enumerated() {
                guard case .name(let name) = selector else { continue }
                let location = source.map { index < $0.syscalls.count ? $0.syscalls[index] : $0.rule }
                if !syscalls.isKnown(name) {
                    var message = "unknown syscall '\(name)'"
                    if let suggestion = syscalls.suggestion(for: name) { message += " (did you mean '\(suggestion)'?)" }
                    report(location, message)
                } else if !ruleArches.isEmpty, !ruleArches.contains(where: { syscalls.number(of: name, on: $0) != nil }) {
                    report(location, "syscall '\(name)' does not exist on \(ruleArches.map(\.rawValue).joined(separator: ", "))")
                }
            }
        }
        return problems
    }
}
