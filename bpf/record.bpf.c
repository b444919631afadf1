// SPDX-License-Identifier: GPL-2.0
/* sysfence's recorder.
 *
 * Counts, in the kernel, every system call of the recorded tasks per (ABI, number), and for the
 * calls user space watches, each combination of (masked) argument values: per-CPU counters, so
 * that nothing is lost however fast the workload calls. The ring buffer carries only what user
 * space needs as it happens: the first sighting of a call or of an argument combination, and the
 * lifecycle of the recorded processes.
 *
 * A task is recorded once it has executed a program inside a target cgroup (sched_process_exec),
 * or descends from such a task (sched_process_fork), while its cgroup is a target or lies below
 * one. What a container runtime does in the container's cgroup before it executes the entrypoint
 * (runc init's Go start-up), or what sysfence's own fork does before the command's execve, is
 * thus left out; the execve that starts the program is counted (with the ABI its entry had). User
 * space may also mark tasks already running when it attaches (the `recorded` task storage, keyed
 * by pidfd). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "sysfence.h"
#define SYSFENCE_COUNTERS SYSFENCE_RECORD_COUNTER_COUNT
#include "target.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define MAX_CALLS 16384
#define MAX_VALUES 16384

/* Per task: whether its calls count (user space sets `state` 1 for tasks already running). */
struct {
    __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, int);
    __type(value, struct sysfence_task_record);
} recorded SEC(".maps");

/* Calls per verdict slot (ABI * SYSFENCE_VERDICT_SLOTS + number without the x32 bit), per CPU:
 * an array, the cheapest count there is. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SYSFENCE_ABI_COUNT * SYSFENCE_VERDICT_SLOTS);
    __type(key, __u32);
    __type(value, __u64);
} slot_calls SEC(".maps");

/* Per verdict slot: whether it was seen, and which arguments to keep (filled by user space). */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SYSFENCE_ABI_COUNT * SYSFENCE_VERDICT_SLOTS);
    __type(key, __u32);
    __type(value, struct sysfence_slot);
} slots SEC(".maps");

/* (ABI, number) → calls, per CPU, for numbers beyond the slots (no such syscall exists). */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, MAX_CALLS);
    __type(key, struct sysfence_call_key);
    __type(value, __u64);
} calls SEC(".maps");

/* (ABI, number, values) → calls, per CPU. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, MAX_VALUES);
    __type(key, struct sysfence_value_key);
    __type(value, __u64);
} values SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 20);
} events SEC(".maps");

static __always_inline void emit(__u32 kind, __u32 abi, __u32 nr, __u32 v0, __u32 v1, __s32 exit_code)
{
    struct sysfence_record_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
    if (!event) {
        count(SYSFENCE_RECORD_COUNTER_LOST);
        return;
    }
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    event->kind = kind;
    event->abi = abi;
    event->nr = nr;
    event->pid = pid_tgid >> 32;
    event->tid = (__u32)pid_tgid;
    event->values[0] = v0;
    event->values[1] = v1;
    event->exit_code = exit_code;
    bpf_get_current_comm(event->comm, sizeof(event->comm));
    bpf_ringbuf_submit(event, 0);
    count(SYSFENCE_RECORD_COUNTER_EVENTS);
}

/* Adds one to a per-CPU count; returns 1 when the key is new (this CPU created it). */
static __always_inline int bump(void *map, void *key)
{
    __u64 *value = bpf_map_lookup_elem(map, key);
    if (value) {
        *value += 1;
        return 0;
    }
    __u64 one = 1;
    if (bpf_map_update_elem(map, key, &one, BPF_NOEXIST) == 0)
        return 1;
    value = bpf_map_lookup_elem(map, key); /* another CPU created it meanwhile */
    if (value)
        *value += 1;
    else
        count(SYSFENCE_RECORD_COUNTER_NO_ROOM); /* the map is full */
    return 0;
}

/* Counts one call, and its watched argument values. */
static __always_inline void record_call(struct pt_regs *regs, __u32 abi, __u32 nr)
{
    count(SYSFENCE_RECORD_COUNTER_CALLS);
    __u32 slot = nr & ~SYSFENCE_X32_SYSCALL_BIT;
    if (slot >= SYSFENCE_VERDICT_SLOTS) {
        struct sysfence_call_key key = { .abi = abi, .nr = nr };
        if (bump(&calls, &key))
            emit(SYSFENCE_RECORD_SYSCALL, abi, nr, 0, 0, 0);
        return;
    }
    __u32 index = abi * SYSFENCE_VERDICT_SLOTS + slot;
    __u64 *calls_here = bpf_map_lookup_elem(&slot_calls, &index);
    if (calls_here)
        *calls_here += 1;
    struct sysfence_slot *watch = bpf_map_lookup_elem(&slots, &index);
    if (!watch)
        return;
    /* Read-only once set, so the flag's cache line is shared, not bounced between CPUs. */
    if (!watch->seen && __sync_fetch_and_add(&watch->seen, 1) == 0)
        emit(SYSFENCE_RECORD_SYSCALL, abi, nr, 0, 0, 0);
    if (!watch->count)
        return;
    __u64 args[6];
    syscall_arguments(regs, abi == SYSFENCE_ABI_I386, args);
    struct sysfence_value_key value_key = { .abi = abi, .nr = nr };
    for (int i = 0; i < 2; i++) {
        __u32 argument = watch->args[i];
        if (i < watch->count && argument < 6)
            value_key.values[i] = (__u32)args[argument] & watch->masks[i];
    }
    if (bump(&values, &value_key))
        emit(SYSFENCE_RECORD_VALUES, abi, nr, value_key.values[0], value_key.values[1], 0);
}

/* Whether the call starts a program: execve or execveat on its ABI. */
static __always_inline int is_exec(__u32 abi, __u32 nr)
{
    switch (abi) {
    case SYSFENCE_ABI_X86_64: return nr == 59 || nr == 322;
    case SYSFENCE_ABI_I386: return nr == 11 || nr == 358;
    default: return nr == (520 | SYSFENCE_X32_SYSCALL_BIT) || nr == (545 | SYSFENCE_X32_SYSCALL_BIT);
    }
}

SEC("tp_btf/sys_enter")
int BPF_PROG(record_enter, struct pt_regs *regs, long id)
{
    struct task_struct *task = bpf_get_current_task_btf();
    __u32 nr = (__u32)id;
    struct sysfence_task_record *record = bpf_task_storage_get(&recorded, task, 0, 0);
    if (record && record->state == SYSFENCE_TASK_RECORDED) {
        /* Targets only grow during a recording: a cgroup once found in them stays there. */
        __u64 cgroup = task->cgroups->dfl_cgrp->kn->id;
        if (cgroup != record->cgroup) {
            if (!in_target(task))
                return 0;
            record->cgroup = cgroup;
        }
        record_call(regs, abi_of(task, nr), nr);
        return 0;
    }
    /* An exec by a task not yet recorded: keep its ABI, which the exec itself will overwrite
     * (TS_COMPAT and orig_ax follow the new program), for record_exec. */
    __u32 abi = abi_of(task, nr);
    if (!is_exec(abi, nr) || !in_target(task))
        return 0;
    record = bpf_task_storage_get(&recorded, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (record) {
        record->state = SYSFENCE_TASK_EXEC_PENDING;
        record->abi = abi;
        record->nr = nr;
    }
    return 0;
}

/* A program executed inside a target: its task counts from now on, and the execve (or
 * execveat) that started it, entered before, is counted here. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(record_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    struct task_struct *task = bpf_get_current_task_btf();
    struct sysfence_task_record *record = bpf_task_storage_get(&recorded, task, 0, 0);
    if (!record || record->state != SYSFENCE_TASK_RECORDED) {
        if (!in_target(task))
            return 0;
        if (!record)
            record = bpf_task_storage_get(&recorded, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
        if (!record)
            return 0;
        /* Pending unless the task entered the target during its execve: then its ABI is unknown. */
        if (record->state == SYSFENCE_TASK_EXEC_PENDING)
            record_call((struct pt_regs *)bpf_task_pt_regs(task), record->abi, record->nr);
        record->state = SYSFENCE_TASK_RECORDED;
    }
    emit(SYSFENCE_RECORD_EXEC, 0, 0, 0, 0, 0);
    return 0;
}

/* Children (processes and threads) of a recorded task are recorded. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(record_fork, struct task_struct *parent, struct task_struct *child)
{
    struct sysfence_task_record *record = bpf_task_storage_get(&recorded, parent, 0, 0);
    if (!record || record->state != SYSFENCE_TASK_RECORDED)
        return 0;
    record = bpf_task_storage_get(&recorded, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (record)
        record->state = SYSFENCE_TASK_RECORDED;
    return 0;
}

/* The end of a recorded process (its last thread). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(record_exit, struct task_struct *p)
{
    /* do_exit has counted this thread out: no live thread left means the process is done. */
    struct sysfence_task_record *record = bpf_task_storage_get(&recorded, p, 0, 0);
    if (p->signal->live.counter == 0 && record && record->state == SYSFENCE_TASK_RECORDED)
        emit(SYSFENCE_RECORD_EXIT, 0, 0, 0, 0, p->exit_code);
    return 0;
}
