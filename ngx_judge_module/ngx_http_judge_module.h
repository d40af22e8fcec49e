
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_MODULE_H_INCLUDED_
#define _NGX_HTTP_JUDGE_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


#define NGX_HTTP_JUDGE_VERSION  "0.1.0"


/* the root object of the shared zone, hung on shpool->data */
typedef struct {
    time_t                       created;
    ngx_uint_t                   generation;
} ngx_http_judge_shctx_t;


/* process-local handle of the zone, allocated from the cycle's conf pool */
typedef struct {
    ngx_http_judge_shctx_t      *sh;
    ngx_slab_pool_t             *shpool;
    ngx_shm_zone_t              *shm_zone;
    ngx_uint_t                   generation;
} ngx_http_judge_zone_t;


typedef struct {
    ngx_http_judge_zone_t       *zone;
    unsigned                     used:1;
} ngx_http_judge_main_conf_t;


extern ngx_module_t  ngx_http_judge_module;


ngx_int_t ngx_http_judge_init_zone(ngx_shm_zone_t *shm_zone, void *data);
void ngx_http_judge_zone_stats(ngx_http_judge_zone_t *zone,
    ngx_uint_t *generation, time_t *created, size_t *size, size_t *free);

ngx_int_t ngx_http_judge_api_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_judge_stream_handler(ngx_http_request_t *r);

ngx_int_t ngx_http_judge_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b);
ngx_int_t ngx_http_judge_send_error(ngx_http_request_t *r, ngx_uint_t status,
    char *code, char *message);
size_t ngx_http_judge_json_str_len(ngx_str_t *s);
u_char *ngx_http_judge_json_str(u_char *p, ngx_str_t *s);


#endif /* _NGX_HTTP_JUDGE_MODULE_H_INCLUDED_ */
