import Foundation
import LinuxKernel
import Sysfence
import Testing
import TestSupport

/// x86_64 numbers, as the test program takes them.
private enum NR {
    static let getuid = "102", getgid = "104", geteuid = "107", getegid = "108", getppid = "110"
    static let getpgrp = "111", getsid = "124", schedYield = "24", closeBadDescriptor = "3:999"
}

/// Each action under the supervisor against the same action carried out by the kernel alone:
/// the program must see the same, except where docs/enforcer.md says the kernel makes it differ.
@Suite(.enabled(if: KernelTests.enabled))
struct ActionParityTests {
    let policy = Policy(defaultAction: .allow, rules: [
        rule(.errno(UInt16(EACCES)), ["getuid"], line: 3),
        rule(.killProcess, ["getgid"], line: 4),
        rule(.trap, ["geteuid"], line: 5),
        rule(.killThread, ["getegid"], line: 6),
        rule(.log, ["getppid"], line: 7),
        rule(.notify, ["getpgrp"], line: 8),
        rule(.trace(5), ["getsid"], line: 9),
        rule(.errno(0), ["sched_yield"], line: 10),
    ])

    /// Runs `arguments` both ways and expects the same.
    func expectSame(_ arguments: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> SupervisedRun {
        let kernel = try SyscallsProgram.underKernel(policy, arguments)
        let supervised = try SyscallsProgram.supervised(policy, arguments)
        #expect(supervised.observed == kernel, sourceLocation: sourceLocation)
        return supervised
    }

    @Test("errno fails the call with the policy's errno; errno(0) returns 0 without running it")
    func errno() throws {
        let run = try expectSame(["\(NR.getuid):1,2", "\(NR.schedYield)", NR.closeBadDescriptor])
        #expect(run.observed.lines == ["102 -1 \(EACCES)", "24 0 0", "3 -1 \(EBADF)"])
        #expect(run.events.map(\.action) == [.errno(UInt16(EACCES)), .errno(0)])
    }

    @Test("kill-process ends the process by SIGSYS before the call runs")
    func killProcess() throws {
        let run = try expectSame([NR.closeBadDescriptor, NR.getgid, NR.closeBadDescriptor])
        #expect(run.observed == Observed(lines: ["3 -1 \(EBADF)"], termination: .signaled(SIGSYS, coreDumped: false)))
        #expect(run.killedBy?.syscallName == "getgid")
        #expect(run.killedBy?.origin == .rule(index: 1, location: SourceLocation(file: "test.yaml", line: 4, column: 3)))
    }

    @Test("kill-thread in a single-threaded process ends it by SIGSYS")
    func killThread() throws {
        let run = try expectSame([NR.getegid, NR.closeBadDescriptor])
        #expect(run.observed == Observed(lines: [], termination: .signaled(SIGSYS, coreDumped: false)))
        #expect(run.killedBy?.action == .killThread)
    }

    @Test("trap without a handler ends the process by SIGSYS")
    func trapUnhandled() throws {
        let run = try expectSame([NR.geteuid, NR.closeBadDescriptor])
        #expect(run.observed.termination == .signaled(SIGSYS, coreDumped: false))
    }

    @Test("trap runs the SIGSYS handler with the kernel's fields and registers; only si_code differs")
    func trapHandled() throws {
        let kernel = try SyscallsProgram.underKernel(policy, ["--handler", "\(NR.geteuid):5"])
        let supervised = try SyscallsProgram.supervised(policy, ["--handler", "\(NR.geteuid):5"])
        let arch = "0x" + String(Arch.native.auditArch, radix: 16)
        // SYS_SECCOMP (1) from the kernel, SI_QUEUE (-1) from the supervisor; the rest is identical,
        // the return register included (x86 rolls it back to the syscall number).
        #expect(kernel == Observed(lines: ["sigsys 1 0 107 \(arch) 1 107", "107 107 0"], termination: .exited(0)))
        #expect(supervised.observed == Observed(lines: ["sigsys -1 0 107 \(arch) 1 107", "107 107 0"], termination: .exited(0)))
        #expect(supervised.killedBy == nil)
    }

    @Test("trap with SIGSYS blocked: the kernel forces SIGSYS, the supervisor ends the process by SIGKILL")
    func trapBlocked() throws {
        let kernel = try SyscallsProgram.underKernel(policy, ["--block-sigsys", NR.geteuid, NR.closeBadDescriptor])
        let supervised = try SyscallsProgram.supervised(policy, ["--block-sigsys", NR.geteuid, NR.closeBadDescriptor])
        #expect(kernel == Observed(lines: [], termination: .signaled(SIGSYS, coreDumped: false)))
        #expect(supervised.observed == Observed(lines: [], termination: .signaled(SIGKILL, coreDumped: false)))
        #expect(supervised.killedBy?.action == .trap)
    }

    @Test("kill with a SIGSYS handler: the kernel ignores the handler, the supervisor ends the process by SIGKILL")
    func killHandled() throws {
        let kernel = try SyscallsProgram.underKernel(policy, ["--handler", NR.getgid, NR.closeBadDescriptor])
        let supervised = try SyscallsProgram.supervised(policy, ["--handler", NR.getgid, NR.closeBadDescriptor])
        #expect(kernel == Observed(lines: [], termination: .signaled(SIGSYS, coreDumped: false)))
        #expect(supervised.observed == Observed(lines: [], termination: .signaled(SIGKILL, coreDumped: false)))
        #expect(supervised.killedBy?.action == .killProcess)
    }

    @Test("kill-thread with other threads: the kernel ends the thread, the supervisor the whole process")
    func killThreadMultithreaded() throws {
        let kernel = try SyscallsProgram.underKernel(policy, ["--threads", "2", NR.getegid])
        let supervised = try SyscallsProgram.supervised(policy, ["--threads", "2", NR.getegid])
        #expect(kernel == Observed(lines: [], termination: .exited(0)))
        #expect(supervised.observed == Observed(lines: [], termination: .signaled(SIGSYS, coreDumped: false)))
    }

    @Test("log lets the call run and reports it")
    func log() throws {
        let run = try expectSame([NR.getppid])
        #expect(run.observed.lines == ["110 \(getpid()) 0"])
        #expect(run.events.map(\.action) == [.log])
    }

    @Test("trace fails with ENOSYS, as the kernel does when no tracer is attached")
    func trace() throws {
        let run = try expectSame([NR.getsid])
        #expect(run.observed.lines == ["124 -1 \(ENOSYS)"])
        #expect(run.events.map(\.action) == [.trace(5)])
    }

    @Test("notify reaches the supervisor, which reports the call and lets it run")
    func notify() throws {
        let run = try SyscallsProgram.supervised(policy, [NR.getpgrp])
        #expect(run.observed == Observed(lines: ["111 \(getpgrp()) 0"], termination: .exited(0)))
        #expect(run.events.map(\.action) == [.notify])
        #expect(run.events.first?.syscallName == "getpgrp")
        // Without a supervisor the kernel fails a notify call with ENOSYS.
        #expect(try SyscallsProgram.underKernel(policy, [NR.getpgrp]).lines == ["111 -1 \(ENOSYS)"])
    }

    @Test("audit mode lets every call run and reports what enforcement would have done")
    func audit() throws {
        let run = try SyscallsProgram.supervised(policy, [NR.getuid, NR.getgid, NR.geteuid, NR.getsid],
                                                 mode: .audit)
        #expect(run.observed == Observed(lines: ["102 \(getuid()) 0", "104 \(getgid()) 0", "107 \(geteuid()) 0",
                                                 "124 \(getsid(0)) 0"], termination: .exited(0)))
        #expect(run.events.map(\.action) == [.errno(UInt16(EACCES)), .killProcess, .trap, .trace(5)])
        #expect(run.events.allSatisfy { $0.mode == .audit })
        #expect(run.killedBy == nil)
    }
}
