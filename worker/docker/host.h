/*
 * host.h: what the worker does to a running container from the host, as
 * root, without the daemon: its cgroup (limits, counters, processes), its
 * files (through /proc/<pid>/root, resolved inside the container's root)
 * and its SysV IPC namespace.
 *
 * The daemon's archive API cannot serve here: it refuses to write into a
 * container whose root is read-only, and it does not see tmpfs mounts,
 * which the work dir and /tmp are.
 */

#ifndef JUDGE_DOCKER_HOST_H
#define JUDGE_DOCKER_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


#define HOST_PATH_MAX  512


typedef struct {
    int          version;           /* 1 or 2 */
    pid_t        init_pid;          /* the container's first process */
    int          init_fd;           /* ... as a pidfd: it cannot be reused */
    char         cpu[HOST_PATH_MAX];    /* v1: cpuacct; v2: the group */
    char         mem[HOST_PATH_MAX];
    char         pids[HOST_PATH_MAX];
    int          peak_fd;           /* v2: memory.peak, reset per fd */
} host_cgroup_t;


/* Finds the cgroup of the container whose first process is "pid". */
int host_cgroup_open(host_cgroup_t *cg, pid_t pid, char *err, size_t errlen);
void host_cgroup_close(host_cgroup_t *cg);

/*
 * Resets the memory peak: v1's memory.max_usage_in_bytes; v2's
 * memory.peak from Linux 6.12 on, for reads through the descriptor kept
 * in cg (before, the peak is the container's: MLE can only come sooner).
 */
void host_cgroup_reset_peak(const host_cgroup_t *cg);

/*
 * Before a run: sets the memory limit (swap off) and the process limit
 * the exec's start needs, resets the memory peak; returns the CPU and
 * OOM-kill counters the run's are measured against.
 */
int host_cgroup_prepare(const host_cgroup_t *cg, uint64_t memory_bytes,
    unsigned pids, uint64_t *cpu_ns, uint64_t *oom_kills, char *err,
    size_t errlen);
int host_cgroup_cpu(const host_cgroup_t *cg, uint64_t *ns);
int host_cgroup_finish(const host_cgroup_t *cg, uint64_t *peak_bytes,
    uint64_t *oom_kills);

/*
 * The container's tasks as its process limit counts them (threads, and
 * zombies nobody reaps: its first process does not), -1 on error.
 */
int host_cgroup_tasks(const host_cgroup_t *cg);

/* Sets the container's process limit. */
int host_cgroup_pids(const host_cgroup_t *cg, unsigned pids);

/*
 * 1 when the container's only process but its first runs "exe" (a path
 * inside it), 0 when not yet, -1 when its processes cannot be listed.
 */
int host_only_exe(const host_cgroup_t *cg, const char *exe);

/*
 * Kills every process of the container but its first; returns how many
 * there were on the first look, -1 when they could not be listed.
 */
int host_kill_rest(const host_cgroup_t *cg);

/*
 * Whether the container's first process still runs (0: it ended), waiting
 * up to "wait_ms" for its end: a killed init ends only after the rest of
 * its pid namespace, which may be after a run's wrapper was seen to end.
 */
int host_alive(const host_cgroup_t *cg, int wait_ms);

/*
 * Ends the container now by killing its first process: the kernel kills
 * the rest of its pid namespace, and the zombies its first process held
 * are reaped with it (a container given up keeps nothing of a run alive
 * on the host until the daemon gets round to removing it).
 */
void host_end(const host_cgroup_t *cg);

/* The directory "inside" (absolute) of the container, opened. */
int host_open_dir(pid_t pid, const char *inside, char *err, size_t errlen);

/* Writes a file into dir, owned by uid:uid. */
int host_put_file(int dir, const char *name, const void *data, size_t len,
    unsigned mode, uid_t uid, char *err, size_t errlen);

/* Reads a regular file of dir, at most "max" bytes; -1 with errno. */
int host_get_file(int dir, const char *name, size_t max, char **data,
    size_t *len);

/*
 * Empties dir; returns how many entries were removed, -1 when one could
 * not be or the tree is more than 256 directories deep.
 */
int host_empty_dir(int dir);

/* How many SysV IPC objects the container's IPC namespace holds. */
int host_ipc_objects(pid_t pid, char *err, size_t errlen);


#endif /* JUDGE_DOCKER_HOST_H */
