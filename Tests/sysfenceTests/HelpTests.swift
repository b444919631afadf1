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
          record                  Record what a command or container calls and write a
                                  policy for it.
          merge                   Join allow-list policies: allow what any allows.
          diff                    Show what one policy allows that another does not.
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

    static let mergeHelp = """
        OVERVIEW: Join allow-list policies: allow what any allows.

        Reads policies (YAML) or seccomp profiles (JSON) made by 'sysfence record' or
        written as allow-lists (every rule allows, or fails clone3 with ENOSYS; the same
        default action in all) and writes the policy that allows a call exactly when one
        of them does, with the rules of each syscall joined and their 'seen N times'
        counts added. Any other policy is refused, naming the file and rule.

        USAGE: sysfence merge [--output <file>] [--format <format>] [--name <name>] <policy> ...

        ARGUMENTS:
          <policy> ...            A policy (YAML) or seccomp profile (JSON); at least
                                  two.

        OPTIONS:
          -o, --output <file>     Write the policy to this file instead of standard
                                  output.
          --format <format>       yaml, oci or k8s (default: yaml).
          --name <name>           The merged policy's name (default: the first
                                  policy's).
          -h, --help              Show help information.

        """

    static let diffHelp = """
        OVERVIEW: Show what one policy allows that another does not.

        Compares two policies (YAML) or seccomp profiles (JSON, imported as runc loads
        them on this host) call by call, per arch: syscalls only one of them allows, and
        syscalls both allow under different argument conditions, with the side that
        allows more or an example call of each side. Conditions are compared as sets of
        argument values, not as text. Exits with status 0 when the policies allow the
        same calls, 1 when they differ, 2 when a file cannot be used and 64 on usage
        errors.

        USAGE: sysfence diff [--arch <arch>] [--format <format>] <first> <second>

        ARGUMENTS:
          <first>                 A policy (YAML) or seccomp profile (JSON).
          <second>                The policy or profile to compare it with.

        OPTIONS:
          --arch <arch>           Compare only this arch (x86_64, x86, x32, aarch64,
                                  ...).
          --format <format>       text or json (default: text).
          -h, --help              Show help information.

        """

    static let recordHelp = """
        OVERVIEW: Record what a command or container calls and write a policy for it.

        Counts every system call of the workload in the kernel (per arch: i386 compat
        calls on x86_64 are their own arch), with the values of the arguments that
        matter (socket families and types, clone and unshare namespace flags,
        personality, prctl options, ioctl requests, PROT_EXEC of mmap and mprotect), and
        writes the policy that allows exactly that: YAML with a comment per rule saying
        how often it was seen, or with --format oci|k8s a seccomp profile for container
        runtimes. After '--', runs the command in a fresh cgroup and records it and
        every process it starts until all have ended. With a target, records the
        processes there from now on until the target ends, --duration passes or Ctrl-C.
        A task counts once it has executed a program inside the target, so a container
        runtime's own start-up before the entrypoint is left out; the base set every OCI
        runtime needs to start a process is added unless --no-base. A report follows on
        standard error: calls per arch, the argument constraints, dangerous syscalls
        used, and with --compare how many fewer syscalls the policy allows than the
        profile given. Needs root. See docs/recording.md.

        USAGE: sysfence record [--output <file>] [--format <format>] [--no-base] [--no-args] [--compare <profile>] [--duration <time>] [--quiet] [--cgroup <path>] ... [--container <id>] ... [--pid <pid>] ... [--all-containers] [<command> ...]

        ARGUMENTS:
          [<command> ...]         The command to record and its arguments, after '--'.

        OPTIONS:
          -o, --output <file>     Write the policy to this file instead of standard
                                  output.
          --format <format>       yaml (default), oci or k8s.
          --no-base               Leave out the base set the runtime needs to start a
                                  process.
          --no-args               Allow every syscall seen with any arguments.
          --compare <profile>     A policy or OCI/moby profile to compare the result
                                  with.
          --duration <time>       Stop recording a target after this long (30s, 5m, 1h).
          --quiet                 Print no live counter and no report.
          --cgroup <path>         A cgroup v2 directory (absolute, or relative to the
                                  cgroup2 mount); its descendants are included.
          --container <id>        A running container by id or unique prefix (runc,
                                  Docker, containerd, CRI-O, Podman, Kubernetes).
          --pid <pid>             The cgroup of a running process.
          --all-containers        Every container on the host, including those started
                                  later.
          -h, --help              Show help information.

        """

    @Test("record's help") func recordHelpText() throws {
        let result = try runSysfence(["record", "--help"])
        #expect(result == ProcessResult(stdout: Self.recordHelp, stderr: "", status: 0))
    }

    @Test("merge's and diff's help", arguments: [(["merge", "--help"], mergeHelp), (["help", "diff"], diffHelp)])
    func recordingToolsHelp(arguments: [String], expected: String) throws {
        let result = try runSysfence(arguments)
        #expect(result == ProcessResult(stdout: expected, stderr: "", status: 0))
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
