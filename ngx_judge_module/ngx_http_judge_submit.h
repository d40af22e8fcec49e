
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_SUBMIT_H_INCLUDED_
#define _NGX_HTTP_JUDGE_SUBMIT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"


/* POST /submissions: reading and checking (ngx_http_judge_submit.c) */

ngx_int_t ngx_http_judge_submit_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_JUDGE_SUBMIT_H_INCLUDED_ */
