
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_ipc.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_parse.h"
#include "ngx_http_judge_registry.h"
#include "ngx_http_judge_results.h"
#include "ngx_http_judge_scheduler.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_stream.h"


/*
 * The worker endpoint.  A judge-worker sends
 *
 *     GET /worker HTTP/1.1
 *     Connection: Upgrade
 *     Upgrade: judge/1
 *     Authorization: Bearer <token>
 *
 * and gets "101 Switching Protocols".  From then on the connection carries
 * frames, a 4-byte big-endian length and one protobuf message, in both
 * directions.  The stream belongs to this nginx process for its whole life;
 * other processes reach it through the mailbox (ngx_http_judge_ipc.c).
 *
 * A worker that lacks test files of a stored problem asks for them by
 * hash (DataRequest).  Each is answered from
 * <judge_problems_path>/d/<hash> with TestData pieces, made one at a time
 * whenever the stream's output queue runs empty, the files asked for
 * taking turns: a big file never holds up the tasks' frames by more than
 * one piece, nor is it ever read whole into memory.
 */


#define NGX_HTTP_JUDGE_READ_BUF          16384
#define NGX_HTTP_JUDGE_MIN_FRAME         (64 * 1024)
#define NGX_HTTP_JUDGE_MAX_WORKER_LANGS  256
#define NGX_HTTP_JUDGE_MAX_WORKER_TAGS   64
#define NGX_HTTP_JUDGE_MAX_TEXT          256     /* names, versions */
#define NGX_HTTP_JUDGE_MAX_WORKER_FLAGS  32      /* patterns per language */
#define NGX_HTTP_JUDGE_MAX_FLAG_LEN      64

#define NGX_HTTP_JUDGE_DATA_PER_REQUEST  64      /* hashes in a DataRequest */
#define NGX_HTTP_JUDGE_DATA_IN_FLIGHT    256     /* asked, not yet sent */
#define NGX_HTTP_JUDGE_DATA_PIECE        (1024 * 1024)
#define NGX_HTTP_JUDGE_DATA_OVERHEAD     256     /* a TestData's fields */
#define NGX_HTTP_JUDGE_HASH_LEN          64


typedef struct ngx_http_judge_frame_s  ngx_http_judge_frame_t;

struct ngx_http_judge_frame_s {
    ngx_http_judge_frame_t      *next;
    size_t                       len;
    size_t                       sent;
    u_char                       data[1];
};


typedef struct ngx_http_judge_fetch_s  ngx_http_judge_fetch_t;

/* a test file a worker asked for, sent piece by piece */
struct ngx_http_judge_fetch_s {
    ngx_http_judge_fetch_t      *next;
    ngx_file_t                   file;        /* fd NGX_INVALID_FILE: not
                                                 opened yet */
    off_t                        total;
    u_char                       hash[NGX_HTTP_JUDGE_HASH_LEN + 1];
};


typedef struct {
    ngx_rbtree_node_t            node;        /* key: stream id */
    ngx_http_request_t          *request;
    ngx_http_judge_zone_t       *zone;
    ngx_http_judge_loc_conf_t   *conf;

    ngx_str_t                    worker_id;
    u_char                       worker_id_data[NGX_HTTP_JUDGE_MAX_ID_LEN];

    u_char                      *in;          /* ngx_alloc()ed */
    size_t                       in_size;
    size_t                       in_len;

    ngx_http_judge_frame_t      *out;
    ngx_http_judge_frame_t     **out_last;

    /* test files asked for, in turn; pieces of at most "piece" bytes */
    ngx_http_judge_fetch_t      *fetches;
    ngx_http_judge_fetch_t     **fetches_last;
    ngx_uint_t                   nfetches;
    size_t                       piece;

    unsigned                     registered:1;
    unsigned                     in_tree:1;
} ngx_http_judge_stream_t;


static ngx_int_t ngx_http_judge_stream_check(ngx_http_request_t *r,
    ngx_http_judge_loc_conf_t *jlcf);
static void ngx_http_judge_stream_read_handler(ngx_event_t *rev);
static void ngx_http_judge_stream_write_handler(ngx_event_t *wev);
static ngx_int_t ngx_http_judge_stream_frames(ngx_http_judge_stream_t *s);
static ngx_int_t ngx_http_judge_stream_frame(ngx_http_judge_stream_t *s,
    ngx_int_t decoded, ngx_http_judge_frame_in_t *in);
static ngx_int_t ngx_http_judge_stream_refuse(ngx_http_judge_frame_in_t *in,
    const char *fmt, ...);
static ngx_int_t ngx_http_judge_stream_name_ok(char *name);
static ngx_int_t ngx_http_judge_stream_check_register(Judge__Register *reg,
    ngx_http_judge_frame_in_t *in);
static ngx_int_t ngx_http_judge_stream_register(ngx_http_judge_stream_t *s,
    Judge__Register *reg);
static ngx_int_t ngx_http_judge_stream_flags_ok(Judge__Register *reg,
    ngx_http_judge_frame_in_t *in);
static ngx_uint_t ngx_http_judge_stream_clean_text(Judge__Register *reg);
static ngx_int_t ngx_http_judge_stream_langs(ngx_pool_t *pool,
    Judge__Register *reg, ngx_http_judge_worker_info_t *info);
static ngx_int_t ngx_http_judge_stream_detail(ngx_pool_t *pool,
    Judge__Register *reg, ngx_http_judge_worker_info_t *info);
static u_char *ngx_http_judge_stream_frame_alloc(ngx_http_judge_stream_t *s,
    size_t len);
static ngx_int_t ngx_http_judge_stream_send(ngx_http_judge_stream_t *s,
    Judge__MasterCommand *cmd);
static ngx_int_t ngx_http_judge_stream_queue(ngx_http_judge_stream_t *s,
    u_char *frame, size_t len);
static ngx_int_t ngx_http_judge_stream_flush(ngx_http_judge_stream_t *s);
static ngx_int_t ngx_http_judge_stream_check_data(Judge__DataRequest *req,
    ngx_str_t *worker_id, ngx_http_judge_frame_in_t *in);
static ngx_int_t ngx_http_judge_stream_data_request(
    ngx_http_judge_stream_t *s, Judge__DataRequest *req);
static ngx_int_t ngx_http_judge_stream_data_piece(ngx_http_judge_stream_t *s);
static void ngx_http_judge_stream_fetch_free(ngx_http_judge_fetch_t *fe);
static void ngx_http_judge_stream_shutdown(ngx_http_judge_stream_t *s,
    char *reason, ngx_uint_t reconnect);
static void ngx_http_judge_stream_say_goodbye(ngx_http_judge_stream_t *s,
    char *reason);
static void ngx_http_judge_stream_close(ngx_http_judge_stream_t *s);
static void ngx_http_judge_stream_unregister(ngx_http_judge_stream_t *s);
static void ngx_http_judge_stream_cleanup(void *data);
static ngx_http_judge_stream_t *ngx_http_judge_stream_lookup(uint64_t id);


/* the streams this process holds, by stream id */
static ngx_rbtree_t       ngx_http_judge_streams;
static ngx_rbtree_node_t  ngx_http_judge_streams_sentinel;


ngx_int_t
ngx_http_judge_stream_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_table_elt_t             *h;
    ngx_connection_t            *c;
    ngx_http_cleanup_t          *cln;
    ngx_http_judge_stream_t     *s;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    c = r->connection;
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    rc = ngx_http_judge_stream_check(r, jlcf);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    s = ngx_pcalloc(r->pool, sizeof(ngx_http_judge_stream_t));
    if (s == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    s->request = r;
    s->zone = jmcf->zone;
    s->conf = jlcf;
    s->out_last = &s->out;
    s->fetches_last = &s->fetches;
    s->piece = NGX_HTTP_JUDGE_DATA_PIECE;
    s->node.key = (ngx_rbtree_key_t) ngx_http_judge_zone_next_id(s->zone);

    s->in_size = NGX_HTTP_JUDGE_READ_BUF;
    s->in = ngx_alloc(s->in_size, c->log);
    if (s->in == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln = ngx_http_cleanup_add(r, 0);
    if (cln == NULL) {
        ngx_free(s->in);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_judge_stream_cleanup;
    cln->data = s;

    ngx_http_set_ctx(r, s, ngx_http_judge_module);

    /* bytes the worker sent right behind the request headers */

    if (r->header_in->last > r->header_in->pos) {
        s->in_len = ngx_min((size_t) (r->header_in->last - r->header_in->pos),
                            s->in_size);
        ngx_memcpy(s->in, r->header_in->pos, s->in_len);
        r->header_in->pos += s->in_len;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Upgrade");
    ngx_str_set(&h->value, "judge/1");

    r->headers_out.status = NGX_HTTP_SWITCHING_PROTOCOLS;
    ngx_str_set(&r->headers_out.status_line, "101 Switching Protocols");
    r->headers_out.content_length_n = -1;
    r->keepalive = 0;
    r->header_only = 1;

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK) {
        return rc;
    }

    if (ngx_http_send_special(r, NGX_HTTP_FLUSH) == NGX_ERROR) {
        return NGX_ERROR;
    }

    /* from here on the connection is ours, not HTTP's */

    r->main->count++;

    c->log->action = "serving a judge worker";
    c->read->handler = ngx_http_judge_stream_read_handler;
    c->write->handler = ngx_http_judge_stream_write_handler;

    /* nginx's graceful shutdown closes idle connections: that is our cue */
    c->idle = 1;

    ngx_tcp_nodelay(c);

    if (ngx_http_judge_streams.root == NULL) {
        ngx_rbtree_init(&ngx_http_judge_streams,
                        &ngx_http_judge_streams_sentinel,
                        ngx_rbtree_insert_value);
    }

    ngx_rbtree_insert(&ngx_http_judge_streams, &s->node);
    s->in_tree = 1;

    ngx_add_timer(c->read, jlcf->heartbeat_timeout);

    if (c->read->ready || s->in_len) {
        ngx_post_event(c->read, &ngx_posted_events);
    }

    return NGX_DONE;
}


/*
 * Everything that must hold before a stream is accepted.  NGX_DECLINED:
 * all holds; anything else is the request's answer.
 */

static ngx_int_t
ngx_http_judge_stream_check(ngx_http_request_t *r,
    ngx_http_judge_loc_conf_t *jlcf)
{
    ngx_int_t         rc;
    ngx_table_elt_t  *h;

    if (r != r->main) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "judge: worker endpoint refused in a subrequest");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

#if (NGX_HTTP_V2)
    if (r->stream) {
        return ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                         "http2_not_supported",
                                         "workers connect over HTTP/1.1");
    }
#endif

    if (r->method != NGX_HTTP_GET) {
        if (ngx_http_judge_add_header(r, "Allow", "GET") != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_judge_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                         "method_not_allowed",
                                         "workers connect with GET");
    }

    rc = ngx_http_judge_bearer_ok(r, &jlcf->token);

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "judge: worker refused: %s",
                      rc == NGX_DECLINED ? "no bearer token" : "wrong token");

        if (ngx_http_judge_add_header(r, "WWW-Authenticate",
                                      "Bearer realm=\"judge worker\"")
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_judge_send_error(r, NGX_HTTP_UNAUTHORIZED,
                                         "unauthorized",
                                         rc == NGX_DECLINED
                                         ? "a bearer token is required"
                                         : "wrong token");
    }

    h = r->headers_in.upgrade;

    if (h == NULL
        || h->value.len != sizeof("judge/1") - 1
        || ngx_strncasecmp(h->value.data, (u_char *) "judge/1",
                           sizeof("judge/1") - 1) != 0)
    {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Upgrade");
        ngx_str_set(&h->value, "judge/1");

        return ngx_http_judge_send_error(r, NGX_HTTP_JUDGE_UPGRADE_REQUIRED,
                                         "upgrade_required",
                                         "workers must upgrade to judge/1");
    }

    return NGX_DECLINED;
}


static void
ngx_http_judge_stream_read_handler(ngx_event_t *rev)
{
    u_char                   *p;
    size_t                    need;
    ssize_t                   n;
    ngx_connection_t         *c;
    ngx_http_request_t       *r;
    ngx_http_judge_stream_t  *s;

    c = rev->data;
    r = c->data;
    s = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (c->close) {
        ngx_http_judge_stream_say_goodbye(s, "nginx is shutting down");
        ngx_http_judge_stream_close(s);
        return;
    }

    if (rev->timedout) {
        ngx_log_error(NGX_LOG_WARN, c->log, 0,
                      "judge: worker \"%V\" silent for %M ms, closing",
                      &s->worker_id, s->conf->heartbeat_timeout);
        ngx_http_judge_stream_close(s);
        return;
    }

    for ( ;; ) {

        if (ngx_http_judge_stream_frames(s) != NGX_OK) {
            ngx_http_judge_stream_close(s);
            return;
        }

        if (s->in_len == s->in_size) {
            need = s->in_size * 2;

            if (s->in_len >= 4) {
                need = ngx_max(need, 4 + (size_t) ((s->in[0] << 24)
                                                   | (s->in[1] << 16)
                                                   | (s->in[2] << 8)
                                                   | s->in[3]));
            }

            p = ngx_alloc(need, c->log);
            if (p == NULL) {
                ngx_http_judge_stream_close(s);
                return;
            }

            ngx_memcpy(p, s->in, s->in_len);
            ngx_free(s->in);
            s->in = p;
            s->in_size = need;
        }

        n = c->recv(c, s->in + s->in_len, s->in_size - s->in_len);

        if (n == NGX_AGAIN) {
            break;
        }

        if (n == 0 || n == NGX_ERROR) {
            ngx_log_error(NGX_LOG_INFO, c->log, 0,
                          "judge: worker \"%V\" closed the stream",
                          &s->worker_id);
            ngx_http_judge_stream_close(s);
            return;
        }

        s->in_len += n;
    }

    /* a big frame is done with: give its buffer back */

    if (s->in_size > 16 * NGX_HTTP_JUDGE_READ_BUF
        && s->in_len <= NGX_HTTP_JUDGE_READ_BUF)
    {
        p = ngx_alloc(NGX_HTTP_JUDGE_READ_BUF, c->log);
        if (p) {
            ngx_memcpy(p, s->in, s->in_len);
            ngx_free(s->in);
            s->in = p;
            s->in_size = NGX_HTTP_JUDGE_READ_BUF;
        }
    }

    if (ngx_handle_read_event(rev, 0) != NGX_OK) {
        ngx_http_judge_stream_close(s);
    }
}


/* handles every whole frame in the input buffer */

static ngx_int_t
ngx_http_judge_stream_frames(ngx_http_judge_stream_t *s)
{
    u_char                     *p, *last;
    ngx_int_t                   rc;
    ngx_connection_t           *c;
    ngx_http_judge_frame_in_t   in;

    c = s->request->connection;
    p = s->in;
    last = s->in + s->in_len;

    for ( ;; ) {
        rc = ngx_http_judge_stream_decode(p, last - p,
                                          s->conf->max_frame_size,
                                          &s->worker_id, s->registered, &in);
        if (rc == NGX_AGAIN) {
            break;
        }

        rc = ngx_http_judge_stream_frame(s, rc, &in);

        ngx_http_judge_stream_decoded(&in);

        if (rc != NGX_OK) {
            return NGX_ERROR;
        }

        p += in.size;

        ngx_add_timer(c->read, s->conf->heartbeat_timeout);
    }

    s->in_len = last - p;
    ngx_memmove(s->in, p, s->in_len);

    return NGX_OK;
}


/*
 * Acts on one decoded frame: "decoded" is what ngx_http_judge_stream_decode()
 * returned for it.  NGX_ERROR closes the stream.
 */

static ngx_int_t
ngx_http_judge_stream_frame(ngx_http_judge_stream_t *s, ngx_int_t decoded,
    ngx_http_judge_frame_in_t *in)
{
    ngx_int_t              rc;
    ngx_connection_t      *c;
    Judge__Heartbeat      *hb;
    Judge__WorkerMessage  *msg;

    c = s->request->connection;

    if (in->worker_id.len) {
        s->worker_id.data = s->worker_id_data;
        s->worker_id.len = in->worker_id.len;
        ngx_memcpy(s->worker_id_data, in->worker_id.data, in->worker_id.len);
    }

    if (in->not_utf8) {
        ngx_log_error(NGX_LOG_WARN, c->log, 0,
                      "judge: worker \"%V\" registered %ui bytes that are "
                      "not UTF-8, shown as \"?\"", &s->worker_id,
                      in->not_utf8);
    }

    if (decoded != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, c->log, 0, "%s", in->reason);

        if (in->goodbye) {
            /* the worker cannot work here: a reconnect would say the same */
            ngx_http_judge_stream_shutdown(s, in->goodbye, 0);
        }

        return NGX_ERROR;
    }

    msg = in->msg;
    rc = NGX_OK;

    switch (msg->body_case) {

    case JUDGE__WORKER_MESSAGE__BODY_REGISTER:
        rc = ngx_http_judge_stream_register(s, msg->register_);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_HEARTBEAT:
        hb = msg->heartbeat;

        ngx_http_judge_registry_heartbeat(s->zone, &s->worker_id,
            s->node.key, hb->free_slots, hb->active_tasks, in->load100,
            hb->cpu_percent, hb->ram_used_kb, hb->ram_total_kb,
            hb->tasks_done, hb->draining);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_LEAVING:
        ngx_log_error(NGX_LOG_NOTICE, c->log, 0,
                      "judge: worker \"%V\" is leaving: %s",
                      &s->worker_id, msg->leaving->reason);

        ngx_http_judge_stream_unregister(s);

        /* after Leaving the worker only closes; nothing more is read */
        rc = NGX_ERROR;
        break;

    case JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT:
        ngx_http_judge_results_compile(s->zone, &s->worker_id,
                                               s->node.key,
                                               msg->compile_result);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_TEST_RESULT:
        ngx_http_judge_results_test(s->zone, &s->worker_id,
                                            s->node.key, msg->test_result);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_BATCH_RESULT:
        ngx_http_judge_results_batch(s->zone, &s->worker_id,
                                             s->node.key,
                                             msg->batch_result);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_OUTPUT:
        ngx_http_judge_results_output(s->zone, &s->worker_id, s->node.key,
                                      msg->output);
        break;

    case JUDGE__WORKER_MESSAGE__BODY_DATA_REQUEST:
        rc = ngx_http_judge_stream_data_request(s, msg->data_request);
        break;

    default:
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "judge: worker \"%V\" sent message %d, which is not "
                      "expected here", &s->worker_id, (int) msg->body_case);
        break;
    }

    return rc;
}


/*
 * The frame at the front of the "len" bytes at "data", which a worker
 * sent: NGX_AGAIN while it is not all there; NGX_OK with in->msg
 * unpacked and checked, in->size bytes long; NGX_ERROR when the stream
 * must close, in->reason saying why for the error log and in->goodbye,
 * when set, the Shutdown reason the worker is told so that it stays
 * away.  "worker_id" and "registered" are the stream's so far.  After
 * NGX_OK and NGX_ERROR, ngx_http_judge_stream_decoded() frees in->msg.
 */

ngx_int_t
ngx_http_judge_stream_decode(u_char *data, size_t len, size_t max_frame_size,
    ngx_str_t *worker_id, ngx_uint_t registered,
    ngx_http_judge_frame_in_t *in)
{
    size_t                 size;
    Judge__Heartbeat      *hb;
    Judge__WorkerMessage  *msg;

    in->msg = NULL;
    in->size = 0;
    ngx_str_null(&in->worker_id);
    in->not_utf8 = 0;
    in->load100 = 0;
    in->goodbye = NULL;
    in->reason[0] = '\0';

    if (len < 4) {
        return NGX_AGAIN;
    }

    size = ((size_t) data[0] << 24) | (data[1] << 16) | (data[2] << 8)
           | data[3];

    if (size > max_frame_size) {
        return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" sent "
                                            "a frame of %uz bytes, more "
                                            "than judge_max_frame_size %uz",
                                            worker_id, size, max_frame_size);
    }

    if (len - 4 < size) {
        return NGX_AGAIN;
    }

    in->size = 4 + size;

    msg = judge__worker_message__unpack(NULL, size, data + 4);
    if (msg == NULL) {
        return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" sent "
                                            "an undecodable frame of %uz "
                                            "bytes", worker_id, size);
    }

    in->msg = msg;

    if (!registered
        && msg->body_case != JUDGE__WORKER_MESSAGE__BODY_REGISTER)
    {
        return ngx_http_judge_stream_refuse(in, "judge: worker sent message "
                                            "%d before registering",
                                            (int) msg->body_case);
    }

    switch (msg->body_case) {

    case JUDGE__WORKER_MESSAGE__BODY_REGISTER:
        if (registered) {
            return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" "
                                                "registered twice",
                                                worker_id);
        }

        return ngx_http_judge_stream_check_register(msg->register_, in);

    case JUDGE__WORKER_MESSAGE__BODY_HEARTBEAT:
        hb = msg->heartbeat;

        in->load100 = (hb->load1 >= 0 && hb->load1 < 1e6)
                      ? (ngx_uint_t) (hb->load1 * 100 + 0.5) : 0;
        break;

    case JUDGE__WORKER_MESSAGE__BODY_DATA_REQUEST:
        return ngx_http_judge_stream_check_data(msg->data_request, worker_id,
                                                in);

    default:
        break;
    }

    return NGX_OK;
}


/*
 * A DataRequest names at most NGX_HTTP_JUDGE_DATA_PER_REQUEST files, each
 * by its hex SHA-256 in lowercase: the hash is a file name.
 */

static ngx_int_t
ngx_http_judge_stream_check_data(Judge__DataRequest *req,
    ngx_str_t *worker_id, ngx_http_judge_frame_in_t *in)
{
    u_char  *h;
    size_t   i, k;

    if (req->n_hashes > NGX_HTTP_JUDGE_DATA_PER_REQUEST) {
        return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" asked "
                                            "for %uz test files at once, "
                                            "more than %d", worker_id,
                                            req->n_hashes,
                                            NGX_HTTP_JUDGE_DATA_PER_REQUEST);
    }

    for (i = 0; i < req->n_hashes; i++) {
        h = (u_char *) req->hashes[i];

        for (k = 0; k < NGX_HTTP_JUDGE_HASH_LEN; k++) {
            if (!((h[k] >= '0' && h[k] <= '9') || (h[k] >= 'a' && h[k] <= 'f')))
            {
                break;
            }
        }

        if (k != NGX_HTTP_JUDGE_HASH_LEN || h[k] != '\0') {
            return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" "
                                                "asked for a test file by "
                                                "something that is not a hex "
                                                "SHA-256", worker_id);
        }
    }

    return NGX_OK;
}


void
ngx_http_judge_stream_decoded(ngx_http_judge_frame_in_t *in)
{
    if (in->msg) {
        judge__worker_message__free_unpacked(in->msg, NULL);
        in->msg = NULL;
    }
}


static ngx_int_t
ngx_http_judge_stream_refuse(ngx_http_judge_frame_in_t *in, const char *fmt,
    ...)
{
    u_char   *p;
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(in->reason, in->reason + sizeof(in->reason) - 1, fmt,
                      args);
    va_end(args);

    *p = '\0';

    return NGX_ERROR;
}


static ngx_int_t
ngx_http_judge_stream_name_ok(char *name)
{
    return ngx_http_judge_name_ok((u_char *) name, ngx_strlen(name));
}


/*
 * What a Register must be before anything of it goes into the zone, in
 * the order the checks are made; its free text is made valid UTF-8 on
 * the way (in->not_utf8 counts the bytes replaced).
 */

static ngx_int_t
ngx_http_judge_stream_check_register(Judge__Register *reg,
    ngx_http_judge_frame_in_t *in)
{
    size_t      i;
    ngx_str_t  *id;

    if (!ngx_http_judge_stream_name_ok(reg->worker_id)) {
        return ngx_http_judge_stream_refuse(in, "judge: worker registered "
                                            "with an invalid id");
    }

    id = &in->worker_id;
    id->data = (u_char *) reg->worker_id;
    id->len = ngx_strlen(reg->worker_id);

    /* what goes into the zone is bounded, whatever a worker claims */

    if (reg->n_languages > NGX_HTTP_JUDGE_MAX_WORKER_LANGS
        || reg->n_tags > NGX_HTTP_JUDGE_MAX_WORKER_TAGS)
    {
        return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" "
                                            "registered %uz languages and "
                                            "%uz tags, more than %d and %d",
                                            id, reg->n_languages, reg->n_tags,
                                            NGX_HTTP_JUDGE_MAX_WORKER_LANGS,
                                            NGX_HTTP_JUDGE_MAX_WORKER_TAGS);
    }

    for (i = 0; i < reg->n_languages; i++) {
        if (ngx_strlen(reg->languages[i]->name) > NGX_HTTP_JUDGE_MAX_TEXT
            || ngx_strlen(reg->languages[i]->version)
               > NGX_HTTP_JUDGE_MAX_TEXT)
        {
            return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" "
                                                "registered a language name "
                                                "or version longer than %d "
                                                "bytes", id,
                                                NGX_HTTP_JUDGE_MAX_TEXT);
        }
    }

    if (ngx_strlen(reg->abi) > NGX_HTTP_JUDGE_MAX_TEXT
        || ngx_strlen(reg->hostname) > NGX_HTTP_JUDGE_MAX_TEXT
        || ngx_strlen(reg->version) > NGX_HTTP_JUDGE_MAX_TEXT
        || (reg->sandbox
            && ngx_strlen(reg->sandbox->backend) > NGX_HTTP_JUDGE_MAX_TEXT))
    {
        return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" "
                                            "registered an abi, host name, "
                                            "version or sandbox longer than "
                                            "%d bytes", id,
                                            NGX_HTTP_JUDGE_MAX_TEXT);
    }

    if (ngx_http_judge_stream_flags_ok(reg, in) != NGX_OK) {
        /* the worker's own table is wrong */
        in->goodbye = "the languages table allows compiler flags the judge "
                      "refuses; see the judge's error log";
        return NGX_ERROR;
    }

    in->not_utf8 = ngx_http_judge_stream_clean_text(reg);

    /* batches are cut to the frames workers take: keep them sane */

    if (reg->max_frame_size && reg->max_frame_size < NGX_HTTP_JUDGE_MIN_FRAME)
    {
        in->goodbye = "--max-frame is below the judge's minimum of 64k";

        return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" "
                                            "accepts frames of at most %uL "
                                            "bytes, less than the %uz the "
                                            "judge needs", id,
                                            reg->max_frame_size,
                                            (size_t) NGX_HTTP_JUDGE_MIN_FRAME);
    }

    /* tags and language ids are kept comma-wrapped: names only */

    for (i = 0; i < reg->n_tags; i++) {
        if (!ngx_http_judge_stream_name_ok(reg->tags[i])) {
            goto invalid;
        }
    }

    for (i = 0; i < reg->n_languages; i++) {
        if (!ngx_http_judge_stream_name_ok(reg->languages[i]->id)) {
            goto invalid;
        }
    }

    return NGX_OK;

invalid:

    return ngx_http_judge_stream_refuse(in, "judge: worker \"%V\" registered "
                                        "an invalid tag or language id", id);
}


/* a checked Register into the zone, answered with Welcome */

static ngx_int_t
ngx_http_judge_stream_register(ngx_http_judge_stream_t *s,
    Judge__Register *reg)
{
    ngx_int_t                      rc;
    ngx_pool_t                    *pool;
    ngx_connection_t              *c;
    Judge__Welcome                 welcome;
    Judge__MasterCommand           cmd;
    ngx_http_judge_addr_t          old;
    ngx_http_judge_stream_t       *os;
    ngx_http_judge_worker_info_t   info;

    c = s->request->connection;

    /*
     * A stream that reached a process shutting down (accepted just before
     * its listening sockets closed) is sent on to the next generation.
     */

    if (ngx_exiting || ngx_quit || ngx_terminate) {
        ngx_http_judge_stream_shutdown(s, "nginx is shutting down", 1);
        return NGX_ERROR;
    }

    pool = ngx_create_pool(4096, c->log);
    if (pool == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_judge_stream_info(pool, reg, &info) != NGX_OK) {
        ngx_destroy_pool(pool);
        return NGX_ERROR;
    }

    info.id = s->worker_id;
    info.stream_id = s->node.key;
    info.timeout = s->conf->heartbeat_timeout;

    rc = ngx_http_judge_registry_add(s->zone, &info, &old);

    ngx_destroy_pool(pool);

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, c->log, 0,
                      "judge: no room in the zone for worker \"%V\"",
                      &s->worker_id);
        return NGX_ERROR;
    }

    s->registered = 1;

    /* test file pieces fit the worker's frames */

    if (reg->max_frame_size) {
        s->piece = (size_t) ngx_min(NGX_HTTP_JUDGE_DATA_PIECE,
                                    reg->max_frame_size
                                    - NGX_HTTP_JUDGE_DATA_OVERHEAD);
    }

    if (old.pid == ngx_pid) {
        os = ngx_http_judge_stream_lookup(old.id);
        if (os) {
            ngx_log_error(NGX_LOG_NOTICE, c->log, 0,
                          "judge: worker \"%V\" reconnected, closing its "
                          "older stream", &s->worker_id);
            os->registered = 0;
            ngx_http_judge_stream_close(os);
        }

    } else if (old.pid) {
        (void) ngx_http_judge_ipc_send(s->zone, &old,
                                       NGX_HTTP_JUDGE_MSG_CLOSE, NULL, 0);
    }

    ngx_log_error(NGX_LOG_NOTICE, c->log, 0,
                  "judge: worker \"%V\" registered: %uD slots, %uz "
                  "languages", &s->worker_id, reg->slots, reg->n_languages);

    judge__welcome__init(&welcome);
    welcome.worker_id = reg->worker_id;
    welcome.heartbeat_interval_ms = s->conf->heartbeat_interval;
    welcome.max_frame_size = s->conf->max_frame_size;

    judge__master_command__init(&cmd);
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_WELCOME;
    cmd.welcome = &welcome;

    rc = ngx_http_judge_stream_send(s, &cmd);

    /* a new worker is new capacity: queued work may go now */
    ngx_http_judge_sched_run(s->zone);

    return rc;
}


/*
 * A Register that ngx_http_judge_stream_decode() took, as the registry
 * keeps it, made in "pool"; the strings stay the Register's until the
 * registry copies them.  What only the stream knows (its id, its
 * timeout) is left for the stream to fill in.
 */

ngx_int_t
ngx_http_judge_stream_info(ngx_pool_t *pool, Judge__Register *reg,
    ngx_http_judge_worker_info_t *info)
{
    u_char  *p;
    size_t   i, len;

    ngx_memzero(info, sizeof(ngx_http_judge_worker_info_t));

    info->id.data = (u_char *) reg->worker_id;
    info->id.len = ngx_strlen(reg->worker_id);
    info->abi.data = (u_char *) reg->abi;
    info->abi.len = ngx_strlen(reg->abi);
    info->cores = reg->cores;
    info->slots = reg->slots;
    info->ram_kb = reg->ram_kb;
    info->max_frame = reg->max_frame_size;
    info->can_compile = reg->can_compile;
    info->cached = reg->cached_artifacts;
    info->ncached = reg->n_cached_artifacts;

    /* ",tag,tag," and ",lang,lang," make membership a substring search */

    len = 1;
    for (i = 0; i < reg->n_tags; i++) {
        len += ngx_strlen(reg->tags[i]) + 1;
    }

    for (i = 0; i < reg->n_languages; i++) {
        len += ngx_strlen(reg->languages[i]->id) + 1;
    }

    p = ngx_pnalloc(pool, 2 + len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    info->tags.data = p;
    *p++ = ',';
    for (i = 0; i < reg->n_tags; i++) {
        p = ngx_sprintf(p, "%s,", reg->tags[i]);
    }
    info->tags.len = p - info->tags.data;

    info->languages.data = p;
    *p++ = ',';
    for (i = 0; i < reg->n_languages; i++) {
        p = ngx_sprintf(p, "%s,", reg->languages[i]->id);
    }
    info->languages.len = p - info->languages.data;

    p = ngx_pnalloc(pool, 2 + len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    info->compiled.data = p;
    *p++ = ',';
    for (i = 0; i < reg->n_languages; i++) {
        if (reg->languages[i]->compiled) {
            p = ngx_sprintf(p, "%s,", reg->languages[i]->id);
        }
    }
    info->compiled.len = p - info->compiled.data;

    if (ngx_http_judge_stream_langs(pool, reg, info) != NGX_OK
        || ngx_http_judge_stream_detail(pool, reg, info) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * Each language's flag patterns: at most NGX_HTTP_JUDGE_MAX_WORKER_FLAGS,
 * each "-" and 1 to NGX_HTTP_JUDGE_MAX_FLAG_LEN - 1 more printable ASCII
 * characters, no ",", "*" only last.  They are listed in GET /languages
 * and kept comma-wrapped, hence no comma; a lone "-" or "*" would allow
 * too much.
 */

static ngx_int_t
ngx_http_judge_stream_flags_ok(Judge__Register *reg,
    ngx_http_judge_frame_in_t *in)
{
    u_char           *f;
    size_t            i, j, k, len;
    Judge__Language  *l;

    for (i = 0; i < reg->n_languages; i++) {
        l = reg->languages[i];

        if (l->n_allowed_flags > NGX_HTTP_JUDGE_MAX_WORKER_FLAGS) {
            return ngx_http_judge_stream_refuse(in,
                       "judge: worker \"%V\" allows %uz compiler flags for "
                       "\"%s\", more than %d", &in->worker_id,
                       l->n_allowed_flags, l->id,
                       NGX_HTTP_JUDGE_MAX_WORKER_FLAGS);
        }

        for (j = 0; j < l->n_allowed_flags; j++) {
            f = (u_char *) l->allowed_flags[j];
            len = ngx_strlen(f);

            for (k = 1; k < len; k++) {
                if (f[k] <= 0x20 || f[k] >= 0x7f || f[k] == ','
                    || (f[k] == '*' && k != len - 1))
                {
                    break;
                }
            }

            if (len < 2 || len > NGX_HTTP_JUDGE_MAX_FLAG_LEN || f[0] != '-'
                || k != len || (len == 2 && f[1] == '*'))
            {
                return ngx_http_judge_stream_refuse(in,
                           "judge: worker \"%V\" allows an invalid compiler "
                           "flag pattern for \"%s\": 1 to %d printable "
                           "characters after \"-\", no \",\", \"*\" only "
                           "last", &in->worker_id, l->id,
                           NGX_HTTP_JUDGE_MAX_FLAG_LEN - 1);
            }
        }
    }

    return NGX_OK;
}


/*
 * What a worker sends as free text is shown as JSON: bytes that are not
 * UTF-8 become "?" (ids and tags are names, checked apart).  Returns how
 * many were replaced.
 */

static ngx_uint_t
ngx_http_judge_stream_clean_text(Judge__Register *reg)
{
    char        *text[4];
    size_t       i;
    ngx_uint_t   bad;

    text[0] = reg->hostname;
    text[1] = reg->version;
    text[2] = reg->abi;
    text[3] = reg->sandbox ? reg->sandbox->backend : NULL;

    bad = 0;

    for (i = 0; i < 4; i++) {
        if (text[i]) {
            bad += ngx_http_judge_utf8_clean((u_char *) text[i],
                                             ngx_strlen(text[i]));
        }
    }

    for (i = 0; i < reg->n_languages; i++) {
        bad += ngx_http_judge_utf8_clean((u_char *) reg->languages[i]->name,
                                         ngx_strlen(reg->languages[i]->name));
        bad += ngx_http_judge_utf8_clean(
                                      (u_char *) reg->languages[i]->version,
                                      ngx_strlen(reg->languages[i]->version));
    }

    return bad;
}


/*
 * The languages as the registry keeps them; the strings stay the
 * Register's until the registry copies them.
 */

static ngx_int_t
ngx_http_judge_stream_langs(ngx_pool_t *pool, Judge__Register *reg,
    ngx_http_judge_worker_info_t *info)
{
    u_char                        *p;
    size_t                         i, j, len;
    Judge__Language               *l;
    ngx_http_judge_worker_lang_t  *wl;

    info->nlangs = reg->n_languages;

    if (reg->n_languages == 0) {
        return NGX_OK;
    }

    info->langs = ngx_palloc(pool, reg->n_languages
                                   * sizeof(ngx_http_judge_worker_lang_t));
    if (info->langs == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < reg->n_languages; i++) {
        l = reg->languages[i];
        wl = &info->langs[i];

        wl->id.data = (u_char *) l->id;
        wl->id.len = ngx_strlen(l->id);
        wl->name.data = (u_char *) l->name;
        wl->name.len = ngx_strlen(l->name);
        wl->version.data = (u_char *) l->version;
        wl->version.len = ngx_strlen(l->version);
        wl->compiled = l->compiled;

        /* what code sessions show of it, within bounds, or nothing */

        wl->file_name.data = (u_char *) l->source_file;
        wl->file_name.len = ngx_strlen(l->source_file);
        wl->runtime.data = (u_char *) l->runtime;
        wl->runtime.len = ngx_strlen(l->runtime);
        wl->template.data = (u_char *) l->template_;
        wl->template.len = ngx_strlen(l->template_);

        if (wl->file_name.len > NGX_HTTP_JUDGE_MAX_ID_LEN) {
            wl->file_name.len = 0;
        }

        if (wl->runtime.len > NGX_HTTP_JUDGE_MAX_ID_LEN) {
            wl->runtime.len = 0;
        }

        if (wl->template.len > NGX_HTTP_JUDGE_MAX_TEMPLATE) {
            wl->template.len = 0;
        }

        /* none is an empty list: nothing for the language table to keep */

        ngx_str_null(&wl->flags);

        if (l->n_allowed_flags == 0) {
            continue;
        }

        len = 1;
        for (j = 0; j < l->n_allowed_flags; j++) {
            len += ngx_strlen(l->allowed_flags[j]) + 1;
        }

        p = ngx_pnalloc(pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        wl->flags.data = p;
        *p++ = ',';
        for (j = 0; j < l->n_allowed_flags; j++) {
            p = ngx_cpymem(p, l->allowed_flags[j],
                           ngx_strlen(l->allowed_flags[j]));
            *p++ = ',';
        }
        wl->flags.len = p - wl->flags.data;
    }

    return NGX_OK;
}


static size_t
ngx_http_judge_cstr_len(char *s)
{
    ngx_str_t  str;

    str.data = (u_char *) s;
    str.len = ngx_strlen(s);

    return ngx_http_judge_json_str_len(&str);
}


static u_char *
ngx_http_judge_cstr(u_char *p, char *s)
{
    ngx_str_t  str;

    str.data = (u_char *) s;
    str.len = ngx_strlen(s);

    return ngx_http_judge_json_str(p, &str);
}


/*
 * The parts of a worker only shown, never matched on, rendered once as
 * JSON members: "host", "version", "can_compile", "sandbox" and
 * "languages".
 */

static ngx_int_t
ngx_http_judge_stream_detail(ngx_pool_t *pool, Judge__Register *reg,
    ngx_http_judge_worker_info_t *info)
{
    u_char               *p;
    size_t                i, len;
    Judge__Language      *l;
    Judge__SandboxInfo   *sb;

    len = sizeof("\"host\":,\"version\":,\"can_compile\":false,"
                 "\"sandbox\":{\"backend\":,"
                 "\"cgroup_version\":,\"exact_memory\":false},"
                 "\"languages\":[]") + NGX_INT_T_LEN
          + ngx_http_judge_cstr_len(reg->hostname)
          + ngx_http_judge_cstr_len(reg->version)
          + (reg->sandbox ? ngx_http_judge_cstr_len(reg->sandbox->backend)
                          : 2);

    for (i = 0; i < reg->n_languages; i++) {
        l = reg->languages[i];
        len += sizeof("{\"id\":,\"name\":,\"version\":,\"compiled\":false},")
               + ngx_http_judge_cstr_len(l->id)
               + ngx_http_judge_cstr_len(l->name)
               + ngx_http_judge_cstr_len(l->version);
    }

    p = ngx_pnalloc(pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    info->detail.data = p;

    p = ngx_cpymem(p, "\"host\":", 7);
    p = ngx_http_judge_cstr(p, reg->hostname);
    p = ngx_cpymem(p, ",\"version\":", 11);
    p = ngx_http_judge_cstr(p, reg->version);
    p = ngx_sprintf(p, ",\"can_compile\":%s",
                    reg->can_compile ? "true" : "false");

    sb = reg->sandbox;

    p = ngx_cpymem(p, ",\"sandbox\":{\"backend\":", 22);
    p = ngx_http_judge_cstr(p, sb ? sb->backend : "");
    p = ngx_sprintf(p, ",\"cgroup_version\":%uD,\"exact_memory\":%s},",
                    sb ? sb->cgroup_version : 0,
                    (sb && sb->exact_memory) ? "true" : "false");

    p = ngx_cpymem(p, "\"languages\":[", 13);

    for (i = 0; i < reg->n_languages; i++) {
        l = reg->languages[i];

        if (i) {
            *p++ = ',';
        }

        p = ngx_cpymem(p, "{\"id\":", 6);
        p = ngx_http_judge_cstr(p, l->id);
        p = ngx_cpymem(p, ",\"name\":", 8);
        p = ngx_http_judge_cstr(p, l->name);
        p = ngx_cpymem(p, ",\"version\":", 11);
        p = ngx_http_judge_cstr(p, l->version);
        p = ngx_sprintf(p, ",\"compiled\":%s}",
                        l->compiled ? "true" : "false");
    }

    *p++ = ']';

    info->detail.len = p - info->detail.data;

    return NGX_OK;
}


/* a frame of "len" payload bytes with its length prefix, not queued yet */

static ngx_http_judge_frame_t *
ngx_http_judge_stream_frame_new(ngx_http_judge_stream_t *s, size_t len)
{
    ngx_http_judge_frame_t  *f;

    f = ngx_alloc(offsetof(ngx_http_judge_frame_t, data) + 4 + len,
                  s->request->connection->log);
    if (f == NULL) {
        return NULL;
    }

    f->data[0] = (u_char) (len >> 24);
    f->data[1] = (u_char) (len >> 16);
    f->data[2] = (u_char) (len >> 8);
    f->data[3] = (u_char) len;

    f->len = 4 + len;
    f->sent = 0;
    f->next = NULL;

    return f;
}


static void
ngx_http_judge_stream_frame_queue(ngx_http_judge_stream_t *s,
    ngx_http_judge_frame_t *f)
{
    *s->out_last = f;
    s->out_last = &f->next;
}


static u_char *
ngx_http_judge_stream_frame_alloc(ngx_http_judge_stream_t *s, size_t len)
{
    ngx_http_judge_frame_t  *f;

    f = ngx_http_judge_stream_frame_new(s, len);
    if (f == NULL) {
        return NULL;
    }

    ngx_http_judge_stream_frame_queue(s, f);

    return f->data + 4;
}


/* packs a command into a frame and sends it */

static ngx_int_t
ngx_http_judge_stream_send(ngx_http_judge_stream_t *s,
    Judge__MasterCommand *cmd)
{
    u_char  *p;

    p = ngx_http_judge_stream_frame_alloc(s,
                               judge__master_command__get_packed_size(cmd));
    if (p == NULL) {
        return NGX_ERROR;
    }

    judge__master_command__pack(cmd, p);

    return ngx_http_judge_stream_flush(s);
}


/* sends an already packed command (from another process's mailbox) */

static ngx_int_t
ngx_http_judge_stream_queue(ngx_http_judge_stream_t *s, u_char *frame,
    size_t len)
{
    u_char  *p;

    p = ngx_http_judge_stream_frame_alloc(s, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(p, frame, len);

    return ngx_http_judge_stream_flush(s);
}


/* writes queued frames until the socket would block */

static ngx_int_t
ngx_http_judge_stream_flush(ngx_http_judge_stream_t *s)
{
    ssize_t                  n;
    ngx_connection_t        *c;
    ngx_http_judge_frame_t  *f;

    c = s->request->connection;

    /* the 101 header may still sit in nginx's output chain */

    if (c->buffered) {
        if (ngx_http_output_filter(s->request, NULL) == NGX_ERROR) {
            return NGX_ERROR;
        }

        if (c->buffered) {
            return ngx_handle_write_event(c->write, 0);
        }
    }

    for ( ;; ) {

        /* the queue is empty: the next piece of a test file, if any */

        if (s->out == NULL) {
            if (s->fetches == NULL) {
                break;
            }

            if (ngx_http_judge_stream_data_piece(s) != NGX_OK) {
                return NGX_ERROR;
            }

            continue;
        }

        f = s->out;

        n = c->send(c, f->data + f->sent, f->len - f->sent);

        if (n == NGX_AGAIN) {
            break;
        }

        if (n == NGX_ERROR) {
            return NGX_ERROR;
        }

        f->sent += n;

        if (f->sent == f->len) {
            s->out = f->next;
            if (s->out == NULL) {
                s->out_last = &s->out;
            }

            ngx_free(f);
        }
    }

    return ngx_handle_write_event(c->write, 0);
}


static void
ngx_http_judge_stream_write_handler(ngx_event_t *wev)
{
    ngx_connection_t         *c;
    ngx_http_request_t       *r;
    ngx_http_judge_stream_t  *s;

    c = wev->data;
    r = c->data;
    s = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (ngx_http_judge_stream_flush(s) != NGX_OK) {
        ngx_http_judge_stream_close(s);
    }
}


/*
 * A checked DataRequest: the files join those the stream sends in turn,
 * at most NGX_HTTP_JUDGE_DATA_IN_FLIGHT at a time (more closes the
 * stream).
 */

static ngx_int_t
ngx_http_judge_stream_data_request(ngx_http_judge_stream_t *s,
    Judge__DataRequest *req)
{
    size_t                   i;
    ngx_connection_t        *c;
    ngx_http_judge_fetch_t  *fe;

    c = s->request->connection;

    if (s->nfetches + req->n_hashes > NGX_HTTP_JUDGE_DATA_IN_FLIGHT) {
        ngx_log_error(NGX_LOG_ERR, c->log, 0,
                      "judge: worker \"%V\" asked for %uz more test files "
                      "with %ui not sent yet, more than %d", &s->worker_id,
                      req->n_hashes, s->nfetches,
                      NGX_HTTP_JUDGE_DATA_IN_FLIGHT);
        return NGX_ERROR;
    }

    for (i = 0; i < req->n_hashes; i++) {
        fe = ngx_calloc(sizeof(ngx_http_judge_fetch_t), c->log);
        if (fe == NULL) {
            return NGX_ERROR;
        }

        fe->file.fd = NGX_INVALID_FILE;
        fe->file.log = c->log;
        ngx_memcpy(fe->hash, req->hashes[i], NGX_HTTP_JUDGE_HASH_LEN + 1);

        *s->fetches_last = fe;
        s->fetches_last = &fe->next;
        s->nfetches++;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "judge: worker \"%V\" asks for %uz test files",
                   &s->worker_id, req->n_hashes);

    return ngx_http_judge_stream_flush(s);
}


/*
 * Opens the file a fetch names.  NGX_DECLINED when it cannot be had,
 * which is logged.
 */

static ngx_int_t
ngx_http_judge_stream_fetch_open(ngx_http_judge_stream_t *s,
    ngx_http_judge_fetch_t *fe)
{
    u_char            *p;
    ngx_str_t         *dir;
    ngx_file_info_t    fi;
    ngx_connection_t  *c;

    c = s->request->connection;
    dir = &s->zone->problems->name;

    fe->file.name.len = dir->len + sizeof("/d/") - 1 + NGX_HTTP_JUDGE_HASH_LEN;
    fe->file.name.data = ngx_alloc(fe->file.name.len + 1, c->log);
    if (fe->file.name.data == NULL) {
        return NGX_DECLINED;
    }

    p = ngx_cpymem(fe->file.name.data, dir->data, dir->len);
    p = ngx_sprintf(p, "/d/%s%Z", fe->hash);

    fe->file.fd = ngx_open_file(fe->file.name.data, NGX_FILE_RDONLY,
                                NGX_FILE_OPEN, 0);

    if (fe->file.fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_ERR, c->log, ngx_errno,
                      "judge: worker \"%V\" asked for test file %s: "
                      ngx_open_file_n " \"%V\" failed", &s->worker_id,
                      fe->hash, &fe->file.name);
        return NGX_DECLINED;
    }

    if (ngx_fd_info(fe->file.fd, &fi) == NGX_FILE_ERROR
        || !ngx_is_file(&fi))
    {
        ngx_log_error(NGX_LOG_ERR, c->log, ngx_errno,
                      "judge: worker \"%V\" asked for test file %s: "
                      "\"%V\" is not a readable file", &s->worker_id,
                      fe->hash, &fe->file.name);
        return NGX_DECLINED;
    }

    fe->total = ngx_file_size(&fi);

    return NGX_OK;
}


/*
 * Queues the next piece of the first file in turn, and sends that file to
 * the back of the turn unless it is done; a file that cannot be opened or
 * read is answered with "missing" and dropped.  NGX_ERROR: out of memory.
 */

static ngx_int_t
ngx_http_judge_stream_data_piece(ngx_http_judge_stream_t *s)
{
    u_char                  *buf, *p;
    size_t                   len;
    ssize_t                  n;
    ngx_int_t                done;
    Judge__TestData          td;
    ngx_connection_t        *c;
    Judge__MasterCommand     cmd;
    ngx_http_judge_fetch_t  *fe;

    c = s->request->connection;

    fe = s->fetches;
    s->fetches = fe->next;
    fe->next = NULL;

    if (s->fetches == NULL) {
        s->fetches_last = &s->fetches;
    }

    judge__test_data__init(&td);
    td.hash = (char *) fe->hash;

    buf = NULL;
    done = 1;

    if (fe->file.fd != NGX_INVALID_FILE
        || ngx_http_judge_stream_fetch_open(s, fe) == NGX_OK)
    {
        len = (size_t) ngx_min((off_t) s->piece, fe->total - fe->file.offset);

        buf = ngx_alloc(ngx_max(len, 1), c->log);
        if (buf == NULL) {
            ngx_http_judge_stream_fetch_free(fe);
            s->nfetches--;
            return NGX_ERROR;
        }

        n = len ? ngx_read_file(&fe->file, buf, len, fe->file.offset) : 0;

        if (n == (ssize_t) len) {
            td.offset = fe->file.offset - len;
            td.total = fe->total;
            td.data.data = buf;
            td.data.len = len;
            done = (fe->file.offset == fe->total);

        } else {
            ngx_log_error(NGX_LOG_ERR, c->log, 0,
                          "judge: worker \"%V\" asked for test file %s: "
                          "\"%V\" came short at offset %O of %O",
                          &s->worker_id, fe->hash, &fe->file.name,
                          fe->file.offset, fe->total);
            td.missing = 1;
        }

    } else {
        td.missing = 1;
    }

    judge__master_command__init(&cmd);
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_DATA;
    cmd.data = &td;

    p = ngx_http_judge_stream_frame_alloc(s,
                               judge__master_command__get_packed_size(&cmd));
    if (p != NULL) {
        judge__master_command__pack(&cmd, p);
    }

    if (buf) {
        ngx_free(buf);
    }

    if (p != NULL && !td.missing) {
        ngx_http_judge_zone_lock(s->zone);
        s->zone->sh->data_bytes += td.data.len;
        s->zone->sh->data_files += done;
        ngx_http_judge_zone_unlock(s->zone);
    }

    if (done || td.missing || p == NULL) {
        ngx_http_judge_stream_fetch_free(fe);
        s->nfetches--;

    } else {
        *s->fetches_last = fe;
        s->fetches_last = &fe->next;
    }

    return p != NULL ? NGX_OK : NGX_ERROR;
}


static void
ngx_http_judge_stream_fetch_free(ngx_http_judge_fetch_t *fe)
{
    if (fe->file.fd != NGX_INVALID_FILE) {
        (void) ngx_close_file(fe->file.fd);
    }

    if (fe->file.name.data) {
        ngx_free(fe->file.name.data);
    }

    ngx_free(fe);
}


/*
 * Tells the worker to come back later and tries to get that out at once;
 * used when this process is going away.
 */

static void
ngx_http_judge_stream_say_goodbye(ngx_http_judge_stream_t *s, char *reason)
{
    if (s->registered) {
        ngx_http_judge_stream_shutdown(s, reason, 1);
    }
}


/* Shutdown{reason, reconnect}, sent at once */

static void
ngx_http_judge_stream_shutdown(ngx_http_judge_stream_t *s, char *reason,
    ngx_uint_t reconnect)
{
    Judge__Shutdown       bye;
    Judge__MasterCommand  cmd;

    judge__shutdown__init(&bye);
    bye.reason = reason;
    bye.reconnect = reconnect;

    judge__master_command__init(&cmd);
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_SHUTDOWN;
    cmd.shutdown = &bye;

    (void) ngx_http_judge_stream_send(s, &cmd);
}


/*
 * Ends the stream's request.  Termination is posted, and our own event
 * handlers stand where ngx_http_request_handler() would run the posted
 * requests, so they are run here.
 */

static void
ngx_http_judge_stream_close(ngx_http_judge_stream_t *s)
{
    ngx_connection_t  *c;

    c = s->request->connection;

    ngx_http_finalize_request(s->request, NGX_ERROR);
    ngx_http_run_posted_requests(c);
}


/*
 * The worker is no longer ours to use: its record goes (its running work
 * is handed out again, as a failed attempt unless this process is the one
 * going away), whoever waited for it to go is told, and the work it held
 * goes to the others.
 */

static void
ngx_http_judge_stream_unregister(ngx_http_judge_stream_t *s)
{
    ngx_http_judge_addr_t  waiter;

    ngx_http_judge_registry_remove(s->zone, &s->worker_id, s->node.key,
                                   !ngx_exiting, &waiter);
    if (waiter.pid) {
        (void) ngx_http_judge_ipc_send(s->zone, &waiter,
                                       NGX_HTTP_JUDGE_MSG_NOTIFY, NULL, 0);
    }

    s->registered = 0;

    if (!ngx_exiting) {
        ngx_http_judge_sched_run(s->zone);
    }
}


/* runs however the request ends: frees what the stream holds */

static void
ngx_http_judge_stream_cleanup(void *data)
{
    ngx_http_judge_stream_t  *s = data;

    ngx_http_judge_frame_t  *f;
    ngx_http_judge_fetch_t  *fe;

    if (s->registered) {
        ngx_log_error(NGX_LOG_NOTICE, s->request->connection->log, 0,
                      "judge: worker \"%V\" disconnected", &s->worker_id);

        ngx_http_judge_stream_unregister(s);
    }

    if (s->in_tree) {
        ngx_rbtree_delete(&ngx_http_judge_streams, &s->node);
        s->in_tree = 0;
    }

    while (s->out) {
        f = s->out;
        s->out = f->next;
        ngx_free(f);
    }

    while (s->fetches) {
        fe = s->fetches;
        s->fetches = fe->next;
        ngx_http_judge_stream_fetch_free(fe);
    }

    s->fetches_last = &s->fetches;
    s->nfetches = 0;

    if (s->in) {
        ngx_free(s->in);
        s->in = NULL;
    }
}


static ngx_http_judge_stream_t *
ngx_http_judge_stream_lookup(uint64_t id)
{
    return (ngx_http_judge_stream_t *)
               ngx_http_judge_rbtree_find(&ngx_http_judge_streams,
                                          (ngx_rbtree_key_t) id);
}


/*
 * A task's frame, made of its recipe: the blobs are read from the cache
 * directory.  A frame that cannot be made is not sent; its task then
 * meets its deadline and goes elsewhere.
 */

static ngx_int_t
ngx_http_judge_stream_task(ngx_http_judge_stream_t *s,
    ngx_http_judge_zone_t *zone, ngx_http_judge_msg_t *msg)
{
    u_char                      *recipe;
    size_t                       len, rlen;
    ngx_http_judge_frame_t      *f;
    ngx_http_judge_task_head_t   head;

    if (msg->len < sizeof(ngx_http_judge_task_head_t)) {
        return NGX_OK;
    }

    ngx_memcpy(&head, msg->data, sizeof(ngx_http_judge_task_head_t));

    if (!ngx_http_judge_sched_task_out(zone, &head, s->node.key)) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, s->request->connection->log, 0,
                       "judge: task %uL was called back before it went out",
                       head.task_id);
        return NGX_OK;
    }

    recipe = msg->data + sizeof(ngx_http_judge_task_head_t);
    rlen = msg->len - sizeof(ngx_http_judge_task_head_t);

    len = ngx_http_judge_recipe_size(recipe, rlen);

    f = ngx_http_judge_stream_frame_new(s, len);
    if (f == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_judge_recipe_make(zone, recipe, rlen, f->data + 4) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, s->request->connection->log, 0,
                      "judge: a task for worker \"%V\" could not be read "
                      "from the cache directory", &s->worker_id);
        ngx_free(f);
        return NGX_OK;
    }

    ngx_http_judge_stream_frame_queue(s, f);

    return ngx_http_judge_stream_flush(s);
}


/*
 * The zone was reset: our streams' records are gone.  Each worker is
 * asked to come back, and registers anew.
 */

void
ngx_http_judge_stream_reset(void)
{
    ngx_uint_t                 i, n;
    ngx_rbtree_node_t         *node, *root, *sentinel;
    ngx_http_judge_stream_t   *s;
    ngx_http_judge_stream_t   *list[64];

    do {
        n = 0;

        sentinel = ngx_http_judge_streams.sentinel;
        root = ngx_http_judge_streams.root;

        if (root == NULL || root == sentinel) {
            return;
        }

        for (node = ngx_rbtree_min(root, sentinel);
             node && n < 64;
             node = ngx_rbtree_next(&ngx_http_judge_streams, node))
        {
            list[n++] = (ngx_http_judge_stream_t *) node;
        }

        for (i = 0; i < n; i++) {
            s = list[i];
            ngx_http_judge_stream_say_goodbye(s, "the judge's state was "
                                                 "reset");
            s->registered = 0;
            ngx_http_judge_stream_close(s);
        }

    } while (n == 64);
}


/* a message from another process about one of our streams */

void
ngx_http_judge_stream_deliver(ngx_http_judge_zone_t *zone,
    ngx_http_judge_msg_t *msg)
{
    ngx_connection_t         *c;
    ngx_http_judge_stream_t  *s;

    s = ngx_http_judge_stream_lookup(msg->id);
    if (s == NULL) {
        return;
    }

    c = s->request->connection;

    switch (msg->type) {

    case NGX_HTTP_JUDGE_MSG_SEND:
        if (ngx_http_judge_stream_queue(s, msg->data, msg->len) != NGX_OK) {
            ngx_http_judge_stream_close(s);
        }
        break;

    case NGX_HTTP_JUDGE_MSG_TASK:
        if (ngx_http_judge_stream_task(s, zone, msg) != NGX_OK) {
            ngx_http_judge_stream_close(s);
        }
        break;

    case NGX_HTTP_JUDGE_MSG_CLOSE:
        ngx_log_error(NGX_LOG_NOTICE, c->log, 0,
                      "judge: worker \"%V\" reconnected elsewhere, closing "
                      "this stream", &s->worker_id);
        s->registered = 0;
        ngx_http_judge_stream_close(s);
        break;

    default:
        break;
    }
}
