/*
 * internal.h: what the files of the native backend share.  Not installed,
 * not included by users of sandbox.h.
 *
 * Process layout (docs/SANDBOX.md has the picture):
 *
 *   caller thread ("supervisor")
 *     └─ init: created once per instance, PID 1 of its own user, pid,
 *        mount, ipc, uts and network namespaces, rootfs already pivoted.
 *          └─ program: one per run, PID n > 1, own ipc namespace.
 *
 * The supervisor talks to init over a SOCK_SEQPACKET socketpair (ctl.c
 * message types below).  Init spawns the program, reports how it ended and
 * kills everything left in the pid namespace before it answers, so a run
 * never outlives its sandbox_run() call.
 */

#ifndef SANDBOX_INTERNAL_H
#define SANDBOX_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <linux/filter.h>

#include "sandbox.h"


#define SBX_INSIDE_UID      1000        /* the program's uid/gid inside */
#define SBX_BOX             "/box"      /* the work dir, the only rw place */
#define SBX_MAX_COLLECT     32
#define SBX_MAX_INLINE      (48 * 1024) /* larger run payloads go in a memfd */
#define SBX_MAX_BINDS       64
#define SBX_CG_MSG_FDS      8           /* cgroup files handed to init */
#define SBX_CG_SLACK        (1024 * 1024)   /* left charged, not reclaimed */


/* An error: what was being done, and errno text. */
typedef struct {
    char        msg[256];
} sbx_err_t;

int sbx_fail(sbx_err_t *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));


typedef struct {
    char       *host;
    char       *inside;
    int         writable;
} sbx_bind_t;


/* The BPF programs of an instance (seccomp.c). */
typedef struct {
    struct sock_fprog   main;           /* deny list, USER_NOTIF */
    struct sock_fprog   main_kill;      /* same, KILL_PROCESS (no listener) */
    struct sock_fprog   persona;        /* personality() argument check */
    int                 enabled;
} sbx_filter_t;


/* One cgroup directory with the files we keep open (cgroup.c). */
typedef struct {
    char        path[512];
    int         procs_fd;
} sbx_cgdir_t;

typedef struct {
    int         version;                /* 0 none, 1, 2 */
    sbx_cgdir_t mem, pids, cpu;         /* v2: all three the same dir */
    int         mem_limit_fd;           /* limit_in_bytes | memory.max */
    int         memsw_limit_fd;         /* v1 memsw.limit_in_bytes | -1 */
    int         mem_peak_fd;            /* max_usage_in_bytes | memory.peak */
    int         mem_usage_fd;           /* usage_in_bytes | memory.current */
    int         mem_oom_fd;             /* oom_control | memory.events */
    int         mem_reclaim_fd;         /* -1 | memory.reclaim */
    int         pids_max_fd;
    int         cpu_usage_fd;           /* cpuacct.usage | cpu.stat */
    int         tasks_fd;               /* cgroup.procs, for reading */
    int         peak_resettable;        /* v2 memory.peak reset works */
    uint64_t    mem_limit;              /* what is written now, 0: none */
    uint64_t    pids_max;
    uint64_t    oom_kills;              /* counter value after last run */
    uint64_t    cpu_base_ns;            /* v2: usage at run start */
    uint64_t    idle;                   /* init: charge between runs */
    unsigned    generation;             /* memory dir rotations */
    char        name[96];               /* instance dir name */
} sbx_cgroup_t;


struct sandbox_s {
    const sandbox_backend_t *backend;   /* another backend's, or NULL */
    void               *instance;       /* ... and its instance */
    unsigned            slot;
    uid_t               uid_out;        /* program uid outside */
    gid_t               gid_out;
    int                 rootless;
    int                 ncpus;
    sandbox_filter_t    filter_mode;
    sbx_bind_t         *binds;
    size_t              nbinds;
    char               *cgroup_parent;
    rlim_t              hard_stack, hard_nofile, hard_nproc;

    sbx_filter_t        filter;
    sbx_cgroup_t        cg;
    int                 devnull;        /* host /dev/null, for empty stdin */

    pid_t               init_pid;       /* 0 when not running */
    int                 init_pidfd;
    int                 ctl;            /* supervisor end of the socket */
    int                 kill_fd;        /* eventfd: readable while a
                                           sandbox_kill() is pending */
};


/* Messages on the control socket (all fixed size). */
enum {
    SBX_MSG_READY = 1,
    SBX_MSG_RUN,
    SBX_MSG_ABORT,
    SBX_MSG_DONE,
    SBX_MSG_CGROUP
};

#define SBX_RUN_PAYLOAD_FD  0x1         /* payload in an extra memfd */
#define SBX_RUN_RLIMIT_AS   0x2         /* no memory cgroup: RLIMIT_AS */

typedef struct {
    uint32_t    type;
    uint32_t    flags;
    uint64_t    rl_cpu_s;
    uint64_t    rl_fsize;
    uint64_t    rl_stack;
    uint64_t    rl_nofile;
    uint64_t    rl_nproc;
    uint64_t    rl_as;
    uint64_t    box_bytes;
    uint64_t    box_inodes;
    uint64_t    mem_limit;              /* bytes above the run's baseline */
    uint32_t    argc;
    uint32_t    envc;
    uint32_t    nfiles;
    uint32_t    ncollect;
    uint64_t    collect_max;
    uint32_t    payload_len;
    uint32_t    pad;
    /* followed by the inline payload unless SBX_RUN_PAYLOAD_FD */
} sbx_run_msg_t;

typedef struct {
    uint32_t    type;                   /* CGROUP */
    int32_t     version;
    int32_t     peak_resettable;
    uint32_t    mask;                   /* which descriptors follow */
} sbx_cg_msg_t;

typedef struct {
    uint32_t    type;                   /* READY or DONE */
    int32_t     fail_errno;             /* init could not do its part */
    char        fail_msg[200];
    int32_t     started;                /* the program was spawned */
    int32_t     wstatus;
    int32_t     exec_errno;             /* execve failed in the child */
    int32_t     sv_nr;                  /* forbidden syscall, -1 none */
    uint32_t    sv_arch;
    uint32_t    ncollect;
    uint64_t    cpu_us;                 /* the whole tree, from rusage */
    uint64_t    maxrss_kb;              /* the program's and its waited-for */
    uint64_t    mem_peak;               /* cgroup, bytes above the baseline */
    uint64_t    wall_us;
    int32_t     collect_errno[SBX_MAX_COLLECT];
} sbx_done_msg_t;


/* util.c */
typedef struct {
    char       *base;
    size_t      used, cap;
} sbx_arena_t;

int sbx_arena_init(sbx_arena_t *a, size_t cap);
void *sbx_arena_alloc(sbx_arena_t *a, size_t n);
void sbx_arena_free(sbx_arena_t *a);
int sbx_dir_each(const char *path, int (*fn)(const char *name, void *arg),
    void *arg);
uint64_t sbx_now_ns(void);
int sbx_write_str(int fd, const char *s);           /* pwrite at 0 */
int sbx_read_u64(int fd, uint64_t *v);              /* pread at 0 */
int sbx_read_text(int fd, char *buf, size_t size);  /* pread at 0 */
int sbx_write_file(const char *path, const char *s);
int sbx_send(int sock, const void *msg, size_t len, const int *fds, int nfds);
ssize_t sbx_recv(int sock, void *msg, size_t len, int *fds, int *nfds,
    int maxfds);
void sbx_close(int *fd);
char *sbx_strdup(const char *s);

/* ns.c: creating init in fresh namespaces */
int sbx_init_spawn(sandbox_t *sb, const sbx_bind_t *extra, size_t nextra,
    int new_cgroup, sbx_err_t *err);
void sbx_init_kill(sandbox_t *sb);

/* mount.c: runs in init */
int sbx_root_build(const sandbox_t *sb, const sbx_bind_t *extra,
    size_t nextra, sbx_err_t *err);
typedef struct {
    int         mounted;
    uint64_t    bytes;
    uint64_t    inodes;
    int64_t     ctime_sec;
    uint32_t    ctime_nsec;
} sbx_box_t;

int sbx_box_prepare(sbx_box_t *box, uint64_t bytes, uint64_t inodes,
    sbx_err_t *err);
void sbx_box_release(sbx_box_t *box);

/* seccomp.c */
int sbx_filter_build(sbx_filter_t *f, sbx_err_t *err);
void sbx_filter_free(sbx_filter_t *f);
const char *sbx_syscall_name(int nr, uint32_t arch, char *buf, size_t size);

/* seccomp_rules.c */
int sbx_filter_rules(uint32_t deny, struct sock_fprog *prog, sbx_err_t *err);

/* cgroup.c */
int sbx_cgroup_probe(void);
int sbx_cgroup_setup(sandbox_t *sb, sbx_err_t *err);
void sbx_cgroup_teardown(sandbox_t *sb);
int sbx_cgroup_send(sandbox_t *sb);
int sbx_cgroup_join(sbx_cgroup_t *cg, int ctl, sbx_err_t *err);
int sbx_cgroup_prepare_run(sandbox_t *sb, const sandbox_limits_t *lim,
    sbx_err_t *err);
int sbx_cgroup_run_begin(sbx_cgroup_t *cg, uint64_t limit, uint64_t placed,
    uint64_t *base, sbx_err_t *err);
uint64_t sbx_cgroup_run_peak(const sbx_cgroup_t *cg, uint64_t base);
int sbx_cgroup_cpu_ns(sandbox_t *sb, uint64_t *ns);
void sbx_cgroup_kill(sandbox_t *sb);
int sbx_cgroup_finish_run(sandbox_t *sb, int *oom_killed, uint64_t *cpu_ns);

/* rlimit.c */
void sbx_rlimits_plan(const sandbox_t *sb, const sandbox_limits_t *lim,
    sbx_run_msg_t *msg);
int sbx_rlimits_apply(const sbx_run_msg_t *msg);

/* exec.c: the program's last steps, in the CLONE_VM child */
typedef struct {
    char *const        *paths;          /* execve candidates, in order */
    char *const        *argv;
    char *const        *envp;
    const char         *cwd;
    const sbx_run_msg_t *msg;
    const sbx_filter_t *filter;
    /* written by the child, read by init after the vfork returns */
    volatile int        listener;
    volatile int        failed_errno;
    volatile const char *failed_step;
    volatile int        exec_errno;
} sbx_child_t;

int sbx_child_main(void *arg);

/* init.c */
void sbx_init_main(sandbox_t *sb, int ctl, const sbx_bind_t *extra,
    size_t nextra) __attribute__((noreturn));

/* supervise.c */
#define SBX_KILL_REQUESTED  SANDBOX_IE  /* kill_reason of sandbox_kill() */

typedef struct {
    sandbox_status_t    kill_reason;    /* OK when not killed by us */
    uint64_t            cpu_at_kill_ns;
    char               *out;
    size_t              out_len, out_cap;
    int                 out_truncated;
    char               *err;
    size_t              err_len, err_cap;
    int                 err_truncated;
    sandbox_output_pt   output;         /* the spec's live output hook */
    void               *output_data;
    sbx_done_msg_t      done;
    int                 collected_fds[SBX_MAX_COLLECT];
    int                 ncollected;
    uint64_t            wall_ns;
} sbx_watch_t;

int sbx_supervise(sandbox_t *sb, const sandbox_limits_t *lim, int out_r,
    int err_r, sbx_watch_t *w, sbx_err_t *err);
int sbx_kill_pending(const sandbox_t *sb);


#endif /* SANDBOX_INTERNAL_H */
