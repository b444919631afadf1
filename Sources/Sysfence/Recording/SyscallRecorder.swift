import BPFLoader
import Foundation
import Glibc
import LinuxKernel

/// How a recording is going, for a live counter.
public struct RecordingProgress: Hashable, Sendable {
    /// Distinct (arch, syscall) pairs seen so far.
    public var syscalls: Int
    /// Calls counted so far.
    public var calls: UInt64
    /// Programs executed in the target since the start.
    public var executions: Int
}

/// What a recording run yields.
public struct RecordingOutcome: Sendable {
    /// The calls, per arch and syscall, and the watched argument values.
    public var recording: SyscallRecording
    /// Why recording stopped.
    public var stopReason: ProbeStopReason
    /// For a recorded command: how it ended (`nil` when it could not be executed).
    public var termination: ProcessTermination?
    /// For a recorded command that could not be executed: why.
    public var execFailure: ExecFailure?
    /// Tasks already running in the targets when recording began, recorded from then on.
    public var tasksMarkedAtAttach: Int
    /// Container-runtime tasks (`runc:[...]`) found in the targets before their exec, left out
    /// until they execute the entrypoint.
    public var runtimeTasksLeftOut: Int
    /// Threads already running that could not be marked (before Linux 6.9 only a process's main
    /// thread can be): their calls count only from their next exec, or in their children.
    public var threadsNotMarked: Int
    /// The cgroups watched (for a command: the one created for it).
    public var cgroups: [WatchedCgroup]
}

/// Records the system calls of targets in the kernel (`bpf/record.bpf.c`): counts per (arch,
/// syscall) and watched argument values, complete however fast the workload calls; only first
/// sightings and process starts and ends go through the ring buffer. One recording per recorder;
/// once it returns, nothing of it is left in the kernel.
///
/// A task counts once it has executed a program inside a target (or descends from one that did),
/// so a runtime's start-up in the container's cgroup before the entrypoint's `execve`, and
/// sysfence's own fork before the command's, are left out. See docs/recording.md.
public final class SyscallRecorder {
    private let object: BPFObject
    private let targets: TargetCgroups
    private let recorded: BPFMap
    private let slots: BPFMap
    private let slotCalls: BPFMap
    private let calls: BPFMap
    private let values: BPFMap
    private let counters: BPFMap
    private let ringBuffer: BPFRingBuffer
    private var links: [BPFLink] = []
    /// How many arguments each watched (ABI, number without the x32 bit) keeps.
    private var watchedArguments: [RecordingKey: Int] = [:]
    private var seen: Set<RecordingKey> = []
    private var executions = 0

    private struct RecordingKey: Hashable {
        var abi: Int
        var nr: UInt32
    }

    /// The ABIs in the kernel's order (`enum sysfence_abi`).
    static let abis: [Arch] = [.x86_64, .x86, .x32]

    /// Loads the recorder with the argument watches of each arch (syscall numbers as `SyscallTable`
    /// numbers them), and attaches its programs; nothing is recorded before a target is given.
    public init(watches: [Arch: [UInt32: ArgumentWatch]]) throws(DiagnosticsError) {
        object = try ProbeObject.load("record")
        targets = try TargetCgroups(of: object)
        do {
            recorded = try object.map(named: "recorded")
            slots = try object.map(named: "slots")
            slotCalls = try object.map(named: "slot_calls")
            calls = try object.map(named: "calls")
            values = try object.map(named: "values")
            counters = try object.map(named: "counters")
            ringBuffer = try BPFRingBuffer(map: try object.map(named: "events"))
            for (abi, arch) in Self.abis.enumerated() {
                for (nr, watch) in watches[arch] ?? [:] {
                    let slot = nr & ~Arch.x32SyscallBit
                    guard slot < ProbeLayout.verdictSlots else { continue }
                    watchedArguments[RecordingKey(abi: abi, nr: slot)] = watch.arguments.count
                    try RecordLayout.setWatch(arguments: watch.arguments, masks: watch.masks,
                                              slot: UInt32(abi * ProbeLayout.verdictSlots) + slot, in: slots)
                }
            }
            for program in ["record_enter", "record_exec", "record_fork", "record_exit"] {
                links.append(try object.program(named: program).attach())
            }
        } catch {
            throw ProbeObject.diagnose(error, doing: "setting up the recorder")
        }
    }

    /// Records running targets until `shouldStop` returns true (asked about ten times a second),
    /// `duration` has passed, or every target is gone. Tasks already in the targets are recorded
    /// from now on, except container-runtime tasks before their exec (`runc:[...]`), which count
    /// once they execute the entrypoint.
    public func record(_ targets: [ProbeTarget], duration: TimeInterval? = nil, shouldStop: () -> Bool,
                       onProgress: (RecordingProgress) -> Void = { _ in }) throws(DiagnosticsError) -> RecordingOutcome {
        try checkUnused()
        let cgroups = self.targets
        let tracker = try TargetTracker(targets) { (new) throws(DiagnosticsError) in try cgroups.add(new.map(\.id)) }
        var marked: Set<Int32> = [], leftOut = 0, unmarkable = 0
        // Twice: a child forked by a task before that task was marked is found the second time.
        for _ in 0..<2 {
            (leftOut, unmarkable) = try markRunningTasks(in: tracker.watched.values.map(\.path), hierarchy: tracker.hierarchy,
                                                         marked: &marked)
        }
        let deadline = duration.map { Date().addingTimeInterval($0) }
        var reason = ProbeStopReason.requested
        while !shouldStop() {
            try poll(onProgress)
            if let deadline, Date() >= deadline {
                reason = .durationElapsed
                break
            }
            try tracker.refresh()
            if tracker.gone {
                reason = .targetExited
                break
            }
        }
        var outcome = try finish(reason)
        outcome.tasksMarkedAtAttach = marked.count
        outcome.runtimeTasksLeftOut = leftOut
        outcome.threadsNotMarked = unmarkable
        outcome.cgroups = tracker.watched.values.sorted { $0.path < $1.path }
        return outcome
    }

    /// Runs `command` (searched for in `PATH`) in a fresh cgroup and records it and every process
    /// it starts, until all of them have ended. When `shouldStop` returns a signal, the command is
    /// sent that signal; whatever is left in the cgroup three seconds later is killed. The cgroup
    /// is removed before this returns.
    public func record(command: [String], environment: [String: String]? = nil, shouldStop: () -> Int32?,
                       onProgress: (RecordingProgress) -> Void = { _ in }) throws(DiagnosticsError) -> RecordingOutcome {
        guard let name = command.first, !name.isEmpty else { throw DiagnosticsError(at: nil, "no command to record") }
        try checkUnused()
        let environment = environment ?? ProcessInfo.processInfo.environment
        let cgroup = try CommandCgroup()
        defer { cgroup.remove() }
        try targets.add([cgroup.watched.id])
        guard let path = Enforcer.executablePath(name, searchPath: environment["PATH"]) else {
            var outcome = try finish(.targetExited)
            outcome.execFailure = ExecFailure(command: name, errnoName: "ENOENT", message: "command not found")
            outcome.cgroups = [cgroup.watched]
            return outcome
        }
        let child: FilteredChild
        do {
            child = try FilteredChild(path: path, arguments: command, environment: environment.map { "\($0.key)=\($0.value)" },
                                      filter: nil, flags: [], cgroup: cgroup.descriptor)
        } catch {
            throw DiagnosticsError(at: nil, "cannot start \(name): \(error)")
        }
        var termination: ProcessTermination?
        var childEnded = false
        var reason = ProbeStopReason.targetExited
        var stopAsked: Date?
        while !childEnded || cgroup.isPopulated {
            try poll(onProgress)
            if !childEnded, (try? LinuxKernel.poll([child.descriptor], timeout: 0))?.first?.contains(.readable) == true {
                childEnded = true
                termination = try? child.wait()
            }
            if stopAsked == nil, let signal = shouldStop() {
                reason = .requested
                stopAsked = Date()
                if !childEnded { _ = try? Signals.send(signal, process: child.pid, thread: child.pid) }
            }
            if let stopAsked, Date().timeIntervalSince(stopAsked) > 3 { cgroup.killAll() }
        }
        var outcome = try finish(reason)
        outcome.termination = termination
        if let failure = child.execError {
            outcome.termination = nil
            outcome.execFailure = ExecFailure(command: name, errnoName: failure.name, message: failure.message)
        }
        outcome.cgroups = [cgroup.watched]
        return outcome
    }

    /// A recorder records once: its programs are detached at the end.
    private func checkUnused() throws(DiagnosticsError) {
        guard !links.isEmpty else { throw DiagnosticsError(at: nil, "this recorder has already recorded; load another") }
    }

    /// Marks the threads of the cgroups (and their descendants) as recorded, except those in
    /// `marked` already and runtime tasks before their exec; adds the marked ones to `marked`
    /// and returns how many runtime threads were left out and how many threads could not be
    /// marked (other than main threads, before Linux 6.9).
    private func markRunningTasks(in paths: [String], hierarchy: CgroupHierarchy,
                                  marked: inout Set<Int32>) throws(DiagnosticsError) -> (leftOut: Int, unmarkable: Int) {
        var leftOut = 0, unmarkable = 0
        for path in paths.flatMap(hierarchy.subtree(of:)) {
            guard let threads = try? String(contentsOfFile: path + "/cgroup.threads", encoding: .utf8) else { continue }
            for tid in threads.split(separator: "\n").compactMap({ Int32($0) }) where !marked.contains(tid) {
                let command = (try? String(contentsOfFile: "/proc/\(tid)/comm", encoding: .utf8)) ?? ""
                if command.hasPrefix("runc:[") {
                    leftOut += 1
                    continue
                }
                do {
                    try RecordLayout.markRecorded(thread: tid, in: recorded)
                    marked.insert(tid)
                } catch where error.code == ESRCH {
                    continue  // the thread ended meanwhile
                } catch where error.code == EINVAL {
                    unmarkable += 1
                } catch {
                    throw ProbeObject.diagnose(error, doing: "marking the running tasks of \(path)")
                }
            }
        }
        return (leftOut, unmarkable)
    }

    /// Waits up to 100 ms for events and reports progress.
    private func poll(_ onProgress: (RecordingProgress) -> Void) throws(DiagnosticsError) {
        do {
            try ringBuffer.poll(timeoutMilliseconds: 100) { [unowned self] bytes in self.handle(bytes) }
            onProgress(RecordingProgress(syscalls: seen.count, calls: try counter(.calls), executions: executions))
        } catch {
            throw ProbeObject.diagnose(error, doing: "reading the recorder's events")
        }
    }

    private func handle(_ bytes: UnsafeRawBufferPointer) {
        guard let event = RecordEvent(bytes) else { return }
        switch event.kind {
        case .syscall: seen.insert(RecordingKey(abi: event.abi, nr: event.nr))
        case .exec: executions += 1
        case .values, .exit: break
        }
    }

    private func counter(_ counter: RecordLayout.Counter) throws(BPFError) -> UInt64 {
        try counters.lookupPerCPU(counter.rawValue).reduce(0, &+)
    }

    /// Detaches, drains the ring buffer and reads the counts.
    private func finish(_ reason: ProbeStopReason) throws(DiagnosticsError) -> RecordingOutcome {
        links = []
        var recording = SyscallRecording()
        do {
            try ringBuffer.drain { [unowned self] bytes in self.handle(bytes) }
            for (abi, nr, count) in try RecordLayout.calls(slots: slots, slotCalls: slotCalls, beyond: calls) where abi < Self.abis.count {
                recording.calls[Self.abis[abi], default: [:]][nr, default: 0] += count
            }
            for (abi, nr, kept, count) in try RecordLayout.values(in: values) where abi < Self.abis.count {
                let arity = watchedArguments[RecordingKey(abi: abi, nr: nr & ~Arch.x32SyscallBit)] ?? 2
                let combination = arity == 1 ? [kept.0] : [kept.0, kept.1]
                recording.argumentValues[Self.abis[abi], default: [:]][nr, default: [:]][combination, default: 0] += count
            }
            // Each counted call of a watched syscall also counts its values, unless the values
            // map was full: values that do not add up to the calls are incomplete, and a policy
            // listing them would deny calls that were made. Without them it does not constrain.
            for (arch, perSyscall) in recording.argumentValues {
                for (nr, combinations) in perSyscall where combinations.values.reduce(0, +) != recording.calls[arch]?[nr] {
                    recording.argumentValues[arch]?[nr] = nil
                }
            }
            recording.lostEvents = try counter(.lost)
            recording.callsWithoutRoom = try counter(.noRoom)
        } catch {
            throw ProbeObject.diagnose(error, doing: "reading the recording")
        }
        return RecordingOutcome(recording: recording, stopReason: reason, termination: nil, execFailure: nil,
                                tasksMarkedAtAttach: 0, runtimeTasksLeftOut: 0, threadsNotMarked: 0, cgroups: [])
    }
}
