/*
 * The connection to the master: TCP, optional TLS (OpenSSL, server
 * verified), the HTTP/1.1 upgrade to "judge/1", then a non-blocking byte
 * stream for the frame codec.
 */

#ifndef JUDGE_WORKER_CONN_H
#define JUDGE_WORKER_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "url.h"


#define CONN_AGAIN        (-2)      /* would block: poll for c->*_wait */
#define CONN_HEADER_MAX   8192


struct conn {
    int        fd;
    SSL       *ssl;
    short      read_wait;           /* poll events a blocked read needs */
    short      write_wait;          /* poll events a blocked write needs */
    int        http_status;         /* of the upgrade answer, 0 if none */
    bool       aborted;             /* gave up because abort_fd fired */

    /* bytes that came with the 101 answer: the first frames */
    uint8_t   *readahead;
    size_t     readahead_len;
    size_t     readahead_off;

    char       err[512];            /* why the last call failed */
};

struct conn_request {
    const struct url  *url;
    const char        *token;
    const char        *worker_id;
    SSL_CTX           *tls;         /* NULL for http:// */
    bool               verify;      /* check the certificate and name */
    int64_t            deadline;    /* now_ms() value for the whole dial */
    int                abort_fd;    /* readable: give up (pending signal) */
};


SSL_CTX *conn_tls_context(const char *ca_file, bool verify, char *err,
                          size_t errlen);
void     conn_init(struct conn *c);
int      conn_open(struct conn *c, const struct conn_request *req);
int      conn_keepalive(struct conn *c, uint32_t interval_ms);
ssize_t  conn_read(struct conn *c, void *buf, size_t len);
ssize_t  conn_write(struct conn *c, const void *buf, size_t len);
void     conn_close(struct conn *c);


#endif /* JUDGE_WORKER_CONN_H */
