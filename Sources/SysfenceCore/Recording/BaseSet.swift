/// The syscalls a generated policy allows although the recording may not show them: what an OCI
/// runtime does between installing the filter and the entrypoint's `execve`, and what any
/// process needs to start and to exit. docs/recording.md ("Base set") explains each group.
///
/// runc installs the filter either early (without `noNewPrivileges`, before it drops
/// capabilities and changes user, since loading a filter then needs `CAP_SYS_ADMIN`) or as late
/// as it can (with `noNewPrivileges`, just before it signals the exec fifo and calls `execve`).
/// The base set covers the early path, which includes the late one. runc's own code after the
/// filter runs on the Go runtime, whose threads keep scheduling, signalling and allocating, and
/// runc is built with cgo, so new threads come from glibc's `pthread_create` (`clone3` first).
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
    // PR_CAPBSET_DROP (24), PR_CAP_AMBIENT (47).
    private static let runtimePrctlOptions: [UInt32] = [1, 8, 24, 47]

    static let entries: [Entry] = [
        Entry(names: ["execve"], reason: "the runtime starts the entrypoint"),
        Entry(names: ["exit", "exit_group"], reason: "every process and thread exits"),
        Entry(names: ["rt_sigreturn", "sigreturn"], reason: "every signal handler returns through it"),
        Entry(names: ["brk"], reason: "every process's C library and loader grow the heap"),
        Entry(names: ["futex", "nanosleep", "sched_yield", "epoll_pwait", "epoll_wait", "epoll_ctl"],
              reason: "the runtime's Go threads sleep, wake each other and poll descriptors"),
        Entry(names: ["tgkill", "getpid", "gettid", "rt_sigprocmask", "rt_sigaction", "sigaltstack"],
              reason: "the Go runtime preempts its threads with signals"),
        Entry(names: ["clone"], reason: "the runtime starts threads (without namespace flags)", values: [[0]]),
        Entry(names: ["clone3"], reason: "the runtime's C library tries it first to start threads"),
        Entry(names: ["mmap", "mmap2"], reason: "the runtime maps memory and thread stacks (not executable)", values: [[0]]),
        Entry(names: ["mprotect"], reason: "the runtime sets up thread stacks (not executable)", values: [[0]]),
        Entry(names: ["munmap", "madvise", "rseq", "set_robust_list"], reason: "the runtime's threads and allocator"),
        Entry(names: ["arch_prctl", "set_thread_area"], reason: "a new Go thread sets up thread-local storage when the runtime is built without cgo"),
        Entry(names: ["read", "write", "close", "close_range", "fcntl", "fcntl64", "fstat", "fstat64", "newfstatat",
                      "fstatat64", "statx", "openat", "openat2", "getdents64", "fstatfs", "fstatfs64"],
              reason: "runc closes inherited descriptors, checks /proc, reopens the exec fifo and writes to it"),
        Entry(names: ["faccessat", "faccessat2"], reason: "runc finds the entrypoint on PATH"),
        Entry(names: ["chdir", "getcwd", "getppid"], reason: "runc enters and checks the working directory and checks that its parent lives"),
        Entry(names: ["capget", "capset"], reason: "runc drops capabilities after an early filter"),
        Entry(names: ["prctl"], reason: "runc keeps capabilities across the user change, drops the bounding and ambient sets, restores the parent-death signal",
              values: runtimePrctlOptions.map { [$0] }),
        Entry(names: ["setgroups", "setgroups32", "setgid", "setgid32", "setuid", "setuid32"],
              reason: "runc changes to the container's user after an early filter"),
    ]

    /// The base entry that lists `name`, if any.
    static func entry(for name: String) -> Entry? { entries.first { $0.names.contains(name) } }
}
