
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_STREAM_H_INCLUDED_
#define _NGX_HTTP_JUDGE_STREAM_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"


/* the worker endpoint: streams to judge-workers (ngx_http_judge_stream.c) */

void ngx_http_judge_stream_deliver(ngx_http_judge_zone_t *zone,
    ngx_http_judge_msg_t *msg);
void ngx_http_judge_stream_reset(void);
ngx_int_t ngx_http_judge_stream_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_JUDGE_STREAM_H_INCLUDED_ */
