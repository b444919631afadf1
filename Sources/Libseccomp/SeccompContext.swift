import CSeccomp
import Glibc
import SysfenceCore

/// A failed libseccomp call: the function and the negative errno it returned.
public struct LibseccompError: Error, CustomStringConvertible {
    public var function: String
    public var code: Int32

    public var description: String { "\(function) failed: \(String(cString: strerror(-code)))" }
}

private func check(_ result: Int32, _ function: String) throws {
    if result < 0 { throw LibseccompError(function: function, code: result) }
}

/// A comparison libseccomp can express on one argument (`struct scmp_arg_cmp`).
public struct LibseccompComparison: Sendable {
    public enum Operator: Sendable {
        case notEqual, less, lessOrEqual, equal, greaterOrEqual, greater
        /// `(arg & mask) == datum`.
        case maskedEqual(mask: UInt64)
    }

    public var argument: Int
    public var op: Operator
    public var datum: UInt64

    public init(argument: Int, op: Operator, datum: UInt64) {
        self.argument = argument
        self.op = op
        self.datum = datum
    }

    var raw: scmp_arg_cmp {
        switch op {
        case .notEqual: return scmp_arg_cmp(arg: UInt32(argument), op: SCMP_CMP_NE, datum_a: datum, datum_b: 0)
        case .less: return scmp_arg_cmp(arg: UInt32(argument), op: SCMP_CMP_LT, datum_a: datum, datum_b: 0)
        case .lessOrEqual: return scmp_arg_cmp(arg: UInt32(argument), op: SCMP_CMP_LE, datum_a: datum, datum_b: 0)
        case .equal: return scmp_arg_cmp(arg: UInt32(argument), op: SCMP_CMP_EQ, datum_a: datum, datum_b: 0)
        case .greaterOrEqual: return scmp_arg_cmp(arg: UInt32(argument), op: SCMP_CMP_GE, datum_a: datum, datum_b: 0)
        case .greater: return scmp_arg_cmp(arg: UInt32(argument), op: SCMP_CMP_GT, datum_a: datum, datum_b: 0)
        case .maskedEqual(let mask):
            return scmp_arg_cmp(arg: UInt32(argument), op: SCMP_CMP_MASKED_EQ, datum_a: mask, datum_b: datum)
        }
    }
}

/// An owned libseccomp filter context (`scmp_filter_ctx`), released on deinit.
///
/// Used as the reference that sysfence's own compiler is measured and tested against, and to
/// answer how libseccomp decides a profile.
public final class SeccompContext {
    private let context: scmp_filter_ctx
    /// Whether the context's arches are big-endian, in which case libseccomp exports the program
    /// in that byte order.
    private var bigEndian = false

    /// A context with only the native arch, `SCMP_FLTATR_CTL_NNP` off, and this default action.
    public init(defaultAction: Action) throws {
        guard let context = seccomp_init(defaultAction.seccompReturnValue) else {
            throw LibseccompError(function: "seccomp_init", code: -EINVAL)
        }
        self.context = context
        try check(seccomp_attr_set(context, SCMP_FLTATR_CTL_NNP, 0), "seccomp_attr_set(NNP)")
    }

    deinit { seccomp_release(context) }

    /// The libseccomp token of an arch.
    static func token(_ arch: Arch) -> UInt32 {
        let name: String
        switch arch {
        case .x86: name = "x86"
        case .x86_64: name = "x86_64"
        case .x32: name = "x32"
        case .aarch64: name = "aarch64"
        case .arm: name = "arm"
        case .riscv64: name = "riscv64"
        case .ppc64le: name = "ppc64le"
        case .s390x: name = "s390x"
        }
        return seccomp_arch_resolve_name(name)
    }

    /// Replaces the arch list with `arches`, in that order.
    public func setArches(_ arches: [Arch]) throws {
        // Remove the native arch first: libseccomp refuses to mix byte orders in one context.
        if !arches.contains(.native) {
            try check(seccomp_arch_remove(context, seccomp_arch_native()), "seccomp_arch_remove")
        }
        for arch in arches where arch != .native { try check(seccomp_arch_add(context, Self.token(arch)), "seccomp_arch_add(\(arch))") }
        bigEndian = arches.allSatisfy { !$0.isLittleEndian }
    }

    /// The action for an arch the filter does not list (`SCMP_FLTATR_ACT_BADARCH`).
    public func setBadArchAction(_ action: Action) throws {
        try check(seccomp_attr_set(context, SCMP_FLTATR_ACT_BADARCH, action.seccompReturnValue), "seccomp_attr_set(BADARCH)")
    }

    /// The optimizer level (`SCMP_FLTATR_CTL_OPTIMIZE`): 1 is a priority list, 2 a binary tree.
    public func setOptimizeLevel(_ level: UInt32) throws {
        try check(seccomp_attr_set(context, SCMP_FLTATR_CTL_OPTIMIZE, level), "seccomp_attr_set(OPTIMIZE)")
    }

    /// Adds a rule for a syscall named by its native number, as `seccomp_rule_add_array` does:
    /// libseccomp translates it to every arch of the context by name.
    public func addRule(_ action: Action, syscall: Int32, comparisons: [LibseccompComparison] = []) throws {
        var raw = comparisons.map(\.raw)
        try check(seccomp_rule_add_array(context, action.seccompReturnValue, syscall, UInt32(raw.count), &raw),
                  "seccomp_rule_add_array(\(syscall))")
    }

    /// The native number libseccomp gives a syscall name (a negative pseudo-number where the
    /// native arch lacks it), or `nil` where it knows no such name.
    public static func resolve(_ name: String) -> Int32? {
        let number = seccomp_syscall_resolve_name(name)
        return number == __NR_SCMP_ERROR ? nil : number
    }

    /// The generated program, as `seccomp_export_bpf` writes it.
    public func exportBPF() throws -> [BPFInstruction] {
        guard let file = tmpfile() else { throw LibseccompError(function: "tmpfile", code: -errno) }
        defer { fclose(file) }
        let fd = fileno(file)
        try check(seccomp_export_bpf(context, fd), "seccomp_export_bpf")
        let size = lseek(fd, 0, SEEK_END)
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(size), 0) }
        guard read == size, let program = [BPFInstruction](programImage: bytes) else {
            throw LibseccompError(function: "read exported filter", code: -EIO)
        }
        let hostIsBigEndian = UInt16(1).bigEndian == 1
        guard bigEndian != hostIsBigEndian else { return program }
        return program.map { BPFInstruction(code: $0.code.byteSwapped, jt: $0.jt, jf: $0.jf, k: $0.k.byteSwapped) }
    }
}
