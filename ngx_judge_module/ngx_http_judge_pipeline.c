
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"


/*
 * The pipeline: compile once (per source hash, on a worker that can),
 * cut the tests into batches, spread them over free slots, take the
 * results in as they come, and end the job with a verdict.
 *
 * Every decision is taken under the zone lock by whichever nginx process
 * happens to run ngx_http_judge_pipeline_run(): the one that accepted a
 * submission, the one that received a result, or any one on its poll
 * timer.  Decisions are written into the zone first; the frames they call
 * for are assembled under the lock by copying bytes (protobuf fields may
 * simply be concatenated) and mailed to the process holding the worker's
 * stream once the lock is released.
 */


#define NGX_HTTP_JUDGE_MAX_BATCH      64
#define NGX_HTTP_JUDGE_RETRY_BASE     100     /* ms, doubled per attempt */


typedef struct {
    ngx_http_judge_addr_t        to;
    u_char                      *frame;       /* ngx_alloc()ed */
    size_t                       len;
    u_char                       key[NGX_HTTP_JUDGE_HASH_LEN];
    size_t                       key_len;     /* job id or artifact hash */
    uint64_t                     task_id;
} ngx_http_judge_send_t;


static void ngx_http_judge_cache_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_artifact_t *a);
static void *ngx_http_judge_cache_alloc_locked(ngx_http_judge_zone_t *zone,
    size_t size);
static void ngx_http_judge_pipeline_compiles_locked(
    ngx_http_judge_zone_t *zone, ngx_array_t *sends);
static void ngx_http_judge_pipeline_job_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_array_t *sends, ngx_array_t *notify);
static ngx_int_t ngx_http_judge_pipeline_batches_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_job_t *job);
static ngx_int_t ngx_http_judge_pipeline_batch_frame(ngx_http_judge_job_t *job,
    ngx_http_judge_task_t *b, ngx_http_judge_artifact_t *a,
    ngx_http_judge_send_t *send);
static void ngx_http_judge_pipeline_retry_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_task_t *t, ngx_uint_t max_attempts);
static void ngx_http_judge_pipeline_orphan_locked(ngx_http_judge_zone_t *zone,
    ngx_msec_t *since, ngx_msec_t limit, ngx_uint_t *status,
    ngx_str_t *compile, ngx_str_t *language);
static void ngx_http_judge_pipeline_orphan_job_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_job_t *job);
static void ngx_http_judge_pipeline_flush(ngx_http_judge_zone_t *zone,
    ngx_array_t *sends, ngx_array_t *notify);
static void ngx_http_judge_pipeline_undeliverable(ngx_http_judge_zone_t *zone,
    ngx_http_judge_send_t *send);
static ngx_uint_t ngx_http_judge_pipeline_stopped_locked(
    ngx_http_judge_job_t *job);
static void ngx_http_judge_pipeline_compile_retry_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_artifact_t *a);


/* ------------------------------------------------------------ the cache */


void
ngx_http_judge_cache_init_zone(ngx_http_judge_shctx_t *sh)
{
    ngx_rbtree_init(&sh->artifacts, &sh->artifacts_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->artifacts_lru);
}


static void
ngx_http_judge_cache_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_artifact_t *a)
{
    ngx_str_t  *s[5];
    ngx_uint_t  i;

    ngx_rbtree_delete(&zone->sh->artifacts, &a->sn.node);
    ngx_queue_remove(&a->queue);

    s[0] = &a->spec;
    s[1] = &a->language;
    s[2] = &a->artifact;
    s[3] = &a->abi;
    s[4] = &a->compile;

    for (i = 0; i < 5; i++) {
        if (s[i]->data) {
            ngx_slab_free_locked(zone->shpool, s[i]->data);
        }
    }

    ngx_slab_free_locked(zone->shpool, a);
}


/* room for an artifact: finished jobs go first, then old artifacts */

static void *
ngx_http_judge_cache_alloc_locked(ngx_http_judge_zone_t *zone, size_t size)
{
    void                       *p;
    ngx_queue_t                *q;
    ngx_http_judge_artifact_t  *a;

    for ( ;; ) {
        p = ngx_http_judge_zone_alloc_locked(zone, size);
        if (p) {
            return p;
        }

        for (q = ngx_queue_last(&zone->sh->artifacts_lru);
             q != ngx_queue_sentinel(&zone->sh->artifacts_lru);
             q = ngx_queue_prev(q))
        {
            a = ngx_queue_data(q, ngx_http_judge_artifact_t, queue);

            if (a->status) {
                break;
            }
        }

        if (q == ngx_queue_sentinel(&zone->sh->artifacts_lru)) {
            return NULL;
        }

        ngx_http_judge_cache_free_locked(zone, a);
    }
}


/*
 * A job needs the artifact of "hash": a known entry (compiled, or being
 * compiled for another job) is touched and NGX_DONE returned; otherwise
 * one is made (or an entry the judge failed on is reset) with a pending
 * compile task.  So concurrent identical submissions share one compile.
 */

ngx_int_t
ngx_http_judge_cache_want_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_http_judge_artifact_t  *a;

    a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, job->hash,
                                     NGX_HTTP_JUDGE_HASH_LEN);

    if (a) {
        ngx_queue_remove(&a->queue);
        ngx_queue_insert_head(&zone->sh->artifacts_lru, &a->queue);

        if (a->status != JUDGE__STATUS__IE) {
            return NGX_DONE;
        }

        /* the judge failing is no answer to keep: compile again */

        if (a->compile.data) {
            ngx_slab_free_locked(zone->shpool, a->compile.data);
            ngx_str_null(&a->compile);
        }

        a->status = 0;
        a->orphan_since = 0;
        ngx_memzero(&a->task, sizeof(ngx_http_judge_task_t));
        a->task.state = NGX_HTTP_JUDGE_TASK_PENDING;

        return NGX_OK;
    }

    a = ngx_http_judge_cache_alloc_locked(zone,
                                          sizeof(ngx_http_judge_artifact_t));
    if (a == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(a->hash, job->hash, NGX_HTTP_JUDGE_HASH_LEN);
    a->max_attempts = job->max_attempts;
    a->orphan_limit = job->orphan_limit;
    a->task.state = NGX_HTTP_JUDGE_TASK_PENDING;

    if (ngx_http_judge_job_store_locked(zone, &a->spec, job->compile_spec.data,
                                        job->compile_spec.len)
        != NGX_OK
        || ngx_http_judge_job_store_locked(zone, &a->language,
                                           job->language.data,
                                           job->language.len)
           != NGX_OK)
    {
        if (a->spec.data) {
            ngx_slab_free_locked(zone->shpool, a->spec.data);
        }

        ngx_slab_free_locked(zone->shpool, a);
        return NGX_ERROR;
    }

    ngx_http_judge_rbtree_insert(&zone->sh->artifacts, &a->sn, a->hash,
                                 NGX_HTTP_JUDGE_HASH_LEN);
    ngx_queue_insert_head(&zone->sh->artifacts_lru, &a->queue);

    return NGX_OK;
}


/* --------------------------------------------------- frames, by bytes */


static size_t
ngx_http_judge_varint_len(uint64_t v)
{
    size_t  n;

    for (n = 1; v >= 0x80; v >>= 7) {
        n++;
    }

    return n;
}


static u_char *
ngx_http_judge_varint(u_char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (u_char) (v | 0x80);
        v >>= 7;
    }

    *p++ = (u_char) v;

    return p;
}


/* a length-delimited field: key, length, bytes */

static size_t
ngx_http_judge_field_len(ngx_uint_t field, size_t len)
{
    return ngx_http_judge_varint_len(field << 3)
           + ngx_http_judge_varint_len(len) + len;
}


static u_char *
ngx_http_judge_field(u_char *p, ngx_uint_t field, u_char *data, size_t len)
{
    p = ngx_http_judge_varint(p, (field << 3) | 2);
    p = ngx_http_judge_varint(p, len);

    return ngx_cpymem(p, data, len);
}


static u_char *
ngx_http_judge_field_varint(u_char *p, ngx_uint_t field, uint64_t v)
{
    p = ngx_http_judge_varint(p, field << 3);

    return ngx_http_judge_varint(p, v);
}


/*
 * MasterCommand{compile: spec + task_id}.  The stored CompileTask holds
 * everything else; a field appended later wins, as protobuf says.
 */

static ngx_int_t
ngx_http_judge_pipeline_compile_frame(ngx_http_judge_artifact_t *a,
    ngx_http_judge_send_t *send)
{
    u_char  *p;
    size_t   inner;

    inner = a->spec.len + 1 + ngx_http_judge_varint_len(a->task.task_id);

    send->len = ngx_http_judge_field_len(2, inner);
    send->frame = ngx_alloc(send->len, ngx_cycle->log);
    if (send->frame == NULL) {
        return NGX_ERROR;
    }

    p = ngx_http_judge_varint(send->frame, (2 << 3) | 2);
    p = ngx_http_judge_varint(p, inner);
    p = ngx_cpymem(p, a->spec.data, a->spec.len);
    (void) ngx_http_judge_field_varint(p, 2, a->task.task_id);

    return NGX_OK;
}


/* MasterCommand{execute_batch: template + ids + artifact + tests} */

static ngx_int_t
ngx_http_judge_pipeline_batch_frame(ngx_http_judge_job_t *job,
    ngx_http_judge_task_t *b, ngx_http_judge_artifact_t *a,
    ngx_http_judge_send_t *send)
{
    u_char      *p;
    size_t       inner;
    ngx_uint_t   i;

    inner = job->run_spec.len
            + ngx_http_judge_field_len(1, NGX_HTTP_JUDGE_JOB_ID_LEN)
            + 1 + ngx_http_judge_varint_len(b->task_id)
            + 1 + ngx_http_judge_varint_len(b->attempt);

    if (a && b->send_artifact) {
        inner += ngx_http_judge_field_len(4, a->artifact.len);
    }

    for (i = b->first; i < b->first + b->count; i++) {
        inner += ngx_http_judge_field_len(7, job->tests[i].len);
    }

    send->len = ngx_http_judge_field_len(3, inner);
    send->frame = ngx_alloc(send->len, ngx_cycle->log);
    if (send->frame == NULL) {
        return NGX_ERROR;
    }

    p = ngx_http_judge_varint(send->frame, (3 << 3) | 2);
    p = ngx_http_judge_varint(p, inner);
    p = ngx_cpymem(p, job->run_spec.data, job->run_spec.len);
    p = ngx_http_judge_field(p, 1, job->id, NGX_HTTP_JUDGE_JOB_ID_LEN);
    p = ngx_http_judge_field_varint(p, 2, b->task_id);
    p = ngx_http_judge_field_varint(p, 11, b->attempt);

    if (a && b->send_artifact) {
        p = ngx_http_judge_field(p, 4, a->artifact.data, a->artifact.len);
    }

    for (i = b->first; i < b->first + b->count; i++) {
        p = ngx_http_judge_field(p, 7, job->tests[i].data, job->tests[i].len);
    }

    return NGX_OK;
}


void
ngx_http_judge_pipeline_send_cancel(ngx_http_judge_zone_t *zone,
    ngx_http_judge_addr_t *to, ngx_str_t *job_id)
{
    u_char                buf[128];
    size_t                len;
    Judge__Cancel         cancel;
    Judge__MasterCommand  cmd;
    u_char                id[NGX_HTTP_JUDGE_JOB_ID_LEN + 1];

    ngx_memcpy(id, job_id->data, NGX_HTTP_JUDGE_JOB_ID_LEN);
    id[NGX_HTTP_JUDGE_JOB_ID_LEN] = '\0';

    judge__cancel__init(&cancel);
    cancel.job_id = (char *) id;

    judge__master_command__init(&cmd);
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_CANCEL;
    cmd.cancel = &cancel;

    len = judge__master_command__pack(&cmd, buf);

    (void) ngx_http_judge_ipc_send(zone, to, NGX_HTTP_JUDGE_MSG_SEND, buf, len);
}


/* ------------------------------------------------------- scheduling */


void
ngx_http_judge_pipeline_run(ngx_http_judge_zone_t *zone)
{
    ngx_pool_t            *pool;
    ngx_queue_t           *q, *next;
    ngx_array_t           *sends, *notify;
    ngx_http_judge_job_t  *job;

    pool = ngx_create_pool(4096, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    sends = ngx_array_create(pool, 16, sizeof(ngx_http_judge_send_t));
    notify = ngx_array_create(pool, 16, sizeof(ngx_http_judge_addr_t));

    if (sends == NULL || notify == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);

    ngx_http_judge_pipeline_compiles_locked(zone, sends);

    for (q = ngx_queue_head(&zone->sh->active);
         q != ngx_queue_sentinel(&zone->sh->active);
         q = next)
    {
        next = ngx_queue_next(q);
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

        ngx_http_judge_pipeline_job_locked(zone, job, sends, notify);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    ngx_http_judge_pipeline_flush(zone, sends, notify);

    ngx_destroy_pool(pool);
}


static void
ngx_http_judge_pipeline_flush(ngx_http_judge_zone_t *zone,
    ngx_array_t *sends, ngx_array_t *notify)
{
    ngx_uint_t              i;
    ngx_http_judge_send_t  *s;

    s = sends->elts;

    for (i = 0; i < sends->nelts; i++) {
        if (ngx_http_judge_ipc_send(zone, &s[i].to, NGX_HTTP_JUDGE_MSG_SEND,
                                    s[i].frame, s[i].len)
            != NGX_OK)
        {
            ngx_http_judge_pipeline_undeliverable(zone, &s[i]);

            ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                          "judge: a task for process %P could not be "
                          "delivered; it will be retried", s[i].to.pid);
        }

        ngx_free(s[i].frame);
    }

    sends->nelts = 0;

    ngx_http_judge_notify(zone, notify);
}


/*
 * A task could not be mailed to the process holding its worker's stream
 * (that process is gone, or the zone is full): it counts as a failed
 * attempt and is handed out again, if it is still where it was left.
 */

static void
ngx_http_judge_pipeline_undeliverable(ngx_http_judge_zone_t *zone,
    ngx_http_judge_send_t *send)
{
    ngx_uint_t                  i, max_attempts;
    ngx_http_judge_job_t       *job;
    ngx_http_judge_task_t      *t;
    ngx_http_judge_artifact_t  *a;

    t = NULL;
    a = NULL;
    max_attempts = 1;

    ngx_shmtx_lock(&zone->shpool->mutex);

    if (send->key_len == NGX_HTTP_JUDGE_JOB_ID_LEN) {
        job = ngx_http_judge_job_lookup_locked(zone->sh, send->key,
                                               send->key_len);

        for (i = 0; job && i < job->nbatches; i++) {
            if (job->batches[i].task_id == send->task_id) {
                t = &job->batches[i];
                max_attempts = job->max_attempts;
            }
        }

    } else {
        a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, send->key,
                                         send->key_len);
        if (a && a->task.task_id == send->task_id) {
            t = &a->task;

        } else {
            a = NULL;
        }
    }

    if (t && t->state == NGX_HTTP_JUDGE_TASK_RUNNING) {
        ngx_http_judge_registry_release_locked(zone, NULL, t->worker.id,
                                               t->count ? t->count
                                                        - t->reported : 1);
        if (a) {
            ngx_http_judge_pipeline_compile_retry_locked(zone, a);

        } else {
            ngx_http_judge_pipeline_retry_locked(zone, t, max_attempts);
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/* pending compilations go to the least loaded worker able to compile */

static void
ngx_http_judge_pipeline_compiles_locked(ngx_http_judge_zone_t *zone,
    ngx_array_t *sends)
{
    ngx_int_t                   rc;
    ngx_uint_t                  held;
    ngx_queue_t                *q;
    ngx_http_judge_send_t      *send;
    ngx_http_judge_artifact_t  *a;

    for (q = ngx_queue_head(&zone->sh->artifacts_lru);
         q != ngx_queue_sentinel(&zone->sh->artifacts_lru);
         q = ngx_queue_next(q))
    {
        a = ngx_queue_data(q, ngx_http_judge_artifact_t, queue);

        if (a->status || a->task.state != NGX_HTTP_JUDGE_TASK_PENDING
            || (ngx_msec_int_t) (ngx_current_msec - a->task.not_before) < 0)
        {
            continue;
        }

        rc = ngx_http_judge_registry_pick_locked(zone, &a->language, 1, NULL,
                                                 1, NULL, &a->task.worker,
                                                 &held);

        if (rc == NGX_ABORT) {
            ngx_http_judge_pipeline_orphan_locked(zone, &a->orphan_since,
                                                  a->orphan_limit, &a->status,
                                                  &a->compile, &a->language);
            continue;
        }

        a->orphan_since = 0;

        if (rc != NGX_OK) {
            continue;
        }

        a->task.task_id = zone->sh->next_id++;
        a->task.state = NGX_HTTP_JUDGE_TASK_RUNNING;

        send = ngx_array_push(sends);
        if (send == NULL
            || ngx_http_judge_pipeline_compile_frame(a, send) != NGX_OK)
        {
            if (send) {
                sends->nelts--;
            }

            ngx_http_judge_registry_release_locked(zone, NULL,
                                                   a->task.worker.id, 1);
            a->task.state = NGX_HTTP_JUDGE_TASK_PENDING;
            continue;
        }

        send->to = a->task.worker;
        ngx_memcpy(send->key, a->hash, NGX_HTTP_JUDGE_HASH_LEN);
        send->key_len = NGX_HTTP_JUDGE_HASH_LEN;
        send->task_id = a->task.task_id;
        zone->sh->compiles++;
    }
}


/* copies the compile answer into the job, marked as cached or not */

static ngx_int_t
ngx_http_judge_pipeline_take_compile_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_http_judge_artifact_t *a)
{
    u_char  *p;
    size_t   len;

    if (job->compile.data) {
        return NGX_OK;
    }

    len = a->compile.len + sizeof(",\"cached\":false") - 1;

    p = ngx_http_judge_zone_alloc_locked(zone, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    job->compile.data = p;
    p = ngx_cpymem(p, a->compile.data, a->compile.len);
    p = ngx_sprintf(p, ",\"cached\":%s", job->cached ? "true" : "false");
    job->compile.len = p - job->compile.data;

    return NGX_OK;
}


static void
ngx_http_judge_pipeline_job_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_array_t *sends, ngx_array_t *notify)
{
    ngx_int_t                   rc;
    ngx_str_t                   abi;
    ngx_uint_t                  i, done, held, complete;
    ngx_http_judge_task_t      *b;
    ngx_http_judge_send_t      *send;
    ngx_http_judge_artifact_t  *a;

    a = NULL;

    if (job->compiled) {
        a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, job->hash,
                                         NGX_HTTP_JUDGE_HASH_LEN);

        if (a == NULL) {
            /* evicted while still needed: compile again */
            (void) ngx_http_judge_cache_want_locked(zone, job);
            return;
        }

        if (a->status == 0) {
            job->status = NGX_HTTP_JUDGE_COMPILING;
            return;
        }

        if (ngx_http_judge_pipeline_take_compile_locked(zone, job, a)
            != NGX_OK)
        {
            return;
        }

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
        if (ngx_http_judge_pipeline_batches_locked(zone, job) != NGX_OK) {
            return;
        }

        job->status = NGX_HTTP_JUDGE_RUNNING;
    }

    abi = a ? a->abi : (ngx_str_t) ngx_null_string;
    done = 1;

    for (i = 0; i < job->nbatches; i++) {
        b = &job->batches[i];

        if (b->state != NGX_HTTP_JUDGE_TASK_DONE) {
            done = 0;
        }

        if (b->state == NGX_HTTP_JUDGE_TASK_PENDING
            && b->first > job->stop_at)
        {
            /* past a failure, with stop_on_first_failure: not needed */
            b->state = NGX_HTTP_JUDGE_TASK_DONE;
            continue;
        }

        if (b->state != NGX_HTTP_JUDGE_TASK_PENDING
            || (ngx_msec_int_t) (ngx_current_msec - b->not_before) < 0)
        {
            continue;
        }

        rc = ngx_http_judge_registry_pick_locked(zone, &job->language, 0,
                                                 abi.len ? &abi : NULL,
                                                 b->count, a ? a->hash : NULL,
                                                 &b->worker, &held);

        if (rc == NGX_ABORT) {
            ngx_http_judge_pipeline_orphan_job_locked(zone, job);
            break;
        }

        job->orphan_since = 0;

        if (rc != NGX_OK) {
            break;
        }

        if (a && !held) {
            b->send_artifact = 1;
        }

        b->task_id = zone->sh->next_id++;
        b->state = NGX_HTTP_JUDGE_TASK_RUNNING;
        b->reported = 0;

        send = ngx_array_push(sends);
        if (send == NULL
            || ngx_http_judge_pipeline_batch_frame(job, b, a, send) != NGX_OK)
        {
            if (send) {
                sends->nelts--;
            }

            ngx_http_judge_registry_release_locked(zone, NULL, b->worker.id,
                                                   b->count);
            b->state = NGX_HTTP_JUDGE_TASK_PENDING;
            break;
        }

        send->to = b->worker;
        ngx_memcpy(send->key, job->id, NGX_HTTP_JUDGE_JOB_ID_LEN);
        send->key_len = NGX_HTTP_JUDGE_JOB_ID_LEN;
        send->task_id = b->task_id;
    }

    if (done && job->nbatches) {
        complete = job->nresults == job->ntests
                   || ngx_http_judge_pipeline_stopped_locked(job);

        ngx_http_judge_job_finish_locked(zone, job,
                                         complete ? NGX_HTTP_JUDGE_COMPLETED
                                                  : NGX_HTTP_JUDGE_FAILED,
                                         0, notify);
    }
}


/*
 * Nobody can run this work now.  That is fine for a while (workers come
 * back after a reload); past judge_no_worker_timeout it fails with IE.
 * Returns 1 when the wait is over.
 */

static ngx_uint_t
ngx_http_judge_pipeline_orphaned(ngx_msec_t *since, ngx_msec_t limit)
{
    if (*since == 0) {
        *since = ngx_current_msec;
        return 0;
    }

    return (ngx_msec_int_t) (ngx_current_msec - *since)
           > (ngx_msec_int_t) limit;
}


static void
ngx_http_judge_pipeline_orphan_locked(ngx_http_judge_zone_t *zone,
    ngx_msec_t *since, ngx_msec_t limit, ngx_uint_t *status,
    ngx_str_t *compile, ngx_str_t *language)
{
    u_char  *p;
    u_char   buf[sizeof("\"status\":\"IE\",\"output\":\"\",\"message\":"
                     "\"no worker able to compile  came\"")
                 + NGX_HTTP_JUDGE_MAX_ID_LEN];

    if (!ngx_http_judge_pipeline_orphaned(since, limit)) {
        return;
    }

    p = ngx_sprintf(buf, "\"status\":\"IE\",\"output\":\"\",\"message\":"
                    "\"no worker able to compile %V came\"", language);

    if (ngx_http_judge_job_store_locked(zone, compile, buf, p - buf)
        == NGX_OK)
    {
        *status = JUDGE__STATUS__IE;
    }
}


static void
ngx_http_judge_pipeline_orphan_job_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    u_char      *p;
    ngx_uint_t   i;
    u_char       buf[sizeof("no worker able to run  came")
                     + NGX_HTTP_JUDGE_MAX_ID_LEN];

    if (!ngx_http_judge_pipeline_orphaned(&job->orphan_since,
                                          job->orphan_limit))
    {
        return;
    }

    for (i = 0; i < job->nbatches; i++) {
        if (job->batches[i].state == NGX_HTTP_JUDGE_TASK_PENDING) {
            job->batches[i].state = NGX_HTTP_JUDGE_TASK_DONE;
        }
    }

    p = ngx_sprintf(buf, "no worker able to run %V came", &job->language);

    (void) ngx_http_judge_job_store_locked(zone, &job->message, buf, p - buf);
}


/*
 * Cuts the tests into batches: judge_batch_size when set, otherwise
 * enough batches to give every slot of the fleet some work.
 */

static ngx_int_t
ngx_http_judge_pipeline_batches_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_uint_t              i, size, slots, n;
    ngx_http_judge_task_t  *b;

    size = job->batch_size;

    if (size == 0) {
        slots = ngx_max(zone->sh->free_slots, 1);
        size = (job->ntests + slots - 1) / slots;
    }

    size = ngx_max(1, ngx_min(size, NGX_HTTP_JUDGE_MAX_BATCH));
    n = (job->ntests + size - 1) / size;

    b = ngx_http_judge_zone_alloc_locked(zone,
                                         n * sizeof(ngx_http_judge_task_t));
    if (b == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        b[i].first = i * size;
        b[i].count = ngx_min(size, job->ntests - i * size);
        b[i].state = NGX_HTTP_JUDGE_TASK_PENDING;
    }

    job->batches = b;
    job->nbatches = n;

    return NGX_OK;
}


/* a task lost with its worker: again later, or given up on */

static void
ngx_http_judge_pipeline_retry_locked(ngx_http_judge_zone_t *zone,
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


/* a compile lost with its worker: again, or the judge gives up (IE) */

static void
ngx_http_judge_pipeline_compile_retry_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_artifact_t *a)
{
    static u_char  lost[] = "\"status\":\"IE\",\"output\":\"\",\"message\":"
                            "\"the compile was lost too often\"";

    ngx_http_judge_pipeline_retry_locked(zone, &a->task, a->max_attempts);

    if (a->task.state == NGX_HTTP_JUDGE_TASK_DONE) {
        (void) ngx_http_judge_job_store_locked(zone, &a->compile, lost,
                                               sizeof(lost) - 1);
        a->status = JUDGE__STATUS__IE;
    }
}


/*
 * A worker's stream is gone (called under the lock by the registry):
 * what it had in hand is handed out again.
 */

void
ngx_http_judge_pipeline_worker_gone_locked(ngx_http_judge_zone_t *zone,
    uint64_t stream_id)
{
    ngx_uint_t                  i;
    ngx_queue_t                *q;
    ngx_http_judge_job_t       *job;
    ngx_http_judge_task_t      *b;
    ngx_http_judge_artifact_t  *a;

    for (q = ngx_queue_head(&zone->sh->artifacts_lru);
         q != ngx_queue_sentinel(&zone->sh->artifacts_lru);
         q = ngx_queue_next(q))
    {
        a = ngx_queue_data(q, ngx_http_judge_artifact_t, queue);

        if (a->status == 0 && a->task.state == NGX_HTTP_JUDGE_TASK_RUNNING
            && a->task.worker.id == stream_id)
        {
            ngx_http_judge_pipeline_compile_retry_locked(zone, a);
        }
    }

    for (q = ngx_queue_head(&zone->sh->active);
         q != ngx_queue_sentinel(&zone->sh->active);
         q = ngx_queue_next(q))
    {
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

        for (i = 0; i < job->nbatches; i++) {
            b = &job->batches[i];

            if (b->state == NGX_HTTP_JUDGE_TASK_RUNNING
                && b->worker.id == stream_id)
            {
                ngx_http_judge_pipeline_retry_locked(zone, b,
                                                     job->max_attempts);
            }
        }
    }
}


/* ------------------------------------------------------------ results */


static ngx_http_judge_task_t *
ngx_http_judge_pipeline_batch_locked(ngx_http_judge_job_t *job,
    uint64_t task_id)
{
    ngx_uint_t  i;

    for (i = 0; i < job->nbatches; i++) {
        if (job->batches[i].task_id == task_id
            && job->batches[i].state == NGX_HTTP_JUDGE_TASK_RUNNING)
        {
            return &job->batches[i];
        }
    }

    return NULL;
}


void
ngx_http_judge_pipeline_compile_result(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__CompileResult *res)
{
    u_char                     *p, *json;
    size_t                      len;
    ngx_str_t                   output, message, abi;
    Judge__Usage               *u;
    ngx_http_judge_artifact_t  *a;

    if (res->artifact_hash == NULL
        || ngx_strlen(res->artifact_hash) != NGX_HTTP_JUDGE_HASH_LEN)
    {
        return;
    }

    output.data = (u_char *) res->output;
    output.len = res->output ? ngx_strlen(res->output) : 0;
    message.data = (u_char *) res->message;
    message.len = res->message ? ngx_strlen(res->message) : 0;

    len = sizeof("\"status\":\"\",\"output\":,\"message\":,\"time_ms\":,"
                 "\"memory_kb\":,\"worker\":") + 16 + 2 * NGX_INT64_LEN
          + ngx_http_judge_json_utf8_len(&output)
          + ngx_http_judge_json_utf8_len(&message)
          + ngx_http_judge_json_str_len(worker);

    json = ngx_alloc(len, ngx_cycle->log);
    if (json == NULL) {
        return;
    }

    u = res->usage;

    p = ngx_sprintf(json, "\"status\":\"%s\",\"output\":",
                    ngx_http_judge_status_name(res->status));
    p = ngx_http_judge_json_utf8(p, &output);
    p = ngx_cpymem(p, ",\"message\":", 11);
    p = ngx_http_judge_json_utf8(p, &message);
    p = ngx_sprintf(p, ",\"time_ms\":%uL,\"memory_kb\":%uL,\"worker\":",
                    u ? u->wall_time_ms : 0, u ? u->memory_kb : 0);
    p = ngx_http_judge_json_str(p, worker);

    ngx_shmtx_lock(&zone->shpool->mutex);

    a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts,
                                     (u_char *) res->artifact_hash,
                                     NGX_HTTP_JUDGE_HASH_LEN);

    if (a && a->status == 0 && a->task.state == NGX_HTTP_JUDGE_TASK_RUNNING
        && a->task.task_id == res->task_id && a->task.worker.id == stream_id)
    {
        ngx_http_judge_registry_release_locked(zone, worker, stream_id, 1);

        a->task.state = NGX_HTTP_JUDGE_TASK_DONE;

        if (ngx_http_judge_registry_abi_locked(zone, worker, &abi) != NGX_OK
            || ngx_http_judge_job_store_locked(zone, &a->compile, json,
                                               p - json) != NGX_OK
            || ngx_http_judge_job_store_locked(zone, &a->abi, abi.data,
                                               abi.len) != NGX_OK)
        {
            a->task.state = NGX_HTTP_JUDGE_TASK_PENDING;

        } else if (res->status == JUDGE__STATUS__OK) {
            a->artifact.data = ngx_http_judge_cache_alloc_locked(zone,
                                                     res->artifact.len + 1);
            if (a->artifact.data == NULL) {
                ngx_slab_free_locked(zone->shpool, a->compile.data);
                ngx_str_null(&a->compile);
                a->task.state = NGX_HTTP_JUDGE_TASK_PENDING;

            } else {
                ngx_memcpy(a->artifact.data, res->artifact.data,
                           res->artifact.len);
                a->artifact.len = res->artifact.len;
                a->status = JUDGE__STATUS__OK;
                ngx_http_judge_registry_holds_locked(zone, worker, a->hash);
            }

        } else {
            a->status = res->status ? res->status : JUDGE__STATUS__IE;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    ngx_free(json);

    ngx_http_judge_pipeline_run(zone);
}


/* one test's result, rendered once into the JSON every answer reuses */

void
ngx_http_judge_pipeline_test_result(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__TestResult *res)
{
    u_char                 *p, *json;
    size_t                  len;
    ngx_str_t               out, err, checker, message, id;
    ngx_uint_t              i;
    ngx_pool_t             *pool;
    ngx_array_t            *notify, *stop;
    Judge__Usage           *u;
    ngx_http_judge_job_t   *job;
    ngx_http_judge_addr_t  *a;
    ngx_http_judge_task_t  *b;
    ngx_str_t               job_id;

    if (res->job_id == NULL
        || ngx_strlen(res->job_id) != NGX_HTTP_JUDGE_JOB_ID_LEN)
    {
        return;
    }

    out.data = res->stdout.data;
    out.len = res->stdout.len;
    err.data = res->stderr.data;
    err.len = res->stderr.len;
    checker.data = (u_char *) res->checker_message;
    checker.len = checker.data ? ngx_strlen(res->checker_message) : 0;
    message.data = (u_char *) res->message;
    message.len = message.data ? ngx_strlen(res->message) : 0;
    id.data = (u_char *) res->test_id;
    id.len = id.data ? ngx_strlen(res->test_id) : 0;

    len = sizeof("{\"id\":,\"index\":,\"verdict\":\"CANCELLED\","
                 "\"cpu_time_ms\":,\"wall_time_ms\":,\"memory_kb\":,"
                 "\"exit_code\":,\"signal\":,\"stdout\":,\"stderr\":,"
                 "\"stdout_truncated\":false,\"stderr_truncated\":false,"
                 "\"checker_message\":,\"message\":,\"worker\":}")
          + 7 * NGX_INT64_LEN
          + ngx_http_judge_json_utf8_len(&id)
          + ngx_http_judge_json_utf8_len(&out)
          + ngx_http_judge_json_utf8_len(&err)
          + ngx_http_judge_json_utf8_len(&checker)
          + ngx_http_judge_json_utf8_len(&message)
          + ngx_http_judge_json_str_len(worker);

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    json = ngx_pnalloc(pool, len);
    notify = ngx_array_create(pool, 8, sizeof(ngx_http_judge_addr_t));
    stop = ngx_array_create(pool, 4, sizeof(ngx_http_judge_addr_t));

    if (json == NULL || notify == NULL || stop == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    u = res->usage;

    p = ngx_cpymem(json, "{\"id\":", 6);
    p = ngx_http_judge_json_utf8(p, &id);
    p = ngx_sprintf(p, ",\"index\":%uD,\"verdict\":\"%s\",\"cpu_time_ms\":%uL,"
                    "\"wall_time_ms\":%uL,\"memory_kb\":%uL,\"exit_code\":%D,"
                    "\"signal\":%D,\"stdout\":",
                    res->index, ngx_http_judge_status_name(res->status),
                    u ? u->cpu_time_ms : 0, u ? u->wall_time_ms : 0,
                    u ? u->memory_kb : 0, u ? u->exit_code : 0,
                    u ? u->signal : 0);
    p = ngx_http_judge_json_utf8(p, &out);
    p = ngx_cpymem(p, ",\"stderr\":", 10);
    p = ngx_http_judge_json_utf8(p, &err);
    p = ngx_sprintf(p, ",\"stdout_truncated\":%s,\"stderr_truncated\":%s",
                    res->stdout_truncated ? "true" : "false",
                    res->stderr_truncated ? "true" : "false");
    p = ngx_cpymem(p, ",\"checker_message\":", 19);
    p = ngx_http_judge_json_utf8(p, &checker);
    p = ngx_cpymem(p, ",\"message\":", 11);
    p = ngx_http_judge_json_utf8(p, &message);
    p = ngx_cpymem(p, ",\"worker\":", 10);
    p = ngx_http_judge_json_str(p, worker);
    *p++ = '}';

    ngx_shmtx_lock(&zone->shpool->mutex);

    job = ngx_http_judge_job_lookup_locked(zone->sh, (u_char *) res->job_id,
                                           NGX_HTTP_JUDGE_JOB_ID_LEN);

    b = (job && job->status < NGX_HTTP_JUDGE_COMPLETED)
        ? ngx_http_judge_pipeline_batch_locked(job, res->task_id) : NULL;

    if (b && b->worker.id == stream_id
        && res->index >= b->first && res->index < b->first + b->count
        && job->results[res->index].len == 0
        && ngx_http_judge_job_store_locked(zone, &job->results[res->index],
                                           json, p - json) == NGX_OK)
    {
        job->test_status[res->index] = (u_char) res->status;
        job->order[job->nresults++] = res->index;

        if (res->status == JUDGE__STATUS__AC) {
            job->passed++;
        }

        b->reported++;
        zone->sh->tests_judged++;
        ngx_http_judge_registry_release_locked(zone, worker, stream_id, 1);

        if (b->reported == b->count) {
            b->state = NGX_HTTP_JUDGE_TASK_DONE;
        }

        ngx_http_judge_job_progress_locked(job, notify);

        if (job->stop_on_failure && res->status != JUDGE__STATUS__AC
            && res->index < job->stop_at)
        {
            job->stop_at = res->index;
        }

        if (job->nresults == job->ntests
            || ngx_http_judge_pipeline_stopped_locked(job))
        {
            ngx_http_judge_job_stop_batches_locked(zone, job, stop);
            ngx_http_judge_job_finish_locked(zone, job,
                                             NGX_HTTP_JUDGE_COMPLETED, 0,
                                             notify);
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    job_id.data = (u_char *) res->job_id;
    job_id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

    a = stop->elts;
    for (i = 0; i < stop->nelts; i++) {
        ngx_http_judge_pipeline_send_cancel(zone, &a[i], &job_id);
    }

    ngx_http_judge_notify(zone, notify);
    ngx_destroy_pool(pool);

    ngx_http_judge_pipeline_run(zone);
}


/*
 * With stop_on_first_failure the job ends once a test failed and every
 * test before it in test order has its result: tests run in parallel, so
 * a later test may fail first, and the verdict is the first in order.
 */

static ngx_uint_t
ngx_http_judge_pipeline_stopped_locked(ngx_http_judge_job_t *job)
{
    uint32_t  i;

    if (job->stop_at == job->ntests) {
        return 0;
    }

    for (i = 0; i < job->stop_at; i++) {
        if (job->results[i].len == 0) {
            return 0;
        }
    }

    return 1;
}


/* a batch is over on the worker; what it did not report is redone */

void
ngx_http_judge_pipeline_batch_result(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__BatchExecutionResult *res)
{
    ngx_uint_t              failed;
    ngx_http_judge_job_t   *job;
    ngx_http_judge_task_t  *b;

    if (res->job_id == NULL
        || ngx_strlen(res->job_id) != NGX_HTTP_JUDGE_JOB_ID_LEN)
    {
        return;
    }

    failed = 0;

    ngx_shmtx_lock(&zone->shpool->mutex);

    job = ngx_http_judge_job_lookup_locked(zone->sh, (u_char *) res->job_id,
                                           NGX_HTTP_JUDGE_JOB_ID_LEN);

    b = (job && job->status < NGX_HTTP_JUDGE_COMPLETED)
        ? ngx_http_judge_pipeline_batch_locked(job, res->task_id) : NULL;

    if (b && b->worker.id == stream_id) {
        ngx_http_judge_registry_release_locked(zone, worker, stream_id,
                                               b->count - b->reported);

        if (res->need_artifact) {
            b->state = NGX_HTTP_JUDGE_TASK_PENDING;
            b->send_artifact = 1;

        } else if (res->system_error || b->reported < b->count) {
            ngx_http_judge_pipeline_retry_locked(zone, b, job->max_attempts);
            failed = 1;

        } else {
            b->state = NGX_HTTP_JUDGE_TASK_DONE;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (failed) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: a batch of job %s failed on the worker: %s",
                      res->job_id, res->message ? res->message : "");
    }

    ngx_http_judge_pipeline_run(zone);
}
