
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"
#include "judge.pb-c.h"


typedef ngx_int_t (*ngx_http_judge_route_pt)(ngx_http_request_t *r);


/*
 * A route is a path; a path ending in "/{id}/<action>" or "/{id}" is
 * written with "*" for the id, which the handler finds in ctx->arg.
 */
typedef struct {
    ngx_str_t                    path;
    ngx_uint_t                   methods;
    ngx_http_judge_route_pt      handler;
} ngx_http_judge_route_t;


typedef struct {
    ngx_rbtree_node_t            node;        /* key: waiter id */
    ngx_http_request_t          *request;
    ngx_event_t                  timer;
    ngx_str_t                    arg;
    unsigned                     waiting:1;
} ngx_http_judge_api_ctx_t;


static ngx_int_t ngx_http_judge_health(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_workers(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_worker_drain(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_route_match(ngx_str_t *route,
    ngx_str_t *path, ngx_str_t *arg);
static void ngx_http_judge_api_path(ngx_http_request_t *r, ngx_str_t *path);
static ngx_int_t ngx_http_judge_drained(ngx_http_request_t *r,
    ngx_uint_t done);
static void ngx_http_judge_waiter_timeout(ngx_event_t *ev);
static void ngx_http_judge_waiter_cleanup(void *data);


static ngx_http_judge_route_t  ngx_http_judge_routes[] = {

    { ngx_string("/health"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_health },

    { ngx_string("/workers"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_workers },

    { ngx_string("/workers/*/drain"),
      NGX_HTTP_POST,
      ngx_http_judge_worker_drain },

    { ngx_null_string, 0, NULL }
};


/* requests of this process waiting for word from another process */
static ngx_rbtree_t       ngx_http_judge_waiters;
static ngx_rbtree_node_t  ngx_http_judge_waiters_sentinel;


ngx_int_t
ngx_http_judge_api_handler(ngx_http_request_t *r)
{
    ngx_int_t                  rc;
    ngx_str_t                  path, arg;
    ngx_http_judge_route_t    *route;
    ngx_http_judge_api_ctx_t  *ctx;

    ngx_http_judge_api_path(r, &path);

    for (route = ngx_http_judge_routes; route->handler; route++) {

        if (!ngx_http_judge_route_match(&route->path, &path, &arg)) {
            continue;
        }

        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_judge_api_ctx_t));
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ctx->request = r;
        ctx->arg = arg;
        ngx_http_set_ctx(r, ctx, ngx_http_judge_module);

        if (!(r->method & route->methods)) {
            rc = ngx_http_discard_request_body(r);
            if (rc != NGX_OK) {
                return rc;
            }

            return ngx_http_judge_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                             "method_not_allowed",
                                             "method not allowed here");
        }

        return route->handler(r);
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                     "no such resource");
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
    ngx_int_t                    rc;
    ngx_buf_t                   *b;
    ngx_uint_t                   generation, workers, free_slots;
    ngx_http_judge_main_conf_t  *jmcf;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    ngx_http_judge_zone_stats(jmcf->zone, &generation, &created, &size,
                              &free);
    ngx_http_judge_registry_counts(jmcf->zone, &workers, &free_slots);

    b = ngx_create_temp_buf(r->pool, 512 + jmcf->zone->shm_zone->shm.name.len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_sprintf(b->last,
                          "{\"status\":\"ok\",\"version\":\"%s\","
                          "\"pid\":%P,\"generation\":%ui,"
                          "\"workers\":%ui,\"free_slots\":%ui,"
                          "\"zone\":{\"name\":\"%V\",\"size\":%uz,"
                          "\"free\":%uz,\"generation\":%ui,"
                          "\"created\":%T}}\n",
                          NGX_HTTP_JUDGE_VERSION, ngx_pid,
                          jmcf->zone->generation, workers, free_slots,
                          &jmcf->zone->shm_zone->shm.name, size, free,
                          generation, created);

    return ngx_http_judge_send_json(r, NGX_HTTP_OK, b);
}


static ngx_int_t
ngx_http_judge_workers(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_buf_t                   *b;
    ngx_http_judge_main_conf_t  *jmcf;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    b = ngx_http_judge_registry_json(jmcf->zone, r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_send_json(r, NGX_HTTP_OK, b);
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
    u_char                      *frame;
    size_t                       len;
    ngx_int_t                    rc;
    ngx_str_t                    wait;
    Judge__Drain                 drain;
    ngx_http_cleanup_t          *cln;
    Judge__MasterCommand         cmd;
    ngx_http_judge_addr_t        self, stream;
    ngx_http_judge_api_ctx_t    *ctx;
    ngx_http_judge_loc_conf_t   *jlcf;
    ngx_http_judge_main_conf_t  *jmcf;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_judge_module);
    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    ctx->waiting = ngx_http_arg(r, (u_char *) "wait", 4, &wait) == NGX_OK
                   && wait.len == 4
                   && ngx_strncmp(wait.data, "true", 4) == 0;

    if (ctx->waiting) {
        cln = ngx_http_cleanup_add(r, 0);
        if (cln == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        cln->handler = ngx_http_judge_waiter_cleanup;
        cln->data = ctx;

        self.pid = ngx_pid;
        self.generation = jmcf->zone->generation;
        self.id = ngx_http_judge_zone_next_id(jmcf->zone);
        ctx->node.key = (ngx_rbtree_key_t) self.id;

        if (ngx_http_judge_waiters.root == NULL) {
            ngx_rbtree_init(&ngx_http_judge_waiters,
                            &ngx_http_judge_waiters_sentinel,
                            ngx_rbtree_insert_value);
        }

        ngx_rbtree_insert(&ngx_http_judge_waiters, &ctx->node);
    }

    if (ngx_http_judge_registry_drain(jmcf->zone, &ctx->arg,
                                      ctx->waiting ? &self : NULL, &stream)
        != NGX_OK)
    {
        if (ctx->waiting) {
            ngx_rbtree_delete(&ngx_http_judge_waiters, &ctx->node);
            ctx->waiting = 0;
        }

        return ngx_http_judge_send_error(r, NGX_HTTP_NOT_FOUND,
                                         "worker_not_found",
                                         "no worker with that id");
    }

    judge__drain__init(&drain);
    drain.reason = "drained by the API";
    drain.reconnect = 0;

    judge__master_command__init(&cmd);
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_DRAIN;
    cmd.drain = &drain;

    len = judge__master_command__get_packed_size(&cmd);

    frame = ngx_pnalloc(r->pool, len);
    if (frame == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    judge__master_command__pack(&cmd, frame);

    if (ngx_http_judge_ipc_send(jmcf->zone, &stream, NGX_HTTP_JUDGE_MSG_SEND,
                                frame, len)
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

    ctx->timer.handler = ngx_http_judge_waiter_timeout;
    ctx->timer.data = ctx;
    ctx->timer.log = r->connection->log;

    ngx_add_timer(&ctx->timer, jlcf->drain_timeout);

    r->read_event_handler = ngx_http_test_reading;
    r->main->count++;

    return NGX_DONE;
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


static void
ngx_http_judge_waiter_finish(ngx_http_judge_api_ctx_t *ctx, ngx_uint_t done)
{
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = ctx->request;
    c = r->connection;

    ngx_rbtree_delete(&ngx_http_judge_waiters, &ctx->node);
    ctx->waiting = 0;

    if (ctx->timer.timer_set) {
        ngx_del_timer(&ctx->timer);
    }

    ngx_http_finalize_request(r, ngx_http_judge_drained(r, done));
    ngx_http_run_posted_requests(c);
}


static void
ngx_http_judge_waiter_timeout(ngx_event_t *ev)
{
    ngx_http_judge_waiter_finish(ev->data, 0);
}


/* word from another process: the worker we waited for has gone */

void
ngx_http_judge_waiter_deliver(uint64_t id)
{
    ngx_rbtree_node_t  *node, *sentinel;

    if (ngx_http_judge_waiters.root == NULL) {
        return;
    }

    node = ngx_http_judge_waiters.root;
    sentinel = ngx_http_judge_waiters.sentinel;

    while (node != sentinel) {

        if ((ngx_rbtree_key_t) id < node->key) {
            node = node->left;
            continue;
        }

        if ((ngx_rbtree_key_t) id > node->key) {
            node = node->right;
            continue;
        }

        ngx_http_judge_waiter_finish((ngx_http_judge_api_ctx_t *) node, 1);
        return;
    }
}


/* the client went away before the answer */

static void
ngx_http_judge_waiter_cleanup(void *data)
{
    ngx_http_judge_api_ctx_t  *ctx = data;

    if (!ctx->waiting) {
        return;
    }

    ngx_rbtree_delete(&ngx_http_judge_waiters, &ctx->node);
    ctx->waiting = 0;

    if (ctx->timer.timer_set) {
        ngx_del_timer(&ctx->timer);
    }
}
