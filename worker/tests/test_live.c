/*
 * Live output's coalescing (live.c), with a made-up clock: bytes held for
 * at most 50 ms from the oldest, a chunk at 16 KiB, everything at the end,
 * offsets per stream without gaps, the cap, a refused chunk ending it all;
 * then a long random run checked byte by byte for order and lateness.
 */

#include <stdlib.h>

#include "daemon/live.h"
#include "tap.h"


#define MAX_CHUNKS  4096

struct chunk {
    unsigned   stream;
    uint64_t   offset;
    size_t     len;
    int64_t    at;
};

/* what the emit hook was given */
static struct chunk   chunks[MAX_CHUNKS];
static size_t         n_chunks;
static uint8_t        seen[2][1 << 20];
static int64_t        clock_ms;
static int            refuse_after = -1;


static int
emit(void *data, unsigned stream, uint64_t offset, const uint8_t *bytes,
     size_t len)
{
    (void) data;

    if (n_chunks == MAX_CHUNKS || stream < 1 || stream > 2
        || offset + len > sizeof(seen[0]))
    {
        abort();
    }

    chunks[n_chunks] = (struct chunk) { stream, offset, len, clock_ms };
    n_chunks++;
    memcpy(seen[stream - 1] + offset, bytes, len);

    return refuse_after >= 0 && n_chunks > (size_t) refuse_after ? -1 : 0;
}


static void
start(struct live_output *lv, uint64_t cap)
{
    n_chunks = 0;
    clock_ms = 0;
    refuse_after = -1;
    live_init(lv, cap, emit, NULL);
}


static int
put(struct live_output *lv, unsigned stream, const char *text, int64_t at)
{
    clock_ms = at;
    return live_write(lv, stream, text, strlen(text), at);
}


static int
tick(struct live_output *lv, int64_t at)
{
    clock_ms = at;
    return live_tick(lv, at);
}


static void
test_basics(struct live_output *lv)
{
    static char  big[20001];

    start(lv, 1 << 20);
    is_int(put(lv, 1, "a", 0), 50, "one byte: due in 50 ms");
    is_int(n_chunks, 0, "and held");
    is_int(put(lv, 1, "b", 30), 20, "a second byte: due with the first");
    is_int(tick(lv, 49), 1, "at 49 ms: 1 ms left");
    is_int(n_chunks, 0, "nothing yet");
    is_int(tick(lv, 50), -1, "at 50 ms: nothing left");
    ok(n_chunks == 1 && chunks[0].stream == 1 && chunks[0].offset == 0
       && chunks[0].len == 2 && memcmp(seen[0], "ab", 2) == 0,
       "one chunk of both bytes, offset 0");
    is_int(put(lv, 1, "cd", 400), 50, "after a quiet time: due in 50 ms");
    tick(lv, 450);
    ok(n_chunks == 2 && chunks[1].offset == 2 && chunks[1].len == 2
       && chunks[1].at == 450, "the next chunk follows on at offset 2");
    is_int(tick(lv, 1000), -1, "nothing pending: no call wanted");

    start(lv, 1 << 20);
    put(lv, 1, "out", 0);
    is_int(put(lv, 2, "err", 20), 30, "stdout due first");
    is_int(tick(lv, 50), 20, "stdout passed on, stderr due in 20 ms");
    ok(n_chunks == 1 && chunks[0].stream == 1, "stdout alone");
    tick(lv, 70);
    ok(n_chunks == 2 && chunks[1].stream == 2 && chunks[1].offset == 0
       && memcmp(seen[1], "err", 3) == 0, "then stderr, its own offset 0");

    start(lv, 1 << 20);
    memset(big, 'x', 20000);
    put(lv, 1, big, 0);
    ok(n_chunks == 1 && chunks[0].len == LIVE_CHUNK_MAX,
       "16 KiB pending go at once");
    live_finish(lv);
    ok(n_chunks == 2 && chunks[1].offset == LIVE_CHUNK_MAX
       && chunks[1].len == 20000 - LIVE_CHUNK_MAX,
       "the rest at the end, whatever the time");
    live_finish(lv);
    is_int(n_chunks, 2, "a second finish passes on nothing");

    start(lv, 10);
    put(lv, 1, "123456", 0);
    put(lv, 1, "789abc", 1);
    put(lv, 2, "stderr too", 2);
    live_finish(lv);
    ok(n_chunks == 2 && chunks[0].len == 10
       && memcmp(seen[0], "123456789a", 10) == 0 && chunks[1].len == 10,
       "the cap: 10 bytes per stream in all");
    is_int(put(lv, 1, "more", 3), -1, "past the cap nothing is taken");
    live_finish(lv);
    is_int(n_chunks, 2, "nor passed on");

    start(lv, 1 << 20);
    refuse_after = 0;
    put(lv, 1, "a", 0);
    tick(lv, 50);
    put(lv, 2, "b", 60);
    put(lv, 1, "c", 60);
    live_finish(lv);
    is_int(n_chunks, 1, "a refused chunk: none after it, on either stream");

    start(lv, 1 << 20);
    is_int(put(lv, 3, "x", 0), -1, "an unknown stream is ignored");
    is_int(n_chunks, 0, "nothing of it passed on");
}


/*
 * Writes of random sizes at random times to both streams, the hook called
 * as the sandbox calls it (at each write, and when it asked, at the
 * latest every 50 ms): every byte must be passed on, in order, at most
 * 50 ms after it was written, and every chunk be at most 16 KiB.
 */
static void
test_random(struct live_output *lv)
{
    static uint8_t   wrote[2][1 << 20];
    static int64_t   when[2][1 << 20];
    size_t           len[2], i, n, b;
    int64_t          now, next_call, worst;
    unsigned         stream;
    int              ms;
    bool             order_ok, size_ok;

    srand(7);
    start(lv, 1 << 20);
    len[0] = len[1] = 0;
    now = 0;
    next_call = 50;
    worst = 0;

    for (i = 0; i < 3000; i++) {
        now += rand() % 40;

        while (next_call <= now) {
            clock_ms = next_call;
            ms = live_tick(lv, next_call);
            next_call += ms < 0 || ms > 50 ? 50 : ms;
        }

        stream = 1 + (unsigned) (rand() % 2);
        n = rand() % 10 == 0 ? (size_t) (rand() % 20000)
                             : (size_t) (1 + rand() % 100);
        if (len[stream - 1] + n > sizeof(wrote[0])) {
            break;
        }

        for (b = 0; b < n; b++) {
            wrote[stream - 1][len[stream - 1] + b] = (uint8_t) rand();
            when[stream - 1][len[stream - 1] + b] = now;
        }

        clock_ms = now;
        ms = live_write(lv, stream, wrote[stream - 1] + len[stream - 1], n,
                        now);
        len[stream - 1] += n;
        next_call = now + (ms < 0 || ms > 50 ? 50 : ms);
    }

    while (next_call <= now + 100) {
        clock_ms = next_call;
        ms = live_tick(lv, next_call);
        next_call += ms < 0 || ms > 50 ? 50 : ms;
    }

    order_ok = true;
    size_ok = true;

    for (stream = 1; stream <= 2; stream++) {
        n = 0;

        for (i = 0; i < n_chunks; i++) {
            if (chunks[i].stream != stream) {
                continue;
            }

            order_ok &= chunks[i].offset == n;
            size_ok &= chunks[i].len > 0 && chunks[i].len <= LIVE_CHUNK_MAX;

            for (b = chunks[i].offset; b < chunks[i].offset + chunks[i].len;
                 b++)
            {
                if (chunks[i].at - when[stream - 1][b] > worst) {
                    worst = chunks[i].at - when[stream - 1][b];
                }
            }

            n += chunks[i].len;
        }

        order_ok &= n == len[stream - 1]
                    && memcmp(seen[stream - 1], wrote[stream - 1], n) == 0;
    }

    ok(n_chunks > 100, "a long random run");
    ok(order_ok, "every byte passed on once, in order, offsets following on");
    ok(size_ok, "no chunk empty or over 16 KiB");
    if (!ok(worst <= 50, "no byte passed on later than 50 ms after its "
            "write"))
    {
        printf("#   one waited %lld ms\n", (long long) worst);
    }
}


int
main(void)
{
    static struct live_output  lv;

    test_basics(&lv);
    test_random(&lv);

    return done_testing();
}
