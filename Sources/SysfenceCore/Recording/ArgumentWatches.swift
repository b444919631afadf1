/// The syscalls whose argument values a recording keeps, and why.
///
/// Each watched argument is an `int` or `unsigned int` in the kernel (or, for `clone`'s flags and
/// the `prot` of the `mmap` family, a word whose watched bits all lie in the low half), so the
/// recorder keeps the low 32 bits, masked, and the generated conditions read `u32(argN)`.
/// `socketcall(2)`, through which i386 programs may reach the socket calls, takes its arguments
/// from memory a filter cannot read, so it is never constrained.
enum WatchedSyscalls {
    /// One watched syscall: what its arguments mean and how many distinct values a policy lists
    /// before it stops constraining them.
    struct Entry: Sendable {
        var name: String
        /// The watched arguments on an arch, parallel to `masks`.
        var arguments: @Sendable (Arch) -> [Int]
        var masks: [UInt32]
        /// The most distinct value combinations a generated condition lists.
        var cap: Int
        /// How each argument's values are named in conditions and reports, parallel to `masks`.
        var naming: [ValueNaming]
    }

    /// How the values of one watched argument read best.
    enum ValueNaming: Sendable {
        /// The constant with one of these prefixes whose value matches exactly.
        case constant(prefixes: [String])
        /// Bit flags, written as the constants of `SyscallFacts.namespaceFlags` and `CLONE_NEWTIME` ORed.
        case namespaceFlags
        /// `PROT_EXEC` or 0.
        case protExec
        /// An `ioctl` request: named with these prefixes only where the request numbers are the
        /// generic ones (powerpc encodes them differently).
        case ioctlRequest(prefixes: [String])
    }

    /// The namespace-creating flags `clone` takes (`CLONE_NEWTIME`'s bit is part of the exit
    /// signal there).
    static let cloneNamespaceMask = UInt32(SyscallFacts.namespaceFlags.reduce(0) { $0 | $1.bit })
    /// `CLONE_NEWTIME`, which `unshare` accepts besides the other namespace flags.
    static let cloneNewTime: UInt32 = 0x80
    /// `SOCK_TYPE_MASK`: the socket type without `SOCK_NONBLOCK` and `SOCK_CLOEXEC`.
    static let socketTypeMask: UInt32 = 0xF
    /// `PROT_EXEC`.
    static let protExec: UInt32 = 0x4

    static let entries: [Entry] = {
        let whole: UInt32 = 0xFFFF_FFFF
        let first: @Sendable (Arch) -> [Int] = { _ in [0] }
        var entries: [Entry] = []
        for name in ["socket", "socketpair"] {
            entries.append(Entry(name: name, arguments: { _ in [0, 1] }, masks: [whole, socketTypeMask], cap: 16,
                                 naming: [.constant(prefixes: ["AF_"]), .constant(prefixes: ["SOCK_"])]))
        }
        entries.append(Entry(name: "clone", arguments: { [SyscallFacts.cloneFlagsArgument(on: $0)] }, masks: [cloneNamespaceMask],
                             cap: 16, naming: [.namespaceFlags]))
        entries.append(Entry(name: "unshare", arguments: first, masks: [cloneNamespaceMask | cloneNewTime], cap: 16,
                             naming: [.namespaceFlags]))
        entries.append(Entry(name: "personality", arguments: first, masks: [whole], cap: 16, naming: [.constant(prefixes: ["PER_", "ADDR_", "UNAME26"])]))
        entries.append(Entry(name: "prctl", arguments: first, masks: [whole], cap: 16, naming: [.constant(prefixes: ["PR_"])]))
        entries.append(Entry(name: "ioctl", arguments: { _ in [1] }, masks: [whole], cap: 32,
                             naming: [.ioctlRequest(prefixes: ["TC", "TIOC", "FIO"])]))
        for name in ["mmap", "mmap2", "mprotect", "pkey_mprotect"] {
            entries.append(Entry(name: name, arguments: { _ in [2] }, masks: [protExec], cap: 16, naming: [.protExec]))
        }
        return entries
    }()

    static let byName: [String: Entry] = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })

    /// The watch of a syscall on an arch, if it is watched.
    static func watch(of name: String, on arch: Arch) -> ArgumentWatch? {
        byName[name].map { ArgumentWatch(arguments: $0.arguments(arch), masks: $0.masks) }
    }
}

extension ArgumentWatch {
    /// How many distinct value combinations the watch can keep (2^bits of the masks).
    var possibleValueCount: Double { masks.reduce(1.0) { $0 * Double(1 << min($1.nonzeroBitCount, 40)) } }
}

extension SyscallRecording {
    /// Which arguments to keep values of, per syscall number of `arch` (numbers as the table numbers them).
    public static func argumentWatches(on arch: Arch, table: SyscallTable) -> [UInt32: ArgumentWatch] {
        var watches: [UInt32: ArgumentWatch] = [:]
        for entry in WatchedSyscalls.entries {
            guard let number = table.number(of: entry.name, on: arch) else { continue }
            watches[number] = WatchedSyscalls.watch(of: entry.name, on: arch)
        }
        return watches
    }
}
