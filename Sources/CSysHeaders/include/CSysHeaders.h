#ifndef SYSFENCE_CSYSHEADERS_H
#define SYSFENCE_CSYSHEADERS_H

#include <stdint.h>
#include <stddef.h>

/// A named constant with its value from the system headers, as 64-bit two's complement.
typedef struct {
    const char *name;
    int64_t value;
} sysfence_constant;

/// The constants a policy may name (AF_*, SOCK_*, CLONE_*, O_*, ...), errno names excluded.
const sysfence_constant *sysfence_constants(size_t *count);

/// The errno names (EPERM, ENOSYS, ...) with their numbers.
const sysfence_constant *sysfence_errnos(size_t *count);

#include "CSysSeccomp.h"

#endif
