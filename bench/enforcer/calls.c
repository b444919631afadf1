// Timing program of the enforcer benchmark: times COUNT calls of an allowed syscall, then COUNT
// calls of a denied one, ROUNDS times, and writes the mean nanoseconds per call of each loop to
// OUTPUT: "allowed NS" and "denied NS", one line each per round.
//
//   calls ALLOWED_NR DENIED_NR COUNT ROUNDS OUTPUT
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double per_call(long nr, long count) {
    double start = now();
    for (long i = 0; i < count; i++) syscall(nr, i, 0, 0, 0, 0, 0);
    return (now() - start) / (double)count;
}

int main(int argc, char **argv) {
    if (argc != 6) return 2;
    long allowed = atol(argv[1]), denied = atol(argv[2]), count = atol(argv[3]), rounds = atol(argv[4]);
    FILE *output = fopen(argv[5], "w");
    if (!output) return 2;
    for (long round = 0; round < rounds; round++) {
        double a = per_call(allowed, count);
        double d = per_call(denied, count);
        fprintf(output, "allowed %.1f\ndenied %.1f\n", a, d);
    }
    return fclose(output) == 0 ? 0 : 1;
}
