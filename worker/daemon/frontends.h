/*
 * The frontends a worker may dial: nginx servers of one judge (they share
 * its state), given as one or more master URLs, and which one to dial
 * next.
 *
 *     A ── dial fails, or the stream ends ──► B ──► C ──► A ...
 *     └───────────── one round: no delay within it ─────────┘
 *                    then the backoff (main.c), and the next round
 *
 * The worker dials the first one.  A failed dial or an ended stream moves
 * it to the next one at once, so a frontend that is down costs one
 * connect attempt; only when every frontend of a round has failed does
 * the caller back off.  A stream that proved healthy starts a new round
 * where it is: the worker stays on the frontend it reached and goes
 * elsewhere only when that one fails it too.
 *
 * Pure: no I/O, nothing global.
 */

#ifndef JUDGE_WORKER_FRONTENDS_H
#define JUDGE_WORKER_FRONTENDS_H

#include <stdbool.h>
#include <stddef.h>

#include "url.h"


struct frontend {
    char        *text;          /* the URL as given, for the log */
    struct url   url;
};

struct rotation {
    size_t  n;                  /* frontends */
    size_t  current;            /* the one to dial */
    size_t  failures;           /* failed in a row within this round */
};


int  frontends_parse(const char *list, struct frontend **out, size_t *n,
                     char *err, size_t errlen);
void frontends_free(struct frontend *list, size_t n);

void rotation_init(struct rotation *r, size_t n);
bool rotation_failed(struct rotation *r);
void rotation_settled(struct rotation *r);


#endif /* JUDGE_WORKER_FRONTENDS_H */
