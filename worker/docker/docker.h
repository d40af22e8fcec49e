/*
 * docker.h: the Docker backend of sandbox.h.  judge-worker --backend
 * docker opens one docker_t (the pools, shared by the slots) and gives
 * docker_backend and it to every sandbox_create(); docs/DOCKER.md says
 * how a run goes and what differs from the native backend.
 */

#ifndef JUDGE_DOCKER_DOCKER_H
#define JUDGE_DOCKER_DOCKER_H

#include <stdint.h>

#include "sandbox.h"


#define DOCKER_DEFAULT_SOCKET   "/var/run/docker.sock"
#define DOCKER_DEFAULT_IMAGE    "ngx-judge/runner:bookworm"
#define DOCKER_DEFAULT_USES     50
#define DOCKER_DEFAULT_IDLE     600         /* seconds */
#define DOCKER_DEFAULT_TIMEOUT  10000       /* ms, per daemon call */


typedef struct docker_s  docker_t;


typedef struct {
    const char  *socket_path;
    const char  *image;
    const char  *owner;         /* labels the containers: host:state dir */
    const char  *wrapper;       /* judge-docker-run on the host */
    unsigned     runners;       /* warm containers for tests */
    unsigned     builders;      /* ... for compiles */
    unsigned     uses;          /* runs per container */
    unsigned     idle_s;
    unsigned     timeout_ms;
    void       (*log)(void *data, int error, const char *msg);
    void        *log_data;
} docker_config_t;


/* Where a run's time went, in microseconds, summed over the runs. */
typedef struct {
    uint64_t     runs;
    uint64_t     acquire_us;        /* waiting for a warm container */
    uint64_t     files_in_us;       /* files and stdin into the container */
    uint64_t     cgroup_us;         /* limits set, counters read */
    uint64_t     exec_create_us;
    uint64_t     exec_start_us;     /* attach, start, the run, its end */
    uint64_t     exec_ready_us;     /* ... of which until the wrapper ran */
    uint64_t     exec_inspect_us;
    uint64_t     files_out_us;      /* status and collected files back */
    uint64_t     cleanup_us;        /* leftovers looked for, work dir emptied */
    uint64_t     total_us;
} docker_times_t;


extern const sandbox_backend_t  docker_backend;


/* Starts the pools (in the background); NULL with the reason in err. */
docker_t *docker_open(const docker_config_t *config, char *err,
    size_t errlen);

/* Removes every container; no sandbox of it may be in use. */
void docker_close(docker_t *d);

/* The time breakdown of a docker_backend instance's runs. */
const docker_times_t *docker_instance_times(const void *instance);


#endif /* JUDGE_DOCKER_DOCKER_H */
