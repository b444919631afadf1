/* Test helper: installs a classic-BPF seccomp filter read from a file, then makes system
 * calls and prints what each returned, so tests can compare the kernel's verdict with the
 * emulator's.
 *
 *   filter-probe FILTER            read "abi nr a0 a1 a2 a3 a4 a5" lines on stdin (abi 64 is the
 *                                  syscall instruction, abi 32 is int $0x80) and print one return
 *                                  value each. The filter goes on one thread only (no TSYNC),
 *                                  which makes the calls; the unfiltered main thread reads and
 *                                  prints, so a filter that answers every call with an errno
 *                                  cannot stop the helper itself.
 *   filter-probe FILTER call NR    install the filter on the whole (single-threaded) process, make
 *                                  one syscall with zero arguments and print "returned R", or
 *                                  "trapped NR" after a SIGSYS from the filter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_INPUTS 200000

static struct sock_filter program[4096];
static struct sock_fprog fprog;
static int abis[MAX_INPUTS];
static unsigned long long inputs[MAX_INPUTS][7];
static long results[MAX_INPUTS];
static size_t input_count;
static atomic_int install_error;
static atomic_int finished;

static int install_filter(void) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) return errno;
    return 0;
}

static long int80(const unsigned long long *a) {
    long ret;
    register long r12 __asm__("r12") = (long)a[6];
    __asm__ volatile("push %%rbp\n\tmov %%r12, %%rbp\n\tint $0x80\n\tpop %%rbp"
                     : "=a"(ret)
                     : "a"(a[0]), "b"(a[1]), "c"(a[2]), "d"(a[3]), "S"(a[4]), "D"(a[5]), "r"(r12)
                     : "memory", "r8", "r9", "r10", "r11");
    return ret;
}

static long syscall64(const unsigned long long *a) {
    long ret;
    register long r10 __asm__("r10") = (long)a[4];
    register long r8 __asm__("r8") = (long)a[5];
    register long r9 __asm__("r9") = (long)a[6];
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(a[0]), "D"(a[1]), "S"(a[2]), "d"(a[3]), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

static void *filtered_calls(void *unused) {
    (void)unused;
    int error = install_filter();
    if (error == 0) {
        for (size_t i = 0; i < input_count; i++) results[i] = abis[i] == 32 ? int80(inputs[i]) : syscall64(inputs[i]);
    }
    atomic_store(&install_error, error);
    atomic_store(&finished, 1);
    /* Under a filter that denies everything this thread cannot even exit; the main thread's exit ends it. */
    for (;;) __asm__ volatile("pause");
    return NULL;
}

static void trapped(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    char line[64];
    int n = snprintf(line, sizeof line, "trapped %d\n", info->si_syscall);
    if (write(1, line, (size_t)n) < 0) _exit(3);
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror("open filter"); return 2; }
    fprog.len = (unsigned short)fread(program, sizeof program[0], 4096, file);
    fprog.filter = program;
    fclose(file);

    if (argc == 4 && strcmp(argv[2], "call") == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = trapped;
        action.sa_flags = SA_SIGINFO;
        sigaction(SIGSYS, &action, NULL);
        setvbuf(stdout, NULL, _IONBF, 0);
        int error = install_filter();
        if (error) { fprintf(stderr, "seccomp: %s\n", strerror(error)); return 2; }
        long r = syscall(atol(argv[3]), 0, 0, 0, 0, 0, 0);
        printf("returned %ld\n", r < 0 ? -errno : r);
        return 0;
    }

    while (input_count < MAX_INPUTS) {
        unsigned long long *a = inputs[input_count];
        if (scanf("%d %llu %llu %llu %llu %llu %llu %llu", &abis[input_count], &a[0], &a[1], &a[2], &a[3], &a[4], &a[5], &a[6]) != 8) break;
        input_count++;
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, filtered_calls, NULL) != 0) { perror("pthread_create"); return 2; }
    while (!atomic_load(&finished)) usleep(1000);
    if (atomic_load(&install_error)) { fprintf(stderr, "seccomp: %s\n", strerror(atomic_load(&install_error))); return 2; }
    for (size_t i = 0; i < input_count; i++) printf("%ld\n", results[i]);
    fflush(stdout);
    _exit(0);
}
