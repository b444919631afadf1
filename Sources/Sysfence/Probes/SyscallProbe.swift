import BPFLoader
import Foundation

/// What the probe does with the calls of its targets.
public enum ProbeMode: Sendable {
    /// Streams every call.
    case trace
    /// Decides every call with the filter's classic-BPF program, the one seccomp would run, and
    /// streams those it does not allow; with `kill`, also sends SIGKILL to the calling process on
    /// every call it denies (a `log` verdict is streamed, not killed). The filter's decision form
    /// names the rule behind each verdict.
    case audit(SeccompFilter, kill: Bool)
}

/// What the probe counted, read from its per-CPU counters.
public struct ProbeCounters: Hashable, Sendable, Codable {
    /// Calls made by target processes.
    public var syscalls: UInt64 = 0
    /// Events written to the ring buffer.
    public var events: UInt64 = 0
    /// Events dropped because the ring buffer was full.
    public var lost: UInt64 = 0
    /// Events dropped by the per-cgroup rate limit.
    public var rateLimited: UInt64 = 0
    /// SIGKILLs sent.
    public var killed: UInt64 = 0
    /// Decisions that ran the classic-BPF interpreter (argument-dependent verdicts).
    public var interpreted: UInt64 = 0

    /// One line for the end of a run.
    public var summary: String {
        "\(syscalls) calls from targets, \(events) events, \(lost) lost (ring buffer full), \(rateLimited) rate-limited, \(killed) killed, \(interpreted) decided by the interpreter"
    }
}

/// The sys_enter probe, loaded and attached: owns its programs, maps, link and ring buffer, and
/// leaves nothing in the kernel once released.
public final class SyscallProbe {
    private let object: BPFObject
    private let targets: TargetCgroups
    private let counters: BPFMap
    private let ringBuffer: BPFRingBuffer
    private var link: BPFLink?

    /// Loads the probe; it watches nothing until `watch` adds a cgroup and `attach` runs.
    /// `rateLimit` caps the events per second of each cgroup (0: no cap).
    public init(mode: ProbeMode, rateLimit: UInt32 = 0) throws(DiagnosticsError) {
        let layoutMode: ProbeLayout.Mode
        switch mode {
        case .trace: layoutMode = .trace
        case .audit(_, let kill): layoutMode = kill ? .kill : .audit
        }
        object = try ProbeObject.load(program: "sys_enter", mode: layoutMode, rateLimit: rateLimit)
        if case .audit(let filter, _) = mode {
            try ProbeObject.install(filter.instructions, in: object, verdictTable: true)
        }
        targets = try TargetCgroups(of: object)
        do {
            counters = try object.map(named: "counters")
            ringBuffer = try BPFRingBuffer(map: try object.map(named: "events"))
        } catch {
            throw ProbeObject.diagnose(error, doing: "setting up the probe's maps")
        }
    }

    /// Adds cgroups (by id) to the targets; their descendants are included.
    public func watch(_ cgroupIDs: some Sequence<UInt64>) throws(DiagnosticsError) {
        try targets.add(cgroupIDs)
    }

    /// Attaches the program to the sys_enter tracepoint.
    public func attach() throws(DiagnosticsError) {
        do {
            link = try object.program(named: "sys_enter").attach()
        } catch {
            throw ProbeObject.diagnose(error, doing: "attaching to the sys_enter tracepoint")
        }
    }

    /// Detaches the program; the maps stay readable.
    public func detach() { link = nil }

    /// Waits up to `timeoutMilliseconds` for records and hands each to `body`; returns the count.
    @discardableResult
    public func poll(timeoutMilliseconds: Int32, _ body: @escaping (ProbeRecord) -> Void) throws(DiagnosticsError) -> Int {
        do {
            return try ringBuffer.poll(timeoutMilliseconds: timeoutMilliseconds) { bytes in
                if let record = ProbeRecord(bytes) { body(record) }
            }
        } catch {
            throw ProbeObject.diagnose(error, doing: "reading events")
        }
    }

    /// Hands every record already in the ring buffer to `body`, without waiting.
    @discardableResult
    public func drain(_ body: @escaping (ProbeRecord) -> Void) throws(DiagnosticsError) -> Int {
        do {
            return try ringBuffer.drain { bytes in
                if let record = ProbeRecord(bytes) { body(record) }
            }
        } catch {
            throw ProbeObject.diagnose(error, doing: "reading events")
        }
    }

    /// The counters, summed over CPUs.
    public func readCounters() throws(DiagnosticsError) -> ProbeCounters {
        var result = ProbeCounters()
        do {
            for counter in ProbeLayout.Counter.allCases {
                let total = try counters.lookupPerCPU(counter.rawValue).reduce(0, &+)
                switch counter {
                case .syscalls: result.syscalls = total
                case .events: result.events = total
                case .lost: result.lost = total
                case .rateLimited: result.rateLimited = total
                case .killed: result.killed = total
                case .interpreted: result.interpreted = total
                }
            }
        } catch {
            throw ProbeObject.diagnose(error, doing: "reading the counters")
        }
        return result
    }
}
