/*
 * One stream to a master (one of the frontends), from dialling to
 * closing: Register, Welcome, heartbeats, commands in, task results out.
 */

#ifndef JUDGE_WORKER_SESSION_H
#define JUDGE_WORKER_SESSION_H

#include <stdint.h>

#include "worker.h"


enum session_end {
    SESSION_FAILED,         /* reconnect after backoff */
    SESSION_RECONNECT,      /* the master asked: reconnect shortly */
    SESSION_EXIT            /* leave: stopped, or told to stay away */
};


enum session_end session_run(struct worker *w, const struct frontend *fe,
                             int64_t *lived_ms);


#endif /* JUDGE_WORKER_SESSION_H */
