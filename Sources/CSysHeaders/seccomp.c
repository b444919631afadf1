// Kernel calls of the enforcer: seccomp(2), the user-notification ioctls, signals, and a
// fork/exec whose child installs a filter. See CSysSeccomp.h for the contract of each.
#define _GNU_SOURCE
#include "CSysSeccomp.h"
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/sched.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
// Linux 6.6; the headers of older systems lack them.
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static long result(long value) { return value < 0 ? -errno : value; }

long sysfence_seccomp_install(unsigned int flags, const struct sock_filter *program, unsigned short length) {
    struct sock_fprog fprog = { .len = length, .filter = (struct sock_filter *)program };
    return result(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog));
}

int sysfence_seccomp_action_available(uint32_t action) {
    return (int)result(syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action));
}

int sysfence_seccomp_mode(void) { return (int)result(prctl(PR_GET_SECCOMP, 0, 0, 0, 0)); }

int sysfence_set_no_new_privs(void) { return (int)result(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)); }

int sysfence_notification_receive(int listener, struct seccomp_notif *notification) {
    memset(notification, 0, sizeof *notification);
    return (int)result(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, notification));
}

int sysfence_notification_respond(int listener, uint64_t id, int32_t error, int64_t value, uint32_t flags) {
    struct seccomp_notif_resp response = { .id = id, .val = value, .error = error, .flags = flags };
    return (int)result(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &response));
}

int sysfence_notification_id_valid(int listener, uint64_t id) {
    return (int)result(ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id));
}

int sysfence_notification_sync_wake_up(int listener) {
    return (int)result(ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, (unsigned long long)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP));
}

int sysfence_queue_seccomp_sigsys(pid_t tgid, pid_t tid, int syscall_number, uint32_t arch,
                                  uint64_t call_address, int error) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGSYS;
    info.si_code = SI_QUEUE;
    info.si_errno = error;
    // The kernel copies the whole union, so the seccomp fields arrive where a handler reads them.
    info.si_call_addr = (void *)(uintptr_t)call_address;
    info.si_syscall = syscall_number;
    info.si_arch = arch;
    return (int)result(syscall(SYS_rt_tgsigqueueinfo, tgid, tid, SIGSYS, &info));
}

int sysfence_tgkill(pid_t tgid, pid_t tid, int signal) {
    return (int)result(syscall(SYS_tgkill, tgid, tid, signal));
}

long sysfence_read_memory(pid_t process, uint64_t address, void *buffer, unsigned long length) {
    struct iovec local = { .iov_base = buffer, .iov_len = length };
    struct iovec remote = { .iov_base = (void *)(uintptr_t)address, .iov_len = length };
    return result(process_vm_readv(process, &local, 1, &remote, 1, 0));
}

static volatile sig_atomic_t forward_target;

static void forward_signal(int signal) {
    int saved = errno;
    if (forward_target > 0) kill((pid_t)forward_target, signal);
    errno = saved;
}

int sysfence_set_signal(int signal, int disposition, pid_t target, struct sigaction *previous, int *was_ignored,
                        int *was_blocked) {
    *was_blocked = 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    if (disposition == SYSFENCE_SIGNAL_FORWARD) {
        forward_target = target;
        action.sa_handler = forward_signal;
        action.sa_flags = SA_RESTART;
    } else {
        action.sa_handler = SIG_IGN;
    }
    if (sigaction(signal, &action, previous) < 0) return -errno;
    *was_ignored = previous->sa_handler == SIG_IGN;
    if (disposition == SYSFENCE_SIGNAL_FORWARD) {
        sigset_t set, old;
        sigemptyset(&set);
        sigaddset(&set, signal);
        int error = pthread_sigmask(SIG_UNBLOCK, &set, &old);
        if (error != 0) return -error;
        *was_blocked = sigismember(&old, signal) == 1;
    }
    return 0;
}

int sysfence_restore_signal(int signal, const struct sigaction *previous, int was_blocked) {
    if (was_blocked) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, signal);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
    }
    return (int)result(sigaction(signal, previous, NULL));
}

enum { STAGE_STARTING, STAGE_INSTALLED, STAGE_FAILED };

// Lives in a MAP_SHARED page: the child writes its progress, the parent reads it.
struct sysfence_child {
    _Atomic int stage;
    int step;
    int error;
    int listener;
    pid_t pid;
    int pidfd;
};

static void child_fail(sysfence_child *child, int step, int error) __attribute__((noreturn));
static void child_fail(sysfence_child *child, int step, int error) {
    child->step = step;
    child->error = error;
    atomic_store_explicit(&child->stage, STAGE_FAILED, memory_order_release);
    _exit(127);
}

// Runs in the child between clone and execve: async-signal-safe calls only, no allocation.
static void run_child(const sysfence_spawn_request *request, sysfence_child *child) __attribute__((noreturn));
static void run_child(const sysfence_spawn_request *request, sysfence_child *child) {
    struct sigaction default_action;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    for (int i = 0; i < request->default_signal_count; i++) {
        if (sigaction(request->default_signals[i], &default_action, NULL) < 0) {
            child_fail(child, SYSFENCE_STEP_SIGNALS, errno);
        }
    }
    // The calling thread's mask is an accident of the parent (runtime threads block most
    // signals): the program starts with none blocked.
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) child_fail(child, SYSFENCE_STEP_SIGNALS, errno);
    long listener = 0;
    if (request->filter) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) child_fail(child, SYSFENCE_STEP_NO_NEW_PRIVS, errno);
        struct sock_fprog fprog = { .len = request->filter_length, .filter = (struct sock_filter *)request->filter };
        listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, request->filter_flags, &fprog);
        if (listener < 0) child_fail(child, SYSFENCE_STEP_FILTER, errno);
    }
    // From here on every system call passes the filter: publish with a plain store, then exec.
    child->listener = (int)listener;
    atomic_store_explicit(&child->stage, STAGE_INSTALLED, memory_order_release);
    execve(request->path, request->argv, request->envp);
    child_fail(child, SYSFENCE_STEP_EXEC, errno);
}

int sysfence_spawn_filtered(const sysfence_spawn_request *request, sysfence_child **out) {
    sysfence_child *child = mmap(NULL, sizeof *child, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (child == MAP_FAILED) return -errno;
    atomic_init(&child->stage, STAGE_STARTING);
    child->step = SYSFENCE_STEP_NONE;
    child->error = 0;
    child->listener = -1;
    int pidfd = -1;
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = CLONE_FILES | CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    if (request->cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)request->cgroup_fd;
    }
    args.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) {
        int error = errno;
        munmap(child, sizeof *child);
        return -error;
    }
    if (pid == 0) run_child(request, child);
    child->pid = (pid_t)pid;
    child->pidfd = pidfd;
    *out = child;
    return 0;
}

int sysfence_child_await_filter(sysfence_child *child, int *step) {
    struct pollfd ended = { .fd = child->pidfd, .events = POLLIN };
    const struct timespec pause = { .tv_sec = 0, .tv_nsec = 20000 };
    for (;;) {
        int stage = atomic_load_explicit(&child->stage, memory_order_acquire);
        // A failed execve comes after the install: the listener exists and is returned.
        if (stage == STAGE_INSTALLED || (stage == STAGE_FAILED && child->step == SYSFENCE_STEP_EXEC)) {
            *step = SYSFENCE_STEP_NONE;
            return child->listener;
        }
        if (stage == STAGE_FAILED) {
            *step = child->step;
            return -child->error;
        }
        // The child makes no system call after the install, so there is nothing to block on:
        // sleep briefly, waking early if the child ends.
        if (ppoll(&ended, 1, &pause, NULL) > 0
            && atomic_load_explicit(&child->stage, memory_order_acquire) == STAGE_STARTING) {
            *step = SYSFENCE_STEP_NONE;
            return -ECHILD;
        }
    }
}

int sysfence_child_exec_error(const sysfence_child *child) {
    int stage = atomic_load_explicit(&((sysfence_child *)child)->stage, memory_order_acquire);
    return stage == STAGE_FAILED && child->step == SYSFENCE_STEP_EXEC ? child->error : 0;
}

pid_t sysfence_child_pid(const sysfence_child *child) { return child->pid; }

int sysfence_child_pidfd(const sysfence_child *child) { return child->pidfd; }

int sysfence_child_wait(sysfence_child *child, int *code, int *status) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    while (waitid((idtype_t)P_PIDFD, (id_t)child->pidfd, &info, WEXITED) < 0) {
        if (errno != EINTR) return -errno;
    }
    *code = info.si_code;
    *status = info.si_status;
    return 0;
}

void sysfence_child_release(sysfence_child *child) {
    close(child->pidfd);
    munmap(child, sizeof *child);
}
