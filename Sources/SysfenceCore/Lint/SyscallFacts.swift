/// Hand-written knowledge about system calls that lint rules read.
///
/// Everything here is data with its reason, so that a reviewer can check an entry against the
/// kernel sources or a C library and a rule's behaviour follows from the table alone. Names are
/// the kernel's (as libseccomp spells them); a name an arch lacks is ignored on that arch.
enum SyscallFacts {
    // MARK: Dangerous syscalls

    /// Syscalls that give a confined process power over the kernel, the host or other processes,
    /// with the reason a reviewer should see. `clone` is absent: only its namespace flags are
    /// dangerous, and `namespaceFlagArgument` lets the rules check them.
    static let dangerous: [String: String] = {
        var table: [String: String] = [:]
        func add(_ names: [String], _ reason: String) {
            for name in names { table[name] = reason }
        }
        add(["ptrace"], "reads and rewrites the memory and registers of other processes, and before Linux 4.8 could rewrite a syscall after the seccomp check")
        add(["process_vm_readv", "process_vm_writev"], "reads or writes the memory of another process directly")
        add(["pidfd_getfd"], "copies file descriptors out of another process")
        add(["kcmp"], "compares kernel objects of other processes, which reveals kernel pointer order")
        add(["bpf"], "loads programs into the kernel; a large attack surface that can also read kernel memory")
        add(["perf_event_open"], "exposes kernel and hardware performance data and is a frequent source of kernel exploits")
        add(["mount", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr"],
            "changes mounts, which can hide, replace or expose files, host paths included")
        add(["umount", "umount2"], "removes mounts, which can reveal what a mount was hiding")
        add(["pivot_root"], "replaces the root filesystem")
        add(["unshare"], "creates namespaces; a user namespace opens privileged kernel code to an unprivileged process")
        add(["setns"], "joins the namespaces of another process")
        add(["clone3"], "takes its flags from memory a seccomp filter cannot read, so namespace creation cannot be checked")
        add(["keyctl", "add_key", "request_key"], "reaches the kernel keyring, which is not namespaced: keys are shared with the host and other containers")
        add(["kexec_load", "kexec_file_load"], "loads a new kernel to boot into")
        add(["init_module", "finit_module", "delete_module", "create_module"], "loads or unloads kernel modules")
        add(["open_by_handle_at"], "opens files by handle, past the mount namespace (the container escape known as 'shocker')")
        add(["userfaultfd"], "stalls page faults on user memory in the kernel, a common building block of kernel exploits")
        add(["io_uring_setup", "io_uring_enter", "io_uring_register"], "runs I/O operations that the seccomp filter never sees")
        add(["iopl", "ioperm"], "gives raw access to hardware I/O ports")
        add(["reboot"], "reboots the host or arms kexec")
        add(["swapon", "swapoff"], "changes the host's swap devices")
        add(["settimeofday", "stime", "clock_settime", "clock_settime64"], "sets the clock, which is shared with the host")
        add(["acct"], "switches process accounting on or off for the host")
        add(["syslog"], "reads the kernel log, which leaks kernel addresses")
        add(["lookup_dcookie"], "exposes a kernel profiling interface")
        add(["quotactl", "quotactl_fd"], "changes filesystem quotas of the host")
        add(["vhangup"], "hangs up the controlling terminal of other processes")
        add(["personality"], "can switch off address-space randomisation and select legacy emulation modes")
        add(["modify_ldt", "vm86", "vm86old"], "reaches x86 legacy segmentation code with a history of kernel bugs")
        add(["uselib", "_sysctl", "sysfs", "ustat", "nfsservctl", "get_kernel_syms", "query_module"],
            "is an obsolete kernel interface kept only for old binaries: attack surface with no use in a container")
        add(["fanotify_init"], "watches file activity across whole filesystems")
        return table
    }()

    /// Namespace-creating `clone` flags: `CLONE_NEWNS`, `CLONE_NEWCGROUP`, `CLONE_NEWUTS`,
    /// `CLONE_NEWIPC`, `CLONE_NEWUSER`, `CLONE_NEWPID`, `CLONE_NEWNET` (`CLONE_NEWTIME` is only
    /// valid in `clone3` and `unshare`).
    static let namespaceFlags: [(name: String, bit: UInt64)] = [
        ("CLONE_NEWNS", 0x0002_0000), ("CLONE_NEWCGROUP", 0x0200_0000), ("CLONE_NEWUTS", 0x0400_0000),
        ("CLONE_NEWIPC", 0x0800_0000), ("CLONE_NEWUSER", 0x1000_0000), ("CLONE_NEWPID", 0x2000_0000),
        ("CLONE_NEWNET", 0x4000_0000),
    ]

    /// Which argument of `clone` holds its flags: the second on s390x, whose `clone` takes the
    /// stack first, the first everywhere else.
    static func cloneFlagsArgument(on arch: Arch) -> Int { arch == .s390x ? 1 : 0 }

    // MARK: Multiplexed syscalls

    /// A syscall that makes other syscalls, named by a call number in its first argument, with
    /// their arguments in memory: `socketcall` (the socket calls of `linux/net.h`) and `ipc` (the
    /// SysV IPC calls of `linux/ipc.h`; the kernel reads the call from the low 16 bits and a
    /// version from the high ones). Where a direct syscall is restricted, the multiplexer reaches
    /// it unchecked.
    struct Multiplexer {
        var name: String
        /// The bits of the first argument that select the call.
        var callMask: UInt64
        var calls: [(name: String, call: UInt64)]
    }

    static let multiplexers: [Multiplexer] = [
        Multiplexer(name: "socketcall", callMask: 0xFFFF_FFFF, calls: [
            ("socket", 1), ("bind", 2), ("connect", 3), ("listen", 4), ("accept", 5), ("getsockname", 6),
            ("getpeername", 7), ("socketpair", 8), ("send", 9), ("recv", 10), ("sendto", 11), ("recvfrom", 12),
            ("shutdown", 13), ("setsockopt", 14), ("getsockopt", 15), ("sendmsg", 16), ("recvmsg", 17),
            ("accept4", 18), ("recvmmsg", 19), ("sendmmsg", 20),
        ]),
        Multiplexer(name: "ipc", callMask: 0xFFFF, calls: [
            ("semop", 1), ("semget", 2), ("semctl", 3), ("semtimedop", 4), ("msgsnd", 11), ("msgrcv", 12),
            ("msgget", 13), ("msgctl", 14), ("shmat", 21), ("shmdt", 22), ("shmget", 23), ("shmctl", 24),
        ]),
    ]

    // MARK: Syscalls probed for ENOSYS

    /// Syscalls that C libraries and runtimes try first and replace with an older call only when
    /// they fail with `ENOSYS`; any other error is passed to the caller as a real failure.
    static let probedForENOSYS: [String: String] = [
        "clone3": "glibc's pthread_create, posix_spawn and fork fall back to clone",
        "faccessat2": "glibc's faccessat falls back to faccessat",
        "fchmodat2": "glibc's fchmodat with AT_SYMLINK_NOFOLLOW falls back to an O_PATH emulation",
        "statx": "glibc's stat functions on 32-bit arches fall back to fstatat64",
        "openat2": "container runtimes and systemd fall back to openat",
        "close_range": "container runtimes and systemd fall back to closing descriptors one by one",
        "pidfd_open": "systemd and process supervisors fall back to process ids",
        "pidfd_send_signal": "systemd and process supervisors fall back to kill",
    ]

    /// The errno number of `ENOSYS`, the same on every arch sysfence supports.
    static let enosys: UInt16 = 38

    // MARK: Syscalls every process needs

    /// Syscalls that nearly every process makes to start or to exit: the runtime's `execve`, the
    /// dynamic loader's memory setup, the C library's thread and signal setup, and exit; with the
    /// arches where the C library uses them (`nil`: every arch). 32-bit ABIs map memory with
    /// `mmap2`; x86_64 sets up thread-local storage with `arch_prctl`, i386 with `set_thread_area`.
    static let startupEssential: [(name: String, arches: Set<Arch>?)] = [
        ("execve", nil), ("brk", nil), ("mmap", [.x86_64, .x32, .aarch64, .riscv64, .ppc64le, .s390x]),
        ("mmap2", [.x86, .arm]), ("munmap", nil), ("mprotect", nil), ("arch_prctl", [.x86_64, .x32]),
        ("set_thread_area", [.x86]), ("set_tid_address", nil), ("read", nil), ("write", nil), ("close", nil),
        ("rt_sigreturn", nil), ("exit", nil), ("exit_group", nil),
    ]

    // MARK: Argument kinds

    /// What a syscall argument holds, as far as a comparison on it is concerned.
    enum ArgumentKind: Character {
        /// An address in the caller's memory: comparing it says nothing about what it points to.
        case pointer = "p"
        /// A 32-bit integer (`int`, `unsigned int`, `pid_t`, `uid_t`, `umode_t`...): the kernel
        /// reads only the low half of the register.
        case int32 = "i"
        /// A register-wide integer (`long`, `size_t`, `loff_t`, flag words of `unsigned long`).
        case long = "l"
    }

    /// The kinds of a syscall's arguments on `arch`, when the table knows the syscall.
    static func argumentKinds(of name: String, on arch: Arch) -> [ArgumentKind]? {
        let signature = signatureOverrides[name]?.first { $0.arches.contains(arch) }?.signature ?? signatures[name]
        return signature.map { $0.map { ArgumentKind(rawValue: $0)! } }
    }

    /// Argument kinds by syscall, one letter per argument (`p` pointer, `i` 32-bit integer,
    /// `l` register-wide integer), in the argument order of the 64-bit ABIs, from the kernel's
    /// `SYSCALL_DEFINE` declarations.
    static let signatures: [String: String] = [
        "read": "ipl", "write": "ipl", "open": "pii", "close": "i", "stat": "pp", "fstat": "ip", "lstat": "pp",
        "newfstatat": "ippi", "fstatat64": "ippi", "poll": "pii", "lseek": "ili", "mmap": "llllll", "mmap2": "llllll",
        "mprotect": "lll", "munmap": "ll", "brk": "l", "rt_sigaction": "ippl", "rt_sigprocmask": "ippl",
        "ioctl": "iil", "pread64": "ipll", "pwrite64": "ipll", "readv": "lpl", "writev": "lpl", "access": "pi",
        "pipe": "p", "select": "ipppp", "mremap": "lllll", "msync": "lli", "mincore": "llp", "madvise": "lli",
        "shmget": "ili", "shmat": "ipi", "shmctl": "iip", "shmdt": "p", "dup": "i", "dup2": "ii", "dup3": "iii",
        "nanosleep": "pp", "getitimer": "ip", "alarm": "i", "setitimer": "ipp", "sendfile": "iipl",
        "socket": "iii", "connect": "ipi", "accept": "ipp", "accept4": "ippi", "sendto": "iplipi",
        "recvfrom": "iplipp", "sendmsg": "ipi", "recvmsg": "ipi", "sendmmsg": "ipii", "recvmmsg": "ipiip",
        "shutdown": "ii", "bind": "ipi", "listen": "ii", "getsockname": "ipp", "getpeername": "ipp",
        "socketpair": "iiip", "setsockopt": "iiipi", "getsockopt": "iiipp", "clone": "llppl", "clone3": "pl",
        "execve": "ppp", "execveat": "ipppi", "exit": "i", "exit_group": "i", "wait4": "ipip", "waitid": "iipip",
        "kill": "ii", "tkill": "ii", "tgkill": "iii", "uname": "p", "semget": "iii", "semop": "ipi",
        "semtimedop": "ipip", "semctl": "iiil", "msgget": "ii", "msgsnd": "ipli", "msgrcv": "iplli", "msgctl": "iip",
        "fcntl": "iil", "flock": "ii", "fsync": "i", "fdatasync": "i", "truncate": "pl", "ftruncate": "il",
        "getdents": "ipi", "getdents64": "ipi", "getcwd": "pl", "chdir": "p", "fchdir": "i", "rename": "pp",
        "mkdir": "pi", "rmdir": "p", "creat": "pi", "link": "pp", "unlink": "p", "symlink": "pp", "readlink": "ppi",
        "chmod": "pi", "fchmod": "ii", "chown": "pii", "fchown": "iii", "lchown": "pii", "umask": "i",
        "gettimeofday": "pp", "settimeofday": "pp", "getrlimit": "ip", "setrlimit": "ip", "prlimit64": "iipp",
        "getrusage": "ip", "sysinfo": "p", "times": "p", "ptrace": "llll", "syslog": "ipi", "setuid": "i",
        "setgid": "i", "setpgid": "ii", "setreuid": "ii", "setregid": "ii", "getgroups": "ip", "setgroups": "ip",
        "setresuid": "iii", "getresuid": "ppp", "setresgid": "iii", "getresgid": "ppp", "getpgid": "i",
        "setfsuid": "i", "setfsgid": "i", "getsid": "i", "capget": "pp", "capset": "pp", "rt_sigpending": "pl",
        "rt_sigtimedwait": "pppl", "rt_sigqueueinfo": "iip", "rt_tgsigqueueinfo": "iiip", "rt_sigsuspend": "pl",
        "sigaltstack": "pp", "utime": "pp", "utimes": "pp", "mknod": "pii", "mknodat": "ipii", "personality": "i",
        "statfs": "pp", "fstatfs": "ip", "getpriority": "ii", "setpriority": "iii", "sched_setparam": "ip",
        "sched_getparam": "ip", "sched_setscheduler": "iip", "sched_getscheduler": "i",
        "sched_get_priority_max": "i", "sched_get_priority_min": "i", "sched_rr_get_interval": "ip",
        "sched_setaffinity": "iip", "sched_getaffinity": "iip", "sched_setattr": "ipi", "sched_getattr": "ipii",
        "mlock": "ll", "mlock2": "lli", "munlock": "ll", "mlockall": "i", "modify_ldt": "ipl", "pivot_root": "pp",
        "prctl": "illll", "arch_prctl": "il", "adjtimex": "p", "chroot": "p", "acct": "p", "mount": "ppplp",
        "umount2": "pi", "swapon": "pi", "swapoff": "p", "reboot": "iiip", "sethostname": "pi",
        "setdomainname": "pi", "iopl": "i", "ioperm": "lli", "init_module": "plp", "finit_module": "ipi",
        "delete_module": "pi", "quotactl": "ipip", "quotactl_fd": "iiip", "readahead": "ill",
        "setxattr": "pppli", "lsetxattr": "pppli", "fsetxattr": "ippli", "getxattr": "pppl", "lgetxattr": "pppl",
        "fgetxattr": "ippl", "listxattr": "ppl", "llistxattr": "ppl", "flistxattr": "ipl", "removexattr": "pp",
        "lremovexattr": "pp", "fremovexattr": "ip", "time": "p", "futex": "piippi", "set_robust_list": "pl",
        "get_robust_list": "ipp", "io_setup": "ip", "io_destroy": "l", "io_getevents": "lllpp", "io_submit": "llp",
        "io_cancel": "lpp", "io_pgetevents": "lllppp", "lookup_dcookie": "lpl", "epoll_create": "i",
        "epoll_create1": "i", "epoll_ctl": "iiip", "epoll_wait": "ipii", "epoll_pwait": "ipiipl",
        "epoll_pwait2": "ipippl", "set_tid_address": "p", "fadvise64": "illi", "timer_create": "ipp",
        "timer_settime": "iipp", "timer_gettime": "ip", "timer_getoverrun": "i", "timer_delete": "i",
        "clock_settime": "ip", "clock_gettime": "ip", "clock_getres": "ip", "clock_nanosleep": "iipp",
        "clock_adjtime": "ip", "mbind": "lllpli", "set_mempolicy": "ipl", "get_mempolicy": "pplll",
        "mq_open": "piip", "mq_unlink": "p", "mq_timedsend": "iplip", "mq_timedreceive": "iplpp", "mq_notify": "ip",
        "mq_getsetattr": "ipp", "kexec_load": "llpl", "kexec_file_load": "iilpl", "add_key": "pppli",
        "request_key": "pppi", "keyctl": "illll", "ioprio_set": "iii", "ioprio_get": "ii", "inotify_add_watch": "ipi",
        "inotify_rm_watch": "ii", "inotify_init1": "i", "migrate_pages": "ilpp", "move_pages": "ilpppi",
        "openat": "ipii", "openat2": "ippl", "mkdirat": "ipi", "fchownat": "ipiii", "futimesat": "ipp",
        "unlinkat": "ipi", "renameat": "ipip", "renameat2": "ipipi", "linkat": "ipipi", "symlinkat": "pip",
        "readlinkat": "ippi", "fchmodat": "ipi", "fchmodat2": "ipii", "faccessat": "ipi", "faccessat2": "ipii",
        "pselect6": "ippppp", "ppoll": "pippl", "unshare": "l", "splice": "ipipli", "tee": "iili",
        "sync_file_range": "illi", "vmsplice": "ipli", "utimensat": "ippi", "signalfd": "ipl", "signalfd4": "ipli",
        "timerfd_create": "ii", "timerfd_settime": "iipp", "timerfd_gettime": "ip", "eventfd": "i", "eventfd2": "ii",
        "fallocate": "iill", "pipe2": "pi", "preadv": "lplll", "pwritev": "lplll", "preadv2": "lpllli",
        "pwritev2": "lpllli", "perf_event_open": "piiil", "fanotify_init": "ii", "fanotify_mark": "iilip",
        "name_to_handle_at": "ipppi", "open_by_handle_at": "ipi", "syncfs": "i", "setns": "ii", "getcpu": "ppp",
        "process_vm_readv": "iplpll", "process_vm_writev": "iplpll", "kcmp": "iiill", "seccomp": "iip",
        "getrandom": "pli", "memfd_create": "pi", "bpf": "ipi", "userfaultfd": "i", "membarrier": "iii",
        "copy_file_range": "ipipli", "pkey_mprotect": "llli", "pkey_alloc": "ll", "pkey_free": "i",
        "statx": "ipiip", "rseq": "piii", "pidfd_send_signal": "iipi", "pidfd_open": "ii", "pidfd_getfd": "iii",
        "io_uring_setup": "ip", "io_uring_enter": "iiiipl", "io_uring_register": "iipi", "open_tree": "ipi",
        "move_mount": "ipipi", "fsopen": "pi", "fsconfig": "iippi", "fsmount": "iii", "fspick": "ipi",
        "close_range": "iii", "process_madvise": "iplii", "mount_setattr": "ipipl",
        "landlock_create_ruleset": "pli", "landlock_add_rule": "iipi", "landlock_restrict_self": "ii",
        "memfd_secret": "i", "process_mrelease": "ii", "futex_waitv": "piipi", "cachestat": "ippi",
        "socketcall": "ip",
    ]

    /// Signatures that differ from the 64-bit order on some arches.
    static let signatureOverrides: [String: [(arches: [Arch], signature: String)]] = [
        // CLONE_BACKWARDS: the TLS value comes before the child's tid pointer.
        // (s390x's CLONE_BACKWARDS2 swaps the stack and the flags, both register-wide integers.)
        "clone": [([.aarch64, .arm, .riscv64, .ppc64le, .x86], "llplp")],
    ]
}
