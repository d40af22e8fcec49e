
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_cache.h"
#include "ngx_http_judge_ipc.h"
#include "ngx_http_judge_job.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_ready.h"
#include "ngx_http_judge_registry.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_wire.h"
#include "ngx_http_judge_scheduler.h"


/*
 * The scheduler: compile once (per source hash, on a worker that can),
 * cut the tests into batches, spread them over free slots, hand out again
 * what was lost, and end the job with a verdict once its results are in
 * (ngx_http_judge_results.c takes them in).  What it looks at is kept by
 * ngx_http_judge_ready.c: a pass costs what moves, not what waits.
 *
 * Every decision is taken under the zone lock by whichever nginx process
 * happens to run ngx_http_judge_sched_run(): the one that accepted a
 * submission, the one that received a result, or any one on its poll
 * timer.  Decisions are written into the zone first; the frames they call
 * for are described under the lock as recipes of bytes and blob ranges
 * (protobuf fields may simply be concatenated) and mailed to the process
 * holding the worker's stream once the lock is released; that process
 * reads the blobs and sends.
 *
 * Every task sent has a deadline from its limits (a compile: the
 * operator's cap of its wall time, judge_compile_wall_time_limit; a
 * batch: its tests, and those already queued before it, over the
 * worker's slots) plus judge_task_grace.  A task past it is
 * handed out again as a failed attempt and its worker's load released,
 * whatever the worker does with it later.
 */


#define NGX_HTTP_JUDGE_MAX_BATCH      64
#define NGX_HTTP_JUDGE_RETRY_BASE     100     /* ms, doubled per attempt */
#define NGX_HTTP_JUDGE_MAX_RETURNS    8       /* free handings back */
#define NGX_HTTP_JUDGE_TEST_SLACK     2000    /* ms per test: checker, I/O */
#define NGX_HTTP_JUDGE_DEFAULT_FRAME  (16 * 1024 * 1024)
#define NGX_HTTP_JUDGE_DECLINES       8       /* per language and pass */


typedef struct {
    ngx_http_judge_addr_t        to;
    ngx_http_judge_recipe_t      recipe;      /* after a task head */
    u_char                       key[NGX_HTTP_JUDGE_HASH_LEN];
    size_t                       key_len;     /* job id or artifact hash */
    uint64_t                     task_id;
} ngx_http_judge_send_t;


static void ngx_http_judge_sched_compiles_locked(
    ngx_http_judge_zone_t *zone);
static ngx_int_t ngx_http_judge_sched_send_compile_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_artifact_t *a,
    ngx_array_t *sends);
static void ngx_http_judge_sched_started_locked(ngx_http_judge_job_t *job,
    ngx_http_judge_job_status_e status, ngx_array_t *notify);
static void ngx_http_judge_sched_job_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_array_t *notify, ngx_array_t *stop);
static void ngx_http_judge_sched_share_locked(ngx_http_judge_zone_t *zone,
    ngx_array_t *sends);
static ngx_str_t ngx_http_judge_sched_abi_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_job_t *job);
static ngx_int_t ngx_http_judge_sched_next_batch(ngx_http_judge_job_t *job,
    ngx_uint_t from);
static void ngx_http_judge_sched_orphan_wait_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_job_t *job,
    ngx_msec_t since, ngx_msec_t limit);
static ngx_msec_t ngx_http_judge_sched_sooner(ngx_msec_t a, ngx_msec_t b);
static void ngx_http_judge_sched_later_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job);
static ngx_int_t ngx_http_judge_sched_send_batch_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_job_t *job, ngx_uint_t i,
    ngx_array_t *sends);
static ngx_int_t ngx_http_judge_sched_batches_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_job_t *job,
    ngx_http_judge_artifact_t *a);
static void ngx_http_judge_sched_requeue_locked(ngx_http_judge_task_t *t);
static void ngx_http_judge_sched_given_up_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job);

static void ngx_http_judge_sched_orphan_locked(ngx_http_judge_zone_t *zone,
    ngx_msec_t *since, ngx_msec_t limit, ngx_uint_t *status,
    ngx_str_t *note, ngx_str_t *language);
static void ngx_http_judge_sched_orphan_job_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_job_t *job, size_t frame);
static void ngx_http_judge_sched_flush(ngx_http_judge_zone_t *zone,
    ngx_array_t *sends, ngx_array_t *notify, ngx_array_t *stop);
static ngx_http_judge_task_t *ngx_http_judge_sched_task_locked(
    ngx_http_judge_zone_t *zone, u_char *key, size_t key_len,
    uint64_t task_id, ngx_http_judge_artifact_t **a,
    ngx_uint_t *max_attempts);
static void ngx_http_judge_sched_task_head(ngx_http_judge_send_t *send);
static void ngx_http_judge_sched_undeliverable(ngx_http_judge_zone_t *zone,
    ngx_http_judge_send_t *send);


/* ------------------------------------------------------- scheduling */


/*
 * A pass: compiles past their deadlines, jobs whose timers came, then
 * the bookkeeping of every dirty job (what happened to it since), then
 * free slots shared out.  Jobs nothing happened to are not looked at.
 */

void
ngx_http_judge_sched_run(ngx_http_judge_zone_t *zone)
{
    ngx_pool_t            *pool;
    ngx_array_t           *sends, *notify, *stop;
    ngx_http_judge_job_t  *job;

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    sends = ngx_array_create(pool, 16, sizeof(ngx_http_judge_send_t));
    notify = ngx_array_create(pool, 16, sizeof(ngx_http_judge_addr_t));
    stop = ngx_array_create(pool, 4, sizeof(ngx_http_judge_send_t));

    if (sends == NULL || notify == NULL || stop == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    ngx_http_judge_zone_lock(zone);

    ngx_http_judge_sched_compiles_locked(zone);
    ngx_http_judge_ready_expire_timers_locked(zone);

    for ( ;; ) {
        job = ngx_http_judge_ready_next_dirty_locked(zone);
        if (job == NULL) {
            break;
        }

        ngx_http_judge_sched_job_locked(zone, job, notify, stop);
    }

    ngx_http_judge_sched_share_locked(zone, sends);

    ngx_http_judge_zone_unlock(zone);

    ngx_http_judge_sched_flush(zone, sends, notify, stop);

    ngx_destroy_pool(pool);
}


/*
 * Free slots go, one compile or batch at a time, to the client with the
 * fewest tests out, and among its jobs to the one with the fewest, the
 * oldest first on a tie.  Batches are never larger than a worker's slots and a
 * worker holds at most twice its slots, so a job that comes in behind a
 * long one waits about one test's time for a slot, not for the long one.
 *
 * A job whose work finds no room leaves the ready set and waits for the
 * next pass.  Once NGX_HTTP_JUDGE_DECLINES jobs of a class (language,
 * compile or run, ABI) found none, the class's workers are taken to be
 * full and its other jobs are not tried in this pass: a queue of
 * thousands costs a pass a few tree operations per job sent, not one
 * step per job waiting.  Work no worker can ever take is not counted: it
 * must not hold up what others can run.
 */

static void
ngx_http_judge_sched_share_locked(ngx_http_judge_zone_t *zone,
    ngx_array_t *sends)
{
    ngx_int_t                   rc;
    ngx_uint_t                  i, count;
    ngx_http_judge_job_t       *best;
    ngx_http_judge_class_t     *class;
    ngx_http_judge_artifact_t  *a;

    ngx_http_judge_ready_pass_locked(zone);

    for ( ;; ) {
        best = ngx_http_judge_ready_best_locked(zone,
                                                NGX_HTTP_JUDGE_DECLINES);
        if (best == NULL) {
            return;
        }

        class = best->entry->class;

        if (class->compile) {
            /* its compile, which jobs of the same sources share */

            a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts,
                                             best->hash,
                                             NGX_HTTP_JUDGE_HASH_LEN);

            ngx_http_judge_ready_remove_locked(zone, best);

            if (a == NULL || a->status != 0
                || a->task.state != NGX_HTTP_JUDGE_TASK_PENDING)
            {
                ngx_http_judge_ready_dirty_locked(zone, best);
                continue;
            }

            rc = ngx_http_judge_sched_send_compile_locked(zone, a, sends);

            if (rc == NGX_OK) {
                ngx_http_judge_ready_running_locked(zone, best, 1);

            } else if (rc == NGX_DECLINED) {
                class->declines++;
                ngx_http_judge_ready_dirty_locked(zone, best);

            } else {
                ngx_http_judge_sched_orphan_wait_locked(zone, best,
                                                           a->orphan_since,
                                                           a->orphan_limit);
                if (a->status) {
                    ngx_http_judge_sched_wake_locked(zone, a->hash);
                }
            }

            continue;
        }

        i = best->next_batch;
        count = best->batches[i].count;

        rc = ngx_http_judge_sched_send_batch_locked(zone, best, i, sends);

        if (rc == NGX_DECLINED) {
            /* no worker has room for it now */
            class->declines++;
            ngx_http_judge_ready_remove_locked(zone, best);
            ngx_http_judge_ready_dirty_locked(zone, best);
            continue;
        }

        if (rc != NGX_OK) {
            /* no worker can take it: it waits for one, or it is over */
            ngx_http_judge_ready_remove_locked(zone, best);

            if (best->orphan_since) {
                ngx_http_judge_sched_orphan_wait_locked(zone, best,
                                                           best->orphan_since,
                                                           best->orphan_limit);
            } else {
                ngx_http_judge_ready_dirty_locked(zone, best);
            }

            continue;
        }

        ngx_http_judge_ready_running_locked(zone, best, count);
        ngx_http_judge_ready_timer_by_locked(zone, best,
                                             best->batches[i].deadline);

        if (ngx_http_judge_sched_next_batch(best, i + 1) != NGX_OK) {
            ngx_http_judge_ready_remove_locked(zone, best);
        }
    }
}


/* the job is looked at again when the wait for a worker is over */

static void
ngx_http_judge_sched_orphan_wait_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_msec_t since, ngx_msec_t limit)
{
    ngx_http_judge_ready_remove_locked(zone, job);

    if (since == 0) {
        ngx_http_judge_ready_dirty_locked(zone, job);
        return;
    }

    ngx_http_judge_ready_timer_by_locked(zone, job, since + limit + 1);
}


/*
 * Jobs waiting for the artifact of "hash" are looked at again: it was
 * compiled, or its compile failed or was handed out again.  Those with
 * batches wait too when the artifact was evicted under them and compiled
 * again.  Rare enough (once per compile) to find them by walking the jobs
 * that run.  No hash: every job that runs.
 */

void
ngx_http_judge_sched_wake_locked(ngx_http_judge_zone_t *zone, u_char *hash)
{
    ngx_queue_t           *q;
    ngx_http_judge_job_t  *job;

    for (q = ngx_queue_head(&zone->sh->active);
         q != ngx_queue_sentinel(&zone->sh->active);
         q = ngx_queue_next(q))
    {
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

        if (hash == NULL
            || (job->compiled
                && ngx_memcmp(job->hash, hash, NGX_HTTP_JUDGE_HASH_LEN) == 0))
        {
            ngx_http_judge_ready_dirty_locked(zone, job);
        }
    }
}


/*
 * Every unfinished job is looked at again: a worker came, and work that
 * nobody could take may go to it now.
 */

void
ngx_http_judge_sched_worker_came_locked(ngx_http_judge_zone_t *zone)
{
    ngx_http_judge_sched_wake_locked(zone, NULL);
}


/* the ABI a job's batches need: its artifact's, or none (interpreted) */

static ngx_str_t
ngx_http_judge_sched_abi_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_str_t                   none = ngx_null_string;
    ngx_http_judge_artifact_t  *a;

    if (!job->compiled) {
        return none;
    }

    a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, job->hash,
                                     NGX_HTTP_JUDGE_HASH_LEN);

    return a ? a->abi : none;
}


/* the next batch of the job that may be sent now, from "from" on */

static ngx_int_t
ngx_http_judge_sched_next_batch(ngx_http_judge_job_t *job,
    ngx_uint_t from)
{
    ngx_uint_t              i, gate;
    ngx_http_judge_task_t  *b;

    gate = ngx_http_judge_job_gate(job);

    for (i = from; i < job->nbatches; i++) {
        b = &job->batches[i];

        if (b->state == NGX_HTTP_JUDGE_TASK_PENDING && b->first < gate
            && (ngx_msec_int_t) (ngx_current_msec - b->not_before) >= 0)
        {
            job->next_batch = i;
            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


static void
ngx_http_judge_sched_flush(ngx_http_judge_zone_t *zone,
    ngx_array_t *sends, ngx_array_t *notify, ngx_array_t *stop)
{
    ngx_uint_t              i;
    ngx_str_t               id;
    ngx_http_judge_send_t  *s;

    s = sends->elts;

    for (i = 0; i < sends->nelts; i++) {
        if (s[i].recipe.failed
            || ngx_http_judge_ipc_send(zone, &s[i].to, NGX_HTTP_JUDGE_MSG_TASK,
                                       s[i].recipe.buf, s[i].recipe.len)
               != NGX_OK)
        {
            ngx_http_judge_sched_undeliverable(zone, &s[i]);

            ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                          "judge: a task for process %P could not be "
                          "delivered; it will be retried", s[i].to.pid);
        }

        if (s[i].recipe.buf) {
            ngx_free(s[i].recipe.buf);
        }
    }

    sends->nelts = 0;

    /* tasks past their deadline: their workers are told to drop them */

    s = stop->elts;

    for (i = 0; i < stop->nelts; i++) {
        id.data = s[i].key;
        id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;
        ngx_http_judge_sched_cancel(zone, &s[i].to, &id,
                                            s[i].task_id);
    }

    stop->nelts = 0;

    ngx_http_judge_notify(zone, notify);
}


/* the task a head names, with its job's attempts, or NULL; "a": a compile */

static ngx_http_judge_task_t *
ngx_http_judge_sched_task_locked(ngx_http_judge_zone_t *zone,
    u_char *key, size_t key_len, uint64_t task_id,
    ngx_http_judge_artifact_t **a, ngx_uint_t *max_attempts)
{
    ngx_uint_t             i;
    ngx_http_judge_job_t  *job;

    *a = NULL;
    *max_attempts = 1;

    if (key_len == NGX_HTTP_JUDGE_JOB_ID_LEN) {
        job = ngx_http_judge_job_lookup_locked(zone->sh, key, key_len);

        for (i = 0; job && i < job->nbatches; i++) {
            if (job->batches[i].task_id == task_id) {
                *max_attempts = job->max_attempts;
                return &job->batches[i];
            }
        }

        return NULL;
    }

    if (key_len != NGX_HTTP_JUDGE_HASH_LEN) {
        return NULL;
    }

    *a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, key, key_len);

    if (*a && (*a)->task.task_id == task_id) {
        return &(*a)->task;
    }

    *a = NULL;

    return NULL;
}


/* the head of a task's message: which task it is */

static void
ngx_http_judge_sched_task_head(ngx_http_judge_send_t *send)
{
    ngx_http_judge_task_head_t  head;

    ngx_memzero(&head, sizeof(ngx_http_judge_task_head_t));
    ngx_memcpy(head.key, send->key, send->key_len);
    head.key_len = send->key_len;
    head.task_id = send->task_id;

    ngx_http_judge_recipe_head(&send->recipe, &head, sizeof(head));
}


/*
 * Whether a task mailed to the process holding its worker's stream is
 * still out to that stream.  It may not be: a cancel, a deadline or the
 * worker's end can come between the choice, made under the lock, and the
 * mail, sent after it, and a cancel mailed from a third process can then
 * arrive first.  Such a task is not sent: its worker would run it with
 * capacity the judge already counts as free.
 */

ngx_uint_t
ngx_http_judge_sched_task_out(ngx_http_judge_zone_t *zone,
    ngx_http_judge_task_head_t *head, uint64_t stream_id)
{
    ngx_uint_t                  out, max_attempts;
    ngx_http_judge_task_t      *t;
    ngx_http_judge_artifact_t  *a;

    ngx_http_judge_zone_lock(zone);

    t = ngx_http_judge_sched_task_locked(zone, head->key, head->key_len,
                                            head->task_id, &a, &max_attempts);

    out = t && t->state == NGX_HTTP_JUDGE_TASK_RUNNING
          && t->worker.id == stream_id;

    ngx_http_judge_zone_unlock(zone);

    return out;
}


/*
 * A task could not be mailed to the process holding its worker's stream
 * (that process is gone, or the zone is full): it counts as a failed
 * attempt and is handed out again, if it is still where it was left.
 */

static void
ngx_http_judge_sched_undeliverable(ngx_http_judge_zone_t *zone,
    ngx_http_judge_send_t *send)
{
    ngx_uint_t                  max_attempts;
    ngx_http_judge_task_t      *t;
    ngx_http_judge_artifact_t  *a;

    ngx_http_judge_zone_lock(zone);

    t = ngx_http_judge_sched_task_locked(zone, send->key, send->key_len,
                                            send->task_id, &a, &max_attempts);

    if (t && t->state == NGX_HTTP_JUDGE_TASK_RUNNING) {
        ngx_http_judge_registry_release_locked(zone, NULL, t->worker.id,
                                               t->count ? t->count
                                                        - t->reported : 1);
        if (a) {
            ngx_http_judge_sched_compile_retry_locked(zone, a);

        } else {
            ngx_http_judge_sched_retry_locked(zone, t, max_attempts);
            ngx_http_judge_ready_dirty_locked(zone,
                ngx_http_judge_job_lookup_locked(zone->sh, send->key,
                                                 send->key_len));
        }
    }

    ngx_http_judge_zone_unlock(zone);
}


/* a running task's deadline passed: NGX_OK and the task is let go */

static ngx_int_t
ngx_http_judge_sched_overdue_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_task_t *t)
{
    if (t->state != NGX_HTTP_JUDGE_TASK_RUNNING
        || (ngx_msec_int_t) (ngx_current_msec - t->deadline) < 0)
    {
        return NGX_DECLINED;
    }

    ngx_http_judge_registry_release_locked(zone, NULL, t->worker.id,
                                           t->count ? t->count - t->reported
                                                    : 1);
    zone->sh->deadlines++;

    return NGX_OK;
}


/*
 * Compiles past their deadlines are handed out again.  The queue holds
 * the compiles sent (few: no more than the fleet's slots); one that ended
 * otherwise leaves it here.
 */

static void
ngx_http_judge_sched_compiles_locked(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t                *q, *next;
    ngx_http_judge_artifact_t  *a;

    for (q = ngx_queue_head(&zone->sh->compiling);
         q != ngx_queue_sentinel(&zone->sh->compiling);
         q = next)
    {
        next = ngx_queue_next(q);
        a = ngx_queue_data(q, ngx_http_judge_artifact_t, compiling);

        if (a->status == 0
            && ngx_http_judge_sched_overdue_locked(zone, &a->task)
               == NGX_OK)
        {
            ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                          "judge: a compile of %*s was not answered in "
                          "time; it is handed out again",
                          (size_t) 16, a->hash);
            ngx_http_judge_sched_compile_retry_locked(zone, a);
        }

        if (a->status || a->task.state != NGX_HTTP_JUDGE_TASK_RUNNING) {
            ngx_queue_remove(&a->compiling);
            a->in_compiling = 0;
        }
    }
}


/*
 * A pending compilation goes to the least loaded worker able to compile.
 * NGX_DECLINED: none has room now; NGX_ABORT: none can compile it (it
 * fails with IE after judge_no_worker_timeout).
 */

static ngx_int_t
ngx_http_judge_sched_send_compile_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_artifact_t *a, ngx_array_t *sends)
{
    ngx_int_t                 rc;
    ngx_http_judge_send_t    *send;
    ngx_http_judge_worker_t  *w;

    rc = ngx_http_judge_registry_pick_locked(zone, &a->language, 1, NULL,
                                             1, NULL, 0, &w);

    if (rc == NGX_ABORT) {
        ngx_http_judge_sched_orphan_locked(zone, &a->orphan_since,
                                              a->orphan_limit, &a->status,
                                              &a->note, &a->language);
        return NGX_ABORT;
    }

    a->orphan_since = 0;

    if (rc != NGX_OK) {
        return NGX_DECLINED;
    }

    a->task.worker.pid = w->owner_pid;
    a->task.worker.generation = w->generation;
    a->task.worker.id = w->stream_id;
    a->task.task_id = zone->sh->next_id++;
    a->task.state = NGX_HTTP_JUDGE_TASK_RUNNING;

    if (!a->in_compiling) {
        ngx_queue_insert_tail(&zone->sh->compiling, &a->compiling);
        a->in_compiling = 1;
    }

    a->task.deadline = ngx_current_msec + a->compile_time
                       + (w->inflight - 1) / w->slots * a->compile_time
                       + a->grace;

    send = ngx_array_push(sends);
    if (send == NULL) {
        ngx_http_judge_registry_release_locked(zone, NULL,
                                               a->task.worker.id, 1);
        a->task.state = NGX_HTTP_JUDGE_TASK_PENDING;
        return NGX_DECLINED;
    }

    ngx_memzero(send, sizeof(ngx_http_judge_send_t));

    send->to = a->task.worker;
    ngx_memcpy(send->key, a->hash, NGX_HTTP_JUDGE_HASH_LEN);
    send->key_len = NGX_HTTP_JUDGE_HASH_LEN;
    send->task_id = a->task.task_id;

    ngx_http_judge_sched_task_head(send);
    ngx_http_judge_wire_compile(a, &send->recipe);
    zone->sh->compiles++;

    return NGX_OK;
}


/* the compile answer goes with the job too, marked as cached or not */

static void
ngx_http_judge_sched_take_compile_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_http_judge_artifact_t *a)
{
    if (job->compile.serial || job->note.len) {
        if (a->status != JUDGE__STATUS__IE) {
            return;
        }

        /*
         * Compiled again (its artifact went while it ran) and the judge
         * failed: that answer is the one to show, not the first.
         */

        ngx_http_judge_blob_release_locked(zone, &job->compile);
        ngx_http_judge_zone_free_str_locked(zone, &job->note);
    }

    if (a->compile.serial) {
        job->compile = a->compile;
        ngx_http_judge_blob_hold_locked(zone, &job->compile);
        return;
    }

    (void) ngx_http_judge_zone_store_locked(zone, &job->note, a->note.data,
                                            a->note.len);
}


/*
 * A job is under way (compiling, or its tests handed out): since when it
 * started is kept, and a run of a code session tells its followers of
 * the change.
 */

static void
ngx_http_judge_sched_started_locked(ngx_http_judge_job_t *job,
    ngx_http_judge_job_status_e status, ngx_array_t *notify)
{
    if (job->status == status) {
        return;
    }

    job->status = status;

    if (job->started_ms == 0) {
        job->started_ms = ngx_http_judge_json_now_ms();
    }

    if (job->execution) {
        ngx_http_judge_job_progress_locked(job, notify);
    }
}


/*
 * A dirty job's bookkeeping: its compile's outcome, tasks past their
 * deadlines, its end; what it has out; whether it has work to send now
 * (its compile, or a batch: then it is in the ready set of that class);
 * and when it must be looked at again if nothing happens to it.
 */

static void
ngx_http_judge_sched_job_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_array_t *notify, ngx_array_t *stop)
{
    ngx_str_t                   none = ngx_null_string;
    ngx_str_t                   abi;
    ngx_msec_t                  when;
    ngx_uint_t                  i, done, complete, running;
    ngx_http_judge_task_t      *b;
    ngx_http_judge_send_t      *send;
    ngx_http_judge_artifact_t  *a;

    a = NULL;
    when = 0;
    running = 0;

    if (job->compiled) {
        a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, job->hash,
                                         NGX_HTTP_JUDGE_HASH_LEN);

        if (a == NULL) {
            /* evicted while still needed: compile again */
            if (ngx_http_judge_cache_want_locked(zone, job) == NGX_ERROR) {
                ngx_http_judge_sched_later_locked(zone, job);
                return;
            }

            a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, job->hash,
                                             NGX_HTTP_JUDGE_HASH_LEN);
        }

        if (a->status == 0) {
            ngx_http_judge_sched_started_locked(job,
                                                NGX_HTTP_JUDGE_COMPILING,
                                                notify);

            if (a->task.state == NGX_HTTP_JUDGE_TASK_RUNNING) {
                running = 1;
                ngx_http_judge_ready_remove_locked(zone, job);

            } else if ((ngx_msec_int_t) (ngx_current_msec
                                         - a->task.not_before) >= 0)
            {
                if (ngx_http_judge_ready_add_locked(zone, job, 1, &none)
                    != NGX_OK)
                {
                    when = ngx_current_msec + NGX_HTTP_JUDGE_RETRY_BASE;
                }

            } else {
                ngx_http_judge_ready_remove_locked(zone, job);
                when = a->task.not_before;
            }

            if (a->orphan_since) {
                when = ngx_http_judge_sched_sooner(when, a->orphan_since
                                                            + a->orphan_limit
                                                            + 1);
            }

            ngx_http_judge_ready_running_locked(zone, job,
                                                (ngx_int_t) running
                                                - (ngx_int_t) job->running);
            ngx_http_judge_ready_timer_locked(zone, job, when);
            return;
        }

        ngx_http_judge_sched_take_compile_locked(zone, job, a);

        if (a->status == JUDGE__STATUS__IE) {
            ngx_http_judge_job_finish_locked(zone, job, NGX_HTTP_JUDGE_FAILED,
                                             JUDGE__STATUS__IE, notify);
            return;
        }

        if (a->status != JUDGE__STATUS__OK) {
            ngx_http_judge_job_finish_locked(zone, job,
                                             NGX_HTTP_JUDGE_COMPLETED,
                                             JUDGE__STATUS__CE, notify);
            return;
        }
    }

    if (job->batches == NULL) {
        if (ngx_http_judge_sched_batches_locked(zone, job, a) != NGX_OK) {
            ngx_http_judge_sched_later_locked(zone, job);
            return;
        }

        ngx_http_judge_sched_started_locked(job, NGX_HTTP_JUDGE_RUNNING,
                                            notify);
    }

    done = 1;

    for (i = 0; i < job->nbatches; i++) {
        b = &job->batches[i];

        if (ngx_http_judge_sched_overdue_locked(zone, b) == NGX_OK) {
            ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                          "judge: a batch of job %*s was not done in time; "
                          "it is handed out again",
                          (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, job->id);

            send = ngx_array_push(stop);
            if (send) {
                ngx_memzero(send, sizeof(ngx_http_judge_send_t));
                send->to = b->worker;
                ngx_memcpy(send->key, job->id, NGX_HTTP_JUDGE_JOB_ID_LEN);
                send->task_id = b->task_id;
            }

            ngx_http_judge_sched_retry_locked(zone, b, job->max_attempts);
        }

        if (b->state == NGX_HTTP_JUDGE_TASK_PENDING
            && b->first >= job->stop_at)
        {
            /* past a failure (stop_on_first_failure, stages): not needed */
            b->state = NGX_HTTP_JUDGE_TASK_DONE;
        }

        switch (b->state) {

        case NGX_HTTP_JUDGE_TASK_RUNNING:
            running += b->count - b->reported;
            when = ngx_http_judge_sched_sooner(when, b->deadline);
            done = 0;
            break;

        case NGX_HTTP_JUDGE_TASK_PENDING:
            if ((ngx_msec_int_t) (ngx_current_msec - b->not_before) < 0) {
                when = ngx_http_judge_sched_sooner(when, b->not_before);
            }

            done = 0;
            break;

        default:
            break;
        }
    }

    if (done && job->nbatches) {
        complete = job->nresults == job->ntests
                   || ngx_http_judge_job_stopped_locked(job);

        if (!complete && job->message.len == 0) {
            ngx_http_judge_sched_given_up_locked(zone, job);
        }

        ngx_http_judge_job_finish_locked(zone, job,
                                         complete ? NGX_HTTP_JUDGE_COMPLETED
                                                  : NGX_HTTP_JUDGE_FAILED,
                                         0, notify);
        return;
    }

    if (job->orphan_since) {
        when = ngx_http_judge_sched_sooner(when, job->orphan_since
                                                    + job->orphan_limit + 1);
    }

    ngx_http_judge_ready_running_locked(zone, job,
                                        (ngx_int_t) running
                                        - (ngx_int_t) job->running);
    ngx_http_judge_ready_timer_locked(zone, job, when);

    if (ngx_http_judge_sched_next_batch(job, 0) != NGX_OK) {
        ngx_http_judge_ready_remove_locked(zone, job);
        return;
    }

    abi = ngx_http_judge_sched_abi_locked(zone, job);

    if (ngx_http_judge_ready_add_locked(zone, job, 0, &abi) != NGX_OK) {
        ngx_http_judge_sched_later_locked(zone, job);
    }
}


/* the earlier of two moments; 0 is none */

static ngx_msec_t
ngx_http_judge_sched_sooner(ngx_msec_t a, ngx_msec_t b)
{
    if (a == 0 || (b && (ngx_msec_int_t) (b - a) < 0)) {
        return b;
    }

    return a;
}


/* no room in the zone for the job's bookkeeping now: the next pass tries */

static void
ngx_http_judge_sched_later_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_http_judge_ready_remove_locked(zone, job);
    ngx_http_judge_ready_timer_locked(zone, job, ngx_current_msec
                                      + NGX_HTTP_JUDGE_RETRY_BASE);
}


/* a job ends without all its tests: says why, to its client and the log */

static void
ngx_http_judge_sched_given_up_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    u_char      *p;
    ngx_uint_t   i, lost;
    u_char       buf[sizeof("the judge gave up on  tests after  failed "
                            "attempts: their workers were lost or failing; "
                            "the last said: ")
                     + 2 * NGX_INT_T_LEN + 200];

    lost = 0;

    for (i = 0; i < job->nbatches; i++) {
        if (job->batches[i].reported < job->batches[i].count) {
            lost += job->batches[i].count - job->batches[i].reported;
        }
    }

    if (job->unwritten) {
        p = ngx_snprintf(buf, sizeof(buf),
                         "the results of %ui tests could not be kept: %s",
                         lost, job->unwritten == 2
                               ? "the disk of the judge's cache directory is "
                                 "full"
                               : "the judge's cache directory failed");

    } else {
        p = ngx_snprintf(buf, sizeof(buf), "the judge gave up on %ui tests "
                         "after %ui failed attempts: their workers were lost "
                         "or failing", lost, job->max_attempts);

        if (job->failure.len) {
            p = ngx_snprintf(p, buf + sizeof(buf) - p, "; the last said: %V",
                             &job->failure);
        }
    }

    (void) ngx_http_judge_zone_store_locked(zone, &job->message, buf, p - buf);

    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                  "judge: job %*s failed: %*s",
                  (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, job->id,
                  (size_t) (p - buf), buf);
}


/*
 * Sends batch "i" of the job to the least loaded worker that can take it.
 * NGX_DECLINED: none has room now; NGX_ABORT: none can ever take it
 * (the job waits for one as long as judge_no_worker_timeout).
 */

static ngx_int_t
ngx_http_judge_sched_send_batch_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_uint_t i, ngx_array_t *sends)
{
    size_t                      frame, largest;
    ngx_int_t                   rc;
    ngx_str_t                   abi;
    ngx_uint_t                  held, ahead, slots;
    ngx_http_judge_task_t      *b;
    ngx_http_judge_send_t      *send;
    ngx_http_judge_worker_t    *w;
    ngx_http_judge_artifact_t  *a;

    b = &job->batches[i];
    a = NULL;

    if (job->compiled) {
        a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, job->hash,
                                         NGX_HTTP_JUDGE_HASH_LEN);
        if (a == NULL) {
            return NGX_DECLINED;
        }
    }

    abi = a ? a->abi : (ngx_str_t) ngx_null_string;

    frame = ngx_http_judge_wire_batch_size(job, b->first, b->count, a);

    rc = ngx_http_judge_registry_pick_locked(zone, &job->language, 0,
                                             abi.len ? &abi : NULL,
                                             b->count, a ? a->hash : NULL,
                                             frame, &w);

    if (rc == NGX_ABORT) {
        ngx_http_judge_registry_largest_locked(zone, &job->language,
                                               &largest, &slots);
        ngx_http_judge_sched_orphan_job_locked(zone, job,
                                      (largest && frame > largest) ? frame : 0);
        return NGX_ABORT;
    }

    job->orphan_since = 0;

    if (rc != NGX_OK) {
        return NGX_DECLINED;
    }

    held = a && ngx_http_judge_registry_held_locked(w, a->hash);

    if (a && !held) {
        b->send_artifact = 1;
    }

    if (a) {
        ngx_http_judge_registry_hold_locked(w, a->hash);
    }

    /* what the worker had before ours is done first */
    ahead = w->inflight - b->count;

    b->worker.pid = w->owner_pid;
    b->worker.generation = w->generation;
    b->worker.id = w->stream_id;
    b->task_id = zone->sh->next_id++;
    b->state = NGX_HTTP_JUDGE_TASK_RUNNING;
    b->reported = 0;
    b->deadline = ngx_current_msec + job->grace
                  + (ahead + b->count + w->slots - 1) / w->slots
                    * (job->test_time + NGX_HTTP_JUDGE_TEST_SLACK);

    send = ngx_array_push(sends);
    if (send == NULL) {
        ngx_http_judge_registry_release_locked(zone, NULL, b->worker.id,
                                               b->count);
        b->state = NGX_HTTP_JUDGE_TASK_PENDING;
        return NGX_DECLINED;
    }

    ngx_memzero(send, sizeof(ngx_http_judge_send_t));

    send->to = b->worker;
    ngx_memcpy(send->key, job->id, NGX_HTTP_JUDGE_JOB_ID_LEN);
    send->key_len = NGX_HTTP_JUDGE_JOB_ID_LEN;
    send->task_id = b->task_id;

    /* a run started again, for whatever reason, is its next attempt */
    job->starts++;

    ngx_http_judge_sched_task_head(send);
    ngx_http_judge_wire_batch(job, b, a, &send->recipe);

    return NGX_OK;
}


/*
 * Nobody can run this work now.  That is fine for a while (workers come
 * back after a reload); past judge_no_worker_timeout it fails with IE.
 * Returns 1 when the wait is over.
 */

static ngx_uint_t
ngx_http_judge_sched_orphaned(ngx_msec_t *since, ngx_msec_t limit)
{
    if (*since == 0) {
        *since = ngx_current_msec;
        return 0;
    }

    return (ngx_msec_int_t) (ngx_current_msec - *since)
           > (ngx_msec_int_t) limit;
}


static void
ngx_http_judge_sched_orphan_locked(ngx_http_judge_zone_t *zone,
    ngx_msec_t *since, ngx_msec_t limit, ngx_uint_t *status,
    ngx_str_t *note, ngx_str_t *language)
{
    u_char  *p;
    u_char   buf[sizeof("\"status\":\"IE\",\"output\":\"\",\"message\":"
                     "\"no worker able to compile  came\"")
                 + NGX_HTTP_JUDGE_MAX_ID_LEN];

    if (!ngx_http_judge_sched_orphaned(since, limit)) {
        return;
    }

    p = ngx_sprintf(buf, "\"status\":\"IE\",\"output\":\"\",\"message\":"
                    "\"no worker able to compile %V came\"", language);

    if (ngx_http_judge_zone_store_locked(zone, note, buf, p - buf) == NGX_OK) {
        *status = JUDGE__STATUS__IE;
    }
}


/* "frame": what no worker takes, or 0 when no worker has the language */

static void
ngx_http_judge_sched_orphan_job_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, size_t frame)
{
    u_char      *p;
    ngx_uint_t   i;
    u_char       buf[sizeof("no worker taking frames of  bytes came")
                     + NGX_INT64_LEN + NGX_HTTP_JUDGE_MAX_ID_LEN];

    if (!ngx_http_judge_sched_orphaned(&job->orphan_since,
                                          job->orphan_limit))
    {
        return;
    }

    for (i = 0; i < job->nbatches; i++) {
        if (job->batches[i].state == NGX_HTTP_JUDGE_TASK_PENDING) {
            job->batches[i].state = NGX_HTTP_JUDGE_TASK_DONE;
        }
    }

    if (frame) {
        p = ngx_sprintf(buf, "no worker taking frames of %uz bytes came",
                        frame);

    } else {
        p = ngx_sprintf(buf, "no worker able to run %V came", &job->language);
    }

    (void) ngx_http_judge_zone_store_locked(zone, &job->message, buf,
                                            p - buf);
}


/*
 * Cuts the tests into batches: judge_batch_size when set, otherwise
 * enough batches to give every slot of the fleet some work, and no more
 * tests than one worker has slots, so that other jobs get their turns
 * between a long job's batches; and never more bytes than the fleet's
 * workers take in one frame.
 */

static ngx_int_t
ngx_http_judge_sched_batches_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_http_judge_artifact_t *a)
{
    size_t                  limit;
    ngx_uint_t              i, k, size, slots, n, first, end;
    ngx_http_judge_task_t  *b;

    ngx_http_judge_registry_largest_locked(zone, &job->language, &limit,
                                           &slots);

    size = job->batch_size;

    if (size == 0) {
        size = (job->ntests + ngx_max(zone->sh->free_slots, 1) - 1)
               / ngx_max(zone->sh->free_slots, 1);

        if (slots) {
            size = ngx_min(size, slots);
        }
    }

    size = ngx_max(1, ngx_min(size, NGX_HTTP_JUDGE_MAX_BATCH));

    if (limit == 0) {
        limit = NGX_HTTP_JUDGE_DEFAULT_FRAME;
    }

    /*
     * A test too large for every worker here now goes in a batch of its
     * own and waits, as work nobody can take does, for a worker that
     * takes it (judge_no_worker_timeout).
     */

    for (i = 0; i < job->ntests; i++) {
        limit = ngx_max(limit, ngx_http_judge_wire_batch_size(job, i, 1,
                                                                  a));
    }

    /* two passes: count the batches, then fill them */

    b = NULL;

    for ( ;; ) {
        n = 0;

        for (first = 0; first < job->ntests; first += k) {
            end = job->nstages
                  ? job->stage_end[ngx_http_judge_job_stage(job, first)]
                  : job->ntests;

            for (k = 1; first + k < end && k < size; k++) {
                if (ngx_http_judge_wire_batch_size(job, first, k + 1, a)
                    > limit)
                {
                    break;
                }
            }

            if (b) {
                b[n].first = first;
                b[n].count = k;
                b[n].state = NGX_HTTP_JUDGE_TASK_PENDING;
            }

            n++;
        }

        if (b) {
            break;
        }

        b = ngx_http_judge_zone_alloc_locked(zone,
                                             n * sizeof(ngx_http_judge_task_t));
        if (b == NULL) {
            return NGX_ERROR;
        }
    }

    job->batches = b;
    job->nbatches = n;

    return NGX_OK;
}


/* a task lost with its worker: again later, or given up on */

void
ngx_http_judge_sched_retry_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_task_t *t, ngx_uint_t max_attempts)
{
    t->attempt++;
    zone->sh->retries++;

    if (t->attempt >= max_attempts) {
        t->state = NGX_HTTP_JUDGE_TASK_DONE;
        return;
    }

    t->state = NGX_HTTP_JUDGE_TASK_PENDING;
    t->not_before = ngx_current_msec
                    + (NGX_HTTP_JUDGE_RETRY_BASE << ngx_min(t->attempt, 6));
}


/* a task its worker was let go with: again at once, no attempt counted */

static void
ngx_http_judge_sched_requeue_locked(ngx_http_judge_task_t *t)
{
    t->state = NGX_HTTP_JUDGE_TASK_PENDING;
    t->not_before = ngx_current_msec;
}


/*
 * A task handed back unstarted by a draining worker is pending again at
 * once (1), but past NGX_HTTP_JUDGE_MAX_RETURNS handings back (workers
 * that drain as soon as they come) it is not (0): the caller counts a
 * failed attempt.
 */

ngx_uint_t
ngx_http_judge_sched_returned_locked(ngx_http_judge_task_t *t)
{
    if (t->returns == NGX_HTTP_JUDGE_MAX_RETURNS) {
        return 0;
    }

    t->returns++;
    ngx_http_judge_sched_requeue_locked(t);

    return 1;
}


/* a compile lost with its worker: again, or the judge gives up (IE) */

void
ngx_http_judge_sched_compile_retry_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_artifact_t *a)
{
    static u_char  lost[] = "\"status\":\"IE\",\"output\":\"\",\"message\":"
                            "\"the compile was lost too often\"";

    ngx_http_judge_sched_retry_locked(zone, &a->task, a->max_attempts);

    if (a->task.state == NGX_HTTP_JUDGE_TASK_DONE) {
        (void) ngx_http_judge_zone_store_locked(zone, &a->note, lost,
                                                sizeof(lost) - 1);
        a->status = JUDGE__STATUS__IE;
    }

    ngx_http_judge_sched_wake_locked(zone, a->hash);
}


/*
 * A worker's stream is gone (called under the lock by the registry):
 * what it had in hand is handed out again, as a failed attempt when the
 * worker was "lost", at once and as if never sent when nginx let it go.
 */

void
ngx_http_judge_sched_worker_gone_locked(ngx_http_judge_zone_t *zone,
    uint64_t stream_id, ngx_uint_t lost)
{
    ngx_uint_t                  i;
    ngx_queue_t                *q;
    ngx_http_judge_job_t       *job;
    ngx_http_judge_task_t      *b;
    ngx_http_judge_artifact_t  *a;

    for (q = ngx_queue_head(&zone->sh->compiling);
         q != ngx_queue_sentinel(&zone->sh->compiling);
         q = ngx_queue_next(q))
    {
        a = ngx_queue_data(q, ngx_http_judge_artifact_t, compiling);

        if (a->status == 0 && a->task.state == NGX_HTTP_JUDGE_TASK_RUNNING
            && a->task.worker.id == stream_id)
        {
            if (lost) {
                ngx_http_judge_sched_compile_retry_locked(zone, a);

            } else {
                ngx_http_judge_sched_requeue_locked(&a->task);
                ngx_http_judge_sched_wake_locked(zone, a->hash);
            }
        }
    }

    for (q = ngx_queue_head(&zone->sh->active);
         q != ngx_queue_sentinel(&zone->sh->active);
         q = ngx_queue_next(q))
    {
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

        for (i = 0; i < job->nbatches; i++) {
            b = &job->batches[i];

            if (b->state != NGX_HTTP_JUDGE_TASK_RUNNING
                || b->worker.id != stream_id)
            {
                continue;
            }

            if (lost) {
                ngx_http_judge_sched_retry_locked(zone, b,
                                                     job->max_attempts);

            } else {
                ngx_http_judge_sched_requeue_locked(b);
            }

            ngx_http_judge_ready_dirty_locked(zone, job);
        }
    }
}


/* ------------------------------------------------------- cancels */


/* Cancel{job_id, task_id} to the stream "to": task 0 stops the whole job */

void
ngx_http_judge_sched_cancel(ngx_http_judge_zone_t *zone,
    ngx_http_judge_addr_t *to, ngx_str_t *job_id, uint64_t task_id)
{
    size_t  len;
    u_char  buf[128];

    len = ngx_http_judge_wire_cancel(buf, job_id, task_id);

    (void) ngx_http_judge_ipc_send(zone, to, NGX_HTTP_JUDGE_MSG_SEND, buf, len);
}


/*
 * DELETE /submissions/{id}.  NGX_DECLINED: unknown; NGX_DONE: it had
 * ended already.  Workers running its batches are told to stop.
 */

ngx_int_t
ngx_http_judge_sched_cancel_job(ngx_http_judge_zone_t *zone, ngx_str_t *id)
{
    ngx_int_t                rc;
    ngx_uint_t               i;
    ngx_array_t             *notify, *stop;
    ngx_pool_t              *pool;
    ngx_http_judge_job_t    *job;
    ngx_http_judge_addr_t   *a;

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return NGX_ERROR;
    }

    notify = ngx_array_create(pool, 8, sizeof(ngx_http_judge_addr_t));
    stop = ngx_array_create(pool, 8, sizeof(ngx_http_judge_addr_t));

    if (notify == NULL || stop == NULL) {
        ngx_destroy_pool(pool);
        return NGX_ERROR;
    }

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, id->data, id->len);

    if (job == NULL) {
        rc = NGX_DECLINED;

    } else if (job->status >= NGX_HTTP_JUDGE_COMPLETED) {
        rc = NGX_DONE;

    } else {
        ngx_http_judge_job_stop_batches_locked(zone, job, stop);
        ngx_http_judge_job_finish_locked(zone, job, NGX_HTTP_JUDGE_CANCELLED,
                                         JUDGE__STATUS__CANCELLED, notify);
        rc = NGX_OK;
    }

    ngx_http_judge_zone_unlock(zone);

    a = stop->elts;
    for (i = 0; i < stop->nelts; i++) {
        ngx_http_judge_sched_cancel(zone, &a[i], id, 0);
    }

    ngx_http_judge_notify(zone, notify);

    ngx_destroy_pool(pool);

    return rc;
}
