import Foundation
import LinuxKernel
import Sysfence

/// The target and streaming options `audit` and `trace` share, and their event loop.
enum ProbeOptions {
    static let target: [OptionSpec] = [
        OptionSpec("cgroup", .repeatedValue(placeholder: "path"), help: "A cgroup v2 directory (absolute, or relative to the cgroup2 mount); its descendants are included."),
        OptionSpec("container", .repeatedValue(placeholder: "id"), help: "A running container by id or unique prefix (runc, Docker, containerd, CRI-O, Podman, Kubernetes)."),
        OptionSpec("pid", .repeatedValue(placeholder: "pid"), help: "The cgroup of a running process."),
        OptionSpec("all-containers", help: "Every container on the host, including those started later."),
    ]

    static let stream: [OptionSpec] = [
        OptionSpec("format", .value(placeholder: "text|json"), help: "One line of text (default) or one JSON object per event."),
        OptionSpec("rate-limit", .value(placeholder: "events"), help: "At most this many events per second from each cgroup; the rest are counted."),
    ]

    struct Values {
        var targets: [ProbeTarget]
        var json: Bool
        var rateLimit: UInt32
    }

    static func parse(_ arguments: ParsedArguments) throws(UsageError) -> Values {
        var targets: [ProbeTarget] = arguments.values("cgroup").map { .cgroup($0) } + arguments.values("container").map { .container($0) }
        for pid in arguments.values("pid") {
            guard let value = Int32(pid), value > 0 else { throw UsageError(message: "'\(pid)' is not a process id") }
            targets.append(.pid(value))
        }
        if arguments.flag("all-containers") { targets.append(.allContainers) }
        guard !targets.isEmpty else {
            throw UsageError(message: "Missing target: give --cgroup, --container, --pid or --all-containers")
        }
        let format = arguments.value("format") ?? "text"
        guard format == "text" || format == "json" else { throw UsageError(message: "Unknown format '\(format)': use text or json") }
        let limit = arguments.value("rate-limit") ?? "0"
        guard let rateLimit = UInt32(limit) else { throw UsageError(message: "'\(limit)' is not a number of events per second") }
        return Values(targets: targets, json: format == "json", rateLimit: rateLimit)
    }

    /// Attaches, prints every event until SIGINT, SIGTERM or the targets' exit, then the counters.
    static func run(_ values: Values, mode: ProbeMode, policy: Policy?, on console: Console) -> ExitStatus {
        TerminationSignals.catchThem()
        let errnoNames = ConstantTable.system.errnoNames
        do {
            let session = try ProbeSession(targets: values.targets, mode: mode, policy: policy, rateLimit: values.rateLimit)
            let cgroups = session.watched.values.map { $0.container ?? $0.path }.sorted()
            console.err.write("sysfence: watching \(cgroups.isEmpty ? "no container yet" : cgroups.joined(separator: ", ")); stop with Ctrl-C\n")
            let (counters, reason) = try session.run(shouldStop: { TerminationSignals.received != nil }) { event in
                console.out.write((values.json ? event.json(errnoNames: errnoNames) : event.text(errnoNames: errnoNames)) + "\n")
            }
            let why = reason == .targetExited ? "the target exited" : "stopped"
            console.err.write("sysfence: \(why): \(counters.summary)\n")
            if counters.lost > 0 {
                console.report(Diagnostic(.warning, at: nil, "\(counters.lost) events were lost: the ring buffer was full"), in: "sysfence")
            }
            return .success
        } catch {
            for diagnostic in error.diagnostics { console.report(diagnostic, in: "sysfence") }
            return .failure
        }
    }
}
