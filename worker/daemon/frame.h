/*
 * The stream's framing: a 4-byte big-endian length, then that many bytes
 * holding one protobuf message.  The reader collects bytes as they come
 * (partial frames, several frames per read) and hands out whole payloads;
 * the writer queues encoded frames until the socket takes them.
 */

#ifndef JUDGE_WORKER_FRAME_H
#define JUDGE_WORKER_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>


#define FRAME_HEADER_SIZE  4


enum frame_status {
    FRAME_OK,           /* a whole payload is available */
    FRAME_MORE,         /* need more bytes */
    FRAME_TOO_BIG,      /* declared length exceeds the limit */
    FRAME_NO_MEMORY
};

struct frame_reader {
    uint8_t  *buf;
    size_t    start;        /* first unconsumed byte */
    size_t    len;          /* end of the buffered bytes */
    size_t    cap;
    size_t    max_frame;    /* largest payload accepted */
};

struct frame_writer {
    uint8_t  *buf;
    size_t    start;        /* first byte not yet written to the socket */
    size_t    len;
    size_t    cap;
};


void              frame_reader_init(struct frame_reader *r, size_t max_frame);
void              frame_reader_free(struct frame_reader *r);
enum frame_status frame_reader_feed(struct frame_reader *r,
                                    const uint8_t *data, size_t len);
enum frame_status frame_reader_next(struct frame_reader *r,
                                    const uint8_t **payload, size_t *len);
size_t            frame_reader_pending_length(const struct frame_reader *r);

void   frame_writer_init(struct frame_writer *w);
void   frame_writer_free(struct frame_writer *w);
int    frame_writer_put(struct frame_writer *w, const ProtobufCMessage *msg,
                        size_t max_frame);
int    frame_writer_put_packed(struct frame_writer *w, const uint8_t *payload,
                               size_t len, size_t max_frame);
size_t frame_writer_pending(const struct frame_writer *w);
const uint8_t *frame_writer_data(const struct frame_writer *w);
void   frame_writer_consume(struct frame_writer *w, size_t n);


#endif /* JUDGE_WORKER_FRAME_H */
