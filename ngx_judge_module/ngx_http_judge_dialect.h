
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_DIALECT_H_INCLUDED_
#define _NGX_HTTP_JUDGE_DIALECT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <jansson.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_store.h"
#include "ngx_http_judge_api.h"


/*
 * Another engine's API at a location ("judge_api judge0;"): "conf" takes
 * the directive's parameters after the name; the API routes every request
 * there by "routes" (under the location's prefix), and answers a path or
 * a method no route has with "error" (404, 405), in the dialect's shape.
 * A dialect builds its submissions as POST /submissions's JSON and reads
 * jobs as GET /submissions/{id}'s (ngx_http_judge_api.h), and answers in
 * its own shapes.
 */
typedef struct ngx_http_judge_dialect_s {
    ngx_str_t                    name;
    char                      *(*conf)(ngx_conf_t *cf,
                                       ngx_http_judge_loc_conf_t *jlcf,
                                       ngx_str_t *args, ngx_uint_t nargs);
    ngx_http_judge_route_t      *routes;
    ngx_int_t                  (*error)(ngx_http_request_t *r,
                                        ngx_uint_t status,
                                        const char *message);
} ngx_http_judge_dialect_t;


extern ngx_http_judge_dialect_t  *ngx_http_judge_dialects[];
extern ngx_http_judge_dialect_t   ngx_http_judge_judge0;
extern ngx_http_judge_dialect_t   ngx_http_judge_piston;


void *ngx_http_judge_dialect_req(ngx_http_request_t *r, size_t size,
    ngx_pool_cleanup_pt cleanup);
json_t *ngx_http_judge_dialect_job(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op);
json_t *ngx_http_judge_dialect_languages(ngx_http_request_t *r);
json_t *ngx_http_judge_dialect_result(json_t *job);
json_t *ngx_http_judge_dialect_concat(json_t *a, json_t *b);
ngx_int_t ngx_http_judge_dialect_send(ngx_http_request_t *r,
    ngx_uint_t status, json_t *json);
json_t *ngx_http_judge_dialect_words(const char *s, size_t len);
json_t *ngx_http_judge_dialect_decode(const char *s, size_t len,
    ngx_uint_t base64, ngx_uint_t hex);
ngx_int_t ngx_http_judge_dialect_limit(json_t *v, double scale,
    int64_t *value);
void ngx_http_judge_dialect_semver(const char *version, int v[3]);
ngx_uint_t ngx_http_judge_dialect_satisfies(int v[3], const char *range);


#endif /* _NGX_HTTP_JUDGE_DIALECT_H_INCLUDED_ */
