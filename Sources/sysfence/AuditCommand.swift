import Sysfence

/// `sysfence audit --policy POLICY TARGET`: the policy evaluated in eBPF on running processes.
struct AuditCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "audit",
            abstract: "Stream the calls a policy would not allow, from running containers or cgroups.",
            discussion: """
                Compiles the policy into the same classic-BPF program the seccomp filter runs and evaluates \
                it in an eBPF probe on every system call of the targets (and their descendant cgroups), \
                printing time, cgroup or container, pid, tid, command, arch, syscall, arguments, verdict and \
                rule for each call the policy does not allow. With --kill, the probe also sends SIGKILL to \
                the process on each call the policy denies (the call itself still runs before the process \
                dies). Stops on Ctrl-C, SIGTERM or when the targets exit, then prints the counters. Needs root.
                """,
            options: [OptionSpec("policy", .value(placeholder: "file"), help: "The policy file (YAML)."),
                      OptionSpec("kill", help: "Kill the process on a call the policy denies.")]
                + ProbeOptions.target + ProbeOptions.stream)
    }

    var policyPath: String
    var kill: Bool
    var values: ProbeOptions.Values

    init(_ arguments: ParsedArguments) throws(UsageError) {
        guard let policyPath = arguments.value("policy") else { throw UsageError(message: "Missing '--policy <file>'") }
        self.policyPath = policyPath
        kill = arguments.flag("kill")
        values = try ProbeOptions.parse(arguments)
    }

    func run(on console: Console) -> ExitStatus {
        guard let (policy, filter) = PolicyInput.compile(policyPath, on: console) else { return .failure }
        return ProbeOptions.run(values, mode: .audit(filter, kill: kill), policy: policy, on: console)
    }
}
