/*
 * engine.h: a small client of the Docker Engine API (v1.41, Debian 12's
 * docker.io 20.10) over its unix socket, with libcurl and jansson.
 *
 * One engine_t per thread that talks to the daemon: it keeps its curl
 * handle, so that calls reuse one connection.  Every call is bounded by
 * the engine's timeout (the exec stream by the caller's deadline): a hung
 * daemon makes calls fail, never hang.  Calls return 0, or -1 with the
 * reason in e->err.
 */

#ifndef JUDGE_DOCKER_ENGINE_H
#define JUDGE_DOCKER_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>


#define ENGINE_API  "/v1.41"


typedef struct engine_s  engine_t;


/* Where the time of the calls went, in microseconds, summed. */
typedef struct {
    uint64_t     exec_create_us;
    uint64_t     exec_start_us;     /* the attached stream, to its end */
    uint64_t     exec_inspect_us;
} engine_times_t;


/*
 * Called with each frame's bytes of the exec's stream (1: stdout,
 * 2: stderr); returns 0, or -1 to stop reading (the run is being killed).
 */
typedef int (*engine_frame_pt)(void *data, unsigned stream,
    const char *bytes, size_t len);

/*
 * Called while the stream is open, at least every "tick_ms": returns the
 * milliseconds until it wants the next call (at most tick_ms count), or
 * -1 to stop reading.
 */
typedef int (*engine_tick_pt)(void *data);


engine_t *engine_open(const char *socket_path, unsigned timeout_ms,
    char *err, size_t errlen);
void engine_close(engine_t *e);
const char *engine_error(const engine_t *e);
engine_times_t *engine_times(engine_t *e);

int engine_version(engine_t *e, char *version, size_t size);

/* 0 when the daemon holds the image "name:tag". */
int engine_image_exists(engine_t *e, const char *image);

/* Creates a container from "config" (the create body); writes its id. */
int engine_create(engine_t *e, json_t *config, char *id, size_t size);
int engine_start(engine_t *e, const char *id);
/* The host pid of the container's first process, 0 when not running. */
int engine_inspect_pid(engine_t *e, const char *id, long *pid);
/* Kills and removes the container with its anonymous volumes (one
 * already gone is no error). */
int engine_remove(engine_t *e, const char *id);
/* The ids of the containers (any state) with label "key=value". */
int engine_list(engine_t *e, const char *label, char ***ids, size_t *n);
void engine_list_free(char **ids, size_t n);

/* Creates an exec of argv in container "id", stdout and stderr attached. */
int engine_exec_create(engine_t *e, const char *id, const char *const *argv,
    const char *const *env, const char *user, const char *cwd,
    char *exec_id, size_t size);

/*
 * Starts the exec attached and reads its multiplexed stream until it ends,
 * "deadline_ms" passes (-1 then, with e->err naming it), or a hook asks
 * to stop (1).  "wake_fd" (or -1) interrupts the wait for the next tick.
 */
int engine_exec_start(engine_t *e, const char *exec_id, unsigned tick_ms,
    uint64_t deadline_ms, int wake_fd, engine_frame_pt frame,
    engine_tick_pt tick, void *data);

/* The exec's exit code; "running" set while it still runs. */
int engine_exec_inspect(engine_t *e, const char *exec_id, int *exit_code,
    int *running);


#endif /* JUDGE_DOCKER_ENGINE_H */
