import SysfenceCore
import Testing

/// Each lint rule on small policies, with the exact findings expected (rule id and line).
@Suite struct LintRuleTests {
    @Test func cleanAllowListHasNoFindings() {
        let policy = lintPolicy(default: .errno(38), [startupAllow, TestRule(.allow, ["futex", "getpid"])])
        #expect(lintFindings(policy).isEmpty)
    }

    @Test func unknownSyscallSuggestsTheClosestName() throws {
        let policy = lintPolicy(default: .errno(38), [startupAllow, TestRule(.allow, ["getpid", "futx"])])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("unknown-syscall", 11)])
        let finding = try #require(findings.first)
        #expect(finding.message == "unknown syscall 'futx'; did you mean 'futex'?")
        #expect(finding.location.column == 25)
        #expect(finding.severity == .error)
    }

    @Test func syscallMissingOnSomeOrAllArches() {
        let policy = lintPolicy(default: .errno(38), arches: [.x86_64, .aarch64], [
            startupAllow,
            TestRule(.allow, ["open"]),
            TestRule(.allow, ["arch_prctl"], arches: [.aarch64]),
        ])
        let findings = lintFindings(policy)
        // arch_prctl in the startup rule is missing on aarch64 too.
        #expect(placed(findings) == [Placed("syscall-not-on-arch", 10), Placed("syscall-not-on-arch", 11),
                                     Placed("syscall-not-on-arch", 12)])
        #expect(findings.map(\.severity) == [.note, .note, .warning])
        #expect(findings[2].message == "arch_prctl does not exist on aarch64, so this entry never applies")
    }

    @Test func entriesMissingOnTheSameArchesMakeOneNote() {
        let policy = lintPolicy(default: .errno(38), arches: [.x86_64, .aarch64], [
            TestRule(.allow, ["execve", "brk", "mmap", "munmap", "mprotect", "set_tid_address", "read", "write", "close",
                              "rt_sigreturn", "exit", "exit_group", "open", "arch_prctl"]),
        ])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("syscall-not-on-arch", 10)])
        #expect(findings[0].location.column == 80)
        #expect(findings[0].message == "open and arch_prctl do not exist on aarch64; these entries apply on the other arches only")
    }

    @Test func duplicateEntriesByNameAndNumber() {
        let policy = lintPolicy(default: .errno(38), [startupAllow, TestRule(.allow, ["getpid", "futex", "getpid", "202"])])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("duplicate-syscall", 11), Placed("duplicate-syscall", 11)])
        #expect(findings.map(\.location.column) == [30, 35])
        #expect(findings[1].message == "202 is already listed in this rule (as futex)")
    }

    @Test func shadowedAndRedundantRules() {
        let policy = lintPolicy(default: .errno(38), [
            startupAllow,
            TestRule(.allow, ["getpid"]),
            TestRule(.errno(13), ["getpid"], when: arg(0, .equal, 1)),  // shadowed: line 11 always allows first
            TestRule(.allow, ["getpid", "futex"]),  // getpid redundant; futex live
            TestRule(.errno(13), ["kill"], when: arg(1, .less, 10)),
            TestRule(.allow, ["kill"], when: arg(1, .less, 5)),  // shadowed by line 14
            TestRule(.allow, ["kill"]),
        ])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("shadowed-rule", 12), Placed("redundant-rule", 13), Placed("shadowed-rule", 15)])
        #expect(findings[0].message == "this rule never applies: the rule at line 11 decides first with allow, never errno(EACCES)")
        #expect(findings[1].message == "getpid never reaches this rule: the rule at line 11 already decides it with allow")
        #expect(findings[1].location.column == 20)
        #expect(findings[2].message == "this rule never applies: the rule at line 14 decides first with errno(EACCES), never allow")
    }

    @Test func unionOfEarlierConditionsShadows() {
        let policy = lintPolicy(default: .errno(38), [
            startupAllow,
            TestRule(.allow, ["kill"], when: arg(1, .lessOrEqual, 9)),
            TestRule(.errno(13), ["kill"], when: arg(1, .greater, 9)),
            TestRule(.killProcess, ["kill"], when: arg(0, .equal, 1)),  // every call is decided above
        ])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("shadowed-rule", 13)])
        #expect(findings[0].message == "this rule never applies: the rules at lines 11 and 12 decide first (allow and errno(EACCES)), never kill-process")
    }

    @Test func conditionsThatNeverOrAlwaysHold() {
        let policy = lintPolicy(default: .errno(38), [
            startupAllow,
            TestRule(.allow, ["getpid"], when: .and([arg(0, .greater, 5), arg(0, .less, 3)])),
            TestRule(.allow, ["futex"], when: arg(1, .greaterOrEqual, 0)),
            TestRule(.allow, ["kill"], when: .or([arg(0, .equal, 1), .and([arg(1, .equal, 4, mask: 0x3), arg(2, .equal, 0)])])),
            TestRule(.allow, ["ioctl"], when: .and([arg(0, .equal, 1), arg(0, .lessOrEqual, .max)])),
        ])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("condition-never-holds", 11), Placed("condition-always-holds", 12),
                                     Placed("condition-never-holds", 13), Placed("condition-always-holds", 14)])
        #expect(findings[0].message == "`arg0 > 5 && arg0 < 3` never holds, so the rule never applies")
        #expect(findings[1].message == "`arg1 >= 0` always holds, so the rule acts as if it had no condition")
        #expect(findings[2].message == "`arg1 & 3 == 4 && arg2 == 0` never holds")
        #expect(findings[3].message == "`arg0 <= 0xffffffffffffffff` always holds")
    }

    @Test func thirtyTwoBitArchesJudgeTheLowWord() {
        // On x86 only the low word is compared: arg0 > 0xffffffff never holds there.
        let policy = lintPolicy(default: .errno(38), arches: [.x86_64, .x86], [
            startupAllow, TestRule(.allow, ["mmap2", "socketcall"]),
            TestRule(.allow, ["kill"], when: arg(0, .greater, 0xFFFF_FFFF)),
        ])
        let findings = lintFindings(policy)
        #expect(placed(findings, ignoring: ["compat-arch", "syscall-not-on-arch"]) == [Placed("condition-never-holds", 12)])
        #expect(findings.first { $0.rule == .conditionNeverHolds }?.message == "`arg0 > 0xffffffff` never holds, so the rule never applies on x86")
    }

    @Test func multiplexerReachesWhatADirectRuleDenies() {
        // shmget is denied by a rule, but ipc(SHMGET, ...) is allowed on x86; semget only falls to
        // the default, which is no restriction on purpose, and socketcall is not allowed at all.
        let policy = lintPolicy(default: .errno(38), arches: [.x86_64, .x86], [
            startupAllow, TestRule(.allow, ["mmap2"]),
            TestRule(.errno(1), ["shmget", "socket"]),
            TestRule(.allow, ["ipc"]),
        ])
        let findings = lintFindings(policy).filter { $0.rule == .multiplexerBypass }
        #expect(placed(findings) == [Placed("multiplexer-bypass", 13)])
        #expect(findings.first?.message == "ipc is allowed on x86 for shmget, which the policy restricts as direct syscall: through ipc it runs with its arguments in memory, unchecked")
        #expect(findings.first?.subject == "ipc/x86")
    }

    @Test func constantsThatDoNotFit() {
        let policy = lintPolicy(default: .errno(38), arches: [.x86_64, .x86], [
            startupAllow, TestRule(.allow, ["mmap2", "socketcall"]),
            TestRule(.allow, ["personality"], when: arg(0, .equal, 0x1_0000_0008)),
            TestRule(.allow, ["kill"], when: arg(1, .equal, 0x1_0000_0009, width: .low32)),
            TestRule(.allow, ["ioctl"], when: arg(2, .equal, 0x1_0000_0000)),
            TestRule(.allow, ["futex"], when: arg(1, .equal, 0xFFFF_FFFF_FFFF_FFFF, width: .low32)),
        ])
        let findings = lintFindings(policy).filter { $0.rule == .valueOutOfRange }
        #expect(placed(findings) == [Placed("value-out-of-range", 12), Placed("value-out-of-range", 13),
                                     Placed("value-out-of-range", 14)])
        #expect(findings[0].message == "on x86 only the low 32 bits are compared, so 0x100000008 is compared as 8; arg0 of personality is a 32-bit int, so `arg0 == 0x100000008` can only match calls that fill the half the kernel ignores")
        #expect(findings[1].message == "u32(arg1) takes only the low 32 bits of 0x100000009, so it compares with 9")
        #expect(findings[2].message == "on x86 only the low 32 bits are compared, so 0x100000000 is compared as 0")
    }

    @Test func signExtensionOfIntArguments() {
        let policy = lintPolicy(default: .errno(38), [
            startupAllow,
            TestRule(.allow, ["openat"], when: arg(0, .equal, 0xFFFF_FFFF_FFFF_FF9C)),
            TestRule(.allow, ["personality"], when: arg(0, .equal, 0xFFFF_FFFF)),
            TestRule(.allow, ["kill"], when: arg(1, .equal, 0xFFFF_FFFF_FFFF_FF9C, width: .low32)),
            TestRule(.allow, ["mmap"], when: arg(3, .equal, 0xFFFF_FFFF_FFFF_FFFF)),  // flags is a long here
        ])
        let findings = lintFindings(policy).filter { $0.rule != .redundantRule }
        #expect(placed(findings) == [Placed("sign-extension", 11), Placed("sign-extension", 12)])
        #expect(findings[0].message == "arg0 of openat is a 32-bit int and `arg0 == 0xffffffffffffff9c` matches only the sign-extended form of -100; a caller that zero-extends it (0xffffff9c) is not matched by this rule; compare u32(arg0) instead")
        #expect(findings[1].message == "arg0 of personality is a 32-bit int and `arg0 == 0xffffffff` matches only the zero-extended form; a caller that passes it sign-extended, as the int -1, is not matched by this rule; compare u32(arg0) instead")
    }

    @Test func pointerArgumentsExceptNullTests() {
        let policy = lintPolicy(default: .errno(38), [
            startupAllow,
            TestRule(.allow, ["openat"], when: arg(1, .equal, 0x7FFF_0000)),
            TestRule(.allow, ["statx"], when: arg(4, .notEqual, 0)),
            TestRule(.allow, ["clone3"], when: arg(1, .lessOrEqual, 88)),
        ])
        let findings = lintFindings(policy).filter { $0.rule == .pointerArgument }
        #expect(placed(findings) == [Placed("pointer-argument", 11)])
        #expect(findings[0].message == "arg1 of openat is a pointer: `arg1 == 0x7fff0000` compares the address, not the data it points to")
    }

    @Test func dangerousSyscallsAllowedWithoutConditions() {
        let policy = lintPolicy(default: .errno(38), [
            startupAllow,
            TestRule(.allow, ["getpid", "ptrace", "bpf"]),
            TestRule(.allow, ["keyctl"], when: arg(0, .equal, 0)),  // conditional: not reported
            TestRule(.allow, ["clone3"], when: arg(1, .lessOrEqual, 88)),  // flags out of reach: reported
            TestRule(.log, ["mount"]),
        ])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("dangerous-syscall", 11), Placed("dangerous-syscall", 11),
                                     Placed("dangerous-syscall", 13), Placed("dangerous-syscall", 14)])
        #expect(findings.map(\.location.column) == [25, 30, 20, 20])
        #expect(findings[0].message == "ptrace is allowed without conditions: it reads and rewrites the memory and registers of other processes, and before Linux 4.8 could rewrite a syscall after the seccomp check")
    }

    @Test func cloneNamespaceFlags() {
        let checked = lintPolicy(default: .errno(38), [
            startupAllow, TestRule(.allow, ["clone"], when: arg(0, .equal, 0, mask: 0x7E02_0000)),
        ])
        #expect(lintFindings(checked).isEmpty)
        let partly = lintPolicy(default: .errno(38), [
            startupAllow, TestRule(.allow, ["clone"], when: arg(0, .equal, 0, mask: 0x1000_0000)),
        ])
        let findings = lintFindings(partly)
        #expect(placed(findings) == [Placed("dangerous-syscall", 11)])
        #expect(findings[0].message == "clone can create namespaces (CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET are not checked): a user namespace opens privileged kernel code to an unprivileged process")
        // Each flag checked on its own also keeps namespaces out.
        let separately = lintPolicy(default: .errno(38), [
            startupAllow,
            TestRule(.allow, ["clone"], when: .and([0x0002_0000, 0x0200_0000, 0x0400_0000, 0x0800_0000, 0x1000_0000,
                                                     0x2000_0000, 0x4000_0000].map { arg(0, .equal, 0, mask: $0) })),
        ])
        #expect(lintFindings(separately).isEmpty)
    }

    @Test func denyListGaps() {
        let policy = lintPolicy(default: .allow, [
            TestRule(.errno(1), ["ptrace", "bpf", "mount", "keyctl", "unshare", "pidfd_getfd", "personality"]),
            TestRule(.errno(38), ["clone3"]),
        ])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("deny-list-gap", 2)])
        #expect(findings[0].message == "the default action allow lets 1 dangerous syscall run that no rule denies: clone (with CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET)")
    }

    @Test func compatArches() {
        let policy = lintPolicy(default: .errno(38), arches: [.x86_64, .x32, .x86], [startupAllow, TestRule(.allow, ["mmap2"], arches: [.x86])])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("compat-arch", 3), Placed("compat-arch", 3)])
        #expect(Set(findings.map(\.subject)) == ["x86", "x32"])
        // A policy for 32-bit x86 alone needs its ABI.
        let alone = lintPolicy(default: .errno(38), arches: [.x86], [startupAllow, TestRule(.allow, ["mmap2"])])
        #expect(placed(lintFindings(alone), ignoring: ["syscall-not-on-arch"]).isEmpty)
    }

    @Test func probedSyscallsNeedENOSYS() {
        let policy = lintPolicy(default: .errno(1), [
            startupAllow,
            TestRule(.errno(1), ["clone3"]),
            TestRule(.errno(38), ["faccessat2"]),
        ])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("enosys-probe", 2), Placed("enosys-probe", 11)])
        #expect(findings[0].message == "statx falls to the default action errno(EPERM), but C libraries and runtimes fall back from it only on ENOSYS; allow it or return errno(ENOSYS)")
        #expect(findings[1].message == "clone3 fails with errno(EPERM), but glibc's pthread_create, posix_spawn and fork fall back to clone only on ENOSYS; return errno(ENOSYS)")
    }

    @Test func startupSyscallsDenied() {
        let policy = lintPolicy(default: .killProcess, [
            TestRule(.allow, ["brk", "mmap", "munmap", "mprotect", "arch_prctl", "set_tid_address", "read", "write",
                              "close", "rt_sigreturn", "exit"]),
            TestRule(.errno(1), ["exit_group"]),
            TestRule(.errno(1), ["execve"], when: arg(0, .equal, 0)),
        ])
        let findings = lintFindings(policy)
        #expect(placed(findings) == [Placed("startup-syscall-denied", 2), Placed("startup-syscall-denied", 11)])
        #expect(findings[0].message == "execve is always denied (kill-process by the default action), but nearly every process needs it to start or exit")
        #expect(findings[1].message == "exit_group is always denied (errno(EPERM) by this rule), but nearly every process needs it to start or exit")
        let bare = lintPolicy(default: .errno(38), arches: [.x86_64, .x86], [TestRule(.allow, ["read", "write", "close", "exit"])])
        let grouped = lintFindings(bare).filter { $0.rule == .startupSyscallDenied }
        #expect(grouped.map(\.message) == ["execve, brk, mmap (on x86_64), mmap2 (on x86), munmap, mprotect, arch_prctl (on x86_64), set_tid_address, rt_sigreturn and exit_group are always denied (errno(ENOSYS) by the default action), but nearly every process needs them to start or exit"])
    }

    @Test func filterLengthAgainstTheKernelLimit() {
        // 600 syscalls, each with its own argument test, compile to well over 4,096 instructions.
        let rules = (0..<600).map { n in
            Rule(action: .allow, syscalls: [.number(UInt32(n + 500))], condition: arg(0, .equal, UInt64(n) * 0x1_0000_0001))
        }
        let large = Policy(defaultAction: .errno(1), arches: [.x86_64], rules: rules, sourceFile: "large.yaml")
        let findings = Linter(table: lintTable).lint(large).filter { $0.rule == .filterTooLarge }
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .error)
        #expect(findings.first?.location == SourceLocation(file: "large.yaml", line: 1, column: 1))
    }

    @Test func baselineExceeded() {
        let baseline = lintPolicy(default: .errno(1), [startupAllow, TestRule(.allow, ["kill"], when: arg(1, .equal, 15))])
        let policy = lintPolicy(default: .errno(1), [
            startupAllow,
            TestRule(.allow, ["faccessat2", "statx"], when: arg(0, .equal, 1000)),
            TestRule(.allow, ["getpid"]),
            TestRule(.allow, ["kill"], when: arg(1, .lessOrEqual, 15)),
        ])
        let findings = lintFindings(policy, baseline: baseline)
        #expect(placed(findings, ignoring: ["enosys-probe", "pointer-argument"])
            == [Placed("baseline-exceeded", 11), Placed("baseline-exceeded", 11), Placed("baseline-exceeded", 12),
                Placed("baseline-exceeded", 13)])
        let exceeded = findings.filter { $0.rule == .baselineExceeded }
        #expect(exceeded[2].message == "getpid is allowed; the baseline does not allow it")
        #expect(exceeded[3].message == "kill is allowed for calls the baseline denies, such as all arguments 0")
        #expect(lintFindings(baseline, baseline: policy).filter { $0.rule == .baselineExceeded }.isEmpty)
    }

    @Test func everyRuleIsRegisteredOnceWithItsDocumentation() {
        let ids = LintRule.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for rule in LintRule.all {
            #expect(rule.id.allSatisfy { $0.isLowercase || $0 == "-" })
            #expect((0.1...10).contains(rule.securitySeverity))
            #expect(!rule.summary.isEmpty && !rule.rationale.isEmpty)
        }
    }
}
