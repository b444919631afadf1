/* What the probe (sysfence.bpf.c) and the recorder (record.bpf.c) share in the kernel: their
 * per-CPU counters, which cgroups are targets (with their descendants), and the ABI and arguments
 * of a system call. The including file defines SYSFENCE_COUNTERS, its number of counters. */
#ifndef SYSFENCE_TARGET_BPF_H
#define SYSFENCE_TARGET_BPF_H

/* Per-CPU counters, read and summed by user space. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SYSFENCE_COUNTERS);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 counter)
{
    __u64 *value = bpf_map_lookup_elem(&counters, &counter);
    if (value)
        *value += 1;
}

#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h: a 32-bit system call is active */

/* Target cgroup ids (value unused). */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, SYSFENCE_MAX_TARGETS);
    __type(key, __u64);
    __type(value, __u8);
} targets SEC(".maps");

/* Bumped by user space whenever the targets change: membership computed earlier is stale. */
__u32 targets_generation = 0;

struct membership {
    __u32 generation; /* targets_generation + 1 when computed; 0: never */
    __u32 member;
};

/* Per cgroup (kept in the cgroup itself, freed with it): whether it is a target or below one. */
struct {
    __uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, int);
    __type(value, struct membership);
} membership SEC(".maps");

/* Whether the current task's cgroup is a target or lies below one. */
static __always_inline int in_target(struct task_struct *task)
{
    struct cgroup *cgroup = task->cgroups->dfl_cgrp;
    struct membership *cached = bpf_cgrp_storage_get(&membership, cgroup, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (!cached)
        return 0;
    __u32 generation = targets_generation + 1;
    if (cached->generation == generation)
        return cached->member;
    __u32 member = 0;
    for (int level = 0; level < SYSFENCE_MAX_DEPTH; level++) {
        __u64 ancestor = bpf_get_current_ancestor_cgroup_id(level);
        if (!ancestor)
            break;
        if (bpf_map_lookup_elem(&targets, &ancestor)) {
            member = 1;
            break;
        }
    }
    cached->member = member;
    cached->generation = generation;
    return member;
}

/* Whether the current task's system call came in through the i386 compat entry (int $0x80,
 * sysenter, or syscall from 32-bit code); such calls take their own numbers and registers. */
static __always_inline int is_compat(struct task_struct *task)
{
    return task->thread_info.status & TS_COMPAT;
}

/* The ABI of a call numbered `nr` (as seccomp_data.nr): i386 compat, x32 (the x32 bit in the
 * number, which the kernel passes on even where x32 is disabled) or x86_64. */
static __always_inline __u32 abi_of(struct task_struct *task, __u32 nr)
{
    if (is_compat(task))
        return SYSFENCE_ABI_I386;
    return nr & SYSFENCE_X32_SYSCALL_BIT ? SYSFENCE_ABI_X32 : SYSFENCE_ABI_X86_64;
}

/* The six arguments of the call, from the registers its ABI passes them in. */
static __always_inline void syscall_arguments(struct pt_regs *regs, int compat, __u64 args[6])
{
    if (compat) {
        args[0] = regs->bx; args[1] = regs->cx; args[2] = regs->dx;
        args[3] = regs->si; args[4] = regs->di; args[5] = regs->bp;
    } else {
        args[0] = regs->di; args[1] = regs->si; args[2] = regs->dx;
        args[3] = regs->r10; args[4] = regs->r8; args[5] = regs->r9;
    }
}

#endif
