import Foundation
import Sysfence
import Testing
import TestSupport

/// `sysfence check`: summaries on standard output, problems on standard error, the exit status.
struct CheckCommandTests {
    static let goodPolicy = """
        sysfence: 1
        name: fixture
        description: a policy for the check tests
        default: errno(EPERM)
        arches: [x86_64, x86]
        bad-arch: kill-thread
        rules:
          - allow: [read, write, close]
          - allow: socket
            when: arg0 in [AF_UNIX, AF_INET]
          - errno(ENOSYS): clone3
          - kill-process: [ptrace, read]
          - action: allow
            syscalls: [ioctl, arch_prctl]
            arches: [x86_64]

        """

    // Rules name read, write, close, socket, clone3, ptrace (read twice) on both arches, and
    // ioctl and arch_prctl on x86_64 only.
    static let goodSummary = """
        good.yaml: ok
          name:            fixture
          rules:           5
          default action:  errno(EPERM)
          bad-arch action: kill-thread
          syscalls named:  8 on x86_64, 6 on x86

        """

    static let brokenPolicy = """
        sysfence: 1
        default: errno(EPERM)
        rules:
          - allow: [reed]

        """

    @Test("a valid policy is summarised on standard output")
    func validPolicy() throws {
        let directory = try TemporaryDirectory()
        try directory.write("good.yaml", Self.goodPolicy)
        let result = try runSysfence(["check", "good.yaml"], in: directory.url)
        #expect(result == ProcessResult(stdout: Self.goodSummary, stderr: "", status: 0))
    }

    @Test("a policy without a name or arches: native arch, kill-process for other arches")
    func defaults() throws {
        let directory = try TemporaryDirectory()
        try directory.write("plain.yaml", "sysfence: 1\ndefault: allow\nrules:\n  - kill-process: [ptrace]\n")
        let result = try runSysfence(["check", "plain.yaml"], in: directory.url)
        let expected = """
            plain.yaml: ok
              name:            (none)
              rules:           1
              default action:  allow
              bad-arch action: kill-process
              syscalls named:  1 on \(Arch.native)

            """
        #expect(result == ProcessResult(stdout: expected, stderr: "", status: 0))
    }

    @Test("every problem of a broken policy is printed as file:line:column: error: message")
    func brokenPolicy() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("broken.yaml", Self.brokenPolicy).path
        let result = try runSysfence(["check", path])

        let error = try #require(throws: DiagnosticsError.self) { try Policy(contentsOfFile: path) }
        let expected = error.diagnostics.map { "\($0)\n" }.joined()
        #expect(result == ProcessResult(stdout: "", stderr: expected, status: 1))
        #expect(result.stderr.hasPrefix("\(path):4:13: error: "))
    }

    @Test("files that cannot be read are reported by path, and the others are still checked")
    func unreadableFiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write("good.yaml", Self.goodPolicy)
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("policies.d"),
                                                withIntermediateDirectories: false)
        let result = try runSysfence(["check", "missing.yaml", "policies.d", "good.yaml"], in: directory.url)
        let stderr = """
            missing.yaml: error: no such file or directory
            policies.d: error: is a directory

            """
        #expect(result == ProcessResult(stdout: Self.goodSummary, stderr: stderr, status: 1))
    }

    @Test("after --, a file whose name starts with a dash is checked")
    func dashedFileName() throws {
        let directory = try TemporaryDirectory()
        try directory.write("-good.yaml", Self.goodPolicy)
        let result = try runSysfence(["check", "--", "-good.yaml"], in: directory.url)
        let expected = Self.goodSummary.replacingOccurrences(of: "good.yaml:", with: "-good.yaml:")
        #expect(result == ProcessResult(stdout: expected, stderr: "", status: 0))
    }

    @Test("output has no colour when it is not a terminal, whatever NO_COLOR says")
    func noColourInPipes() throws {
        let directory = try TemporaryDirectory()
        try directory.write("good.yaml", Self.goodPolicy)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        environment["TERM"] = "xterm-256color"
        let result = try runSysfence(["check", "good.yaml", "missing.yaml"], in: directory.url, environment: environment)
        #expect(!result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{1B}"))
        #expect(result.status == 1)
    }
}
