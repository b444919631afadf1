/// A check that `sysfence lint` runs, with the documentation every finding of it carries.
///
/// Ids are stable: tools keep suppressions and code-scanning alerts by them. Each rule is
/// explained at length, with examples, in `docs/lint-rules.md` under a heading equal to its id.
public struct LintRule: Hashable, Sendable, Identifiable {
    /// The stable id, in kebab case (`dangerous-syscall`).
    public let id: String
    /// The severity of the rule's findings unless a finding says otherwise.
    public let severity: Severity
    /// What the rule finds, in one line.
    public let summary: String
    /// Why it matters and what to do about it, in a few sentences.
    public let rationale: String
    /// The score code-scanning tools rank alerts by, 0.1 to 10 as in CVSS: how much a finding
    /// weakens the filter, from dead text (1) to a way around it (8).
    public let securitySeverity: Double

    init(_ id: String, _ severity: Severity, security: Double, summary: String, rationale: String) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.rationale = rationale
        self.securitySeverity = security
    }
}

extension LintRule {
    /// A policy file that could not be read or decoded.
    public static let invalidPolicy = LintRule(
        "invalid-policy", .error, security: 5.0, summary: "The policy could not be loaded.",
        rationale: "A policy that does not load cannot be checked or enforced. Fix the reported problem first.")

    /// A syscall name no arch knows.
    public static let unknownSyscall = LintRule(
        "unknown-syscall", .error, security: 5.0, summary: "A syscall name that no supported arch knows.",
        rationale: "A misspelt name matches no call, so the rule silently does nothing and the call falls to the default action. Use the kernel's name; the message suggests the closest one.")

    /// A syscall name missing on some of the arches a rule applies to.
    public static let syscallNotOnArch = LintRule(
        "syscall-not-on-arch", .note, security: 2.0, summary: "A syscall that does not exist on some of the rule's arches.",
        rationale: "Arches differ in their syscalls (aarch64 has no open or stat, x86 has socketcall). On an arch without the syscall the entry does nothing; when that is on every arch of the rule, the entry is dead and probably names the wrong syscall.")

    /// The same syscall listed twice in one rule.
    public static let duplicateSyscall = LintRule(
        "duplicate-syscall", .warning, security: 1.0, summary: "A syscall listed twice in the same rule.",
        rationale: "The second entry changes nothing. It often hides a typo for another syscall that was meant.")

    /// A rule or entry that earlier rules always decide first, with another action.
    public static let shadowedRule = LintRule(
        "shadowed-rule", .warning, security: 5.0, summary: "A rule that can never decide because earlier rules always decide first.",
        rationale: "The first matching rule wins. When earlier rules match every call a later rule matches, the later rule never applies and its action, which differs, never happens. Reorder the rules or narrow the earlier ones.")

    /// A rule or entry that earlier rules already decide the same way.
    public static let redundantRule = LintRule(
        "redundant-rule", .note, security: 1.0, summary: "A rule that earlier rules already decide the same way.",
        rationale: "Every call the rule matches is matched first by earlier rules with the same action, so removing it changes nothing. Redundant rules make a policy harder to review.")

    /// A condition, or part of one, that no argument values satisfy.
    public static let conditionNeverHolds = LintRule(
        "condition-never-holds", .warning, security: 4.0, summary: "A condition, or part of one, that no argument values satisfy.",
        rationale: "A condition that never holds makes its rule dead (arg0 > 5 && arg0 < 3), or makes part of an expression pointless. It is usually a mistaken operator or constant.")

    /// A condition, or part of one, that every argument values satisfy.
    public static let conditionAlwaysHolds = LintRule(
        "condition-always-holds", .warning, security: 4.0, summary: "A condition, or part of one, that all argument values satisfy.",
        rationale: "A condition that always holds checks nothing: the rule acts as if it had none, which is rarely what its author meant (arg0 >= 0, or a mask of no bits).")

    /// A constant that the compared argument cannot hold, or that is truncated.
    public static let valueOutOfRange = LintRule(
        "value-out-of-range", .warning, security: 4.0, summary: "A constant that does not fit the argument it is compared with.",
        rationale: "The kernel reads only the low 32 bits of an int argument, and on 32-bit ABIs sysfence, like libseccomp, compares only the low 32 bits of every argument. A constant wider than that either never matches a real value or is silently cut to its low 32 bits.")

    /// A full-width comparison of an int argument with a constant whose sign bit is set.
    public static let signExtension = LintRule(
        "sign-extension", .warning, security: 5.0, summary: "A 64-bit comparison of a 32-bit argument with a negative or sign-bit value.",
        rationale: "A negative int such as AT_FDCWD (-100) reaches the filter sign-extended from one caller (0xffffffffffffff9c) and zero-extended from another (0x00000000ffffff9c); the kernel ignores the upper half either way. A 64-bit comparison matches only one form, so the other slips past the rule. Compare u32(argN) instead.")

    /// A comparison of a pointer argument.
    public static let pointerArgument = LintRule(
        "pointer-argument", .warning, security: 5.0, summary: "A condition on a pointer argument.",
        rationale: "A seccomp filter sees the address a pointer holds, never the memory it points to, so a comparison of a path, buffer or struct pointer checks nothing about its contents. Only comparisons with 0 (a null pointer) mean something.")

    /// A dangerous syscall allowed by a rule without conditions.
    public static let dangerousSyscall = LintRule(
        "dangerous-syscall", .warning, security: 8.0, summary: "A dangerous syscall allowed without conditions.",
        rationale: "Some syscalls give a process power over the kernel, the host or other processes. A container rarely needs them; allow one only with conditions that keep it safe, or leave it to the default deny.")

    /// A dangerous syscall a deny-list policy does not deny.
    public static let denyListGap = LintRule(
        "deny-list-gap", .warning, security: 8.0, summary: "A default of allow that leaves a dangerous syscall allowed.",
        rationale: "A policy whose default action is allow is a deny-list: it is only as good as the syscalls it names. Each dangerous syscall it misses is allowed. Deny it explicitly, or turn the policy into an allow-list.")

    /// A 32-bit compat ABI admitted next to its 64-bit one.
    public static let compatArch = LintRule(
        "compat-arch", .warning, security: 6.0, summary: "A 32-bit compat ABI (x32, x86, arm) admitted next to its 64-bit one.",
        rationale: "A 64-bit process can enter the kernel through the compat ABIs too, with other syscall numbers and other kernel code. They have been the way around filters before and are a second attack surface. Admit them only for workloads that run 32-bit code.")

    /// A multiplexer allowed for calls that are restricted as direct syscalls.
    public static let multiplexerBypass = LintRule(
        "multiplexer-bypass", .warning, security: 7.0, summary: "socketcall or ipc allowed for calls the policy restricts as direct syscalls.",
        rationale: "On 32-bit x86 and a few other ABIs, socketcall and ipc make the socket and SysV IPC calls with their arguments in memory, where a filter cannot read them. A rule on socket or shmget there is only as good as the socketcall or ipc rule beside it: deny the multiplexer for those call numbers, or restrict the direct syscalls no more than the multiplexer.")

    /// An errno other than ENOSYS for a syscall that libraries probe.
    public static let enosysProbe = LintRule(
        "enosys-probe", .warning, security: 2.0, summary: "A probed syscall failing with an errno other than ENOSYS.",
        rationale: "C libraries and runtimes try newer syscalls (clone3, faccessat2, openat2, statx, close_range...) and fall back to older ones only when the kernel answers ENOSYS. Any other errno, EPERM above all, is taken as a real failure and breaks programs. Return errno(ENOSYS) for them.")

    /// A syscall that every process needs, always denied.
    public static let startupSyscallDenied = LintRule(
        "startup-syscall-denied", .error, security: 3.0, summary: "A syscall that nearly every process needs is always denied.",
        rationale: "execve, brk, mmap, mprotect, read, write, close, rt_sigreturn, exit_group and a few others run in every process's first instructions or on its way out. A filter that denies one stops every program from starting or exiting cleanly.")

    /// A compiled filter over, or close to, the kernel's instruction limit.
    public static let filterTooLarge = LintRule(
        "filter-too-large", .error, security: 3.0, summary: "A compiled filter over the kernel's 4,096-instruction limit, or within 10% of it.",
        rationale: "The kernel refuses classic-BPF programs longer than 4,096 instructions. A filter close to the limit breaks with the next few rules. Merge rules, drop conditions that do not matter or split the policy.")

    /// A syscall allowed beyond what a baseline policy allows.
    public static let baselineExceeded = LintRule(
        "baseline-exceeded", .error, security: 7.0, summary: "A syscall allowed that the baseline policy does not allow.",
        rationale: "With --baseline, every call the policy lets run and the baseline does not is reported, so that a change widening a profile is reviewed on purpose.")

    /// Every rule, in the order the documentation lists them.
    public static let all: [LintRule] = [
        invalidPolicy, unknownSyscall, syscallNotOnArch, duplicateSyscall, shadowedRule, redundantRule,
        conditionNeverHolds, conditionAlwaysHolds, valueOutOfRange, signExtension, pointerArgument,
        dangerousSyscall, denyListGap, compatArch, multiplexerBypass, enosysProbe, startupSyscallDenied, filterTooLarge,
        baselineExceeded,
    ]
}

/// One problem lint found, with the place it concerns.
public struct Finding: Hashable, Sendable, CustomStringConvertible {
    /// The rule that found it.
    public var rule: LintRule
    /// Usually the rule's severity; some rules use a milder or stronger one for some findings.
    public var severity: Severity
    public var message: String
    /// The rule, key, syscall entry or condition the finding concerns.
    public var location: SourceLocation
    /// What the finding is about, independent of where it sits (a syscall name, an arch); with the
    /// rule id and file it identifies the finding across edits that move lines.
    public var subject: String

    /// A finding of `rule`, with its severity unless another is given.
    public init(_ rule: LintRule, severity: Severity? = nil, at location: SourceLocation, subject: String, _ message: String) {
        self.rule = rule
        self.severity = severity ?? rule.severity
        self.message = message
        self.location = location
        self.subject = subject
    }

    /// The rule's stable id.
    public var ruleID: String { rule.id }

    /// Why the finding matters.
    public var rationale: String { rule.rationale }

    /// `file:line:column: warning: message [rule-id]`, the form editors read.
    public var description: String { "\(location): \(severity.rawValue): \(message) [\(rule.id)]" }
}
