
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/rand.h>

#include "ngx_http_judge_module.h"


/*
 * Jobs in the zone.  A job holds what the pipeline needs to send (the
 * packed run template and one packed TestCase per test), what it learned
 * (each test's result already rendered as JSON by the process that
 * received it, the compile result likewise) and who waits for news.
 * Rendering an answer is then copying under the lock, never parsing.
 */


static void ngx_http_judge_job_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job);
static u_char *ngx_http_judge_job_render(u_char *p, ngx_http_judge_job_t *job);
static size_t ngx_http_judge_job_render_len(ngx_http_judge_job_t *job);


static const char  *ngx_http_judge_job_states[] = {
    "QUEUED", "COMPILING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"
};


static const char  *ngx_http_judge_statuses[] = {
    "", "OK", "TLE", "WLE", "MLE", "OLE", "RE", "SV", "CE", "IE", "AC",
    "WA", "CANCELLED"
};


const char *
ngx_http_judge_status_name(ngx_uint_t status)
{
    if (status >= sizeof(ngx_http_judge_statuses) / sizeof(char *)) {
        return "IE";
    }

    return ngx_http_judge_statuses[status];
}


static uint64_t
ngx_http_judge_now_ms(void)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    return (uint64_t) tp->sec * 1000 + tp->msec;
}


void
ngx_http_judge_job_init_zone(ngx_http_judge_shctx_t *sh)
{
    ngx_rbtree_init(&sh->jobs, &sh->jobs_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->active);
    ngx_queue_init(&sh->finished);
}


ngx_http_judge_job_t *
ngx_http_judge_job_lookup_locked(ngx_http_judge_shctx_t *sh, u_char *id,
    size_t len)
{
    if (len != NGX_HTTP_JUDGE_JOB_ID_LEN) {
        return NULL;
    }

    return ngx_http_judge_rbtree_lookup(&sh->jobs, id, len);
}


/*
 * Slab allocation that makes room when the zone is full: finished jobs go,
 * oldest first.  Accepted, unfinished jobs are never dropped.
 */

void *
ngx_http_judge_zone_alloc_locked(ngx_http_judge_zone_t *zone, size_t size)
{
    void                  *p;
    ngx_queue_t           *q;
    ngx_http_judge_job_t  *job;

    for ( ;; ) {
        p = ngx_slab_calloc_locked(zone->shpool, size);
        if (p) {
            return p;
        }

        if (ngx_queue_empty(&zone->sh->finished)) {
            return NULL;
        }

        q = ngx_queue_last(&zone->sh->finished);
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);
        ngx_http_judge_job_free_locked(zone, job);
    }
}


ngx_int_t
ngx_http_judge_job_store_locked(ngx_http_judge_zone_t *zone, ngx_str_t *dst,
    u_char *src, size_t len)
{
    dst->len = 0;
    dst->data = NULL;

    if (len == 0) {
        return NGX_OK;
    }

    dst->data = ngx_http_judge_zone_alloc_locked(zone, len);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, src, len);
    dst->len = len;

    return NGX_OK;
}


static void
ngx_http_judge_job_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_uint_t        i;
    ngx_queue_t      *q;
    ngx_slab_pool_t  *pool;

    pool = zone->shpool;

    if (job->sn.node.parent) {
        ngx_rbtree_delete(&zone->sh->jobs, &job->sn.node);
    }

    if (job->queue.next) {
        ngx_queue_remove(&job->queue);

        if (job->status < NGX_HTTP_JUDGE_COMPLETED) {
            zone->sh->nactive--;
        }
    }

    while (job->waiters.next && !ngx_queue_empty(&job->waiters)) {
        q = ngx_queue_head(&job->waiters);
        ngx_queue_remove(q);
        ngx_slab_free_locked(pool, q);
    }

    for (i = 0; job->tests && i < job->ntests; i++) {
        if (job->tests[i].data) {
            ngx_slab_free_locked(pool, job->tests[i].data);
        }
    }

    for (i = 0; job->results && i < job->ntests; i++) {
        if (job->results[i].data) {
            ngx_slab_free_locked(pool, job->results[i].data);
        }
    }

    if (job->tests) {
        ngx_slab_free_locked(pool, job->tests);
    }

    if (job->results) {
        ngx_slab_free_locked(pool, job->results);
    }

    if (job->order) {
        ngx_slab_free_locked(pool, job->order);
    }

    if (job->test_status) {
        ngx_slab_free_locked(pool, job->test_status);
    }

    if (job->batches) {
        ngx_slab_free_locked(pool, job->batches);
    }

    if (job->run_spec.data) {
        ngx_slab_free_locked(pool, job->run_spec.data);
    }

    if (job->compile.data) {
        ngx_slab_free_locked(pool, job->compile.data);
    }

    if (job->compile_spec.data) {
        ngx_slab_free_locked(pool, job->compile_spec.data);
    }

    if (job->message.data) {
        ngx_slab_free_locked(pool, job->message.data);
    }

    if (job->language.data) {
        ngx_slab_free_locked(pool, job->language.data);
    }

    ngx_slab_free_locked(pool, job);
}


/* the packed TestCases of the run template, one by one, from its bytes */

static ngx_int_t
ngx_http_judge_job_split_tests(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_str_t *run)
{
    size_t                    i;
    Judge__TestCase          *tc;
    Judge__ExecuteBatchTask  *task;
    u_char                   *buf;
    size_t                    len;

    task = judge__execute_batch_task__unpack(NULL, run->len, run->data);
    if (task == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < task->n_tests; i++) {
        tc = task->tests[i];

        len = judge__test_case__get_packed_size(tc);

        buf = ngx_alloc(len, ngx_cycle->log);
        if (buf == NULL) {
            judge__execute_batch_task__free_unpacked(task, NULL);
            return NGX_ERROR;
        }

        judge__test_case__pack(tc, buf);

        ngx_shmtx_lock(&zone->shpool->mutex);
        if (ngx_http_judge_job_store_locked(zone, &job->tests[i], buf, len)
            != NGX_OK)
        {
            ngx_shmtx_unlock(&zone->shpool->mutex);
            ngx_free(buf);
            judge__execute_batch_task__free_unpacked(task, NULL);
            return NGX_ERROR;
        }
        ngx_shmtx_unlock(&zone->shpool->mutex);

        ngx_free(buf);
    }

    /* the template keeps everything but the tests */

    for (i = 0; i < task->n_tests; i++) {
        judge__test_case__free_unpacked(task->tests[i], NULL);
    }

    task->n_tests = 0;
    free(task->tests);
    task->tests = NULL;

    len = judge__execute_batch_task__get_packed_size(task);

    buf = ngx_alloc(len, ngx_cycle->log);
    if (buf == NULL) {
        judge__execute_batch_task__free_unpacked(task, NULL);
        return NGX_ERROR;
    }

    judge__execute_batch_task__pack(task, buf);
    judge__execute_batch_task__free_unpacked(task, NULL);

    ngx_shmtx_lock(&zone->shpool->mutex);
    i = ngx_http_judge_job_store_locked(zone, &job->run_spec, buf, len);
    ngx_shmtx_unlock(&zone->shpool->mutex);

    ngx_free(buf);

    return i == NGX_OK ? NGX_OK : NGX_ERROR;
}


/*
 * Files an accepted submission.  NGX_BUSY: the queue is full;
 * NGX_DECLINED: no room in the zone.  On NGX_OK "id" holds the job id.
 */

ngx_int_t
ngx_http_judge_job_create(ngx_http_judge_zone_t *zone,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_submission_t *sub,
    u_char *id)
{
    size_t                 n;
    ngx_int_t              rc;
    ngx_http_judge_job_t  *job;
    u_char                 rnd[NGX_HTTP_JUDGE_JOB_ID_LEN / 2];

    if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
        return NGX_ERROR;
    }

    ngx_hex_dump(id, rnd, sizeof(rnd));

    n = sub->ntests;

    ngx_shmtx_lock(&zone->shpool->mutex);

    if (zone->sh->nactive >= jlcf->queue_size) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_BUSY;
    }

    job = ngx_http_judge_zone_alloc_locked(zone, sizeof(ngx_http_judge_job_t));
    if (job == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    ngx_memcpy(job->id, id, NGX_HTTP_JUDGE_JOB_ID_LEN);
    ngx_queue_init(&job->waiters);

    job->status = NGX_HTTP_JUDGE_QUEUED;
    job->ntests = n;
    job->created_ms = ngx_http_judge_now_ms();
    job->compiled = sub->compiled;
    job->stop_on_failure = sub->stop_on_failure;
    job->stop_at = n;
    job->batch_size = jlcf->batch_size;
    job->max_attempts = jlcf->max_attempts;
    job->ttl = jlcf->result_ttl;
    job->orphan_limit = jlcf->no_worker_timeout;
    ngx_memcpy(job->hash, sub->hash, NGX_HTTP_JUDGE_HASH_LEN);

    job->tests = ngx_http_judge_zone_alloc_locked(zone, n * sizeof(ngx_str_t));
    job->results = ngx_http_judge_zone_alloc_locked(zone,
                                                   n * sizeof(ngx_str_t));
    job->order = ngx_http_judge_zone_alloc_locked(zone, n * sizeof(uint32_t));
    job->test_status = ngx_http_judge_zone_alloc_locked(zone, n);

    if (job->tests == NULL || job->results == NULL || job->order == NULL
        || job->test_status == NULL
        || ngx_http_judge_job_store_locked(zone, &job->language,
                                           sub->language.data,
                                           sub->language.len)
           != NGX_OK)
    {
        ngx_http_judge_job_free_locked(zone, job);
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    /* not yet in the tree: nobody else can see the job while it fills */

    rc = ngx_http_judge_job_split_tests(zone, job, &sub->run_spec);

    ngx_shmtx_lock(&zone->shpool->mutex);

    if (rc == NGX_OK && sub->compiled) {
        rc = ngx_http_judge_job_store_locked(zone, &job->compile_spec,
                                             sub->compile_spec.data,
                                             sub->compile_spec.len);
    }

    if (rc == NGX_OK && sub->compiled) {
        rc = ngx_http_judge_cache_want_locked(zone, job);

        if (rc == NGX_DONE) {
            job->cached = 1;
            zone->sh->cache_hits++;
            rc = NGX_OK;
        }
    }

    if (rc != NGX_OK) {
        ngx_http_judge_job_free_locked(zone, job);
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    ngx_http_judge_rbtree_insert(&zone->sh->jobs, &job->sn, job->id,
                                 NGX_HTTP_JUDGE_JOB_ID_LEN);
    ngx_queue_insert_tail(&zone->sh->active, &job->queue);
    zone->sh->nactive++;
    zone->sh->submissions++;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return NGX_OK;
}


/*
 * A job is over, with "verdict", or (0) the verdict its tests give.  Its
 * waiters are collected into "notify" (an array of ngx_http_judge_addr_t)
 * to be told once the lock is released.
 */

void
ngx_http_judge_job_finish_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_http_judge_job_status_e status,
    ngx_uint_t verdict, ngx_array_t *notify)
{
    ngx_uint_t                i;
    ngx_queue_t              *q;
    ngx_http_judge_addr_t    *a;
    ngx_http_judge_waiter_t  *w;

    if (job->status >= NGX_HTTP_JUDGE_COMPLETED) {
        return;
    }

    job->status = status;
    job->finished_ms = ngx_http_judge_now_ms();
    job->expires = ngx_current_msec + job->ttl;

    /*
     * Otherwise the first failing test in test order decides; unjudged
     * ones (left by stop_on_first_failure) do not.  A job that failed is
     * the judge's fault.
     */

    if (verdict == 0) {
        verdict = (status == NGX_HTTP_JUDGE_COMPLETED) ? JUDGE__STATUS__AC
                                                       : JUDGE__STATUS__IE;

        for (i = 0; status == NGX_HTTP_JUDGE_COMPLETED && i < job->ntests;
             i++)
        {
            if (job->test_status[i]
                && job->test_status[i] != JUDGE__STATUS__AC)
            {
                verdict = job->test_status[i];
                break;
            }
        }
    }

    job->verdict = verdict;

    ngx_queue_remove(&job->queue);
    ngx_queue_insert_head(&zone->sh->finished, &job->queue);
    zone->sh->nactive--;
    zone->sh->verdicts[job->verdict & 15]++;

    while (!ngx_queue_empty(&job->waiters)) {
        q = ngx_queue_head(&job->waiters);
        ngx_queue_remove(q);

        w = ngx_queue_data(q, ngx_http_judge_waiter_t, queue);

        if (notify) {
            a = ngx_array_push(notify);
            if (a) {
                *a = w->addr;
            }
        }

        ngx_slab_free_locked(zone->shpool, w);
    }
}


/*
 * The job ends early (cancelled, or stopped at its first failure): the
 * slots its running batches held are free again, and the workers running
 * them are collected into "stop" to be told.
 */

void
ngx_http_judge_job_stop_batches_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_array_t *stop)
{
    ngx_uint_t              i;
    ngx_http_judge_addr_t  *a;
    ngx_http_judge_task_t  *b;

    for (i = 0; i < job->nbatches; i++) {
        b = &job->batches[i];

        if (b->state == NGX_HTTP_JUDGE_TASK_RUNNING) {
            ngx_http_judge_registry_release_locked(zone, NULL, b->worker.id,
                                                   b->count - b->reported);
            a = ngx_array_push(stop);
            if (a) {
                *a = b->worker;
            }
        }

        b->state = NGX_HTTP_JUDGE_TASK_DONE;
    }
}


/* a test finished: waiters for progress (event streams) want to know */

void
ngx_http_judge_job_progress_locked(ngx_http_judge_job_t *job,
    ngx_array_t *notify)
{
    ngx_queue_t              *q;
    ngx_http_judge_addr_t    *a;
    ngx_http_judge_waiter_t  *w;

    for (q = ngx_queue_head(&job->waiters);
         q != ngx_queue_sentinel(&job->waiters);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_waiter_t, queue);

        if (w->progress) {
            a = ngx_array_push(notify);
            if (a) {
                *a = w->addr;
            }
        }
    }
}


void
ngx_http_judge_notify(ngx_http_judge_zone_t *zone, ngx_array_t *notify)
{
    ngx_uint_t              i;
    ngx_http_judge_addr_t  *a;

    a = notify->elts;

    for (i = 0; i < notify->nelts; i++) {
        (void) ngx_http_judge_ipc_send(zone, &a[i], NGX_HTTP_JUDGE_MSG_NOTIFY,
                                       NULL, 0);
    }

    notify->nelts = 0;
}


/*
 * Asks to be told (a NOTIFY to "addr") when the job ends, or at every
 * finished test with "progress".  NGX_DONE: it has ended already;
 * NGX_DECLINED: no such job.
 */

ngx_int_t
ngx_http_judge_job_watch(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    ngx_http_judge_addr_t *addr, ngx_uint_t progress)
{
    ngx_int_t                 rc;
    ngx_uint_t                n;
    ngx_queue_t              *q;
    ngx_http_judge_job_t     *job;
    ngx_http_judge_waiter_t  *w;

    ngx_shmtx_lock(&zone->shpool->mutex);

    job = ngx_http_judge_job_lookup_locked(zone->sh, id->data, id->len);

    if (job == NULL) {
        rc = NGX_DECLINED;

    } else if (job->status >= NGX_HTTP_JUDGE_COMPLETED) {
        rc = NGX_DONE;

    } else {
        n = 0;
        for (q = ngx_queue_head(&job->waiters);
             q != ngx_queue_sentinel(&job->waiters);
             q = ngx_queue_next(q))
        {
            n++;
        }

        w = NULL;

        if (n < NGX_HTTP_JUDGE_MAX_WAITERS) {
            w = ngx_slab_alloc_locked(zone->shpool,
                                      sizeof(ngx_http_judge_waiter_t));
        }

        if (w == NULL) {
            rc = NGX_BUSY;

        } else {
            w->addr = *addr;
            w->progress = progress;
            ngx_queue_insert_tail(&job->waiters, &w->queue);
            rc = NGX_OK;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/* frees finished jobs past judge_result_ttl; runs on the poll timer */

void
ngx_http_judge_job_expire(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t           *q;
    ngx_http_judge_job_t  *job;

    ngx_shmtx_lock(&zone->shpool->mutex);

    while (!ngx_queue_empty(&zone->sh->finished)) {
        q = ngx_queue_last(&zone->sh->finished);
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

        if ((ngx_msec_int_t) (ngx_current_msec - job->expires) < 0) {
            break;
        }

        ngx_http_judge_job_free_locked(zone, job);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/*
 * DELETE /submissions/{id}.  NGX_DECLINED: unknown; NGX_DONE: it had
 * ended already.  Workers running its batches are told to stop.
 */

ngx_int_t
ngx_http_judge_job_cancel(ngx_http_judge_zone_t *zone, ngx_str_t *id)
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

    ngx_shmtx_lock(&zone->shpool->mutex);

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

    ngx_shmtx_unlock(&zone->shpool->mutex);

    a = stop->elts;
    for (i = 0; i < stop->nelts; i++) {
        ngx_http_judge_pipeline_send_cancel(zone, &a[i], id);
    }

    ngx_http_judge_notify(zone, notify);

    ngx_destroy_pool(pool);

    return rc;
}


static size_t
ngx_http_judge_time_len(void)
{
    return sizeof("\"2026-01-01T00:00:00.000Z\"") - 1;
}


static u_char *
ngx_http_judge_time(u_char *p, uint64_t ms)
{
    ngx_tm_t  tm;

    ngx_gmtime((time_t) (ms / 1000), &tm);

    return ngx_sprintf(p, "\"%4d-%02d-%02dT%02d:%02d:%02d.%03dZ\"",
                       tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                       tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec,
                       (int) (ms % 1000));
}


static size_t
ngx_http_judge_job_render_len(ngx_http_judge_job_t *job)
{
    size_t      len;
    ngx_uint_t  i;

    len = sizeof("{\"id\":\"\",\"status\":\"CANCELLED\","
                 "\"verdict\":\"CANCELLED\","
                 "\"score\":0.0000,\"passed\":,\"total\":,\"language\":,"
                 "\"compile\":{},\"message\":,\"tests\":[],\"created_at\":,"
                 "\"finished_at\":}\n")
          + NGX_HTTP_JUDGE_JOB_ID_LEN + 2 * NGX_INT_T_LEN
          + ngx_http_judge_json_str_len(&job->language)
          + job->compile.len
          + ngx_http_judge_json_str_len(&job->message)
          + 2 * ngx_http_judge_time_len();

    for (i = 0; i < job->ntests; i++) {
        len += job->results[i].len + 1;
    }

    return len;
}


static u_char *
ngx_http_judge_job_render(u_char *p, ngx_http_judge_job_t *job)
{
    ngx_uint_t  i, first;

    p = ngx_sprintf(p, "{\"id\":\"%*s\",\"status\":\"%s\",",
                    (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, job->id,
                    ngx_http_judge_job_states[job->status]);

    if (job->status >= NGX_HTTP_JUDGE_COMPLETED) {
        p = ngx_sprintf(p, "\"verdict\":\"%s\",",
                        ngx_http_judge_status_name(job->verdict));

    } else {
        p = ngx_cpymem(p, "\"verdict\":null,", 15);
    }

    p = ngx_sprintf(p, "\"score\":%.4f,\"passed\":%uD,\"total\":%uD,"
                    "\"language\":",
                    job->ntests ? (double) job->passed / job->ntests : 0.0,
                    job->passed, job->ntests);
    p = ngx_http_judge_json_str(p, &job->language);

    if (job->compile.len) {
        p = ngx_cpymem(p, ",\"compile\":{", 12);
        p = ngx_cpymem(p, job->compile.data, job->compile.len);
        *p++ = '}';
    }

    if (job->message.len) {
        p = ngx_cpymem(p, ",\"message\":", 11);
        p = ngx_http_judge_json_str(p, &job->message);
    }

    p = ngx_cpymem(p, ",\"tests\":[", 10);

    first = 1;

    for (i = 0; i < job->ntests; i++) {
        if (job->results[i].len == 0) {
            continue;
        }

        if (!first) {
            *p++ = ',';
        }

        first = 0;
        p = ngx_cpymem(p, job->results[i].data, job->results[i].len);
    }

    p = ngx_cpymem(p, "],\"created_at\":", 15);
    p = ngx_http_judge_time(p, job->created_ms);

    p = ngx_cpymem(p, ",\"finished_at\":", 15);

    if (job->finished_ms) {
        p = ngx_http_judge_time(p, job->finished_ms);

    } else {
        p = ngx_cpymem(p, "null", 4);
    }

    *p++ = '}';

    return p;
}


/* GET /submissions/{id}; NULL with *finished == 2 when there is no such */

ngx_buf_t *
ngx_http_judge_job_json(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    ngx_pool_t *pool, ngx_uint_t *finished)
{
    ngx_buf_t             *b;
    ngx_http_judge_job_t  *job;

    ngx_shmtx_lock(&zone->shpool->mutex);

    job = ngx_http_judge_job_lookup_locked(zone->sh, id->data, id->len);

    if (job == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        *finished = 2;
        return NULL;
    }

    *finished = job->status >= NGX_HTTP_JUDGE_COMPLETED;

    b = ngx_create_temp_buf(pool, ngx_http_judge_job_render_len(job));

    if (b) {
        b->last = ngx_http_judge_job_render(b->last, job);
        *b->last++ = '\n';
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return b;
}


/*
 * Server-Sent Events for results finished since "*sent" (in finishing
 * order), then, once the job is over, the final "verdict" event.
 * NGX_DECLINED: no such job.
 */

ngx_int_t
ngx_http_judge_job_events(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    ngx_pool_t *pool, ngx_uint_t *sent, ngx_chain_t **out,
    ngx_uint_t *finished)
{
    size_t                 len;
    ngx_buf_t             *b;
    ngx_uint_t             i, k;
    ngx_http_judge_job_t  *job;

    *out = NULL;

    ngx_shmtx_lock(&zone->shpool->mutex);

    job = ngx_http_judge_job_lookup_locked(zone->sh, id->data, id->len);

    if (job == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_DECLINED;
    }

    *finished = job->status >= NGX_HTTP_JUDGE_COMPLETED;

    len = 0;

    for (i = *sent; i < job->nresults; i++) {
        k = job->order[i];
        len += sizeof("event: test\ndata: \n\n") + job->results[k].len;
    }

    if (*finished) {
        len += sizeof("event: verdict\ndata: \n\n")
               + ngx_http_judge_job_render_len(job);
    }

    if (len == 0) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_OK;
    }

    b = ngx_create_temp_buf(pool, len);
    if (b == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return NGX_ERROR;
    }

    for (i = *sent; i < job->nresults; i++) {
        k = job->order[i];
        b->last = ngx_cpymem(b->last, "event: test\ndata: ", 18);
        b->last = ngx_cpymem(b->last, job->results[k].data,
                             job->results[k].len);
        b->last = ngx_cpymem(b->last, "\n\n", 2);
    }

    *sent = job->nresults;

    if (*finished) {
        b->last = ngx_cpymem(b->last, "event: verdict\ndata: ", 21);
        b->last = ngx_http_judge_job_render(b->last, job);
        b->last = ngx_cpymem(b->last, "\n\n", 2);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    *out = ngx_alloc_chain_link(pool);
    if (*out == NULL) {
        return NGX_ERROR;
    }

    (*out)->buf = b;
    (*out)->next = NULL;

    return NGX_OK;
}
