/// The syscalls a generated policy allows although the recording may not show them: what an OCI
/// runtime does between installing the filter and the entrypoint's `execve`, and what any
/// process needs to start and to exit. docs/recording.md ("Base set") explains each group.
///
/// runc installs the filter either early (without `noNewPrivileges`, before it drops
/// capabilities and changes user, since loading a filter then needs `CAP_SYS_ADMIN`) or as late
/// as it can (with `noNewPrivileges`, just before it signals the exec fifo and calls `execve`).
/// The base set covers the early path, which includes the late one. runc's own code after the
/// filter runs on the Go runtime, whose threads keep scheduling, signalling and allocating.
///
/// A name an arch lacks is skipped there. For a watched syscall (`WatchedSyscalls`), `values`
/// lists the argument values the runtime uses, so the base set never lifts an argument constraint.
enum BaseSet {
    struct Entry {
        var names: [String]
        var reason: String
        /// For watched syscalls: the masked argument values the runtime passes.
        var values: [SyscallRecording.ArgumentValues] = []
    }

    // prctl options runc uses after an early filter: PR_SET_PDEATHSIG (1), PR_SET_KEEPCAPS (8),
    // PR_CAPBSET_READ (23), PR_CAPBSET_DROP (24), PR_CAP_AMBIENT (47).
    private static let runtimePrctlOptions: [UInt32] = [1, 8, 23, 24, 47]

    static let entries: [Entry] = [
        Entry(names: ["execve"], reason: "the runtime starts the entrypoint"),
        Entry(names: ["exit", "exit_group"], reason: "every process and thread exits"),
        Entry(names: ["rt_sigreturn", "sigreturn"], reason: "every signal handler returns through it"),
        Entry(names: ["brk"], reason: "the C library's heap and the dynamic loader"),
        Entry(names: ["futex", "nanosleep", "sched_yield", "tgkill", "getpid", "gettid"],
              reason: "the runtime's Go threads wait, wake and preempt each other"),
        Entry(names: ["rt_sigprocmask", "rt_sigaction", "sigaltstack"], reason: "the runtime's Go threads handle signals"),
        Entry(names: ["clone"], reason: "the runtime's Go scheduler starts threads (without namespace flags)", values: [[0]]),
        Entry(names: ["mmap", "mmap2"], reason: "the runtime's Go allocator maps memory (not executable)", values: [[0]]),
        Entry(names: ["mprotect"], reason: "the runtime's Go allocator changes protections (not executable)", values: [[0]]),
        Entry(names: ["munmap", "madvise"], reason: "the runtime's Go allocator returns memory"),
        Entry(names: ["arch_prctl", "set_thread_area"], reason: "a new Go thread sets up thread-local storage"),
        Entry(names: ["epoll_pwait", "epoll_wait", "epoll_ctl"], reason: "the runtime's Go network poller"),
        Entry(names: ["clock_gettime", "clock_gettime64"], reason: "the runtime's Go timers when the vDSO is unavailable"),
        Entry(names: ["read", "write", "close", "close_range", "fcntl", "fcntl64", "fstat", "fstat64", "newfstatat",
                      "fstatat64", "statx", "openat", "openat2", "getdents64", "fstatfs", "fstatfs64", "getcwd"],
              reason: "runc marks and closes inherited descriptors, reopens the exec fifo and signals it, checks the working directory"),
        Entry(names: ["faccessat", "faccessat2"], reason: "runc looks up the entrypoint on PATH"),
        Entry(names: ["chdir", "getppid"], reason: "runc changes to the working directory and checks that its parent lives"),
        Entry(names: ["capget", "capset"], reason: "runc drops capabilities after an early filter"),
        Entry(names: ["prctl"], reason: "runc keeps capabilities across the user change, drops the bounding and ambient sets, restores the parent-death signal",
              values: runtimePrctlOptions.map { [$0] }),
        Entry(names: ["setgroups", "setgroups32", "setgid", "setgid32", "setuid", "setuid32"],
              reason: "runc changes to the container's user after an early filter"),
    ]

    /// The base entry that lists `name`, if any.
    static func entry(for name: String) -> Entry? { entries.first { $0.names.contains(name) } }
}
