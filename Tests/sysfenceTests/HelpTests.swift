import Sysfence
import Testing
import TestSupport

/// `--help`, `-h`, `help <subcommand>` and `--version`, as a person types them.
struct HelpTests {
    static let rootHelp = """
        OVERVIEW: Check seccomp policies for containers.

        USAGE: sysfence <subcommand>

        OPTIONS:
          --version               Show the version.
          -h, --help              Show help information.

        SUBCOMMANDS:
          check                   Check policy files and summarise each valid one.
          lint                    Find weak, broken and dangerous rules in policy files.
          compile                 Compile a policy into a seccomp filter.
          simulate                Show the verdict a policy or a compiled filter gives
                                  one system call.
          audit                   Stream the calls a policy would not allow, from
                                  running containers or cgroups.
          trace                   Stream every system call of running containers or
                                  cgroups.
          run                     Run a command under a policy and report the calls it
                                  does not allow.
          import                  Import an OCI, Docker, Podman or Kubernetes seccomp
                                  profile as a policy.
          oci                     Work with OCI runtime bundles.

          See 'sysfence help <subcommand>' for detailed help.

        """

    static let checkHelp = """
        OVERVIEW: Check policy files and summarise each valid one.

        Reads each policy file (YAML, format 1; see docs/policy-format.md) and prints
        every problem found as 'file:line:column: error: message' on standard error. For
        a valid policy it prints its name, rule count, default and bad-arch actions, and
        how many distinct syscalls its rules name on each arch. Exits with status 1 if
        any file has a problem.

        USAGE: sysfence check <policy> ...

        ARGUMENTS:
          <policy> ...            A policy file to check.

        OPTIONS:
          -h, --help              Show help information.

        """

    @Test("the root help lists the subcommands", arguments: [["--help"], ["-h"], ["help"], []])
    func rootHelp(arguments: [String]) throws {
        let result = try runSysfence(arguments)
        #expect(result == ProcessResult(stdout: Self.rootHelp, stderr: "", status: 0))
    }

    @Test("check's help, however it is asked for",
          arguments: [["check", "--help"], ["check", "-h"], ["help", "check"], ["check", "a.yaml", "--help"],
                      ["check", "--no-such-option", "-h"]])
    func checkHelp(arguments: [String]) throws {
        let result = try runSysfence(arguments)
        #expect(result == ProcessResult(stdout: Self.checkHelp, stderr: "", status: 0))
    }

    @Test("after --, -h is a file name, not a request for help")
    func helpAfterDoubleDash() throws {
        let result = try runSysfence(["check", "--", "-h"])
        #expect(result == ProcessResult(stdout: "", stderr: "-h: error: no such file or directory\n", status: 1))
    }

    @Test("--version prints the library's version")
    func version() throws {
        let result = try runSysfence(["--version"])
        #expect(result == ProcessResult(stdout: "sysfence \(sysfenceVersion)\n", stderr: "", status: 0))
        #expect(sysfenceVersion.split(separator: ".").count == 3)
    }
}
