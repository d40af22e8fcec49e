
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_RESULTS_H_INCLUDED_
#define _NGX_HTTP_JUDGE_RESULTS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


/* a worker's answers, from the stream "stream_id" of worker "worker" */
void ngx_http_judge_results_compile(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__CompileResult *res);
void ngx_http_judge_results_test(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__TestResult *res);
void ngx_http_judge_results_output(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__OutputChunk *ch);
void ngx_http_judge_results_batch(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id,
    Judge__BatchExecutionResult *res);


#endif /* _NGX_HTTP_JUDGE_RESULTS_H_INCLUDED_ */
