
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_SCHEDULER_H_INCLUDED_
#define _NGX_HTTP_JUDGE_SCHEDULER_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


/* the scheduler (ngx_http_judge_scheduler.c) */

void ngx_http_judge_sched_run(ngx_http_judge_zone_t *zone);
ngx_uint_t ngx_http_judge_sched_task_out(ngx_http_judge_zone_t *zone,
    ngx_http_judge_task_head_t *head, uint64_t stream_id);
void ngx_http_judge_sched_cancel(ngx_http_judge_zone_t *zone,
    ngx_http_judge_addr_t *to, ngx_str_t *job_id, uint64_t task_id);
void ngx_http_judge_sched_worker_gone_locked(ngx_http_judge_zone_t *zone,
    uint64_t stream_id, ngx_uint_t lost);
void ngx_http_judge_sched_worker_came_locked(ngx_http_judge_zone_t *zone);
void ngx_http_judge_sched_retry_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_task_t *t, ngx_uint_t max_attempts);
ngx_uint_t ngx_http_judge_sched_returned_locked(ngx_http_judge_task_t *t);
void ngx_http_judge_sched_compile_retry_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_artifact_t *a);
void ngx_http_judge_sched_wake_locked(ngx_http_judge_zone_t *zone,
    u_char *hash);
ngx_int_t ngx_http_judge_sched_cancel_job(ngx_http_judge_zone_t *zone,
    ngx_str_t *id);


#endif /* _NGX_HTTP_JUDGE_SCHEDULER_H_INCLUDED_ */
