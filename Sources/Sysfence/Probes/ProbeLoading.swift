import BPFLoader
import Foundation

/// Loading the probe object (`bpf/sysfence.bpf.c`, embedded at build time by the BPFProbes plugin)
/// and installing a seccomp program in its maps.
enum ProbeObject {
    static let btfPath = "/sys/kernel/btf/vmlinux"

    /// Opens the embedded probe object with these settings, loads only `program`, and reports what
    /// the kernel lacks in words a user can act on.
    static func load(program: String, mode: ProbeLayout.Mode, rateLimit: UInt32) throws(DiagnosticsError) -> BPFObject {
        try load("sysfence") { object throws(BPFError) in
            try ProbeLayout.setSettings(of: object, mode: mode, rateLimit: rateLimit)
            for other in ["sys_enter", "decide_test"] where other != program {
                try object.setAutoload(program: other, false)
            }
        }
    }

    /// Opens the embedded object `bpf/NAME.bpf.c`, lets `configure` set it up, and loads it.
    static func load(_ name: String, configure: (BPFObject) throws(BPFError) -> Void = { _ in }) throws(DiagnosticsError) -> BPFObject {
        guard FileManager.default.fileExists(atPath: btfPath) else {
            throw DiagnosticsError(at: nil, "the kernel has no BTF (\(btfPath) is missing); sysfence's eBPF probes need a kernel built with CONFIG_DEBUG_INFO_BTF")
        }
        guard let elf = embeddedBPFObjects[name].flatMap({ Data(base64Encoded: $0) }) else {
            throw DiagnosticsError(at: nil, "the embedded eBPF object '\(name)' is corrupt; rebuild sysfence")
        }
        do {
            let object = try BPFObject(elf: Array(elf), name: name)
            try configure(object)
            try object.load()
            return object
        } catch {
            throw diagnose(error, doing: "loading the eBPF \(name == "record" ? "recorder" : "probes")")
        }
    }

    /// A kernel error as a diagnostic that names the likely cause.
    static func diagnose(_ error: BPFError, doing what: String) -> DiagnosticsError {
        if error.isPermissionDenied {
            return DiagnosticsError(at: nil, "\(what): permission denied; run as root (CAP_BPF and CAP_PERFMON are needed)")
        }
        if error.isNotFound, error.function.contains("attach") {
            return DiagnosticsError(at: nil, "\(what): the kernel has no raw_syscalls:sys_enter tracepoint (CONFIG_FTRACE_SYSCALLS)")
        }
        return DiagnosticsError(at: nil, "\(what): \(error)")
    }

    /// Stores `program` in the interpreter map and, unless `verdictTable` is false, the result of
    /// every (ABI, syscall number) whose path through the program does not read the arguments.
    static func install(_ program: [BPFInstruction], in object: BPFObject, verdictTable: Bool) throws(DiagnosticsError) {
        do {
            try BPFEmulator.validate(program)
        } catch {
            throw DiagnosticsError(at: nil, "the seccomp program is invalid: \(error)")
        }
        do {
            let instructions = try object.map(named: "filter")
            for (index, instruction) in program.enumerated() {
                try ProbeLayout.setInstruction(code: instruction.code, jt: instruction.jt, jf: instruction.jf, k: instruction.k,
                                               at: UInt32(index), in: instructions)
            }
            guard verdictTable else { return }
            let verdicts = try object.map(named: "verdicts")
            let abis: [(arch: UInt32, numberBits: UInt32)] = [
                (Arch.x86_64.auditArch, 0), (Arch.x86.auditArch, 0), (Arch.x32.auditArch, Arch.x32SyscallBit),
            ]
            for (abi, (arch, bits)) in abis.enumerated() {
                for slot in 0..<ProbeLayout.verdictSlots {
                    guard let result = BPFEmulator.constantResult(program, arch: arch, nr: UInt32(slot) | bits) else { continue }
                    try ProbeLayout.setVerdict(result, slot: UInt32(abi * ProbeLayout.verdictSlots + slot), in: verdicts)
                }
            }
        } catch {
            throw diagnose(error, doing: "installing the seccomp program in the probe")
        }
    }
}

/// The target cgroups of a loaded probe or recorder (`bpf/target.bpf.h`): the `targets` map and
/// the generation that makes the programs recompute the membership they cached per cgroup.
final class TargetCgroups {
    private let object: BPFObject
    private let map: BPFMap
    private var generation: UInt32 = 0

    init(of object: BPFObject) throws(DiagnosticsError) {
        self.object = object
        do { map = try object.map(named: "targets") } catch { throw ProbeObject.diagnose(error, doing: "finding the targets map") }
    }

    /// Adds cgroups (by id); their descendants are included.
    func add(_ cgroupIDs: some Sequence<UInt64>) throws(DiagnosticsError) {
        do {
            for id in cgroupIDs { try map.update(id, UInt8(1)) }
            // Cgroups already judged outside every target may now be inside one.
            generation &+= 1
            try object.setZeroInitializedData(generation)
        } catch {
            throw ProbeObject.diagnose(error, doing: "adding targets")
        }
    }
}

/// Runs a classic-BPF seccomp program the way the audit probe does, in the kernel, on chosen input
/// (`BPF_PROG_TEST_RUN`): the check that the probe's verdicts equal the seccomp filter's.
public final class EBPFSeccompDecider {
    private let object: BPFObject
    private let program: BPFProgram

    /// Loads the probe's decision code with `program`; `verdictTable: false` makes every call go
    /// through the interpreter instead of the table of argument-free results.
    public init(program seccompProgram: [BPFInstruction], verdictTable: Bool = true) throws(DiagnosticsError) {
        object = try ProbeObject.load(program: "decide_test", mode: .audit, rateLimit: 0)
        try ProbeObject.install(seccompProgram, in: object, verdictTable: verdictTable)
        do {
            program = try object.program(named: "decide_test")
        } catch {
            throw ProbeObject.diagnose(error, doing: "finding the decision program")
        }
    }

    /// The seccomp return value the probe computes for `data`.
    public func decide(_ data: SeccompData) throws(DiagnosticsError) -> UInt32 {
        var context: [UInt8] = []
        context.reserveCapacity(Int(SeccompDataOffset.size))
        for offset in stride(from: 0, to: SeccompDataOffset.size, by: 4) {
            withUnsafeBytes(of: data.word(at: offset)!.littleEndian) { context.append(contentsOf: $0) }
        }
        do {
            return try program.testRun(context: context)
        } catch {
            throw ProbeObject.diagnose(error, doing: "running the decision program")
        }
    }
}
