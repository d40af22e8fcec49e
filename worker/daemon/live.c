/*
 * Live output of a running test: coalescing what the sandbox reads into
 * chunks (see live.h).
 */

#include <string.h>

#include "live.h"
#include "sandbox.h"
#include "util.h"


/*
 * Prepares "lv" for one run: at most "cap" bytes per stream, chunks to
 * "emit" with "data".
 */
void
live_init(struct live_output *lv, uint64_t cap, live_emit_pt emit,
          void *data)
{
    memset(lv->streams, 0, sizeof(lv->streams));
    lv->cap = cap;
    lv->stopped = false;
    lv->emit = emit;
    lv->data = data;
}


/*
 * Passes on what stream "i" (0 stdout, 1 stderr) holds.
 */
static void
live_flush(struct live_output *lv, unsigned i)
{
    struct live_stream  *s = &lv->streams[i];

    if (s->len == 0) {
        return;
    }

    if (!lv->stopped
        && lv->emit(lv->data, i + 1, s->offset, s->pending, s->len) != 0)
    {
        lv->stopped = true;
    }

    s->offset += s->len;
    s->len = 0;
}


/*
 * Takes "len" bytes the program wrote to "stream" (SANDBOX_STDOUT or
 * SANDBOX_STDERR), read at "now" (ms): up to the cap, a full chunk passed
 * on at once, then what is due (live_tick()).  Returns what live_tick()
 * does.
 */
int
live_write(struct live_output *lv, unsigned stream, const void *bytes,
           size_t len, int64_t now)
{
    struct live_stream  *s;
    const uint8_t       *p = bytes;
    size_t               n;

    if (lv->stopped || (stream != SANDBOX_STDOUT && stream != SANDBOX_STDERR))
    {
        return live_tick(lv, now);
    }

    s = &lv->streams[stream - 1];

    if (len > lv->cap - s->taken) {
        len = (size_t) (lv->cap - s->taken);
    }

    s->taken += len;

    while (len > 0) {
        if (s->len == 0) {
            s->oldest = now;
        }

        n = LIVE_CHUNK_MAX - s->len;
        if (n > len) {
            n = len;
        }

        memcpy(s->pending + s->len, p, n);
        s->len += n;
        p += n;
        len -= n;

        if (s->len == LIVE_CHUNK_MAX) {
            live_flush(lv, stream - 1);
        }
    }

    return live_tick(lv, now);
}


/*
 * Passes on, at "now" (ms), the streams whose oldest pending byte was
 * read LIVE_DELAY_MS ago or earlier.  Returns in how many ms the next
 * stream is due (at least 1), -1 when nothing is pending.
 */
int
live_tick(struct live_output *lv, int64_t now)
{
    struct live_stream  *s;
    int64_t              left, next;
    unsigned             i;

    next = -1;

    for (i = 0; i < 2; i++) {
        s = &lv->streams[i];

        if (s->len == 0) {
            continue;
        }

        left = s->oldest + LIVE_DELAY_MS - now;

        if (left <= 0) {
            live_flush(lv, i);

        } else if (next == -1 || left < next) {
            next = left;
        }
    }

    return (int) next;
}


/*
 * The run is over: whatever is pending is passed on now.
 */
void
live_finish(struct live_output *lv)
{
    live_flush(lv, 0);
    live_flush(lv, 1);
}


/*
 * The sandbox's live output hook (sandbox_output_pt) for a live_output
 * in "data", with the monotonic clock.
 */
int
live_sandbox_hook(void *data, unsigned stream, const char *bytes, size_t len)
{
    struct live_output  *lv = data;

    if (len == 0) {
        return live_tick(lv, now_ms());
    }

    return live_write(lv, stream, bytes, len, now_ms());
}
