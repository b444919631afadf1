import SysfenceCore

/// A small syscall table with the kernel's real numbers, enough for the lint rules' syscalls.
let lintTable: SyscallTable = {
    // name: (x86_64, x86, aarch64); nil where the arch lacks the syscall.
    let numbers: [String: (UInt32?, UInt32?, UInt32?)] = [
        "read": (0, 3, 63), "write": (1, 4, 64), "open": (2, 5, nil), "close": (3, 6, 57), "fstat": (5, 108, 80),
        "mmap": (9, 90, 222), "mmap2": (nil, 192, nil), "mprotect": (10, 125, 226), "munmap": (11, 91, 215),
        "brk": (12, 45, 214), "rt_sigreturn": (15, 173, 139), "ioctl": (16, 54, 29), "socket": (41, 359, 198),
        "clone": (56, 120, 220), "execve": (59, 11, 221), "exit": (60, 1, 93), "kill": (62, 37, 129),
        "getpid": (39, 20, 172), "ptrace": (101, 26, 117), "personality": (135, 136, 92), "arch_prctl": (158, 384, nil),
        "mount": (165, 21, 40), "futex": (202, 240, 98), "set_tid_address": (218, 258, 96), "exit_group": (231, 252, 94),
        "keyctl": (250, 288, 219), "openat": (257, 295, 56), "unshare": (272, 310, 97), "bpf": (321, 357, 280),
        "statx": (332, 383, 291), "clone3": (435, 435, 435), "pidfd_getfd": (438, 438, 438),
        "faccessat2": (439, 439, 439), "socketcall": (nil, 102, nil), "ipc": (nil, 117, nil), "shmget": (29, 395, 194),
    ]
    var tables: [Arch: [String: UInt32]] = [.x86_64: [:], .x86: [:], .aarch64: [:], .x32: [:]]
    for (name, (x86_64, x86, aarch64)) in numbers {
        tables[.x86_64]![name] = x86_64
        tables[.x86]![name] = x86
        tables[.aarch64]![name] = aarch64
        tables[.x32]![name] = x86_64.map { $0 | Arch.x32SyscallBit }
    }
    return SyscallTable(tables)
}()

/// Where the test policies' top-level keys sit: `default` on line 2, `arches` on line 3.
let lintKeys = PolicyKeyLocations(defaultAction: SourceLocation(file: "test.yaml", line: 2, column: 1),
                                  arches: SourceLocation(file: "test.yaml", line: 3, column: 1))

/// A rule of a test policy; `lintPolicy` places rule i on line 10 + i.
struct TestRule {
    var action: Action
    var syscalls: [String]
    var condition: Condition?
    var arches: [Arch]?

    init(_ action: Action, _ syscalls: [String], when condition: Condition? = nil, arches: [Arch]? = nil) {
        self.action = action
        self.syscalls = syscalls
        self.condition = condition
        self.arches = arches
    }
}

/// A policy in `test.yaml` whose rule i sits on line 10 + i, its action at column 5, its syscall
/// entries from column 20 on, its condition at column 60.
func lintPolicy(default defaultAction: Action, arches: [Arch] = [.x86_64], _ rules: [TestRule]) -> Policy {
    let file = "test.yaml"
    let built = rules.enumerated().map { index, rule in
        let line = 10 + index
        let source = RuleSource(rule: SourceLocation(file: file, line: line, column: 3),
                                action: SourceLocation(file: file, line: line, column: 5),
                                syscalls: rule.syscalls.indices.map { SourceLocation(file: file, line: line, column: 20 + 5 * $0) },
                                condition: rule.condition.map { _ in SourceLocation(file: file, line: line, column: 60) })
        let selectors = rule.syscalls.map { name in UInt32(name).map(SyscallSelector.number) ?? .name(name) }
        return Rule(action: rule.action, syscalls: selectors, condition: rule.condition, arches: rule.arches, source: source)
    }
    return Policy(defaultAction: defaultAction, arches: arches, rules: built, sourceFile: file)
}

/// A comparison condition: `arg(n) op value`, optionally on the low word or under a mask.
func arg(_ n: Int, _ op: ComparisonOperator, _ value: UInt64, width: ArgumentWidth = .full, mask: UInt64 = .max) -> Condition {
    .comparison(Comparison(argument: n, width: width, mask: mask, op: op, value: value))
}

/// The rule ids and lines of the findings for `policy`, in order.
func lintFindings(_ policy: Policy, baseline: Policy? = nil) -> [Finding] {
    Linter(table: lintTable, errnoNames: [1: "EPERM", 38: "ENOSYS", 13: "EACCES"], baseline: baseline).lint(policy, keys: lintKeys)
}

/// `(rule id, line)` of each finding, for comparing with the expected ones.
struct Placed: Hashable, CustomStringConvertible {
    var rule: String
    var line: Int
    init(_ rule: String, _ line: Int) {
        self.rule = rule
        self.line = line
    }
    var description: String { "\(rule)@\(line)" }
}

/// The findings of `rules`, leaving out the ones `ignoring` names, as `(rule id, line)`.
func placed(_ findings: [Finding], ignoring ignored: Set<String> = []) -> [Placed] {
    findings.filter { !ignored.contains($0.rule.id) }.map { Placed($0.rule.id, $0.location.line) }
}

/// The findings every allow-list test policy below has unless it allows these: the startup syscalls.
let startupAllow = TestRule(.allow, ["execve", "brk", "mmap", "munmap", "mprotect", "arch_prctl", "set_tid_address",
                                     "read", "write", "close", "rt_sigreturn", "exit", "exit_group"])
