
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_API_H_INCLUDED_
#define _NGX_HTTP_JUDGE_API_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_store.h"
#include "ngx_http_judge_parse.h"


typedef ngx_int_t (*ngx_http_judge_route_pt)(ngx_http_request_t *r);


/*
 * A route is a path; a path ending in "/{id}/<action>" or "/{id}" is
 * written with "*" for the id, which the handler finds in
 * ngx_http_judge_api_arg().  Admin routes are served only where
 * judge_admin is, to a request with the admin token; that location serves
 * every other route too.
 */
typedef struct {
    ngx_str_t                    path;
    ngx_uint_t                   methods;
    ngx_http_judge_route_pt      handler;
    unsigned                     body:1;      /* the handler reads it */
    unsigned                     admin:1;
} ngx_http_judge_route_t;


/* the answer to a request from what the store did for it */
typedef ngx_int_t (*ngx_http_judge_answer_pt)(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);


/* the REST API, its waiting requests (ngx_http_judge_api.c) */

void ngx_http_judge_waiter_deliver(uint64_t id);
void ngx_http_judge_waiter_reset(void);
ngx_uint_t ngx_http_judge_waiter_pending(void);
ngx_int_t ngx_http_judge_api_handler(ngx_http_request_t *r);

/*
 * What a location speaking another engine's dialect
 * (ngx_http_judge_dialect_*.c) uses of the API: it reads the body,
 * builds a submission with ngx_http_judge_submit_json(), files it, and
 * reads, waits for or cancels jobs, each answered in its own shape by
 * its "answer".
 */
ngx_int_t ngx_http_judge_body_start(ngx_http_request_t *r,
    ngx_http_client_body_handler_pt post);
ngx_int_t ngx_http_judge_body_read(ngx_http_request_t *r, size_t max,
    ngx_str_t *body);
ngx_str_t *ngx_http_judge_api_arg(ngx_http_request_t *r);
void **ngx_http_judge_api_data(ngx_http_request_t *r);
ngx_buf_t *ngx_http_judge_api_languages(ngx_http_request_t *r,
    ngx_str_t *only);
void ngx_http_judge_api_langs(ngx_http_request_t *r,
    ngx_http_judge_langs_t *langs);
ngx_int_t ngx_http_judge_api_refused(ngx_int_t rc,
    ngx_http_judge_invalid_t *err);
ngx_int_t ngx_http_judge_api_file(ngx_http_request_t *r,
    ngx_http_judge_submission_t *sub, ngx_http_judge_answer_pt answer);
ngx_int_t ngx_http_judge_api_job(ngx_http_request_t *r, ngx_str_t *id,
    ngx_uint_t wait, ngx_http_judge_answer_pt answer);
ngx_int_t ngx_http_judge_api_cancel(ngx_http_request_t *r, ngx_str_t *id,
    ngx_http_judge_answer_pt answer);


#endif /* _NGX_HTTP_JUDGE_API_H_INCLUDED_ */
