import Libseccomp
import Sysfence

/// Compares what a sysfence policy decides with what libseccomp's filter for an OCI profile
/// decides, on every syscall number of every arch (x32 numbers, unnamed numbers and -1 too) and on
/// argument values at every boundary the profile's tests draw.
public struct ProfileDifferential {
    public var profile: SeccompProfile
    public var native: Arch
    /// libseccomp's filter, built as runc builds it.
    public let reference: [BPFInstruction]

    /// Builds the reference filter for `profile` on a host of `native`.
    public init(profile: SeccompProfile, native: Arch = .native) throws {
        self.profile = profile
        self.native = native
        reference = try LibseccompReferenceCompiler().compile(profile.libseccompRules(native: native)).instructions
    }

    /// One disagreement.
    public struct Difference: CustomStringConvertible {
        public var arch: Arch
        public var nr: UInt32
        public var arguments: [UInt64]
        public var libseccomp: Action
        public var sysfence: Action
        public var description: String {
            let name = SyscallTable.libseccomp.name(of: nr, on: arch) ?? "#\(nr)"
            return "\(arch) \(name) \(arguments.map { "0x" + String($0, radix: 16) }): libseccomp \(libseccomp), sysfence \(sysfence)"
        }
    }

    /// The calls checked and the differences found, comparing libseccomp's filter with `decide`.
    public func compare(_ decide: (SeccompData) -> Action) -> (checked: Int, differences: [Difference]) {
        let table = SyscallTable.libseccomp
        var checked = 0
        var differences: [Difference] = []
        let arches = Set(profile.filterArches(native: native) + [.x86_64, .x86, .aarch64])
        for arch in Arch.allCases where arches.contains(arch) || arch == .x32 {
            var numbers = Set(table.syscalls(on: arch).map(\.number))
            let base: UInt32 = arch == .x32 ? Arch.x32SyscallBit : 0
            numbers.formUnion([base + 0, base + 1023, base + 2000, base + 0x3FFF_FFFE, 0xFFFF_FFFF])
            for nr in numbers.sorted() {
                let name = table.name(of: nr, on: arch)
                for arguments in vectors(for: name) {
                    let data = SeccompData(nr: nr, arch: arch.auditArch, arguments: arguments)
                    let expected = Action(seccompReturnValue: BPFEmulator.run(reference, on: data))
                    let got = decide(data)
                    checked += 1
                    if expected != got {
                        differences.append(Difference(arch: arch, nr: nr, arguments: arguments, libseccomp: expected, sysfence: got))
                    }
                }
            }
        }
        return (checked, differences)
    }

    /// Argument vectors for one syscall: every combination, over the argument indexes the profile
    /// tests for that name (or for the socket-family names, whose tests libseccomp moves onto
    /// socketcall on x86), of the tested values, their neighbours, masked variants and sign extensions.
    func vectors(for name: String?) -> [[UInt64]] {
        var perIndex: [Int: Set<UInt64>] = [:]
        for rule in profile.syscalls where name.map(rule.names.contains) ?? false || name == "socketcall" || name == "ipc" {
            for argument in rule.arguments {
                let v = argument.op == .maskedEqual ? argument.valueTwo & argument.value : argument.value
                var values: Set<UInt64> = [v, v &- 1, v &+ 1, v & 0xFFFF_FFFF, v | 0xFFFF_FFFF_0000_0000, v ^ 0x1_0000_0000]
                if argument.op == .maskedEqual {
                    let lowBit = argument.value & (~argument.value &+ 1)
                    values.formUnion([v | ~argument.value, v ^ lowBit, (v ^ lowBit) | ~argument.value])
                }
                perIndex[argument.index, default: [0, 0xFFFF_FFFF, .max]].formUnion(values)
            }
        }
        if name == "socketcall" || name == "ipc" { perIndex[0, default: []].formUnion((0...24).map(UInt64.init)) }
        var vectors: [[UInt64]] = [Array(repeating: 0, count: 6)]
        for (index, values) in perIndex.sorted(by: { $0.key < $1.key }) {
            vectors = vectors.flatMap { vector in
                values.sorted().map { value in
                    var copy = vector
                    copy[index] = value
                    return copy
                }
            }
            if vectors.count > 50_000 { vectors = Array(vectors.prefix(50_000)) }
        }
        return vectors
    }
}
