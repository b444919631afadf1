import CBPF

/// The layout shared with the probe programs (`bpf/sysfence.h`), in Swift terms.
public enum ProbeLayout {
    /// Syscall numbers below this have a slot per ABI in the verdict table.
    public static let verdictSlots = Int(SYSFENCE_VERDICT_SLOTS)
    /// The verdict table's ABIs, in slot order: x86_64, i386, x32.
    public static let abiCount = Int(SYSFENCE_ABI_COUNT.rawValue)
    /// The longest classic-BPF program the interpreter map holds.
    public static let maximumInstructions = Int(SYSFENCE_MAX_INSNS)

    /// What the sys_enter program does with a call from a target.
    public enum Mode: UInt32, Sendable {
        case trace, audit, kill
    }

    /// Sets the object's `.rodata` settings, before it is loaded.
    public static func setSettings(of object: BPFObject, mode: Mode, rateLimit: UInt32) throws(BPFError) {
        try object.setReadOnlyData(sysfence_config(mode: mode.rawValue, rate_limit: rateLimit))
    }

    /// Sets a verdict-table slot: the program's result when it does not depend on the arguments,
    /// `nil` to send the slot's calls through the interpreter.
    public static func setVerdict(_ result: UInt32?, slot: UInt32, in map: BPFMap) throws(BPFError) {
        try map.update(slot, sysfence_verdict(known: result == nil ? 0 : 1, result: result ?? 0))
    }

    /// Stores a classic-BPF instruction at `index` of the interpreter map.
    public static func setInstruction(code: UInt16, jt: UInt8, jf: UInt8, k: UInt32, at index: UInt32, in map: BPFMap) throws(BPFError) {
        try map.update(index, sysfence_insn(code: code, jt: jt, jf: jf, k: k))
    }

    /// The per-CPU counters, by index.
    public enum Counter: UInt32, CaseIterable, Sendable {
        case syscalls, events, lost, rateLimited, killed, interpreted
    }
}

/// One call streamed by the sys_enter program (`struct sysfence_event`).
public struct ProbeRecord: Sendable {
    /// `CLOCK_MONOTONIC`, nanoseconds.
    public var time: UInt64
    public var cgroupID: UInt64
    public var arguments: [UInt64]
    public var instructionPointer: UInt64
    public var pid: UInt32
    public var tid: UInt32
    /// As `seccomp_data.nr`.
    public var nr: UInt32
    /// As `seccomp_data.arch`.
    public var auditArch: UInt32
    /// The seccomp return value the filter gives the call.
    public var result: UInt32
    /// Whether the probe sent SIGKILL to the process.
    public var killed: Bool
    public var command: String

    /// Decodes one ring-buffer record; `nil` when it is too short.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= MemoryLayout<sysfence_event>.size else { return nil }
        let event = bytes.loadUnaligned(as: sysfence_event.self)
        time = event.time_ns
        cgroupID = event.cgroup_id
        arguments = withUnsafeBytes(of: event.args) { Array($0.bindMemory(to: UInt64.self)) }
        instructionPointer = event.instruction_pointer
        pid = event.pid
        tid = event.tid
        nr = event.nr
        auditArch = event.audit_arch
        result = event.result
        killed = event.flags & SYSFENCE_EVENT_KILLED != 0
        command = withUnsafeBytes(of: event.comm) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// The recorder's layout (`bpf/record.bpf.c`, structures in `bpf/sysfence.h`), in Swift terms.
public enum RecordLayout {
    /// The per-CPU counters, by index.
    public enum Counter: UInt32, CaseIterable, Sendable {
        case calls, events, lost, noRoom
    }

    /// Sets which arguments (at most two, low 32 bits masked) the recorder keeps for the calls of
    /// a verdict slot (ABI × slots + number without the x32 bit); no arguments clears the slot.
    public static func setWatch(arguments: [Int], masks: [UInt32], slot: UInt32, in map: BPFMap) throws(BPFError) {
        var watch = sysfence_slot()
        watch.count = UInt32(min(arguments.count, 2))
        if arguments.count > 0 { watch.args.0 = UInt32(arguments[0]); watch.masks.0 = masks[0] }
        if arguments.count > 1 { watch.args.1 = UInt32(arguments[1]); watch.masks.1 = masks[1] }
        try map.update(slot, watch)
    }

    /// Marks a running thread as recorded (task storage keyed by a pidfd of it).
    public static func markRecorded(thread tid: Int32, in map: BPFMap) throws(BPFError) {
        try map.updateTaskStorage(thread: tid, sysfence_task_record(state: SYSFENCE_TASK_RECORDED.rawValue, abi: 0, nr: 0, padding: 0, cgroup: 0))
    }

    /// Every (ABI, number) seen with its count summed over CPUs: the seen slots (`slots`) with
    /// their per-CPU counts (`slotCalls`), and the numbers beyond the slots (`calls`).
    public static func calls(slots: BPFMap, slotCalls: BPFMap, beyond calls: BPFMap) throws(BPFError) -> [(abi: Int, nr: UInt32, count: UInt64)] {
        var result: [(abi: Int, nr: UInt32, count: UInt64)] = []
        for index in 0..<UInt32(ProbeLayout.abiCount * ProbeLayout.verdictSlots) {
            guard let slot = try slots.lookup(index, as: sysfence_slot.self), slot.seen != 0 else { continue }
            let abi = Int(index) / ProbeLayout.verdictSlots
            let nr = index % UInt32(ProbeLayout.verdictSlots) | (abi == Int(SYSFENCE_ABI_X32.rawValue) ? SYSFENCE_X32_SYSCALL_BIT : 0)
            result.append((abi, nr, try slotCalls.lookupPerCPU(index).reduce(0, &+)))
        }
        for key in try calls.keys(of: sysfence_call_key.self) {
            result.append((Int(key.abi), key.nr, try calls.lookupPerCPU(key).reduce(0, &+)))
        }
        return result
    }

    /// Every (ABI, number, the two kept values) of the values map with its count summed over CPUs.
    public static func values(in map: BPFMap) throws(BPFError) -> [(abi: Int, nr: UInt32, values: (UInt32, UInt32), count: UInt64)] {
        var result: [(abi: Int, nr: UInt32, values: (UInt32, UInt32), count: UInt64)] = []
        for key in try map.keys(of: sysfence_value_key.self) {
            result.append((Int(key.abi), key.nr, key.values, try map.lookupPerCPU(key).reduce(0, &+)))
        }
        return result
    }
}

/// One recorder event (`struct sysfence_record_event`).
public struct RecordEvent: Sendable {
    public enum Kind: UInt32, Sendable {
        /// The first call of (abi, nr).
        case syscall
        /// The first call of (abi, nr) with these watched argument values.
        case values
        /// A task of the target executed a program and is recorded from now on.
        case exec
        /// A recorded process ended.
        case exit
    }

    public var kind: Kind
    /// Index of the ABI: x86_64, i386, x32 (as the verdict table orders them).
    public var abi: Int
    /// As `seccomp_data.nr`.
    public var nr: UInt32
    public var values: (UInt32, UInt32)
    public var pid: UInt32
    public var tid: UInt32
    /// For `.exit`: the wait status.
    public var exitCode: Int32
    public var command: String

    /// Decodes one ring-buffer record; `nil` when it is too short or of an unknown kind.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= MemoryLayout<sysfence_record_event>.size else { return nil }
        let event = bytes.loadUnaligned(as: sysfence_record_event.self)
        guard let kind = Kind(rawValue: event.kind) else { return nil }
        self.kind = kind
        abi = Int(event.abi)
        nr = event.nr
        values = event.values
        pid = event.pid
        tid = event.tid
        exitCode = event.exit_code
        command = withUnsafeBytes(of: event.comm) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
