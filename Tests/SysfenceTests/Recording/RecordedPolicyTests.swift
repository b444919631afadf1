import Foundation
import Libseccomp
import LinuxKernel
import Sysfence
import Testing
import TestSupport

/// Recorded policies with the real syscall tables and constants: they read back, compile, and the
/// compiled filter allows what was recorded.
@Suite struct RecordedPolicyTests {
    /// A recording of every watched syscall on x86_64 and a few calls on i386.
    static let recorded: SyscallRecording = {
        let table = SyscallTable.libseccomp
        var recording = SyscallRecording()
        func add(_ arch: Arch, _ name: String, _ count: UInt64, _ values: [[UInt32]] = []) {
            let nr = table.number(of: name, on: arch)!
            recording.calls[arch, default: [:]][nr] = count
            for value in values { recording.argumentValues[arch, default: [:]][nr, default: [:]][value] = count }
        }
        add(.x86_64, "read", 900)
        add(.x86_64, "socket", 7, [[2, 1], [2, 2], [1, 1]])
        add(.x86_64, "socketpair", 1, [[1, 5]])
        add(.x86_64, "clone", 3, [[0]])
        add(.x86_64, "clone3", 2)
        add(.x86_64, "unshare", 1, [[0x0002_0000 | 0x0400_0000]])
        add(.x86_64, "prctl", 4, [[15], [38]])
        add(.x86_64, "personality", 1, [[0xFFFF_FFFF], [0x0004_0000], [8]])
        add(.x86_64, "ioctl", 5, [[0x5401], [0x5413]])
        add(.x86_64, "mmap", 40, [[0], [4]])
        add(.x86_64, "mprotect", 6, [[0]])
        add(.x86_64, "pkey_mprotect", 1, [[4]])
        add(.x86, "read", 3)
        add(.x86, "socketcall", 2)
        add(.x86, "mmap2", 8, [[4]])
        recording.lostEvents = 2
        return recording
    }()

    @Test func readsBackWithNamedConstantsAndCompiles() throws {
        let policy = Self.recorded.policy(options: RecordingOptions(name: "recorded"), table: .libseccomp)
        let constants = ConstantTable.system
        let text = policy.yamlText(header: ["Recorded."], errnoNames: constants.errnoNames, constants: constants)
        #expect(try Policy(yaml: text, file: "recorded.yaml") == policy)
        for expected in [
            "    syscalls: socket\n    when: (u32(arg0) == AF_UNIX && (u32(arg1) & 0xf) == SOCK_STREAM) || (u32(arg0) == AF_INET && ((u32(arg1) & 0xf) == SOCK_STREAM || (u32(arg1) & 0xf) == SOCK_DGRAM))\n",
            "    syscalls: socketpair\n    when: u32(arg0) == AF_UNIX && (u32(arg1) & 0xf) == SOCK_SEQPACKET\n",
            "    syscalls: clone\n    when: (u32(arg0) & (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)) == 0\n",
            "    syscalls: unshare\n    when: (u32(arg0) & (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)) == CLONE_NEWNS | CLONE_NEWUTS\n",
            "  - action: errno(ENOSYS)\n    syscalls: clone3\n",
            "    syscalls: ioctl\n    when: u32(arg1) == 0x5401 || u32(arg1) == 0x5413\n",  // request numbers differ between arches
            "    syscalls: mprotect\n    when: (u32(arg2) & PROT_EXEC) == 0\n",
            "    syscalls: pkey_mprotect\n    when: (u32(arg2) & PROT_EXEC) == PROT_EXEC\n",
            "    syscalls: personality\n    when: u32(arg0) == PER_LINUX32 || u32(arg0) == ADDR_NO_RANDOMIZE || u32(arg0) == 0xffffffff\n",
            "    syscalls: socketcall\n    arches: [x86]\n    comment: seen 2 times\n",
        ] {
            #expect(text.contains(expected), "\(expected)")
        }
        // prctl: the workload's PR_SET_NAME and PR_SET_NO_NEW_PRIVS, and the runtime's options.
        #expect(text.contains("syscalls: prctl\n    when: u32(arg0) == PR_SET_PDEATHSIG || u32(arg0) == PR_SET_KEEPCAPS || u32(arg0) == PR_SET_NAME"))
        #expect(try Policy(yaml: policy.yamlText(), file: "numbers.yaml") == policy)

        let filter = try policy.compileFilter()
        let table = SyscallTable.libseccomp
        for (arch, calls) in Self.recorded.calls {
            let watches = SyscallRecording.argumentWatches(on: arch, table: table)
            for nr in calls.keys {
                let name = table.name(of: nr, on: arch)!
                for values in Self.recorded.argumentValues[arch]?[nr].map({ Array($0.keys) }) ?? [[]] {
                    var arguments = [UInt64](repeating: 0, count: 6)
                    for (index, value) in values.enumerated() { arguments[watches[nr]!.arguments[index]] = UInt64(value) }
                    let action = Action(seccompReturnValue: BPFEmulator.run(filter.instructions, on: SeccompData(nr: nr, arch: arch.auditArch, arguments: arguments)))
                    #expect(action == (name == "clone3" ? .errno(38) : .allow), "\(arch) \(name) \(values)")
                }
            }
        }
        let ptrace = SeccompData(nr: table.number(of: "ptrace", on: .x86_64)!, arch: Arch.x86_64.auditArch, arguments: [0, 0, 0, 0, 0, 0])
        #expect(Action(seccompReturnValue: BPFEmulator.run(filter.instructions, on: ptrace)) == .errno(1))
    }

    @Test func report() throws {
        let policy = Self.recorded.policy(options: RecordingOptions(includeBase: false), table: .libseccomp)
        let report = RecordingReport(recording: Self.recorded, policy: policy, comparedWith: nil, table: .libseccomp, constants: .system)
        #expect(report.text == """
            x86_64: 12 syscalls, 971 calls
              read           900
              mmap            40
              socket           7
              mprotect         6
              ioctl            5
              prctl            4
              clone            3
              clone3           2
              personality      1
              pkey_mprotect    1
              socketpair       1
              unshare          1
            x86: 3 syscalls, 13 calls
              mmap2       8
              read        3
              socketcall  2

            Arguments:
              mmap (x86_64): seen 0 (40 times), PROT_EXEC (40 times); every value possible seen: not constrained
              socket (x86_64): seen (AF_UNIX, SOCK_STREAM) (7 times), (AF_INET, SOCK_STREAM) (7 times), (AF_INET, SOCK_DGRAM) (7 times); constrained
              mprotect (x86_64): seen 0 (6 times); constrained
              ioctl (x86_64): seen TCGETS (5 times), TIOCGWINSZ (5 times); constrained
              prctl (x86_64): seen PR_SET_NAME (4 times), PR_SET_NO_NEW_PRIVS (4 times); constrained
              clone (x86_64): seen 0 (3 times); constrained
              clone3 (x86_64): fails with ENOSYS: its flags lie in memory the filter cannot read, so callers fall back to clone, whose flags are checked
              personality (x86_64): seen PER_LINUX32 (1 time), ADDR_NO_RANDOMIZE (1 time), 0xffffffff (1 time); constrained
              pkey_mprotect (x86_64): seen PROT_EXEC (1 time); constrained
              socketpair (x86_64): seen (AF_UNIX, SOCK_SEQPACKET) (1 time); constrained
              unshare (x86_64): seen CLONE_NEWNS | CLONE_NEWUTS (1 time); constrained
              mmap2 (x86): seen PROT_EXEC (8 times); constrained

            Dangerous syscalls the workload used:
              clone3: takes its flags from memory a seccomp filter cannot read, so namespace creation cannot be checked
              personality: can switch off address-space randomisation and select legacy emulation modes
              unshare: creates namespaces; a user namespace opens privileged kernel code to an unprivileged process

            Lost events: 2 (the counts above are complete; only event details were dropped)

            """)
    }

    @Test(.enabled(if: SharedProfiles.directory != nil, "\(SharedProfiles.missingMessage)"))
    func comparedWithMobysDefault() throws {
        let path = try #require(SharedProfiles.path("moby-default.json"))
        let document = try SeccompProfileDocument(contentsOfFile: path)
        let moby = try document.importPolicy(name: "moby", options: SeccompRenderOptions(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 1))).policy
        let policy = Self.recorded.policy(options: RecordingOptions(), table: .libseccomp)
        let report = RecordingReport(recording: Self.recorded, policy: policy, comparedWith: ("moby's default", moby), table: .libseccomp)
        let mine = policy.difference(from: moby, table: .libseccomp, arches: [.x86_64])
        // The recording used nothing else moby denies, and moby allows far more.
        let x86_64 = try #require(mine.arches.first)
        #expect(x86_64.onlyInFirst == ["unshare"])  // moby allows unshare only with CAP_SYS_ADMIN
        #expect(x86_64.onlyInSecond.count > 200)
        #expect(report.text.contains("\nCompared with moby's default:\n  x86_64: allows "))
        #expect(report.text.contains(" fewer\n  x86: allows "))
    }
}
