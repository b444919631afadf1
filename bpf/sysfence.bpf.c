// SPDX-License-Identifier: GPL-2.0
/* sysfence's system-call probes.
 *
 * One program on the sys_enter tracepoint: a call from a target cgroup (or one of its descendants)
 * is traced, or decided by the very classic-BPF program the seccomp filter runs. The decision takes
 * a verdict table for calls whose result does not depend on the arguments (filled by user space
 * from the program itself), and otherwise interprets the program with bpf_loop. `decide_test` runs
 * the same decision on a struct seccomp_data given through BPF_PROG_TEST_RUN. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "sysfence.h"
#define SYSFENCE_COUNTERS SYSFENCE_COUNTER_COUNT
#include "target.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SIGKILL 9
#define SECCOMP_RET_ACTION_FULL 0xffff0000U
#define SECCOMP_RET_ALLOW 0x7fff0000U
#define SECCOMP_RET_LOG 0x7ffc0000U
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#define WAKEUP_BATCH_BYTES (64 << 10)

const volatile struct sysfence_config sysfence_settings = {};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SYSFENCE_MAX_INSNS);
    __type(key, __u32);
    __type(value, struct sysfence_insn);
} filter SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SYSFENCE_ABI_COUNT * SYSFENCE_VERDICT_SLOTS);
    __type(key, __u32);
    __type(value, struct sysfence_verdict);
} verdicts SEC(".maps");

struct rate_window {
    __u64 start_ns;
    __u64 count;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, SYSFENCE_MAX_CGROUPS);
    __type(key, __u64);
    __type(value, struct rate_window);
} rates SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16 << 20);
} events SEC(".maps");

/* The state of one run of the classic-BPF program, laid out as the kernel's seccomp filter sees it. */
struct machine {
    __u32 data[16]; /* struct seccomp_data, as 32-bit words (x86 is little-endian) */
    __u32 mem[16];
    __u32 a;
    __u32 x;
    __u32 pc;
    __u32 result;
};

static __always_inline __u32 alu(__u16 op, __u32 a, __u32 operand, int *div_by_zero)
{
    switch (op) {
    case 0x00: return a + operand;
    case 0x10: return a - operand;
    case 0x20: return a * operand;
    case 0x30:
        if (!operand) { *div_by_zero = 1; return 0; }
        return a / operand;
    case 0x90:
        if (!operand) { *div_by_zero = 1; return 0; }
        return a % operand;
    case 0x40: return a | operand;
    case 0x50: return a & operand;
    case 0xa0: return a ^ operand;
    case 0x60: return operand >= 32 ? 0 : a << operand;
    case 0x70: return operand >= 32 ? 0 : a >> operand;
    default: return -a; /* 0x80: neg */
    }
}

/* One instruction; returns 1 when the program has returned. */
static long step(__u64 index, void *context)
{
    struct machine *m = context;
    __u32 pc = m->pc;
    struct sysfence_insn *insn = bpf_map_lookup_elem(&filter, &pc);
    if (!insn) { /* ran off the end: the kernel's verifier forbids it */
        m->result = SECCOMP_RET_KILL_PROCESS;
        return 1;
    }
    __u16 code = insn->code;
    __u32 k = insn->k;
    m->pc = pc + 1;
    switch (code) {
    case 0x20: m->a = m->data[(k >> 2) & 15]; return 0;      /* ld w abs */
    case 0x80: m->a = 64; return 0;                           /* ld w len */
    case 0x81: m->x = 64; return 0;                           /* ldx w len */
    case 0x00: m->a = k; return 0;                            /* ld imm */
    case 0x01: m->x = k; return 0;                            /* ldx imm */
    case 0x60: m->a = m->mem[k & 15]; return 0;               /* ld mem */
    case 0x61: m->x = m->mem[k & 15]; return 0;               /* ldx mem */
    case 0x02: m->mem[k & 15] = m->a; return 0;               /* st */
    case 0x03: m->mem[k & 15] = m->x; return 0;               /* stx */
    case 0x07: m->x = m->a; return 0;                         /* tax */
    case 0x87: m->a = m->x; return 0;                         /* txa */
    case 0x06: m->result = k; return 1;                       /* ret k */
    case 0x16: m->result = m->a; return 1;                    /* ret a */
    case 0x05: m->pc += k; return 0;                          /* ja */
    }
    __u32 operand = code & 0x08 ? m->x : k;
    if ((code & 0x07) == 0x04) { /* alu */
        int div_by_zero = 0;
        m->a = alu(code & 0xf0, m->a, operand, &div_by_zero);
        if (div_by_zero) { /* the kernel's conversion of classic BPF returns 0 */
            m->result = 0;
            return 1;
        }
        return 0;
    }
    if ((code & 0x07) == 0x05) { /* conditional jump */
        int taken;
        switch (code & 0xf0) {
        case 0x10: taken = m->a == operand; break;
        case 0x20: taken = m->a > operand; break;
        case 0x30: taken = m->a >= operand; break;
        default: taken = (m->a & operand) != 0; break;
        }
        m->pc += taken ? insn->jt : insn->jf;
        return 0;
    }
    m->result = SECCOMP_RET_KILL_PROCESS; /* an opcode seccomp refuses */
    return 1;
}

/* The verdict table's slot for a call, or NULL when the call has none (its result depends on the
 * arguments, or its number lies beyond the table). */
static __always_inline struct sysfence_verdict *known_verdict(__u32 nr, __u32 arch)
{
    __u32 abi = SYSFENCE_ABI_COUNT;
    if (arch == SYSFENCE_AUDIT_ARCH_I386)
        abi = SYSFENCE_ABI_I386;
    else if (arch == SYSFENCE_AUDIT_ARCH_X86_64)
        abi = nr & SYSFENCE_X32_SYSCALL_BIT ? SYSFENCE_ABI_X32 : SYSFENCE_ABI_X86_64;
    __u32 slot = abi == SYSFENCE_ABI_X32 ? nr & ~SYSFENCE_X32_SYSCALL_BIT : nr;
    if (abi >= SYSFENCE_ABI_COUNT || slot >= SYSFENCE_VERDICT_SLOTS)
        return NULL;
    __u32 key = abi * SYSFENCE_VERDICT_SLOTS + slot;
    struct sysfence_verdict *verdict = bpf_map_lookup_elem(&verdicts, &key);
    return verdict && verdict->known ? verdict : NULL;
}

/* The seccomp return value of the filter for m->data, by running the program. */
static __noinline __u32 interpret(struct machine *m)
{
    count(SYSFENCE_COUNTER_INTERPRETED);
    m->pc = 0;
    m->result = SECCOMP_RET_KILL_PROCESS;
    bpf_loop(SYSFENCE_MAX_INSNS, step, m, 0);
    return m->result;
}

/* The machine's input: struct seccomp_data as 32-bit words. */
static __always_inline void load_data(struct machine *m, __u32 nr, __u32 arch, __u64 ip, const __u64 *args)
{
    m->data[0] = nr;
    m->data[1] = arch;
    m->data[2] = (__u32)ip;
    m->data[3] = (__u32)(ip >> 32);
    for (int i = 0; i < 6; i++) {
        m->data[4 + 2 * i] = (__u32)args[i];
        m->data[5 + 2 * i] = (__u32)(args[i] >> 32);
    }
}

/* Whether the cgroup may send one more event in the current one-second window. */
static __always_inline int within_rate(__u64 cgroup, __u64 now)
{
    struct rate_window *window = bpf_map_lookup_elem(&rates, &cgroup);
    if (!window || now - window->start_ns >= 1000000000ULL) {
        struct rate_window fresh = { .start_ns = now, .count = 1 };
        bpf_map_update_elem(&rates, &cgroup, &fresh, BPF_ANY);
        return 1;
    }
    return __sync_fetch_and_add(&window->count, 1) < sysfence_settings.rate_limit;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
    struct task_struct *task = bpf_get_current_task_btf();
    if (!in_target(task))
        return 0;
    count(SYSFENCE_COUNTER_SYSCALLS);
    int compat = is_compat(task);
    __u32 nr = (__u32)id;
    __u32 arch = compat ? SYSFENCE_AUDIT_ARCH_I386 : SYSFENCE_AUDIT_ARCH_X86_64;
    __u64 ip = regs->ip;
    __u64 args[6];
    syscall_arguments(regs, compat, args);

    __u32 result = SECCOMP_RET_ALLOW;
    __u32 flags = 0;
    if (sysfence_settings.mode != SYSFENCE_MODE_TRACE) {
        /* The common case, an allowed call whose verdict does not depend on its arguments, costs
         * one table lookup; the machine is set up only for the calls that need the program run. */
        struct sysfence_verdict *known = known_verdict(nr, arch);
        if (known) {
            result = known->result;
        } else {
            struct machine m = {};
            load_data(&m, nr, arch, ip, args);
            result = interpret(&m);
        }
        __u32 action = result & SECCOMP_RET_ACTION_FULL;
        if (action == SECCOMP_RET_ALLOW)
            return 0;
        if (sysfence_settings.mode == SYSFENCE_MODE_KILL && action != SECCOMP_RET_LOG) {
            bpf_send_signal(SIGKILL);
            flags |= SYSFENCE_EVENT_KILLED;
            count(SYSFENCE_COUNTER_KILLED);
        }
    }

    __u64 cgroup = bpf_get_current_cgroup_id();
    __u64 now = bpf_ktime_get_ns();
    if (sysfence_settings.rate_limit && !within_rate(cgroup, now)) {
        count(SYSFENCE_COUNTER_RATE_LIMITED);
        return 0;
    }
    struct sysfence_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
    if (!event) {
        count(SYSFENCE_COUNTER_LOST);
        return 0;
    }
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    event->time_ns = now;
    event->cgroup_id = cgroup;
    for (int i = 0; i < 6; i++)
        event->args[i] = args[i];
    event->instruction_pointer = ip;
    event->pid = pid_tgid >> 32;
    event->tid = (__u32)pid_tgid;
    event->nr = nr;
    event->audit_arch = arch;
    event->result = result;
    event->flags = flags;
    bpf_get_current_comm(event->comm, sizeof(event->comm));
    /* Waking the reader for every event costs more than the event; it polls at least ten times a
     * second, and is woken early once a batch is waiting. */
    __u64 waiting = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
    bpf_ringbuf_submit(event, waiting >= WAKEUP_BATCH_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
    count(SYSFENCE_COUNTER_EVENTS);
    return 0;
}

/* The decision alone, for BPF_PROG_TEST_RUN: the context is struct seccomp_data (eight u64 words),
 * the return value the filter's result. */
SEC("raw_tp")
int decide_test(struct bpf_raw_tracepoint_args *ctx)
{
    struct machine m = {};
    for (int i = 0; i < 8; i++) {
        __u64 word = ctx->args[i];
        m.data[2 * i] = (__u32)word;
        m.data[2 * i + 1] = (__u32)(word >> 32);
    }
    struct sysfence_verdict *known = known_verdict(m.data[0], m.data[1]);
    return known ? known->result : interpret(&m);
}
