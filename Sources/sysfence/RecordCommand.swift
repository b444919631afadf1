import Foundation
import LinuxKernel
import Sysfence

/// `sysfence record [...] (-- COMMAND ARG... | TARGET)`: records what a workload calls, in the
/// kernel, and writes the tightest policy that allows it.
struct RecordCommand: Command {
    enum Format: String, CaseIterable {
        case yaml, oci, k8s
    }

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "record",
            abstract: "Record what a command or container calls and write a policy for it.",
            discussion: """
                Counts every system call of the workload in the kernel (per arch: i386 compat calls on \
                x86_64 are their own arch), with the values of the arguments that matter (socket families \
                and types, clone and unshare namespace flags, personality, prctl options, ioctl requests, \
                PROT_EXEC of mmap and mprotect), and writes the policy that allows exactly that: YAML with \
                a comment per rule saying how often it was seen, or with --format oci|k8s a seccomp profile \
                for container runtimes. After '--', runs the command in a fresh cgroup and records it and \
                every process it starts until all have ended. With a target, records the processes there \
                from now on until the target ends, --duration passes or Ctrl-C. A task counts once it has \
                executed a program inside the target, so a container runtime's own start-up before the \
                entrypoint is left out; the base set every OCI runtime needs to start a process is added \
                unless --no-base. A report follows on standard error: calls per arch, the argument \
                constraints, dangerous syscalls used, and with --compare how many fewer syscalls the policy \
                allows than the profile given. Needs root. See docs/recording.md.
                """,
            options: [
                OptionSpec("output", short: "o", .value(placeholder: "file"), help: "Write the policy to this file instead of standard output."),
                OptionSpec("format", .value(placeholder: "format"), help: "yaml (default), oci or k8s."),
                OptionSpec("no-base", help: "Leave out the base set the runtime needs to start a process."),
                OptionSpec("no-args", help: "Allow every syscall seen with any arguments."),
                OptionSpec("compare", .value(placeholder: "profile"), help: "A policy or OCI/moby profile to compare the result with."),
                OptionSpec("duration", .value(placeholder: "time"), help: "Stop recording a target after this long (30s, 5m, 1h)."),
                OptionSpec("quiet", help: "Print no live counter and no report."),
            ] + ProbeOptions.target,
            arguments: [ArgumentSpec(name: "command", help: "The command to record and its arguments, after '--'.",
                                     repeating: true, optional: true)])
    }

    var output: String?
    var format: Format
    var options: RecordingOptions
    var comparePath: String?
    var duration: TimeInterval?
    var quiet: Bool
    var command: [String]
    var targets: [ProbeTarget]

    init(_ arguments: ParsedArguments) throws(UsageError) {
        output = arguments.value("output")
        let name = arguments.value("format") ?? Format.yaml.rawValue
        guard let format = Format(rawValue: name) else {
            throw UsageError(message: "Unknown format '\(name)'; expected one of yaml, oci, k8s")
        }
        self.format = format
        options = RecordingOptions(name: output.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension },
                                   includeBase: !arguments.flag("no-base"), constrainArguments: !arguments.flag("no-args"))
        comparePath = arguments.value("compare")
        quiet = arguments.flag("quiet")
        command = arguments.arguments("command")
        let hasTarget = !arguments.values("cgroup").isEmpty || !arguments.values("container").isEmpty
            || !arguments.values("pid").isEmpty || arguments.flag("all-containers")
        if !command.isEmpty && hasTarget {
            throw UsageError(message: "Give either a command after '--' or a target (--cgroup, --container, --pid, --all-containers), not both")
        }
        if command.isEmpty && !hasTarget {
            throw UsageError(message: "Missing what to record: a command after '--', or --cgroup, --container, --pid or --all-containers")
        }
        targets = hasTarget ? try ProbeOptions.parse(arguments).targets : []
        if let text = arguments.value("duration") {
            guard let seconds = Self.seconds(text) else {
                throw UsageError(message: "'\(text)' is not a duration: use a number with s, m or h (30s, 5m, 1h)")
            }
            guard hasTarget else { throw UsageError(message: "--duration applies to a target; a command is recorded until it ends") }
            duration = seconds
        }
    }

    /// `30s`, `5m`, `1h`, `1.5s` or a plain number of seconds; `nil` unless positive.
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var number = Substring(text), scale = 1.0
        if let unit = text.last, let factor = units[unit] {
            number = number.dropLast()
            scale = factor
        }
        guard let value = Double(number), value > 0, value.isFinite else { return nil }
        return value * scale
    }

    func run(on console: Console) -> ExitStatus {
        var compared: (name: String, policy: Policy)?
        if let comparePath {
            guard let policy = PolicyInput.loadPolicyOrProfile(comparePath, on: console) else { return .failure }
            compared = (policy.name ?? ((comparePath as NSString).lastPathComponent as NSString).deletingPathExtension, policy)
        }
        let table = SyscallTable.libseccomp
        var watches: [Arch: [UInt32: ArgumentWatch]] = [:]
        if options.constrainArguments {
            for arch in [Arch.x86_64, .x86, .x32] { watches[arch] = SyscallRecording.argumentWatches(on: arch, table: table) }
        }
        TerminationSignals.catchThem()
        let counter = LiveCounter(enabled: !quiet && isTerminal(2), console: console)
        let outcome: RecordingOutcome
        do {
            let recorder = try SyscallRecorder(watches: watches)
            if command.isEmpty {
                var announced = false
                outcome = try recorder.record(targets, duration: duration, shouldStop: { TerminationSignals.received != nil }) { progress in
                    // The first progress comes once the recorder is attached: a script may start the workload now.
                    if !announced, !quiet {
                        announced = true
                        console.err.write("sysfence: recording; stop with Ctrl-C\n")
                    }
                    counter.show(progress)
                }
            } else {
                outcome = try recorder.record(command: command, shouldStop: { TerminationSignals.received }, onProgress: counter.show)
            }
        } catch {
            counter.clear()
            for diagnostic in error.diagnostics { console.report(diagnostic, in: "sysfence") }
            return .failure
        }
        counter.clear()
        if let failure = outcome.execFailure {
            console.report(Diagnostic(.error, at: nil, failure.description), in: "sysfence")
            return ExitStatus(rawValue: failure.isNotFound ? 127 : 126)
        }
        var recordingOptions = options
        if recordingOptions.name == nil {
            recordingOptions.name = "recorded-" + (command.first.map { ($0 as NSString).lastPathComponent }
                ?? outcome.cgroups.first.map { $0.container ?? ($0.path as NSString).lastPathComponent } ?? "workload")
        }
        let policy = outcome.recording.policy(options: recordingOptions, table: table)
        guard let text = render(policy, outcome: outcome, on: console) else { return .failure }
        let written = OutputFile.write(text, to: output, on: console)
        if !quiet { report(outcome, policy: policy, compared: compared, table: table, on: console) }
        return written
    }

    /// The policy as YAML with a header saying what was recorded, or as a seccomp profile.
    private func render(_ policy: Policy, outcome: RecordingOutcome, on console: Console) -> String? {
        switch format {
        case .yaml:
            let calls = outcome.recording.calls.values.reduce(0) { $0 + $1.values.reduce(0, +) }
            let header = ["Recorded by sysfence record from \(what(outcome)): \(calls) calls.",
                          "Each rule's comment says how often its calls were seen."]
            return PolicyInput.yamlText(policy, header: header)
        case .oci, .k8s:
            return PolicyInput.profileText(policy, kubernetesName: format == .k8s ? policy.name ?? "recorded" : nil, in: "recorded policy", on: console)
        }
    }

    private func what(_ outcome: RecordingOutcome) -> String {
        if !command.isEmpty {
            // One line of a YAML comment: whitespace (a script's newlines) collapsed, long commands cut.
            let line = command.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return "the command '\(line.count > 100 ? line.prefix(99) + "…" : line)'"
        }
        return outcome.cgroups.map { $0.container.map { "container \($0)" } ?? $0.path }.joined(separator: ", ")
    }

    private func report(_ outcome: RecordingOutcome, policy: Policy, compared: (name: String, policy: Policy)?, table: SyscallTable,
                        on console: Console) {
        var lines: [String] = []
        switch outcome.stopReason {
        case .requested: lines.append("recording stopped on request")
        case .durationElapsed: lines.append("recording stopped: the duration has passed")
        case .targetExited:
            if let termination = outcome.termination {
                let how: String
                switch termination {
                case .exited(let status): how = "exited with status \(status)"
                case .signaled(let signal, _): how = "was ended by signal \(signal) (status \(termination.shellStatus))"
                }
                lines.append("\(command[0]) \(how); every process it started has ended")
            } else {
                lines.append("the target ended")
            }
        }
        if outcome.tasksMarkedAtAttach > 0 {
            lines.append("\(outcome.tasksMarkedAtAttach) threads already running were recorded from the start of the recording on")
        }
        if outcome.threadsNotMarked > 0 {
            lines.append("warning: \(outcome.threadsNotMarked) running threads could not be recorded (a kernel before 6.9 marks only main threads)")
        }
        if outcome.runtimeTasksLeftOut > 0 {
            lines.append("\(outcome.runtimeTasksLeftOut) container-runtime threads (runc:[...]) are recorded only once they execute the entrypoint")
        }
        console.err.write(lines.map { "sysfence: \($0)\n" }.joined())
        console.err.write(RecordingReport(recording: outcome.recording, policy: policy, comparedWith: compared, table: table,
                                          constants: ConstantTable.system).text)
    }
}

/// The one-line counter shown on a terminal while recording, redrawn at most four times a second.
private final class LiveCounter {
    private let enabled: Bool
    private let console: Console
    private var last = Date.distantPast
    private var shown = false

    init(enabled: Bool, console: Console) {
        self.enabled = enabled
        self.console = console
    }

    func show(_ progress: RecordingProgress) {
        guard enabled, Date().timeIntervalSince(last) >= 0.25 else { return }
        last = Date()
        shown = true
        console.err.write("\r\u{1B}[Krecording: \(progress.syscalls) syscalls, \(progress.calls) calls, \(progress.executions) programs started (Ctrl-C to stop)")
    }

    func clear() {
        if shown { console.err.write("\r\u{1B}[K") }
    }
}
