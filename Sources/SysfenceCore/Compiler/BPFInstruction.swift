/// One classic-BPF instruction, laid out like the kernel's `struct sock_filter`.
public struct BPFInstruction: Hashable, Sendable {
    public var code: UInt16
    public var jt: UInt8
    public var jf: UInt8
    public var k: UInt32

    public init(code: UInt16, jt: UInt8 = 0, jf: UInt8 = 0, k: UInt32 = 0) {
        self.code = code
        self.jt = jt
        self.jf = jf
        self.k = k
    }

    /// The size of one instruction in a program image.
    public static let byteSize = 8

    /// The largest program the kernel accepts (`BPF_MAXINSNS`).
    public static let maximumProgramLength = 4096
}

/// Opcode parts of classic BPF (`linux/bpf_common.h`).
public enum BPFOpcode {
    // classes
    public static let ld: UInt16 = 0x00
    public static let ldx: UInt16 = 0x01
    public static let st: UInt16 = 0x02
    public static let stx: UInt16 = 0x03
    public static let alu: UInt16 = 0x04
    public static let jmp: UInt16 = 0x05
    public static let ret: UInt16 = 0x06
    public static let misc: UInt16 = 0x07
    // sizes
    public static let w: UInt16 = 0x00
    public static let h: UInt16 = 0x08
    public static let b: UInt16 = 0x10
    // modes
    public static let imm: UInt16 = 0x00
    public static let abs: UInt16 = 0x20
    public static let ind: UInt16 = 0x40
    public static let mem: UInt16 = 0x60
    public static let len: UInt16 = 0x80
    public static let msh: UInt16 = 0xA0
    // alu and jump operations
    public static let add: UInt16 = 0x00
    public static let sub: UInt16 = 0x10
    public static let mul: UInt16 = 0x20
    public static let div: UInt16 = 0x30
    public static let or: UInt16 = 0x40
    public static let and: UInt16 = 0x50
    public static let lsh: UInt16 = 0x60
    public static let rsh: UInt16 = 0x70
    public static let neg: UInt16 = 0x80
    public static let mod: UInt16 = 0x90
    public static let xor: UInt16 = 0xA0
    public static let ja: UInt16 = 0x00
    public static let jeq: UInt16 = 0x10
    public static let jgt: UInt16 = 0x20
    public static let jge: UInt16 = 0x30
    public static let jset: UInt16 = 0x40
    // sources
    public static let k: UInt16 = 0x00
    public static let x: UInt16 = 0x08
    public static let a: UInt16 = 0x10
    // misc
    public static let tax: UInt16 = 0x00
    public static let txa: UInt16 = 0x80
}

/// Offsets into `struct seccomp_data`.
public enum SeccompDataOffset {
    public static let nr: UInt32 = 0
    public static let arch: UInt32 = 4
    public static let instructionPointer: UInt32 = 8
    /// The low word of argument `index` on a little-endian arch.
    public static func argumentLow(_ index: Int, littleEndian: Bool = true) -> UInt32 {
        UInt32(16 + 8 * index + (littleEndian ? 0 : 4))
    }
    /// The high word of argument `index`.
    public static func argumentHigh(_ index: Int, littleEndian: Bool = true) -> UInt32 {
        UInt32(16 + 8 * index + (littleEndian ? 4 : 0))
    }
    /// The size of `struct seccomp_data`.
    public static let size: UInt32 = 64
}

extension Array where Element == BPFInstruction {
    /// The program as bytes in host order, as `seccomp_export_bpf` writes it.
    public var programImage: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * BPFInstruction.byteSize)
        for i in self {
            Swift.withUnsafeBytes(of: i.code) { bytes.append(contentsOf: $0) }
            bytes.append(i.jt)
            bytes.append(i.jf)
            Swift.withUnsafeBytes(of: i.k) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Reads a program image in host order; `nil` when the size is not a multiple of 8.
    public init?(programImage bytes: [UInt8]) {
        guard bytes.count % BPFInstruction.byteSize == 0 else { return nil }
        self = stride(from: 0, to: bytes.count, by: BPFInstruction.byteSize).map { at in
            var code: UInt16 = 0
            var k: UInt32 = 0
            Swift.withUnsafeMutableBytes(of: &code) { $0.copyBytes(from: bytes[at..<at + 2]) }
            Swift.withUnsafeMutableBytes(of: &k) { $0.copyBytes(from: bytes[at + 4..<at + 8]) }
            return BPFInstruction(code: code, jt: bytes[at + 2], jf: bytes[at + 3], k: k)
        }
    }
}
