import Foundation
import Testing
import TestSupport

/// `sysfence lint`: the formats, the exit status for each `--fail-on`, the baseline, usage errors.
struct LintCommandTests {
    static let startup = """
          - allow: [execve, brk, mmap, munmap, mprotect, arch_prctl, set_tid_address, read, write, close,
                    rt_sigreturn, exit, exit_group]
        """

    static let clean = "sysfence: 1\ndefault: errno(ENOSYS)\narches: [x86_64]\nrules:\n\(startup)\n"
    /// One warning: ptrace allowed.
    static let warning = clean + "  - allow: ptrace\n"
    /// One error: a misspelt syscall.
    static let error = clean + "  - allow: getpdi\n"

    static let help = """
        OVERVIEW: Find weak, broken and dangerous rules in policy files.

        Reads each policy file (YAML, format 1) or seccomp profile (.json: OCI,
        config.json, moby's template, Kubernetes SeccompProfile; linted as runc loads
        it, a template rendered for --arch, --caps and --kernel) and reports what its
        filter would really do wrong: misspelt or missing syscalls, rules that never
        apply, conditions that never or always hold, comparisons that miss sign-extended
        or pointer arguments, dangerous syscalls let through, compat ABIs, probed
        syscalls refused with the wrong errno, startup syscalls denied and filters near
        the kernel's size limit. Each finding has a rule id explained in
        docs/lint-rules.md. Exits with status 1 when a finding is at or above the
        --fail-on severity.

        USAGE: sysfence lint [--format <format>] [--fail-on <severity>] [--baseline <file>] [--arch <arch>] [--caps <CAP_A,CAP_B>] [--docker-default-caps] [--kernel <X.Y>] <file> ...

        ARGUMENTS:
          <file> ...              A policy file or seccomp profile to lint.

        OPTIONS:
          --format <format>       Output format: text, json or sarif (default: text).
          --fail-on <severity>    Exit with status 1 on findings of this severity or
                                  above: error, warning or note (default: error).
          --baseline <file>       Report every syscall allowed that this baseline policy
                                  or seccomp profile (.json, rendered as the linted
                                  profiles are) does not allow.
          --arch <arch>           The host arch: amd64, arm64, 386, arm, riscv64,
                                  ppc64le, s390x (default: native).
          --caps <CAP_A,CAP_B>    The container's capabilities, for a template's caps
                                  conditions.
          --docker-default-caps   Docker's default capabilities (the default when --caps
                                  is not given).
          --kernel <X.Y>          The kernel version for minKernel conditions (default:
                                  the running kernel).
          -h, --help              Show help information.

        """

    @Test("lint's help")
    func helpText() throws {
        #expect(try runSysfence(["help", "lint"]) == ProcessResult(stdout: Self.help, stderr: "", status: 0))
    }

    @Test("exit status by --fail-on", arguments: [
        ("clean.yaml", [String](), Int32(0)), ("clean.yaml", ["--fail-on", "note"], 0),
        ("warning.yaml", [], 0), ("warning.yaml", ["--fail-on", "warning"], 1), ("warning.yaml", ["--fail-on=note"], 1),
        ("error.yaml", [], 1), ("error.yaml", ["--fail-on", "error"], 1),
    ])
    func exitStatus(file: String, options: [String], status: Int32) throws {
        let directory = try Self.policies()
        let result = try runSysfence(["lint"] + options + [file], in: directory.url)
        #expect(result.status == status, "\(result)")
        #expect(result.stderr.isEmpty)
    }

    @Test("text output for a file with findings and a clean one")
    func textOutput() throws {
        let directory = try Self.policies()
        let result = try runSysfence(["lint", "clean.yaml", "error.yaml"], in: directory.url)
        let expected = """
            error.yaml
              7:12  error    unknown syscall 'getpdi' (did you mean 'getpid'?)  unknown-syscall

            1 problem (1 error, 0 warnings, 0 notes) in 2 files

            """
        #expect(result == ProcessResult(stdout: expected, stderr: "", status: 1))
    }

    @Test("JSON and SARIF on standard output", arguments: ["json", "sarif"])
    func machineFormats(format: String) throws {
        let directory = try Self.policies()
        let result = try runSysfence(["lint", "--format", format, "warning.yaml"], in: directory.url)
        #expect(result.status == 0 && result.stderr.isEmpty)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        if format == "json" {
            let findings = object?["findings"] as? [[String: Any]]
            #expect(findings?.map { $0["ruleId"] as? String } == ["dangerous-syscall"])
        } else {
            #expect(object?["version"] as? String == "2.1.0")
            let results = (object?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]
            #expect(results?.map { $0["ruleId"] as? String } == ["dangerous-syscall"])
        }
    }

    @Test("--baseline reports what the baseline does not allow")
    func baseline() throws {
        let directory = try Self.policies()
        let result = try runSysfence(["lint", "--baseline", "clean.yaml", "warning.yaml"], in: directory.url)
        let expected = """
            warning.yaml
              7:12  error    ptrace is allowed; the baseline does not allow it  baseline-exceeded
              7:12  warning  ptrace is allowed without conditions: it reads and rewrites the memory and registers of other processes, and before Linux 4.8 could rewrite a syscall after the seccomp check  dangerous-syscall

            2 problems (1 error, 1 warning, 0 notes) in 1 file

            """
        #expect(result == ProcessResult(stdout: expected, stderr: "", status: 1))
    }

    @Test("--baseline takes a seccomp profile, rendered as the linted profiles are",
          .enabled(if: TestEnvironment.requiresKernel || SharedProfiles.directory != nil))
    func profileBaseline() throws {
        let moby = try #require(SharedProfiles.path("moby-default.json"), "\(SharedProfiles.missingMessage)")
        let directory = try TemporaryDirectory()
        // Allowed by moby's default only from kernel 4.8 on (ptrace) or with CAP_SYS_ADMIN (mount).
        _ = try directory.write("tools.yaml", """
            sysfence: 1
            default: errno(EPERM)
            arches: [x86_64]
            rules:
              - allow: [execve, brk, mmap, munmap, mprotect, arch_prctl, set_tid_address, read, write, close,
                        rt_sigreturn, exit, exit_group, ptrace]
              - allow: mount
            """)
        func exceeded(_ options: [String]) throws -> [String] {
            let result = try runSysfence(["lint", "--format", "json", "--arch", "amd64", "--baseline", moby] + options + ["tools.yaml"], in: directory.url)
            #expect(result.stderr.isEmpty, "\(result)")
            let findings = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])["findings"] as? [[String: Any]]
            // "ptrace is allowed; the baseline does not allow it": the syscall is the first word.
            return (findings ?? []).filter { $0["ruleId"] as? String == "baseline-exceeded" }
                .compactMap { ($0["message"] as? String)?.split(separator: " ").first.map(String.init) }.sorted()
        }
        #expect(try exceeded(["--kernel", "6.1"]) == ["mount"])
        #expect(try exceeded(["--kernel", "4.4"]) == ["mount", "ptrace"])
        #expect(try exceeded(["--kernel", "6.1", "--caps", "CAP_SYS_ADMIN"]) == [])
    }

    @Test("a baseline that does not load is reported on standard error")
    func brokenBaseline() throws {
        let directory = try Self.policies()
        let result = try runSysfence(["lint", "--baseline", "missing.yaml", "clean.yaml"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "missing.yaml: error: no such file or directory\n")
    }

    @Test("usage errors", arguments: [
        (["lint"], "Error: Missing expected argument '<file> ...'\n"),
        (["lint", "--format", "xml", "a.yaml"], "Error: Invalid value 'xml' for '--format': expected text, json, sarif\n"),
        (["lint", "--fail-on", "info", "a.yaml"], "Error: Invalid value 'info' for '--fail-on': expected error, warning, note\n"),
        (["lint", "--format"], "Error: Missing value for '--format <format>'\n"),
        (["lint", "--arch", "x32", "a.json"], "Error: Unknown host arch 'x32'; expected amd64, arm64, 386, arm, riscv64, ppc64le or s390x\n"),
        (["lint", "--kernel", "six", "a.json"], "Error: Invalid kernel version 'six'; expected X.Y such as 6.1\n"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let footer = "Usage: sysfence lint [--format <format>] [--fail-on <severity>] [--baseline <file>] [--arch <arch>] "
            + "[--caps <CAP_A,CAP_B>] [--docker-default-caps] [--kernel <X.Y>] <file> ...\n"
            + "  See 'sysfence lint --help' for more information.\n"
        #expect(try runSysfence(arguments) == ProcessResult(stdout: "", stderr: message + footer, status: 64))
    }

    /// A directory with `clean.yaml`, `warning.yaml` and `error.yaml`.
    static func policies() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("clean.yaml", clean)
        try directory.write("warning.yaml", warning)
        try directory.write("error.yaml", error)
        return directory
    }
}

/// `sysfence lint` on seccomp profiles (JSON): what was linted, SARIF regions in the profile, exit
/// status by `--fail-on`, and a profile that is not JSON.
struct LintProfileCommandTests {
    static let corpus = TestPaths.packageRoot.appendingPathComponent("Tests/LintCorpus")

    @Test("text output names the rendering of a template")
    func templateText() throws {
        let result = try runSysfence(["lint", "--arch", "amd64", "--kernel", "6.1", "profile-moby-template.json"], in: Self.corpus)
        let expected = """
            profile-moby-template.json
              moby templated seccomp profile, linted as rendered for x86_64, kernel 6.1, Docker's default capabilities
              7:28   warning  the x32 ABI is admitted next to x86_64: a 64-bit process can enter the kernel through it, with other syscall numbers and other kernel code; drop it unless the workload runs 32-bit code  compat-arch
              21:17  warning  ptrace is allowed without conditions: it reads and rewrites the memory and registers of other processes, and before Linux 4.8 could rewrite a syscall after the seccomp check  dangerous-syscall

            2 problems (0 errors, 2 warnings, 0 notes) in 1 file

            """
        #expect(result == ProcessResult(stdout: expected, stderr: "", status: 0))
    }

    @Test("the rendering options decide what is linted")
    func renderingOptions() throws {
        // With CAP_SYS_ADMIN, mount, unshare and setns are allowed; before 4.8, ptrace is not.
        let result = try runSysfence(["lint", "--format", "json", "--kernel", "4.4", "--caps", "SYS_ADMIN", "profile-moby-template.json"],
                                     in: Self.corpus)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let dangerous = findings.filter { $0["ruleId"] as? String == "dangerous-syscall" }.compactMap { $0["line"] as? Int }
        #expect(dangerous == [31, 31, 31])
        #expect((object["renderings"] as? [String: String])?["profile-moby-template.json"]?.hasSuffix("kernel 4.4, CAP_SYS_ADMIN") == true)
    }

    @Test("moby's profile as SARIF, with regions in the profile, and the exit status by --fail-on",
          .enabled(if: TestEnvironment.requiresKernel || SharedProfiles.directory != nil),
          arguments: [("error", Int32(0)), ("warning", 1), ("note", 1)])
    func mobySARIF(failOn: String, status: Int32) throws {
        let path = try #require(SharedProfiles.path("moby-default.json"), "\(SharedProfiles.missingMessage)")
        let result = try runSysfence(["lint", "--format", "sarif", "--kernel", "6.1", "--fail-on", failOn, path])
        #expect(result.status == status && result.stderr.isEmpty, "\(result.stderr)")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let results = try #require((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        #expect(results.count == 19)
        for item in results {
            let physical = (item["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            #expect((physical?["artifactLocation"] as? [String: Any])?["uri"] as? String == "file://" + path)
            #expect(((physical?["region"] as? [String: Any])?["startLine"] as? Int ?? 0) > 1)
        }
    }

    @Test("a profile that is not JSON is an invalid-policy error at its place, with exit status 1")
    func malformedProfile() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("bad.json", "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [\n")
        _ = try directory.write("unknown.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALOW\"}]}")
        let result = try runSysfence(["lint", "bad.json", "unknown.json"], in: directory.url)
        let expected = """
            bad.json
              4:1  error    unexpected end of input; expected a JSON value  invalid-policy

            unknown.json
              1:80  error    syscalls[0].action: unknown action "SCMP_ACT_ALOW"; did you mean "SCMP_ACT_ALLOW"?  invalid-policy

            2 problems (2 errors, 0 warnings, 0 notes) in 2 files

            """
        #expect(result == ProcessResult(stdout: expected, stderr: "", status: 1))
    }
}
