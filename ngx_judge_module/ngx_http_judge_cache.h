
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_CACHE_H_INCLUDED_
#define _NGX_HTTP_JUDGE_CACHE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


void ngx_http_judge_cache_init_zone(ngx_http_judge_shctx_t *sh);
/*
 * The job needs the artifact of its hash: NGX_DONE, known (compiled, or
 * being compiled); NGX_OK, an entry with a pending compile was made;
 * NGX_ERROR, no room.
 */
ngx_int_t ngx_http_judge_cache_want_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job);
/* the cache has an entry for the hash (compiled, or being compiled) */
ngx_uint_t ngx_http_judge_cache_has(ngx_http_judge_zone_t *zone,
    u_char *hash);
ngx_int_t ngx_http_judge_cache_adopt(ngx_http_judge_zone_t *zone,
    u_char *hash, ngx_str_t *language, ngx_uint_t status, ngx_str_t *abi,
    ngx_str_t *compile, ngx_str_t *program);
/* the least recently wanted artifact that is done with goes (NGX_OK) */
ngx_int_t ngx_http_judge_cache_evict_locked(ngx_http_judge_zone_t *zone);


#endif /* _NGX_HTTP_JUDGE_CACHE_H_INCLUDED_ */
