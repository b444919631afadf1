import SysfenceCore

/// Small tables, so the syntax tests do not depend on the machine's libseccomp or headers.
enum SyntaxFixtures {
    static let syscalls = SyscallTable([
        .x86_64: ["read": 0, "write": 1, "open": 2, "close": 3, "fork": 57, "openat": 257],
        .x86: ["read": 3, "write": 4, "open": 5, "close": 6, "fork": 2, "openat": 295],
        .aarch64: ["read": 63, "write": 64, "close": 57, "openat": 56],
    ])

    static let constants = ConstantTable(
        values: ["AF_UNIX": 1, "AF_INET": 2, "AF_INET6": 10, "O_RDONLY": 0, "O_WRONLY": 1, "O_RDWR": 2, "O_ACCMODE": 3,
                 "FLAG_A": 1, "FLAG_B": 2, "FLAG_C": 4, "AT_FDCWD": UInt64(bitPattern: -100)],
        errnos: ["EPERM": 1, "EACCES": 13, "ENOSYS": 38])

    /// `(argN & mask) op value` on the view `width`.
    static func compare(_ argument: Int, _ op: ComparisonOperator, _ value: UInt64, mask: UInt64 = .max,
                        width: ArgumentWidth = .full) -> Condition {
        .comparison(Comparison(argument: argument, width: width, mask: mask, op: op, value: value))
    }
}
