import Libseccomp

/// The facts about a policy that `sysfence check` shows a person.
public struct PolicySummary: Hashable, Sendable {
    /// How many distinct syscalls the rules of a policy name on one arch.
    public struct ArchCoverage: Hashable, Sendable {
        public var arch: Arch
        /// Distinct syscall numbers named by the rules that apply on `arch`; a name the arch lacks counts nothing.
        public var syscalls: Int
    }

    public var name: String?
    public var ruleCount: Int
    public var defaultAction: Action
    public var badArchAction: Action
    /// One entry per admitted arch, in the policy's order.
    public var coverage: [ArchCoverage]

    /// Summarises `policy`, resolving syscall names with `table`.
    public init(_ policy: Policy, table: SyscallTable = .libseccomp) {
        name = policy.name
        ruleCount = policy.rules.count
        defaultAction = policy.defaultAction
        badArchAction = policy.badArchAction
        coverage = policy.arches.map { arch in
            var numbers = Set<UInt32>()
            for rule in policy.rules where policy.arches(of: rule).contains(arch) {
                for selector in rule.syscalls {
                    switch selector {
                    case .name(let name):
                        if let number = table.number(of: name, on: arch) { numbers.insert(number) }
                    case .number(let number):
                        numbers.insert(number)
                    }
                }
            }
            return ArchCoverage(arch: arch, syscalls: numbers.count)
        }
    }
}
