import CSeccomp
import Glibc
import SysfenceCore

extension SyscallTable {
    /// Every syscall libseccomp knows, for every arch sysfence supports.
    ///
    /// libseccomp answers number-to-name per arch; the scan covers the ordinary number space, the
    /// x32 range (numbers with `__X32_SYSCALL_BIT`) and ARM's private range (0x0f0000...).
    public static let libseccomp: SyscallTable = {
        var tables: [Arch: [String: UInt32]] = [:]
        for arch in Arch.allCases {
            let token = SeccompContext.token(arch)
            var table: [String: UInt32] = [:]
            let base: UInt32 = arch == .x32 ? Arch.x32SyscallBit : 0
            var candidates = Array(base..<base + 1100)
            if arch == .arm { candidates += Array(0x000F_0000...0x000F_0010) }
            for number in candidates {
                guard let name = seccomp_syscall_resolve_num_arch(token, Int32(bitPattern: number)) else { continue }
                table[String(cString: name)] = number
                free(name)
            }
            tables[arch] = table
        }
        return SyscallTable(tables)
    }()
}
