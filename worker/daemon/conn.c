/*
 * Dialling the master.  conn_open() goes from a URL to an upgraded stream
 * in one call, each step bounded by the request's deadline and abandoned
 * as soon as "abort_fd" turns readable (a signal is waiting), so a worker
 * being stopped never hangs in connect() or a TLS handshake.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "conn.h"
#include "util.h"


/*
 * Builds the TLS client context shared by every connection: TLS 1.2 or
 * newer, peer verification against "ca_file" (or the system store) unless
 * "verify" is false.  Returns NULL with the reason in "err".
 */
SSL_CTX *
conn_tls_context(const char *ca_file, bool verify, char *err, size_t errlen)
{
    SSL_CTX  *ctx;
    int       ok;

    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        snprintf(err, errlen, "SSL_CTX_new() failed: %s",
                 ERR_reason_error_string(ERR_get_error()));
        return NULL;
    }

    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
        snprintf(err, errlen, "cannot require TLS 1.2");
        SSL_CTX_free(ctx);
        return NULL;
    }

    /* frames go out of a buffer that may move and be written piecemeal */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                          | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
    /* nginx may close without close_notify; frames are length-prefixed,
     * so a cut stream is noticed anyway */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif

    if (!verify) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        return ctx;
    }

    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    if (ca_file != NULL) {
        ok = SSL_CTX_load_verify_locations(ctx, ca_file, NULL);
    } else {
        ok = SSL_CTX_set_default_verify_paths(ctx);
    }

    if (ok != 1) {
        snprintf(err, errlen, "cannot load CA certificates from %s: %s",
                 ca_file ? ca_file : "the system store",
                 ERR_reason_error_string(ERR_get_error()));
        SSL_CTX_free(ctx);
        return NULL;
    }

    return ctx;
}


/*
 * An unconnected connection, safe to conn_close().
 */
void
conn_init(struct conn *c)
{
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    c->read_wait = POLLIN;
    c->write_wait = POLLOUT;
}


/*
 * Waits until the socket is ready for "events", the deadline passes or
 * "abort_fd" becomes readable.  Returns 0 when ready, -1 with c->err set.
 */
static int
conn_wait(struct conn *c, short events, int64_t deadline, int abort_fd,
          const char *doing)
{
    struct pollfd  pfd[2];
    int64_t        left;
    int            n;
    nfds_t         nfds;

    pfd[0].fd = c->fd;
    pfd[0].events = events;
    pfd[1].fd = abort_fd;
    pfd[1].events = POLLIN;
    nfds = abort_fd >= 0 ? 2 : 1;

    for ( ;; ) {
        left = deadline - now_ms();
        if (left <= 0) {
            snprintf(c->err, sizeof(c->err), "%s: timed out", doing);
            return -1;
        }

        n = poll(pfd, nfds, left > INT_MAX ? INT_MAX : (int) left);

        if (n == -1) {
            if (errno == EINTR) {
                continue;
            }
            snprintf(c->err, sizeof(c->err), "%s: poll() failed: %s", doing,
                     strerror(errno));
            return -1;
        }

        if (nfds == 2 && pfd[1].revents != 0) {
            c->aborted = true;
            snprintf(c->err, sizeof(c->err), "%s: interrupted by a signal",
                     doing);
            return -1;
        }

        if (n > 0) {
            return 0;
        }
    }
}


/*
 * Connects a non-blocking socket to "ai" before the deadline.
 */
static int
conn_connect_one(struct conn *c, const struct addrinfo *ai,
                 const struct conn_request *req)
{
    char       addr[INET6_ADDRSTRLEN + 8];
    int        fd, soerr, one;
    socklen_t  len;
    void      *in;

    if (ai->ai_family == AF_INET6) {
        in = &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr;
    } else {
        in = &((struct sockaddr_in *) ai->ai_addr)->sin_addr;
    }

    if (inet_ntop(ai->ai_family, in, addr, sizeof(addr)) == NULL) {
        snprintf(addr, sizeof(addr), "?");
    }

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                ai->ai_protocol);
    if (fd == -1) {
        snprintf(c->err, sizeof(c->err), "socket() failed: %s",
                 strerror(errno));
        return -1;
    }

    c->fd = fd;

    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
        if (errno != EINPROGRESS) {
            snprintf(c->err, sizeof(c->err), "connect() to %s port %s "
                     "failed: %s", addr, req->url->port, strerror(errno));
            goto failed;
        }

        if (conn_wait(c, POLLOUT, req->deadline, req->abort_fd,
                      "connect()") != 0)
        {
            goto failed;
        }

        len = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1) {
            snprintf(c->err, sizeof(c->err), "getsockopt(SO_ERROR) "
                     "failed: %s", strerror(errno));
            goto failed;
        }

        if (soerr != 0) {
            snprintf(c->err, sizeof(c->err), "connect() to %s port %s "
                     "failed: %s", addr, req->url->port, strerror(soerr));
            goto failed;
        }
    }

    /* frames are small and a heartbeat should not wait for Nagle */
    one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1) {
        snprintf(c->err, sizeof(c->err), "setsockopt(TCP_NODELAY) failed: %s",
                 strerror(errno));
        goto failed;
    }

    return 0;

failed:

    (void) close(fd);
    c->fd = -1;

    return -1;
}


/*
 * Resolves the master's host and tries its addresses in order until one
 * connects.  c->err keeps the last failure.
 */
static int
conn_connect(struct conn *c, const struct conn_request *req)
{
    struct addrinfo   hints, *res, *ai;
    int               rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;

    rc = getaddrinfo(req->url->host, req->url->port, &hints, &res);
    if (rc != 0) {
        snprintf(c->err, sizeof(c->err), "cannot resolve \"%s\": %s",
                 req->url->host,
                 rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return -1;
    }

    rc = -1;

    for (ai = res; ai != NULL; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) {
            continue;
        }

        rc = conn_connect_one(c, ai, req);
        if (rc == 0 || now_ms() >= req->deadline) {
            break;
        }
    }

    freeaddrinfo(res);

    if (rc != 0 && c->err[0] == '\0') {
        snprintf(c->err, sizeof(c->err), "\"%s\" has no IPv4 or IPv6 address",
                 req->url->host);
    }

    return rc;
}


/*
 * Describes the OpenSSL failure behind "ssl_error" for the log, including
 * certificate verification failures.
 */
static void
conn_tls_error(struct conn *c, int ssl_error, const char *doing)
{
    unsigned long  e;
    long           verify;
    char           reason[256];

    e = ERR_peek_error();

    if (c->ssl != NULL && ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED)
    {
        verify = SSL_get_verify_result(c->ssl);
        snprintf(c->err, sizeof(c->err), "%s: certificate verification "
                 "failed: %s", doing, X509_verify_cert_error_string(verify));

    } else if (e != 0) {
        ERR_error_string_n(e, reason, sizeof(reason));
        snprintf(c->err, sizeof(c->err), "%s: %s", doing, reason);

    } else if (ssl_error == SSL_ERROR_SYSCALL && errno != 0) {
        snprintf(c->err, sizeof(c->err), "%s: %s", doing, strerror(errno));

    } else {
        snprintf(c->err, sizeof(c->err), "%s: connection closed by the "
                 "master", doing);
    }

    ERR_clear_error();
}


/*
 * TLS handshake: SNI for host names (never for address literals, RFC
 * 6066), and the certificate checked against the host name or address.
 */
static int
conn_tls_handshake(struct conn *c, const struct conn_request *req)
{
    unsigned char  addr[sizeof(struct in6_addr)];
    bool           literal;
    int            rc, e;

    c->ssl = SSL_new(req->tls);
    if (c->ssl == NULL) {
        conn_tls_error(c, SSL_ERROR_SSL, "SSL_new()");
        return -1;
    }

    if (SSL_set_fd(c->ssl, c->fd) != 1) {
        conn_tls_error(c, SSL_ERROR_SSL, "SSL_set_fd()");
        return -1;
    }

    literal = inet_pton(AF_INET, req->url->host, addr) == 1
              || inet_pton(AF_INET6, req->url->host, addr) == 1;

    if (!literal && SSL_set_tlsext_host_name(c->ssl, req->url->host) != 1) {
        conn_tls_error(c, SSL_ERROR_SSL, "setting SNI");
        return -1;
    }

    if (req->verify && SSL_set1_host(c->ssl, req->url->host) != 1) {
        conn_tls_error(c, SSL_ERROR_SSL, "setting the expected host name");
        return -1;
    }

    for ( ;; ) {
        ERR_clear_error();
        errno = 0;

        rc = SSL_connect(c->ssl);
        if (rc == 1) {
            return 0;
        }

        e = SSL_get_error(c->ssl, rc);

        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (conn_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                          req->deadline, req->abort_fd, "TLS handshake") != 0)
            {
                return -1;
            }
            continue;
        }

        conn_tls_error(c, e, "TLS handshake");
        return -1;
    }
}


/*
 * Writes all of "buf" before the deadline.
 */
static int
conn_write_all(struct conn *c, const char *buf, size_t len,
               const struct conn_request *req)
{
    ssize_t  n;

    while (len > 0) {
        n = conn_write(c, buf, len);

        if (n == CONN_AGAIN) {
            if (conn_wait(c, c->write_wait, req->deadline, req->abort_fd,
                          "sending the upgrade request") != 0)
            {
                return -1;
            }
            continue;
        }

        if (n < 0) {
            return -1;
        }

        buf += n;
        len -= (size_t) n;
    }

    return 0;
}


/*
 * Reads at least one more byte into "buf" (holding "*len" of "cap") before
 * the deadline.  Returns 0, or -1 with c->err set (EOF included).
 */
static int
conn_read_some(struct conn *c, char *buf, size_t *len, size_t cap,
               const struct conn_request *req, const char *doing)
{
    ssize_t  n;

    for ( ;; ) {
        n = conn_read(c, buf + *len, cap - *len);

        if (n == CONN_AGAIN) {
            if (conn_wait(c, c->read_wait, req->deadline, req->abort_fd,
                          doing) != 0)
            {
                return -1;
            }
            continue;
        }

        if (n == 0) {
            snprintf(c->err, sizeof(c->err), "%s: connection closed by the "
                     "master", doing);
            return -1;
        }

        if (n < 0) {
            return -1;
        }

        *len += (size_t) n;
        return 0;
    }
}


/*
 * Finds header "name" in the header block "head" (lines separated by
 * CRLF, NUL-terminated) and copies its trimmed value to "value".
 */
static bool
http_header(const char *head, const char *name, char *value, size_t len)
{
    const char  *line, *p;
    size_t       name_len, n;

    name_len = strlen(name);

    for (line = strstr(head, "\r\n"); line != NULL;
         line = strstr(line, "\r\n"))
    {
        line += 2;

        if (strncasecmp(line, name, name_len) != 0 || line[name_len] != ':') {
            continue;
        }

        p = line + name_len + 1;
        p += strspn(p, " \t");
        n = strcspn(p, "\r\n");

        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
            n--;
        }

        snprintf(value, len, "%.*s", (int) n, p);
        return true;
    }

    return false;
}


/*
 * Reads the rest of a refusal's body (bounded, for the log; JSON from the
 * module) and puts status line and body into c->err.
 */
static void
conn_refused(struct conn *c, char *buf, size_t head_len, size_t len,
             size_t cap, const struct conn_request *req)
{
    char           value[32], *body, saved;
    unsigned long  want;
    size_t         status_len;

    /* without a length (chunked, or close-delimited) log what came along
     * rather than wait for more */
    want = len - head_len;

    saved = buf[head_len - 2];
    buf[head_len - 2] = '\0';

    if (http_header(buf, "Content-Length", value, sizeof(value))) {
        want = strtoul(value, NULL, 10);
    }

    buf[head_len - 2] = saved;

    if (want > 1024) {
        want = 1024;
    }

    while (len - head_len < want && len < cap - 1) {
        if (conn_read_some(c, buf, &len, cap - 1, req, "reading the "
                           "refusal") != 0)
        {
            break;
        }
    }

    buf[len] = '\0';
    body = buf + head_len;
    if (strlen(body) > want) {
        body[want] = '\0';
    }

    status_len = strcspn(buf, "\r\n");
    snprintf(c->err, sizeof(c->err), "upgrade refused: %.*s%s%s",
             (int) status_len, buf, *body ? ": " : "", str_trim(body));
}


/*
 * Sends the upgrade request and reads the answer.  On 101 (with
 * "Upgrade: judge/1") whatever followed the header block is kept as
 * readahead: frames the master already sent.  Any other answer fails with
 * the status line and body in c->err.
 */
static int
conn_upgrade(struct conn *c, const struct conn_request *req)
{
    char    buf[CONN_HEADER_MAX + 1], value[64], *end;
    int     n;
    size_t  len, head_len;

    n = snprintf(buf, sizeof(buf),
                 "GET %s HTTP/1.1\r\n"
                 "Host: %s\r\n"
                 "Connection: Upgrade\r\n"
                 "Upgrade: judge/1\r\n"
                 "Authorization: Bearer %s\r\n"
                 "X-Judge-Worker-Id: %s\r\n"
                 "\r\n",
                 req->url->path, req->url->host_header, req->token,
                 req->worker_id);

    if (n < 0 || (size_t) n >= sizeof(buf)) {
        snprintf(c->err, sizeof(c->err), "upgrade request too long");
        return -1;
    }

    if (conn_write_all(c, buf, (size_t) n, req) != 0) {
        return -1;
    }

    len = 0;
    end = NULL;

    while (end == NULL) {
        if (len == CONN_HEADER_MAX) {
            snprintf(c->err, sizeof(c->err), "upgrade answer: header block "
                     "larger than %d bytes", CONN_HEADER_MAX);
            return -1;
        }

        if (conn_read_some(c, buf, &len, CONN_HEADER_MAX, req,
                           "reading the upgrade answer") != 0)
        {
            return -1;
        }

        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }

    head_len = (size_t) (end + 4 - buf);

    if (strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' '
        || sscanf(buf + 9, "%3d", &c->http_status) != 1)
    {
        snprintf(c->err, sizeof(c->err), "upgrade answer is not HTTP: "
                 "\"%.*s\"", (int) strcspn(buf, "\r\n"), buf);
        return -1;
    }

    if (c->http_status != 101) {
        conn_refused(c, buf, head_len, len, sizeof(buf), req);
        return -1;
    }

    end[2] = '\0';      /* confine header look-ups to the header block */

    if (!http_header(buf, "Upgrade", value, sizeof(value))
        || strcasecmp(value, "judge/1") != 0)
    {
        snprintf(c->err, sizeof(c->err), "101 answer without "
                 "\"Upgrade: judge/1\"");
        return -1;
    }

    if (len > head_len) {
        c->readahead = malloc(len - head_len);
        if (c->readahead == NULL) {
            snprintf(c->err, sizeof(c->err), "out of memory");
            return -1;
        }

        memcpy(c->readahead, buf + head_len, len - head_len);
        c->readahead_len = len - head_len;
        c->readahead_off = 0;
    }

    return 0;
}


/*
 * Dials the master and upgrades the connection: resolve, connect, TLS for
 * https://, upgrade request, 101.  Returns 0 with an open stream, or -1
 * with c->err saying what failed (and c->http_status when the master
 * answered something other than 101); the connection is then closed.
 */
int
conn_open(struct conn *c, const struct conn_request *req)
{
    conn_init(c);

    if (conn_connect(c, req) != 0) {
        goto failed;
    }

    if (req->tls != NULL && conn_tls_handshake(c, req) != 0) {
        goto failed;
    }

    if (conn_upgrade(c, req) != 0) {
        goto failed;
    }

    return 0;

failed:

    conn_close(c);
    return -1;
}


/*
 * Liveness without inbound traffic (the master only speaks when it has
 * work): keepalive probes on an idle link, and TCP_USER_TIMEOUT so that
 * heartbeats left unacknowledged for three intervals fail the connection.
 */
int
conn_keepalive(struct conn *c, uint32_t interval_ms)
{
    int           on, idle, intvl, cnt;
    unsigned int  user_timeout;

    on = 1;
    intvl = (int) ((interval_ms + 999) / 1000);
    idle = 3 * intvl;
    cnt = 3;
    user_timeout = 3 * interval_ms < 5000 ? 5000 : 3 * interval_ms;

    if (setsockopt(c->fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == -1
        || setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle))
           == -1
        || setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
                      sizeof(intvl)) == -1
        || setsockopt(c->fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt))
           == -1
        || setsockopt(c->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
                      sizeof(user_timeout)) == -1)
    {
        snprintf(c->err, sizeof(c->err), "setting TCP keepalive failed: %s",
                 strerror(errno));
        return -1;
    }

    return 0;
}


/*
 * Reads what is available.  Returns the byte count, 0 at end of stream,
 * CONN_AGAIN when nothing is ready (poll for c->read_wait), or -1 with
 * c->err set.
 */
ssize_t
conn_read(struct conn *c, void *buf, size_t len)
{
    ssize_t  n;
    int      rc, e;

    if (c->readahead_off < c->readahead_len) {
        n = (ssize_t) (c->readahead_len - c->readahead_off);
        if ((size_t) n > len) {
            n = (ssize_t) len;
        }

        memcpy(buf, c->readahead + c->readahead_off, (size_t) n);
        c->readahead_off += (size_t) n;

        return n;
    }

    if (c->ssl == NULL) {
        n = recv(c->fd, buf, len, 0);

        if (n >= 0) {
            return n;
        }

        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            c->read_wait = POLLIN;
            return CONN_AGAIN;
        }

        snprintf(c->err, sizeof(c->err), "recv() failed: %s",
                 strerror(errno));
        return -1;
    }

    ERR_clear_error();
    errno = 0;

    rc = SSL_read(c->ssl, buf, len > INT_MAX ? INT_MAX : (int) len);
    if (rc > 0) {
        return rc;
    }

    e = SSL_get_error(c->ssl, rc);

    switch (e) {
    case SSL_ERROR_WANT_READ:
        c->read_wait = POLLIN;
        return CONN_AGAIN;

    case SSL_ERROR_WANT_WRITE:
        c->read_wait = POLLOUT;
        return CONN_AGAIN;

    case SSL_ERROR_ZERO_RETURN:
        return 0;

    case SSL_ERROR_SYSCALL:
        if (errno == 0) {
            return 0;
        }
        /* fall through */

    default:
        conn_tls_error(c, e, "SSL_read()");
        return -1;
    }
}


/*
 * Writes what the socket takes now.  Returns the byte count, CONN_AGAIN
 * (poll for c->write_wait, then call again with the same bytes first), or
 * -1 with c->err set.
 */
ssize_t
conn_write(struct conn *c, const void *buf, size_t len)
{
    ssize_t  n;
    int      rc, e;

    if (c->ssl == NULL) {
        n = send(c->fd, buf, len, MSG_NOSIGNAL);

        if (n >= 0) {
            return n;
        }

        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            c->write_wait = POLLOUT;
            return CONN_AGAIN;
        }

        snprintf(c->err, sizeof(c->err), "send() failed: %s",
                 strerror(errno));
        return -1;
    }

    ERR_clear_error();
    errno = 0;

    rc = SSL_write(c->ssl, buf, len > INT_MAX ? INT_MAX : (int) len);
    if (rc > 0) {
        return rc;
    }

    e = SSL_get_error(c->ssl, rc);

    switch (e) {
    case SSL_ERROR_WANT_WRITE:
        c->write_wait = POLLOUT;
        return CONN_AGAIN;

    case SSL_ERROR_WANT_READ:
        c->write_wait = POLLIN;
        return CONN_AGAIN;

    default:
        conn_tls_error(c, e, "SSL_write()");
        return -1;
    }
}


/*
 * Closes the stream.  A TLS close_notify is attempted once, without
 * waiting: the master treats a plain close the same.
 */
void
conn_close(struct conn *c)
{
    if (c->ssl != NULL) {
        ERR_clear_error();
        (void) SSL_shutdown(c->ssl);
        ERR_clear_error();
        SSL_free(c->ssl);
        c->ssl = NULL;
    }

    if (c->fd != -1) {
        (void) close(c->fd);
        c->fd = -1;
    }

    free(c->readahead);
    c->readahead = NULL;
    c->readahead_len = 0;
    c->readahead_off = 0;
}
