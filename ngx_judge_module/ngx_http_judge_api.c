
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"


typedef ngx_int_t (*ngx_http_judge_route_pt)(ngx_http_request_t *r);


typedef struct {
    ngx_str_t                    path;
    ngx_uint_t                   methods;
    ngx_http_judge_route_pt      handler;
} ngx_http_judge_route_t;


static ngx_int_t ngx_http_judge_health(ngx_http_request_t *r);
static void ngx_http_judge_api_path(ngx_http_request_t *r, ngx_str_t *path);


static ngx_http_judge_route_t  ngx_http_judge_routes[] = {

    { ngx_string("/health"),
      NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_health },

    { ngx_null_string, 0, NULL }
};


ngx_int_t
ngx_http_judge_api_handler(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    ngx_str_t                path;
    ngx_http_judge_route_t  *route;

    ngx_http_judge_api_path(r, &path);

    for (route = ngx_http_judge_routes; route->handler; route++) {

        if (path.len != route->path.len
            || ngx_strncmp(path.data, route->path.data, path.len) != 0)
        {
            continue;
        }

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
    ngx_uint_t                   generation;
    ngx_http_judge_main_conf_t  *jmcf;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);

    ngx_http_judge_zone_stats(jmcf->zone, &generation, &created, &size,
                              &free);

    b = ngx_create_temp_buf(r->pool, 512 + jmcf->zone->shm_zone->shm.name.len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_sprintf(b->last,
                          "{\"status\":\"ok\",\"version\":\"%s\","
                          "\"pid\":%P,\"generation\":%ui,"
                          "\"workers\":0,\"free_slots\":0,"
                          "\"zone\":{\"name\":\"%V\",\"size\":%uz,"
                          "\"free\":%uz,\"generation\":%ui,"
                          "\"created\":%T}}\n",
                          NGX_HTTP_JUDGE_VERSION, ngx_pid,
                          jmcf->zone->generation,
                          &jmcf->zone->shm_zone->shm.name, size, free,
                          generation, created);

    return ngx_http_judge_send_json(r, NGX_HTTP_OK, b);
}
