import Foundation
import Sysfence
import Testing
import TestSupport

/// What cannot be installed is refused with a clear error, before anything runs.
@Suite struct RefusalTests {
    @Test("A filter longer than the kernel accepts is refused, and the command does not run")
    func filterTooLong() throws {
        // 300 syscalls, each denied only for one 64-bit value of every argument: some 24
        // instructions each, far more than 4,096 in all.
        let names = SyscallTable.libseccomp.syscalls(on: .native).prefix(300).map(\.name)
        let policy = Policy(defaultAction: .allow, rules: names.enumerated().map { index, name in
            let terms = (0..<6).map { argument in
                Condition.comparison(Comparison(argument: argument, op: .equal, value: UInt64(index + 1) << 40 | UInt64(argument)))
            }
            return Rule(action: .errno(1), syscalls: [.name(name)], condition: .and(terms))
        })
        let marker = try TestPrograms.scratchFile("ran")
        var events = 0
        let error = try #require(throws: DiagnosticsError.self) {
            _ = try Enforcer.run(["/usr/bin/touch", marker], policy: policy) { _ in events += 1 }
        }
        #expect(error.description.contains("the kernel accepts at most 4096"))
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(events == 0)
    }

    @Test("A supervised run inside another is refused by the kernel with a plain message, exit 125",
          .enabled(if: KernelTests.enabled))
    func nested() throws {
        let directory = try TemporaryDirectory()
        try directory.write("p.yaml", "sysfence: 1\ndefault: allow\nrules:\n  - errno(EPERM): acct\n")
        let sysfence = TestPaths.sysfenceBinary.path
        let result = try runSysfence(["run", "--policy", "p.yaml", "--", sysfence, "run", "--policy", "p.yaml", "--", "true"],
                                     in: directory.url)
        #expect(result.status == 125)
        #expect(result.stderr == "error: the kernel refused the filter: this process already runs under a filter with a supervisor, and the kernel allows one per chain: a supervised run cannot be nested in another\n")
    }
}
