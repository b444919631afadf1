#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
/* The probe programs' event layout and map parameters, shared with bpf/sysfence.bpf.c. */
#include "../../bpf/sysfence.h"
/* pidfd_open(2), for the keys of task-storage maps. */
#include <sys/pidfd.h>
