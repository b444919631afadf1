/// The arguments that point to a NUL-terminated string (a path, a name), by syscall name, so the
/// stream can show `openat(-100, "/etc/shadow", ...)` rather than an address.
///
/// The same on every arch: where an arch lacks a syscall, its entry is never looked up.
public enum StringArguments {
    /// The indices of `syscall`'s string arguments, in order; empty for a syscall without any.
    public static func indices(of syscall: String) -> [Int] { table[syscall] ?? [] }

    /// The longest string read: `PATH_MAX`, as the kernel reads no longer path.
    public static let limit = 4096

    static let table: [String: [Int]] = [
        // files and directories
        "open": [0], "openat": [1], "openat2": [1], "creat": [0],
        "stat": [0], "lstat": [0], "stat64": [0], "lstat64": [0], "newfstatat": [1], "fstatat64": [1], "statx": [1],
        "statfs": [0], "statfs64": [0], "access": [0], "faccessat": [1], "faccessat2": [1],
        "readlink": [0], "readlinkat": [1], "truncate": [0], "truncate64": [0],
        "mkdir": [0], "mkdirat": [1], "rmdir": [0], "unlink": [0], "unlinkat": [1],
        "rename": [0, 1], "renameat": [1, 3], "renameat2": [1, 3], "link": [0, 1], "linkat": [1, 3],
        "symlink": [0, 1], "symlinkat": [0, 2], "mknod": [0], "mknodat": [1],
        "chdir": [0], "chroot": [0], "chmod": [0], "fchmodat": [1], "fchmodat2": [1],
        "chown": [0], "lchown": [0], "chown32": [0], "lchown32": [0], "fchownat": [1],
        "utime": [0], "utimes": [0], "futimesat": [1], "utimensat": [1], "name_to_handle_at": [1],
        "setxattr": [0, 1], "lsetxattr": [0, 1], "fsetxattr": [1], "getxattr": [0, 1], "lgetxattr": [0, 1],
        "fgetxattr": [1], "listxattr": [0], "llistxattr": [0], "removexattr": [0, 1], "lremovexattr": [0, 1],
        "fremovexattr": [1], "inotify_add_watch": [1], "fanotify_mark": [4],
        // programs
        "execve": [0], "execveat": [1], "uselib": [0], "acct": [0], "swapon": [0], "swapoff": [0],
        // mounts
        "mount": [0, 1, 2], "umount": [0], "umount2": [0], "pivot_root": [0, 1], "open_tree": [1],
        "move_mount": [1, 3], "fsopen": [0], "fspick": [1], "mount_setattr": [1],
        // names
        "memfd_create": [0], "delete_module": [0], "init_module": [2], "finit_module": [1],
        "add_key": [0, 1], "request_key": [0, 1, 2], "quotactl": [1],
    ]
}
