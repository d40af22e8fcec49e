
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_SESSION_H_INCLUDED_
#define _NGX_HTTP_JUDGE_SESSION_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


/*
 * Code sessions in the zone (ngx_http_judge_session.c): a source and a
 * stdin saved by revision, their runs (executions, which are jobs) and
 * what admits a run; and the answers kept for Idempotency-Key.
 */


typedef enum {
    NGX_HTTP_JUDGE_EXEC_QUEUED = 0,
    NGX_HTTP_JUDGE_EXEC_RUNNING,
    NGX_HTTP_JUDGE_EXEC_COMPLETED,
    NGX_HTTP_JUDGE_EXEC_FAILED,
    NGX_HTTP_JUDGE_EXEC_TIMEOUT
} ngx_http_judge_exec_status_e;


/* one run of a session, as its history keeps it */
typedef struct {
    u_char                       id[NGX_HTTP_JUDGE_JOB_ID_LEN];
    uint64_t                     seq;         /* the session's run number */
    uint64_t                     revision;
    uint64_t                     created_ms;
    ngx_uint_t                   status;      /* ngx_http_judge_exec_status_e */
    int32_t                      exit_code;
    uint32_t                     time_ms;     /* wall */
    unsigned                     ended:1;
    unsigned                     timed:1;     /* its program ran: time_ms */
    unsigned                     exited:1;    /* and exited: exit_code */
} ngx_http_judge_exec_t;


typedef struct {
    ngx_str_node_t               sn;          /* by id */
    ngx_queue_t                  queue;       /* sh->sessions, last used
                                                 first */
    u_char                       id[NGX_HTTP_JUDGE_JOB_ID_LEN];
    u_char                       language[NGX_HTTP_JUDGE_MAX_ID_LEN];
    size_t                       language_len;
    uint64_t                     revision;
    uint64_t                     created_ms;
    uint64_t                     updated_ms;
    ngx_msec_t                   expires;     /* idle until */
    ngx_msec_t                   ttl;
    ngx_http_judge_blob_ref_t    source;
    ngx_http_judge_blob_ref_t    input;

    /* what admits a run: a bucket of runs, consecutive failures */
    uint64_t                     tokens;      /* thousandths of a run */
    ngx_msec_t                   tokens_at;
    ngx_uint_t                   failures;
    ngx_msec_t                   failed_at;

    /* the latest runs, a ring; how many of its runs have not ended */
    uint64_t                     runs;
    ngx_uint_t                   running;
    ngx_http_judge_exec_t       *execs;
    ngx_uint_t                   cap;
    unsigned                     closed:1;
} ngx_http_judge_session_t;


/* a session as a request sees it, copied out of the zone */
typedef struct {
    u_char                       id[NGX_HTTP_JUDGE_JOB_ID_LEN];
    u_char                       lang[NGX_HTTP_JUDGE_MAX_ID_LEN];
    ngx_str_t                    language;    /* in lang */
    ngx_str_t                    source;
    ngx_str_t                    input;
    uint64_t                     revision;
    uint64_t                     created_ms;
    uint64_t                     updated_ms;
    ngx_msec_t                   expires_in;
    ngx_http_judge_exec_t        last;
    unsigned                     has_last:1;
    unsigned                     closed:1;
} ngx_http_judge_session_view_t;


/* what a save changes; a NULL data leaves the field as it is */
typedef struct {
    ngx_str_t                    source;
    ngx_str_t                    input;
    ngx_str_t                    language;
    uint64_t                     revision;    /* expected; 0: any */
    unsigned                     set_source:1;
    unsigned                     set_input:1;
    unsigned                     set_language:1;
} ngx_http_judge_session_change_t;


/* what admits a run, from the location */
typedef struct {
    ngx_uint_t                   rate;        /* runs per minute * 1000 */
    ngx_uint_t                   burst;       /* runs */
    ngx_uint_t                   max_failures;
    ngx_msec_t                   cooldown;
    ngx_uint_t                   history;
} ngx_http_judge_session_limits_t;


void ngx_http_judge_session_init_zone(ngx_http_judge_shctx_t *sh);
void ngx_http_judge_session_refused(ngx_http_judge_zone_t *zone,
    ngx_uint_t cooling);

ngx_int_t ngx_http_judge_session_create(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_http_judge_session_change_t *ch, ngx_msec_t ttl,
    ngx_http_judge_session_limits_t *lim, ngx_http_judge_session_view_t *v);
ngx_int_t ngx_http_judge_session_read(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_str_t *id, ngx_http_judge_session_view_t *v);
ngx_int_t ngx_http_judge_session_update(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_str_t *id, ngx_http_judge_session_change_t *ch,
    ngx_http_judge_session_view_t *v);
ngx_int_t ngx_http_judge_session_close(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_str_t *id, ngx_http_judge_session_view_t *v);
ngx_int_t ngx_http_judge_session_delete(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, ngx_array_t *execs);
ngx_int_t ngx_http_judge_session_admit(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_str_t *id, ngx_http_judge_session_limits_t *lim,
    ngx_http_judge_session_view_t *v, ngx_msec_t *retry);
void ngx_http_judge_session_ran(ngx_http_judge_zone_t *zone, u_char *id,
    u_char *exec, uint64_t revision, uint64_t created_ms,
    ngx_uint_t history);
void ngx_http_judge_session_refund(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, ngx_http_judge_session_limits_t *lim);
ngx_int_t ngx_http_judge_session_history(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, uint64_t before, ngx_uint_t limit, ngx_array_t *execs,
    uint64_t *next);
void ngx_http_judge_session_ended_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job);
void ngx_http_judge_session_expire(ngx_http_judge_zone_t *zone);
ngx_int_t ngx_http_judge_session_evict_locked(ngx_http_judge_zone_t *zone);

ngx_uint_t ngx_http_judge_exec_status(ngx_http_judge_job_t *job);
const char *ngx_http_judge_exec_status_name(ngx_uint_t status);


/*
 * Idempotency-Key: the first answer to a key (a digest of its scope and
 * the key) is kept for a while with a digest of its request's body.
 *
 *   begin  NGX_OK: the key is new and now held for this request;
 *          NGX_DONE: answered before (*status, *answer); NGX_BUSY: its
 *          first request is still being answered; NGX_DECLINED: the key
 *          came with another body; NGX_ABORT: no room to keep it
 *   end    the held key's answer (status 0: the request failed, the key
 *          is free again)
 */
/* a key is held this long at most while its first request is answered */
#define NGX_HTTP_JUDGE_IDEM_HELD  30000

ngx_int_t ngx_http_judge_idem_begin(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, u_char *key, u_char *body, ngx_msec_t ttl,
    ngx_uint_t *status, ngx_str_t *answer);
void ngx_http_judge_idem_end(ngx_http_judge_zone_t *zone, u_char *key,
    ngx_uint_t status, ngx_str_t *answer);


#endif /* _NGX_HTTP_JUDGE_SESSION_H_INCLUDED_ */
