/*
 * libFuzzer target: the frame reader of daemon/frame.c fed what a master
 * could send, cut into reads of every size, each whole payload decoded as
 * session_read() does it (message_decode()).
 *
 * The input: byte 0 picks the reader's frame limit, byte 1 seeds the
 * sizes of the reads, the rest is the stream.  Beyond "no crash, no leak,
 * no undefined behaviour" it checks that the payloads handed out lie in
 * the reader's buffer and within the limit, that framed again by the
 * writer (and taken from it in pieces of every size) they give back the
 * stream's bytes in order, and that FRAME_TOO_BIG comes only for a
 * length over the limit, ending the stream as it ends the session.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/frame.h"
#include "daemon/message.h"


#define FUZZ_CHECK(cond)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "fuzz_frame: %s:%d: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                 \
            abort();                                                        \
        }                                                                   \
    } while (0)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* frame limits worth trying: none, tiny, one short of a prefix, usual */
static const size_t  fuzz_limits[] = {
    0, 1, 3, 4, 5, 16, 255, 256, 4096, 65536, 1 << 20, 64 << 20
};


/*
 * The next read size: mostly small, now and then large, from a xorshift
 * generator in "*state".
 */
static size_t
fuzz_read_size(uint32_t *state)
{
    uint32_t  x;

    x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;

    return 1 + (x >> 8) % (1u << (x % 13));
}


/*
 * Takes "n" bytes (at most what is queued) off the writer "w" and checks
 * them against the stream from "*written" on.
 */
static void
fuzz_take(struct frame_writer *w, size_t n, const uint8_t *stream,
          size_t *written)
{
    if (n > frame_writer_pending(w)) {
        n = frame_writer_pending(w);
    }

    if (n == 0) {
        return;
    }

    FUZZ_CHECK(memcmp(frame_writer_data(w), stream + *written, n) == 0);

    frame_writer_consume(w, n);
    *written += n;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct frame_reader    r;
    struct frame_writer    w;
    const uint8_t         *stream, *payload;
    size_t                 limit, len, n, fed, framed, written;
    uint32_t               state;
    enum frame_status      st;
    Judge__MasterCommand  *cmd;

    if (size < 2) {
        return 0;
    }

    limit = fuzz_limits[data[0] % (sizeof(fuzz_limits)
                                   / sizeof(fuzz_limits[0]))];
    state = 0x9e3779b9u ^ data[1];
    stream = data + 2;
    size -= 2;

    frame_reader_init(&r, limit);
    frame_writer_init(&w);

    fed = 0;
    framed = 0;
    written = 0;
    st = FRAME_MORE;

    while (fed < size && st != FRAME_TOO_BIG) {
        n = fuzz_read_size(&state);
        if (n > size - fed) {
            n = size - fed;
        }

        FUZZ_CHECK(frame_reader_feed(&r, stream + fed, n) == FRAME_OK);
        fed += n;

        while ((st = frame_reader_next(&r, &payload, &len)) == FRAME_OK) {
            FUZZ_CHECK(len <= limit);
            FUZZ_CHECK(payload >= r.buf + FRAME_HEADER_SIZE
                       && payload + len <= r.buf + r.len);

            cmd = message_decode(payload, len);
            if (cmd != NULL) {
                FUZZ_CHECK(message_command_name(cmd) != NULL);
                message_free(cmd);
            }

            FUZZ_CHECK(frame_writer_put_packed(&w, payload, len, limit)
                       == 0);
            framed += FRAME_HEADER_SIZE + len;

            fuzz_take(&w, fuzz_read_size(&state), stream, &written);
        }

        FUZZ_CHECK(fed - framed == r.len - r.start);

        if (st == FRAME_TOO_BIG) {
            FUZZ_CHECK(frame_reader_pending_length(&r) > limit);
        }
    }

    fuzz_take(&w, SIZE_MAX, stream, &written);
    FUZZ_CHECK(written == framed);

    frame_reader_free(&r);
    frame_writer_free(&w);

    return 0;
}
