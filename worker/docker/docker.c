/*
 * docker.c: one run of the Docker backend, from spec to verdict.
 *
 *   1. a warm container from the pool (the builders' for a compile);
 *   2. its cgroup gets the run's memory and process limits, the memory
 *      peak is reset, the CPU and OOM-kill counters noted (host.c);
 *   3. the files and stdin are written into its /box and /tmp;
 *   4. an exec of judge-docker-run (the run's rlimits, its wait status)
 *      with the program, attached: its stdout and stderr are read while
 *      the tick watches tree CPU, wall time and kill requests;
 *   5. the verdict, in the native backend's order of precedence;
 *   6. the collected files are read, the leftovers looked for (processes,
 *      files outside /box, SysV IPC objects) and /box emptied; a run that
 *      hit a limit or left anything gives its container up, ended at
 *      once (host_end()) so nothing of the run outlives its result.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "docker.h"
#include "engine.h"
#include "pool.h"


#define DOCKER_UID          60000
#define DOCKER_TICK_MS      10
#define DOCKER_GRACE_MS     10000       /* past the wall limit: daemon hung */
#define DOCKER_EXTRA_PIDS   2           /* the container's first, the wrapper */
#define DOCKER_START_PIDS   32          /* runc's init, while the exec starts */
#define DOCKER_STDIN        "/tmp/.judge-stdin"
#define DOCKER_WRAPPER_FAILED  125      /* before the program started; 126
                                           and 127: docker could not run it */
#define DOCKER_STATUS       "/tmp/.judge-status"
#define DOCKER_KILL_REQUESTED  100
#define DOCKER_INIT_END_MS  1000        /* a killed container's init ending */
#define DOCKER_ENDED_OUTSIDE                                                  \
    "the container ended under the run (killed or removed outside the worker)"


struct docker_s {
    pool_t          *pool;
};


typedef struct {
    docker_t        *d;
    engine_t        *engine;
    int              kill_fd;
    unsigned         slot;
    docker_times_t   times;
} docker_sandbox_t;


/* What a run gathers while its exec's stream is open. */
typedef struct {
    docker_sandbox_t        *sb;
    const sandbox_spec_t    *spec;
    const sandbox_limits_t  *lim;
    pool_container_t        *c;
    char                    *out;
    size_t                   out_len;
    int                      out_truncated;
    char                    *err;
    size_t                   err_len;
    int                      err_truncated;
    size_t                   cap;
    uint64_t                 cpu0_ns;
    uint64_t                 cpu_ns;
    uint64_t                 start_us;
    uint64_t                 wall_us;
    uint64_t                 hook_due_us;
    int                      pids_set;
    int                      kill_reason;
    int                      alloc_failed;
} docker_run_t;


/* The wrapper's report. */
typedef struct {
    int                      valid;
    int                      wstatus;
    int                      exec_errno;
    long                     maxrss_kb;
    int                      leftover;
} docker_status_t;


static uint64_t
docker_now_us(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}


docker_t *
docker_open(const docker_config_t *config, char *err, size_t errlen)
{
    pool_config_t  pc;
    docker_t      *d;

    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        snprintf(err, errlen, "out of memory for the docker backend");
        return NULL;
    }

    memset(&pc, 0, sizeof(pc));
    pc.socket_path = config->socket_path;
    pc.image = config->image;
    pc.owner = config->owner;
    pc.wrapper = config->wrapper;
    pc.size[POOL_RUNNER] = config->runners;
    pc.size[POOL_BUILDER] = config->builders;
    pc.uses = config->uses;
    pc.idle_s = config->idle_s;
    pc.timeout_ms = config->timeout_ms;
    /* what a container gets between runs; each run sets its own */
    pc.memory_kb[POOL_RUNNER] = 256 * 1024;
    pc.memory_kb[POOL_BUILDER] = 1024 * 1024;
    pc.work_kb[POOL_RUNNER] = 256 * 1024;
    pc.work_kb[POOL_BUILDER] = 256 * 1024;
    pc.tmp_kb = 16 * 1024;
    pc.pids[POOL_RUNNER] = 64;
    pc.pids[POOL_BUILDER] = 256;
    pc.cpus = 1;
    pc.log = config->log;
    pc.log_data = config->log_data;

    d->pool = pool_open(&pc, err, errlen);
    if (d->pool == NULL) {
        free(d);
        return NULL;
    }
    return d;
}


void
docker_close(docker_t *d)
{
    if (d == NULL) {
        return;
    }
    pool_close(d->pool);
    free(d);
}


static void *
docker_create(const sandbox_config_t *cfg, char *err, size_t errlen)
{
    docker_sandbox_t  *sb;
    docker_t          *d = cfg->backend_data;

    if (cfg->nbinds > 0) {
        snprintf(err, errlen, "the docker backend takes no binds (the "
                 "toolchains are the image's)");
        return NULL;
    }
    sb = calloc(1, sizeof(*sb));
    if (sb == NULL) {
        snprintf(err, errlen, "out of memory for a docker sandbox");
        return NULL;
    }
    sb->d = d;
    sb->slot = cfg->slot;
    sb->kill_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    sb->engine = engine_open(pool_config(d->pool)->socket_path,
                             pool_config(d->pool)->timeout_ms, err, errlen);
    if (sb->kill_fd < 0 || sb->engine == NULL) {
        if (sb->kill_fd < 0) {
            snprintf(err, errlen, "eventfd for kill requests: %s",
                     strerror(errno));
        } else {
            close(sb->kill_fd);
        }
        engine_close(sb->engine);
        free(sb);
        return NULL;
    }
    return sb;
}


static void
docker_destroy(void *instance)
{
    docker_sandbox_t  *sb = instance;

    engine_close(sb->engine);
    close(sb->kill_fd);
    free(sb);
}


static void
docker_kill(void *instance)
{
    docker_sandbox_t  *sb = instance;
    uint64_t           one = 1;

    while (write(sb->kill_fd, &one, sizeof(one)) < 0 && errno == EINTR) {
        /* retry */
    }
}


static void
docker_kill_clear(void *instance)
{
    docker_sandbox_t  *sb = instance;
    uint64_t           count;

    while (read(sb->kill_fd, &count, sizeof(count)) < 0 && errno == EINTR) {
        /* retry; EAGAIN: nothing was pending */
    }
}


/* A kill request is pending (left pending: it holds until cleared). */
static int
docker_kill_pending(void *instance)
{
    docker_sandbox_t  *sb = instance;
    struct pollfd      pfd = { sb->kill_fd, POLLIN, 0 };

    return poll(&pfd, 1, 0) > 0;
}


static void
docker_host_info(const void *instance, sandbox_host_info_t *info)
{
    (void) instance;
    memset(info, 0, sizeof(*info));
    info->backend = "docker";
    info->cgroup_version = access("/sys/fs/cgroup/cgroup.controllers", F_OK)
                           == 0 ? 2 : 1;
    info->memory_exact = 1;
    info->cpu_exact = 1;
    info->rootless = 0;
    info->syscall_names = 0;
}


const docker_times_t *
docker_instance_times(const void *instance)
{
    const docker_sandbox_t  *sb = instance;

    return &sb->times;
}


/* Ends the run's processes for "reason" (the first reason stays). */
static void
docker_run_kill(docker_run_t *r, int reason)
{
    if (r->kill_reason == 0) {
        r->kill_reason = reason;
        r->cpu_ns = 0;
        (void) host_cgroup_cpu(&r->c->cg, &r->cpu_ns);
    }
    (void) host_kill_rest(&r->c->cg);
}


static void
docker_run_hook(docker_run_t *r, unsigned stream, const char *bytes,
    size_t len)
{
    int  ms;

    if (r->spec->output == NULL) {
        return;
    }
    ms = r->spec->output(r->spec->output_data, stream, bytes, len);
    r->hook_due_us = ms >= 0 ? docker_now_us() + (uint64_t) ms * 1000 : 0;
}


/* Keeps a frame's bytes up to the output limit; past it the run ends. */
static int
docker_run_frame(void *data, unsigned stream, const char *bytes, size_t len)
{
    docker_run_t  *r = data;
    char         **buf;
    size_t        *have, take;
    int           *truncated;

    if (stream == SANDBOX_STDERR) {
        buf = &r->err;
        have = &r->err_len;
        truncated = &r->err_truncated;
    } else {
        buf = &r->out;
        have = &r->out_len;
        truncated = &r->out_truncated;
    }
    if (*truncated) {
        return 0;
    }
    take = r->cap - *have < len ? r->cap - *have : len;
    if (*buf == NULL) {
        *buf = malloc(r->cap + 1);
        if (*buf == NULL) {
            r->alloc_failed = 1;
            return -1;
        }
    }
    memcpy(*buf + *have, bytes, take);
    docker_run_hook(r, stream == SANDBOX_STDERR ? SANDBOX_STDERR
                                                : SANDBOX_STDOUT,
                    *buf + *have, take);
    *have += take;
    if (take < len) {
        *truncated = 1;
        docker_run_kill(r, SANDBOX_OLE);
    }
    return 0;
}


/*
 * Between frames: the run's process limit once the exec has started (the
 * wrapper waits for it, and the run's clocks and memory peak start then),
 * kill requests, tree CPU, wall time, the hook's time.  Returns the
 * milliseconds to the next call: 1 while the wrapper waits.
 */
static int
docker_run_tick(void *data)
{
    docker_run_t  *r = data;
    uint64_t       now = docker_now_us(), cpu;

    if (!r->pids_set && host_only_exe(&r->c->cg, POOL_WRAPPER) == 1) {
        r->pids_set = host_cgroup_pids(&r->c->cg,
                                       r->lim->processes + DOCKER_EXTRA_PIDS)
                      == 0;
        r->sb->times.exec_ready_us += now - r->start_us;
        /* the run is measured from here, not from docker's exec: runc's
         * init ran in the same cgroup */
        r->start_us = now;
        host_cgroup_reset_peak(&r->c->cg);
        (void) host_cgroup_cpu(&r->c->cg, &r->cpu0_ns);
    }

    if (docker_kill_pending(r->sb)) {
        docker_run_kill(r, DOCKER_KILL_REQUESTED);
        return -1;
    }
    if (r->kill_reason != 0) {
        /* killed, its stream not ended yet: whatever forked meanwhile */
        (void) host_kill_rest(&r->c->cg);
        return DOCKER_TICK_MS;
    }
    if (host_cgroup_cpu(&r->c->cg, &cpu) == 0
        && cpu - r->cpu0_ns > r->lim->cpu_time_ms * 1000000)
    {
        docker_run_kill(r, SANDBOX_TLE);
    } else if (now - r->start_us > r->lim->wall_time_ms * 1000) {
        r->wall_us = now - r->start_us;
        docker_run_kill(r, SANDBOX_WLE);
    }
    if (r->hook_due_us != 0 && now >= r->hook_due_us) {
        docker_run_hook(r, 0, NULL, 0);
    }
    return r->pids_set ? DOCKER_TICK_MS : 1;
}


/*
 * The wrapper's status file, trusted only with the run's nonce: a
 * program that wrote one of its own did not know it.
 */
static void
docker_read_status(int tmp, const char *nonce, docker_status_t *st)
{
    char    *text = NULL, word[64];
    size_t   len;

    memset(st, 0, sizeof(*st));
    if (host_get_file(tmp, ".judge-status", 256, &text, &len) < 0) {
        return;
    }
    if (sscanf(text, "%63s %d %d %ld %d", word, &st->wstatus,
               &st->exec_errno, &st->maxrss_kb, &st->leftover) == 5
        && strcmp(word, nonce) == 0)
    {
        st->valid = 1;
    }
    free(text);
}


/* The run's argv: the wrapper with the run's rlimits, then the program. */
static const char **
docker_argv(const sandbox_spec_t *spec, const sandbox_limits_t *lim,
    char num[4][24])
{
    const char  **argv;
    size_t        n, i;

    for (n = 0; spec->argv[n] != NULL; n++) {
        /* count */
    }
    argv = calloc(n + 9, sizeof(*argv));
    if (argv == NULL) {
        return NULL;
    }
    snprintf(num[0], 24, "%llu", (unsigned long long) lim->file_size_kb);
    snprintf(num[1], 24, "%u", lim->open_files);
    snprintf(num[2], 24, "%llu", (unsigned long long) lim->stack_kb);
    snprintf(num[3], 24, "%u", lim->processes + DOCKER_EXTRA_PIDS);
    argv[0] = POOL_WRAPPER;
    argv[1] = num[0];
    argv[2] = num[1];
    argv[3] = num[2];
    argv[4] = num[3];
    argv[5] = DOCKER_STDIN;
    argv[6] = DOCKER_STATUS;
    argv[7] = "--";
    for (i = 0; i < n; i++) {
        argv[8 + i] = spec->argv[i];
    }
    return argv;
}


/* The run's env: the spec's (or the default), and the wrapper's nonce. */
static const char **
docker_env(const sandbox_spec_t *spec, const char *nonce_var)
{
    const char *const  *base = spec->env ? spec->env : sandbox_default_env();
    const char        **env;
    size_t              n;

    for (n = 0; base[n] != NULL; n++) {
        /* count */
    }
    env = calloc(n + 2, sizeof(*env));
    if (env == NULL) {
        return NULL;
    }
    memcpy(env, base, n * sizeof(*env));
    env[n] = nonce_var;
    return env;
}


/* The run's stdin, as the spec gives it, written to DOCKER_STDIN. */
static int
docker_put_stdin(int tmp, const sandbox_spec_t *spec, char *err,
    size_t errlen)
{
    char    *data = NULL;
    size_t   len = 0;
    int      rc;

    if (spec->stdin_path != NULL) {
        if (host_get_file(AT_FDCWD, spec->stdin_path, (size_t) 1 << 30,
                          &data, &len) < 0)
        {
            snprintf(err, errlen, "stdin %s: %s", spec->stdin_path,
                     strerror(errno));
            return -1;
        }
        rc = host_put_file(tmp, ".judge-stdin", data, len, 0400, DOCKER_UID,
                           err, errlen);
        free(data);
        return rc;
    }
    return host_put_file(tmp, ".judge-stdin", spec->stdin_data,
                         spec->stdin_data != NULL ? spec->stdin_len : 0,
                         0400, DOCKER_UID, err, errlen);
}


/* The verdict, first match wins, as the native backend decides it. */
static void
docker_verdict(const docker_run_t *r, const docker_status_t *st,
    uint64_t peak_bytes, int oom, int wrapper_exit, int gone,
    sandbox_result_t *res)
{
    const sandbox_limits_t  *lim = r->lim;
    int                      stw = st->wstatus;
    sandbox_end_t            end;

    res->cpu_time_ms = r->cpu_ns / 1000000;
    res->memory_kb = (uint64_t) st->maxrss_kb;
    if (peak_bytes / 1024 > res->memory_kb) {
        res->memory_kb = peak_bytes / 1024;
    }
    if (st->valid && WIFEXITED(stw)) {
        res->exit_code = WEXITSTATUS(stw);
    } else if (st->valid && WIFSIGNALED(stw)) {
        res->signal = WTERMSIG(stw);
    }

    if (r->kill_reason == DOCKER_KILL_REQUESTED) {
        res->status = SANDBOX_IE;
        snprintf(res->message, sizeof(res->message), "killed on request");
    } else if (!st->valid && r->kill_reason == 0 && !oom
               && wrapper_exit >= DOCKER_WRAPPER_FAILED && wrapper_exit <= 127)
    {
        res->status = SANDBOX_IE;
        snprintf(res->message, sizeof(res->message),
                 "the run's wrapper failed%s%.160s",
                 r->err_len > 0 ? ": " : "", r->err_len > 0 ? r->err : "");
    } else if (!st->valid && r->kill_reason == 0 && !oom && gone) {
        /* the container's first process is its pid namespace's init,
         * which the program cannot kill: docker kill, docker rm -f */
        res->status = SANDBOX_IE;
        snprintf(res->message, sizeof(res->message), "%s",
                 DOCKER_ENDED_OUTSIDE);
    } else if (!st->valid && r->kill_reason == 0 && !oom) {
        /* the wrapper ran the program and was then killed (by it: same
         * user) or could not write the status (the program filled /tmp):
         * the program's doing */
        res->status = SANDBOX_RE;
        res->exit_code = wrapper_exit;
        snprintf(res->message, sizeof(res->message),
                 "the program's end was not reported: it killed its "
                 "wrapper or filled /tmp (exit code %d)", wrapper_exit);
    } else if (st->valid && st->exec_errno == ENOEXEC) {
        res->status = SANDBOX_RE;
        res->exit_code = 127;
        res->signal = 0;
        snprintf(res->message, sizeof(res->message),
                 "cannot execute %s: %s", r->spec->argv[0],
                 strerror(st->exec_errno));
    } else if (st->valid && st->exec_errno != 0) {
        res->status = SANDBOX_IE;
        snprintf(res->message, sizeof(res->message), "execve %s: %s",
                 r->spec->argv[0], strerror(st->exec_errno));
    } else if (res->signal == SIGSYS) {
        res->status = SANDBOX_SV;
        snprintf(res->message, sizeof(res->message),
                 "forbidden syscall (killed by SIGSYS)");
    } else {
        end.kill_reason = r->kill_reason;
        end.oom = oom;
        end.out_truncated = r->out_truncated;
        end.memory_exact = 1;
        end.maxrss_kb = (uint64_t) st->maxrss_kb;
        sandbox_verdict(lim, &end, res);
    }
}


static void
docker_collect(int box, const sandbox_spec_t *spec, sandbox_result_t *res)
{
    uint64_t  max = spec->collect_max_kb ? spec->collect_max_kb * 1024
                                         : 64ULL * 1024 * 1024;
    size_t    i;

    if (spec->ncollect == 0) {
        return;
    }
    res->files = calloc(spec->ncollect, sizeof(*res->files));
    if (res->files == NULL) {
        return;
    }
    for (i = 0; i < spec->ncollect; i++) {
        res->files[i].name = strdup(spec->collect[i]);
        if (host_get_file(box, spec->collect[i], (size_t) max,
                          &res->files[i].data, &res->files[i].len) < 0)
        {
            res->files[i].error = errno;
        }
        res->nfiles++;
    }
}


/*
 * The writable places besides /box and /tmp that docker gives every
 * container: its /dev/shm tmpfs and the POSIX message queues of its IPC
 * namespace (mq_open), which docker mounts at /dev/mqueue.
 */
static const char *const  docker_scratch[] = { "/dev/shm", "/dev/mqueue" };


/*
 * After the run: anything it left gives the container up.  Processes
 * still alive (the wrapper kills what it can see, this what it could
 * not), zombies (a program that killed its wrapper leaves its children
 * to the container's first process, which reaps nothing), files in
 * /tmp or /dev/shm, POSIX message queues, SysV IPC objects; /box is
 * emptied and handed back to the program's user whatever it did to it.
 */
static int
docker_cleanup(pool_container_t *c, int box, int tmp,
    const docker_status_t *st)
{
    char    err[256];
    size_t  i;
    int     dirty = st->leftover, dir;

    if (host_kill_rest(&c->cg) != 0 || host_cgroup_tasks(&c->cg) != 1) {
        dirty = 1;
    }
    (void) unlinkat(tmp, ".judge-stdin", 0);
    (void) unlinkat(tmp, ".judge-status", 0);
    if (host_empty_dir(tmp) != 0) {
        dirty = 1;
    }
    if (host_empty_dir(box) < 0
        || fchown(box, DOCKER_UID, DOCKER_UID) < 0
        || fchmod(box, 0700) < 0)
    {
        dirty = 1;
    }
    for (i = 0; i < sizeof(docker_scratch) / sizeof(docker_scratch[0]);
         i++)
    {
        dir = host_open_dir(c->pid, docker_scratch[i], err, sizeof(err));
        if (dir < 0 ? errno != ENOENT : host_empty_dir(dir) != 0) {
            dirty = 1;
        }
        if (dir >= 0) {
            close(dir);
        }
    }
    if (host_ipc_objects(c->pid, err, sizeof(err)) != 0) {
        dirty = 1;
    }
    return dirty;
}


/*
 * An IE is logged where it is understood: the result's message may not
 * reach anyone else (a hidden test's, an interactor's).  A kill on
 * request is no failure.
 */
static int
docker_failed(docker_sandbox_t *sb, sandbox_result_t *res)
{
    const pool_config_t  *pc = pool_config(sb->d->pool);
    char                  msg[320];

    if (pc->log != NULL && strcmp(res->message, "killed on request") != 0) {
        snprintf(msg, sizeof(msg), "docker: slot %u: %s", sb->slot,
                 res->message);
        pc->log(pc->log_data, 1, msg);
    }
    return -1;
}


static int
docker_run(void *instance, const sandbox_spec_t *spec, sandbox_result_t *res)
{
    docker_sandbox_t  *sb = instance;
    engine_times_t    *et = engine_times(sb->engine);
    engine_times_t     et0 = *et;
    sandbox_limits_t   lim = spec->limits;
    docker_status_t    st;
    docker_run_t       r;
    pool_container_t  *c = NULL;
    const char       **argv = NULL, **env = NULL;
    unsigned char      raw[16];
    char               err[512], num[4][24], nonce[33], nonce_var[64];
    char               exec_id[80];
    uint64_t           t0 = docker_now_us(), t, peak = 0, oom0 = 0, oom1 = 0;
    size_t             i;
    int                box = -1, tmp = -1, rc, exit_code = -1, running = 0;
    int                recycle = 1;

    memset(res, 0, sizeof(*res));
    memset(&r, 0, sizeof(r));
    memset(&st, 0, sizeof(st));
    res->status = SANDBOX_IE;
    err[0] = '\0';

    if (spec->stdin_fd > 2 || spec->stdout_fd > 2) {
        if (spec->stdin_fd > 2) {
            close(spec->stdin_fd);
        }
        if (spec->stdout_fd > 2) {
            close(spec->stdout_fd);
        }
        snprintf(res->message, sizeof(res->message), "the docker backend "
                 "does not run interactive problems");
        return docker_failed(sb, res);
    }
    if (spec->nbinds > 0) {
        snprintf(res->message, sizeof(res->message), "the docker backend "
                 "takes no binds");
        return docker_failed(sb, res);
    }
    if (docker_kill_pending(sb)) {
        snprintf(res->message, sizeof(res->message), "killed on request");
        return -1;
    }
    sandbox_limits_default(&lim);

    c = pool_acquire(sb->d->pool, spec->build ? POOL_BUILDER : POOL_RUNNER,
                     docker_kill_pending, sb);
    t = docker_now_us();
    sb->times.acquire_us += t - t0;
    if (c == NULL) {
        snprintf(res->message, sizeof(res->message), "killed on request");
        return -1;
    }

    r.sb = sb;
    r.spec = spec;
    r.lim = &lim;
    r.c = c;
    r.cap = lim.output_kb * 1024;

    /* the files, the stdin */
    box = host_open_dir(c->pid, "/box", err, sizeof(err));
    tmp = box >= 0 ? host_open_dir(c->pid, "/tmp", err, sizeof(err)) : -1;
    if (tmp < 0) {
        goto failed;
    }
    for (i = 0; i < spec->nfiles; i++) {
        if (host_put_file(box, spec->files[i].name, spec->files[i].data,
                          spec->files[i].len, spec->files[i].mode,
                          DOCKER_UID, err, sizeof(err)) < 0)
        {
            goto failed;
        }
    }
    if (docker_put_stdin(tmp, spec, err, sizeof(err)) < 0) {
        goto failed;
    }
    sb->times.files_in_us += docker_now_us() - t;

    t = docker_now_us();
    if (host_cgroup_prepare(&c->cg, lim.memory_kb * 1024,
                            lim.processes + DOCKER_EXTRA_PIDS
                            + DOCKER_START_PIDS, &r.cpu0_ns,
                            &oom0, err, sizeof(err)) < 0)
    {
        goto failed;
    }
    sb->times.cgroup_us += docker_now_us() - t;

    if (getrandom(raw, sizeof(raw), 0) != sizeof(raw)) {
        snprintf(err, sizeof(err), "getrandom: %s", strerror(errno));
        goto failed;
    }
    for (i = 0; i < sizeof(raw); i++) {
        snprintf(nonce + 2 * i, 3, "%02x", raw[i]);
    }
    snprintf(nonce_var, sizeof(nonce_var), "JUDGE_RUN_NONCE=%s", nonce);
    argv = docker_argv(spec, &lim, num);
    env = docker_env(spec, nonce_var);
    if (argv == NULL || env == NULL) {
        snprintf(err, sizeof(err), "out of memory for the run's argv");
        goto failed;
    }

    if (engine_exec_create(sb->engine, c->id, argv, env, "60000:60000",
                           spec->cwd ? spec->cwd : "/box", exec_id,
                           sizeof(exec_id)) < 0)
    {
        snprintf(err, sizeof(err), "%s", engine_error(sb->engine));
        goto failed;
    }

    r.start_us = docker_now_us();
    rc = engine_exec_start(sb->engine, exec_id, DOCKER_TICK_MS,
                           lim.wall_time_ms + DOCKER_GRACE_MS, sb->kill_fd,
                           docker_run_frame, docker_run_tick, &r);
    if (r.wall_us == 0) {
        r.wall_us = docker_now_us() - r.start_us;
    }
    if (rc < 0 || r.alloc_failed) {
        snprintf(err, sizeof(err), "%s", r.alloc_failed
                 ? "out of memory for the run's output"
                 : engine_error(sb->engine));
        (void) host_kill_rest(&c->cg);
        goto failed;
    }
    if (rc == 0 && engine_exec_inspect(sb->engine, exec_id, &exit_code,
                                       &running) < 0)
    {
        snprintf(err, sizeof(err), "%s", engine_error(sb->engine));
        goto failed;
    }

    t = docker_now_us();
    if (r.kill_reason == 0 || r.cpu_ns == 0) {
        (void) host_cgroup_cpu(&c->cg, &r.cpu_ns);
    }
    r.cpu_ns = r.cpu_ns > r.cpu0_ns ? r.cpu_ns - r.cpu0_ns : 0;
    if (host_cgroup_finish(&c->cg, &peak, &oom1) < 0) {
        snprintf(err, sizeof(err), "reading the cgroup after the run: %s",
                 strerror(errno));
        goto failed;
    }
    sb->times.cgroup_us += docker_now_us() - t;

    t = docker_now_us();
    docker_read_status(tmp, nonce, &st);
    res->wall_time_ms = r.wall_us / 1000;
    /* an end nothing explains: the container's, or the program's doing */
    docker_verdict(&r, &st, peak, oom1 > oom0, exit_code,
                   !host_alive(&c->cg, !st.valid && r.kill_reason == 0
                                       ? DOCKER_INIT_END_MS : 0), res);
    docker_collect(box, spec, res);
    sb->times.files_out_us += docker_now_us() - t;

    t = docker_now_us();
    recycle = docker_cleanup(c, box, tmp, &st)
              || r.kill_reason != 0
              || (res->status != SANDBOX_OK && res->status != SANDBOX_RE)
              || res->signal != 0;
    sb->times.cleanup_us += docker_now_us() - t;
    goto done;

failed:

    /* a call or a read that failed because the container is gone says so */
    res->status = SANDBOX_IE;
    snprintf(res->message, sizeof(res->message), "%s",
             c != NULL && !host_alive(&c->cg, 0) ? DOCKER_ENDED_OUTSIDE : err);

done:

    res->out = r.out;
    res->out_len = r.out_len;
    res->out_truncated = r.out_truncated;
    res->err = r.err;
    res->err_len = r.err_len;
    res->err_truncated = r.err_truncated;
    if (res->out != NULL) {
        res->out[res->out_len] = '\0';
    }
    if (res->err != NULL) {
        res->err[res->err_len] = '\0';
    }

    if (box >= 0) {
        close(box);
    }
    if (tmp >= 0) {
        close(tmp);
    }
    free(argv);
    free(env);
    if (recycle) {
        host_end(&c->cg);
    }
    pool_release(sb->d->pool, c, recycle);

    sb->times.exec_create_us += et->exec_create_us - et0.exec_create_us;
    sb->times.exec_start_us += et->exec_start_us - et0.exec_start_us;
    sb->times.exec_inspect_us += et->exec_inspect_us - et0.exec_inspect_us;
    sb->times.total_us += docker_now_us() - t0;
    sb->times.runs++;
    return res->status == SANDBOX_IE ? docker_failed(sb, res) : 0;
}


const sandbox_backend_t  docker_backend = {
    "docker",
    docker_create,
    docker_run,
    docker_kill,
    docker_kill_clear,
    docker_destroy,
    docker_host_info
};
