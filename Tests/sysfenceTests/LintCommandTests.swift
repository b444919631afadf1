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

        Reads each policy file (YAML, format 1) and reports what its filter would really
        do wrong: misspelt or missing syscalls, rules that never apply, conditions that
        never or always hold, comparisons that miss sign-extended or pointer arguments,
        dangerous syscalls let through, compat ABIs, probed syscalls refused with the
        wrong errno, startup syscalls denied and filters near the kernel's size limit.
        Each finding has a rule id explained in docs/lint-rules.md. Exits with status 1
        when a finding is at or above the --fail-on severity.

        USAGE: sysfence lint [--format <format>] [--fail-on <severity>] [--baseline <file>] <file> ...

        ARGUMENTS:
          <file> ...              A policy file to lint.

        OPTIONS:
          --format <format>       Output format: text, json or sarif (default: text).
          --fail-on <severity>    Exit with status 1 on findings of this severity or
                                  above: error, warning or note (default: error).
          --baseline <file>       Report every syscall allowed that this baseline policy
                                  does not allow.
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
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let footer = "Usage: sysfence lint [--format <format>] [--fail-on <severity>] [--baseline <file>] <file> ...\n"
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
