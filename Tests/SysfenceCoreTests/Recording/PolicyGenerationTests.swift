@testable import SysfenceCore
import Testing

/// A recording built by hand: calls per (arch, name) of `lintTable`, with watched values.
func recording(_ calls: [Arch: [String: UInt64]], values: [Arch: [String: [[UInt32]: UInt64]]] = [:]) -> SyscallRecording {
    var recording = SyscallRecording()
    for (arch, counts) in calls {
        for (name, count) in counts { recording.calls[arch, default: [:]][lintTable.number(of: name, on: arch)!] = count }
    }
    for (arch, perName) in values {
        for (name, seen) in perName { recording.argumentValues[arch, default: [:]][lintTable.number(of: name, on: arch)!] = seen }
    }
    return recording
}

@Suite struct PolicyGenerationTests {
    private let bare = RecordingOptions(name: "demo", includeBase: false)

    @Test func smallRecordingAsYAML() {
        let recorded = recording([.x86_64: ["read": 40, "write": 12, "exit_group": 1, "socket": 3]],
                                 values: [.x86_64: ["socket": [[2, 1]: 2, [10, 2]: 1]]])
        let text = recorded.policy(options: bare, table: lintTable).yamlText(errnoNames: [1: "EPERM"])
        #expect(text == """
            sysfence: 1
            name: demo
            default: errno(EPERM)
            arches: [x86_64]
            bad-arch: kill-process
            rules:
              - action: allow
                syscalls: read
                comment: seen 40 times
              - action: allow
                syscalls: write
                comment: seen 12 times
              - action: allow
                syscalls: socket
                when: (u32(arg0) == 2 && (u32(arg1) & 0xf) == 1) || (u32(arg0) == 10 && (u32(arg1) & 0xf) == 2)
                comment: seen 3 times
              - action: allow
                syscalls: exit_group
                comment: seen 1 time
            
            """)
    }
}

extension PolicyGenerationTests {
    /// The rule of `name` on the policy's arches (or on `arch`), as generated.
    private func rule(_ policy: Policy, _ name: String, on arch: Arch? = nil) -> Rule? {
        policy.rules.first { $0.syscalls == [.name(name)] && (arch == nil || policy.arches(of: $0).contains(arch!)) }
    }

    private func low32(_ argument: Int, _ value: UInt64, mask: UInt64 = .max) -> Condition {
        .comparison(Comparison(argument: argument, width: .low32, mask: mask, op: .equal, value: value))
    }

    @Test func watchesFollowTheTable() {
        let x86_64 = SyscallRecording.argumentWatches(on: .x86_64, table: lintTable)
        #expect(x86_64[41] == ArgumentWatch(arguments: [0, 1], masks: [0xFFFF_FFFF, 0xF]))  // socket
        #expect(x86_64[56] == ArgumentWatch(arguments: [0], masks: [0x7E02_0000]))  // clone: namespace flags
        #expect(x86_64[272] == ArgumentWatch(arguments: [0], masks: [0x7E02_0080]))  // unshare: CLONE_NEWTIME too
        #expect(x86_64[16] == ArgumentWatch(arguments: [1], masks: [0xFFFF_FFFF]))  // ioctl request
        #expect(x86_64[10] == ArgumentWatch(arguments: [2], masks: [0x4]))  // mprotect: PROT_EXEC
        #expect(x86_64[135] == ArgumentWatch(arguments: [0], masks: [0xFFFF_FFFF]))  // personality
        #expect(x86_64.count == 7)  // no mmap2, socketpair, prctl or pkey_mprotect in lintTable's x86_64
        let x86 = SyscallRecording.argumentWatches(on: .x86, table: lintTable)
        #expect(x86[192] == ArgumentWatch(arguments: [2], masks: [0x4]))  // mmap2
        #expect(x86[102] == nil)  // socketcall: arguments in memory
        // s390x's clone takes the stack first.
        let s390x = SyscallTable([.s390x: ["clone": 120]])
        #expect(SyscallRecording.argumentWatches(on: .s390x, table: s390x)[120] == ArgumentWatch(arguments: [1], masks: [0x7E02_0000]))
    }

    @Test func argumentConstraints() {
        let recorded = recording(
            [.x86_64: ["mprotect": 9, "mmap": 30, "clone": 4, "unshare": 1, "personality": 2, "ioctl": 40]],
            values: [.x86_64: ["mprotect": [[0]: 9], "mmap": [[0]: 20, [4]: 10], "clone": [[0]: 4], "unshare": [[0x1000_0000]: 1],
                               "personality": [[0xFFFF_FFFF]: 2], "ioctl": Dictionary(uniqueKeysWithValues: (0..<33).map { ([UInt32(0x5400 + $0)], 1) })]])
        let policy = recorded.policy(options: bare, table: lintTable)
        // PROT_EXEC never seen: only without it; seen and unseen: any.
        #expect(rule(policy, "mprotect")?.condition == low32(2, 0, mask: 4))
        #expect(rule(policy, "mmap")?.condition == nil)
        #expect(rule(policy, "clone")?.condition == low32(0, 0, mask: 0x7E02_0000))
        #expect(rule(policy, "unshare")?.condition == low32(0, 0x1000_0000, mask: 0x7E02_0080))
        #expect(rule(policy, "personality")?.condition == low32(0, 0xFFFF_FFFF))
        // 33 distinct requests exceed ioctl's cap of 32.
        #expect(rule(policy, "ioctl")?.condition == nil)
        #expect(rule(policy, "ioctl")?.comment == "seen 40 times; 33 distinct argument values, more than 32: not constrained")
        // Without argument constraints nothing is conditional.
        let loose = recorded.policy(options: RecordingOptions(includeBase: false, constrainArguments: false), table: lintTable)
        #expect(loose.rules.allSatisfy { $0.condition == nil })
        // Calls without recorded values are not constrained, and say so.
        let unwatched = recording([.x86_64: ["socket": 3]]).policy(options: bare, table: lintTable)
        #expect(rule(unwatched, "socket")?.condition == nil)
        #expect(rule(unwatched, "socket")?.comment == "seen 3 times; argument values not recorded: not constrained")
    }

    @Test func archesAreSeparate() {
        let recorded = recording([.x86_64: ["read": 5, "socket": 1], .x86: ["read": 2, "socketcall": 7], .x32: ["read": 1]],
                                 values: [.x86_64: ["socket": [[1, 1]: 1]]])
        let policy = recorded.policy(options: bare, table: lintTable)
        #expect(policy.arches == [.x86_64, .x86, .x32])
        #expect(policy.rules == [
            Rule(action: .allow, syscalls: [.name("read")], comment: "seen 8 times"),
            Rule(action: .allow, syscalls: [.name("socketcall")], arches: [.x86], comment: "seen 7 times"),
            Rule(action: .allow, syscalls: [.name("socket")], condition: .and([low32(0, 1), low32(1, 1, mask: 0xF)]),
                 arches: [.x86_64], comment: "seen 1 time"),
        ])
    }

    @Test func clone3FailsWithENOSYSSoThatCloneIsChecked() {
        let recorded = recording([.x86_64: ["clone3": 3, "read": 1]])
        let policy = recorded.policy(options: bare, table: lintTable)
        #expect(rule(policy, "clone3") == Rule(action: .errno(38), syscalls: [.name("clone3")], comment:
            "seen 3 times; ENOSYS: its flags lie in memory the filter cannot read, so callers fall back to clone, whose flags are checked"))
        #expect(rule(policy, "clone") == Rule(action: .allow, syscalls: [.name("clone")], condition: low32(0, 0, mask: 0x7E02_0000),
                                              comment: "allowed without namespace flags as the fallback of clone3"))
        let loose = recorded.policy(options: RecordingOptions(includeBase: false, constrainArguments: false), table: lintTable)
        #expect(rule(loose, "clone3") == Rule(action: .allow, syscalls: [.name("clone3")], comment: "seen 3 times"))
        #expect(rule(loose, "clone") == nil)
    }

    @Test func baseSet() {
        let recorded = recording([.x86_64: ["read": 5, "clone": 2]], values: [.x86_64: ["clone": [[0x2000_0000]: 2]]])
        let withBase = recorded.policy(options: RecordingOptions(), table: lintTable)
        #expect(rule(withBase, "execve")?.comment == "base: the runtime starts the entrypoint")
        #expect(rule(withBase, "read")?.comment == "seen 5 times; base: runc closes inherited descriptors, checks /proc, reopens the exec fifo and writes to it")
        // runc's threads come from glibc, which tries clone3 first: ENOSYS sends it to clone.
        #expect(rule(withBase, "clone3")?.action == .errno(38))
        #expect(rule(withBase, "clone")?.comment == "seen 2 times; base: the runtime starts threads (without namespace flags); allowed without namespace flags as the fallback of clone3")
        // The runtime's threads need clone without namespace flags; the workload's CLONE_NEWPID stays allowed.
        #expect(rule(withBase, "clone")?.condition == .or([low32(0, 0, mask: 0x7E02_0000), low32(0, 0x2000_0000, mask: 0x7E02_0000)]))
        // The base set never lifts a constraint: mprotect stays non-executable.
        #expect(rule(withBase, "mprotect")?.condition == low32(2, 0, mask: 4))
        let without = recorded.policy(options: bare, table: lintTable)
        #expect(without.rules.map(\.syscalls) == [[.name("read")], [.name("clone")]])
    }

    @Test func everyBaseEntryOfAWatchedSyscallListsItsValues() {
        for entry in BaseSet.entries {
            for name in entry.names where WatchedSyscalls.byName[name] != nil {
                #expect(!entry.values.isEmpty, "\(name)")
                #expect(entry.values.allSatisfy { $0.count == WatchedSyscalls.byName[name]!.masks.count }, "\(name)")
            }
        }
    }

    @Test func generatedPolicyAllowsExactlyWhatWasRecorded() {
        var recorded = recording(
            [.x86_64: ["read": 5, "socket": 4, "mprotect": 2, "clone": 1, "ioctl": 3], .x86: ["read": 1, "mmap2": 2, "socket": 1]],
            values: [.x86_64: ["socket": [[2, 1]: 2, [1, 5]: 2], "mprotect": [[0]: 2], "clone": [[0]: 1], "ioctl": [[0x5401]: 3]],
                     .x86: ["mmap2": [[4]: 2], "socket": [[10, 2]: 1]]])
        recorded.lostEvents = 0
        for options in [bare, RecordingOptions()] {
            let program = DecisionProgram(policy: recorded.policy(options: options, table: lintTable), table: lintTable)
            for (arch, calls) in recorded.calls {
                let watches = SyscallRecording.argumentWatches(on: arch, table: lintTable)
                for nr in calls.keys {
                    let seen = recorded.argumentValues[arch]?[nr].map { Array($0.keys) } ?? [[]]
                    for values in seen {
                        var arguments = [UInt64](repeating: 0xFFFF_FFFF_0000_0000, count: 6)  // high halves ignored
                        for (index, value) in values.enumerated() { arguments[watches[nr]!.arguments[index]] |= UInt64(value) }
                        #expect(program.decide(auditArch: arch.auditArch, nr: nr, arguments: arguments).action == .allow, "\(arch) \(nr) \(values)")
                    }
                }
            }
            func verdict(_ arch: Arch, _ name: String, _ arguments: [UInt64] = [0, 0, 0, 0, 0, 0]) -> Action {
                program.decide(auditArch: arch.auditArch, nr: lintTable.number(of: name, on: arch)!, arguments: arguments).action
            }
            #expect(verdict(.x86_64, "ptrace") == .errno(1))
            #expect(verdict(.x86_64, "socket", [10, 1, 0, 0, 0, 0]) == .errno(1))  // AF_INET6 never seen on x86_64
            #expect(verdict(.x86_64, "socket", [2, 1 | 0x80800, 0, 0, 0, 0]) == .allow)  // SOCK_NONBLOCK | SOCK_CLOEXEC ignored
            #expect(verdict(.x86_64, "mprotect", [0, 0, 7, 0, 0, 0]) == .errno(1))  // PROT_EXEC never seen
            #expect(verdict(.x86_64, "clone", [0x1000_0000, 0, 0, 0, 0, 0]) == .errno(1))  // CLONE_NEWUSER
            #expect(verdict(.x86_64, "ioctl", [0, 0x5402, 0, 0, 0, 0]) == .errno(1))
            #expect(verdict(.x86, "socket", [2, 1, 0, 0, 0, 0]) == .errno(1))
            #expect(program.decide(auditArch: Arch.aarch64.auditArch, nr: 63, arguments: [0, 0, 0, 0, 0, 0]).action == .killProcess)
        }
    }
}
