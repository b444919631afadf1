import Foundation
import Sysfence
import Testing
import TestSupport

/// `Sandbox.apply`, through the example program that uses it (Examples/SelfSandbox).
@Suite struct SandboxTests {
    /// The example, built with the package beside the test bundle.
    static var example: URL {
        let directory = Bundle.main.executableURL?.deletingLastPathComponent()
            ?? TestPaths.packageRoot.appendingPathComponent(".build/debug")
        return directory.appendingPathComponent("SelfSandboxExample")
    }

    @Test("The example sandboxes itself with the DSL policy: every thread, old and new, is filtered",
          .enabled(if: KernelTests.enabled))
    func exampleWithDSLPolicy() throws {
        let result = try runProgram(Self.example, [])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init).sorted()
        #expect(lines == ["main", "worker 1", "worker 2", "worker 3", "worker 4"].map { "\($0): socket EACCES, execve EPERM" })
    }

    @Test("The example sandboxes itself with a YAML policy file", .enabled(if: KernelTests.enabled))
    func exampleWithYAMLPolicy() throws {
        let directory = try TemporaryDirectory()
        let policy = try directory.write("policy.yaml", """
            sysfence: 1
            name: yaml-sandbox
            default: allow
            rules:
              - errno(EPERM): [socket, socketpair]
              - errno(EACCES): [execve, execveat]
            """)
        let result = try runProgram(Self.example, [policy.path])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.hasSuffix(": socket EPERM, execve EACCES") })
    }

    @Test("A bad policy file is reported with its place, and the program is not sandboxed")
    func exampleWithBadPolicy() throws {
        let directory = try TemporaryDirectory()
        let policy = try directory.write("policy.yaml", """
            sysfence: 1
            default: allow
            rules:
              - errno(EPERM): [sockett]
            """)
        let result = try runProgram(Self.example, [policy.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("policy.yaml:4:"))
        #expect(result.stdout.isEmpty)
    }

    /// This process's `NoNewPrivs` and `Seccomp_filters` lines.
    static func seccompState() throws -> [String] {
        try String(contentsOfFile: "/proc/self/status", encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("NoNewPrivs:") || $0.hasPrefix("Seccomp_filters:") }.map(String.init)
    }

    @Test("A policy with notify is refused before anything is set or installed: nothing would supervise it")
    func notifyRefused() throws {
        let policy = Policy(name: "needs-supervisor", default: .allow) {
            Rule(.notify, "getpgrp")
        }
        let before = try Self.seccompState()
        #expect(throws: DiagnosticsError.self) { try Sandbox.apply(policy) }
        #expect(try Self.seccompState() == before)
        #expect(before.count == 2)
    }

    @Test("A DSL policy naming an unknown syscall is refused at the line that wrote the rule")
    func unknownSyscallRefused() throws {
        let policy = Policy(default: .allow) {
            Rule(.errno(EPERM), "opne")
        }
        let line = #line - 2
        let before = try Self.seccompState()
        let error = try #require(throws: DiagnosticsError.self) { try Sandbox.apply(policy) }
        #expect(error.diagnostics.first?.location?.line == line)
        #expect(try Self.seccompState() == before)
    }
}
