/*
 * sandbox.c: the public calls of sandbox.h for the native backend: set-up
 * of an instance, one run from spec to verdict, and the naming helpers.
 *
 * A run, from the caller's thread:
 *   1. cgroup.c resets the pooled cgroup's counters and sets its limits;
 *   2. the request (argv, env, files, rlimits from rlimit.c) goes to init
 *      with the program's stdin and the write ends of two pipes;
 *   3. supervise.c watches wall time, tree CPU and output until DONE;
 *   4. the verdict is decided here from what init, the cgroup and the
 *      supervisor saw, in a fixed order of precedence (see sbx_verdict).
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "internal.h"


/* A run request on its way to init, with the fds that go with it. */
typedef struct {
    sbx_run_msg_t  *msg;            /* the header, then an inline payload */
    size_t          msg_len;
    int             payload_fd;     /* the payload's memfd, or -1: inline */
    int             stdin_fd;
    int             out[2];         /* the program's stdout pipe */
    int             err[2];         /* the program's stderr pipe */
} sbx_request_t;


static const char *const  sbx_default_env[] = {
    "PATH=/usr/local/bin:/usr/bin:/bin",
    "HOME=/tmp",
    "LANG=C.UTF-8",
    NULL
};


const char *const *
sandbox_default_env(void)
{
    return sbx_default_env;
}


void
sandbox_limits_default(sandbox_limits_t *l)
{
    if (l->cpu_time_ms == 0) {
        l->cpu_time_ms = 1000;
    }
    if (l->wall_time_ms == 0) {
        l->wall_time_ms = 2 * l->cpu_time_ms + 1000;
    }
    if (l->memory_kb == 0) {
        l->memory_kb = 256 * 1024;
    }
    if (l->stack_kb == 0) {
        l->stack_kb = l->memory_kb;         /* recursion may use it all */
    }
    if (l->output_kb == 0) {
        l->output_kb = 8 * 1024;
    }

    /*
     * Files in the work dir are tmpfs pages, charged to the memory cgroup:
     * by default a file bomb fills the file size limit (OLE) or the work
     * dir (ENOSPC) well before the memory limit, never MLE.
     */
    if (l->file_size_kb == 0) {
        l->file_size_kb = l->memory_kb / 4 < 64 * 1024 ? l->memory_kb / 4
                                                       : 64 * 1024;
    }
    if (l->work_dir_kb == 0) {
        l->work_dir_kb = l->memory_kb / 2 < 64 * 1024 ? l->memory_kb / 2
                                                      : 64 * 1024;
    }
    if (l->processes == 0) {
        l->processes = 64;
    }
    if (l->open_files == 0) {
        l->open_files = 64;
    }
}


static void
sbx_free_binds(sbx_bind_t *b, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        free(b[i].host);
        free(b[i].inside);
    }
    free(b);
}


static sbx_bind_t *
sbx_copy_binds(const sandbox_bind_t *src, size_t n)
{
    sbx_bind_t  *b;
    size_t       i;

    b = calloc(n ? n : 1, sizeof(*b));
    if (b == NULL) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        b[i].host = sbx_strdup(src[i].host_path);
        b[i].inside = sbx_strdup(src[i].inside_path);
        b[i].writable = src[i].writable;
        if (b[i].host == NULL || b[i].inside == NULL) {
            sbx_free_binds(b, i + 1);
            return NULL;
        }
    }
    return b;
}


/* An instance of another backend, behind a sandbox_t of its own. */
static sandbox_t *
sbx_backend_create(const sandbox_config_t *cfg, char *errbuf, size_t errlen)
{
    sandbox_t  *sb;

    sb = calloc(1, sizeof(*sb));
    if (sb == NULL) {
        snprintf(errbuf, errlen, "allocating the sandbox: %s",
                 strerror(ENOMEM));
        return NULL;
    }
    sb->backend = cfg->backend;
    sb->slot = cfg->slot;
    sb->instance = cfg->backend->create(cfg, errbuf, errlen);
    if (sb->instance == NULL) {
        free(sb);
        return NULL;
    }
    return sb;
}


sandbox_t *
sandbox_create(const sandbox_config_t *cfg, char *errbuf, size_t errlen)
{
    sandbox_t       *sb;
    sbx_err_t        err;
    cpu_set_t        cpus;
    struct rlimit    rl;

    err.msg[0] = '\0';

    if (cfg->backend != NULL) {
        return sbx_backend_create(cfg, errbuf, errlen);
    }

    if (cfg->nbinds > SBX_MAX_BINDS) {
        sbx_fail(&err, 0, "too many binds");
        goto failed_early;
    }

    sb = calloc(1, sizeof(*sb));
    if (sb == NULL) {
        sbx_fail(&err, ENOMEM, "allocating the sandbox");
        goto failed_early;
    }
    sb->ctl = sb->init_pidfd = sb->devnull = sb->kill_fd = -1;
    sb->cg.version = 0;
    sb->cg.mem.procs_fd = sb->cg.pids.procs_fd = sb->cg.cpu.procs_fd = -1;
    sb->cg.mem_limit_fd = sb->cg.memsw_limit_fd = sb->cg.mem_peak_fd = -1;
    sb->cg.mem_usage_fd = sb->cg.mem_oom_fd = sb->cg.pids_max_fd = -1;
    sb->cg.mem_reclaim_fd = sb->cg.cpu_usage_fd = sb->cg.tasks_fd = -1;

    sb->slot = cfg->slot;
    sb->filter_mode = cfg->filter;
    sb->rootless = geteuid() != 0;
    if (sb->rootless) {
        sb->uid_out = getuid();
        sb->gid_out = getgid();
    } else {
        sb->uid_out = (cfg->uid_base ? cfg->uid_base : 60000) + cfg->slot;
        sb->gid_out = sb->uid_out;
    }

    sb->ncpus = 1;
    if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
        sb->ncpus = CPU_COUNT(&cpus);
    }

    sb->hard_stack = getrlimit(RLIMIT_STACK, &rl) == 0 ? rl.rlim_max
                                                         : RLIM_INFINITY;
    sb->hard_nofile = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_max
                                                           : RLIM_INFINITY;
    sb->hard_nproc = getrlimit(RLIMIT_NPROC, &rl) == 0 ? rl.rlim_max
                                                         : RLIM_INFINITY;

    sb->binds = sbx_copy_binds(cfg->binds, cfg->nbinds);
    sb->nbinds = cfg->nbinds;
    sb->cgroup_parent = strdup(cfg->cgroup_parent ? cfg->cgroup_parent
                                                  : "judge-sandbox");
    if (sb->binds == NULL || sb->cgroup_parent == NULL) {
        sbx_fail(&err, ENOMEM, "copying the config");
        goto failed;
    }

    sb->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (sb->devnull < 0) {
        sbx_fail(&err, errno, "open /dev/null");
        goto failed;
    }

    sb->kill_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (sb->kill_fd < 0) {
        sbx_fail(&err, errno, "eventfd for kill requests");
        goto failed;
    }

    if (cfg->filter == SANDBOX_FILTER_DEFAULT
        && sbx_filter_build(&sb->filter, &err) < 0)
    {
        goto failed;
    }

    if (sbx_init_spawn(sb, NULL, 0, 1, &err) < 0) {
        goto failed;
    }

    return sb;

failed:

    sandbox_destroy(sb);

failed_early:

    if (errbuf != NULL && errlen > 0) {
        snprintf(errbuf, errlen, "%s", err.msg);
    }
    return NULL;
}


void
sandbox_destroy(sandbox_t *sb)
{
    if (sb == NULL) {
        return;
    }
    if (sb->backend != NULL) {
        sb->backend->destroy(sb->instance);
        free(sb);
        return;
    }
    sbx_init_kill(sb);
    sbx_cgroup_teardown(sb);
    sbx_filter_free(&sb->filter);
    sbx_close(&sb->devnull);
    sbx_close(&sb->kill_fd);
    sbx_free_binds(sb->binds, sb->nbinds);
    free(sb->cgroup_parent);
    free(sb);
}


/*
 * The request is an eventfd's counter above zero: write(2) is all a
 * signal handler or another thread does, and the supervisor's ppoll()
 * wakes on it.  EAGAIN (the counter saturated) leaves it pending anyway.
 */
void
sandbox_kill(sandbox_t *sb)
{
    uint64_t  one = 1;

    if (sb->backend != NULL) {
        sb->backend->kill(sb->instance);
        return;
    }
    while (write(sb->kill_fd, &one, sizeof(one)) < 0 && errno == EINTR) {
        /* retry */
    }
}


void
sandbox_kill_clear(sandbox_t *sb)
{
    uint64_t  count;

    if (sb->backend != NULL) {
        sb->backend->kill_clear(sb->instance);
        return;
    }
    while (read(sb->kill_fd, &count, sizeof(count)) < 0 && errno == EINTR) {
        /* retry; EAGAIN: nothing was pending */
    }
}


void
sandbox_host_info(const sandbox_t *sb, sandbox_host_info_t *info)
{
    if (sb != NULL && sb->backend != NULL) {
        sb->backend->host_info(sb->instance, info);
        return;
    }
    memset(info, 0, sizeof(*info));
    info->backend = "native";
    if (sb != NULL) {
        info->cgroup_version = sb->cg.version;
        info->cpu_exact = sb->cg.cpu_usage_fd >= 0;
        info->rootless = sb->rootless;
        info->syscall_names = sb->filter.enabled;
    } else {
        info->rootless = geteuid() != 0;
        info->cgroup_version = info->rootless ? 0 : sbx_cgroup_probe();
        info->cpu_exact = info->cgroup_version != 0;
        info->syscall_names = 1;
    }
    info->memory_exact = info->cgroup_version != 0;
}


/* Appends to the payload; *len grows even past cap so that sizing works. */
static void
sbx_put(char *buf, size_t cap, size_t *len, const void *p, size_t n)
{
    if (buf != NULL && *len + n <= cap) {
        memcpy(buf + *len, p, n);
    }
    *len += n;
}


/*
 * The run payload: cwd\0 argv\0... env\0... then per file
 * { u64 mode, u64 size } name\0 data, then collect names\0...
 * Called twice: once to size (buf NULL), once to fill.
 */
static size_t
sbx_payload_build(const sandbox_spec_t *spec, const char *const *env,
    char *buf, size_t cap)
{
    size_t    len = 0, i;
    uint64_t  hdr[2];
    const char *cwd = spec->cwd ? spec->cwd : SBX_BOX;

    sbx_put(buf, cap, &len, cwd, strlen(cwd) + 1);
    for (i = 0; spec->argv[i] != NULL; i++) {
        sbx_put(buf, cap, &len, spec->argv[i], strlen(spec->argv[i]) + 1);
    }
    for (i = 0; env[i] != NULL; i++) {
        sbx_put(buf, cap, &len, env[i], strlen(env[i]) + 1);
    }
    for (i = 0; i < spec->nfiles; i++) {
        hdr[0] = spec->files[i].mode;
        hdr[1] = spec->files[i].len;
        sbx_put(buf, cap, &len, hdr, sizeof(hdr));
        sbx_put(buf, cap, &len, spec->files[i].name,
                strlen(spec->files[i].name) + 1);
        sbx_put(buf, cap, &len, spec->files[i].data, spec->files[i].len);
    }
    for (i = 0; i < spec->ncollect; i++) {
        sbx_put(buf, cap, &len, spec->collect[i], strlen(spec->collect[i]) + 1);
    }
    return len;
}


static int
sbx_stdin_fd(sandbox_t *sb, const sandbox_spec_t *spec, sbx_err_t *err)
{
    int      fd;
    size_t   off;
    ssize_t  n;

    if (spec->stdin_path != NULL) {
        fd = open(spec->stdin_path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return sbx_fail(err, errno, "open stdin file %s",
                            spec->stdin_path);
        }
        return fd;
    }

    if (spec->stdin_len == 0) {
        return dup(sb->devnull);
    }

    /* a sealed memfd: any size, no writer to feed, not writable inside */
    fd = memfd_create("stdin", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) {
        return sbx_fail(err, errno, "memfd_create for stdin");
    }
    for (off = 0; off < spec->stdin_len; off += n) {
        n = write(fd, (const char *) spec->stdin_data + off,
                  spec->stdin_len - off);
        if (n < 0) {
            int  e = errno;
            close(fd);
            return sbx_fail(err, e, "writing stdin to a memfd");
        }
    }
    if (lseek(fd, 0, SEEK_SET) < 0
        || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK
                                  | F_SEAL_SEAL) < 0)
    {
        int  e = errno;
        close(fd);
        return sbx_fail(err, e, "sealing the stdin memfd");
    }
    return fd;
}


static void
sbx_read_collected(const sandbox_spec_t *spec, sbx_watch_t *w,
    sandbox_result_t *res)
{
    struct stat  st;
    size_t       i, off;
    ssize_t      n;
    int          k = 0, fd;

    if (spec->ncollect == 0) {
        return;
    }
    res->files = calloc(spec->ncollect, sizeof(*res->files));
    if (res->files == NULL) {
        return;
    }
    res->nfiles = spec->ncollect;

    for (i = 0; i < spec->ncollect; i++) {
        sandbox_collected_t  *f = &res->files[i];

        f->name = strdup(spec->collect[i]);
        f->error = i < w->done.ncollect ? w->done.collect_errno[i] : ENOENT;
        if (f->error != 0) {
            continue;
        }
        if (k >= w->ncollected) {
            f->error = EIO;
            continue;
        }
        fd = w->collected_fds[k++];
        if (fstat(fd, &st) < 0 || (f->data = malloc(st.st_size + 1)) == NULL) {
            f->error = errno ? errno : ENOMEM;
            continue;
        }
        for (off = 0; off < (size_t) st.st_size; off += n) {
            n = pread(fd, f->data + off, st.st_size - off, off);
            if (n <= 0) {
                break;
            }
        }
        f->len = off;
        f->data[off] = '\0';
    }
}


static const char *
sbx_errno_text(int e, char *buf, size_t size)
{
    return strerror_r(e, buf, size);
}


/*
 * The verdict, first match wins: killed by sandbox_kill() or the sandbox
 * failed (IE); a forbidden
 * call (SV); the OOM killer fired (MLE); the supervisor ended the run for
 * output, CPU or wall time (OLE, TLE, WLE); the kernel's per-process
 * limits (SIGXFSZ: OLE, SIGXCPU or CPU over the limit: TLE); without a
 * memory cgroup, an abnormal end near the address-space limit (MLE,
 * inexact); a signal or a non-zero exit (RE); else OK.
 */
static void
sbx_verdict(sandbox_t *sb, const sandbox_spec_t *spec,
    const sandbox_limits_t *lim, const sbx_watch_t *w, int oom,
    uint64_t cg_cpu_ns, sandbox_result_t *res)
{
    const sbx_done_msg_t  *d = &w->done;
    char                   ebuf[128], name[64];
    int                    st = d->wstatus;
    sandbox_end_t          end;

    res->wall_time_ms = d->wall_us / 1000;
    res->cpu_time_ms = d->cpu_us / 1000;

    /*
     * Memory: the program's peak RSS (with the children it waited for, as
     * wait4 and /usr/bin/time give it: shared libraries count, wherever
     * their page cache is charged), or what the whole run added to the
     * cgroup at its peak (several processes at once, files in the work
     * dir, page tables) when that is more.
     */
    res->memory_kb = d->maxrss_kb;
    if (d->mem_peak / 1024 > res->memory_kb) {
        res->memory_kb = d->mem_peak / 1024;
    }
    if (WIFEXITED(st)) {
        res->exit_code = WEXITSTATUS(st);
    } else if (WIFSIGNALED(st)) {
        res->signal = WTERMSIG(st);
    }

    if (w->kill_reason == SANDBOX_TLE) {
        /* the tree's counter crossed the limit: report at least that */
        uint64_t  at = (w->cpu_at_kill_ns > cg_cpu_ns ? w->cpu_at_kill_ns
                                                      : cg_cpu_ns) / 1000000;
        if (at > res->cpu_time_ms) {
            res->cpu_time_ms = at;
        }
    }

    if (w->kill_reason == SANDBOX_WLE
        && w->wall_ns / 1000000 > res->wall_time_ms)
    {
        /*
         * init's clock starts when the run's command reaches it, the
         * supervisor's deadline before: report the clock that ended it
         */
        res->wall_time_ms = w->wall_ns / 1000000;
    }

    if (w->kill_reason == SBX_KILL_REQUESTED) {
        res->status = SANDBOX_IE;
        snprintf(res->message, sizeof(res->message), "killed on request");
        return;
    }

    if (d->fail_msg[0] != '\0') {
        res->status = SANDBOX_IE;
        snprintf(res->message, sizeof(res->message), "%s", d->fail_msg);
        return;
    }

    if (d->exec_errno != 0) {
        if (d->exec_errno == ENOEXEC) {
            res->status = SANDBOX_RE;
            res->exit_code = 127;
            res->signal = 0;
            snprintf(res->message, sizeof(res->message),
                     "cannot execute %s: %s", spec->argv[0],
                     sbx_errno_text(d->exec_errno, ebuf, sizeof(ebuf)));
        } else {
            res->status = SANDBOX_IE;
            snprintf(res->message, sizeof(res->message), "execve %s: %s",
                     spec->argv[0],
                     sbx_errno_text(d->exec_errno, ebuf, sizeof(ebuf)));
        }
        return;
    }

    if (d->sv_nr >= 0) {
        res->status = SANDBOX_SV;
        snprintf(res->message, sizeof(res->message), "forbidden syscall %s",
                 sbx_syscall_name(d->sv_nr, d->sv_arch, name, sizeof(name)));
    } else if (res->signal == SIGSYS) {
        res->status = SANDBOX_SV;
        snprintf(res->message, sizeof(res->message),
                 "forbidden syscall (killed by SIGSYS: a denied argument "
                 "or a non-native ABI)");
    } else {
        end.kill_reason = w->kill_reason;
        end.oom = oom;
        end.out_truncated = w->out_truncated;
        end.memory_exact = sb->cg.version != 0;
        end.maxrss_kb = d->maxrss_kb;
        sandbox_verdict(lim, &end, res);
    }
}


/* Closes the pipes a spec hands over (stdin_fd, stdout_fd), if any. */
static void
sbx_spec_close_fds(const sandbox_spec_t *spec)
{
    if (spec->stdin_fd > 2) {
        close(spec->stdin_fd);
    }
    if (spec->stdout_fd > 2) {
        close(spec->stdout_fd);
    }
}


static int
sbx_run_extra_binds(sandbox_t *sb, const sandbox_spec_t *spec,
    sandbox_result_t *res)
{
    sandbox_config_t   cfg;
    sandbox_bind_t    *all;
    sandbox_spec_t     sub;
    sandbox_t         *tmp;
    size_t             i;
    int                rc;

    if (sb->nbinds + spec->nbinds > SBX_MAX_BINDS) {
        res->status = SANDBOX_IE;
        snprintf(res->message, sizeof(res->message), "too many binds");
        sbx_spec_close_fds(spec);
        return -1;
    }

    all = calloc(sb->nbinds + spec->nbinds, sizeof(*all));
    if (all == NULL) {
        res->status = SANDBOX_IE;
        snprintf(res->message, sizeof(res->message), "out of memory");
        sbx_spec_close_fds(spec);
        return -1;
    }
    for (i = 0; i < sb->nbinds; i++) {
        all[i].host_path = sb->binds[i].host;
        all[i].inside_path = sb->binds[i].inside;
        all[i].writable = sb->binds[i].writable;
    }
    memcpy(all + sb->nbinds, spec->binds, spec->nbinds * sizeof(*all));

    /*
     * A one-off instance with the binds (mount trees are built once per
     * init): costs a cold start, only for runs that ask for their own.
     */
    memset(&cfg, 0, sizeof(cfg));
    cfg.slot = sb->slot;
    cfg.uid_base = sb->uid_out - sb->slot;
    cfg.binds = all;
    cfg.nbinds = sb->nbinds + spec->nbinds;
    cfg.filter = sb->filter_mode;
    cfg.cgroup_parent = sb->cgroup_parent;

    tmp = sandbox_create(&cfg, res->message, sizeof(res->message));
    free(all);
    if (tmp == NULL) {
        res->status = SANDBOX_IE;
        sbx_spec_close_fds(spec);
        return -1;
    }

    /* the same eventfd, so that a sandbox_kill(sb) reaches this run */
    sbx_close(&tmp->kill_fd);
    tmp->kill_fd = fcntl(sb->kill_fd, F_DUPFD_CLOEXEC, 0);
    if (tmp->kill_fd < 0) {
        res->status = SANDBOX_IE;
        snprintf(res->message, sizeof(res->message), "dup of the kill "
                 "eventfd: %s", strerror(errno));
        sandbox_destroy(tmp);
        sbx_spec_close_fds(spec);
        return -1;
    }

    sub = *spec;
    sub.binds = NULL;
    sub.nbinds = 0;
    rc = sandbox_run(tmp, &sub, res);
    sandbox_destroy(tmp);
    return rc;
}


/*
 * Checks what a run asks before any work is done.  Returns -1 with the
 * reason in res->message when the run cannot start, else 0.
 */
static int
sbx_spec_refused(const sandbox_t *sb, const sandbox_spec_t *spec,
    sandbox_result_t *res)
{
    if (spec->argv == NULL || spec->argv[0] == NULL) {
        snprintf(res->message, sizeof(res->message), "empty argv");
        return -1;
    }
    if (spec->ncollect > SBX_MAX_COLLECT) {
        snprintf(res->message, sizeof(res->message), "too many files to "
                 "collect (at most %d)", SBX_MAX_COLLECT);
        return -1;
    }
    if (sbx_kill_pending(sb)) {
        snprintf(res->message, sizeof(res->message), "killed on request");
        return -1;
    }
    return 0;
}


/*
 * Builds the run request: the header (sizes, limits, the rlimits planned
 * by rlimit.c), then the payload inline, or in a memfd when it is larger
 * than SBX_MAX_INLINE.
 */
static int
sbx_request_build(const sandbox_t *sb, const sandbox_spec_t *spec,
    const sandbox_limits_t *lim, sbx_request_t *rq, sbx_err_t *err)
{
    const char *const  *env = spec->env ? spec->env : sbx_default_env;
    sbx_run_msg_t      *msg;
    size_t              plen, envc, argc;
    char               *map;

    for (argc = 0; spec->argv[argc] != NULL; argc++) { /* count */ }
    for (envc = 0; env[envc] != NULL; envc++) { /* count */ }

    plen = sbx_payload_build(spec, env, NULL, 0);
    rq->msg_len = sizeof(*msg) + (plen <= SBX_MAX_INLINE ? plen : 0);
    msg = calloc(1, rq->msg_len);
    if (msg == NULL) {
        return sbx_fail(err, ENOMEM, "building the run request");
    }
    rq->msg = msg;

    msg->type = SBX_MSG_RUN;
    msg->argc = (uint32_t) argc;
    msg->envc = (uint32_t) envc;
    msg->nfiles = (uint32_t) spec->nfiles;
    msg->ncollect = (uint32_t) spec->ncollect;
    msg->collect_max = (spec->collect_max_kb ? spec->collect_max_kb
                                             : 64 * 1024) * 1024;
    msg->payload_len = (uint32_t) plen;
    msg->box_bytes = lim->work_dir_kb * 1024;
    msg->box_inodes = 4096 + spec->nfiles;
    msg->mem_limit = lim->memory_kb * 1024;
    sbx_rlimits_plan(sb, lim, msg);

    if (plen <= SBX_MAX_INLINE) {
        sbx_payload_build(spec, env, (char *) (msg + 1), plen);
        return 0;
    }

    msg->flags |= SBX_RUN_PAYLOAD_FD;
    rq->payload_fd = memfd_create("run", MFD_CLOEXEC);
    if (rq->payload_fd < 0 || ftruncate(rq->payload_fd, plen) < 0) {
        return sbx_fail(err, errno, "memfd for the run request");
    }
    map = mmap(NULL, plen, PROT_WRITE, MAP_SHARED, rq->payload_fd, 0);
    if (map == MAP_FAILED) {
        return sbx_fail(err, errno, "mapping the run request");
    }
    sbx_payload_build(spec, env, map, plen);
    munmap(map, plen);
    return 0;
}


/*
 * Opens the program's stdio: its stdin, and a pipe each for stdout and
 * stderr, whose read ends the supervisor drains without blocking.  A
 * stdin or stdout the spec hands over is in "rq" already and stays.
 */
static int
sbx_request_stdio(sandbox_t *sb, const sandbox_spec_t *spec,
    sbx_request_t *rq, sbx_err_t *err)
{
    if (rq->stdin_fd < 0) {
        rq->stdin_fd = sbx_stdin_fd(sb, spec, err);
        if (rq->stdin_fd < 0) {
            return -1;
        }
    }
    if ((rq->out[1] < 0 && pipe2(rq->out, O_CLOEXEC) < 0)
        || pipe2(rq->err, O_CLOEXEC) < 0)
    {
        return sbx_fail(err, errno, "pipe for the program's output");
    }
    if ((rq->out[0] >= 0 && fcntl(rq->out[0], F_SETFL, O_NONBLOCK) < 0)
        || fcntl(rq->err[0], F_SETFL, O_NONBLOCK) < 0)
    {
        return sbx_fail(err, errno, "O_NONBLOCK on the output pipes");
    }
    return 0;
}


/*
 * Sends the request to init with the program's stdin, the write ends of
 * its pipes and the payload's memfd, then closes our copies of those.
 */
static int
sbx_request_send(sandbox_t *sb, sbx_request_t *rq, sbx_err_t *err)
{
    int  fds[4], nfds = 3;

    fds[0] = rq->stdin_fd;
    fds[1] = rq->out[1];
    fds[2] = rq->err[1];
    if (rq->payload_fd >= 0) {
        fds[nfds++] = rq->payload_fd;
    }

    if (sbx_send(sb->ctl, rq->msg, rq->msg_len, fds, nfds) < 0) {
        return sbx_fail(err, errno,
                        "sending the run request to the sandbox init");
    }

    /* only the program may hold the write ends now */
    sbx_close(&rq->out[1]);
    sbx_close(&rq->err[1]);
    sbx_close(&rq->stdin_fd);
    sbx_close(&rq->payload_fd);
    return 0;
}


/* Closes whatever fds of the request are still open, and frees it. */
static void
sbx_request_free(sbx_request_t *rq)
{
    sbx_close(&rq->out[0]);
    sbx_close(&rq->out[1]);
    sbx_close(&rq->err[0]);
    sbx_close(&rq->err[1]);
    sbx_close(&rq->stdin_fd);
    sbx_close(&rq->payload_fd);
    free(rq->msg);
}


/*
 * Moves what the supervisor gathered into the result: the output,
 * NUL-terminated.  The fds of the collected files, read by now, are closed.
 */
static void
sbx_result_from_watch(sandbox_result_t *res, sbx_watch_t *w)
{
    int  i;

    res->out = w->out;
    res->out_len = w->out_len;
    res->out_truncated = w->out_truncated;
    res->err = w->err;
    res->err_len = w->err_len;
    res->err_truncated = w->err_truncated;
    if (res->out != NULL) {
        res->out[res->out_len] = '\0';
    }
    if (res->err != NULL) {
        res->err[res->err_len] = '\0';
    }

    for (i = 0; i < w->ncollected; i++) {
        close(w->collected_fds[i]);
    }
}


int
sandbox_run(sandbox_t *sb, const sandbox_spec_t *spec, sandbox_result_t *res)
{
    sandbox_limits_t  lim = spec->limits;
    sbx_request_t     rq;
    sbx_watch_t       w;
    sbx_err_t         err;
    uint64_t          cg_cpu = 0;
    int               oom = 0, rc;

    if (sb->backend != NULL) {
        return sb->backend->run(sb->instance, spec, res);
    }

    memset(res, 0, sizeof(*res));
    memset(&w, 0, sizeof(w));
    w.output = spec->output;
    w.output_data = spec->output_data;
    res->status = SANDBOX_IE;
    err.msg[0] = '\0';

    if (sbx_spec_refused(sb, spec, res) < 0) {
        sbx_spec_close_fds(spec);
        return -1;
    }
    if (spec->nbinds > 0) {
        return sbx_run_extra_binds(sb, spec, res);
    }

    sandbox_limits_default(&lim);

    /* the pipes handed over are the request's: closed with it */
    rq.msg = NULL;
    rq.msg_len = 0;
    rq.payload_fd = -1;
    rq.stdin_fd = spec->stdin_fd > 2 ? spec->stdin_fd : -1;
    rq.out[0] = rq.err[0] = rq.err[1] = -1;
    rq.out[1] = spec->stdout_fd > 2 ? spec->stdout_fd : -1;

    /* an init that died (or was killed after a protocol error) is redone */
    if (sb->init_pid == 0 && sbx_init_spawn(sb, NULL, 0, 0, &err) < 0) {
        goto failed;
    }

    if (sbx_cgroup_prepare_run(sb, &lim, &err) < 0
        || sbx_request_build(sb, spec, &lim, &rq, &err) < 0
        || sbx_request_stdio(sb, spec, &rq, &err) < 0)
    {
        goto failed;
    }

    if (sbx_request_send(sb, &rq, &err) < 0
        || sbx_supervise(sb, &lim, rq.out[0], rq.err[0], &w, &err) < 0)
    {
        /* init is out of step or gone: start over on the next run */
        sbx_init_kill(sb);
        goto failed;
    }

    if (sbx_cgroup_finish_run(sb, &oom, &cg_cpu) < 0) {
        sbx_fail(&err, errno, "reading the cgroup after the run");
        goto failed;
    }

    sbx_verdict(sb, spec, &lim, &w, oom, cg_cpu, res);
    sbx_read_collected(spec, &w, res);

    rc = res->status == SANDBOX_IE ? -1 : 0;
    goto done;

failed:

    res->status = SANDBOX_IE;
    snprintf(res->message, sizeof(res->message), "%s", err.msg);
    rc = -1;

done:

    sbx_result_from_watch(res, &w);
    sbx_request_free(&rq);
    return rc;
}


void
sandbox_result_free(sandbox_result_t *res)
{
    size_t  i;

    free(res->out);
    free(res->err);
    for (i = 0; i < res->nfiles; i++) {
        free(res->files[i].name);
        free(res->files[i].data);
    }
    free(res->files);
    res->out = res->err = NULL;
    res->files = NULL;
    res->nfiles = 0;
}


const char *
sandbox_status_name(sandbox_status_t status)
{
    static const char *const  names[] = {
        "OK", "TLE", "WLE", "MLE", "OLE", "RE", "SV", "IE"
    };

    if ((unsigned) status < sizeof(names) / sizeof(names[0])) {
        return names[status];
    }
    return "IE";
}


const char *
sandbox_signal_name(int sig)
{
    static const char *const  names[] = {
        "SIG0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
        "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
        "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD",
        "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",
        "SIGPWR", "SIGSYS"
    };

    if (sig >= 0 && (size_t) sig < sizeof(names) / sizeof(names[0])) {
        return names[sig];
    }
    return sig >= SIGRTMIN && sig <= SIGRTMAX ? "SIGRT" : "SIG?";
}
