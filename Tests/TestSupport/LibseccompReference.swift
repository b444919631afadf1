import Libseccomp
import Sysfence

/// Builds the libseccomp filter for a policy whose rules libseccomp can express, as a reference.
public enum LibseccompReference {
    public struct NotExpressible: Error, CustomStringConvertible {
        public var description: String
    }

    /// The program libseccomp (optimize level 2) generates for the same rules.
    public static func program(for policy: Policy) throws -> [BPFInstruction] {
        let context = try SeccompContext(defaultAction: policy.defaultAction)
        try context.setArches(policy.arches)
        try context.setBadArchAction(policy.badArchAction)
        try context.setOptimizeLevel(2)
        // libseccomp refuses rules whose action is the default one; with one action per syscall they decide nothing.
        for rule in policy.rules where rule.action != policy.defaultAction {
            guard rule.arches == nil else { throw NotExpressible(description: "per-rule arches") }
            let comparisons = try libseccompComparisons(rule.condition)
            for selector in rule.syscalls {
                guard case .name(let name) = selector, let number = SeccompContext.resolve(name) else {
                    throw NotExpressible(description: "syscall \(selector)")
                }
                try context.addRule(rule.action, syscall: number, comparisons: comparisons)
            }
        }
        return try context.exportBPF()
    }

    /// A conjunction of comparisons, one per argument, in libseccomp's terms.
    static func libseccompComparisons(_ condition: Condition?) throws -> [LibseccompComparison] {
        guard let condition else { return [] }
        let terms: [Condition]
        if case .and(let list) = condition { terms = list } else { terms = [condition] }
        return try terms.map { term in
            guard case .comparison(let c) = term else { throw NotExpressible(description: "not a conjunction") }
            switch (c.width, c.mask == .max, c.op) {
            case (.full, true, _):
                let op: LibseccompComparison.Operator
                switch c.op {
                case .equal: op = .equal
                case .notEqual: op = .notEqual
                case .less: op = .less
                case .lessOrEqual: op = .lessOrEqual
                case .greater: op = .greater
                case .greaterOrEqual: op = .greaterOrEqual
                }
                return LibseccompComparison(argument: c.argument, op: op, datum: c.value)
            case (_, _, .equal):
                // libseccomp compares against `datum & mask`; equal only where the value has no bits outside the mask.
                guard c.effectiveValue & ~c.effectiveMask == 0 else { throw NotExpressible(description: "value outside mask") }
                return LibseccompComparison(argument: c.argument, op: .maskedEqual(mask: c.effectiveMask), datum: c.effectiveValue)
            default:
                throw NotExpressible(description: "comparison \(c)")
            }
        }
    }
}
