import SysfenceCore
import Testing

/// The pieces of a supervised run that need no kernel: filter flags, thread status, events.
struct SupervisionModelTests {
    @Test("--flags lists: known names, empty, and a misspelling with a suggestion")
    func filterFlags() throws {
        #expect(try FilterFlag.parseList("tsync,log,spec-allow") == [.threadSync, .log, .speculationAllowed])
        #expect(try FilterFlag.parseList("") == [])
        #expect(try FilterFlag.parseList(" log , tsync") == [.log, .threadSync])
        let error = try #require(throws: DiagnosticsError.self) { try FilterFlag.parseList("tsync,spec_allow") }
        #expect(error.description == "error: unknown filter flag 'spec_allow'; did you mean 'spec-allow'?")
        let other = try #require(throws: DiagnosticsError.self) { try FilterFlag.parseList("frobnicate") }
        #expect(other.description == "error: unknown filter flag 'frobnicate' (known: tsync, log, spec-allow)")
    }

    static let status = """
        Name:\tmy worker
        Umask:\t0022
        State:\tS (sleeping)
        Tgid:\t4242
        Pid:\t4243
        SigQ:\t0/63405
        SigPnd:\t0000000000000000
        SigBlk:\t0000000040000000
        SigIgn:\t0000000000001000
        SigCgt:\t0000000000000002

        """

    @Test("A /proc status gives name, process and signal masks")
    func threadStatus() throws {
        let status = try #require(ThreadStatus(procStatus: Array(Self.status.utf8)))
        #expect(status == ThreadStatus(name: "my worker", processID: 4242, blockedSignals: 0x4000_0000,
                                       ignoredSignals: 0x1000, caughtSignals: 2))
        #expect(status.blocksOrIgnores(31))  // SIGSYS blocked
        #expect(!status.takesDefaultAction(31))
        #expect(status.blocksOrIgnores(13))  // SIGPIPE ignored
        #expect(!status.blocksOrIgnores(2) && !status.takesDefaultAction(2))  // SIGINT caught
        #expect(status.takesDefaultAction(15))
        #expect(ThreadStatus(procStatus: Array("Name:\tx\n".utf8)) == nil)
    }

    @Test("An event names the ABI, the syscall and what decided: a rule, the default, or the bad-arch action")
    func eventOrigins() {
        let table = SyscallTable([.x86_64: ["getuid": 102, "openat": 257], .x32: ["getuid": Arch.x32SyscallBit | 102]])
        let policy = Policy(defaultAction: .errno(1), arches: [.x86_64], rules: [
            Rule(action: .errno(13), syscalls: [.name("getuid")],
                 source: RuleSource(rule: SourceLocation(file: "p.yaml", line: 4, column: 3))),
        ])
        let decisions = DecisionProgram(policy: policy, table: table)
        func event(_ nr: UInt32, _ arch: Arch) -> ViolationEvent {
            ViolationEvent(time: 0, processID: 1, threadID: 1, command: "t",
                           call: SeccompData(nr: nr, arch: arch.auditArch), policy: policy, decisions: decisions,
                           table: table, mode: .enforce)
        }
        let ruled = event(102, .x86_64)
        #expect(ruled.syscallName == "getuid" && ruled.action == .errno(13) && ruled.arch == .x86_64)
        #expect(ruled.origin == .rule(index: 0, location: SourceLocation(file: "p.yaml", line: 4, column: 3)))
        let defaulted = event(257, .x86_64)
        #expect(defaulted.origin == .defaultAction && defaulted.action == .errno(1) && defaulted.syscallName == "openat")
        let x32 = event(Arch.x32SyscallBit | 102, .x32)
        #expect(x32.origin == .badArch && x32.action == .killProcess && x32.arch == .x32 && x32.syscallName == "getuid")
    }
}
