import SysfenceCore

extension SeccompContext {
    /// A policy that libseccomp cannot express with the same meaning.
    public struct NotExpressible: Error, CustomStringConvertible {
        public var description: String
    }

    /// The same rules built with libseccomp's API, as a reference for tests and benchmarks.
    ///
    /// Each condition is expanded into a disjunction of conjunctions, one libseccomp rule each; a
    /// conjunction may compare each argument once, with libseccomp's operators (`u32()` and masks
    /// only as `MASKED_EQ`, and `(arg & bit) != 0` for one bit). Rules must give a syscall one
    /// action only: libseccomp does not keep first-match order between actions.
    public convenience init(expressing policy: Policy, optimizeLevel: UInt32 = 2) throws {
        try self.init(defaultAction: policy.defaultAction)
        try setArches(policy.arches)
        try setBadArchAction(policy.badArchAction)
        try setOptimizeLevel(optimizeLevel)
        var actions: [String: Action] = [:]
        for rule in policy.rules {
            guard rule.arches == nil else { throw NotExpressible(description: "a rule with its own arches") }
            let conjunctions = try Self.disjunctiveForm(rule.condition)
            for selector in rule.syscalls {
                guard case .name(let name) = selector, let number = SeccompContext.resolve(name) else {
                    throw NotExpressible(description: "syscall \(selector) by number")
                }
                if let earlier = actions[name], earlier != rule.action {
                    throw NotExpressible(description: "\(name) has rules with different actions")
                }
                actions[name] = rule.action
                // libseccomp refuses rules with the default action; with one action per syscall they decide nothing.
                guard rule.action != policy.defaultAction else { continue }
                for conjunction in conjunctions {
                    try addRule(rule.action, syscall: number, comparisons: conjunction)
                }
            }
        }
    }

    /// Whether libseccomp can express the condition of a rule, as `init(expressing:)` translates it.
    public static func canExpress(_ condition: Condition?) -> Bool { (try? disjunctiveForm(condition)) != nil }

    /// The condition as a list of conjunctions in libseccomp's terms.
    static func disjunctiveForm(_ condition: Condition?) throws -> [[LibseccompComparison]] {
        guard let condition else { return [[]] }
        switch condition {
        case .comparison(let c): return [[try comparison(c)]]
        case .or(let terms): return try terms.flatMap(disjunctiveForm)
        case .and(let terms):
            var result: [[LibseccompComparison]] = [[]]
            for term in terms {
                let expanded = try disjunctiveForm(term)
                result = result.flatMap { prefix in expanded.map { prefix + $0 } }
            }
            for conjunction in result where Set(conjunction.map(\.argument)).count != conjunction.count {
                throw NotExpressible(description: "two comparisons of one argument in one rule")
            }
            return result
        case .not(.comparison(var c)):
            c.op = c.op.negated
            return [[try comparison(c)]]
        case .not:
            throw NotExpressible(description: "a negated compound condition")
        }
    }

    static func comparison(_ c: Comparison) throws -> LibseccompComparison {
        if c.width == .full, c.mask == .max {
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
        }
        let mask = c.effectiveMask, value = c.effectiveValue
        switch c.op {
        // libseccomp compares against `datum & mask`: equal only when the value has no bits outside the mask.
        case .equal where value & ~mask == 0:
            return LibseccompComparison(argument: c.argument, op: .maskedEqual(mask: mask), datum: value)
        case .notEqual where value == 0 && mask.nonzeroBitCount == 1:
            return LibseccompComparison(argument: c.argument, op: .maskedEqual(mask: mask), datum: mask)
        default:
            throw NotExpressible(description: "the comparison \(c.op.rawValue) with a mask or u32()")
        }
    }
}
