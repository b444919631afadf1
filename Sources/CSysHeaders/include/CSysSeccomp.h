#ifndef SYSFENCE_CSYSSECCOMP_H
#define SYSFENCE_CSYSSECCOMP_H

// The kernel calls of the enforcer that Swift cannot make directly: variadic syscall() and
// ioctl(), struct layouts of <linux/seccomp.h>, and the fork/exec path, whose child may only
// make async-signal-safe calls. Every function returns a negative errno on failure.

#include <stdint.h>
#include <signal.h>
#include <sys/types.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/// seccomp(SECCOMP_SET_MODE_FILTER): installs a filter on the calling thread (on every thread
/// with SECCOMP_FILTER_FLAG_TSYNC). Returns the listener fd with NEW_LISTENER, else 0; with
/// TSYNC without TSYNC_ESRCH, a positive value is the thread that could not be synchronised.
long sysfence_seccomp_install(unsigned int flags, const struct sock_filter *program, unsigned short length);

/// seccomp(SECCOMP_GET_ACTION_AVAIL): 0 when the kernel knows the action (a SECCOMP_RET_* value).
int sysfence_seccomp_action_available(uint32_t action);

/// prctl(PR_GET_SECCOMP): the calling thread's seccomp mode (0 none, 2 filter).
int sysfence_seccomp_mode(void);

/// prctl(PR_SET_NO_NEW_PRIVS, 1).
int sysfence_set_no_new_privs(void);

/// SECCOMP_IOCTL_NOTIF_RECV into a zeroed `notification` (the kernel requires it zeroed).
int sysfence_notification_receive(int listener, struct seccomp_notif *notification);

/// SECCOMP_IOCTL_NOTIF_SEND: `error` is 0 or a negative errno; `flags` may hold
/// SECCOMP_USER_NOTIF_FLAG_CONTINUE (then error and value must be 0).
int sysfence_notification_respond(int listener, uint64_t id, int32_t error, int64_t value, uint32_t flags);

/// SECCOMP_IOCTL_NOTIF_ID_VALID: 0 while the notifying thread still waits for this answer.
int sysfence_notification_id_valid(int listener, uint64_t id);

/// SECCOMP_IOCTL_NOTIF_SET_FLAGS with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6): the
/// notifying thread and the supervisor wake each other on the current CPU, which saves a
/// cross-CPU wake-up in each direction. EINVAL on older kernels.
int sysfence_notification_sync_wake_up(int listener);

/// rt_tgsigqueueinfo(SIGSYS) to one thread with the fields of the kernel's seccomp SIGSYS
/// (si_call_addr, si_syscall, si_arch, si_errno). The kernel lets another process queue a
/// signal only with a negative si_code, so si_code is SI_QUEUE rather than SYS_SECCOMP.
int sysfence_queue_seccomp_sigsys(pid_t tgid, pid_t tid, int syscall_number, uint32_t arch,
                                  uint64_t call_address, int error);

/// tgkill(2).
int sysfence_tgkill(pid_t tgid, pid_t tid, int signal);

/// How `sysfence_set_signal` disposes of a signal.
enum {
    SYSFENCE_SIGNAL_IGNORE = 0,
    /// A handler that sends the signal on to `target` (kill(2)), restarting interrupted calls;
    /// the signal is also unblocked in the calling thread, or the handler would never run.
    SYSFENCE_SIGNAL_FORWARD = 1,
};

/// Sets the disposition of `signal` for the whole process, saving the previous one in
/// `previous`; `*was_ignored` tells whether that was SIG_IGN, `*was_blocked` whether forwarding
/// unblocked it. One forwarding target at a time.
int sysfence_set_signal(int signal, int disposition, pid_t target, struct sigaction *previous, int *was_ignored,
                        int *was_blocked);

/// Puts back a disposition saved by `sysfence_set_signal`, and blocks the signal again in the
/// calling thread when `was_blocked`.
int sysfence_restore_signal(int signal, const struct sigaction *previous, int was_blocked);

/// process_vm_readv(2) of one range: the bytes read (fewer where the range runs into unmapped
/// memory), or a negative errno.
long sysfence_read_memory(pid_t process, uint64_t address, void *buffer, unsigned long length);

/// A child started by `sysfence_spawn_filtered`: opaque, shared with the child until it execs.
typedef struct sysfence_child sysfence_child;

/// What the child does between fork and exec.
typedef struct {
    /// The program to execute: a path, already searched for in PATH.
    const char *path;
    /// NULL-terminated argument and environment vectors.
    char *const *argv;
    char *const *envp;
    /// NULL: no filter (and no no_new_privs); the child only executes the program.
    const struct sock_filter *filter;
    unsigned short filter_length;
    /// SECCOMP_FILTER_FLAG_* for the install; NEW_LISTENER is what makes a supervisor possible.
    unsigned int filter_flags;
    /// Signals set back to SIG_DFL in the child (those the parent ignores while it waits).
    const int *default_signals;
    int default_signal_count;
    /// A cgroup v2 directory fd the child starts in (clone3 CLONE_INTO_CGROUP), or -1.
    int cgroup_fd;
} sysfence_spawn_request;

/// The step of the child that failed.
enum {
    SYSFENCE_STEP_NONE = 0,
    SYSFENCE_STEP_SIGNALS = 1,
    SYSFENCE_STEP_NO_NEW_PRIVS = 2,
    SYSFENCE_STEP_FILTER = 3,
    SYSFENCE_STEP_EXEC = 4,
};

/// Starts a child sharing the parent's file table (CLONE_FILES) that unblocks every signal, sets
/// `default_signals` to SIG_DFL, sets no_new_privs, installs
/// the filter and executes the program; the listener fd the install creates is thus also the
/// parent's, and execve gives the new program its own table without it (it is close-on-exec).
/// Between install and execve the child makes no system call, so the filter cannot block it.
/// Returns 0 and the child, or a negative errno when no child could be started.
int sysfence_spawn_filtered(const sysfence_spawn_request *request, sysfence_child **child);

/// Waits until the child has installed its filter or has failed before. Returns the listener fd
/// (or 0 when the request had no NEW_LISTENER), or a negative errno with `*step` set to the step
/// that failed.
int sysfence_child_await_filter(sysfence_child *child, int *step);

/// The errno of a failed execve, after the child has ended; 0 when execve succeeded.
int sysfence_child_exec_error(const sysfence_child *child);

/// The child's process id and its pidfd (readable once the child has ended).
pid_t sysfence_child_pid(const sysfence_child *child);
int sysfence_child_pidfd(const sysfence_child *child);

/// waitid(P_PIDFD, WEXITED): reaps the child. `*code` is CLD_EXITED, CLD_KILLED or CLD_DUMPED,
/// `*status` the exit status or signal.
int sysfence_child_wait(sysfence_child *child, int *code, int *status);

/// Closes the pidfd and unmaps the shared page.
void sysfence_child_release(sysfence_child *child);

#endif
