import Foundation
import Libseccomp
import SysfenceCore

/// Builds profiles with the system's libseccomp, exactly as runc does, so that import and export
/// can read back how libseccomp decides them.
public struct LibseccompReferenceCompiler: SeccompReferenceCompiler {
    public init() {}

    /// `seccomp_init(default)`, the arches, then `seccomp_rule_add_array` for each rule in order;
    /// a rule whose name libseccomp does not know is skipped, as runc skips it.
    public func compile(_ rules: LibseccompRuleSet) throws(LibseccompRuleRejection) -> ReferenceFilter {
        let context: SeccompContext
        do {
            context = try SeccompContext(defaultAction: rules.defaultAction)
            try context.setArches(rules.arches)
        } catch {
            throw LibseccompRuleRejection(rule: nil, reason: "\(error)")
        }
        var unknown: Set<String> = []
        for (index, rule) in rules.rules.enumerated() {
            guard let number = SeccompContext.resolve(rule.syscall) else {
                unknown.insert(rule.syscall)
                continue
            }
            let comparisons = rule.arguments.map { argument -> LibseccompComparison in
                switch argument.op {
                case .notEqual: return LibseccompComparison(argument: argument.index, op: .notEqual, datum: argument.value)
                case .less: return LibseccompComparison(argument: argument.index, op: .less, datum: argument.value)
                case .lessOrEqual: return LibseccompComparison(argument: argument.index, op: .lessOrEqual, datum: argument.value)
                case .equal: return LibseccompComparison(argument: argument.index, op: .equal, datum: argument.value)
                case .greaterOrEqual: return LibseccompComparison(argument: argument.index, op: .greaterOrEqual, datum: argument.value)
                case .greater: return LibseccompComparison(argument: argument.index, op: .greater, datum: argument.value)
                case .maskedEqual:
                    return LibseccompComparison(argument: argument.index, op: .maskedEqual(mask: argument.value), datum: argument.valueTwo)
                }
            }
            do {
                try context.addRule(rule.action, syscall: number, comparisons: comparisons)
            } catch {
                throw LibseccompRuleRejection(rule: index, reason: "\(error)")
            }
        }
        do {
            return ReferenceFilter(instructions: try context.exportBPF(), unknownSyscalls: unknown)
        } catch {
            throw LibseccompRuleRejection(rule: nil, reason: "\(error)")
        }
    }
}

extension KernelVersion {
    /// The running kernel's version, from `/proc/sys/kernel/osrelease`.
    public static var running: KernelVersion? {
        guard let release = try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8) else { return nil }
        return KernelVersion(release: release.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
