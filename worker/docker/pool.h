/*
 * pool.h: warm containers of the Docker backend, in two pools: runners
 * (tests, checkers) and builders (compiles).
 *
 *   slot threads ──pool_acquire()──▶ an idle container, all theirs
 *                ◀─pool_release()── back, or doomed (recycle)
 *   refill thread: removes the doomed, the idle too long and starts new
 *                  ones until each pool is full again
 *
 * A container serves one run at a time, at most "uses" runs; an exhausted
 * pool makes pool_acquire() wait, never fail.  Every container carries
 * the label "ngx-judge.owner=<owner>": pool_open() removes those of a
 * predecessor with the same owner (killed before it could), pool_close()
 * its own.
 */

#ifndef JUDGE_DOCKER_POOL_H
#define JUDGE_DOCKER_POOL_H

#include <stdint.h>
#include <sys/types.h>

#include "host.h"


#define POOL_RUNNER   0
#define POOL_BUILDER  1
#define POOL_KINDS    2

/* Where judge-docker-run is seen inside the containers. */
#define POOL_WRAPPER  "/judge-run"


typedef struct {
    const char      *socket_path;
    const char      *image;
    const char      *owner;         /* the label's value */
    const char      *wrapper;       /* host path of judge-docker-run */
    unsigned         size[POOL_KINDS];
    unsigned         uses;          /* runs before a container is replaced */
    unsigned         idle_s;        /* idle seconds before it is replaced */
    unsigned         timeout_ms;    /* of each daemon call */
    uint64_t         memory_kb[POOL_KINDS];     /* the most a run gets */
    uint64_t         work_kb[POOL_KINDS];       /* tmpfs /box */
    uint64_t         tmp_kb;                    /* tmpfs /tmp */
    unsigned         pids[POOL_KINDS];
    unsigned         cpus;          /* CPUs a container may use */
    void           (*log)(void *data, int error, const char *msg);
    void            *log_data;
} pool_config_t;


typedef struct pool_s  pool_t;


/* A container lent out by pool_acquire(). */
typedef struct {
    char             id[72];
    host_cgroup_t    cg;
    pid_t            pid;           /* its first process, on the host */
    unsigned         uses;
    int              kind;
} pool_container_t;


/*
 * Checks the daemon and the image, removes a predecessor's containers,
 * starts the refill thread.  NULL with the reason in err.
 */
pool_t *pool_open(const pool_config_t *config, char *err, size_t errlen);

/* Stops the refill thread and removes every container of the pools. */
void pool_close(pool_t *p);

/*
 * An idle container of pool "kind", waiting for one as long as needed;
 * NULL when the pools are closing or "cancelled" (polled every 50 ms)
 * says so.
 */
pool_container_t *pool_acquire(pool_t *p, int kind,
    int (*cancelled)(void *data), void *data);

/* Gives it back; "recycle": it is removed and replaced. */
void pool_release(pool_t *p, pool_container_t *c, int recycle);

const pool_config_t *pool_config(const pool_t *p);


#endif /* JUDGE_DOCKER_POOL_H */
