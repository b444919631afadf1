import Foundation
import Testing
import TestSupport

/// `sysfence run`: the command's status and output pass through; the events go to standard
/// error or a file; failures of sysfence itself exit with 125.
@Suite(.enabled(if: KernelTests.enabled))
struct RunCommandTests {
    static let policy = """
        sysfence: 1
        name: run-fixture
        default: allow
        rules:
          - errno(EACCES): getuid
          - kill-process: getgid
          - log: getppid

        """

    /// A scratch directory holding the fixture policy as `p.yaml`.
    func fixture() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("p.yaml", Self.policy)
        return directory
    }

    @Test("The command's output and exit status pass through; denied and logged calls are reported as text")
    func textEvents() throws {
        let directory = try fixture()
        let program = try TestPrograms.syscalls()
        let result = try runSysfence(["run", "--policy", "p.yaml", "--", program, "102:1,2", "3:999", "110"],
                                     in: directory.url, environment: ["NO_COLOR": "1"])
        #expect(result.status == 0)
        // getppid runs (log): it returns the pid of sysfence, the command's parent.
        let output = result.stdout.split(separator: "\n").map(String.init)
        #expect(output.prefix(2) == ["102 -1 \(EACCES)", "3 -1 \(EBADF)"])
        #expect(output.count == 3 && output[2].hasPrefix("110 ") && output[2].hasSuffix(" 0") && !output[2].hasPrefix("110 -1"))
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(" getuid(1, 2, 0, 0, 0, 0) -> errno(EACCES) at p.yaml:5"))
        #expect(lines[1].hasSuffix(" getppid(0, 0, 0, 0, 0, 0) -> log at p.yaml:7"))
        #expect(lines.allSatisfy { $0.contains(" syscalls[") && !$0.contains("\u{1B}") })
    }

    @Test("A kill is reported plainly, with the call and the rule, and the status is the signal's")
    func kill() throws {
        let directory = try fixture()
        let program = try TestPrograms.syscalls()
        let result = try runSysfence(["run", "--policy", "p.yaml", "--", program, "104:7"], in: directory.url)
        #expect(result.status == 128 + SIGSYS)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasSuffix("sysfence: \(program) was killed by the policy: getgid(7, 0, 0, 0, 0, 0) -> kill-process at p.yaml:6\n"))
    }

    @Test("--format json --events FILE writes JSON lines to the file and nothing to standard error")
    func jsonToFile() throws {
        let directory = try fixture()
        let program = try TestPrograms.syscalls()
        let result = try runSysfence(["run", "--policy", "p.yaml", "--format", "json", "--events", "events.jsonl", "--",
                                      program, "102", "102"], in: directory.url)
        #expect(result == ProcessResult(stdout: "102 -1 \(EACCES)\n102 -1 \(EACCES)\n", stderr: "", status: 0))
        let lines = try String(contentsOf: directory.url.appendingPathComponent("events.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["syscall"] as? String == "getuid")
            #expect(object["action"] as? String == "errno(EACCES)")
        }
    }

    @Test("--audit lets every call run and says what would have happened")
    func audit() throws {
        let directory = try fixture()
        let program = try TestPrograms.syscalls()
        let result = try runSysfence(["run", "--audit", "--policy", "p.yaml", "--", program, "104"], in: directory.url)
        #expect(result.status == 0)
        #expect(result.stdout == "104 \(getgid()) 0\n")
        #expect(result.stderr.contains(" getgid(0, 0, 0, 0, 0, 0) -> would be kill-process (audit) at p.yaml:6"))
    }

    @Test("Exit statuses: the command's own, 127 when not found, 125 for a bad policy")
    func statuses() throws {
        let directory = try fixture()
        // The fixture kills getgid, which the shell makes: a policy that leaves the shell alone.
        try directory.write("quiet.yaml", "sysfence: 1\ndefault: allow\nrules:\n  - errno(EPERM): acct\n")
        #expect(try runSysfence(["run", "--policy", "quiet.yaml", "--", "sh", "-c", "exit 7"], in: directory.url)
                == ProcessResult(stdout: "", stderr: "", status: 7))
        let missing = try runSysfence(["run", "--policy", "p.yaml", "--", "no-such-command-sysfence"], in: directory.url)
        #expect(missing == ProcessResult(stdout: "", stderr: "sysfence: cannot execute no-such-command-sysfence: command not found\n",
                                         status: 127))
        try directory.write("bad.yaml", "sysfence: 1\ndefault: allow\nrules:\n  - errno(EPERM): getuidd\n")
        let bad = try runSysfence(["run", "--policy", "bad.yaml", "--", "true"], in: directory.url)
        #expect(bad.status == 125)
        #expect(bad.stderr.hasPrefix("bad.yaml:4:"))
    }

    @Test("sysfence outlives SIGINT and passes SIGTERM on to the command, whose status it then reports")
    func signals() throws {
        let directory = try fixture()
        try directory.write("quiet.yaml", "sysfence: 1\ndefault: allow\nrules:\n  - errno(EPERM): acct\n")
        let output = directory.url.appendingPathComponent("out")
        try Data().write(to: output)
        let process = Process()
        process.executableURL = TestPaths.sysfenceBinary
        process.currentDirectoryURL = directory.url
        process.arguments = ["run", "--policy", "quiet.yaml", "--", "sh", "-c",
                             "trap 'echo got TERM; exit 3' TERM; echo ready; while :; do sleep 0.05; done"]
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Wait for the command to run (at most 10 s), then signal sysfence alone.
        for _ in 0..<1000 {
            if (try? String(contentsOf: output, encoding: .utf8)) == "ready\n" { break }
            usleep(10_000)
        }
        #expect(try String(contentsOf: output, encoding: .utf8) == "ready\n")
        Glibc.kill(process.processIdentifier, SIGINT)
        Glibc.kill(process.processIdentifier, SIGTERM)
        // sysfence was started by a test thread that blocks most signals: it must unblock what it passes on.
        for _ in 0..<1000 {
            if !process.isRunning { break }
            usleep(10_000)
        }
        try #require(!process.isRunning, "sysfence did not end after SIGTERM")
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 3)
        #expect(try String(contentsOf: output, encoding: .utf8) == "ready\ngot TERM\n")
    }

    @Test("An unknown filter flag is a usage error with a suggestion")
    func unknownFlag() throws {
        let directory = try fixture()
        let result = try runSysfence(["run", "--policy", "p.yaml", "--flags", "tsync,lg", "--", "true"], in: directory.url)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: Unknown filter flag 'lg'; did you mean 'log'?\n"))
    }
}
