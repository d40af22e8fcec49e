
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_JOB_H_INCLUDED_
#define _NGX_HTTP_JUDGE_JOB_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_store.h"


/* jobs in the zone: the job store (ngx_http_judge_job.c) */

void ngx_http_judge_job_init_zone(ngx_http_judge_shctx_t *sh);
ngx_int_t ngx_http_judge_job_evict_locked(ngx_http_judge_zone_t *zone);

/* the zone's side of the store (ngx_http_judge_store.h) */
ngx_int_t ngx_http_judge_job_create(ngx_http_judge_store_op_t *op);
ngx_int_t ngx_http_judge_job_read(ngx_http_judge_store_op_t *op);
ngx_int_t ngx_http_judge_job_events(ngx_http_judge_store_op_t *op);
ngx_int_t ngx_http_judge_job_watch(ngx_http_judge_store_op_t *op);
void ngx_http_judge_job_unwatch(ngx_http_judge_store_op_t *op);

/*
 * A run's output streamed while it runs: at most this many pieces, in
 * at most this many bytes of the results file (beyond its results).
 */
#define NGX_HTTP_JUDGE_MAX_CHUNKS  4096
#define NGX_HTTP_JUDGE_LIVE_BUDGET(capture)                                  \
    (4 * (off_t) (capture) + NGX_HTTP_JUDGE_MAX_CHUNKS * 64)

#define NGX_HTTP_JUDGE_MAX_SPILLS  4
#define NGX_HTTP_JUDGE_SPILL_WAIT  1000   /* ms */
#define NGX_HTTP_JUDGE_DUE_AGAIN   30000  /* ms */


/* a finished job whose end a durable store is to keep */
typedef struct {
    u_char                       id[NGX_HTTP_JUDGE_JOB_ID_LEN];
    const char                  *status;
    ngx_msec_t                   ttl;

    /* a run of a code session: how it counts for its session */
    u_char                       session[NGX_HTTP_JUDGE_JOB_ID_LEN];
    const char                  *counts;      /* "ok", "fail", "none";
                                                 NULL: not a run */
    ngx_uint_t                   exec_status;
    int32_t                      exit_code;
    uint32_t                     wall_ms;
    unsigned                     timed:1;
    unsigned                     exited:1;
} ngx_http_judge_due_t;

ngx_uint_t ngx_http_judge_job_due(ngx_http_judge_zone_t *zone,
    ngx_http_judge_due_t *due, ngx_uint_t max);
ngx_uint_t ngx_http_judge_job_unwritten(ngx_http_judge_zone_t *zone);
void ngx_http_judge_job_kept(ngx_http_judge_zone_t *zone, u_char *id,
    ngx_uint_t kept);
ngx_uint_t ngx_http_judge_job_held(ngx_http_judge_zone_t *zone, u_char *id);
ngx_uint_t ngx_http_judge_job_active(ngx_http_judge_zone_t *zone);
ngx_uint_t ngx_http_judge_job_spill(ngx_http_judge_zone_t *zone, u_char *ids,
    ngx_uint_t max, ngx_uint_t busy, ngx_array_t *notify);

void ngx_http_judge_job_expire(ngx_http_judge_zone_t *zone);
void ngx_http_judge_job_forget(ngx_http_judge_zone_t *zone, ngx_str_t *id);
ngx_int_t ngx_http_judge_job_is_run(ngx_http_judge_zone_t *zone,
    ngx_str_t *id);
ngx_http_judge_job_t *ngx_http_judge_job_lookup_locked(
    ngx_http_judge_shctx_t *sh, u_char *id, size_t len);
void ngx_http_judge_job_finish_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_http_judge_job_status_e status,
    ngx_uint_t verdict, ngx_array_t *notify);
void ngx_http_judge_job_progress_locked(ngx_http_judge_job_t *job,
    ngx_array_t *notify);
void ngx_http_judge_notify(ngx_http_judge_zone_t *zone, ngx_array_t *notify);
void ngx_http_judge_job_stop_batches_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_array_t *stop);
ngx_uint_t ngx_http_judge_job_stopped_locked(ngx_http_judge_job_t *job);
ngx_uint_t ngx_http_judge_job_stage(ngx_http_judge_job_t *job,
    ngx_uint_t index);
ngx_uint_t ngx_http_judge_job_gate(ngx_http_judge_job_t *job);
ngx_uint_t ngx_http_judge_job_hidden(ngx_http_judge_job_t *job,
    ngx_uint_t index);


#endif /* _NGX_HTTP_JUDGE_JOB_H_INCLUDED_ */
