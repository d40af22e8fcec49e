
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_API_H_INCLUDED_
#define _NGX_HTTP_JUDGE_API_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"


/* the REST API, its waiting requests (ngx_http_judge_api.c) */

void ngx_http_judge_waiter_deliver(uint64_t id);
void ngx_http_judge_waiter_reset(void);
ngx_uint_t ngx_http_judge_waiter_pending(void);
ngx_int_t ngx_http_judge_api_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_JUDGE_API_H_INCLUDED_ */
