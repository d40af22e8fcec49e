/*
 * Live output of a running test (ExecuteBatchTask.stream_output): what the
 * program writes to stdout and stderr, taken as the sandbox reads it, held
 * back briefly so that a program writing a byte at a time does not become
 * a frame per byte, and passed on as chunks with their offsets.
 *
 * A stream's pending bytes are passed on when LIVE_DELAY_MS have gone by
 * since the oldest of them was read, when LIVE_CHUNK_MAX of them are
 * pending, and at the end of the run (live_finish()).  Each stream's
 * chunks come in order and without gaps, offsets from 0, at most "cap"
 * bytes in all (what comes after is dropped).  A chunk its hook refuses
 * ends the passing on for the rest of the run, so that none after it
 * leaves a gap.
 *
 * Everything but live_sandbox_hook() takes the time from its caller and
 * does no I/O of its own, so the unit tests drive it with a made-up clock.
 */

#ifndef JUDGE_WORKER_LIVE_H
#define JUDGE_WORKER_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define LIVE_DELAY_MS    50
#define LIVE_CHUNK_MAX   (16 * 1024)


/*
 * Passes on one chunk: "len" bytes of "stream" (1 stdout, 2 stderr) from
 * "offset" on.  Returns 0, or -1 to have no more chunks passed on.
 */
typedef int (*live_emit_pt)(void *data, unsigned stream, uint64_t offset,
                            const uint8_t *bytes, size_t len);

struct live_stream {
    uint64_t         offset;        /* of pending[0]: what went before */
    uint64_t         taken;         /* bytes taken in all, up to the cap */
    int64_t          oldest;        /* when pending[0] was read, ms */
    size_t           len;           /* bytes pending */
    uint8_t          pending[LIVE_CHUNK_MAX];
};

struct live_output {
    struct live_stream   streams[2];    /* stdout, stderr */
    uint64_t             cap;
    bool                 stopped;       /* the hook refused a chunk */
    live_emit_pt         emit;
    void                *data;
};


void  live_init(struct live_output *lv, uint64_t cap, live_emit_pt emit,
                void *data);
int   live_write(struct live_output *lv, unsigned stream, const void *bytes,
                 size_t len, int64_t now);
int   live_tick(struct live_output *lv, int64_t now);
void  live_finish(struct live_output *lv);
int   live_sandbox_hook(void *data, unsigned stream, const char *bytes,
                        size_t len);


#endif /* JUDGE_WORKER_LIVE_H */
