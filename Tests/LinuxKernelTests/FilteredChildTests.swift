import Foundation
import LinuxKernel
import Sysfence
import Testing
import TestSupport

/// The filtered child and the listener, against the kernel.
@Suite(.enabled(if: KernelTests.enabled))
struct FilteredChildTests {
    /// getuid fails with EACCES; getppid is handed to a supervisor; everything else runs.
    let policy = Policy(defaultAction: .allow, rules: [
        Rule(action: .errno(13), syscalls: [.name("getuid")]),
        Rule(action: .notify, syscalls: [.name("getppid")]),
    ])
    /// Lets a shell run: only a call no shell makes is denied.
    let shellPolicy = Policy(defaultAction: .allow, rules: [Rule(action: .errno(1), syscalls: [.name("acct")])])

    func start(_ steps: [String], flags: SeccompFilterFlags, output: String) throws -> FilteredChild {
        let program = try TestPrograms.syscalls()
        let filter = try policy.compileFilter(table: .libseccomp)
        return try FilteredChild(path: program, arguments: [program, "-o", output] + steps, environment: [],
                                 filter: filter.instructions, flags: flags)
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("The program starts with no signal blocked, whatever the starting thread blocks")
    func signalMaskCleared() throws {
        let output = try TestPrograms.scratchFile("mask")
        let child = try FilteredChild(path: "/bin/sh", arguments: ["sh", "-c", "grep SigBlk /proc/self/status > \(output)"],
                                      environment: [], filter: shellPolicy.compileFilter(table: .libseccomp).instructions,
                                      flags: [])
        #expect(try child.wait() == .exited(0))
        #expect(try lines(output) == ["SigBlk:\t0000000000000000"])
    }

    @Test("A plain filter fails a call with its errno and lets the others run")
    func plainFilterErrno() throws {
        let output = try TestPrograms.scratchFile("plain")
        let child = try start(["102:7", "39"], flags: [.threadSync], output: output)
        #expect(child.listener == nil)
        #expect(try child.wait() == .exited(0))
        let result = try lines(output)
        #expect(result.first == "102 -1 13")
        #expect(result.last == "39 \(child.pid) 0")
    }

    @Test("The listener receives the call with its number, arguments and thread, and the answer is what the program sees")
    func listenerAnswers() throws {
        let output = try TestPrograms.scratchFile("listener")
        let child = try start(["110:1,2,3,4,5,6", "110"], flags: [.newListener, .waitKillableReceive], output: output)
        let listener = try #require(child.listener)

        let first = try #require(try listener.receive())
        #expect(first.threadID == child.pid)
        #expect(first.data.nr == 110)
        #expect(first.data.arch == Arch.native.auditArch)
        #expect(first.data.arguments == [1, 2, 3, 4, 5, 6])
        #expect(listener.isWaiting(first.id))
        #expect(try listener.answer(first.id, errno: 0, value: 4242))
        #expect(!listener.isWaiting(first.id))

        let second = try #require(try listener.receive())
        #expect(try listener.letContinue(second.id))
        #expect(try child.wait() == .exited(0))
        #expect(try lines(output) == ["110 4242 0", "110 \(getpid()) 0"])
    }

    @Test("A filter the kernel refuses stops the child before it runs anything")
    func refusedFilter() throws {
        let program = try TestPrograms.syscalls()
        let output = try TestPrograms.scratchFile("refused")
        // A jump past the end of the program: the kernel's checker refuses it with EINVAL.
        let broken = [BPFInstruction(code: BPFOpcode.jmp | BPFOpcode.ja, k: 5), BPFInstruction(code: BPFOpcode.ret, k: 0x7FFF_0000)]
        #expect(throws: ChildStartError(step: .filter, errno: EINVAL)) {
            _ = try FilteredChild(path: program, arguments: [program, "-o", output, "39"], environment: [],
                                  filter: broken, flags: [])
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("A program that cannot be executed is reported with execve's errno")
    func execFailure() throws {
        let child = try FilteredChild(path: "/nonexistent/program", arguments: ["program"], environment: [],
                                      filter: policy.compileFilter(table: .libseccomp).instructions, flags: [])
        #expect(try child.wait() == .exited(127))
        #expect(child.execError == SystemCallError("execve", errno: ENOENT))
    }

    @Test("The program does not inherit the listener")
    func listenerNotInherited() throws {
        let output = try TestPrograms.scratchFile("fds")
        let child = try FilteredChild(path: "/bin/sh", arguments: ["sh", "-c", "ls /proc/self/fd > \(output)"], environment: [],
                                      filter: shellPolicy.compileFilter(table: .libseccomp).instructions,
                                      flags: [.newListener, .waitKillableReceive])
        #expect(try child.wait() == .exited(0))
        // Descriptors this process opened without O_CLOEXEC are inherited, as after any fork and
        // exec; the listener, the pidfd and the shared page are not.
        let descriptors = try lines(output).compactMap { Int32($0) }
        let listener = try #require(child.listener).descriptor.rawValue
        #expect(!descriptors.contains(listener))
        #expect(!descriptors.contains(child.descriptor))
    }

    @Test("A trap's SIGSYS queued by the supervisor carries the kernel's seccomp fields")
    func queuedTrap() throws {
        let output = try TestPrograms.scratchFile("trap")
        let child = try start(["--handler", "110:9"], flags: [.newListener, .waitKillableReceive], output: output)
        let listener = try #require(child.listener)
        let call = try #require(try listener.receive())
        #expect(try Signals.queueSeccompTrap(process: child.pid, thread: call.threadID, call: call.data, errno: 3))
        #expect(try listener.answer(call.id, errno: 0, value: 110))
        #expect(try child.wait() == .exited(0))
        // SI_QUEUE (-1) rather than SYS_SECCOMP: the one field another process cannot set.
        #expect(try lines(output) == ["sigsys -1 3 110 0x\(String(Arch.native.auditArch, radix: 16)) 1 110", "110 110 0"])
    }
}
