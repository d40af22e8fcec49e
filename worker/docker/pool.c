/*
 * pool.c: the warm containers, their lock-down and their replacement.
 *
 * Creating a container is the slow part (seconds with the vfs storage
 * driver: it copies the image), so it never happens on a run's path but
 * in the refill thread, which also removes the containers given up.  The
 * lock-down is the container's (HostConfig below); what a run needs on
 * top (its limits, its files) the backend sets per exec.
 */

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "pool.h"
#include "profile.h"


#define POOL_LABEL_OWNER  "ngx-judge.owner"
#define POOL_LABEL_POOL   "ngx-judge.pool"
#define POOL_RETRY_S      2


typedef struct pool_entry_s  pool_entry_t;

struct pool_entry_s {
    pool_container_t     c;
    int                  busy;
    time_t               idle_since;
    pool_entry_t        *next;
};


struct pool_s {
    pool_config_t        cfg;           /* its strings are the copies below */
    char                *socket_path;
    char                *image;
    char                *owner;
    char                *wrapper;
    char                *profile;
    engine_t            *engine;        /* the refill thread's */

    pthread_mutex_t      lock;
    pthread_cond_t       ready;         /* a container became idle */
    pthread_cond_t       wake;          /* the refill thread has work */
    pthread_t            thread;
    int                  started;
    int                  stopping;

    pool_entry_t        *live[POOL_KINDS];
    unsigned             n_live[POOL_KINDS];
    pool_entry_t        *doomed;
    int                  unsure;        /* the refill thread's: a daemon call
                                           failed, see pool_sweep() */
};


static const char *const  pool_names[POOL_KINDS] = { "runner", "builder" };


static void
pool_log(pool_t *p, int error, const char *fmt, ...)
{
    va_list  ap;
    char     msg[512];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->cfg.log != NULL) {
        p->cfg.log(p->cfg.log_data, error, msg);
    }
}


const pool_config_t *
pool_config(const pool_t *p)
{
    return &p->cfg;
}


/*
 * The create body of a container of pool "kind": the image's "sleep
 * infinity" as its first process, which the runs' execs join.
 */
static json_t *
pool_container_config(pool_t *p, int kind)
{
    char    box[160], tmp[160], bind[600], *seccomp;
    json_t *cfg;

    snprintf(box, sizeof(box), "rw,exec,nosuid,nodev,size=%lluk,uid=60000,"
             "gid=60000,mode=0700",
             (unsigned long long) p->cfg.work_kb[kind]);
    snprintf(tmp, sizeof(tmp), "rw,noexec,nosuid,nodev,size=%lluk,mode=1777",
             (unsigned long long) p->cfg.tmp_kb);
    snprintf(bind, sizeof(bind), "%s:" POOL_WRAPPER ":ro", p->cfg.wrapper);
    if (asprintf(&seccomp, "seccomp=%s", p->profile) < 0) {
        return NULL;
    }

    cfg = json_pack(
        "{s:s, s:s, s:s, s:b, s:{s:s, s:s},"
        " s:{s:s, s:b, s:{s:s, s:s}, s:I, s:I, s:I, s:I, s:[s,s],"
        "    s:[s], s:s, s:b, s:[s], s:[{s:s, s:i, s:i}], s:{s:s}}}",
        "Image", p->cfg.image,
        "User", "60000:60000",
        "WorkingDir", "/box",
        "NetworkDisabled", 1,
        "Labels", POOL_LABEL_OWNER, p->cfg.owner,
                  POOL_LABEL_POOL, pool_names[kind],
        "HostConfig",
        "NetworkMode", "none",
        "ReadonlyRootfs", 1,
        "Tmpfs", "/box", box, "/tmp", tmp,
        "PidsLimit", (json_int_t) p->cfg.pids[kind],
        "Memory", (json_int_t) (p->cfg.memory_kb[kind] * 1024),
        "MemorySwap", (json_int_t) (p->cfg.memory_kb[kind] * 1024),
        "NanoCpus", (json_int_t) p->cfg.cpus * 1000000000,
        "SecurityOpt", "no-new-privileges", seccomp,
        "CapDrop", "ALL",
        "IpcMode", "private",
        "Init", 0,
        "Binds", bind,
        "Ulimits", "Name", "core", "Soft", 0, "Hard", 0,
        "LogConfig", "Type", "none");
    free(seccomp);
    return cfg;
}


/* Creates and starts one container of pool "kind" with engine e. */
static int
pool_start_one(pool_t *p, engine_t *e, int kind, pool_container_t *c,
    char *err, size_t errlen)
{
    json_t  *cfg;
    long     pid = 0;
    int      rc;

    memset(c, 0, sizeof(*c));
    c->kind = kind;
    cfg = pool_container_config(p, kind);
    if (cfg == NULL) {
        snprintf(err, errlen, "out of memory for a container's config");
        return -1;
    }
    rc = engine_create(e, cfg, c->id, sizeof(c->id));
    json_decref(cfg);
    if (rc < 0) {
        snprintf(err, errlen, "%s", engine_error(e));
        return -1;
    }
    if (engine_start(e, c->id) < 0 || engine_inspect_pid(e, c->id, &pid) < 0
        || pid <= 0)
    {
        snprintf(err, errlen, "%s", pid <= 0 && engine_error(e)[0] == '\0'
                 ? "the container did not start" : engine_error(e));
        (void) engine_remove(e, c->id);
        return -1;
    }
    c->pid = (pid_t) pid;
    if (host_cgroup_open(&c->cg, c->pid, err, errlen) < 0) {
        host_cgroup_close(&c->cg);
        (void) engine_remove(e, c->id);
        return -1;
    }
    return 0;
}


/* Removes every container labelled with this owner. */
static void
pool_remove_owned(pool_t *p, engine_t *e)
{
    char    label[600], **ids;
    size_t  n, i;

    snprintf(label, sizeof(label), POOL_LABEL_OWNER "=%s", p->cfg.owner);
    if (engine_list(e, label, &ids, &n) < 0) {
        pool_log(p, 1, "docker: listing the containers of %s: %s",
                 p->cfg.owner, engine_error(e));
        return;
    }
    for (i = 0; i < n; i++) {
        if (engine_remove(e, ids[i]) < 0) {
            pool_log(p, 1, "docker: removing container %.12s: %s", ids[i],
                     engine_error(e));
        }
    }
    if (n > 0) {
        pool_log(p, 0, "docker: removed %zu container(s) of %s", n,
                 p->cfg.owner);
    }
    engine_list_free(ids, n);
}


/*
 * Whether the pools know container "id" (the lock held).
 */
static int
pool_knows(pool_t *p, const char *id)
{
    pool_entry_t  *en;
    int            kind;

    for (kind = 0; kind < POOL_KINDS; kind++) {
        for (en = p->live[kind]; en != NULL; en = en->next) {
            if (strcmp(en->c.id, id) == 0) {
                return 1;
            }
        }
    }
    for (en = p->doomed; en != NULL; en = en->next) {
        if (strcmp(en->c.id, id) == 0) {
            return 1;
        }
    }
    return 0;
}


/*
 * After a daemon call failed, once the daemon answers again: a create
 * that timed out may have been carried out all the same, a remove that
 * timed out may not; the containers of this owner the pools do not know
 * are removed.  Only the refill thread creates containers, and it is
 * here, so none is on its way.  Returns -1 when the daemon failed again.
 */
static int
pool_sweep(pool_t *p)
{
    char    label[600], **ids;
    size_t  n, i, removed = 0;
    int     known;

    snprintf(label, sizeof(label), POOL_LABEL_OWNER "=%s", p->cfg.owner);
    if (engine_list(p->engine, label, &ids, &n) < 0) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        pthread_mutex_lock(&p->lock);
        known = pool_knows(p, ids[i]);
        pthread_mutex_unlock(&p->lock);
        if (known) {
            continue;
        }
        if (engine_remove(p->engine, ids[i]) < 0) {
            engine_list_free(ids, n);
            return -1;
        }
        removed++;
    }
    if (removed > 0) {
        pool_log(p, 0, "docker: removed %zu container(s) the pools did not "
                 "know, left by daemon calls that failed", removed);
    }
    engine_list_free(ids, n);
    return 0;
}


/*
 * Gives "en" up, taken off the live list at "pp" (the lock held): the
 * refill thread removes it and makes another.
 */
static void
pool_doom(pool_t *p, pool_entry_t **pp)
{
    pool_entry_t  *en = *pp;

    *pp = en->next;
    p->n_live[en->c.kind]--;
    en->next = p->doomed;
    p->doomed = en;
    pthread_cond_signal(&p->wake);
}


/*
 * An idle container whose first process ended outside the worker
 * (docker kill, docker rm -f, the daemon restarted without live
 * restore): given up, with a word in the log, before a run gets it.
 * The lock held.
 */
static int
pool_dead(pool_t *p, pool_entry_t **pp)
{
    pool_entry_t  *en = *pp;

    if (host_alive(&en->c.cg, 0)) {
        return 0;
    }
    pool_log(p, 1, "docker: %s container %.12s ended outside the worker; "
             "replaced", pool_names[en->c.kind], en->c.id);
    pool_doom(p, pp);
    return 1;
}


/*
 * The refill thread: the doomed go first (their resources count), then
 * the idle too long are doomed, then each pool is filled up, one
 * container at a time with the lock released.  A container given up
 * while one is created is removed before the next is: under a load that
 * uses containers up faster than the daemon creates them, the filling
 * would otherwise never end and the given-up ones (each a copy of the
 * image with vfs) would pile up until the load ebbs.  A failing daemon
 * is retried every POOL_RETRY_S seconds; the runs wait meanwhile.
 */
static void *
pool_refill_main(void *arg)
{
    pool_t            *p = arg;
    pool_entry_t      *en, **pp;
    pool_container_t   c;
    struct timespec    until;
    time_t             now;
    char               err[512];
    int                kind, failed;

    pthread_mutex_lock(&p->lock);

    while (!p->stopping) {
        failed = 0;

        while (p->doomed != NULL) {
            en = p->doomed;
            p->doomed = en->next;
            pthread_mutex_unlock(&p->lock);
            if (engine_remove(p->engine, en->c.id) < 0) {
                pool_log(p, 1, "docker: removing container %.12s: %s",
                         en->c.id, engine_error(p->engine));
                p->unsure = 1;
            }
            host_cgroup_close(&en->c.cg);
            free(en);
            pthread_mutex_lock(&p->lock);
        }

        now = time(NULL);
        for (kind = 0; kind < POOL_KINDS; kind++) {
            for (pp = &p->live[kind]; *pp != NULL; ) {
                en = *pp;
                if (!en->busy && p->cfg.idle_s > 0
                    && now - en->idle_since > (time_t) p->cfg.idle_s)
                {
                    pool_doom(p, pp);
                    continue;
                }
                if (!en->busy && pool_dead(p, pp)) {
                    continue;
                }
                pp = &en->next;
            }
        }
        if (p->doomed != NULL) {
            continue;
        }

        for (kind = 0; kind < POOL_KINDS && !p->stopping && !failed;
             kind++)
        {
            while (p->n_live[kind] < p->cfg.size[kind] && !p->stopping
                   && p->doomed == NULL)
            {
                pthread_mutex_unlock(&p->lock);
                if (pool_start_one(p, p->engine, kind, &c, err, sizeof(err))
                    < 0)
                {
                    pool_log(p, 1, "docker: starting a %s container: %s",
                             pool_names[kind], err);
                    p->unsure = 1;
                    pthread_mutex_lock(&p->lock);
                    failed = 1;
                    break;
                }
                en = calloc(1, sizeof(*en));
                if (en == NULL) {
                    host_cgroup_close(&c.cg);
                    (void) engine_remove(p->engine, c.id);
                    pthread_mutex_lock(&p->lock);
                    failed = 1;
                    break;
                }
                pthread_mutex_lock(&p->lock);
                en->c = c;
                en->idle_since = time(NULL);
                en->next = p->live[kind];
                p->live[kind] = en;
                p->n_live[kind]++;
                pthread_cond_broadcast(&p->ready);
                if (p->unsure) {
                    pthread_mutex_unlock(&p->lock);
                    p->unsure = pool_sweep(p) < 0;
                    pthread_mutex_lock(&p->lock);
                }
            }
        }

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += failed ? POOL_RETRY_S
                               : (p->cfg.idle_s > 0 ? 1 : 3600);
        if (p->doomed == NULL) {
            (void) pthread_cond_timedwait(&p->wake, &p->lock, &until);
        }
    }

    pthread_mutex_unlock(&p->lock);
    return NULL;
}


pool_t *
pool_open(const pool_config_t *config, char *err, size_t errlen)
{
    pool_t  *p;
    char     version[64];
    int      rc;

    p = calloc(1, sizeof(*p));
    if (p == NULL) {
        snprintf(err, errlen, "out of memory for the container pools");
        return NULL;
    }
    p->cfg = *config;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->ready, NULL);
    pthread_cond_init(&p->wake, NULL);

    p->cfg.socket_path = p->socket_path = strdup(config->socket_path);
    p->cfg.image = p->image = strdup(config->image);
    p->cfg.owner = p->owner = strdup(config->owner);
    p->cfg.wrapper = p->wrapper = strdup(config->wrapper);
    p->profile = profile_build();
    if (p->socket_path == NULL || p->image == NULL || p->owner == NULL
        || p->wrapper == NULL || p->profile == NULL)
    {
        snprintf(err, errlen, "out of memory for the container pools");
        pool_close(p);
        return NULL;
    }
    p->engine = engine_open(config->socket_path, config->timeout_ms, err,
                            errlen);
    if (p->engine == NULL) {
        pool_close(p);
        return NULL;
    }

    if (access(config->wrapper, X_OK) != 0) {
        snprintf(err, errlen, "the run wrapper %s: %s", config->wrapper,
                 strerror(errno));
        pool_close(p);
        return NULL;
    }
    if (engine_version(p->engine, version, sizeof(version)) < 0) {
        snprintf(err, errlen, "no docker daemon at %s: %s",
                 config->socket_path, engine_error(p->engine));
        pool_close(p);
        return NULL;
    }
    if (engine_image_exists(p->engine, config->image) < 0) {
        snprintf(err, errlen, "image %s: %s", config->image,
                 engine_error(p->engine));
        pool_close(p);
        return NULL;
    }
    pool_log(p, 0, "docker: daemon %s at %s, image %s, %u runner(s), "
             "%u builder(s)", version, config->socket_path, config->image,
             config->size[POOL_RUNNER], config->size[POOL_BUILDER]);

    pool_remove_owned(p, p->engine);

    rc = pthread_create(&p->thread, NULL, pool_refill_main, p);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the pools' thread: %s",
                 strerror(rc));
        pool_close(p);
        return NULL;
    }
    p->started = 1;
    return p;
}


void
pool_close(pool_t *p)
{
    pool_entry_t  *en, *next;
    int            kind;

    if (p == NULL) {
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->lock);
    if (p->started) {
        pthread_join(p->thread, NULL);
    }

    for (kind = 0; kind < POOL_KINDS; kind++) {
        for (en = p->live[kind]; en != NULL; en = next) {
            next = en->next;
            host_cgroup_close(&en->c.cg);
            free(en);
        }
    }
    for (en = p->doomed; en != NULL; en = next) {
        next = en->next;
        host_cgroup_close(&en->c.cg);
        free(en);
    }
    if (p->started) {
        /* by label: the live ones and the doomed not removed yet */
        pool_remove_owned(p, p->engine);
    }

    engine_close(p->engine);
    free(p->socket_path);
    free(p->image);
    free(p->owner);
    free(p->wrapper);
    free(p->profile);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->lock);
    free(p);
}


pool_container_t *
pool_acquire(pool_t *p, int kind, int (*cancelled)(void *data), void *data)
{
    pool_entry_t     *en, **pp;
    struct timespec   until;

    pthread_mutex_lock(&p->lock);
    for ( ;; ) {
        if (p->stopping || cancelled(data)) {
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        for (pp = &p->live[kind]; *pp != NULL; ) {
            en = *pp;
            if (en->busy) {
                pp = &en->next;
                continue;
            }
            if (pool_dead(p, pp)) {
                continue;
            }
            en->busy = 1;
            pthread_mutex_unlock(&p->lock);
            return &en->c;
        }
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 50 * 1000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        (void) pthread_cond_timedwait(&p->ready, &p->lock, &until);
    }
}


void
pool_release(pool_t *p, pool_container_t *c, int recycle)
{
    pool_entry_t  *en = (pool_entry_t *) c, **pp;

    pthread_mutex_lock(&p->lock);
    en->c.uses++;
    en->busy = 0;
    en->idle_since = time(NULL);

    if (recycle || en->c.uses >= p->cfg.uses) {
        for (pp = &p->live[c->kind]; *pp != en; pp = &(*pp)->next) {
            /* find it */
        }
        pool_doom(p, pp);
    } else {
        pthread_cond_broadcast(&p->ready);
    }
    pthread_mutex_unlock(&p->lock);
}
