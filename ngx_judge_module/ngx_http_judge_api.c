
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_md5.h>

#include <openssl/evp.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_ipc.h"
#include "ngx_http_judge_job.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_metrics.h"
#include "ngx_http_judge_parse.h"
#include "ngx_http_judge_problem.h"
#include "ngx_http_judge_registry.h"
#include "ngx_http_judge_scheduler.h"
#include "ngx_http_judge_session.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_store.h"
#include "ngx_http_judge_wire.h"
#include "ngx_http_judge_api.h"
#include "ngx_http_judge_dialect.h"


/*
 * The REST API: routing, the handlers of /health, /workers, /metrics,
 * /languages and /submissions (reading a submission's body, parsing it
 * with ngx_http_judge_submit_parse(), accepting it into the job store),
 * answers planned by the job store, requests that wait for a job
 * (?wait=true, Server-Sent Events) woken by mail, and the admin routes.
 */



typedef struct ngx_http_judge_api_ctx_s  ngx_http_judge_api_ctx_t;

/* what a request does next, its answer's code for finalize */
typedef ngx_int_t (*ngx_http_judge_go_pt)(ngx_http_request_t *r);

typedef void (*ngx_http_judge_wake_pt)(ngx_http_judge_api_ctx_t *ctx,
    ngx_uint_t timedout);

/* a store's view of every frontend (its fleet or metrics operation) */
typedef ngx_int_t (*ngx_http_judge_view_pt)(ngx_http_judge_store_op_t *op);

/*
 * A request of this process may wait for word from another process (a
 * worker drained, a job's progress): it is then filed by waiter id, and
 * "wake" runs on the word or on the timer.
 */
struct ngx_http_judge_api_ctx_s {
    ngx_rbtree_node_t            node;        /* key: waiter id */
    ngx_http_request_t          *request;
    ngx_event_t                  timer;
    ngx_msec_t                   timeout;
    ngx_str_t                    arg;
    ngx_http_judge_wake_pt       wake;
    ngx_http_judge_answer_pt     answer;      /* of the store's operation */
    ngx_http_judge_answer_pt     job_answer;  /* a dialect's job: its shape */
    ngx_http_judge_answer_pt     filed;       /* a dialect's filing */
    void                        *data;        /* a dialect's own */
    ngx_http_judge_cursor_t      cursor;      /* SSE */
    ngx_chain_t                 *busy;        /* SSE */
    ngx_http_judge_store_op_t    op;          /* SSE: the read out */
    ngx_http_judge_addr_t        self;        /* SSE: its address */
    ngx_http_judge_session_view_t *view;      /* a run: what it runs */
    ngx_str_t                    body;        /* a run's */
    ngx_str_t                    problem;     /* a stored problem's: its id */
    ngx_array_t                 *rejudge;     /* what is left to rejudge */
    ngx_uint_t                   rejudge_next;
    json_t                      *rejudged;    /* the answer so far */
    u_char                       idem[NGX_HTTP_JUDGE_SHA256_LEN];
    u_char                       idem_body[NGX_HTTP_JUDGE_SHA256_LEN];
    ngx_http_judge_go_pt         go;          /* on, once the key is had */
    unsigned                     execution:1; /* the job is a session's run */
    unsigned                     run:1;       /* POST .../run */
    unsigned                     idem_held:1; /* Idempotency-Key, answer due */
    unsigned                     waiting:1;
    unsigned                     watching:1;  /* filed with its job */
    unsigned                     reading:1;   /* SSE: a read is out */
    unsigned                     again:1;     /* SSE: news came meanwhile */
    unsigned                     starting:1;  /* SSE: in its handler */
    unsigned                     held:1;      /* a store's answer is due */
};


static char *ngx_http_judge_route_allow(ngx_http_judge_route_t *route);
static ngx_int_t ngx_http_judge_submit_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_submission_accept(ngx_http_request_t *r,
    ngx_http_judge_submission_t *sub);
static ngx_http_judge_store_op_t *ngx_http_judge_submission_file(
    ngx_http_request_t *r, ngx_http_judge_submission_t *sub,
    ngx_http_judge_answer_pt answer, ngx_int_t *rc);
static ngx_int_t ngx_http_judge_submission_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_api_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static void ngx_http_judge_submit_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_submit_language(void *data,
    ngx_str_t *language, ngx_uint_t *compiled);
static ngx_int_t ngx_http_judge_submit_flags(void *data, ngx_pool_t *pool,
    ngx_str_t *language, char **flags, size_t nflags, size_t *refused);
static void ngx_http_judge_client_addr(ngx_connection_t *c, ngx_str_t *key,
    u_char *buf);
static ngx_int_t ngx_http_judge_health(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_workers(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_fleet_view(ngx_http_request_t *r,
    ngx_http_judge_view_pt view, ngx_http_judge_answer_pt answer);
static ngx_http_judge_store_op_t *ngx_http_judge_store_op(
    ngx_http_request_t *r, ngx_http_judge_answer_pt answer);
static ngx_int_t ngx_http_judge_store_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static void ngx_http_judge_store_done(ngx_http_judge_store_op_t *op);
static ngx_int_t ngx_http_judge_workers_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_fleet_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc, ngx_str_t *type);
static ngx_int_t ngx_http_judge_worker_drain(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_route_match(ngx_str_t *route,
    ngx_str_t *path, ngx_str_t *arg);
static void ngx_http_judge_api_path(ngx_http_request_t *r, ngx_str_t *path);
static ngx_int_t ngx_http_judge_drained(ngx_http_request_t *r,
    ngx_uint_t done);
static void ngx_http_judge_drain_wake(ngx_http_judge_api_ctx_t *ctx,
    ngx_uint_t timedout);
static ngx_int_t ngx_http_judge_submission(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_submission_json(ngx_http_request_t *r,
    ngx_uint_t local);
static ngx_int_t ngx_http_judge_submission_cancel(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_submission_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static void ngx_http_judge_submission_wake(ngx_http_judge_api_ctx_t *ctx,
    ngx_uint_t timedout);
static ngx_int_t ngx_http_judge_events(ngx_http_request_t *r);
static void ngx_http_judge_events_wake(ngx_http_judge_api_ctx_t *ctx,
    ngx_uint_t timedout);
static void ngx_http_judge_events_read(ngx_http_judge_store_op_t *op);
static ngx_int_t ngx_http_judge_events_start(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_events_out(ngx_http_judge_api_ctx_t *ctx,
    ngx_int_t rc);
static ngx_uint_t ngx_http_judge_events_blocked(ngx_http_request_t *r,
    ngx_http_judge_api_ctx_t *ctx);
static void ngx_http_judge_events_writer(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_events_comment(ngx_http_request_t *r,
    char *text);
static ngx_int_t ngx_http_judge_languages(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_metrics_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_metrics_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_wait(ngx_http_request_t *r,
    ngx_http_judge_api_ctx_t *ctx, ngx_http_judge_wake_pt wake,
    ngx_msec_t timeout, ngx_http_judge_addr_t *self);
static void ngx_http_judge_test_reading(ngx_http_request_t *r);
static void ngx_http_judge_waiter_finish(ngx_http_judge_api_ctx_t *ctx,
    ngx_int_t rc);
static void ngx_http_judge_waiter_timeout(ngx_event_t *ev);
static void ngx_http_judge_waiter_cleanup(void *data);
static ngx_int_t ngx_http_judge_watch(ngx_http_judge_api_ctx_t *ctx,
    ngx_http_judge_addr_t *self, ngx_uint_t progress);


static ngx_int_t ngx_http_judge_read_json(ngx_http_request_t *r,
    ngx_http_client_body_handler_pt post);
static ngx_int_t ngx_http_judge_not_found(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_idem_check(ngx_http_request_t *r,
    ngx_str_t *scope, ngx_http_judge_go_pt go);
static ngx_int_t ngx_http_judge_idem_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static void ngx_http_judge_idem_tell(ngx_http_request_t *r,
    ngx_uint_t status, u_char *answer, size_t len);
static ngx_int_t ngx_http_judge_submit_go(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_run_go(ngx_http_request_t *r);
static void ngx_http_judge_idem_cleanup(void *data);
static void ngx_http_judge_idem_answered(ngx_http_request_t *r,
    ngx_uint_t status, u_char *answer, size_t len);
static ngx_int_t ngx_http_judge_session_create_handler(ngx_http_request_t *r);
static void ngx_http_judge_session_create_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_session_handler(ngx_http_request_t *r);
static void ngx_http_judge_session_patch_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_session_close_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_session_run_handler(ngx_http_request_t *r);
static void ngx_http_judge_session_run_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_session_history_handler(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_refuse(ngx_http_request_t *r,
    ngx_uint_t status, char *code, char *message);
static ngx_int_t ngx_http_judge_body_failed(ngx_http_request_t *r,
    ngx_int_t rc);
static ngx_http_judge_store_op_t *ngx_http_judge_session_body(
    ngx_http_request_t *r, ngx_http_judge_session_verb_e verb);
static ngx_http_judge_store_op_t *ngx_http_judge_session_op(
    ngx_http_request_t *r, ngx_http_judge_session_verb_e verb,
    ngx_http_judge_answer_pt answer);
static ngx_int_t ngx_http_judge_session_deleted(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_session_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_session_admitted(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static void ngx_http_judge_session_tell(ngx_http_request_t *r,
    ngx_http_judge_session_verb_e verb, ngx_str_t *id);
static ngx_http_judge_store_op_t *ngx_http_judge_store_op_alone(
    ngx_http_judge_zone_t *zone);
static void ngx_http_judge_store_op_gone(ngx_http_judge_store_op_t *op);
static ngx_int_t ngx_http_judge_arg_number(ngx_str_t *arg);
static ngx_int_t ngx_http_judge_session_history_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_session_send(ngx_http_request_t *r,
    ngx_uint_t status, ngx_http_judge_session_view_t *v);
static ngx_int_t ngx_http_judge_session_failed(ngx_http_request_t *r,
    ngx_int_t rc, ngx_http_judge_session_view_t *v);
static ngx_int_t ngx_http_judge_execution(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_execution_events(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_problems_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_problem_handler(ngx_http_request_t *r);
static void ngx_http_judge_problem_put_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_problem_submit_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_problem_submit(ngx_http_request_t *r,
    ngx_str_t *id);
static ngx_int_t ngx_http_judge_rejudge_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_rejudge_all_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_rejudge_next(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_rejudge_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static void ngx_http_judge_rejudge_note(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static void ngx_http_judge_json_cleanup(void *data);


static ngx_http_judge_route_t  ngx_http_judge_routes[] = {

    { ngx_string("/health"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_health, 0, 0 },

    { ngx_string("/workers"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_workers, 0, 0 },

    { ngx_string("/metrics"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_metrics_handler, 0, 0 },

    { ngx_string("/workers/*/drain"),
      NGX_HTTP_POST,
      ngx_http_judge_worker_drain, 0, 1 },

    { ngx_string("/submissions"),
      NGX_HTTP_POST,
      ngx_http_judge_submit_handler, 1, 0 },

    { ngx_string("/submissions/*"),
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_DELETE,
      ngx_http_judge_submission, 0, 0 },

    { ngx_string("/submissions/*/events"),
      NGX_HTTP_GET,
      ngx_http_judge_events, 0, 0 },

    { ngx_string("/code-sessions"),
      NGX_HTTP_POST,
      ngx_http_judge_session_create_handler, 1, 0 },

    { ngx_string("/code-sessions/*"),
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_PATCH|NGX_HTTP_DELETE,
      ngx_http_judge_session_handler, 1, 0 },

    { ngx_string("/code-sessions/*/close"),
      NGX_HTTP_PATCH|NGX_HTTP_POST,
      ngx_http_judge_session_close_handler, 0, 0 },

    { ngx_string("/code-sessions/*/run"),
      NGX_HTTP_POST,
      ngx_http_judge_session_run_handler, 1, 0 },

    { ngx_string("/code-sessions/*/executions"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_session_history_handler, 0, 0 },

    { ngx_string("/executions/*"),
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_DELETE,
      ngx_http_judge_execution, 0, 0 },

    { ngx_string("/executions/*/events"),
      NGX_HTTP_GET,
      ngx_http_judge_execution_events, 0, 0 },

    { ngx_string("/problems"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_problems_handler, 0, 0 },

    { ngx_string("/problems/*"),
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_PUT,
      ngx_http_judge_problem_handler, 1, 0 },

    { ngx_string("/problems/*/submissions"),
      NGX_HTTP_POST,
      ngx_http_judge_problem_submit_handler, 1, 0 },

    { ngx_string("/problems/*/rejudge"),
      NGX_HTTP_POST,
      ngx_http_judge_rejudge_all_handler, 0, 1 },

    { ngx_string("/submissions/*/rejudge"),
      NGX_HTTP_POST,
      ngx_http_judge_rejudge_handler, 0, 1 },

    { ngx_string("/languages"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_languages, 0, 0 },

    { ngx_string("/languages/*"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_languages, 0, 0 },

    { ngx_null_string, 0, NULL, 0, 0 }
};


/* the methods a route serves, as an Allow header says them */

static char *
ngx_http_judge_route_allow(ngx_http_judge_route_t *route)
{
    u_char       *p;
    ngx_uint_t    i;
    static char   allow[sizeof("GET, HEAD, POST, PUT, PATCH, DELETE")];

    static struct {
        ngx_uint_t   method;
        char        *name;
    } methods[] = {
        { NGX_HTTP_GET, "GET" }, { NGX_HTTP_HEAD, "HEAD" },
        { NGX_HTTP_POST, "POST" }, { NGX_HTTP_PUT, "PUT" },
        { NGX_HTTP_PATCH, "PATCH" }, { NGX_HTTP_DELETE, "DELETE" }
    };

    p = (u_char *) allow;

    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (route->methods & methods[i].method) {
            if (p != (u_char *) allow) {
                p = ngx_cpymem(p, ", ", 2);
            }

            p = ngx_cpymem(p, methods[i].name, ngx_strlen(methods[i].name));
        }
    }

    *p = '\0';

    return allow;
}


/* requests of this process waiting for word from another process */
static ngx_rbtree_t       ngx_http_judge_waiters;
static ngx_rbtree_node_t  ngx_http_judge_waiters_sentinel;

static ngx_str_t  ngx_http_judge_metrics_type =
    ngx_string("text/plain; version=0.0.4");


ngx_int_t
ngx_http_judge_api_handler(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_str_t                   path, arg;
    ngx_http_judge_route_t     *route, *routes;
    ngx_http_judge_api_ctx_t   *ctx;
    ngx_http_judge_loc_conf_t  *jlcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    if (jlcf->admin) {
        rc = ngx_http_judge_bearer_ok(r, &jlcf->admin_token);

        if (rc != NGX_OK) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "judge: admin request refused: %s",
                          rc == NGX_DECLINED ? "no bearer token"
                                             : "wrong token");

            rc = ngx_http_discard_request_body(r);
            if (rc != NGX_OK) {
                return rc;
            }

            if (ngx_http_judge_add_header(r, "WWW-Authenticate",
                                          "Bearer realm=\"judge admin\"")
                != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            return ngx_http_judge_send_error(r, NGX_HTTP_UNAUTHORIZED,
                                             "unauthorized",
                                             "the admin token is required");
        }
    }

    ngx_http_judge_api_path(r, &path);

    /* a location that speaks another engine's dialect has its routes */

    routes = jlcf->dialect ? jlcf->dialect->routes : ngx_http_judge_routes;

    for (route = routes; route->handler; route++) {
        if (ngx_http_judge_route_match(&route->path, &path, &arg)) {
            break;
        }
    }

    /* only a route that reads the body gets it; anything else drops it */

    if (!(route->handler && (r->method & route->methods) && route->body)) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (route->handler == NULL) {
        return jlcf->dialect
               ? jlcf->dialect->error(r, NGX_HTTP_NOT_FOUND, "not found")
               : ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                           "not_found", "no such resource");
    }

    if (!(r->method & route->methods)) {
        if (ngx_http_judge_add_header(r, "Allow",
                                      ngx_http_judge_route_allow(route))
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return jlcf->dialect
               ? jlcf->dialect->error(r, NGX_HTTP_NOT_ALLOWED,
                                      "method not allowed")
               : ngx_http_judge_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                           "method_not_allowed",
                                           "method not allowed here");
    }

    if (route->admin && !jlcf->admin) {
        return ngx_http_judge_send_error(r, NGX_HTTP_FORBIDDEN,
                                         "admin_only",
                                         "an admin operation: it is served "
                                         "where judge_admin is, with the "
                                         "admin token");
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_judge_api_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->request = r;
    ctx->arg = arg;
    ngx_http_set_ctx(r, ctx, ngx_http_judge_module);

    return route->handler(r);
}


/* "*" in a route matches one non-empty path segment */

static ngx_int_t
ngx_http_judge_route_match(ngx_str_t *route, ngx_str_t *path, ngx_str_t *arg)
{
    u_char  *r, *p, *rend, *pend;

    r = route->data;
    rend = r + route->len;
    p = path->data;
    pend = p + path->len;

    arg->len = 0;
    arg->data = NULL;

    while (r < rend && p < pend) {

        if (*r == '*') {
            arg->data = p;

            while (p < pend && *p != '/') {
                p++;
            }

            arg->len = p - arg->data;

            if (arg->len == 0) {
                return 0;
            }

            r++;
            continue;
        }

        if (*r++ != *p++) {
            return 0;
        }
    }

    return r == rend && p == pend;
}


/*
 * The API answers under whatever prefix location runs it: for
 * "location /judge/" the request "/judge/health" is the route "/health".
 */

static void
ngx_http_judge_api_path(ngx_http_request_t *r, ngx_str_t *path)
{
    ngx_http_core_loc_conf_t  *clcf;

    *path = r->uri;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

#if (NGX_PCRE)
    if (clcf->regex) {
        return;
    }
#endif

    if (clcf->name.len > 1
        && path->len >= clcf->name.len
        && ngx_strncmp(path->data, clcf->name.data, clcf->name.len) == 0)
    {
        path->data += clcf->name.len;
        path->len -= clcf->name.len;

        if (clcf->name.data[clcf->name.len - 1] == '/') {
            path->data--;
            path->len++;
        }
    }
}


static ngx_int_t
ngx_http_judge_health(ngx_http_request_t *r)
{
    size_t                       size, free;
    time_t                       created;
    ngx_buf_t                   *b;
    ngx_uint_t                   generation, workers, free_slots;
    ngx_http_judge_zone_t       *zone;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);
    zone = jmcf->zone;

    ngx_http_judge_zone_stats(zone, &generation, &created, &size, &free);
    ngx_http_judge_registry_counts(zone, &workers, &free_slots);

    b = ngx_create_temp_buf(r->pool, 512 + zone->shm_zone->shm.name.len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_sprintf(b->last,
                          "{\"status\":\"ok\",\"version\":\"%s\","
                          "\"pid\":%P,\"generation\":%ui,"
                          "\"workers\":%ui,\"free_slots\":%ui,"
                          "\"zone\":{\"name\":\"%V\",\"size\":%uz,"
                          "\"free\":%uz,\"generation\":%ui,"
                          "\"created\":%T,\"instance\":\"%*s\"}",
                          NGX_HTTP_JUDGE_VERSION, ngx_pid,
                          zone->generation, workers, free_slots,
                          &zone->shm_zone->shm.name, size, free,
                          generation, created,
                          (size_t) NGX_HTTP_JUDGE_INSTANCE_LEN,
                          zone->instance);

    /* the durable store as this process reaches it */

    if (zone->store->up) {
        b->last = ngx_sprintf(b->last,
                              ",\"store\":{\"name\":\"%s\",\"up\":%s}",
                              zone->store->name,
                              zone->store->up() ? "true" : "false");
    }

    *b->last++ = '}';
    *b->last++ = '\n';

    return ngx_http_judge_send_json(r, NGX_HTTP_OK, b);
}


/*
 * GET /workers: capacity and load for everyone; who the workers are
 * (ids, hosts, versions, tags, which nginx process holds them) for the
 * admin API only.
 */

static ngx_int_t
ngx_http_judge_workers(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_buf_t                   *b;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    /* every frontend's workers, as the store knows them */

    rc = ngx_http_judge_fleet_view(r, jmcf->zone->store->fleet,
                                   ngx_http_judge_workers_answer);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    b = ngx_http_judge_registry_json(jmcf->zone, r->pool, jlcf->admin);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_send_json(r, NGX_HTTP_OK, b);
}


/*
 * ?scope=fleet: the store's "view" of every frontend, replied by "answer";
 * NGX_DECLINED when the scope is this frontend (local, the default).
 */

static ngx_int_t
ngx_http_judge_fleet_view(ngx_http_request_t *r, ngx_http_judge_view_pt view,
    ngx_http_judge_answer_pt answer)
{
    ngx_int_t                   rc;
    ngx_str_t                   scope;
    ngx_http_judge_store_op_t  *op;

    if (ngx_http_arg(r, (u_char *) "scope", 5, &scope) != NGX_OK
        || (scope.len == 5 && ngx_strncmp(scope.data, "local", 5) == 0))
    {
        return NGX_DECLINED;
    }

    if (!(scope.len == 5 && ngx_strncmp(scope.data, "fleet", 5) == 0)) {
        return ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                         "invalid_scope",
                                         "scope is local (the default) "
                                         "or fleet");
    }

    op = ngx_http_judge_store_op(r, answer);
    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = view(op);

    return ngx_http_judge_store_answer(r, op, rc);
}


/*
 * A store's operation on behalf of "r", about its id; "answer" makes the
 * reply from the outcome, now or when the store has it.
 */

static ngx_http_judge_store_op_t *
ngx_http_judge_store_op(ngx_http_request_t *r, ngx_http_judge_answer_pt answer)
{
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    op = ngx_pcalloc(r->pool, sizeof(ngx_http_judge_store_op_t));
    if (op == NULL) {
        return NULL;
    }

    op->zone = jmcf->zone;
    op->pool = r->pool;
    op->log = r->connection->log;
    op->id = ctx->arg;
    op->done = ngx_http_judge_store_done;
    op->data = r;

    ctx->answer = answer;

    return op;
}


/* the reply now, or NGX_DONE while the store has the operation */

static ngx_int_t
ngx_http_judge_store_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (rc == NGX_AGAIN) {
        ctx->held = 1;
        r->main->count++;
        return NGX_DONE;
    }

    return ctx->answer(r, op, rc);
}


static void
ngx_http_judge_store_done(ngx_http_judge_store_op_t *op)
{
    ngx_http_request_t  *r = op->data;

    ngx_connection_t          *c;
    ngx_http_judge_api_ctx_t  *ctx;

    c = r->connection;
    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    ctx->held = 0;

    ngx_http_finalize_request(r, ctx->answer(r, op, op->rc));
    ngx_http_run_posted_requests(c);
}


static ngx_int_t
ngx_http_judge_workers_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    static ngx_str_t  json = ngx_string("application/json");

    return ngx_http_judge_fleet_answer(r, op, rc, &json);
}


/* a view of every frontend in op->out, of "type" */

static ngx_int_t
ngx_http_judge_fleet_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc, ngx_str_t *type)
{
    if (rc == NGX_HTTP_SERVICE_UNAVAILABLE) {
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "store_unavailable",
                                         "the judge's durable store, which "
                                         "knows the other frontends, cannot "
                                         "be reached now");
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_send_chain(r, NGX_HTTP_OK, type, op->out, op->len);
}


/*
 * POST /workers/{id}/drain[?wait=true]: the worker gets no new work and
 * is told to finish what it runs and leave.  With wait the answer comes
 * when it has gone (word from the process holding its stream) or at
 * judge_drain_timeout.
 */

static ngx_int_t
ngx_http_judge_worker_drain(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_str_t                    wait, frame;
    ngx_uint_t                   wait_for_it;
    ngx_http_judge_addr_t        self, stream;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    wait_for_it = ngx_http_arg(r, (u_char *) "wait", 4, &wait) == NGX_OK
                  && wait.len == 4 && ngx_strncmp(wait.data, "true", 4) == 0;

    if (wait_for_it) {
        rc = ngx_http_judge_wait(r, ctx, ngx_http_judge_drain_wake,
                                 jlcf->drain_timeout, &self);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (ngx_http_judge_registry_drain(jmcf->zone, &ctx->arg,
                                      ctx->waiting ? &self : NULL, &stream)
        != NGX_OK)
    {
        ngx_http_judge_waiter_cleanup(ctx);

        return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                         "worker_not_found",
                                         "no worker with that id");
    }

    if (ngx_http_judge_wire_drain(r->pool, "drained by the API", 0, &frame)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_judge_ipc_send(jmcf->zone, &stream, NGX_HTTP_JUDGE_MSG_SEND,
                                frame.data, frame.len)
        == NGX_ERROR)
    {
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "zone_full",
                                         "no room to queue the command");
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "judge: draining worker \"%V\"", &ctx->arg);

    if (!ctx->waiting) {
        return ngx_http_judge_drained(r, 0);
    }

    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_judge_drain_wake(ngx_http_judge_api_ctx_t *ctx, ngx_uint_t timedout)
{
    ngx_http_judge_waiter_finish(ctx,
                                 ngx_http_judge_drained(ctx->request,
                                                        !timedout));
}


static ngx_int_t
ngx_http_judge_drained(ngx_http_request_t *r, ngx_uint_t done)
{
    ngx_buf_t                 *b;
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    b = ngx_create_temp_buf(r->pool, sizeof("{\"id\":,\"drained\":false}\n")
                                     + ngx_http_judge_json_str_len(&ctx->arg));
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->last, "{\"id\":", 6);
    b->last = ngx_http_judge_json_str(b->last, &ctx->arg);
    b->last = ngx_sprintf(b->last, ",\"drained\":%s}\n",
                          done ? "true" : "false");

    return ngx_http_judge_send_json(r, done ? NGX_HTTP_OK : NGX_HTTP_ACCEPTED,
                                    b);
}


/*
 * Files the request as a waiter: the id other processes will notify, a
 * timer, a cleanup for a client that leaves.  "self" gets the address.
 */

static ngx_int_t
ngx_http_judge_wait(ngx_http_request_t *r, ngx_http_judge_api_ctx_t *ctx,
    ngx_http_judge_wake_pt wake, ngx_msec_t timeout,
    ngx_http_judge_addr_t *self)
{
    ngx_http_cleanup_t          *cln;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    cln = ngx_http_cleanup_add(r, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_judge_waiter_cleanup;
    cln->data = ctx;

    self->pid = ngx_pid;
    self->generation = jmcf->zone->generation;
    self->id = ngx_http_judge_zone_next_id(jmcf->zone);

    ctx->node.key = (ngx_rbtree_key_t) self->id;
    ctx->wake = wake;
    ctx->timeout = timeout;

    if (ngx_http_judge_waiters.root == NULL) {
        ngx_rbtree_init(&ngx_http_judge_waiters,
                        &ngx_http_judge_waiters_sentinel,
                        ngx_rbtree_insert_value);
    }

    ngx_rbtree_insert(&ngx_http_judge_waiters, &ctx->node);
    ctx->waiting = 1;

    ctx->timer.handler = ngx_http_judge_waiter_timeout;
    ctx->timer.data = ctx;
    ctx->timer.log = r->connection->log;

    ngx_add_timer(&ctx->timer, timeout);

    r->read_event_handler = ngx_http_judge_test_reading;

    return NGX_OK;
}


/*
 * A waiting request whose client went is finished, as nginx's own
 * ngx_http_test_reading() does, but not while a store's answer is due:
 * the store holds the request then, and the next write finds the client
 * gone.
 */

static void
ngx_http_judge_test_reading(ngx_http_request_t *r)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (ctx->reading || ctx->held) {
        return;
    }

    ngx_http_test_reading(r);
}


/* the wait is over: answer with "rc" (from the handler that answered) */

static void
ngx_http_judge_waiter_finish(ngx_http_judge_api_ctx_t *ctx, ngx_int_t rc)
{
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = ctx->request;
    c = r->connection;

    if (ctx->waiting) {
        ngx_rbtree_delete(&ngx_http_judge_waiters, &ctx->node);
        ctx->waiting = 0;
    }

    if (ctx->timer.timer_set) {
        ngx_del_timer(&ctx->timer);
    }

    /*
     * In the stream's own handler the request is not to be closed (a
     * failed write terminates it) before the handler has returned: its
     * posted requests run after that, as nginx runs them.
     */

    if (ctx->starting) {
        ngx_http_finalize_request(r, rc);
        return;
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


static void
ngx_http_judge_waiter_timeout(ngx_event_t *ev)
{
    ngx_http_judge_api_ctx_t  *ctx = ev->data;

    ctx->wake(ctx, 1);
}


/* word from another process for one of our waiting requests */

void
ngx_http_judge_waiter_deliver(uint64_t id)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = (ngx_http_judge_api_ctx_t *)
              ngx_http_judge_rbtree_find(&ngx_http_judge_waiters,
                                         (ngx_rbtree_key_t) id);
    if (ctx) {
        ctx->wake(ctx, 0);
    }
}


/* whether requests of this process wait for word from another */

ngx_uint_t
ngx_http_judge_waiter_pending(void)
{
    return ngx_http_judge_waiters.root != NULL
           && ngx_http_judge_waiters.root != &ngx_http_judge_waiters_sentinel;
}


/*
 * The zone was reset: what our requests wait for may be gone, so every
 * one of them looks again (and answers 404 when it is).
 */

void
ngx_http_judge_waiter_reset(void)
{
    ngx_uint_t          i;
    ngx_array_t        *ids;
    ngx_pool_t         *pool;
    ngx_rbtree_node_t  *node, *sentinel;
    uint64_t           *id;

    sentinel = &ngx_http_judge_waiters_sentinel;

    if (ngx_http_judge_waiters.root == NULL
        || ngx_http_judge_waiters.root == sentinel)
    {
        return;
    }

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    ids = ngx_array_create(pool, 16, sizeof(uint64_t));
    if (ids == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    for (node = ngx_rbtree_min(ngx_http_judge_waiters.root, sentinel);
         node;
         node = ngx_rbtree_next(&ngx_http_judge_waiters, node))
    {
        id = ngx_array_push(ids);
        if (id == NULL) {
            break;
        }

        *id = node->key;
    }

    id = ids->elts;

    for (i = 0; i < ids->nelts; i++) {
        ngx_http_judge_waiter_deliver(id[i]);
    }

    ngx_destroy_pool(pool);
}


/* files the request with its job; NGX_OK: it is told when the job moves */

static ngx_int_t
ngx_http_judge_watch(ngx_http_judge_api_ctx_t *ctx,
    ngx_http_judge_addr_t *self, ngx_uint_t progress)
{
    ngx_int_t                    rc;
    ngx_http_judge_store_op_t    op;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(ctx->request, ngx_http_judge_module);

    ngx_memzero(&op, sizeof(ngx_http_judge_store_op_t));
    op.zone = jmcf->zone;
    op.log = ctx->request->connection->log;
    op.id = ctx->arg;
    op.addr = self;
    op.progress = progress;

    rc = jmcf->zone->store->watch(&op);

    if (rc == NGX_OK) {
        ctx->watching = 1;
    }

    return rc;
}


/* the client went away before the answer, or the answer is out */

static void
ngx_http_judge_waiter_cleanup(void *data)
{
    ngx_http_judge_api_ctx_t  *ctx = data;

    ngx_http_judge_store_op_t    op;
    ngx_http_judge_main_conf_t  *jmcf;

    /* its job no longer keeps a place for it among the job's listeners */

    if (ctx->watching) {
        ctx->watching = 0;

        jmcf = ngx_http_get_module_main_conf(ctx->request,
                                             ngx_http_judge_module);
        ngx_memzero(&op, sizeof(ngx_http_judge_store_op_t));
        op.zone = jmcf->zone;
        op.log = ctx->request->connection->log;
        op.id = ctx->arg;
        op.waiter = (uint64_t) ctx->node.key;

        jmcf->zone->store->unwatch(&op);
    }

    if (!ctx->waiting) {
        return;
    }

    ngx_rbtree_delete(&ngx_http_judge_waiters, &ctx->node);
    ctx->waiting = 0;

    if (ctx->timer.timer_set) {
        ngx_del_timer(&ctx->timer);
    }
}


static ngx_uint_t
ngx_http_judge_wants_wait(ngx_http_request_t *r)
{
    ngx_str_t  wait;

    return ngx_http_arg(r, (u_char *) "wait", 4, &wait) == NGX_OK
           && wait.len == 4 && ngx_strncmp(wait.data, "true", 4) == 0;
}


/*
 * Who a client is without judge_client_key: its IPv4 address, or the /64
 * network of its IPv6 address (a host gets a /64 of its own, so one with
 * many addresses is still one client), after a '/' that no address text
 * holds, in "buf" (9 bytes).
 */

static void
ngx_http_judge_client_addr(ngx_connection_t *c, ngx_str_t *key, u_char *buf)
{
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;

    if (c->sockaddr->sa_family == AF_INET6) {
        sin6 = (struct sockaddr_in6 *) c->sockaddr;

        if (!IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            buf[0] = '/';
            ngx_memcpy(buf + 1, sin6->sin6_addr.s6_addr, 8);
            key->data = buf;
            key->len = 9;
            return;
        }
    }
#endif

    *key = c->addr_text;
}


/* POST /submissions: the body is read, parsed and accepted */

static ngx_int_t
ngx_http_judge_submit_handler(ngx_http_request_t *r)
{
    return ngx_http_judge_read_json(r, ngx_http_judge_submit_body);
}


/*
 * A JSON body is read, then "post" runs: "application/json" (perhaps
 * with parameters) or no type at all, within judge_max_body_size.
 */

static ngx_int_t
ngx_http_judge_read_json(ngx_http_request_t *r,
    ngx_http_client_body_handler_pt post)
{
    size_t                      n;
    ngx_table_elt_t            *ct;
    ngx_http_judge_loc_conf_t  *jlcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    ct = r->headers_in.content_type;

    n = sizeof("application/json") - 1;

    if (ct && !(ct->value.len >= n
                && ngx_strncasecmp(ct->value.data,
                                   (u_char *) "application/json", n) == 0
                && (ct->value.len == n || ct->value.data[n] == ';'
                    || ct->value.data[n] == ' '
                    || ct->value.data[n] == '\t')))
    {
        return ngx_http_judge_refuse(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                     "unsupported_media_type",
                                     "the body must be application/json");
    }

    if (r->headers_in.content_length_n > (off_t) jlcf->max_body_size) {
        return ngx_http_judge_refuse(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                     "body_too_large",
                                     "the body is larger than "
                                     "judge_max_body_size");
    }

    return ngx_http_judge_body_start(r, post);
}


/*
 * The body is read into one buffer where nginx can (in memory, as
 * client_body_buffer_size allows), then "post" runs.
 */

ngx_int_t
ngx_http_judge_body_start(ngx_http_request_t *r,
    ngx_http_client_body_handler_pt post)
{
    ngx_int_t  rc;

    r->request_body_in_single_buf = 1;

    rc = ngx_http_read_client_request_body(r, post);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_judge_submit_body(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_judge_api_ctx_t   *ctx;
    ngx_http_judge_loc_conf_t  *jlcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    rc = ngx_http_judge_body_read(r, jlcf->max_body_size, &ctx->body);

    if (rc != NGX_OK) {
        ngx_http_finalize_request(r, ngx_http_judge_body_failed(r, rc));
        return;
    }

    /* a retry with the same Idempotency-Key is answered as the first */

    ngx_http_finalize_request(r,
        ngx_http_judge_idem_check(r, NULL, ngx_http_judge_submit_go));
}


/* a submission's body, checked and filed */

static ngx_int_t
ngx_http_judge_submit_go(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_judge_langs_t        langs;
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_api_ctx_t     *ctx;
    ngx_http_judge_loc_conf_t    *jlcf;
    ngx_http_judge_submission_t  *sub;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    /* it may outlive this call, while a store files it */

    sub = ngx_palloc(r->pool, sizeof(ngx_http_judge_submission_t));
    if (sub == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * One to a stored problem is judged against it: its route's, or one
     * that names it; the words may also be in a string (a test's stdin),
     * which the parse tells apart.
     */

    if (ctx->problem.len) {
        return ngx_http_judge_problem_submit(r, &ctx->problem);
    }

    if (ctx->body.len
        && ngx_strlcasestrn(ctx->body.data, ctx->body.data + ctx->body.len,
                            (u_char *) "\"problem_id\"", 12 - 1)
           != NULL)
    {
        rc = ngx_http_judge_problem_submit(r, NULL);

        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    ngx_http_judge_api_langs(r, &langs);

    if (ngx_http_judge_submit_parse(r->pool, jlcf, &langs, &ctx->body, sub,
                                    &err)
        != NGX_OK)
    {
        return ngx_http_judge_send_error(r, err.status, err.code,
                                         (char *) err.message);
    }

    return ngx_http_judge_submission_accept(r, sub);
}


/* the languages as the registry in the zone knows them */

static ngx_int_t
ngx_http_judge_submit_language(void *data, ngx_str_t *language,
    ngx_uint_t *compiled)
{
    ngx_int_t               rc, fleet;
    ngx_http_judge_zone_t  *zone = data;

    rc = ngx_http_judge_registry_language(zone, language, compiled);

    /* no worker here: one of another frontend may take it */

    if (rc == NGX_OK || zone->store->offered == NULL) {
        return rc;
    }

    fleet = zone->store->offered(zone, language, compiled);

    if (fleet == NGX_OK || (fleet == NGX_BUSY && rc == NGX_DECLINED)) {
        return fleet;
    }

    return rc;
}


static ngx_int_t
ngx_http_judge_submit_flags(void *data, ngx_pool_t *pool,
    ngx_str_t *language, char **flags, size_t nflags, size_t *refused)
{
    return ngx_http_judge_registry_flags(data, pool, language, flags, nflags,
                                         refused);
}


/*
 * The body as one piece of memory; NGX_DECLINED when it is larger than
 * "max" bytes
 */

ngx_int_t
ngx_http_judge_body_read(ngx_http_request_t *r, size_t max, ngx_str_t *body)
{
    u_char       *p;
    off_t         len;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    ngx_str_null(body);

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        len += ngx_buf_size(cl->buf);
    }

    if (len > (off_t) max) {
        return NGX_DECLINED;
    }

    b = r->request_body->bufs->buf;

    if (r->request_body->bufs->next == NULL && !b->in_file) {
        body->data = b->pos;
        body->len = b->last - b->pos;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    body->data = p;

    p = ngx_http_judge_chain_copy(r->request_body->bufs, p);
    if (p == NULL) {
        return NGX_ERROR;
    }

    body->len = p - body->data;

    return NGX_OK;
}


/*
 * A checked submission goes into the store and the scheduler starts on it.
 * Without ?wait=true the answer is 202 with the id and a Location; with
 * it, the answer is the finished job (or where it stands at
 * judge_wait_timeout, with 202).
 */

static ngx_int_t
ngx_http_judge_submission_accept(ngx_http_request_t *r,
    ngx_http_judge_submission_t *sub)
{
    ngx_int_t                   rc;
    ngx_http_judge_store_op_t  *op;

    op = ngx_http_judge_submission_file(r, sub,
                                        ngx_http_judge_submission_filed, &rc);
    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_store_answer(r, op, rc);
}


/*
 * A checked submission given to the store, whose outcome ("rc", or
 * NGX_AGAIN until "answer" is called) is of the returned operation; NULL:
 * out of memory.  The job is the client's (judge_client_key) for fair
 * shares and judge_client_jobs.
 */

static ngx_http_judge_store_op_t *
ngx_http_judge_submission_file(ngx_http_request_t *r,
    ngx_http_judge_submission_t *sub, ngx_http_judge_answer_pt answer,
    ngx_int_t *rc)
{
    ngx_md5_t                    md5;
    ngx_str_t                    key;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;
    u_char                       v6[9];

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    if (jlcf->client_key) {
        if (ngx_http_complex_value(r, jlcf->client_key, &key) != NGX_OK) {
            return NULL;
        }

    } else {
        ngx_http_judge_client_addr(r->connection, &key, v6);
    }

    ngx_md5_init(&md5);
    ngx_md5_update(&md5, key.data, key.len);
    ngx_md5_final(sub->client, &md5);

    op = ngx_http_judge_store_op(r, answer);
    if (op == NULL) {
        return NULL;
    }

    /* named by the store (a run's path names its session, not it) */
    ngx_str_null(&op->id);

    op->jlcf = jlcf;
    op->sub = sub;

    *rc = jmcf->zone->store->create(op);

    return op;
}


/* what the store said to a submission, told to the client */

static ngx_int_t
ngx_http_judge_submission_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    u_char                      *p, *last;
    ngx_str_t                    path;
    ngx_buf_t                   *b;
    ngx_table_elt_t             *h;
    ngx_http_judge_addr_t        self;
    ngx_http_judge_invalid_t     err;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);
    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (rc != NGX_OK && ctx->run) {
        /* no job: the run it was admitted for goes back */
        ngx_http_judge_session_tell(r, NGX_HTTP_JUDGE_SESSION_REFUND, NULL);
    }

    if (rc != NGX_OK) {
        if (ngx_http_judge_api_refused(rc, &err) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_judge_send_error(r, err.status, err.code,
                                         (char *) err.message);
    }

    ctx->arg = op->id;

    if (ctx->run) {
        ngx_http_judge_session_tell(r, NGX_HTTP_JUDGE_SESSION_RAN, &op->id);
    }

    if (ctx->problem.len
        && ngx_http_judge_problem_record(jmcf->zone->problems, &ctx->problem,
                                         &op->id, &ctx->body)
           != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "judge: submission %V to problem \"%V\" could not be "
                      "kept for rejudging", &op->id, &ctx->problem);
    }

    if (ctx->idem_held) {
        /* what a retry is answered with: the first 202, Location first */

        ngx_http_judge_api_path(r, &path);

        p = ngx_pnalloc(r->pool, r->uri.len + sizeof("/executions/\n")
                                 + sizeof("{\"execution_id\":\"\",\"id\":\"\","
                                          "\"session_id\":\"\",\"revision\":,"
                                          "\"status\":\"QUEUED\"}\n")
                                 + 4 * NGX_HTTP_JUDGE_JOB_ID_LEN
                                 + NGX_INT64_LEN);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (ctx->run) {
            last = ngx_cpymem(p, r->uri.data, r->uri.len - path.len);
            last = ngx_sprintf(last, "/executions/%V\n{\"execution_id\":"
                               "\"%V\",\"id\":\"%V\",\"session_id\":\"%*s\","
                               "\"revision\":%uL,\"status\":\"QUEUED\"}\n",
                               &op->id, &op->id, &op->id,
                               (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN,
                               ctx->view->id, ctx->view->revision);

        } else {
            last = ngx_sprintf(p, "%V/%V\n{\"id\":\"%V\","
                               "\"status\":\"QUEUED\"}\n",
                               &r->uri, &op->id, &op->id);
        }

        ngx_http_judge_idem_answered(r, NGX_HTTP_ACCEPTED, p, last - p);
    }

    if (ngx_http_judge_wants_wait(r)) {
        rc = ngx_http_judge_wait(r, ctx, ngx_http_judge_submission_wake,
                                 jlcf->wait_timeout, &self);
        if (rc != NGX_OK) {
            return rc;
        }

        rc = ngx_http_judge_watch(ctx, &self, 0);

        ngx_http_judge_sched_run(jmcf->zone);

        if (rc == NGX_OK) {
            r->main->count++;
            return NGX_DONE;
        }

        ngx_http_judge_waiter_cleanup(ctx);

        return ngx_http_judge_submission_json(r, 1);
    }

    ngx_http_judge_sched_run(jmcf->zone);

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->value.data = ngx_pnalloc(r->pool, r->uri.len + 1 + op->id.len);
    if (h->value.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Location");

    if (ctx->run) {
        /* the run's own resource: .../executions/{id} beside the session */
        ngx_http_judge_api_path(r, &path);

        h->value.data = ngx_pnalloc(r->pool, r->uri.len + op->id.len
                                             + sizeof("/executions/"));
        if (h->value.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        p = ngx_cpymem(h->value.data, r->uri.data, r->uri.len - path.len);
        p = ngx_sprintf(p, "/executions/%V", &op->id);
        h->value.len = p - h->value.data;

        b = ngx_create_temp_buf(r->pool,
                                sizeof("{\"execution_id\":\"\",\"id\":\"\","
                                       "\"session_id\":\"\",\"revision\":,"
                                       "\"status\":\"QUEUED\"}\n")
                                + 3 * NGX_HTTP_JUDGE_JOB_ID_LEN
                                + NGX_INT64_LEN);
        if (b == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        b->last = ngx_sprintf(b->last, "{\"execution_id\":\"%V\",\"id\":\"%V\","
                              "\"session_id\":\"%*s\",\"revision\":%uL,"
                              "\"status\":\"QUEUED\"}\n",
                              &op->id, &op->id,
                              (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN,
                              ctx->view->id, ctx->view->revision);

        return ngx_http_judge_send_json(r, NGX_HTTP_ACCEPTED, b);
    }

    p = ngx_cpymem(h->value.data, r->uri.data, r->uri.len);
    *p++ = '/';
    p = ngx_cpymem(p, op->id.data, op->id.len);
    h->value.len = p - h->value.data;

    b = ngx_create_temp_buf(r->pool, sizeof("{\"id\":\"\",\"status\":"
                                            "\"QUEUED\"}\n")
                                     + op->id.len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_sprintf(b->last, "{\"id\":\"%V\",\"status\":\"QUEUED\"}\n",
                          &op->id);

    return ngx_http_judge_send_json(r, NGX_HTTP_ACCEPTED, b);
}


/*
 * Why the store did not file a submission ("rc" of its create), as the
 * error to answer in "err"; NGX_ERROR: the judge failed (500).
 */

ngx_int_t
ngx_http_judge_api_refused(ngx_int_t rc, ngx_http_judge_invalid_t *err)
{
    switch (rc) {

    case NGX_HTTP_SERVICE_UNAVAILABLE:
        (void) ngx_http_judge_invalid(err, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "store_unavailable",
                                      "the judge's durable store cannot be "
                                      "reached now; nothing was accepted");
        return NGX_OK;

    case NGX_HTTP_TOO_MANY_REQUESTS:
        (void) ngx_http_judge_invalid(err, NGX_HTTP_TOO_MANY_REQUESTS,
                                      "too_many_jobs",
                                      "this client has as many unfinished "
                                      "submissions as it may have now "
                                      "(judge_client_jobs, or its share of a "
                                      "queue half full)");
        return NGX_OK;

    case NGX_BUSY:
        (void) ngx_http_judge_invalid(err, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "queue_full",
                                      "too many submissions in progress");
        return NGX_OK;

    case NGX_DECLINED:
        (void) ngx_http_judge_invalid(err, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "zone_full",
                                      "no room for the submission in the "
                                      "judge's memory");
        return NGX_OK;

    case NGX_HTTP_INSUFFICIENT_STORAGE:
        (void) ngx_http_judge_invalid(err, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "cache_full",
                                      "no room for the submission in the "
                                      "judge's cache directory");
        return NGX_OK;

    case NGX_ABORT:
        (void) ngx_http_judge_invalid(err, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "cache_unavailable",
                                      "the judge's cache directory cannot be "
                                      "written");
        return NGX_OK;

    case NGX_DONE:
        (void) ngx_http_judge_invalid(err, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                      "too_large_for_cache",
                                      "the tests and the most their results "
                                      "can take do not fit in the judge's "
                                      "cache directory (judge_cache_path "
                                      "max_size)");
        return NGX_OK;
    }

    return NGX_ERROR;
}


/* the request's "*" of its route */

ngx_str_t *
ngx_http_judge_api_arg(ngx_http_request_t *r)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    return &ctx->arg;
}


/* where a dialect keeps what it needs from one step of a request to the next */

void **
ngx_http_judge_api_data(ngx_http_request_t *r)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    return &ctx->data;
}


/* the languages as the registry knows them, for the submission parser */

void
ngx_http_judge_api_langs(ngx_http_request_t *r, ngx_http_judge_langs_t *langs)
{
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    langs->language = ngx_http_judge_submit_language;
    langs->flags = ngx_http_judge_submit_flags;
    langs->data = jmcf->zone;
}


/*
 * A checked submission is filed; "answer" gets the store's word (op->id
 * is the new job's) once the scheduler has started on it.
 */

ngx_int_t
ngx_http_judge_api_file(ngx_http_request_t *r,
    ngx_http_judge_submission_t *sub, ngx_http_judge_answer_pt answer)
{
    ngx_int_t                    rc;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_store_op_t   *op;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    ctx->filed = answer;

    op = ngx_http_judge_submission_file(r, sub, ngx_http_judge_api_filed,
                                        &rc);
    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_store_answer(r, op, rc);
}


static ngx_int_t
ngx_http_judge_api_filed(ngx_http_request_t *r, ngx_http_judge_store_op_t *op,
    ngx_int_t rc)
{
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (rc == NGX_OK) {
        jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);
        ngx_http_judge_sched_run(jmcf->zone);
    }

    return ctx->filed(r, op, rc);
}


/*
 * The job "id" as JSON for "answer" (NULL: the native API's): at once, or
 * with "wait" once it has ended (or at judge_wait_timeout, unfinished).
 */

ngx_int_t
ngx_http_judge_api_job(ngx_http_request_t *r, ngx_str_t *id, ngx_uint_t wait,
    ngx_http_judge_answer_pt answer)
{
    ngx_int_t                    rc;
    ngx_http_judge_addr_t        self;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_loc_conf_t   *jlcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    ctx->arg = *id;
    ctx->job_answer = answer;

    if (wait) {
        rc = ngx_http_judge_wait(r, ctx, ngx_http_judge_submission_wake,
                                 jlcf->wait_timeout, &self);
        if (rc != NGX_OK) {
            return rc;
        }

        if (ngx_http_judge_watch(ctx, &self, 0) == NGX_OK) {
            r->main->count++;
            return NGX_DONE;
        }

        ngx_http_judge_waiter_cleanup(ctx);
    }

    return ngx_http_judge_submission_json(r, 0);
}


/* the job "id" is cancelled; "answer" gets the store's word */

ngx_int_t
ngx_http_judge_api_cancel(ngx_http_request_t *r, ngx_str_t *id,
    ngx_http_judge_answer_pt answer)
{
    ngx_int_t                    rc;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    ctx->arg = *id;

    op = ngx_http_judge_store_op(r, answer);
    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    op->execution = ctx->execution;

    rc = jmcf->zone->store->cancel(op);

    return ngx_http_judge_store_answer(r, op, rc);
}


/*
 * A job's JSON.  "local": from what this frontend holds now, as when it
 * was just filed or its end was just told; otherwise the store may look
 * further and answer later.
 */

static ngx_int_t
ngx_http_judge_submission_json(ngx_http_request_t *r, ngx_uint_t local)
{
    ngx_int_t                    rc;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);
    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    op = ngx_http_judge_store_op(r, ctx->job_answer
                                    ? ctx->job_answer
                                    : ngx_http_judge_submission_answer);
    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    op->local = local;
    op->execution = ctx->execution;

    rc = jmcf->zone->store->read(op);

    return ngx_http_judge_store_answer(r, op, rc);
}


static ngx_int_t
ngx_http_judge_submission_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    ngx_uint_t  status;

    static ngx_str_t  json = ngx_string("application/json");

    if (rc == NGX_DECLINED) {
        return ngx_http_judge_not_found(r);
    }

    if (rc == NGX_HTTP_SERVICE_UNAVAILABLE) {
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "store_unavailable",
                                         "the submission is not here and "
                                         "the judge's durable store cannot "
                                         "be reached now");
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    status = NGX_HTTP_OK;

    if (!op->finished && r->method == NGX_HTTP_POST) {
        status = NGX_HTTP_ACCEPTED;
    }

    return ngx_http_judge_send_chain(r, status, &json, op->out, op->len);
}


/* DELETE: what the store said, then where the submission stands */

static ngx_int_t
ngx_http_judge_submission_cancel(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (rc == NGX_DONE) {
        return ngx_http_judge_send_error(r, NGX_HTTP_CONFLICT,
                                         "already_finished",
                                         ctx->execution
                                         ? "the execution has finished"
                                         : "the submission has finished");
    }

    if (rc == NGX_HTTP_SERVICE_UNAVAILABLE) {
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "store_unavailable",
                                         "the submission is not here and "
                                         "the judge's durable store cannot "
                                         "be reached now");
    }

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "judge: submission %V cancelled", &ctx->arg);
    }

    return ngx_http_judge_submission_json(r, 0);
}


static void
ngx_http_judge_submission_wake(ngx_http_judge_api_ctx_t *ctx,
    ngx_uint_t timedout)
{
    ngx_http_judge_addr_t        self;
    ngx_http_judge_main_conf_t  *jmcf;

    /*
     * Woken before its job ended (the zone was reset, say, and every
     * waiter looks again): it waits on while the job runs.
     */

    if (!timedout) {
        jmcf = ngx_http_get_module_main_conf(ctx->request,
                                             ngx_http_judge_module);

        self.pid = ngx_pid;
        self.generation = jmcf->zone->generation;
        self.id = (uint64_t) ctx->node.key;

        if (ngx_http_judge_watch(ctx, &self, 0)
            == NGX_OK)
        {
            return;
        }
    }

    ngx_http_judge_waiter_finish(ctx,
                  ngx_http_judge_submission_json(ctx->request, 0));
}


/* GET (?wait=true) and DELETE /submissions/{id} */

static ngx_int_t
ngx_http_judge_submission(ngx_http_request_t *r)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (r->method == NGX_HTTP_DELETE) {
        return ngx_http_judge_api_cancel(r, &ctx->arg,
                                         ngx_http_judge_submission_cancel);
    }

    return ngx_http_judge_api_job(r, &ctx->arg, ngx_http_judge_wants_wait(r),
                                  NULL);
}


/*
 * GET /submissions/{id}/events: Server-Sent Events, "test" for each
 * finished test in finishing order (a late client first gets what already
 * happened), then "verdict" with the whole result, then the end.
 */

static ngx_int_t
ngx_http_judge_events(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_http_judge_addr_t        self;
    ngx_http_judge_api_ctx_t    *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    rc = ngx_http_judge_wait(r, ctx, ngx_http_judge_events_wake, 15000,
                             &self);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_http_judge_watch(ctx, &self, 1);
    ctx->self = self;

    if (rc == NGX_DECLINED) {
        ngx_http_judge_waiter_cleanup(ctx);
        return ngx_http_judge_not_found(r);
    }

    if (rc == NGX_BUSY) {
        ngx_http_judge_waiter_cleanup(ctx);

        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "too_many_listeners",
                                         "too many clients follow this "
                                         "job, or jobs held by other "
                                         "frontends, here now; try again");
    }

    if (rc == NGX_DONE) {
        ngx_http_judge_waiter_cleanup(ctx);
    }

    r->main->count++;

    /*
     * The stream starts with the first read of the job: one held by
     * another frontend may turn out to be unknown (404) or out of reach
     * (503).  What already happened goes out then; a finished job ends
     * there.
     */

    ctx->starting = 1;
    ngx_http_judge_events_wake(ctx, 0);
    ctx->starting = 0;

    return NGX_DONE;
}


/* the stream's headers and its first line, sent at once */

static ngx_int_t
ngx_http_judge_events_start(ngx_http_request_t *r)
{
    ngx_int_t         rc;
    ngx_table_elt_t  *h;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = -1;
    ngx_str_set(&r->headers_out.content_type, "text/event-stream");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Cache-Control");
    ngx_str_set(&h->value, "no-cache");

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "X-Accel-Buffering");
    ngx_str_set(&h->value, "no");

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_judge_events_comment(r, ": judge\n\n");
}


/* an SSE comment line, sent at once */

static ngx_int_t
ngx_http_judge_events_comment(ngx_http_request_t *r, char *text)
{
    ngx_buf_t    *b;
    ngx_chain_t   out;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->pos = (u_char *) text;
    b->last = b->pos + ngx_strlen(text);
    b->memory = 1;
    b->flush = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static void
ngx_http_judge_events_wake(ngx_http_judge_api_ctx_t *ctx, ngx_uint_t timedout)
{
    ngx_int_t                    rc;
    ngx_connection_t            *c;
    ngx_http_request_t          *r;
    ngx_http_judge_main_conf_t  *jmcf;

    r = ctx->request;
    c = r->connection;
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    if (ctx->reading) {
        /* a read is out: it looks again once it is back */
        ctx->again = 1;
        return;
    }

    if (ngx_http_judge_events_blocked(r, ctx)) {
        /* the writer catches up once the client has read what is out */
        if (timedout) {
            ngx_add_timer(&ctx->timer, ctx->timeout);
        }

        return;
    }

    if (timedout) {
        /* a comment line keeps proxies and clients from giving up */
        if (ngx_http_judge_events_comment(r, ": ping\n\n") == NGX_ERROR) {
            ngx_http_judge_waiter_finish(ctx, NGX_ERROR);
            return;
        }

        ngx_add_timer(&ctx->timer, ctx->timeout);
        ngx_http_run_posted_requests(c);
        return;
    }

    ngx_memzero(&ctx->op, sizeof(ngx_http_judge_store_op_t));
    ctx->op.zone = jmcf->zone;
    ctx->op.pool = r->pool;
    ctx->op.log = c->log;
    ctx->op.id = ctx->arg;
    ctx->op.cursor = &ctx->cursor;
    ctx->op.addr = &ctx->self;
    ctx->op.progress = 1;
    ctx->op.execution = ctx->execution;
    ctx->op.done = ngx_http_judge_events_read;
    ctx->op.data = ctx;

    rc = jmcf->zone->store->events(&ctx->op);

    if (rc == NGX_AGAIN) {
        ctx->reading = 1;
        r->main->count++;
        return;
    }

    (void) ngx_http_judge_events_out(ctx, rc);
}


/* a read the store answered later */

static void
ngx_http_judge_events_read(ngx_http_judge_store_op_t *op)
{
    ngx_http_judge_api_ctx_t  *ctx = op->data;

    ngx_http_request_t  *r;

    r = ctx->request;
    ctx->reading = 0;

    /*
     * The count taken while the read was out goes back first: the stream
     * holds its own, and a stream that ends here (a client gone, its
     * last event) is freed by its finalizing, not to be touched after.
     */

    r->main->count--;

    if (ngx_http_judge_events_out(ctx, op->rc) == NGX_OK && ctx->again) {
        ctx->again = 0;
        ngx_http_judge_events_wake(ctx, 0);
    }
}


/* what the store had for the stream, sent; NGX_DONE: the stream ended */

static ngx_int_t
ngx_http_judge_events_out(ngx_http_judge_api_ctx_t *ctx, ngx_int_t rc)
{
    ngx_uint_t           finished;
    ngx_chain_t         *out, *last;
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = ctx->request;
    c = r->connection;

    out = ctx->op.out;
    finished = ctx->op.finished;

    if (!r->header_sent) {
        switch (rc) {

        case NGX_OK:
            if (ngx_http_judge_events_start(r) != NGX_OK) {
                ngx_http_judge_waiter_finish(ctx, NGX_ERROR);
                return NGX_DONE;
            }

            break;

        case NGX_DECLINED:
            rc = ngx_http_judge_not_found(r);
            ngx_http_judge_waiter_finish(ctx, rc);
            return NGX_DONE;

        case NGX_HTTP_SERVICE_UNAVAILABLE:
            rc = ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                           "store_unavailable",
                                           "the judge's durable store "
                                           "cannot be reached now");
            ngx_http_judge_waiter_finish(ctx, rc);
            return NGX_DONE;

        default:
            ngx_http_judge_waiter_finish(ctx, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return NGX_DONE;
        }
    }

    if (rc == NGX_DECLINED) {
        finished = 1;
        out = NULL;

    } else if (rc != NGX_OK) {
        ngx_http_judge_waiter_finish(ctx, NGX_ERROR);
        return NGX_DONE;
    }

    if (out) {
        for (last = out; last->next; last = last->next) { /* void */ }

        last->buf->flush = 1;
        last->buf->last_buf = finished;

        if (ngx_http_output_filter(r, out) == NGX_ERROR) {
            ngx_http_judge_waiter_finish(ctx, NGX_ERROR);
            return NGX_DONE;
        }

        /* a stream lives long: what was sent is used again */
        ngx_chain_update_chains(r->pool, &ctx->cursor.free, &ctx->busy, &out,
                                (ngx_buf_tag_t) &ngx_http_judge_module);

    } else if (finished) {
        if (ngx_http_send_special(r, NGX_HTTP_LAST) == NGX_ERROR) {
            ngx_http_judge_waiter_finish(ctx, NGX_ERROR);
            return NGX_DONE;
        }
    }

    if (finished) {
        ngx_http_judge_waiter_finish(ctx, NGX_OK);
        return NGX_DONE;
    }

    ngx_http_run_posted_requests(c);

    return NGX_OK;
}


/*
 * Whether the client has not read what was sent yet.  Then no more
 * events are made (memory per stream stays at what is out), the request
 * waits to be writable, and send_timeout without progress ends it.
 */

static ngx_uint_t
ngx_http_judge_events_blocked(ngx_http_request_t *r,
    ngx_http_judge_api_ctx_t *ctx)
{
    ngx_event_t               *wev;
    ngx_http_core_loc_conf_t  *clcf;

    if (ctx->busy == NULL && !r->connection->buffered && r->out == NULL) {
        return 0;
    }

    wev = r->connection->write;
    clcf = ngx_http_get_module_loc_conf(r->main, ngx_http_core_module);

    r->write_event_handler = ngx_http_judge_events_writer;

    if (!wev->timer_set) {
        ngx_add_timer(wev, clcf->send_timeout);
    }

    if (ngx_handle_write_event(wev, clcf->send_lowat) != NGX_OK) {
        ngx_http_judge_waiter_finish(ctx, NGX_ERROR);
    }

    return 1;
}


static void
ngx_http_judge_events_writer(ngx_http_request_t *r)
{
    ngx_event_t               *wev;
    ngx_chain_t               *out;
    ngx_connection_t          *c;
    ngx_http_judge_api_ctx_t  *ctx;

    c = r->connection;
    wev = c->write;
    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (wev->timedout) {
        ngx_log_error(NGX_LOG_INFO, c->log, NGX_ETIMEDOUT,
                      "judge: events client timed out");
        c->timedout = 1;
        ngx_http_judge_waiter_finish(ctx, NGX_HTTP_REQUEST_TIME_OUT);
        return;
    }

    if (ngx_http_output_filter(r, NULL) == NGX_ERROR) {
        ngx_http_judge_waiter_finish(ctx, NGX_ERROR);
        return;
    }

    out = NULL;
    ngx_chain_update_chains(r->pool, &ctx->cursor.free, &ctx->busy, &out,
                            (ngx_buf_tag_t) &ngx_http_judge_module);

    if (wev->timer_set) {
        ngx_del_timer(wev);
    }

    if (ngx_http_judge_events_blocked(r, ctx)) {
        return;
    }

    r->write_event_handler = ngx_http_request_empty_handler;

    /* what came meanwhile */
    ngx_http_judge_events_wake(ctx, 0);
}


static ngx_int_t
ngx_http_judge_languages(ngx_http_request_t *r)
{
    ngx_buf_t                 *b;
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    b = ngx_http_judge_api_languages(r, ctx->arg.len ? &ctx->arg : NULL);
    if (b == NULL) {
        if (ctx->arg.len) {
            return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                             "unknown_language",
                                             "no live worker offers that "
                                             "language");
        }

        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_send_json(r, NGX_HTTP_OK, b);
}


/*
 * The languages as GET /languages shows them (the location's default
 * limits in each), or the one "only" names; NULL: no such language, or
 * out of memory.
 */

ngx_buf_t *
ngx_http_judge_api_languages(ngx_http_request_t *r, ngx_str_t *only)
{
    u_char                      *p;
    ngx_str_t                    defaults, top;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    defaults.data = ngx_pnalloc(r->pool, 384);
    if (defaults.data == NULL) {
        return NULL;
    }

    p = ngx_sprintf(defaults.data,
                    "\"cpu_time_ms\":%uL,\"wall_time_ms\":%uL,"
                    "\"memory_kb\":%uL,\"output_kb\":%uL,\"processes\":%uL",
                    jlcf->cpu_time.value, jlcf->wall_time.value,
                    jlcf->memory.value, jlcf->output.value,
                    jlcf->processes.value);
    defaults.len = p - defaults.data;

    /* the defaults as the live-code API names them */

    top.data = p;
    p = ngx_sprintf(p, "\"default_time_limit_ms\":%uL,"
                    "\"default_memory_mb\":%uL",
                    jlcf->cpu_time.value, jlcf->memory.value / 1024);
    top.len = p - top.data;

    return ngx_http_judge_registry_languages_json(jmcf->zone, r->pool, only,
                                                  &defaults, &top);
}


/*
 * GET /metrics: this frontend's figures; ?scope=fleet: every frontend's,
 * as each last left them in the store.
 */

static ngx_int_t
ngx_http_judge_metrics_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_buf_t                   *b;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    rc = ngx_http_judge_fleet_view(r, jmcf->zone->store->metrics,
                                   ngx_http_judge_metrics_answer);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    b = ngx_http_judge_metrics(jmcf->zone, r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_send(r, NGX_HTTP_OK, &ngx_http_judge_metrics_type,
                               b);
}


static ngx_int_t
ngx_http_judge_metrics_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    return ngx_http_judge_fleet_answer(r, op, rc,
                                       &ngx_http_judge_metrics_type);
}


/* a job the request names is not there (or not a run, when it asks one) */

static ngx_int_t
ngx_http_judge_not_found(ngx_http_request_t *r)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (ctx->execution) {
        return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                         "execution_not_found",
                                         "no execution with that id (it, or "
                                         "its session, may have expired)");
    }

    return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                     "submission_not_found",
                                     "no submission with that id "
                                     "(it may have expired)");
}


/* ------------------------------------------------------ Idempotency-Key */


/*
 * A request with an Idempotency-Key header that creates a job (within a
 * scope: its client, or the session it runs) is answered once: a retry
 * with the key and the same body gets the first answer again, with
 * another body a 422, while the first is still being answered a 409.
 * NGX_OK: go on (the key, if any, is held until the answer); NGX_DONE:
 * answered, *answer is for ngx_http_finalize_request().
 */

static ngx_int_t
ngx_http_judge_idem_check(ngx_http_request_t *r, ngx_str_t *scope,
    ngx_http_judge_go_pt go)
{
    ngx_int_t                    rc;
    ngx_str_t                    key, client;
    ngx_uint_t                   i;
    EVP_MD_CTX                  *md;
    ngx_list_part_t             *part;
    ngx_table_elt_t             *h;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;
    u_char                       v6[9];

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    ngx_str_null(&key);

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {
        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == sizeof("Idempotency-Key") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "Idempotency-Key",
                               h[i].key.len) == 0)
        {
            key = h[i].value;
            break;
        }
    }

    if (key.data == NULL) {
        return go(r);
    }

    if (key.len == 0 || key.len > 255) {
        return ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                         "invalid_idempotency_key",
                                         "Idempotency-Key is 1 to 255 "
                                         "characters");
    }

    /* whose key it is: the session run, or the client (judge_client_key) */

    if (scope == NULL) {
        if (jlcf->client_key) {
            if (ngx_http_complex_value(r, jlcf->client_key, &client)
                != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

        } else {
            ngx_http_judge_client_addr(r->connection, &client, v6);
        }

        scope = &client;
    }

    op = ngx_http_judge_store_op(r, ngx_http_judge_idem_answer);
    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    md = EVP_MD_CTX_new();

    if (md == NULL
        || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1
        || EVP_DigestUpdate(md, ctx->run ? "run" : "sub", 4) != 1
        || EVP_DigestUpdate(md, scope->data, scope->len) != 1
        || EVP_DigestUpdate(md, "", 1) != 1
        || EVP_DigestUpdate(md, key.data, key.len) != 1
        || EVP_DigestFinal_ex(md, ctx->idem, NULL) != 1
        || EVP_Digest(ctx->body.data, ctx->body.len, ctx->idem_body, NULL,
                      EVP_sha256(), NULL) != 1)
    {
        EVP_MD_CTX_free(md);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    EVP_MD_CTX_free(md);

    ctx->go = go;

    op->key = ctx->idem;
    op->body = ctx->idem_body;
    op->ttl = jlcf->idempotency_ttl;

    rc = jmcf->zone->store->idem(op);

    return ngx_http_judge_store_answer(r, op, rc);
}


/* what the store said of the key: the request goes on, or is answered */

static ngx_int_t
ngx_http_judge_idem_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    u_char                    *p;
    ngx_buf_t                 *b;
    ngx_table_elt_t           *h;
    ngx_pool_cleanup_t        *cln;
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    switch (rc) {

    case NGX_OK:
        cln = ngx_pool_cleanup_add(r->pool, 0);
        if (cln == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        cln->handler = ngx_http_judge_idem_cleanup;
        cln->data = r;
        ctx->idem_held = 1;

        return ctx->go(r);

    case NGX_DONE:
        if (ngx_http_judge_add_header(r, "Idempotent-Replayed", "true")
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        /* the first answer's Location, a line, then its body */

        p = ngx_strlchr(op->answer.data, op->answer.data + op->answer.len,
                        '\n');

        b = ngx_calloc_buf(r->pool);
        h = ngx_list_push(&r->headers_out.headers);

        if (p == NULL || b == NULL || h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Location");
        h->value.data = op->answer.data;
        h->value.len = p - op->answer.data;

        b->pos = p + 1;
        b->last = op->answer.data + op->answer.len;
        b->memory = 1;

        return ngx_http_judge_send_json(r, op->status, b);

    case NGX_BUSY:
        return ngx_http_judge_send_error(r, NGX_HTTP_CONFLICT,
                                         "idempotency_in_progress",
                                         "a request with this "
                                         "Idempotency-Key is still being "
                                         "answered; retry later");

    case NGX_DECLINED:
        return ngx_http_judge_send_error(r, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                         "idempotency_key_reused",
                                         "this Idempotency-Key came with "
                                         "another body");

    case NGX_ABORT:
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "zone_full",
                                         "no room to keep the "
                                         "Idempotency-Key in the judge's "
                                         "memory");

    case NGX_HTTP_BAD_GATEWAY:
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "store_unavailable",
                                         "the judge's durable store cannot "
                                         "be reached now");

    default:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}


/* the first answer to a held key, kept for its retries */

static void
ngx_http_judge_idem_answered(ngx_http_request_t *r, ngx_uint_t status,
    u_char *answer, size_t len)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    ngx_http_judge_idem_tell(r, status, answer, len);
    ctx->idem_held = 0;
}


/* a held key whose request ended without a job: free again */

static void
ngx_http_judge_idem_cleanup(void *data)
{
    ngx_http_request_t  *r = data;

    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    if (ctx == NULL || !ctx->idem_held) {
        return;
    }

    ngx_http_judge_idem_tell(r, 0, NULL, 0);
    ctx->idem_held = 0;
}


/*
 * A held key's end, told to the store; nothing waits for its word, the
 * op has a pool of its own.
 */

static void
ngx_http_judge_idem_tell(ngx_http_request_t *r, ngx_uint_t status,
    u_char *answer, size_t len)
{
    ngx_int_t                    rc;
    ngx_pool_t                  *pool;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    op = ngx_http_judge_store_op_alone(jmcf->zone);
    if (op == NULL) {
        return;
    }

    pool = op->pool;
    op->end = 1;
    op->status = status;
    op->ttl = jlcf->idempotency_ttl;
    op->key = ngx_pnalloc(pool, 2 * NGX_HTTP_JUDGE_SHA256_LEN);
    op->answer.data = ngx_pnalloc(pool, len + 1);
    op->answer.len = len;

    if (op->key == NULL || op->answer.data == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    op->body = op->key + NGX_HTTP_JUDGE_SHA256_LEN;
    ngx_memcpy(op->key, ctx->idem, NGX_HTTP_JUDGE_SHA256_LEN);
    ngx_memcpy(op->body, ctx->idem_body, NGX_HTTP_JUDGE_SHA256_LEN);

    if (len) {
        ngx_memcpy(op->answer.data, answer, len);
    }

    rc = jmcf->zone->store->idem(op);

    if (rc != NGX_AGAIN) {
        ngx_destroy_pool(pool);
    }
}


/*
 * An op for what no request waits for: in a pool of its own, destroyed
 * when the store is done (or by the caller when it was done at once).
 */

static ngx_http_judge_store_op_t *
ngx_http_judge_store_op_alone(ngx_http_judge_zone_t *zone)
{
    ngx_pool_t                 *pool;
    ngx_http_judge_store_op_t  *op;

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return NULL;
    }

    op = ngx_pcalloc(pool, sizeof(ngx_http_judge_store_op_t));
    if (op == NULL) {
        ngx_destroy_pool(pool);
        return NULL;
    }

    op->zone = zone;
    op->pool = pool;
    op->log = ngx_cycle->log;
    op->done = ngx_http_judge_store_op_gone;
    op->data = pool;

    return op;
}


static void
ngx_http_judge_store_op_gone(ngx_http_judge_store_op_t *op)
{
    ngx_destroy_pool(op->data);
}


/* -------------------------------------------------------- code sessions */


/* a body that could not be had: too large (JSON 413), or no memory */

/* a request refused before its body is read: the body goes unread */

static ngx_int_t
ngx_http_judge_refuse(ngx_http_request_t *r, ngx_uint_t status, char *code,
    char *message)
{
    ngx_int_t  rc;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_judge_send_error(r, status, code, message);
}


static ngx_int_t
ngx_http_judge_body_failed(ngx_http_request_t *r, ngx_int_t rc)
{
    if (rc == NGX_DECLINED) {
        return ngx_http_judge_send_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                         "body_too_large",
                                         "the body is larger than "
                                         "judge_max_body_size");
    }

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


/*
 * A session's operation on the store, answered by "answer" (at once, or
 * when the store is done); op->view and the op live in the request's pool.
 */

static ngx_http_judge_store_op_t *
ngx_http_judge_session_op(ngx_http_request_t *r,
    ngx_http_judge_session_verb_e verb, ngx_http_judge_answer_pt answer)
{
    ngx_http_judge_store_op_t  *op;

    op = ngx_http_judge_store_op(r, answer);
    if (op == NULL) {
        return NULL;
    }

    op->verb = verb;
    op->view = ngx_pcalloc(r->pool, sizeof(ngx_http_judge_session_view_t));
    op->change = ngx_pcalloc(r->pool,
                             sizeof(ngx_http_judge_session_change_t));
    op->limits = ngx_pcalloc(r->pool,
                             sizeof(ngx_http_judge_session_limits_t));

    if (op->view == NULL || op->change == NULL || op->limits == NULL) {
        return NULL;
    }

    return op;
}


/*
 * The body of a new session or of a save, read and checked into a new
 * op; NULL when the request was answered (finalized) instead.
 */

static ngx_http_judge_store_op_t *
ngx_http_judge_session_body(ngx_http_request_t *r,
    ngx_http_judge_session_verb_e verb)
{
    ngx_int_t                    rc;
    ngx_str_t                    body;
    ngx_http_judge_langs_t       langs;
    ngx_http_judge_invalid_t     err;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_loc_conf_t   *jlcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    rc = ngx_http_judge_body_read(r, jlcf->max_body_size, &body);

    if (rc != NGX_OK) {
        ngx_http_finalize_request(r, ngx_http_judge_body_failed(r, rc));
        return NULL;
    }

    op = ngx_http_judge_session_op(r, verb, ngx_http_judge_session_answer);
    if (op == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return NULL;
    }

    ngx_http_judge_api_langs(r, &langs);

    if (ngx_http_judge_submit_session(r->pool, jlcf, &langs, &body,
                                      verb == NGX_HTTP_JUDGE_SESSION_CREATE,
                                      op->change, &err)
        != NGX_OK)
    {
        ngx_http_finalize_request(r,
            ngx_http_judge_send_error(r, err.status, err.code,
                                      (char *) err.message));
        return NULL;
    }

    return op;
}


static ngx_int_t
ngx_http_judge_session_create_handler(ngx_http_request_t *r)
{
    return ngx_http_judge_read_json(r, ngx_http_judge_session_create_body);
}


static void
ngx_http_judge_session_create_body(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_http_judge_lang_info_t   info;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    op = ngx_http_judge_session_body(r, NGX_HTTP_JUDGE_SESSION_CREATE);
    if (op == NULL) {
        return;
    }

    /* without a source, the language's template */

    if (!op->change->set_source) {
        op->change->set_source = 1;

        if (ngx_http_judge_registry_language_info(jmcf->zone, r->pool,
                                                  &op->change->language,
                                                  &info)
            == NGX_OK)
        {
            op->change->source = info.template;
        }
    }

    op->ttl = jlcf->session_ttl;
    op->limits->burst = jlcf->session_burst;

    rc = jmcf->zone->store->session(op);

    ngx_http_finalize_request(r, ngx_http_judge_store_answer(r, op, rc));
}


/* GET, PATCH (a save) and DELETE of /code-sessions/{id} */

static ngx_int_t
ngx_http_judge_session_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_main_conf_t  *jmcf;

    if (r->method == NGX_HTTP_PATCH) {
        return ngx_http_judge_read_json(r,
                                        ngx_http_judge_session_patch_body);
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    if (r->method != NGX_HTTP_DELETE) {
        op = ngx_http_judge_session_op(r, NGX_HTTP_JUDGE_SESSION_READ,
                                       ngx_http_judge_session_answer);

    } else {
        op = ngx_http_judge_session_op(r, NGX_HTTP_JUDGE_SESSION_DELETE,
                                       ngx_http_judge_session_deleted);
        if (op) {
            op->execs = ngx_array_create(r->pool, 16,
                                         NGX_HTTP_JUDGE_JOB_ID_LEN);
            if (op->execs == NULL) {
                op = NULL;
            }
        }
    }

    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = jmcf->zone->store->session(op);

    return ngx_http_judge_store_answer(r, op, rc);
}


/* the session went: its runs not ended are cancelled, its runs go */

static ngx_int_t
ngx_http_judge_session_deleted(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    u_char                      *e;
    ngx_str_t                    id;
    ngx_uint_t                   i, cancelled;
    ngx_http_judge_main_conf_t  *jmcf;

    if (rc != NGX_OK) {
        return ngx_http_judge_session_failed(r, rc, op->view);
    }

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    e = op->execs->elts;
    cancelled = 0;

    for (i = 0; i < op->execs->nelts; i++) {
        id.data = e + i * NGX_HTTP_JUDGE_JOB_ID_LEN;
        id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

        /* a run cancelled now stays, for its followers' last word */

        if (ngx_http_judge_sched_cancel_job(jmcf->zone, &id) == NGX_OK) {
            cancelled++;

        } else {
            ngx_http_judge_job_forget(jmcf->zone, &id);
        }
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "judge: code session %V deleted, %ui runs cancelled",
                  &op->id, cancelled);

    r->headers_out.status = NGX_HTTP_NO_CONTENT;
    r->header_only = 1;
    r->headers_out.content_length_n = 0;

    return ngx_http_send_header(r);
}


/* a session's answer: the session, or why not */

static ngx_int_t
ngx_http_judge_session_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    if (rc == NGX_DECLINED && op->verb == NGX_HTTP_JUDGE_SESSION_CREATE) {
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "zone_full",
                                         "no room for the session in the "
                                         "judge's memory");
    }

    if (rc != NGX_OK) {
        return ngx_http_judge_session_failed(r, rc, op->view);
    }

    return ngx_http_judge_session_send(r,
                                       op->verb == NGX_HTTP_JUDGE_SESSION_CREATE
                                       ? NGX_HTTP_CREATED : NGX_HTTP_OK,
                                       op->view);
}


/* If-Match: "<revision>", W/"<revision>", <revision> or *; 0: any */

static ngx_int_t
ngx_http_judge_if_match(ngx_http_request_t *r, uint64_t *revision)
{
    u_char     *p, *last;
    ngx_int_t   n;

    *revision = 0;

    if (r->headers_in.if_match == NULL) {
        return NGX_OK;
    }

    p = r->headers_in.if_match->value.data;
    last = p + r->headers_in.if_match->value.len;

    if (last - p == 1 && *p == '*') {
        /* any revision of the session there is */
        return NGX_OK;
    }

    if (last - p >= 2 && p[0] == 'W' && p[1] == '/') {
        p += 2;
    }

    if (last - p >= 2 && p[0] == '"' && last[-1] == '"') {
        p++;
        last--;
    }

    n = ngx_atoi(p, last - p);

    if (n == NGX_ERROR || n == 0) {
        return NGX_ERROR;
    }

    *revision = n;

    return NGX_OK;
}


static void
ngx_http_judge_session_patch_body(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    uint64_t                     match;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    op = ngx_http_judge_session_body(r, NGX_HTTP_JUDGE_SESSION_UPDATE);
    if (op == NULL) {
        return;
    }

    /* the revision the save was made against: If-Match, or "revision" */

    if (ngx_http_judge_if_match(r, &match) != NGX_OK
        || (match && op->change->revision && match != op->change->revision))
    {
        ngx_http_finalize_request(r,
            ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "If-Match must be a revision, and the "
                                      "same as \"revision\" when both are "
                                      "given"));
        return;
    }

    if (match) {
        op->change->revision = match;
    }

    rc = jmcf->zone->store->session(op);

    ngx_http_finalize_request(r, ngx_http_judge_store_answer(r, op, rc));
}


static ngx_int_t
ngx_http_judge_session_close_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    op = ngx_http_judge_session_op(r, NGX_HTTP_JUDGE_SESSION_CLOSE,
                                   ngx_http_judge_session_answer);
    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = jmcf->zone->store->session(op);

    return ngx_http_judge_store_answer(r, op, rc);
}


static ngx_int_t
ngx_http_judge_session_run_handler(ngx_http_request_t *r)
{
    return ngx_http_judge_read_json(r, ngx_http_judge_session_run_body);
}


/*
 * A run: the session's current revision (or the stdin, args and limits
 * given) as a submission of one test without expectations, whose output
 * is streamed; it is admitted by the session's rate and failures first.
 */

static void
ngx_http_judge_session_run_body(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_judge_api_ctx_t   *ctx;
    ngx_http_judge_loc_conf_t  *jlcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    rc = ngx_http_judge_body_read(r, jlcf->max_body_size, &ctx->body);

    if (rc != NGX_OK) {
        ngx_http_finalize_request(r, ngx_http_judge_body_failed(r, rc));
        return;
    }

    ctx->run = 1;
    ctx->execution = 1;

    ngx_http_finalize_request(r,
        ngx_http_judge_idem_check(r, &ctx->arg, ngx_http_judge_run_go));
}


/* a run asks its session's admission */

static ngx_int_t
ngx_http_judge_run_go(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    op = ngx_http_judge_session_op(r, NGX_HTTP_JUDGE_SESSION_ADMIT,
                                   ngx_http_judge_session_admitted);
    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    op->limits->rate = jlcf->session_rate;
    op->limits->burst = jlcf->session_burst;
    op->limits->max_failures = jlcf->session_max_failures;
    op->limits->cooldown = jlcf->session_cooldown;
    op->limits->history = jlcf->session_history;

    rc = jmcf->zone->store->session(op);

    return ngx_http_judge_store_answer(r, op, rc);
}


/* admitted (or not): the run is checked as a submission and filed */

static ngx_int_t
ngx_http_judge_session_admitted(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    u_char                        *p;
    time_t                         retry;
    ngx_str_t                      extra;
    ngx_http_judge_run_t           run;
    ngx_http_judge_langs_t         langs;
    ngx_http_judge_invalid_t       err;
    ngx_http_judge_api_ctx_t      *ctx;
    ngx_http_judge_loc_conf_t     *jlcf;
    ngx_http_judge_main_conf_t    *jmcf;
    ngx_http_judge_submission_t   *sub;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    if (rc == NGX_DONE || rc == NGX_BUSY) {
        ngx_http_judge_session_refused(jmcf->zone, rc == NGX_BUSY);

        retry = (time_t) (op->retry + 999) / 1000;

        p = ngx_pnalloc(r->pool, sizeof("\"retryAfter\":") + NGX_TIME_T_LEN);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        extra.data = p;
        extra.len = ngx_sprintf(p, "\"retryAfter\":%T", ngx_max(retry, 1))
                    - p;

        if (rc == NGX_DONE) {
            return ngx_http_judge_send_error_with(r,
                                              NGX_HTTP_TOO_MANY_REQUESTS,
                                              "rate_limited",
                                              "this session runs more often "
                                              "than judge_session_rate "
                                              "allows", &extra, retry);
        }

        return ngx_http_judge_send_error_with(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                              "too_many_failures",
                                              "this session's last runs "
                                              "failed one after another "
                                              "(judge_session_max_failures); "
                                              "it cools down first",
                                              &extra, retry);
    }

    if (rc != NGX_OK) {
        return ngx_http_judge_session_failed(r, rc, op->view);
    }

    ctx->view = op->view;

    sub = ngx_palloc(r->pool, sizeof(ngx_http_judge_submission_t));
    if (sub == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_judge_api_langs(r, &langs);

    run.language = op->view->language;
    run.source = op->view->source;
    run.input = op->view->input;

    if (ngx_http_judge_submit_run(r->pool, jlcf, &langs, &ctx->body, &run,
                                  sub, &err)
        != NGX_OK)
    {
        ngx_http_judge_session_tell(r, NGX_HTTP_JUDGE_SESSION_REFUND, NULL);
        return ngx_http_judge_send_error(r, err.status, err.code,
                                         (char *) err.message);
    }

    sub->execution = 1;
    sub->revision = op->view->revision;
    ngx_memcpy(sub->session, op->view->id, NGX_HTTP_JUDGE_JOB_ID_LEN);

    return ngx_http_judge_submission_accept(r, sub);
}


/*
 * What a run came to, told to its session: filed (RAN, as job "id") or
 * no job made (REFUND: its run goes back to the bucket).  Nothing waits
 * for the store's word: the op has a pool of its own.
 */

static void
ngx_http_judge_session_tell(ngx_http_request_t *r,
    ngx_http_judge_session_verb_e verb, ngx_str_t *id)
{
    ngx_int_t                    rc;
    ngx_pool_t                  *pool;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    if (ctx->view == NULL) {
        return;
    }

    op = ngx_http_judge_store_op_alone(jmcf->zone);
    if (op == NULL) {
        return;
    }

    pool = op->pool;
    op->verb = verb;
    op->limits = ngx_pcalloc(pool, sizeof(ngx_http_judge_session_limits_t));
    op->exec = ngx_pnalloc(pool, NGX_HTTP_JUDGE_JOB_ID_LEN);
    op->view = ngx_palloc(pool, sizeof(ngx_http_judge_session_view_t));
    op->created_ms = ngx_http_judge_json_now_ms();

    if (op->limits == NULL || op->exec == NULL || op->view == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    /* the view outlives the request in the op's pool */

    *op->view = *ctx->view;
    op->id.data = op->view->id;
    op->id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;
    op->limits->rate = jlcf->session_rate;
    op->limits->burst = jlcf->session_burst;
    op->limits->history = jlcf->session_history;

    if (id) {
        ngx_memcpy(op->exec, id->data, NGX_HTTP_JUDGE_JOB_ID_LEN);
    }

    rc = jmcf->zone->store->session(op);

    if (rc != NGX_AGAIN) {
        ngx_destroy_pool(pool);
    }
}




/* a number in the query string, percent-encoded or not; NGX_ERROR: none */

static ngx_int_t
ngx_http_judge_arg_number(ngx_str_t *arg)
{
    u_char  *dst, *src;
    u_char   buf[NGX_INT64_LEN];

    if (arg->len > NGX_INT64_LEN) {
        return NGX_ERROR;
    }

    dst = buf;
    src = arg->data;

    ngx_unescape_uri(&dst, &src, arg->len, NGX_UNESCAPE_URI);

    return ngx_atoi(buf, dst - buf);
}


/* GET /code-sessions/{id}/executions?limit=&cursor=: newest first */

static ngx_int_t
ngx_http_judge_session_history_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc, limit, cursor;
    ngx_str_t                    arg;
    ngx_http_judge_store_op_t   *op;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    limit = 10;
    cursor = 0;

    if (ngx_http_arg(r, (u_char *) "limit", 5, &arg) == NGX_OK) {
        limit = ngx_http_judge_arg_number(&arg);
    }

    if (ngx_http_arg(r, (u_char *) "cursor", 6, &arg) == NGX_OK) {
        cursor = ngx_http_judge_arg_number(&arg);
    }

    if (limit == NGX_ERROR || limit < 1 || limit > 100
        || cursor == NGX_ERROR)
    {
        return ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                         "invalid_request",
                                         "limit is 1 to 100, cursor a "
                                         "cursor an earlier page gave");
    }

    op = ngx_http_judge_session_op(r, NGX_HTTP_JUDGE_SESSION_HISTORY,
                                   ngx_http_judge_session_history_answer);
    if (op == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    op->execs = ngx_array_create(r->pool, limit,
                                 sizeof(ngx_http_judge_exec_t));
    if (op->execs == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    op->before = cursor;
    op->limit = limit;

    rc = jmcf->zone->store->session(op);

    return ngx_http_judge_store_answer(r, op, rc);
}


static ngx_int_t
ngx_http_judge_session_history_answer(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    size_t                  size;
    ngx_buf_t              *b;
    ngx_uint_t              i;
    ngx_http_judge_exec_t  *e;

    if (rc != NGX_OK) {
        return ngx_http_judge_session_failed(r, rc, NULL);
    }

    size = sizeof("{\"session_id\":\"\",\"executions\":[],"
                  "\"next_cursor\":\"\"}\n")
           + NGX_HTTP_JUDGE_JOB_ID_LEN + NGX_INT64_LEN
           + op->execs->nelts * (sizeof("{\"execution_id\":\"\",\"status\":"
                                        "\"COMPLETED\",\"revision\":,"
                                        "\"execution_time_ms\":,"
                                        "\"exit_code\":,\"created_at\":"
                                        "\"2026-01-01T00:00:00.000Z\"},")
                                 + NGX_HTTP_JUDGE_JOB_ID_LEN
                                 + 3 * NGX_INT64_LEN);

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_sprintf(b->last, "{\"session_id\":\"%V\",\"executions\":[",
                          &op->id);

    e = op->execs->elts;

    for (i = 0; i < op->execs->nelts; i++) {
        b->last = ngx_sprintf(b->last,
                              "%s{\"execution_id\":\"%*s\",\"status\":\"%s\","
                              "\"revision\":%uL,\"execution_time_ms\":",
                              i ? "," : "",
                              (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, e[i].id,
                              ngx_http_judge_exec_status_name(e[i].status),
                              e[i].revision);

        if (e[i].ended && e[i].timed) {
            b->last = ngx_sprintf(b->last, "%uD", e[i].time_ms);

        } else {
            b->last = ngx_sprintf(b->last, "null");
        }

        if (e[i].ended && e[i].exited) {
            b->last = ngx_sprintf(b->last, ",\"exit_code\":%D",
                                  e[i].exit_code);

        } else {
            b->last = ngx_sprintf(b->last, ",\"exit_code\":null");
        }

        b->last = ngx_sprintf(b->last, ",\"created_at\":");
        b->last = ngx_http_judge_json_time(b->last, e[i].created_ms);
        *b->last++ = '}';
    }

    if (op->next) {
        b->last = ngx_sprintf(b->last, "],\"next_cursor\":\"%uL\"}\n",
                              op->next);

    } else {
        b->last = ngx_sprintf(b->last, "],\"next_cursor\":null}\n");
    }

    return ngx_http_judge_send_json(r, NGX_HTTP_OK, b);
}


/* a session as JSON, in the fields of the live-code API */

static ngx_int_t
ngx_http_judge_session_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_http_judge_session_view_t *v)
{
    u_char                      *p;
    size_t                       size;
    ngx_buf_t                   *b;
    ngx_table_elt_t             *h;
    ngx_http_judge_lang_info_t   info;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    if (ngx_http_judge_registry_language_info(jmcf->zone, r->pool,
                                              &v->language, &info)
        != NGX_OK)
    {
        ngx_memzero(&info, sizeof(ngx_http_judge_lang_info_t));
    }

    size = sizeof("{\"session_id\":\"\",\"status\":\"INACTIVE\","
                  "\"language\":,\"language_id\":,\"language_name\":,"
                  "\"version\":,\"runtime\":,\"file_name\":,"
                  "\"source_code\":,\"stdin\":,\"revision\":,"
                  "\"created_at\":,\"updated_at\":,\"expires_in_ms\":,"
                  "\"last_execution\":{\"execution_id\":\"\","
                  "\"status\":\"COMPLETED\"}}\n")
           + NGX_HTTP_JUDGE_JOB_ID_LEN * 2 + 4 * NGX_INT64_LEN + 64
           + 2 * ngx_http_judge_json_str_len(&v->language)
           + ngx_http_judge_json_str_len(&info.name)
           + ngx_http_judge_json_str_len(&info.version)
           + ngx_http_judge_json_str_len(&info.runtime)
           + ngx_http_judge_json_str_len(&info.file_name)
           + ngx_http_judge_json_utf8_len(&v->source)
           + ngx_http_judge_json_utf8_len(&v->input);

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_sprintf(b->last, "{\"session_id\":\"%*s\",\"status\":\"%s\","
                    "\"language\":",
                    (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, v->id,
                    v->closed ? "INACTIVE" : "ACTIVE");
    p = ngx_http_judge_json_str(p, &v->language);
    p = ngx_sprintf(p, ",\"language_id\":");
    p = ngx_http_judge_json_str(p, &v->language);
    p = ngx_sprintf(p, ",\"language_name\":");
    p = ngx_http_judge_json_str(p, &info.name);
    p = ngx_sprintf(p, ",\"version\":");
    p = ngx_http_judge_json_str(p, &info.version);
    p = ngx_sprintf(p, ",\"runtime\":");
    p = ngx_http_judge_json_str(p, &info.runtime);
    p = ngx_sprintf(p, ",\"file_name\":");
    p = ngx_http_judge_json_str(p, &info.file_name);
    p = ngx_sprintf(p, ",\"source_code\":");
    p = ngx_http_judge_json_utf8(p, &v->source);
    p = ngx_sprintf(p, ",\"stdin\":");
    p = ngx_http_judge_json_utf8(p, &v->input);
    p = ngx_sprintf(p, ",\"revision\":%uL,\"created_at\":", v->revision);
    p = ngx_http_judge_json_time(p, v->created_ms);
    p = ngx_sprintf(p, ",\"updated_at\":");
    p = ngx_http_judge_json_time(p, v->updated_ms);
    p = ngx_sprintf(p, ",\"expires_in_ms\":%M,\"last_execution\":",
                    v->expires_in);

    if (v->has_last) {
        p = ngx_sprintf(p, "{\"execution_id\":\"%*s\",\"status\":\"%s\"}",
                        (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, v->last.id,
                        ngx_http_judge_exec_status_name(v->last.status));

    } else {
        p = ngx_sprintf(p, "null");
    }

    p = ngx_sprintf(p, "}\n");
    b->last = p;

    /* the revision is the session's entity tag, for If-Match */

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->value.data = ngx_pnalloc(r->pool, NGX_INT64_LEN + 2);
    if (h->value.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "ETag");

    /* If-Match is the judge's to answer (409), not nginx's (412) */
    r->disable_not_modified = 1;
    h->value.len = ngx_sprintf(h->value.data, "\"%uL\"", v->revision)
                   - h->value.data;

    return ngx_http_judge_send_json(r, status, b);
}


/* what a session operation's error code means to the client */

static ngx_int_t
ngx_http_judge_session_failed(ngx_http_request_t *r, ngx_int_t rc,
    ngx_http_judge_session_view_t *v)
{
    u_char     *p;
    ngx_str_t   extra;

    switch (rc) {

    case NGX_DECLINED:
        return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                         "session_not_found",
                                         "no code session with that id (it "
                                         "may have expired)");

    case NGX_BUSY:
        p = ngx_pnalloc(r->pool, sizeof("\"revision\":") + NGX_INT64_LEN);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        extra.data = p;
        extra.len = ngx_sprintf(p, "\"revision\":%uL", v ? v->revision : 0)
                    - p;

        return ngx_http_judge_send_error_with(r, NGX_HTTP_CONFLICT,
                                              "revision_conflict",
                                              "the session was saved since "
                                              "that revision; \"revision\" "
                                              "is its current one",
                                              &extra, 0);

    case NGX_ABORT:
        return ngx_http_judge_send_error(r, NGX_HTTP_CONFLICT,
                                         "session_closed",
                                         "the session is closed");

    case NGX_HTTP_INSUFFICIENT_STORAGE:
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "cache_full",
                                         "no room for the session in the "
                                         "judge's cache directory");

    case NGX_HTTP_SERVICE_UNAVAILABLE:
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "cache_unavailable",
                                         "the judge's cache directory cannot "
                                         "be written");

    case NGX_HTTP_BAD_GATEWAY:
        return ngx_http_judge_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                         "store_unavailable",
                                         "the judge's durable store cannot "
                                         "be reached now");

    default:
        break;
    }

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


/* GET /executions/{id} (?wait=true), DELETE: a run, as a job is */

static ngx_int_t
ngx_http_judge_execution(ngx_http_request_t *r)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    ctx->execution = 1;

    return ngx_http_judge_submission(r);
}


static ngx_int_t
ngx_http_judge_execution_events(ngx_http_request_t *r)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    ctx->execution = 1;

    return ngx_http_judge_events(r);
}



/* GET /problems?limit=&cursor=: by id, the public part of each */

static ngx_int_t
ngx_http_judge_problems_handler(ngx_http_request_t *r)
{
    u_char                      *dst, *src;
    json_t                      *list;
    ngx_int_t                    limit;
    ngx_str_t                    arg, cursor;
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    limit = 50;

    if (ngx_http_arg(r, (u_char *) "limit", 5, &arg) == NGX_OK) {
        limit = ngx_http_judge_arg_number(&arg);

        if (limit < 1 || limit > 100) {
            return ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                             "invalid_request",
                                             "limit must be 1 to 100");
        }
    }

    ngx_str_null(&cursor);

    if (ngx_http_arg(r, (u_char *) "cursor", 6, &arg) == NGX_OK) {
        cursor.data = ngx_pnalloc(r->pool, arg.len + 1);
        if (cursor.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        dst = cursor.data;
        src = arg.data;
        ngx_unescape_uri(&dst, &src, arg.len, NGX_UNESCAPE_URI);
        cursor.len = dst - cursor.data;
        *dst = '\0';

        if (cursor.len && !ngx_http_judge_problem_id_ok(&cursor)) {
            return ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                             "invalid_request",
                                             "cursor must be a problem id");
        }
    }

    list = ngx_http_judge_problem_list(r->pool, jmcf->zone->problems,
                                       &cursor, limit);

    return ngx_http_judge_send_jansson(r, NGX_HTTP_OK, list);
}


/*
 * GET /problems/{id}[?version=n]: the public part; PUT /problems/{id}
 * (where judge_admin is): a new version, from JSON or from a Kattis
 * problem package (tar.gz, zip).
 */

static ngx_int_t
ngx_http_judge_problem_handler(ngx_http_request_t *r)
{
    json_t                      *def, *pub;
    ngx_int_t                    rc, version;
    ngx_str_t                    arg;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_invalid_t     err;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    if (r->method == NGX_HTTP_PUT) {

        if (!jlcf->admin) {
            return ngx_http_judge_refuse(r, NGX_HTTP_FORBIDDEN,
                                         "admin_only",
                                         "an admin operation: it is "
                                         "served where judge_admin is, "
                                         "with the admin token");
        }

        if (!ngx_http_judge_problem_id_ok(&ctx->arg)) {
            return ngx_http_judge_refuse(r, NGX_HTTP_BAD_REQUEST,
                                         "invalid_request",
                                         "a problem's id is 1 to 64 of "
                                         "A-Z a-z 0-9 _ -");
        }

        if (r->headers_in.content_length_n > (off_t) jlcf->max_problem_size)
        {
            return ngx_http_judge_refuse(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                         "body_too_large",
                                         "the problem is larger than "
                                         "judge_max_problem_size");
        }

        rc = ngx_http_read_client_request_body(r,
                                              ngx_http_judge_problem_put_body);

        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    version = 0;

    if (ngx_http_arg(r, (u_char *) "version", 7, &arg) == NGX_OK) {
        version = ngx_http_judge_arg_number(&arg);

        if (version < 1) {
            return ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                             "invalid_request",
                                             "version must be a number from "
                                             "1");
        }
    }

    def = ngx_http_judge_problem_load(jmcf->zone->problems, &ctx->arg,
                                      version, &err);
    if (def == NULL) {
        return ngx_http_judge_send_error(r, err.status, "not_found",
                                         "no such problem");
    }

    pub = ngx_http_judge_problem_public(jmcf->zone->problems, def);
    json_decref(def);

    return ngx_http_judge_send_jansson(r, NGX_HTTP_OK, pub);
}


static void
ngx_http_judge_problem_put_body(ngx_http_request_t *r)
{
    json_t                      *def, *pub;
    ngx_str_t                    body, type;
    ngx_uint_t                   version, status;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_invalid_t     err;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    switch (ngx_http_judge_body_read(r, jlcf->max_problem_size, &body)) {

    case NGX_OK:
        break;

    case NGX_DECLINED:
        ngx_http_finalize_request(r,
            ngx_http_judge_send_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                      "body_too_large",
                                      "the problem is larger than "
                                      "judge_max_problem_size"));
        return;

    default:
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (body.len == 0) {
        ngx_http_finalize_request(r,
            ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "a problem is the body of the PUT"));
        return;
    }

    ngx_str_null(&type);

    if (r->headers_in.content_type) {
        type = r->headers_in.content_type->value;
    }

    if (type.len == 0
        || ngx_strlcasestrn(type.data, type.data + type.len,
                            (u_char *) "json", 4 - 1)
           != NULL)
    {
        def = ngx_http_judge_problem_parse(&body, ngx_http_judge_problem_put,
                                           jmcf->zone->problems, &err);

    } else if (ngx_strlcasestrn(type.data, type.data + type.len,
                                (u_char *) "zip", 3 - 1) != NULL
               || ngx_strlcasestrn(type.data, type.data + type.len,
                                   (u_char *) "tar", 3 - 1) != NULL
               || ngx_strlcasestrn(type.data, type.data + type.len,
                                   (u_char *) "octet-stream", 12 - 1)
                  != NULL)
    {
        def = NULL;

        if (ngx_http_judge_kattis_convert(body.data, body.len,
                                          ngx_http_judge_problem_put,
                                          jmcf->zone->problems, &def, &err)
            != NGX_OK)
        {
            json_decref(def);
            def = NULL;
        }

    } else {
        ngx_http_finalize_request(r,
            ngx_http_judge_send_error(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                      "unsupported_media_type",
                                      "a problem is application/json or a "
                                      "package (application/gzip, "
                                      "application/zip)"));
        return;
    }

    if (def == NULL
        || ngx_http_judge_problem_check(jmcf->zone->problems, def,
                                        jlcf->max_tests, &err)
           != NGX_OK
        || ngx_http_judge_submit_problem_ok(r->pool, jlcf, def, &err)
           != NGX_OK
        || ngx_http_judge_problem_save(jmcf->zone->problems, &ctx->arg, def,
                                       &version, &err)
           != NGX_OK)
    {
        json_decref(def);
        ngx_http_finalize_request(r,
            ngx_http_judge_send_error(r, err.status, err.code,
                                      (char *) err.message));
        return;
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "judge: problem \"%V\" is at version %ui", &ctx->arg,
                  version);

    if (jmcf->redis) {
        ngx_http_judge_problem_publish(jmcf->zone->problems, &ctx->arg,
                                       version, def);
    }

    status = (version == 1) ? NGX_HTTP_CREATED : NGX_HTTP_OK;

    pub = ngx_http_judge_problem_public(jmcf->zone->problems, def);
    json_decref(def);

    ngx_http_finalize_request(r,
                              ngx_http_judge_send_jansson(r, status, pub));
}


/* POST /problems/{id}/submissions: judged against the stored tests */

static ngx_int_t
ngx_http_judge_problem_submit_handler(ngx_http_request_t *r)
{
    ngx_http_judge_api_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);

    ctx->problem = ctx->arg;

    return ngx_http_judge_read_json(r, ngx_http_judge_submit_body);
}


/*
 * A submission to problem "id", or to the one its "problem_id" names
 * (id NULL; NGX_DECLINED: the body has none, or is not JSON): the
 * latest version of the problem gives its tests.
 */

static ngx_int_t
ngx_http_judge_problem_submit(ngx_http_request_t *r, ngx_str_t *id)
{
    json_t                       *root, *v, *def;
    ngx_int_t                     rc;
    ngx_str_t                     name;
    ngx_http_judge_langs_t        langs;
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_api_ctx_t     *ctx;
    ngx_http_judge_loc_conf_t    *jlcf;
    ngx_http_judge_main_conf_t   *jmcf;
    ngx_http_judge_submission_t  *sub;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    root = NULL;

    if (id == NULL) {
        root = json_loadb((char *) ctx->body.data, ctx->body.len, 0, NULL);
        v = json_object_get(root, "problem_id");

        if (v == NULL) {
            json_decref(root);
            return NGX_DECLINED;
        }

        if (!json_is_string(v)) {
            json_decref(root);
            return ngx_http_judge_send_error(r, NGX_HTTP_BAD_REQUEST,
                                             "invalid_request",
                                             "\"problem_id\" must be a "
                                             "string");
        }

        name.data = (u_char *) json_string_value(v);
        name.len = json_string_length(v);
        id = &name;
    }

    def = ngx_http_judge_problem_load(jmcf->zone->problems, id, 0, &err);

    if (def) {
        ctx->problem.data = ngx_pstrdup(r->pool, id);
        ctx->problem.len = id->len;
    }

    json_decref(root);

    if (def == NULL) {
        return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                         "problem_not_found",
                                         "no such problem");
    }

    sub = ngx_palloc(r->pool, sizeof(ngx_http_judge_submission_t));
    if (sub == NULL) {
        json_decref(def);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_judge_api_langs(r, &langs);

    rc = ngx_http_judge_submit_problem(r->pool, jlcf, &langs, &ctx->body,
                                       def, sub, &err);

    json_decref(def);

    if (rc != NGX_OK) {
        return ngx_http_judge_send_error(r, err.status, err.code,
                                         (char *) err.message);
    }

    return ngx_http_judge_submission_accept(r, sub);
}



/*
 * POST /submissions/{id}/rejudge (admin): a submission to a stored
 * problem judged again, as a new submission, against the problem's
 * latest version.
 */

static ngx_int_t
ngx_http_judge_rejudge_handler(ngx_http_request_t *r)
{
    ngx_str_t                    problem;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    if (ngx_http_judge_problem_recorded(r->pool, jmcf->zone->problems,
                                        &ctx->arg, jlcf->max_body_size,
                                        &problem, &ctx->body)
        != NGX_OK)
    {
        return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                         "submission_not_found",
                                         "no submission to a stored problem "
                                         "with that id");
    }

    return ngx_http_judge_problem_submit(r, &problem);
}


static void
ngx_http_judge_json_cleanup(void *data)
{
    json_decref(data);
}


/*
 * POST /problems/{id}/rejudge (admin): every submission kept for the
 * problem (one of each program) judged again against its latest version,
 * one after another; the answer lists the new submissions, and those the
 * judge refused now (a full queue, the client's limit) with why.
 */

static ngx_int_t
ngx_http_judge_rejudge_all_handler(ngx_http_request_t *r)
{
    json_t                      *def;
    ngx_pool_cleanup_t          *cln;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_invalid_t     err;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    def = ngx_http_judge_problem_load(jmcf->zone->problems, &ctx->arg, 0,
                                      &err);
    if (def == NULL) {
        return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                         "problem_not_found",
                                         "no such problem");
    }

    ctx->rejudged = json_pack("{s:O,s:O,s:[],s:[]}",
                              "problem", json_object_get(def, "id"),
                              "version", json_object_get(def, "version"),
                              "rejudged", "refused");
    json_decref(def);

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (ctx->rejudged == NULL || cln == NULL) {
        json_decref(ctx->rejudged);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_judge_json_cleanup;
    cln->data = ctx->rejudged;

    ctx->problem.data = ngx_pstrdup(r->pool, &ctx->arg);
    ctx->problem.len = ctx->arg.len;

    ctx->rejudge = ngx_http_judge_problem_records(r->pool,
                                                  jmcf->zone->problems,
                                                  &ctx->problem,
                                                  jlcf->queue_size);
    if (ctx->rejudge == NULL || ctx->problem.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_rejudge_next(r);
}


/* the next kept submission filed; the answer once none is left */

static ngx_int_t
ngx_http_judge_rejudge_next(ngx_http_request_t *r)
{
    json_t                        *def;
    ngx_int_t                      rc;
    ngx_str_t                      body;
    ngx_http_judge_langs_t         langs;
    ngx_http_judge_invalid_t       err;
    ngx_http_judge_api_ctx_t      *ctx;
    ngx_http_judge_store_op_t     *op;
    ngx_http_judge_loc_conf_t     *jlcf;
    ngx_http_judge_main_conf_t    *jmcf;
    ngx_http_judge_submission_t   *sub;
    ngx_http_judge_problem_rec_t  *rec;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    ngx_http_judge_api_langs(r, &langs);

    while (ctx->rejudge_next < ctx->rejudge->nelts) {
        rec = (ngx_http_judge_problem_rec_t *) ctx->rejudge->elts
              + ctx->rejudge_next++;

        def = ngx_http_judge_problem_load(jmcf->zone->problems,
                                          &ctx->problem, 0, &err);
        sub = ngx_palloc(r->pool, sizeof(ngx_http_judge_submission_t));

        if (def == NULL || sub == NULL
            || ngx_http_judge_problem_body(r->pool, jmcf->zone->problems,
                                           rec->hash, jlcf->max_body_size,
                                           &body)
               != NGX_OK)
        {
            json_decref(def);
            err.code = "internal_error";
            goto refused;
        }

        rc = ngx_http_judge_submit_problem(r->pool, jlcf, &langs, &body, def,
                                           sub, &err);
        json_decref(def);

        if (rc != NGX_OK) {
            goto refused;
        }

        ctx->body = body;
        ctx->arg.len = 0;

        op = ngx_http_judge_submission_file(r, sub,
                                            ngx_http_judge_rejudge_filed,
                                            &rc);
        if (op == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc == NGX_AGAIN) {
            r->main->count++;
            return NGX_DONE;
        }

        ngx_http_judge_rejudge_note(r, op, rc);
        continue;

    refused:

        json_array_append_new(json_object_get(ctx->rejudged, "refused"),
                              json_pack("{s:s%,s:s}",
                                        "of", rec->job,
                                        (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN,
                                        "error", err.code));
    }

    return ngx_http_judge_send_jansson(r, NGX_HTTP_ACCEPTED,
                                       json_incref(ctx->rejudged));
}


/* the store's answer to one rejudged submission; then the next */

static ngx_int_t
ngx_http_judge_rejudge_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    ngx_http_judge_rejudge_note(r, op, rc);

    return ngx_http_judge_rejudge_next(r);
}


/* one rejudged submission filed, or refused, noted in the answer */

static void
ngx_http_judge_rejudge_note(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    u_char                        *of;
    ngx_http_judge_api_ctx_t      *ctx;
    ngx_http_judge_main_conf_t    *jmcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    of = ((ngx_http_judge_problem_rec_t *) ctx->rejudge->elts)
         [ctx->rejudge_next - 1].job;

    if (rc == NGX_OK) {
        json_array_append_new(json_object_get(ctx->rejudged, "rejudged"),
                              json_pack("{s:s%,s:s%}",
                                        "of", of,
                                        (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN,
                                        "id", op->id.data, op->id.len));

        if (ngx_http_judge_problem_record(jmcf->zone->problems,
                                          &ctx->problem, &op->id, &ctx->body)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "judge: submission %V to problem \"%V\" could not "
                          "be kept for rejudging", &op->id, &ctx->problem);
        }

    } else {
        json_array_append_new(json_object_get(ctx->rejudged, "refused"),
                              json_pack("{s:s%,s:s}",
                                        "of", of,
                                        (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN,
                                        "error",
                                        rc == NGX_HTTP_TOO_MANY_REQUESTS
                                        ? "too_many_jobs"
                                        : rc == NGX_BUSY ? "queue_full"
                                        : "store_refused"));
    }
}
