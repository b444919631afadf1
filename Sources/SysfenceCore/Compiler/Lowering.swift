extension Arch {
    /// Whether syscall arguments are 32 bits wide on this ABI. Comparisons there read only the low
    /// word, with constants taken modulo 2^32, as libseccomp does for x86, x32 and arm.
    public var hasThirtyTwoBitArguments: Bool { self == .x86 || self == .x32 || self == .arm }
}

extension Condition {
    /// The same condition with every comparison reading the low 32 bits only.
    func narrowedToThirtyTwoBits() -> Condition {
        switch self {
        case .comparison(var c):
            c.width = .low32
            return .comparison(c)
        case .and(let terms): return .and(terms.map { $0.narrowedToThirtyTwoBits() })
        case .or(let terms): return .or(terms.map { $0.narrowedToThirtyTwoBits() })
        case .not(let inner): return .not(inner.narrowedToThirtyTwoBits())
        }
    }
}

extension SyscallSelector {
    /// The number this selector names on `arch`, or `nil` where the arch has no such syscall.
    /// A raw number is taken as the kernel's; on x32 the x32 bit is added when missing.
    public func number(on arch: Arch, table: SyscallTable) -> UInt32? {
        switch self {
        case .name(let name): return table.number(of: name, on: arch)
        case .number(let n): return arch == .x32 ? n | Arch.x32SyscallBit : n
        }
    }
}

extension DecisionProgram {
    /// Lowers a policy: resolves names per arch and orders each syscall's rules (first match wins).
    /// A rule after an unconditional one for the same syscall can never decide and is dropped here.
    public init(policy: Policy, table: SyscallTable) {
        var arches: [ArchDecisions] = []
        for arch in policy.arches {
            var open: [UInt32: [Branch]] = [:]
            var closed: [UInt32: SyscallDecision] = [:]
            for (index, rule) in policy.rules.enumerated() where policy.arches(of: rule).contains(arch) {
                let verdict = Verdict(rule.action, rule: index)
                let condition = arch.hasThirtyTwoBitArguments ? rule.condition?.narrowedToThirtyTwoBits() : rule.condition
                for selector in rule.syscalls {
                    guard let nr = selector.number(on: arch, table: table), closed[nr] == nil else { continue }
                    if let condition {
                        open[nr, default: []].append(Branch(condition: condition, verdict: verdict))
                    } else {
                        closed[nr] = SyscallDecision(branches: open.removeValue(forKey: nr) ?? [], fallback: verdict)
                    }
                }
            }
            let defaultVerdict = Verdict(policy.defaultAction)
            for (nr, branches) in open {
                closed[nr] = SyscallDecision(branches: branches, fallback: defaultVerdict)
            }
            arches.append(ArchDecisions(arch: arch, syscalls: closed, defaultVerdict: defaultVerdict))
        }
        self.init(arches: arches, badArchAction: policy.badArchAction)
    }
}
