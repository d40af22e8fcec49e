
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_READY_H_INCLUDED_
#define _NGX_HTTP_JUDGE_READY_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


/*
 * What the scheduler looks at, so that a pass costs what moves, not what
 * waits (ngx_http_judge_ready.c):
 *
 *   dirty   jobs something happened to (a result, a lost worker, a
 *           timer), whose bookkeeping the next pass does;
 *   timers  jobs by the next moment they must be looked at without an
 *           event: a task's deadline, a retry's backoff, the end of a
 *           wait for a worker;
 *   ready   jobs with work to send now, by class (language, compile or
 *           run, the artifact's ABI), then by client in order of the
 *           client's tests out, then by the job's tests out and age.
 */


/* a class of work: workers that take one of it take all of it */
typedef struct {
    ngx_queue_t                  queue;       /* sh->classes */
    ngx_str_t                    language;
    ngx_str_t                    abi;         /* of the batches' artifact */
    ngx_uint_t                   compile;
    ngx_rbtree_t                 clients;     /* entries, by running */
    ngx_rbtree_node_t            sentinel;
    ngx_uint_t                   declines;    /* in the current pass */
} ngx_http_judge_class_t;


/* one client's ready jobs of one class */
struct ngx_http_judge_entry_s {
    ngx_rbtree_node_t            node;        /* in class->clients */
    ngx_queue_t                  link;        /* in client->entries */
    ngx_http_judge_class_t      *class;
    ngx_http_judge_client_t     *client;
    ngx_rbtree_t                 jobs;        /* by running, then age */
    ngx_rbtree_node_t            sentinel;
};


void ngx_http_judge_ready_init_zone(ngx_http_judge_shctx_t *sh);

/* the job is to be looked at by the next pass */
void ngx_http_judge_ready_dirty_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job);
/* the next dirty job (taken off the list), or NULL */
ngx_http_judge_job_t *ngx_http_judge_ready_next_dirty_locked(
    ngx_http_judge_zone_t *zone);

/* the job must be looked at by "when" (0: no timer); and no later */
void ngx_http_judge_ready_timer_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_msec_t when);
void ngx_http_judge_ready_timer_by_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_msec_t when);
/* jobs whose time has come become dirty */
void ngx_http_judge_ready_expire_timers_locked(ngx_http_judge_zone_t *zone);

/*
 * The job has work of "compile" (or a batch, for an artifact of "abi")
 * to send now.  NGX_ERROR: no room in the zone.
 */
ngx_int_t ngx_http_judge_ready_add_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_uint_t compile, ngx_str_t *abi);
void ngx_http_judge_ready_remove_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job);

/* the job (and its client) has "delta" more tests out */
void ngx_http_judge_ready_running_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_int_t delta);

/* the job is over: out of every structure, its tests out no more */
void ngx_http_judge_ready_forget_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job);

/*
 * The job to serve first: of the classes not declined "declines" times
 * in this pass, the client with the fewest tests out, then its job with
 * the fewest, the oldest on a tie.  ngx_http_judge_ready_pass_locked()
 * starts a pass.
 */
void ngx_http_judge_ready_pass_locked(ngx_http_judge_zone_t *zone);
ngx_http_judge_job_t *ngx_http_judge_ready_best_locked(
    ngx_http_judge_zone_t *zone, ngx_uint_t declines);


#endif /* _NGX_HTTP_JUDGE_READY_H_INCLUDED_ */
