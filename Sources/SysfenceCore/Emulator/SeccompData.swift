/// The input of a seccomp filter, as the kernel lays out `struct seccomp_data`.
public struct SeccompData: Hashable, Sendable {
    public var nr: UInt32
    public var arch: UInt32
    public var instructionPointer: UInt64
    /// The six argument registers.
    public var arguments: [UInt64]

    public init(nr: UInt32, arch: UInt32, instructionPointer: UInt64 = 0, arguments: [UInt64] = []) {
        self.nr = nr
        self.arch = arch
        self.instructionPointer = instructionPointer
        self.arguments = Array((arguments + Array(repeating: 0, count: 6)).prefix(6))
    }

    /// Whether the ABI stores 64-bit values low word first (`__AUDIT_ARCH_LE`).
    var isLittleEndian: Bool { arch & 0x4000_0000 != 0 }

    /// The 32-bit word a `BPF_LD|BPF_W|BPF_ABS` at `offset` reads, or `nil` outside the structure
    /// or when not 4-byte aligned (the kernel refuses such a filter).
    public func word(at offset: UInt32) -> UInt32? {
        guard offset % 4 == 0, offset < SeccompDataOffset.size else { return nil }
        switch offset {
        case SeccompDataOffset.nr: return nr
        case SeccompDataOffset.arch: return arch
        default:
            let value = offset < 16 ? instructionPointer : arguments[Int(offset - 16) / 8]
            let isFirstWord = (offset / 4) % 2 == 0
            return isFirstWord == isLittleEndian ? UInt32(truncatingIfNeeded: value) : UInt32(truncatingIfNeeded: value >> 32)
        }
    }
}
