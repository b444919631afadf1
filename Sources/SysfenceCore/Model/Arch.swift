/// A Linux system-call ABI that a filter can admit.
///
/// `x32` shares `AUDIT_ARCH_X86_64` with `x86_64`; the kernel tells them apart by bit
/// 0x40000000 (`__X32_SYSCALL_BIT`) of the syscall number, so listing `x86_64` never admits x32.
public enum Arch: String, CaseIterable, Sendable, Hashable, Comparable, Codable {
    case x86_64
    case x86
    case x32
    case aarch64
    case arm
    case riscv64
    case ppc64le
    case s390x

    /// The `AUDIT_ARCH_*` value the kernel reports in `seccomp_data.arch` for this ABI.
    public var auditArch: UInt32 {
        switch self {
        case .x86_64, .x32: return 0xC000_003E  // AUDIT_ARCH_X86_64
        case .x86: return 0x4000_0003  // AUDIT_ARCH_I386
        case .aarch64: return 0xC000_00B7  // AUDIT_ARCH_AARCH64
        case .arm: return 0x4000_0028  // AUDIT_ARCH_ARM
        case .riscv64: return 0xC000_00F3  // AUDIT_ARCH_RISCV64
        case .ppc64le: return 0xC000_0015  // AUDIT_ARCH_PPC64LE
        case .s390x: return 0x8000_0016  // AUDIT_ARCH_S390X
        }
    }

    /// Whether the ABI is little-endian, which decides where the low word of an argument lies.
    public var isLittleEndian: Bool { self != .s390x }

    /// The bit that marks x32 syscall numbers on the x86_64 audit arch.
    public static let x32SyscallBit: UInt32 = 0x4000_0000

    /// The ABI this process runs as.
    public static var native: Arch {
        #if arch(x86_64)
        return .x86_64
        #elseif arch(arm64)
        return .aarch64
        #elseif arch(i386)
        return .x86
        #elseif arch(arm)
        return .arm
        #elseif arch(riscv64)
        return .riscv64
        #elseif arch(powerpc64le)
        return .ppc64le
        #elseif arch(s390x)
        return .s390x
        #else
        #error("unsupported host architecture")
        #endif
    }

    /// Names accepted in policies besides the canonical one (OCI and Go spellings).
    static let aliases: [String: Arch] = [
        "amd64": .x86_64, "i386": .x86, "i686": .x86, "386": .x86, "arm64": .aarch64,
        "armhf": .arm, "ppc64el": .ppc64le,
    ]

    /// Parses a canonical name or a common alias (`amd64`, `i386`, `arm64`).
    public init?(name: String) {
        if let arch = Arch(rawValue: name) {
            self = arch
        } else if let arch = Arch.aliases[name] {
            self = arch
        } else {
            return nil
        }
    }

    public static func < (lhs: Arch, rhs: Arch) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
