// Test program for the enforcer's kernel tests: makes the system calls it is told to and
// writes what each returned, one line each, with write(2) to the file given by -o (or stdout).
//
//   syscalls [-o FILE] [--handler|--block-sigsys|--ignore-sigsys] [--threads N] STEP...
//   syscalls [-o FILE] --loop ALLOWED_NR,ALLOWED_COUNT,DENIED_NR,DENIED_COUNT
//
// STEP is NR or NR:A0,A1,... (decimal or 0x hex); each prints "NR RET ERRNO".
// --handler installs an SA_SIGINFO handler for SIGSYS that prints
// "sigsys CODE ERRNO SYSCALL ARCH IN_SYSCALL RAX" (IN_SYSCALL: 1 when si_call_addr lies in
// glibc's syscall()) and returns.
// --threads N makes the steps in N threads started at once (lines are prefixed "tI ").
// --loop interleaves the calls evenly and gives each denied call its sequence number as
// argument 0; it prints "done ALLOWED_OK DENIED_FAILED".
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

static int out = 1;
static int step_count;
static char **steps;

static void say(const char *text) {
    size_t length = strlen(text), done = 0;
    while (done < length) {
        ssize_t n = write(out, text + done, length - done);
        if (n <= 0) return;
        done += (size_t)n;
    }
}

static void on_sigsys(int signal, siginfo_t *info, void *context) {
    (void)signal;
    ucontext_t *uc = context;
    char line[256];
    // The call comes from glibc's syscall(), a few instructions long: the address is inside it.
    uintptr_t offset = (uintptr_t)info->si_call_addr - (uintptr_t)&syscall;
    snprintf(line, sizeof line, "sigsys %d %d %d 0x%x %d %lld\n", info->si_code, info->si_errno,
             info->si_syscall, info->si_arch, offset < 256, (long long)uc->uc_mcontext.gregs[REG_RAX]);
    say(line);
}

static void run_step(const char *step, const char *prefix) {
    long nr = strtol(step, NULL, 0);
    unsigned long a[6] = {0};
    const char *colon = strchr(step, ':');
    if (colon) {
        const char *p = colon + 1;
        for (int i = 0; i < 6 && *p; i++) {
            char *end;
            a[i] = strtoul(p, &end, 0);
            p = *end == ',' ? end + 1 : end;
        }
    }
    errno = 0;
    long result = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    int error = result == -1 ? errno : 0;
    char line[128];
    snprintf(line, sizeof line, "%s%ld %ld %d\n", prefix, nr, result, error);
    say(line);
}

static pthread_barrier_t start_together;

static void *thread_main(void *argument) {
    long index = (long)argument;
    char prefix[16];
    snprintf(prefix, sizeof prefix, "t%ld ", index);
    pthread_barrier_wait(&start_together);
    for (int i = 0; i < step_count; i++) run_step(steps[i], prefix);
    return NULL;
}

static int run_loop(const char *spec) {
    long allowed_nr, allowed_count, denied_nr, denied_count;
    if (sscanf(spec, "%ld,%ld,%ld,%ld", &allowed_nr, &allowed_count, &denied_nr, &denied_count) != 4) return 2;
    long allowed_ok = 0, denied_failed = 0, denied = 0;
    long every = denied_count > 0 ? allowed_count / denied_count : 0;
    for (long i = 0; i < allowed_count || denied < denied_count; i++) {
        if (i < allowed_count && syscall(allowed_nr, 0, 0, 0, 0, 0, 0) >= 0) allowed_ok++;
        if (denied < denied_count && (every == 0 || i % every == every - 1 || i >= allowed_count)) {
            if (syscall(denied_nr, denied, 0, 0, 0, 0, 0) == -1) denied_failed++;
            denied++;
        }
    }
    char line[128];
    snprintf(line, sizeof line, "done %ld %ld\n", allowed_ok, denied_failed);
    say(line);
    return 0;
}

int main(int argc, char **argv) {
    // A process ended by SIGSYS would dump core: keep test runs free of core files.
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    int threads = 0, i = 1;
    for (; i < argc && strncmp(argv[i], "-", 1) == 0; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = open(argv[++i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (out < 0) return 2;
        } else if (strcmp(argv[i], "--handler") == 0) {
            struct sigaction action;
            memset(&action, 0, sizeof action);
            action.sa_sigaction = on_sigsys;
            action.sa_flags = SA_SIGINFO;
            sigaction(SIGSYS, &action, NULL);
        } else if (strcmp(argv[i], "--block-sigsys") == 0) {
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGSYS);
            sigprocmask(SIG_BLOCK, &set, NULL);
        } else if (strcmp(argv[i], "--ignore-sigsys") == 0) {
            signal(SIGSYS, SIG_IGN);
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--loop") == 0 && i + 1 < argc) {
            return run_loop(argv[++i]);
        } else {
            return 2;
        }
    }
    steps = argv + i;
    step_count = argc - i;
    if (threads > 0) {
        pthread_t ids[64];
        if (threads > 64) threads = 64;
        pthread_barrier_init(&start_together, NULL, (unsigned)threads);
        for (long t = 0; t < threads; t++) pthread_create(&ids[t], NULL, thread_main, (void *)t);
        for (long t = 0; t < threads; t++) pthread_join(ids[t], NULL);
        return 0;
    }
    for (int s = 0; s < step_count; s++) run_step(steps[s], "");
    return 0;
}
