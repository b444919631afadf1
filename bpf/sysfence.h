/* The layout shared by the probe programs (bpf/sysfence.bpf.c) and the Swift side (module CBPF).
 * Fixed-width kernel types only; no padding the two compilers could lay out differently. */
#ifndef SYSFENCE_H
#define SYSFENCE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* What the sys_enter program does with a call from a target cgroup. */
enum sysfence_mode {
    SYSFENCE_MODE_TRACE = 0, /* stream every call */
    SYSFENCE_MODE_AUDIT = 1, /* stream calls the seccomp program does not allow */
    SYSFENCE_MODE_KILL = 2,  /* as audit, and SIGKILL the process on a denied call */
};

/* The system-call ABIs of x86-64 the fast verdict table covers. */
enum sysfence_abi {
    SYSFENCE_ABI_X86_64 = 0,
    SYSFENCE_ABI_I386 = 1, /* compat: int $0x80, sysenter, syscall from 32-bit code */
    SYSFENCE_ABI_X32 = 2,  /* AUDIT_ARCH_X86_64 with the x32 bit in the number */
    SYSFENCE_ABI_COUNT = 3,
};

#define SYSFENCE_MAX_INSNS 4096    /* BPF_MAXINSNS: the longest seccomp program */
#define SYSFENCE_VERDICT_SLOTS 1024 /* numbers below this have a slot per ABI in the verdict table */
#define SYSFENCE_MAX_DEPTH 64       /* cgroup levels searched for a target ancestor */
#define SYSFENCE_MAX_TARGETS 4096
#define SYSFENCE_MAX_CGROUPS 65536  /* membership cache entries */

#define SYSFENCE_AUDIT_ARCH_X86_64 0xc000003eU
#define SYSFENCE_AUDIT_ARCH_I386 0x40000003U
#define SYSFENCE_X32_SYSCALL_BIT 0x40000000U

/* Set in .rodata before the object is loaded. */
struct sysfence_config {
    __u32 mode;       /* enum sysfence_mode */
    __u32 rate_limit; /* events per second per cgroup; 0: no limit */
};

/* One slot of the verdict table: the program's result when it does not depend on the arguments. */
struct sysfence_verdict {
    __u32 known;  /* 0: run the interpreter */
    __u32 result; /* the seccomp return value */
};

/* One classic-BPF instruction (struct sock_filter). */
struct sysfence_insn {
    __u16 code;
    __u8 jt;
    __u8 jf;
    __u32 k;
};

/* Indexes of the per-CPU counter array. */
enum sysfence_counter {
    SYSFENCE_COUNTER_SYSCALLS = 0,     /* calls from target cgroups */
    SYSFENCE_COUNTER_EVENTS = 1,       /* events written to the ring buffer */
    SYSFENCE_COUNTER_LOST = 2,         /* events dropped: ring buffer full */
    SYSFENCE_COUNTER_RATE_LIMITED = 3, /* events dropped by the per-cgroup rate limit */
    SYSFENCE_COUNTER_KILLED = 4,       /* SIGKILLs sent */
    SYSFENCE_COUNTER_INTERPRETED = 5,  /* decisions that ran the interpreter */
    SYSFENCE_COUNTER_COUNT = 6,
};

#define SYSFENCE_EVENT_KILLED 0x1U /* SIGKILL was sent to the process */

/* One streamed call. */
struct sysfence_event {
    __u64 time_ns;   /* CLOCK_MONOTONIC */
    __u64 cgroup_id; /* cgroup v2 id of the calling task */
    __u64 args[6];
    __u64 instruction_pointer;
    __u32 pid; /* thread group id */
    __u32 tid;
    __u32 nr;         /* as seccomp_data.nr: x32 numbers carry the x32 bit */
    __u32 audit_arch; /* as seccomp_data.arch */
    __u32 result;     /* the seccomp return value (0x7fff0000, allow, in trace mode) */
    __u32 flags;      /* SYSFENCE_EVENT_* */
    char comm[16];
};

/* The recorder (bpf/record.bpf.c). */

/* A syscall seen: (ABI, number as seccomp_data.nr). Key of the calls map (numbers beyond the slots). */
struct sysfence_call_key {
    __u32 abi; /* enum sysfence_abi */
    __u32 nr;
};

enum sysfence_task_state {
    SYSFENCE_TASK_RECORDED = 1,     /* its calls count */
    SYSFENCE_TASK_EXEC_PENDING = 2, /* in a target, not recorded, inside an execve: its ABI and number */
};

/* Per task (task storage): whether its calls count. User space marks running tasks RECORDED. */
struct sysfence_task_record {
    __u32 state; /* enum sysfence_task_state */
    __u32 abi;   /* EXEC_PENDING: of the execve, as its entry saw it (the exec overwrites TS_COMPAT) */
    __u32 nr;
    __u32 padding;
    __u64 cgroup; /* the id of the cgroup last found in a target: a cheaper check than in_target */
};

/* Per verdict slot of the recorder: whether the call was seen, and which of its arguments the
 * recorder keeps (their low 32 bits, masked). */
struct sysfence_slot {
    __u32 seen;  /* set by the program at the first call */
    __u32 count; /* watched arguments: 0, 1 or 2 */
    __u32 args[2];
    __u32 masks[2];
};

/* A combination of watched argument values seen. Key of the values map. */
struct sysfence_value_key {
    __u32 abi;
    __u32 nr;
    __u32 values[2]; /* an unused one is 0 */
};

enum sysfence_record_kind {
    SYSFENCE_RECORD_SYSCALL = 0, /* first sighting of (abi, nr) */
    SYSFENCE_RECORD_VALUES = 1,  /* first sighting of a combination of watched argument values */
    SYSFENCE_RECORD_EXEC = 2,    /* a task in the target executed a program: it counts from now on */
    SYSFENCE_RECORD_EXIT = 3,    /* a counted process ended */
};

/* Indexes of the recorder's per-CPU counter array. */
enum sysfence_record_counter {
    SYSFENCE_RECORD_COUNTER_CALLS = 0,  /* calls counted */
    SYSFENCE_RECORD_COUNTER_EVENTS = 1, /* events written to the ring buffer */
    SYSFENCE_RECORD_COUNTER_LOST = 2,   /* events dropped: ring buffer full */
    SYSFENCE_RECORD_COUNTER_NO_ROOM = 3, /* values (or calls beyond the slots) a full hash could not keep */
    SYSFENCE_RECORD_COUNTER_COUNT = 4,
};

/* One recorder event. */
struct sysfence_record_event {
    __u32 kind; /* enum sysfence_record_kind */
    __u32 abi;
    __u32 nr;
    __u32 pid; /* thread group id */
    __u32 tid;
    __u32 values[2];
    __s32 exit_code; /* SYSFENCE_RECORD_EXIT: the wait(2) status */
    char comm[16];
};

#endif
