/*
 * The frame codec: 4-byte big-endian length + one protobuf message, fed
 * byte by byte, several per read, and refused when too big.
 */

#include <errno.h>
#include <stdlib.h>

#include "daemon/frame.h"
#include "daemon/message.h"
#include "tap.h"


/* Packs a MasterCommand{Welcome} as one frame into "w". */
static void
put_welcome(struct frame_writer *w, const char *id, uint32_t hb)
{
    Judge__MasterCommand  cmd = JUDGE__MASTER_COMMAND__INIT;
    Judge__Welcome        welcome = JUDGE__WELCOME__INIT;

    welcome.worker_id = (char *) id;
    welcome.heartbeat_interval_ms = hb;
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_WELCOME;
    cmd.welcome = &welcome;

    if (frame_writer_put(w, &cmd.base, 1 << 20) != 0) {
        abort();
    }
}


static void
test_round_trip(void)
{
    struct frame_writer    w;
    struct frame_reader    r;
    const uint8_t         *payload;
    size_t                 len;
    Judge__MasterCommand  *cmd;

    frame_writer_init(&w);
    frame_reader_init(&r, 1 << 20);
    put_welcome(&w, "w1", 1500);

    is_int(frame_writer_data(&w)[0], 0, "length prefix is big-endian (high)");
    is_int(frame_writer_pending(&w),
           4 + (frame_writer_data(&w)[2] << 8 | frame_writer_data(&w)[3]),
           "prefix gives the payload length");

    frame_reader_feed(&r, frame_writer_data(&w), frame_writer_pending(&w));
    is_int(frame_reader_next(&r, &payload, &len), FRAME_OK,
           "a whole frame decodes");

    cmd = message_decode(payload, len);
    ok(cmd != NULL, "payload is a MasterCommand");
    is_int(cmd->body_case, JUDGE__MASTER_COMMAND__BODY_WELCOME, "Welcome");
    is_str(cmd->welcome->worker_id, "w1", "worker_id survives");
    is_int(cmd->welcome->heartbeat_interval_ms, 1500, "interval survives");
    message_free(cmd);

    is_int(frame_reader_next(&r, &payload, &len), FRAME_MORE,
           "nothing after the only frame");

    frame_reader_free(&r);
    frame_writer_free(&w);
}


static void
test_byte_by_byte(void)
{
    struct frame_writer   w;
    struct frame_reader   r;
    const uint8_t        *payload;
    size_t                len, i, total, frames;
    int                   early;

    frame_writer_init(&w);
    frame_reader_init(&r, 1 << 20);
    put_welcome(&w, "first", 1);
    put_welcome(&w, "second", 2);
    put_welcome(&w, "third", 3);

    total = frame_writer_pending(&w);
    frames = 0;
    early = 0;

    for (i = 0; i < total; i++) {
        frame_reader_feed(&r, frame_writer_data(&w) + i, 1);

        while (frame_reader_next(&r, &payload, &len) == FRAME_OK) {
            frames++;
            if (i + 1 < total && frames == 3) {
                early = 1;
            }
        }
    }

    is_int(frames, 3, "three frames fed one byte at a time give three");
    ok(!early, "the last frame is not complete before its last byte");

    frame_reader_free(&r);
    frame_writer_free(&w);
}


static void
test_several_per_read(void)
{
    struct frame_writer    w;
    struct frame_reader    r;
    const uint8_t         *payload;
    size_t                 len;
    Judge__MasterCommand  *cmd;
    uint32_t               n;

    frame_writer_init(&w);
    frame_reader_init(&r, 1 << 20);

    for (n = 1; n <= 5; n++) {
        put_welcome(&w, "x", n);
    }

    /* one read with 5 frames and the first half of a 6th */
    put_welcome(&w, "sixth", 6);
    frame_reader_feed(&r, frame_writer_data(&w), frame_writer_pending(&w) - 3);

    for (n = 1; frame_reader_next(&r, &payload, &len) == FRAME_OK; n++) {
        cmd = message_decode(payload, len);
        if (cmd == NULL || cmd->welcome->heartbeat_interval_ms != n) {
            break;
        }
        message_free(cmd);
    }

    is_int(n, 6, "five whole frames from one read, in order");

    frame_reader_feed(&r, frame_writer_data(&w) + frame_writer_pending(&w) - 3,
                      3);
    is_int(frame_reader_next(&r, &payload, &len), FRAME_OK,
           "the split frame completes with the next read");

    cmd = message_decode(payload, len);
    is_str(cmd ? cmd->welcome->worker_id : NULL, "sixth", "and is intact");
    message_free(cmd);

    frame_reader_free(&r);
    frame_writer_free(&w);
}


static void
test_limits(void)
{
    struct frame_reader   r;
    struct frame_writer   w;
    const uint8_t        *payload;
    size_t                len;
    uint8_t               big[4] = { 0x00, 0x01, 0x00, 0x01 };   /* 65537 */
    uint8_t               empty[4] = { 0, 0, 0, 0 };
    uint8_t               junk[7] = { 0, 0, 0, 3, 0xff, 0xff, 0xff };
    Judge__MasterCommand *cmd;

    frame_reader_init(&r, 65536);
    frame_reader_feed(&r, big, 4);
    is_int(frame_reader_next(&r, &payload, &len), FRAME_TOO_BIG,
           "a frame over the limit is refused from its prefix alone");
    is_int(frame_reader_pending_length(&r), 65537,
           "the refused length can be logged");
    frame_reader_free(&r);

    frame_reader_init(&r, 65536);
    big[1] = 0x00;
    big[2] = 0x00;
    frame_reader_feed(&r, big, 3);
    is_int(frame_reader_next(&r, &payload, &len), FRAME_MORE,
           "three bytes of prefix are not enough to judge");
    frame_reader_free(&r);

    frame_reader_init(&r, 65536);
    frame_reader_feed(&r, empty, 4);
    is_int(frame_reader_next(&r, &payload, &len), FRAME_OK,
           "an empty frame is a frame");
    is_int(len, 0, "of length 0");
    cmd = message_decode(payload, len);
    ok(cmd != NULL && cmd->body_case == JUDGE__MASTER_COMMAND__BODY__NOT_SET,
       "an empty message decodes with no body (ignored, not fatal)");
    message_free(cmd);

    frame_reader_feed(&r, junk, sizeof(junk));
    is_int(frame_reader_next(&r, &payload, &len), FRAME_OK,
           "a garbage payload is still framed");
    ok(message_decode(payload, len) == NULL, "but does not decode");
    frame_reader_free(&r);

    frame_writer_init(&w);
    errno = 0;
    ok(frame_writer_put_packed(&w, junk, sizeof(junk), 4) == -1
       && errno == EMSGSIZE, "the writer refuses a frame over the peer's "
       "limit");
    is_int(frame_writer_pending(&w), 0, "and queues nothing");

    frame_writer_put_packed(&w, junk, sizeof(junk), 1024);
    frame_writer_consume(&w, 8);
    frame_writer_put_packed(&w, junk, 2, 1024);
    is_int(frame_writer_pending(&w), 4 + 7 - 8 + 4 + 2,
           "partly written queue keeps the unwritten bytes in order");
    is_int(frame_writer_data(&w)[0], 0xff, "starting where the write "
           "stopped");
    frame_writer_free(&w);
}


int
main(void)
{
    test_round_trip();
    test_byte_by_byte();
    test_several_per_read();
    test_limits();

    return done_testing();
}
