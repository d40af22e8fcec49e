/*
 * Frame codec: 4-byte big-endian length + payload, both directions.
 * No I/O here: the connection feeds bytes in and drains bytes out, which
 * keeps the codec testable byte by byte.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"


/*
 * Grows "*buf" (of capacity "*cap") to hold at least "need" bytes,
 * doubling to keep appends amortised.  Returns 0 or -1 on ENOMEM.
 */
static int
buffer_reserve(uint8_t **buf, size_t *cap, size_t need)
{
    size_t    cap_new;
    uint8_t  *buf_new;

    if (need <= *cap) {
        return 0;
    }

    cap_new = *cap ? *cap : 4096;
    while (cap_new < need) {
        if (cap_new > SIZE_MAX / 2) {
            cap_new = need;
            break;
        }
        cap_new *= 2;
    }

    buf_new = realloc(*buf, cap_new);
    if (buf_new == NULL) {
        errno = ENOMEM;
        return -1;
    }

    *buf = buf_new;
    *cap = cap_new;

    return 0;
}


/*
 * Drops the bytes before "*start" (consumed frames, or bytes the socket
 * took), moving the rest to the front, so that a buffer does not creep.
 */
static void
buffer_compact(uint8_t *buf, size_t *start, size_t *len)
{
    if (*start > 0) {
        memmove(buf, buf + *start, *len - *start);
        *len -= *start;
        *start = 0;
    }
}


/* The length prefix is in network byte order, whatever the host's. */
static uint32_t
get_be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
           | (uint32_t) p[2] << 8 | (uint32_t) p[3];
}


static void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}


/*
 * Prepares an empty reader that accepts payloads up to "max_frame" bytes.
 */
void
frame_reader_init(struct frame_reader *r, size_t max_frame)
{
    memset(r, 0, sizeof(*r));
    r->max_frame = max_frame;
}


/*
 * Frees the buffer; the reader is left empty.
 */
void
frame_reader_free(struct frame_reader *r)
{
    free(r->buf);
    memset(r, 0, sizeof(*r));
}


/*
 * Appends bytes read from the socket.  Consumed frames are dropped first,
 * so the buffer never holds more than one unfinished frame plus the bytes
 * of one read.  The payload last returned by frame_reader_next() is
 * invalid after this call.
 */
enum frame_status
frame_reader_feed(struct frame_reader *r, const uint8_t *data, size_t len)
{
    buffer_compact(r->buf, &r->start, &r->len);

    if (buffer_reserve(&r->buf, &r->cap, r->len + len) != 0) {
        return FRAME_NO_MEMORY;
    }

    memcpy(r->buf + r->len, data, len);
    r->len += len;

    return FRAME_OK;
}


/*
 * Hands out the next whole payload, which stays valid until the next
 * feed.  FRAME_TOO_BIG is reported as soon as the length prefix is in,
 * before the oversized body is buffered; the stream cannot be resynchronised
 * after that and must be closed.
 */
enum frame_status
frame_reader_next(struct frame_reader *r, const uint8_t **payload,
                  size_t *len)
{
    size_t    avail;
    uint32_t  frame_len;

    avail = r->len - r->start;

    if (avail < FRAME_HEADER_SIZE) {
        return FRAME_MORE;
    }

    frame_len = get_be32(r->buf + r->start);

    if (frame_len > r->max_frame) {
        return FRAME_TOO_BIG;
    }

    if (avail - FRAME_HEADER_SIZE < frame_len) {
        return FRAME_MORE;
    }

    *payload = r->buf + r->start + FRAME_HEADER_SIZE;
    *len = frame_len;
    r->start += FRAME_HEADER_SIZE + frame_len;

    return FRAME_OK;
}


/*
 * The length prefix of the frame waiting at the head of the buffer, or 0
 * when fewer than 4 bytes are buffered (for error messages).
 */
size_t
frame_reader_pending_length(const struct frame_reader *r)
{
    if (r->len - r->start < FRAME_HEADER_SIZE) {
        return 0;
    }

    return get_be32(r->buf + r->start);
}


/*
 * An empty output queue.
 */
void
frame_writer_init(struct frame_writer *w)
{
    memset(w, 0, sizeof(*w));
}


/*
 * Frees the queue, unsent bytes included.
 */
void
frame_writer_free(struct frame_writer *w)
{
    free(w->buf);
    memset(w, 0, sizeof(*w));
}


/*
 * Makes room for a frame of "size" payload bytes at the end of the queue,
 * writes its length prefix and returns where the payload goes.  Written
 * bytes are dropped first so the queue does not creep.  Refuses (EMSGSIZE)
 * a payload longer than "max_frame", the peer's limit, which would only
 * get the stream closed.  Returns NULL with errno set on failure.
 */
static uint8_t *
frame_writer_append(struct frame_writer *w, size_t size, size_t max_frame)
{
    uint8_t  *payload;

    if (size > max_frame || size > UINT32_MAX) {
        errno = EMSGSIZE;
        return NULL;
    }

    buffer_compact(w->buf, &w->start, &w->len);

    if (buffer_reserve(&w->buf, &w->cap, w->len + FRAME_HEADER_SIZE + size)
        != 0)
    {
        return NULL;
    }

    put_be32(w->buf + w->len, (uint32_t) size);
    payload = w->buf + w->len + FRAME_HEADER_SIZE;
    w->len += FRAME_HEADER_SIZE + size;

    return payload;
}


/*
 * Queues "msg" as one frame.  Returns 0 or -1 with errno set.
 */
int
frame_writer_put(struct frame_writer *w, const ProtobufCMessage *msg,
                 size_t max_frame)
{
    uint8_t  *payload;

    payload = frame_writer_append(w, protobuf_c_message_get_packed_size(msg),
                                  max_frame);
    if (payload == NULL) {
        return -1;
    }

    protobuf_c_message_pack(msg, payload);

    return 0;
}


/*
 * Queues a message packed elsewhere (by a task executor thread) as one
 * frame.  Returns 0 or -1 with errno set.
 */
int
frame_writer_put_packed(struct frame_writer *w, const uint8_t *payload,
                        size_t len, size_t max_frame)
{
    uint8_t  *dst;

    dst = frame_writer_append(w, len, max_frame);
    if (dst == NULL) {
        return -1;
    }

    if (len > 0) {
        memcpy(dst, payload, len);
    }

    return 0;
}


/* Bytes queued and not yet taken by the socket. */
size_t
frame_writer_pending(const struct frame_writer *w)
{
    return w->len - w->start;
}


/*
 * The first unsent byte, frame_writer_pending() bytes follow.
 */
const uint8_t *
frame_writer_data(const struct frame_writer *w)
{
    return w->buf + w->start;
}


/*
 * Marks "n" bytes as written; the caller passes what write() accepted.
 */
void
frame_writer_consume(struct frame_writer *w, size_t n)
{
    w->start += n;

    if (w->start == w->len) {
        w->start = 0;
        w->len = 0;
    }
}
