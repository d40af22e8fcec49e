/*
 * engine.c: the Docker Engine API calls the backend needs, over the
 * daemon's unix socket (CURLOPT_UNIX_SOCKET_PATH), bodies in JSON.
 *
 * Plain calls go through the engine's easy handle with a total timeout;
 * the attached stream of an exec goes through a multi handle, so that
 * the caller's tick (CPU and wall checks, kill requests) runs while the
 * program is quiet, and the stream's 8-byte frame headers are taken off
 * here (stream byte, three zeros, big-endian length).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "engine.h"


struct engine_s {
    CURL            *h;
    CURLM           *multi;
    char            *socket_path;
    unsigned         timeout_ms;
    long             status;        /* of the last plain call, 0: none */
    engine_times_t   times;
    char             err[256];
};


/* A response body being read. */
typedef struct {
    char            *data;
    size_t           len;
    size_t           cap;
} engine_buf_t;


/* The exec stream's demultiplexer. */
typedef struct {
    unsigned char    head[8];
    size_t           head_len;
    unsigned         stream;
    size_t           left;          /* of the current frame's payload */
    engine_frame_pt  frame;
    void            *data;
    int              stopped;
} engine_demux_t;


static uint64_t
engine_now_us(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}


engine_t *
engine_open(const char *socket_path, unsigned timeout_ms, char *err,
    size_t errlen)
{
    engine_t  *e;

    e = calloc(1, sizeof(*e));
    if (e == NULL) {
        snprintf(err, errlen, "out of memory for the engine client");
        return NULL;
    }
    e->h = curl_easy_init();
    e->multi = curl_multi_init();
    e->socket_path = strdup(socket_path);
    e->timeout_ms = timeout_ms;
    if (e->h == NULL || e->multi == NULL || e->socket_path == NULL) {
        snprintf(err, errlen, "cannot set up libcurl for the engine client");
        engine_close(e);
        return NULL;
    }
    return e;
}


void
engine_close(engine_t *e)
{
    if (e == NULL) {
        return;
    }
    if (e->h != NULL) {
        curl_easy_cleanup(e->h);
    }
    if (e->multi != NULL) {
        curl_multi_cleanup(e->multi);
    }
    free(e->socket_path);
    free(e);
}


const char *
engine_error(const engine_t *e)
{
    return e->err;
}


engine_times_t *
engine_times(engine_t *e)
{
    return &e->times;
}


static size_t
engine_buf_write(char *p, size_t size, size_t n, void *data)
{
    engine_buf_t  *b = data;
    size_t         len = size * n;
    char          *d;

    if (b->len + len + 1 > b->cap) {
        b->cap = (b->len + len + 1) * 2;
        d = realloc(b->data, b->cap);
        if (d == NULL) {
            return 0;
        }
        b->data = d;
    }
    memcpy(b->data + b->len, p, len);
    b->len += len;
    b->data[b->len] = '\0';
    return len;
}


/* Prepares the easy handle for one call of "method" on "path". */
static void
engine_setup(engine_t *e, const char *method, const char *path,
    struct curl_slist *headers, const char *body, long timeout_ms)
{
    char  url[1024];

    snprintf(url, sizeof(url), "http://docker" ENGINE_API "%s", path);
    curl_easy_reset(e->h);
    curl_easy_setopt(e->h, CURLOPT_UNIX_SOCKET_PATH, e->socket_path);
    curl_easy_setopt(e->h, CURLOPT_URL, url);
    curl_easy_setopt(e->h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(e->h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e->h, CURLOPT_CONNECTTIMEOUT_MS, (long) e->timeout_ms);
    if (timeout_ms > 0) {
        curl_easy_setopt(e->h, CURLOPT_TIMEOUT_MS, timeout_ms);
    }
    if (body != NULL) {
        curl_easy_setopt(e->h, CURLOPT_POSTFIELDS, body);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(e->h, CURLOPT_POSTFIELDS, "");
    }
}


/*
 * One call: "body" (JSON, or NULL) in, the status and the response's JSON
 * (when "out" is not NULL and there is one) back.  A status other than
 * "want" is an error carrying the daemon's message.
 */
static int
engine_call(engine_t *e, const char *method, const char *path, json_t *body,
    long want, json_t **out)
{
    struct curl_slist  *headers = NULL;
    engine_buf_t        b = { NULL, 0, 0 };
    json_error_t        jerr;
    json_t             *msg;
    char               *text = NULL;
    long                status = 0;
    CURLcode            rc;
    int                 ret = -1;

    if (out != NULL) {
        *out = NULL;
    }
    if (body != NULL) {
        text = json_dumps(body, JSON_COMPACT);
        if (text == NULL) {
            snprintf(e->err, sizeof(e->err), "%s %s: out of memory", method,
                     path);
            return -1;
        }
        headers = curl_slist_append(headers, "Content-Type: application/json");
    }

    engine_setup(e, method, path, headers, text, e->timeout_ms);
    curl_easy_setopt(e->h, CURLOPT_WRITEFUNCTION, engine_buf_write);
    curl_easy_setopt(e->h, CURLOPT_WRITEDATA, &b);

    e->status = 0;
    rc = curl_easy_perform(e->h);
    if (rc != CURLE_OK) {
        snprintf(e->err, sizeof(e->err), "%s %s: %s", method, path,
                 curl_easy_strerror(rc));
        goto done;
    }
    curl_easy_getinfo(e->h, CURLINFO_RESPONSE_CODE, &status);
    e->status = status;

    if (status != want) {
        msg = b.data != NULL ? json_loads(b.data, 0, &jerr) : NULL;
        snprintf(e->err, sizeof(e->err), "%s %s: HTTP %ld: %s", method, path,
                 status,
                 json_is_string(json_object_get(msg, "message"))
                 ? json_string_value(json_object_get(msg, "message"))
                 : "no message");
        json_decref(msg);
        goto done;
    }

    if (out != NULL && b.data != NULL) {
        *out = json_loads(b.data, 0, &jerr);
        if (*out == NULL) {
            snprintf(e->err, sizeof(e->err), "%s %s: bad JSON: %s", method,
                     path, jerr.text);
            goto done;
        }
    }
    ret = 0;

done:

    curl_slist_free_all(headers);
    free(text);
    free(b.data);
    return ret;
}


int
engine_version(engine_t *e, char *version, size_t size)
{
    json_t  *r;

    if (engine_call(e, "GET", "/version", NULL, 200, &r) < 0) {
        return -1;
    }
    snprintf(version, size, "%s",
             json_is_string(json_object_get(r, "Version"))
             ? json_string_value(json_object_get(r, "Version")) : "?");
    json_decref(r);
    return 0;
}


/* Copies the response's "Id" into id. */
static int
engine_take_id(engine_t *e, json_t *r, const char *what, char *id,
    size_t size)
{
    const char  *s = json_string_value(json_object_get(r, "Id"));

    if (s == NULL || strlen(s) >= size) {
        snprintf(e->err, sizeof(e->err), "%s: no id in the response", what);
        json_decref(r);
        return -1;
    }
    snprintf(id, size, "%s", s);
    json_decref(r);
    return 0;
}


int
engine_image_exists(engine_t *e, const char *image)
{
    char  path[600];

    snprintf(path, sizeof(path), "/images/%s/json", image);
    return engine_call(e, "GET", path, NULL, 200, NULL);
}


int
engine_create(engine_t *e, json_t *config, char *id, size_t size)
{
    json_t  *r;

    if (engine_call(e, "POST", "/containers/create", config, 201, &r) < 0) {
        return -1;
    }
    return engine_take_id(e, r, "container create", id, size);
}


int
engine_start(engine_t *e, const char *id)
{
    char  path[256];

    snprintf(path, sizeof(path), "/containers/%s/start", id);
    return engine_call(e, "POST", path, NULL, 204, NULL);
}


int
engine_inspect_pid(engine_t *e, const char *id, long *pid)
{
    json_t  *r;
    char     path[256];

    snprintf(path, sizeof(path), "/containers/%s/json", id);
    if (engine_call(e, "GET", path, NULL, 200, &r) < 0) {
        return -1;
    }
    *pid = (long) json_integer_value(
               json_object_get(json_object_get(r, "State"), "Pid"));
    json_decref(r);
    return 0;
}


int
engine_remove(engine_t *e, const char *id)
{
    char  path[256];

    snprintf(path, sizeof(path), "/containers/%s?force=1&v=1", id);
    if (engine_call(e, "DELETE", path, NULL, 204, NULL) < 0) {
        /* 404: gone already (docker rm -f), as wanted */
        return e->status == 404 ? 0 : -1;
    }
    return 0;
}


int
engine_list(engine_t *e, const char *label, char ***ids, size_t *n)
{
    json_t  *filters, *r, *c;
    char    *fj, *esc, path[1024];
    size_t   i;

    *ids = NULL;
    *n = 0;
    filters = json_pack("{s:[s]}", "label", label);
    fj = filters != NULL ? json_dumps(filters, JSON_COMPACT) : NULL;
    json_decref(filters);
    esc = fj != NULL ? curl_easy_escape(e->h, fj, 0) : NULL;
    free(fj);
    if (esc == NULL) {
        snprintf(e->err, sizeof(e->err), "listing containers: out of memory");
        return -1;
    }
    snprintf(path, sizeof(path), "/containers/json?all=1&filters=%s", esc);
    curl_free(esc);

    if (engine_call(e, "GET", path, NULL, 200, &r) < 0) {
        return -1;
    }
    if (!json_is_array(r)) {
        snprintf(e->err, sizeof(e->err), "listing containers: not an array");
        json_decref(r);
        return -1;
    }
    *ids = calloc(json_array_size(r) + 1, sizeof(char *));
    if (*ids == NULL) {
        json_decref(r);
        return -1;
    }
    json_array_foreach(r, i, c) {
        const char  *s = json_string_value(json_object_get(c, "Id"));

        if (s != NULL && ((*ids)[*n] = strdup(s)) != NULL) {
            (*n)++;
        }
    }
    json_decref(r);
    return 0;
}


void
engine_list_free(char **ids, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        free(ids[i]);
    }
    free(ids);
}


static json_t *
engine_strings(const char *const *v)
{
    json_t  *a = json_array();

    for (; v != NULL && *v != NULL && a != NULL; v++) {
        json_array_append_new(a, json_string(*v));
    }
    return a;
}


int
engine_exec_create(engine_t *e, const char *id, const char *const *argv,
    const char *const *env, const char *user, const char *cwd,
    char *exec_id, size_t size)
{
    json_t    *body, *r;
    char       path[256];
    uint64_t   t0 = engine_now_us();
    int        rc;

    body = json_pack("{s:b,s:b,s:b,s:b,s:o,s:o,s:s,s:s}",
                     "AttachStdin", 0, "AttachStdout", 1, "AttachStderr", 1,
                     "Tty", 0, "Cmd", engine_strings(argv),
                     "Env", engine_strings(env), "User", user,
                     "WorkingDir", cwd);
    if (body == NULL) {
        snprintf(e->err, sizeof(e->err), "exec create: out of memory");
        return -1;
    }
    snprintf(path, sizeof(path), "/containers/%s/exec", id);
    rc = engine_call(e, "POST", path, body, 201, &r);
    json_decref(body);
    if (rc == 0) {
        rc = engine_take_id(e, r, "exec create", exec_id, size);
    }
    e->times.exec_create_us += engine_now_us() - t0;
    return rc;
}


/* Takes frame headers off the stream and hands on the payloads. */
static size_t
engine_demux_write(char *p, size_t size, size_t n, void *data)
{
    engine_demux_t  *d = data;
    size_t           len = size * n, take;

    while (len > 0) {
        if (d->left == 0) {
            take = 8 - d->head_len < len ? 8 - d->head_len : len;
            memcpy(d->head + d->head_len, p, take);
            d->head_len += take;
            p += take;
            len -= take;
            if (d->head_len == 8) {
                d->stream = d->head[0];
                d->left = (size_t) d->head[4] << 24 | d->head[5] << 16
                          | d->head[6] << 8 | d->head[7];
                d->head_len = 0;
            }
            continue;
        }
        take = d->left < len ? d->left : len;
        if (!d->stopped
            && d->frame(d->data, d->stream, p, take) < 0)
        {
            d->stopped = 1;
        }
        d->left -= take;
        p += take;
        len -= take;
    }
    return size * n;
}


int
engine_exec_start(engine_t *e, const char *exec_id, unsigned tick_ms,
    uint64_t deadline_ms, int wake_fd, engine_frame_pt frame,
    engine_tick_pt tick, void *data)
{
    struct curl_slist  *headers;
    struct curl_waitfd  wfd;
    engine_demux_t      d;
    CURLMsg            *m;
    CURLcode            result = CURLE_OK;
    uint64_t            t0 = engine_now_us(), end;
    char                path[256];
    long                status = 0;
    int                 running = 1, left, ret = -1, wait_ms = 0;

    memset(&d, 0, sizeof(d));
    d.frame = frame;
    d.data = data;
    end = t0 + deadline_ms * 1000;

    headers = curl_slist_append(NULL, "Content-Type: application/json");
    snprintf(path, sizeof(path), "/exec/%s/start", exec_id);
    engine_setup(e, "POST", path, headers, "{\"Detach\":false,\"Tty\":false}",
                 0);
    curl_easy_setopt(e->h, CURLOPT_WRITEFUNCTION, engine_demux_write);
    curl_easy_setopt(e->h, CURLOPT_WRITEDATA, &d);
    curl_multi_add_handle(e->multi, e->h);

    wfd.fd = wake_fd;
    wfd.events = CURL_WAIT_POLLIN;
    wfd.revents = 0;

    while (running) {
        if (curl_multi_perform(e->multi, &running) != CURLM_OK) {
            snprintf(e->err, sizeof(e->err), "exec start: multi failed");
            goto done;
        }
        while ((m = curl_multi_info_read(e->multi, &left)) != NULL) {
            if (m->msg == CURLMSG_DONE) {
                result = m->data.result;
            }
        }
        if (!running) {
            break;
        }
        if (d.stopped || (wait_ms = tick(data)) < 0) {
            ret = 1;
            goto done;
        }
        if (engine_now_us() > end) {
            snprintf(e->err, sizeof(e->err),
                     "exec start: no end from the daemon in %llu ms",
                     (unsigned long long) deadline_ms);
            goto done;
        }
        curl_multi_poll(e->multi, wake_fd >= 0 ? &wfd : NULL,
                        wake_fd >= 0 ? 1 : 0,
                        wait_ms < (int) tick_ms ? wait_ms : (int) tick_ms,
                        NULL);
    }

    if (result != CURLE_OK) {
        snprintf(e->err, sizeof(e->err), "exec start: %s",
                 curl_easy_strerror(result));
        goto done;
    }
    curl_easy_getinfo(e->h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        snprintf(e->err, sizeof(e->err), "exec start: HTTP %ld", status);
        goto done;
    }
    ret = d.stopped ? 1 : 0;

done:

    curl_multi_remove_handle(e->multi, e->h);
    curl_slist_free_all(headers);
    e->times.exec_start_us += engine_now_us() - t0;
    return ret;
}


int
engine_exec_inspect(engine_t *e, const char *exec_id, int *exit_code,
    int *running)
{
    json_t    *r;
    char       path[256];
    uint64_t   t0 = engine_now_us();

    snprintf(path, sizeof(path), "/exec/%s/json", exec_id);
    if (engine_call(e, "GET", path, NULL, 200, &r) < 0) {
        e->times.exec_inspect_us += engine_now_us() - t0;
        return -1;
    }
    *exit_code = (int) json_integer_value(json_object_get(r, "ExitCode"));
    *running = json_is_true(json_object_get(r, "Running"));
    json_decref(r);
    e->times.exec_inspect_us += engine_now_us() - t0;
    return 0;
}
