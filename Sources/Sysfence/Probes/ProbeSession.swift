import BPFLoader
import Foundation
import Libseccomp

/// Why a probe run ended.
public enum ProbeStopReason: Hashable, Sendable {
    /// The caller asked (a signal, for the command line).
    case requested
    /// Every target cgroup was removed, or the target process exited.
    case targetExited
    /// The time asked for has passed (`sysfence record --duration`).
    case durationElapsed
}

/// A probe attached to targets, streaming events until asked to stop or until its targets are gone.
/// `sysfence audit` and `sysfence trace` are this loop with printing.
public final class ProbeSession {
    /// The cgroup hierarchy targets were found in.
    public var hierarchy: CgroupHierarchy { tracker.hierarchy }
    /// The cgroups watched, by id (descendants are watched too).
    public var watched: [UInt64: WatchedCgroup] { tracker.watched }
    private let tracker: TargetTracker
    private let probe: SyscallProbe
    private let decisions: DecisionProgram?
    private let policy: Policy?
    private var cgroupNames: [UInt64: WatchedCgroup] = [:]
    private let clock = monotonicAndRealtimeNanoseconds()

    /// Loads the probe for `mode`, resolves `targets` and attaches. `policy`, when given, supplies
    /// the rule locations of events. Fails with a clear message when the kernel lacks BTF, the
    /// tracepoint or the privileges, or when a target does not exist.
    public init(targets: [ProbeTarget], mode: ProbeMode, policy: Policy? = nil, rateLimit: UInt32 = 0) throws(DiagnosticsError) {
        self.policy = policy
        if case .audit(let filter, _) = mode { self.decisions = filter.decisions } else { self.decisions = nil }
        let probe = try SyscallProbe(mode: mode, rateLimit: rateLimit)
        self.probe = probe
        tracker = try TargetTracker(targets) { (cgroups) throws(DiagnosticsError) in try probe.watch(cgroups.map(\.id)) }
        try probe.attach()
    }

    /// Polls events until `shouldStop` returns true (asked about ten times a second) or every
    /// target is gone; then drains what is left, detaches and returns the counters.
    /// With `.allContainers`, containers started meanwhile are added.
    public func run(shouldStop: () -> Bool, onEvent: @escaping (ProbeEvent) -> Void) throws(DiagnosticsError) -> (ProbeCounters, ProbeStopReason) {
        let handle: (ProbeRecord) -> Void = { [unowned self] record in onEvent(self.event(from: record)) }
        var reason = ProbeStopReason.requested
        while !shouldStop() {
            try probe.poll(timeoutMilliseconds: 100, handle)
            try tracker.refresh()
            if tracker.gone {
                reason = .targetExited
                break
            }
        }
        try probe.drain(handle)
        probe.detach()
        try probe.drain(handle)
        return (try probe.readCounters(), reason)
    }

    /// The watched cgroup (or descendant) with this id, found by rescanning the targets' subtrees.
    private func cgroup(id: UInt64) -> WatchedCgroup? {
        if let known = watched[id] ?? cgroupNames[id] { return known }
        for target in watched.values {
            for path in hierarchy.subtree(of: target.path) {
                if let found = try? hierarchy.id(of: path) {
                    cgroupNames[found] = WatchedCgroup(path: path, id: found, container: target.container)
                }
            }
        }
        return cgroupNames[id]
    }

    private func event(from record: ProbeRecord) -> ProbeEvent {
        let arch: Arch?
        switch record.auditArch {
        case Arch.x86.auditArch: arch = .x86
        case Arch.x86_64.auditArch: arch = record.nr & Arch.x32SyscallBit != 0 ? .x32 : .x86_64
        default: arch = nil
        }
        let watchedCgroup = cgroup(id: record.cgroupID)
        var verdict: Action?
        var rule: Int?
        if let decisions {
            verdict = Action(seccompReturnValue: record.result)
            let reference = decisions.decide(auditArch: record.auditArch, nr: record.nr, arguments: record.arguments)
            if reference.action.seccompReturnValue == record.result { rule = reference.rule }
        } else if record.result != Action.allow.seccompReturnValue {
            verdict = Action(seccompReturnValue: record.result)
        }
        let wallNanoseconds = clock.realtime &+ record.time &- clock.monotonic
        return ProbeEvent(
            time: Date(timeIntervalSince1970: Double(wallNanoseconds) / 1e9),
            cgroup: watchedCgroup?.path ?? "cgroup id \(record.cgroupID)",
            container: watchedCgroup?.container,
            pid: record.pid, tid: record.tid, command: record.command,
            arch: arch, nr: record.nr,
            syscall: arch.flatMap { SyscallTable.libseccomp.name(of: record.nr, on: $0) },
            arguments: record.arguments,
            verdict: verdict, rule: rule,
            ruleLocation: rule.flatMap { policy?.rules[$0].source?.rule },
            killed: record.killed)
    }
}
