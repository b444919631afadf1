import Foundation
import Sysfence
import Testing
import TestSupport

/// `sysfence merge` and `sysfence diff`, run as a user runs them.
@Suite struct RecordingCommandTests {
    static let first = """
        sysfence: 1
        name: web
        default: errno(EPERM)
        arches: [x86_64]
        rules:
          - action: allow
            syscalls: read
            comment: seen 40 times
          - action: allow
            syscalls: socket
            when: u32(arg0) == AF_INET && (u32(arg1) & 0xf) == SOCK_STREAM
            comment: seen 2 times
          - allow: mount

        """
    static let second = """
        sysfence: 1
        default: errno(EPERM)
        arches: [x86_64]
        rules:
          - action: allow
            syscalls: read
            comment: seen 2 times
          - action: allow
            syscalls: socket
            when: u32(arg0) == AF_UNIX
            comment: seen 1 time
          - action: errno(ENOSYS)
            syscalls: clone3
            comment: seen 1 time

        """

    static let mergeFooter = "Usage: sysfence merge [--output <file>] [--format <format>] [--name <name>] <policy> ...\n  See 'sysfence merge --help' for more information.\n"
    static let diffFooter = "Usage: sysfence diff [--arch <arch>] [--format <format>] <first> <second>\n  See 'sysfence diff --help' for more information.\n"

    @Test func mergeWritesTheUnion() throws {
        let scratch = try TemporaryDirectory()
        let a = try scratch.write("a.yaml", Self.first), b = try scratch.write("b.yaml", Self.second)
        let result = try runSysfence(["merge", a.path, b.path])
        #expect(result == ProcessResult(stdout: """
            # Merged by sysfence \(sysfenceVersion) from a.yaml, b.yaml.
            sysfence: 1
            name: web
            default: errno(EPERM)
            arches: [x86_64]
            bad-arch: kill-process
            rules:
              - action: allow
                syscalls: read
                comment: seen 42 times
              - action: allow
                syscalls: socket
                when: (u32(arg0) == AF_INET && (u32(arg1) & 0xf) == SOCK_STREAM) || u32(arg0) == AF_UNIX
                comment: seen 3 times
              - allow: mount
              - action: errno(ENOSYS)
                syscalls: clone3
                comment: seen 1 time

            """, stderr: "", status: 0))
        // The result is a policy sysfence reads and compiles.
        let merged = scratch.url.appendingPathComponent("merged.yaml").path
        #expect(try runSysfence(["merge", a.path, b.path, "-o", merged]).status == 0)
        #expect(try runSysfence(["check", merged]).status == 0)
        let oci = try runSysfence(["merge", a.path, b.path, "--format", "oci"])
        #expect(oci.status == 0, "\(oci)")
        #expect(oci.stdout.hasPrefix("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"))
    }

    @Test func mergeRefusesADenyList() throws {
        let scratch = try TemporaryDirectory()
        let a = try scratch.write("a.yaml", Self.first)
        let deny = try scratch.write("deny.yaml", "sysfence: 1\ndefault: allow\narches: [x86_64]\nrules:\n  - errno(EPERM): ptrace\n")
        let result = try runSysfence(["merge", a.path, deny.path])
        #expect(result == ProcessResult(stdout: "", stderr: """
            error: \(deny.path): default action allow lets calls run; merge takes allow-list policies
            \(deny.path):5:5: error: rule 1 (ptrace): action errno(1) is neither allow nor errno(38) for clone3; merge takes allow-list policies

            """, status: 1))
    }

    @Test func diffExitStatusAndOutput() throws {
        let scratch = try TemporaryDirectory()
        let a = try scratch.write("a.yaml", Self.first)
        _ = try scratch.write("b.yaml", Self.second)
        let result = try runSysfence(["diff", "a.yaml", "b.yaml"], in: scratch.url)
        #expect(result == ProcessResult(stdout: """
            x86_64:
              only a.yaml allows (1): mount
              socket: each allows argument values the other denies (e.g. a.yaml only: (2, 1, 0, 0, 0, 0); b.yaml only: (1, 0, 0, 0, 0, 0))

            """, stderr: "", status: 1))
        #expect(try runSysfence(["diff", a.path, a.path]) == ProcessResult(stdout: "", stderr: "", status: 0))
        let json = try runSysfence(["diff", "a.yaml", "b.yaml", "--format", "json"], in: scratch.url)
        #expect(json.status == 1)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(decoded?["equal"] as? Bool == false)
        #expect(try runSysfence(["diff", "a.yaml", "b.yaml", "--arch", "aarch64"], in: scratch.url) == ProcessResult(stdout: "", stderr: "", status: 0))
        let missing = try runSysfence(["diff", a.path, "nope.yaml"], in: scratch.url)
        #expect(missing == ProcessResult(stdout: "", stderr: "nope.yaml: error: no such file or directory\n", status: 2))
    }

    @Test(.enabled(if: SharedProfiles.directory != nil, "\(SharedProfiles.missingMessage)"))
    func diffAgainstMobysDefaultShowsTheSurfaceRemoved() throws {
        let scratch = try TemporaryDirectory()
        let a = try scratch.write("a.yaml", Self.first)
        let moby = try #require(SharedProfiles.path("moby-default.json"))
        let result = try runSysfence(["diff", a.path, moby, "--arch", "x86_64"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("x86_64:\n  only \(a.path) allows (1): mount\n  only \(moby) allows ("))
        #expect(result.stdout.contains("  socket: \(moby) allows more argument values"))
    }

    @Test("usage errors", arguments: [
        (["merge", "a.yaml"], "Error: Give at least two policies to merge\n" + mergeFooter),
        (["merge", "a.yaml", "b.yaml", "--format", "json"], "Error: Invalid value 'json' for '--format': expected yaml, oci, k8s\n" + mergeFooter),
        (["diff", "a.yaml"], "Error: Missing expected argument '<second>'\n" + diffFooter),
        (["diff", "a.yaml", "b.yaml", "--arch", "vax"], "Error: Unknown arch 'vax'; expected one of x86_64, x86, x32, aarch64, arm, riscv64, ppc64le, s390x\n" + diffFooter),
        (["diff", "a.yaml", "b.yaml", "--format", "sarif"], "Error: Invalid value 'sarif' for '--format': expected text, json\n" + diffFooter),
    ])
    func usageError(arguments: [String], stderr: String) throws {
        #expect(try runSysfence(arguments) == ProcessResult(stdout: "", stderr: stderr, status: 64))
    }
}
