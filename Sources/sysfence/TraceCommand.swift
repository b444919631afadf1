import Sysfence

/// `sysfence trace TARGET`: every system call of running processes, as a stream.
struct TraceCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "trace",
            abstract: "Stream every system call of running containers or cgroups.",
            discussion: """
                Attaches an eBPF probe to the sys_enter tracepoint and prints every call of the targets and \
                their descendant cgroups. Events the ring buffer had no room for are counted and reported. \
                Stops on Ctrl-C, SIGTERM or when the targets exit, then prints the counters. Needs root.
                """,
            options: ProbeOptions.target + ProbeOptions.stream)
    }

    var values: ProbeOptions.Values

    init(_ arguments: ParsedArguments) throws(UsageError) {
        values = try ProbeOptions.parse(arguments)
    }

    func run(on console: Console) -> ExitStatus {
        ProbeOptions.run(values, mode: .trace, policy: nil, on: console)
    }
}
