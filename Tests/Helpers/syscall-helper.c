/* Test helper for the eBPF probe tests: joins a cgroup, then makes the system calls it is given.
 *
 *   syscall-helper CGROUP_PROCS_FILE CALL...      CALL = NR[:ARG0[:ARG1...]] (numbers in C syntax)
 *   syscall-helper CGROUP_PROCS_FILE loop NR COUNT  COUNT calls of NR with no arguments, then
 *                                                    prints the mean nanoseconds per call (benchmarks)
 *
 * Writes its pid to CGROUP_PROCS_FILE ("-": stay), makes the calls in order with syscall(2), prints
 * "done" and exits 0. Built 64-bit and as a static i386 program (gcc -m32 -static), where
 * syscall(2) enters the kernel through the compat entry. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    if (strcmp(argv[1], "-") != 0) {
        FILE *procs = fopen(argv[1], "w");
        if (!procs || fprintf(procs, "%d\n", getpid()) < 0 || fclose(procs) != 0) {
            perror(argv[1]);
            return 1;
        }
    }
    if (argc == 5 && strcmp(argv[2], "loop") == 0) {
        long nr = strtol(argv[3], NULL, 0);
        long count = strtol(argv[4], NULL, 0);
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (long i = 0; i < count; i++)
            syscall(nr);
        clock_gettime(CLOCK_MONOTONIC, &end);
        double elapsed = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
        printf("%.2f\n", elapsed / count);
        return 0;
    }
    for (int i = 2; i < argc; i++) {
        unsigned long values[7] = {0};
        char *cursor = argv[i];
        for (int n = 0; n < 7 && *cursor; n++) {
            values[n] = strtoul(cursor, &cursor, 0);
            if (*cursor == ':')
                cursor++;
        }
        syscall(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
    }
    puts("done");
    return 0;
}
