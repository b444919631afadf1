import Foundation
import LinuxKernel
import Sysfence
import Testing
import TestSupport

/// The violation stream of supervised runs.
@Suite(.enabled(if: KernelTests.enabled))
struct ViolationStreamTests {
    let policy = Policy(defaultAction: .allow, rules: [
        rule(.errno(UInt16(EACCES)), ["getuid"], line: 3),
        rule(.errno(UInt16(EPERM)), ["getgid", "setuid"], line: 4),
    ])

    @Test("Every denied call is reported, in order, with its name, arguments and rule; allowed calls are not")
    func denialsInOrder() throws {
        let run = try SyscallsProgram.supervised(policy, ["39", "102:1,2,3", "3:999", "104:7", "102:0x7fff0000ffff,5", "105:4", "39"])
        #expect(run.observed.termination == .exited(0))
        #expect(run.events.map { $0.syscallName ?? "?" } == ["getuid", "getgid", "getuid", "setuid"])
        #expect(run.events.map(\.call.arguments) == [[1, 2, 3, 0, 0, 0], [7, 0, 0, 0, 0, 0],
                                                     [0x7fff_0000_ffff, 5, 0, 0, 0, 0], [4, 0, 0, 0, 0, 0]])
        #expect(run.events.map(\.action) == [.errno(13), .errno(1), .errno(13), .errno(1)])
        #expect(run.events.map(\.origin) == [3, 4, 3, 4].map {
            .rule(index: $0 - 3, location: SourceLocation(file: "test.yaml", line: $0, column: 3))
        })
        let pid = try #require(run.events.first?.processID)
        #expect(run.events.allSatisfy { $0.processID == pid && $0.threadID == pid && $0.command == "syscalls" })
        #expect(run.events.allSatisfy { $0.arch == .native && $0.mode == .enforce })
        #expect(zip(run.events, run.events.dropFirst()).allSatisfy { $0.time <= $1.time })
    }

    @Test("100,000 allowed and 10,000 denied calls: no event lost, in order, and the program completes")
    func manyCalls() throws {
        let run = try SyscallsProgram.supervised(policy, ["--loop", "39,100000,102,10000"])
        #expect(run.observed == Observed(lines: ["done 100000 10000"], termination: .exited(0)))
        #expect(run.events.count == 10_000)
        #expect(run.events.map { $0.call.arguments[0] } == (0..<10_000).map(UInt64.init))
        #expect(run.events.allSatisfy { $0.syscallName == "getuid" })
    }

    @Test("The calls of every thread are filtered and reported with their thread id")
    func threads() throws {
        let run = try SyscallsProgram.supervised(policy, ["--threads", "4", "102:1", "39"])
        #expect(run.observed.termination == .exited(0))
        #expect(run.observed.lines.filter { $0.hasSuffix("102 -1 \(EACCES)") }.count == 4)
        #expect(run.events.count == 4)
        let pid = try #require(run.events.first?.processID)
        #expect(Set(run.events.map(\.threadID)).count == 4)
        #expect(run.events.allSatisfy { $0.processID == pid && $0.threadID != pid })
    }

    @Test("An execve the policy denies is reported, and the command is reported as not executed")
    func deniedExec() throws {
        var noExec = policy
        noExec.rules.append(rule(.errno(UInt16(EPERM)), ["execve"], line: 5))
        var events: [ViolationEvent] = []
        let outcome = try Enforcer.run(["/bin/true"], policy: noExec, options: RunOptions(environment: [:])) { events.append($0) }
        #expect(outcome == .notExecuted(ExecFailure(command: "/bin/true", errnoName: "EPERM", message: String(cString: strerror(EPERM)))))
        #expect(events.map(\.syscallName) == ["execve"])
    }

    @Test("A command not found in PATH is reported as such and nothing runs")
    func notFound() throws {
        var events: [ViolationEvent] = []
        let outcome = try Enforcer.run(["no-such-command-sysfence"], policy: policy,
                                       options: RunOptions(environment: ["PATH": "/usr/bin:/bin"])) { events.append($0) }
        guard case .notExecuted(let failure) = outcome else {
            Issue.record("ran: \(outcome)")
            return
        }
        #expect(failure.isNotFound)
        #expect(events.isEmpty)
    }

    @Test("The command is found in the PATH of its environment and gets its arguments and environment")
    func pathAndEnvironment() throws {
        let output = try TestPrograms.scratchFile("env")
        let outcome = try Enforcer.run(["sh", "-c", "echo \"$1 $GREETING\" > \(output)", "sh", "world"], policy: policy,
                                       options: RunOptions(environment: ["PATH": "/nonexistent:/bin", "GREETING": "hello"])) { _ in }
        #expect(outcome == .finished(.exited(0), killedBy: nil))
        #expect(SyscallsProgram.lines(output) == ["world hello"])
    }

    @Test("The strings a call's path arguments point to are reported with it")
    func pathArguments() throws {
        let logged = Policy(defaultAction: .allow, rules: [rule(.log, ["openat", "execve"], line: 3)])
        var events: [ViolationEvent] = []
        let outcome = try Enforcer.run(["/bin/cat", "/etc/hostname"], policy: logged,
                                       options: RunOptions(environment: [:])) { events.append($0) }
        #expect(outcome == .finished(.exited(0), killedBy: nil))
        #expect(events.first?.syscallName == "execve")
        #expect(events.first?.strings == [0: "/bin/cat"])
        #expect(events.contains { $0.syscallName == "openat" && $0.strings == [1: "/etc/hostname"] })
    }

    @Test("JSON lines name every field of an event")
    func jsonStream() throws {
        let path = try TestPrograms.scratchFile("events")
        let writer = try EventWriter(path: path, format: .json)
        let program = try TestPrograms.syscalls()
        let outcome = try Enforcer.run([program, "-o", "/dev/null", "102:1,2"], policy: policy,
                                       options: RunOptions(environment: [:]), onEvent: writer.write)
        #expect(outcome == .finished(.exited(0), killedBy: nil))
        #expect(writer.failure == nil)
        let lines = SyscallsProgram.lines(path)
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["syscall"] as? String == "getuid")
        #expect(object["nr"] as? Int == 102)
        #expect(object["args"] as? [Int] == [1, 2, 0, 0, 0, 0])
        #expect(object["action"] as? String == "errno(EACCES)")
        #expect(object["comm"] as? String == "syscalls")
        #expect(object["enforced"] as? Bool == true)
        #expect(object["decided_by"] as? String == "rule")
        let rule = try #require(object["rule"] as? [String: Any])
        #expect(rule["file"] as? String == "test.yaml")
        #expect(rule["line"] as? Int == 3)
        #expect(object["pid"] as? Int == object["tid"] as? Int)
    }
}
