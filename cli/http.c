/*
 * The judge's API over libcurl.
 *
 * http_request() sends one request (a JSON body or none) and reads its
 * answer whole; http_events() reads a Server-Sent Events stream through
 * libcurl's multi interface, so that the caller gets a tick every 100 ms
 * whatever the judge sends (a spinner keeps turning) and Ctrl-C is seen
 * within one.  Both give up on Ctrl-C.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include <curl/curl.h>

#include "judge.h"
#include "version.h"


#define HTTP_ANSWER_MAX       (256 * 1024 * 1024)
#define HTTP_CONNECT_TIMEOUT  10L
#define HTTP_TIMEOUT          60L       /* but for ?wait=true */
#define HTTP_WAIT_SILENCE     600L      /* ?wait=true: the judge's hold is
                                           judge_wait_timeout, 60 s by
                                           default */
#define HTTP_STREAM_SILENCE   60L       /* the judge pings every 15 s */
#define HTTP_TICK_MS          100
#define SSE_LINE_MAX          (64 * 1024 * 1024)
#define HTTP_RETRIES          5         /* after a 429 or 503 */
#define HTTP_RETRY_MAX_S      30        /* the longest wait before one */
#define HTTP_RECONNECTS       10        /* of a ?wait=true GET, 1 s apart */

/* never through a proxy, unless NO_PROXY says otherwise */
#define HTTP_NO_PROXY         "localhost,127.0.0.0/8,::1"


typedef struct {
    char    *data;
    size_t   len;
    size_t   cap;
    int      too_big;
} buffer_t;


/* what http_request() keeps of an answer's headers */
typedef struct {
    long     retry_after;       /* seconds; -1 when not given */
} headers_t;


/* the Server-Sent Events parser's state (the WHATWG rules, minus ids) */
typedef struct {
    buffer_t        line;
    buffer_t        event;
    buffer_t        data;
    int             has_data;
    int             stopped;
    int             cr;         /* the last byte was a CR */
    CURL           *curl;
    long            status;     /* 0 until the headers are in */
    buffer_t        body;       /* the answer when it is not 200 */
    http_event_pt   on_event;
    void           *ctx;
} sse_t;


static int
buffer_add(buffer_t *b, const char *p, size_t n, size_t max)
{
    size_t   cap;
    char    *d;

    if (b->len + n > max) {
        b->too_big = 1;
        return -1;
    }
    if (b->len + n + 1 > b->cap) {
        cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        d = realloc(b->data, cap);
        if (d == NULL) {
            return -1;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}


static size_t
on_body(char *p, size_t size, size_t n, void *data)
{
    return buffer_add(data, p, size * n, HTTP_ANSWER_MAX) == 0 ? size * n
                                                                : 0;
}


/* the Retry-After of an answer (seconds; an HTTP date is not used) */
static size_t
on_header(char *p, size_t size, size_t n, void *data)
{
    headers_t  *h = data;
    size_t      len = size * n;
    char        value[32];

    if (len > 12 && len < 12 + sizeof(value)
        && strncasecmp(p, "Retry-After:", 12) == 0)
    {
        memcpy(value, p + 12, len - 12);
        value[len - 12] = '\0';
        h->retry_after = strtol(value, NULL, 10);
    }
    return len;
}


/* libcurl's progress callback: a non-zero return aborts the transfer */
static int
on_progress(void *data, curl_off_t dltotal, curl_off_t dlnow,
            curl_off_t ultotal, curl_off_t ulnow)
{
    (void) data; (void) dltotal; (void) dlnow; (void) ultotal; (void) ulnow;
    return judge_interrupted();
}


/*
 * A new handle for "method" "path" with the headers every call has; the
 * header list is returned in "headers" for the caller to free.
 */
static CURL *
http_handle(const judge_t *j, const char *method, const char *path,
            const char *accept, const char *body, const char *key,
            struct curl_slist **headers)
{
    CURL                *c;
    char                *url, *auth = NULL;
    size_t               len;
    struct curl_slist   *h = NULL, *t;

    c = curl_easy_init();
    if (c == NULL) {
        return NULL;
    }
    len = strlen(j->server) + strlen(path) + 1;
    url = malloc(len);
    if (url == NULL) {
        curl_easy_cleanup(c);
        return NULL;
    }
    snprintf(url, len, "%s%s", j->server, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    free(url);

    t = curl_slist_append(h, accept);
    h = t ? t : h;
    if (body != NULL) {
        t = curl_slist_append(h, "Content-Type: application/json");
        h = t ? t : h;
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }
    if (key != NULL) {
        auth = judge_format("Idempotency-Key: %s", key);
        t = auth ? curl_slist_append(h, auth) : NULL;
        h = t ? t : h;
        free(auth);
    }
    if (j->token != NULL) {
        auth = judge_format("Authorization: Bearer %s", j->token);
        t = auth ? curl_slist_append(h, auth) : NULL;
        h = t ? t : h;
        free(auth);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "GET") == 0 && body == NULL) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c, CURLOPT_USERAGENT, "judge/" JUDGE_WORKER_VERSION);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, HTTP_CONNECT_TIMEOUT);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (getenv("CURL_CA_BUNDLE") != NULL) {
        curl_easy_setopt(c, CURLOPT_CAINFO, getenv("CURL_CA_BUNDLE"));
    }
    if (getenv("NO_PROXY") == NULL && getenv("no_proxy") == NULL) {
        curl_easy_setopt(c, CURLOPT_NOPROXY, HTTP_NO_PROXY);
    }
    *headers = h;
    return c;
}


/*
 * The answer's JSON; an answer that is not JSON becomes an error object
 * whose message is its HTML title (a proxy's or nginx's own error page),
 * or else its first line.
 */
static json_t *
http_answer(long status, const buffer_t *b)
{
    json_t      *v;
    const char  *end, *title;
    char         msg[160];
    size_t       n;

    if (b->len == 0) {
        return status < 400 ? NULL
               : json_pack("{s:{s:s,s:s}}", "error", "code", "http_error",
                           "message", "the answer was empty");
    }
    v = json_loadb(b->data, b->len, JSON_ALLOW_NUL, NULL);
    if (v != NULL) {
        return v;
    }
    title = memmem(b->data, b->len, "<title>", 7);
    end = title ? memmem(title, b->len - (title - b->data), "</title>", 8)
                : NULL;
    if (end != NULL) {
        title += 7;
        n = end - title;
        snprintf(msg, sizeof(msg), "the answer is not JSON but a page: %.*s",
                 (int) (n > 100 ? 100 : n), title);
    } else {
        end = memchr(b->data, '\n', b->len);
        n = end ? (size_t) (end - b->data) : b->len;
        snprintf(msg, sizeof(msg), "the answer is not JSON: %.*s",
                 (int) (n > 100 ? 100 : n), b->data);
    }
    return json_pack("{s:{s:s,s:s}}", "error", "code", "not_json",
                     "message", msg);
}


/* why the judge could not be reached, with what to do about a certificate */
static void
http_unreachable(const judge_t *j, CURLcode rc, char *err, size_t errlen)
{
    snprintf(err, errlen, "cannot reach %s: %s%s", j->server,
             curl_easy_strerror(rc),
             rc == CURLE_PEER_FAILED_VERIFICATION
             || rc == CURLE_SSL_CACERT_BADFILE
             ? "; to trust the judge's CA: CURL_CA_BUNDLE=/path/to/ca.pem"
             : "");
}


/*
 * One request: "method" "path" with "body" (NULL: none) and the
 * Idempotency-Key "key" (NULL: none); the answer's status, JSON (NULL
 * when it had no body) and Retry-After.  Returns 0 when an answer came,
 * or -1 with why none did in "err" (the judge could not be reached,
 * Ctrl-C, a timeout).  A path with "wait=true" has no overall timeout:
 * the judge answers when the work is done.
 */
static int
http_once(const judge_t *j, const char *method, const char *path,
          json_t *body, const char *key, long *status, json_t **answer,
          headers_t *hd, CURLcode *result, char *err, size_t errlen)
{
    CURL                *c;
    CURLcode             rc;
    buffer_t             b;
    char                *text = NULL;
    struct curl_slist   *h = NULL;

    *answer = NULL;
    *status = 0;
    hd->retry_after = -1;
    memset(&b, 0, sizeof(b));
    if (body != NULL) {
        text = json_dumps(body, JSON_COMPACT);
        if (text == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    c = http_handle(j, method, path, "Accept: application/json", text, key,
                    &h);
    if (c == NULL) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, hd);
    if (strstr(path, "wait=true") == NULL) {
        curl_easy_setopt(c, CURLOPT_TIMEOUT, HTTP_TIMEOUT);
    } else {
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, HTTP_WAIT_SILENCE);
    }
    rc = curl_easy_perform(c);
    *result = rc;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(text);
    if (rc != CURLE_OK) {
        if (rc == CURLE_ABORTED_BY_CALLBACK) {
            snprintf(err, errlen, "interrupted");
        } else if (b.too_big) {
            snprintf(err, errlen, "the answer is larger than %d MiB",
                     HTTP_ANSWER_MAX >> 20);
        } else {
            http_unreachable(j, rc, err, errlen);
        }
        free(b.data);
        return -1;
    }
    *answer = http_answer(*status, &b);
    free(b.data);
    return 0;
}


/* sleeps "seconds", or less when Ctrl-C comes; 0, or -1 on Ctrl-C */
static int
http_pause(long seconds)
{
    struct timespec  ts = { 0, 100 * 1000 * 1000 };
    long             i;

    for (i = 0; i < seconds * 10; i++) {
        if (judge_interrupted()) {
            return -1;
        }
        nanosleep(&ts, NULL);
    }
    return judge_interrupted() ? -1 : 0;
}


/* 1 when a connection broke after the request may have been sent */
static int
http_lost(CURLcode result)
{
    return result == CURLE_GOT_NOTHING || result == CURLE_RECV_ERROR
           || result == CURLE_SEND_ERROR || result == CURLE_PARTIAL_FILE;
}


/*
 * Sends "method" "path" with "body" (NULL: none) and reads the answer:
 * its status and its JSON (NULL when it had no body).  Returns 0 when an
 * answer came, or -1 with why none did in "err" (the judge could not be
 * reached, Ctrl-C, a timeout).
 *
 * A judge that is busy (429, or 503 with a Retry-After: a full queue, no
 * free worker yet) is asked again after the time it names, up to 30 s,
 * five times at most.  A POST carries one Idempotency-Key for all its
 * tries, and a POST whose answer was lost (the connection broke after it
 * was sent) is sent again once with it, so a retry never makes a second
 * submission.  A GET with ?wait=true that cannot connect, or whose
 * connection broke (nginx restarting under a client that waits for an end
 * anyway), is tried again every second, for 10 s.
 */
int
http_request(const judge_t *j, const char *method, const char *path,
             json_t *body, long *status, json_t **answer, char *err,
             size_t errlen)
{
    headers_t       hd;
    CURLcode        result = CURLE_OK;
    unsigned char   raw[16];
    char            key[33], *k = NULL;
    int             try, rc, wait, reconnects = 0, lost = 0;
    size_t          i;
    const char     *code;

    if (strcmp(method, "POST") == 0
        && getrandom(raw, sizeof(raw), 0) == (ssize_t) sizeof(raw))
    {
        for (i = 0; i < sizeof(raw); i++) {
            snprintf(key + 2 * i, 3, "%02x", raw[i]);
        }
        k = key;
    }
    wait = strstr(path, "wait=true") != NULL;
    for (try = 0; ; ) {
        rc = http_once(j, method, path, body, k, status, answer, &hd,
                       &result, err, errlen);
        if (rc != 0 && k == NULL && wait
            && (result == CURLE_COULDNT_CONNECT || http_lost(result))
            && reconnects++ < HTTP_RECONNECTS)
        {
            if (http_pause(1) != 0) {
                snprintf(err, errlen, "interrupted");
                return -1;
            }
            continue;
        }
        if (rc != 0) {
            if (k == NULL || lost++ > 0 || judge_interrupted()
                || !http_lost(result))
            {
                return rc;
            }
            continue;
        }
        if ((*status != 429 && *status != 503) || hd.retry_after < 0
            || hd.retry_after > HTTP_RETRY_MAX_S || try == HTTP_RETRIES)
        {
            return 0;
        }
        code = json_string_value(json_object_get(json_object_get(*answer,
                                                                 "error"),
                                                 "code"));
        if (!j->quiet) {
            fprintf(stderr, "judge: the judge is busy (%ld %s); asking again "
                    "in %ld s\n", *status, code ? code : "", hd.retry_after);
        }
        json_decref(*answer);
        *answer = NULL;
        if (http_pause(hd.retry_after > 0 ? hd.retry_after : 1) != 0) {
            snprintf(err, errlen, "interrupted");
            return -1;
        }
        try++;
    }
}


/*
 * Whether the judge serves its web page (README "The web page") at the
 * server's root: a HEAD of "/" answered 200 with HTML within 2 s.
 */
int
http_serves_page(const judge_t *j)
{
    CURL                *c;
    CURLcode             rc;
    long                 status = 0;
    char                *type = NULL;
    int                  page;
    struct curl_slist   *h = NULL;

    c = http_handle(j, "HEAD", "/", "Accept: text/html", NULL, NULL, &h);
    if (c == NULL) {
        return 0;
    }
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 2L);
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    page = rc == CURLE_OK && status == 200 && type != NULL
           && strncasecmp(type, "text/html", 9) == 0;
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    return page;
}


/*
 * http_request() for a command: 0 with the JSON answer of a 2xx (an
 * object, or NULL when it had no body); the judge's error, a 2xx whose
 * body is not a JSON object, or why the judge could not be reached,
 * reported (judge_error) and JUDGE_EXIT_SERVER otherwise
 * (JUDGE_EXIT_INTERRUPTED on Ctrl-C).
 */
int
judge_api(const judge_t *j, const char *method, const char *path,
          json_t *body, json_t **answer)
{
    long         status = 0;
    char         err[512];
    const char  *code, *msg;
    json_t      *a;

    *answer = NULL;
    if (http_request(j, method, path, body, &status, &a, err, sizeof(err))
        != 0)
    {
        if (judge_interrupted()) {
            return JUDGE_EXIT_INTERRUPTED;
        }
        judge_error(j, "unreachable", "%s", err);
        return JUDGE_EXIT_SERVER;
    }
    if (status >= 200 && status < 300 && a != NULL
        && (!json_is_object(a) || json_object_get(a, "error") != NULL))
    {
        msg = json_string_value(json_object_get(json_object_get(a, "error"),
                                                "message"));
        judge_error(j, "bad_answer", "%s %s: %s (HTTP %ld)", method, path,
                    msg ? msg : "the answer is not a JSON object", status);
        json_decref(a);
        return JUDGE_EXIT_SERVER;
    }
    if (status >= 200 && status < 300) {
        *answer = a;
        return JUDGE_EXIT_OK;
    }
    code = json_string_value(json_object_get(json_object_get(a, "error"),
                                             "code"));
    msg = json_string_value(json_object_get(json_object_get(a, "error"),
                                            "message"));
    judge_error(j, code ? code : "http_error", "%s %s: %s (HTTP %ld)",
                method, path, msg ? msg : "failed", status);
    json_decref(a);
    return JUDGE_EXIT_SERVER;
}


/* 1 when a submission or an execution is still queued, compiling or
 * running */
int
judge_unfinished(json_t *job)
{
    const char  *status;

    status = json_string_value(json_object_get(job, "status"));
    return status != NULL && (strcmp(status, "QUEUED") == 0
                              || strcmp(status, "COMPILING") == 0
                              || strcmp(status, "RUNNING") == 0);
}


/*
 * judge_api() of a ?wait=true read, asked again until the job has ended:
 * the judge answers a job unfinished at its judge_wait_timeout.  An
 * unfinished answer that came within a second is asked again only a
 * second after the last ask, so a short judge_wait_timeout is not asked in
 * a busy loop.
 */
int
judge_wait(const judge_t *j, const char *path, json_t **answer)
{
    struct timespec  start, now;
    int              rc;
    long             ms;

    *answer = NULL;
    for ( ;; ) {
        clock_gettime(CLOCK_MONOTONIC, &start);
        rc = judge_api(j, "GET", path, NULL, answer);
        if (rc != 0 || !judge_unfinished(*answer)) {
            return rc;
        }
        json_decref(*answer);
        *answer = NULL;
        clock_gettime(CLOCK_MONOTONIC, &now);
        ms = (now.tv_sec - start.tv_sec) * 1000
             + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (ms < 1000 && http_pause(1) != 0) {
            return JUDGE_EXIT_INTERRUPTED;
        }
    }
}


/* one complete line of the stream */
static void
sse_line(sse_t *s, char *line, size_t len)
{
    char    *colon, *value;
    size_t   n;

    if (len == 0) {
        if (s->has_data && !s->stopped) {
            s->stopped = s->on_event(s->ctx, s->event.len ? s->event.data
                                                          : "message",
                                     s->data.data ? s->data.data : "",
                                     s->data.len);
        }
        s->event.len = 0;
        s->data.len = 0;
        s->has_data = 0;
        return;
    }
    if (line[0] == ':') {
        return;
    }
    colon = memchr(line, ':', len);
    n = colon ? (size_t) (colon - line) : len;
    value = colon ? colon + 1 : line + len;
    if (value < line + len && *value == ' ') {
        value++;
    }
    if (n == 5 && memcmp(line, "event", 5) == 0) {
        s->event.len = 0;
        buffer_add(&s->event, value, line + len - value, SSE_LINE_MAX);
    } else if (n == 4 && memcmp(line, "data", 4) == 0) {
        if (s->has_data) {
            buffer_add(&s->data, "\n", 1, SSE_LINE_MAX);
        }
        buffer_add(&s->data, value, line + len - value, SSE_LINE_MAX);
        s->has_data = 1;
    }
}


static size_t
on_stream(char *p, size_t size, size_t nmemb, void *data)
{
    sse_t   *s = data;
    size_t   n = size * nmemb, i, end;

    if (s->status == 0) {
        curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
    }
    if (s->status != 200) {
        return buffer_add(&s->body, p, n, HTTP_ANSWER_MAX) == 0 ? n : 0;
    }
    for (i = 0; i < n && !s->stopped; i = end) {
        if (p[i] == '\n' || p[i] == '\r') {
            if (!(p[i] == '\n' && s->cr)) {
                sse_line(s, s->line.data, s->line.len);
                s->line.len = 0;
            }
            s->cr = p[i] == '\r';
            end = i + 1;
            continue;
        }
        s->cr = 0;
        end = i;
        while (end < n && p[end] != '\n' && p[end] != '\r') {
            end++;
        }
        if (buffer_add(&s->line, p + i, end - i, SSE_LINE_MAX) != 0) {
            return 0;
        }
    }
    return n;
}


/*
 * Reads the Server-Sent Events at "path", calling "on_event" with each
 * event's name and data, and "on_tick" (may be NULL) every 100 ms.
 * Returns 0 when "on_event" returned non-zero (the caller has what it
 * waited for), 1 when the judge ended the stream first,
 * JUDGE_EXIT_INTERRUPTED on Ctrl-C, or -1 with why in "err" (the judge
 * could not be reached, or answered an error).
 */
int
http_events(const judge_t *j, const char *path, http_event_pt on_event,
            http_tick_pt on_tick, void *data, char *err, size_t errlen)
{
    CURLM               *m;
    CURLMsg             *msg;
    CURLcode             result = CURLE_OK;
    sse_t                s;
    struct curl_slist   *h = NULL;
    int                  running = 1, left, rc;
    json_t              *a;
    const char          *text;

    memset(&s, 0, sizeof(s));
    s.on_event = on_event;
    s.ctx = data;
    s.curl = http_handle(j, "GET", path, "Accept: text/event-stream", NULL,
                         NULL, &h);
    m = curl_multi_init();
    if (s.curl == NULL || m == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
        goto out;
    }
    curl_easy_setopt(s.curl, CURLOPT_WRITEFUNCTION, on_stream);
    curl_easy_setopt(s.curl, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(s.curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(s.curl, CURLOPT_LOW_SPEED_TIME, HTTP_STREAM_SILENCE);
    curl_multi_add_handle(m, s.curl);

    while (running && !s.stopped && !judge_interrupted()) {
        if (curl_multi_perform(m, &running) != CURLM_OK) {
            break;
        }
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            if (msg->msg == CURLMSG_DONE) {
                result = msg->data.result;
            }
        }
        if (running && !s.stopped) {
            curl_multi_poll(m, NULL, 0, HTTP_TICK_MS, NULL);
            if (on_tick != NULL) {
                on_tick(data);
            }
        }
    }

    if (s.stopped) {
        rc = 0;
    } else if (judge_interrupted()) {
        rc = JUDGE_EXIT_INTERRUPTED;
    } else if (s.status != 0 && s.status != 200) {
        a = http_answer(s.status, &s.body);
        text = json_string_value(json_object_get(json_object_get(a, "error"),
                                                 "message"));
        snprintf(err, errlen, "GET %s: %s (HTTP %ld)", path,
                 text ? text : "failed", s.status);
        json_decref(a);
        rc = -1;
    } else if (result != CURLE_OK && s.status == 200) {
        snprintf(err, errlen, "the stream broke: %s",
                 curl_easy_strerror(result));
        rc = -1;
    } else if (result != CURLE_OK) {
        http_unreachable(j, result, err, errlen);
        rc = -1;
    } else {
        rc = 1;
    }

out:
    if (m != NULL) {
        if (s.curl != NULL) {
            curl_multi_remove_handle(m, s.curl);
        }
        curl_multi_cleanup(m);
    }
    if (s.curl != NULL) {
        curl_easy_cleanup(s.curl);
    }
    curl_slist_free_all(h);
    free(s.line.data);
    free(s.event.data);
    free(s.data.data);
    free(s.body.data);
    return rc;
}


/* "s" escaped for a URL's path or query, in a new string */
char *
http_escape(const char *s)
{
    char  *e, *copy;

    e = curl_easy_escape(NULL, s, 0);
    if (e == NULL) {
        return NULL;
    }
    copy = strdup(e);
    curl_free(e);
    return copy;
}
