
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_job.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_ready.h"
#include "ngx_http_judge_registry.h"
#include "ngx_http_judge_scheduler.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_store.h"
#include "ngx_http_judge_wire.h"
#include "ngx_http_judge_results.h"


/*
 * What workers report, taken in: a compile's answer and artifact, one
 * test's result, the end of a batch.  Nothing a worker sends is trusted:
 * it must answer a task that is out to its very stream, outputs are cut
 * to judge_max_capture, texts to a few hundred bytes, statuses to the
 * verdicts a test may end in.  A test's result is rendered once into the
 * JSON every answer reuses and filed in the job's results file; then the
 * scheduler runs.
 */


#define NGX_HTTP_JUDGE_RESULT_TEXT    512     /* checker message, message */


static ngx_http_judge_task_t *ngx_http_judge_results_batch_locked(
    ngx_http_judge_job_t *job, uint64_t task_id);
static ngx_http_judge_job_t *ngx_http_judge_results_job_locked(
    ngx_http_judge_zone_t *zone, Judge__TestResult *res, uint64_t stream_id,
    ngx_http_judge_task_t **batch);
static ngx_uint_t ngx_http_judge_results_fit(ngx_pool_t *pool, ngx_str_t *s,
    size_t max);
static ngx_uint_t ngx_http_judge_results_run_ended(ngx_uint_t status);
static ngx_http_judge_job_t *ngx_http_judge_results_live_locked(
    ngx_http_judge_zone_t *zone, Judge__OutputChunk *ch, uint64_t stream_id,
    ngx_http_judge_task_t **batch);
static ngx_int_t ngx_http_judge_results_chunks_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_job_t *job);


/* ------------------------------------------------------------ results */


static ngx_http_judge_task_t *
ngx_http_judge_results_batch_locked(ngx_http_judge_job_t *job,
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


/*
 * A compile is over.  The answer (as JSON members) and the artifact go
 * to the cache directory first, then into the entry if it still waits for
 * this very task.  An artifact above the entry's limit is a CE.
 */

void
ngx_http_judge_results_compile(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__CompileResult *res)
{
    u_char                     *p, *json;
    size_t                      len, max_artifact;
    ngx_int_t                   rc;
    ngx_str_t                   output, message, abi, answer, program;
    ngx_uint_t                  status, taken, kept;
    Judge__Usage               *u;
    ngx_http_judge_blob_ref_t   compile, artifact;
    ngx_http_judge_artifact_t  *a;
    u_char                      big[160];
    u_char                      abi_copy[NGX_HTTP_JUDGE_MAX_ID_LEN];

    if (res->artifact_hash == NULL
        || ngx_strlen(res->artifact_hash) != NGX_HTTP_JUDGE_HASH_LEN)
    {
        return;
    }

    /* is it awaited at all, and how large may the artifact be */

    ngx_http_judge_zone_lock(zone);

    a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts,
                                     (u_char *) res->artifact_hash,
                                     NGX_HTTP_JUDGE_HASH_LEN);

    max_artifact = 0;
    taken = 0;

    if (a && a->status == 0 && a->task.state == NGX_HTTP_JUDGE_TASK_RUNNING
        && a->task.task_id == res->task_id && a->task.worker.id == stream_id)
    {
        max_artifact = a->max_artifact;
        taken = 1;

        if (res->returned) {
            /* handed back unstarted by a draining worker: to another */
            ngx_http_judge_registry_release_locked(zone, worker, stream_id, 1);
            ngx_http_judge_registry_returned_locked(zone, worker, stream_id);

            if (ngx_http_judge_sched_returned_locked(&a->task)) {
                ngx_http_judge_sched_wake_locked(zone, a->hash);

            } else {
                ngx_http_judge_sched_compile_retry_locked(zone, a);
            }

            taken = 0;
        }
    }

    ngx_http_judge_zone_unlock(zone);

    if (!taken) {
        if (res->returned) {
            ngx_http_judge_sched_run(zone);
        }

        return;
    }

    /*
     * A compile ends OK, CE, IE or with the limit the compiler hit (the
     * job's verdict is CE then); anything else from a worker is its fault.
     */

    status = res->status;

    if (status != JUDGE__STATUS__OK && status != JUDGE__STATUS__CE
        && !ngx_http_judge_results_run_ended(status))
    {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: a worker sent status %d for a compile, taken "
                      "as IE", (int) status);
        status = JUDGE__STATUS__IE;
    }

    output.data = (u_char *) res->output;
    output.len = res->output ? ngx_strlen(res->output) : 0;
    message.data = (u_char *) res->message;
    message.len = res->message ? ngx_strlen(res->message) : 0;

    if (status == JUDGE__STATUS__OK && max_artifact
        && res->artifact.len > max_artifact)
    {
        status = JUDGE__STATUS__CE;
        output.data = big;
        output.len = ngx_sprintf(big, "the compiled program is %uz bytes; "
                                 "the judge accepts at most %uz",
                                 res->artifact.len, max_artifact)
                     - big;
        message = output;
    }

    len = sizeof("\"status\":\"\",\"output\":,\"message\":,\"time_ms\":,"
                 "\"memory_kb\":,\"worker\":") + 16 + 2 * NGX_INT64_LEN
          + ngx_http_judge_json_utf8_len(&output)
          + ngx_http_judge_json_utf8_len(&message)
          + ngx_http_judge_json_str_len(worker)
          + 6 * sizeof(big);      /* room for a message of the judge's own */

    json = ngx_alloc(len, ngx_cycle->log);
    if (json == NULL) {
        return;
    }

    u = res->usage;

    p = ngx_sprintf(json, "\"status\":\"%s\",\"output\":",
                    ngx_http_judge_status_name(status));
    p = ngx_http_judge_json_utf8(p, &output);
    p = ngx_cpymem(p, ",\"message\":", 11);
    p = ngx_http_judge_json_utf8(p, &message);
    p = ngx_sprintf(p, ",\"time_ms\":%uL,\"memory_kb\":%uL,\"worker\":",
                    u ? u->wall_time_ms : 0, u ? u->memory_kb : 0);
    p = ngx_http_judge_json_str(p, worker);

    rc = ngx_http_judge_blob_put(zone, json, p - json, &compile);

    ngx_memzero(&artifact, sizeof(ngx_http_judge_blob_ref_t));

    if (rc == NGX_OK && status == JUDGE__STATUS__OK) {
        rc = ngx_http_judge_blob_put(zone, res->artifact.data,
                                     res->artifact.len, &artifact);

        if (rc == NGX_DECLINED) {
            /* the cache directory is full of work in progress: say so */
            ngx_http_judge_blob_release(zone, &compile);

            status = JUDGE__STATUS__IE;
            output.data = big;
            output.len = ngx_sprintf(big, "no room in the judge's cache "
                                     "directory for the compiled program "
                                     "of %uz bytes", res->artifact.len)
                         - big;
            p = ngx_sprintf(json, "\"status\":\"IE\",\"output\":\"\","
                            "\"message\":");
            p = ngx_http_judge_json_utf8(p, &output);

            rc = ngx_http_judge_blob_put(zone, json, p - json, &compile);
        }
    }

    answer.data = json;
    answer.len = p - json;

    if (rc != NGX_OK) {
        /* no room on disk: the compile counts as lost and is redone */
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "judge: the answer of a compile could not be filed "
                      "in the cache directory");
        ngx_http_judge_blob_release(zone, &compile);
    }

    kept = 0;
    abi.len = 0;

    ngx_http_judge_zone_lock(zone);

    a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts,
                                     (u_char *) res->artifact_hash,
                                     NGX_HTTP_JUDGE_HASH_LEN);

    if (a && a->status == 0 && a->task.state == NGX_HTTP_JUDGE_TASK_RUNNING
        && a->task.task_id == res->task_id && a->task.worker.id == stream_id)
    {
        ngx_http_judge_registry_release_locked(zone, worker, stream_id, 1);

        if (rc != NGX_OK
            || ngx_http_judge_registry_abi_locked(zone, worker, &abi) != NGX_OK
            || ngx_http_judge_zone_store_locked(zone, &a->abi, abi.data,
                                                abi.len) != NGX_OK)
        {
            ngx_http_judge_sched_compile_retry_locked(zone, a);

        } else {
            a->task.state = NGX_HTTP_JUDGE_TASK_DONE;
            a->compile = compile;
            a->artifact = artifact;
            a->status = status;
            ngx_memzero(&compile, sizeof(ngx_http_judge_blob_ref_t));
            ngx_memzero(&artifact, sizeof(ngx_http_judge_blob_ref_t));

            if (status == JUDGE__STATUS__OK) {
                ngx_http_judge_registry_holds_locked(zone, worker, a->hash);
            }

            ngx_http_judge_sched_wake_locked(zone, a->hash);

            kept = (a->abi.len <= sizeof(abi_copy));

            if (kept) {
                abi.len = a->abi.len;
                abi.data = ngx_cpymem(abi_copy, a->abi.data, a->abi.len)
                           - abi.len;
            }
        }
    }

    ngx_http_judge_blob_release_locked(zone, &compile);
    ngx_http_judge_blob_release_locked(zone, &artifact);

    ngx_http_judge_zone_unlock(zone);

    if (kept && zone->store->artifact
        && (status == JUDGE__STATUS__OK || status == JUDGE__STATUS__CE))
    {
        program.data = res->artifact.data;
        program.len = (status == JUDGE__STATUS__OK) ? res->artifact.len : 0;

        zone->store->artifact(zone, (u_char *) res->artifact_hash, status,
                              &abi, &answer, &program);
    }

    ngx_free(json);

    ngx_http_judge_sched_run(zone);
}


/*
 * The job a test result is for, when it is still wanted: the job runs,
 * the batch is the one sent to this stream, the index is the batch's and
 * has no result yet.
 */

static ngx_http_judge_job_t *
ngx_http_judge_results_job_locked(ngx_http_judge_zone_t *zone,
    Judge__TestResult *res, uint64_t stream_id, ngx_http_judge_task_t **batch)
{
    ngx_http_judge_job_t   *job;
    ngx_http_judge_task_t  *b;

    job = ngx_http_judge_job_lookup_locked(zone->sh, (u_char *) res->job_id,
                                           NGX_HTTP_JUDGE_JOB_ID_LEN);

    if (job == NULL || job->status >= NGX_HTTP_JUDGE_COMPLETED) {
        return NULL;
    }

    b = ngx_http_judge_results_batch_locked(job, res->task_id);

    if (b == NULL || b->worker.id != stream_id
        || res->index < b->first || res->index >= b->first + b->count
        || job->results[res->index].len != 0)
    {
        return NULL;
    }

    *batch = b;

    return job;
}


/*
 * Cuts "s" so that as a JSON string it takes at most "max" bytes (quotes
 * aside); escapes may make it up to six times longer.  1: it was cut.
 */

static ngx_uint_t
ngx_http_judge_results_fit(ngx_pool_t *pool, ngx_str_t *s, size_t max)
{
    u_char      *buf, *p;
    size_t       len;
    ngx_uint_t   cut;

    cut = 0;

    if (s->len > max) {
        s->len = max;
        cut = 1;
    }

    buf = ngx_pnalloc(pool, ngx_http_judge_json_utf8_len(s));
    if (buf == NULL) {
        s->len = 0;
        return 1;
    }

    for ( ;; ) {
        p = ngx_http_judge_json_utf8(buf, s);
        len = p - buf - 2;

        if (len <= max) {
            return cut;
        }

        s->len = ngx_min(s->len - 1, s->len * max / len);
        cut = 1;
    }
}


/* one test's result, rendered once into the JSON every answer reuses */

void
ngx_http_judge_results_test(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__TestResult *res)
{
    u_char                 *p, *json;
    size_t                  len;
    ngx_int_t               rc;
    ngx_str_t               out, err, checker, message, id;
    ngx_uint_t              i, k;
    ngx_pool_t             *pool;
    ngx_array_t            *notify, *stop;
    Judge__Usage           *u;
    ngx_http_judge_job_t   *job;
    ngx_http_judge_addr_t  *a;
    ngx_http_judge_task_t  *b;
    ngx_str_t               job_id;
    size_t                  capture, out_at, out_len, err_at, err_len;
    uint64_t                off, serial;
    ngx_uint_t              out_cut, err_cut, taken, hidden;

    if (res->job_id == NULL
        || ngx_strlen(res->job_id) != NGX_HTTP_JUDGE_JOB_ID_LEN)
    {
        return;
    }

    /* is it wanted at all, and how much output may it keep */

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_results_job_locked(zone, res, stream_id, &b);
    capture = job ? job->max_capture : 0;
    hidden = job ? ngx_http_judge_job_hidden(job, res->index) : 0;

    ngx_http_judge_zone_unlock(zone);

    if (job == NULL) {
        return;
    }

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    /*
     * What a worker sends is bounded here, not trusted: the outputs to
     * judge_max_capture bytes of JSON each, the texts to a few hundred.
     */

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

    /* a test ends in a verdict; anything else from a worker is its fault */

    if (res->status != JUDGE__STATUS__AC && res->status != JUDGE__STATUS__WA
        && !ngx_http_judge_results_run_ended(res->status))
    {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: a worker sent status %d for test %uD of "
                      "job %s, taken as IE",
                      (int) res->status, res->index, res->job_id);
        res->status = JUDGE__STATUS__IE;
    }

    /*
     * A hidden test of a stored problem shows its verdict, time and
     * memory, nothing the program chose: not its output, exit code or
     * signal (it may spell its input in them), nor the sandbox's words
     * about them.  Its checker message is the worker's fixed words for a
     * hidden test ("wrong answer") or the failed assertion's
     * description, never a checker's own.
     */

    if (hidden) {
        out.len = 0;
        err.len = 0;
        message.len = 0;
        res->stdout_truncated = 0;
        res->stderr_truncated = 0;

        if (res->usage) {
            res->usage->exit_code = 0;
            res->usage->signal = 0;
        }
    }

    out_cut = ngx_http_judge_results_fit(pool, &out, capture);
    err_cut = ngx_http_judge_results_fit(pool, &err, capture);
    checker.len = ngx_min(checker.len, NGX_HTTP_JUDGE_RESULT_TEXT);
    message.len = ngx_min(message.len, NGX_HTTP_JUDGE_RESULT_TEXT);
    id.len = ngx_min(id.len, NGX_HTTP_JUDGE_MAX_ID_LEN);

    len = sizeof("{\"id\":,\"index\":,\"verdict\":\"CANCELLED\","
                 "\"cpu_time_ms\":,\"wall_time_ms\":,\"memory_kb\":,"
                 "\"exit_code\":,\"signal\":,\"stdout\":,\"stderr\":,"
                 "\"stdout_truncated\":false,\"stderr_truncated\":false,"
                 "\"checker_message\":,\"message\":,\"worker\":,"
                 "\"hidden\":false}")
          + 7 * NGX_INT64_LEN
          + ngx_http_judge_json_utf8_len(&id)
          + ngx_http_judge_json_utf8_len(&out)
          + ngx_http_judge_json_utf8_len(&err)
          + ngx_http_judge_json_utf8_len(&checker)
          + ngx_http_judge_json_utf8_len(&message)
          + ngx_http_judge_json_str_len(worker);

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
    out_at = p - json;
    p = ngx_http_judge_json_utf8(p, &out);
    out_len = p - json - out_at;
    p = ngx_cpymem(p, ",\"stderr\":", 10);
    err_at = p - json;
    p = ngx_http_judge_json_utf8(p, &err);
    err_len = p - json - err_at;
    p = ngx_sprintf(p, ",\"stdout_truncated\":%s,\"stderr_truncated\":%s",
                    (res->stdout_truncated || out_cut) ? "true" : "false",
                    (res->stderr_truncated || err_cut) ? "true" : "false");
    p = ngx_cpymem(p, ",\"checker_message\":", 19);
    p = ngx_http_judge_json_utf8(p, &checker);
    p = ngx_cpymem(p, ",\"message\":", 11);
    p = ngx_http_judge_json_utf8(p, &message);
    p = ngx_cpymem(p, ",\"worker\":", 10);
    p = ngx_http_judge_json_str(p, worker);

    if (hidden) {
        p = ngx_cpymem(p, ",\"hidden\":true", 14);
    }

    *p++ = '}';

    /*
     * Two rounds under the lock: one claims a range of the job's results
     * file for a result it would take, the other takes it once written.
     * Between them the result may have become moot (a late duplicate, the
     * job cancelled); its bytes then stay unused in the file.
     */

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_results_job_locked(zone, res, stream_id, &b);

    if (job) {
        off = job->results_size;
        job->results_size += p - json;
        serial = job->serial;
    }

    ngx_http_judge_zone_unlock(zone);

    if (job == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    rc = ngx_http_judge_results_write(zone, serial, off, json, p - json);

    if (rc != NGX_OK) {
        /* not kept: the job will end without it, saying why */
        ngx_http_judge_zone_lock(zone);

        job = ngx_http_judge_results_job_locked(zone, res, stream_id,
                                                        &b);
        if (job) {
            job->unwritten = (rc == NGX_DECLINED) ? 2 : 1;
        }

        ngx_http_judge_zone_unlock(zone);
        ngx_destroy_pool(pool);
        return;
    }

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_results_job_locked(zone, res, stream_id, &b);
    taken = (job != NULL);

    if (job) {
        job->results[res->index].off = off;
        job->results[res->index].len = p - json;
        job->test_status[res->index] = (u_char) res->status;
        job->order[job->nresults++] = res->index;

        if (res->status == JUDGE__STATUS__AC) {
            job->passed++;
        }

        if (job->execution) {
            /* a run shows its one test's usage and output at the top */
            job->ran = 1;
            job->exit_code = u ? u->exit_code : 0;
            job->signal = u ? u->signal : 0;
            job->wall_ms = u ? (uint32_t) ngx_min(u->wall_time_ms,
                                                  NGX_MAX_UINT32_VALUE) : 0;
            job->cpu_ms = u ? (uint32_t) ngx_min(u->cpu_time_ms,
                                                 NGX_MAX_UINT32_VALUE) : 0;
            job->memory_kb = u ? u->memory_kb : 0;
            job->out.off = off + out_at;
            job->out.len = out_len;
            job->err.off = off + err_at;
            job->err.len = err_len;
            job->out_cut = res->stdout_truncated || out_cut;
            job->err_cut = res->stderr_truncated || err_cut;
        }

        b->reported++;
        zone->sh->tests_judged++;
        ngx_http_judge_registry_release_locked(zone, worker, stream_id, 1);

        if (b->reported == b->count) {
            b->state = NGX_HTTP_JUDGE_TASK_DONE;
        }

        ngx_http_judge_ready_dirty_locked(zone, job);
        ngx_http_judge_job_progress_locked(job, notify);

        if (job->stop_on_failure && res->status != JUDGE__STATUS__AC
            && res->index < job->stop_at)
        {
            job->stop_at = res->index;
        }

        /* a stage failed: the stages after it are not run */

        if (job->nstages && !job->all_stages
            && res->status != JUDGE__STATUS__AC)
        {
            k = job->stage_end[ngx_http_judge_job_stage(job, res->index)];
            job->stop_at = ngx_min(job->stop_at, k);
        }

        if (job->nresults == job->ntests
            || ngx_http_judge_job_stopped_locked(job))
        {
            ngx_http_judge_job_stop_batches_locked(zone, job, stop);
            ngx_http_judge_job_finish_locked(zone, job,
                                             NGX_HTTP_JUDGE_COMPLETED, 0,
                                             notify);
        }
    }

    ngx_http_judge_zone_unlock(zone);

    job_id.data = (u_char *) res->job_id;
    job_id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

    if (taken && zone->store->result) {
        zone->store->result(zone, &job_id, json, p - json);
    }

    a = stop->elts;
    for (i = 0; i < stop->nelts; i++) {
        ngx_http_judge_sched_cancel(zone, &a[i], &job_id, 0);
    }

    ngx_http_judge_notify(zone, notify);
    ngx_destroy_pool(pool);

    ngx_http_judge_sched_run(zone);
}


/*
 * What a run wrote so far (OutputChunk), while it runs: a piece of SSE
 * data for its followers, filed in its results file.  Only a run of a
 * code session streams; the piece must be of the task out to this very
 * stream, and follow what was taken of its stream without a gap.  What
 * is past judge_max_capture, the pieces' budget or an incomplete UTF-8
 * character at the end (kept for the next piece) is not shown; the
 * final result has the whole output anyway.
 */

void
ngx_http_judge_results_output(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__OutputChunk *ch)
{
    u_char                 *p, *json, *data;
    size_t                  len, skip, room, cut, keep;
    uint64_t                off, serial, at;
    ngx_str_t               text;
    ngx_uint_t              s, k, attempt;
    ngx_array_t            *notify;
    ngx_pool_t             *pool;
    ngx_http_judge_job_t   *job;
    ngx_http_judge_task_t  *b;
    u_char                  held[4];

    if (ch->job_id == NULL
        || ngx_strlen(ch->job_id) != NGX_HTTP_JUDGE_JOB_ID_LEN
        || (ch->stream != 1 && ch->stream != 2)
        || ch->data.len == 0)
    {
        return;
    }

    s = ch->stream - 1;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_results_live_locked(zone, ch, stream_id, &b);

    if (job == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return;
    }

    if (job->live_task != ch->task_id) {
        /* a task handed out again starts its output over */
        job->live_task = ch->task_id;
        job->live_attempt = job->starts;
        job->live[0] = 0;
        job->live[1] = 0;
        job->held_len[0] = 0;
        job->held_len[1] = 0;
    }

    at = job->live[s];
    keep = job->held_len[s];
    ngx_memcpy(held, job->held[s], keep);
    attempt = job->live_attempt;

    room = (job->max_capture > at) ? job->max_capture - at : 0;

    ngx_http_judge_zone_unlock(zone);

    /* it follows what was taken (and held) without a gap, or is dropped */

    if (ch->offset > at + keep || ch->offset + ch->data.len <= at + keep) {
        return;
    }

    skip = at + keep - ch->offset;
    len = ngx_min(ch->data.len - skip + keep, room);

    if (len == 0) {
        return;
    }

    pool = ngx_create_pool(1024, ngx_cycle->log);
    if (pool == NULL) {
        return;
    }

    data = ngx_pnalloc(pool, len);
    notify = ngx_array_create(pool, 8, sizeof(ngx_http_judge_addr_t));

    if (data == NULL || notify == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    ngx_memcpy(data, held, ngx_min(keep, len));

    if (len > keep) {
        ngx_memcpy(data + keep, ch->data.data + skip, len - keep);
    }

    /* an incomplete character at the end waits for the rest of it */

    cut = len;

    if (len < room) {
        for (k = 1; k <= 3 && k <= len; k++) {
            if (data[len - k] < 0x80) {
                break;
            }

            if ((data[len - k] & 0xc0) == 0xc0) {
                if ((data[len - k] >= 0xf0 ? 4
                     : data[len - k] >= 0xe0 ? 3 : 2) > k)
                {
                    cut = len - k;
                }

                break;
            }
        }
    }

    text.data = data;
    text.len = cut;

    json = ngx_pnalloc(pool, sizeof("{\"stream\":\"stdout\",\"offset\":,"
                                    "\"attempt\":,\"data\":}")
                             + 2 * NGX_INT64_LEN
                             + ngx_http_judge_json_utf8_len(&text));
    if (json == NULL) {
        ngx_destroy_pool(pool);
        return;
    }

    p = ngx_sprintf(json, "{\"stream\":\"%s\",\"offset\":%uL,\"attempt\":%ui,"
                    "\"data\":", s ? "stderr" : "stdout", at, attempt);
    p = ngx_http_judge_json_utf8(p, &text);
    *p++ = '}';

    /* claimed within the run's budget, written, then taken */

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_results_live_locked(zone, ch, stream_id, &b);

    if (job == NULL || job->live_task != ch->task_id || job->live[s] != at
        || job->held_len[s] != keep || job->nchunks == NGX_HTTP_JUDGE_MAX_CHUNKS
        || job->live_bytes + (p - json)
           > (uint64_t) NGX_HTTP_JUDGE_LIVE_BUDGET(job->max_capture))
    {
        ngx_http_judge_zone_unlock(zone);
        ngx_destroy_pool(pool);
        return;
    }

    if (job->nchunks == job->chunks_cap) {
        if (ngx_http_judge_results_chunks_locked(zone, job) != NGX_OK) {
            ngx_http_judge_zone_unlock(zone);
            ngx_destroy_pool(pool);
            return;
        }
    }

    off = job->results_size;
    job->results_size += p - json;
    job->live_bytes += p - json;
    serial = job->serial;

    /* what is taken now: the next piece must follow it */
    job->live[s] = at + cut;
    job->held_len[s] = len - cut;
    ngx_memcpy(job->held[s], data + cut, len - cut);

    ngx_http_judge_zone_unlock(zone);

    if (cut == 0
        || ngx_http_judge_results_write(zone, serial, off, json, p - json)
           != NGX_OK)
    {
        ngx_destroy_pool(pool);
        return;
    }

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_results_live_locked(zone, ch, stream_id, &b);

    if (job && job->nchunks < job->chunks_cap) {
        job->chunks[job->nchunks].off = off;
        job->chunks[job->nchunks].len = p - json;
        job->nchunks++;

        ngx_http_judge_job_progress_locked(job, notify);
    }

    ngx_http_judge_zone_unlock(zone);

    ngx_http_judge_notify(zone, notify);
    ngx_destroy_pool(pool);
}


/* the run a piece of output is of, while its task is out to the stream */

static ngx_http_judge_job_t *
ngx_http_judge_results_live_locked(ngx_http_judge_zone_t *zone,
    Judge__OutputChunk *ch, uint64_t stream_id, ngx_http_judge_task_t **batch)
{
    ngx_http_judge_job_t   *job;
    ngx_http_judge_task_t  *b;

    job = ngx_http_judge_job_lookup_locked(zone->sh, (u_char *) ch->job_id,
                                           NGX_HTTP_JUDGE_JOB_ID_LEN);

    if (job == NULL || !job->execution
        || job->status >= NGX_HTTP_JUDGE_COMPLETED
        || ch->index >= job->ntests || job->results[ch->index].len)
    {
        return NULL;
    }

    b = ngx_http_judge_results_batch_locked(job, ch->task_id);

    if (b == NULL || b->worker.id != stream_id || ch->index < b->first
        || ch->index >= b->first + b->count)
    {
        return NULL;
    }

    *batch = b;

    return job;
}


/* room for more pieces of a run's output, doubling to the most */

static ngx_int_t
ngx_http_judge_results_chunks_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    uint32_t                  cap;
    ngx_http_judge_result_t  *chunks;

    cap = ngx_min(ngx_max(job->chunks_cap * 2, 16),
                  NGX_HTTP_JUDGE_MAX_CHUNKS);

    chunks = ngx_http_judge_zone_alloc_locked(zone,
                                    cap * sizeof(ngx_http_judge_result_t));
    if (chunks == NULL) {
        return NGX_ERROR;
    }

    if (job->chunks) {
        ngx_memcpy(chunks, job->chunks,
                   job->nchunks * sizeof(ngx_http_judge_result_t));
        ngx_slab_free_locked(zone->shpool, job->chunks);
    }

    job->chunks = chunks;
    job->chunks_cap = cap;

    return NGX_OK;
}


/* a batch is over on the worker; what it did not report is redone */

void
ngx_http_judge_results_batch(ngx_http_judge_zone_t *zone,
    ngx_str_t *worker, uint64_t stream_id, Judge__BatchExecutionResult *res)
{
    size_t                  len;
    ngx_uint_t              failed;
    ngx_http_judge_job_t   *job;
    ngx_http_judge_task_t  *b;
    u_char                  why[200];

    if (res->job_id == NULL
        || ngx_strlen(res->job_id) != NGX_HTTP_JUDGE_JOB_ID_LEN)
    {
        return;
    }

    failed = 0;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, (u_char *) res->job_id,
                                           NGX_HTTP_JUDGE_JOB_ID_LEN);

    b = (job && job->status < NGX_HTTP_JUDGE_COMPLETED)
        ? ngx_http_judge_results_batch_locked(job, res->task_id) : NULL;

    if (b && b->worker.id == stream_id) {
        ngx_http_judge_registry_release_locked(zone, worker, stream_id,
                                               b->count - b->reported);

        if (res->returned && b->reported == 0) {
            /* handed back unstarted by a draining worker: to another */
            ngx_http_judge_registry_returned_locked(zone, worker, stream_id);

            if (!ngx_http_judge_sched_returned_locked(b)) {
                ngx_http_judge_sched_retry_locked(zone, b,
                                                     job->max_attempts);
            }

        } else if (res->need_artifact && !b->send_artifact) {
            /* it lost the artifact it was thought to hold: send it along */
            b->state = NGX_HTTP_JUDGE_TASK_PENDING;
            b->send_artifact = 1;

        } else if (res->need_artifact) {
            /* it was sent the artifact and still lacks it: a failure */
            ngx_http_judge_sched_retry_locked(zone, b, job->max_attempts);
            failed = 1;

        } else if (!res->system_error && b->reported < b->count
                   && job->unwritten)
        {
            /* what was not kept is nginx's failure, not the worker's */
            b->state = NGX_HTTP_JUDGE_TASK_DONE;

        } else if (res->system_error || b->reported < b->count) {
            ngx_http_judge_sched_retry_locked(zone, b, job->max_attempts);
            failed = 1;

        } else {
            b->state = NGX_HTTP_JUDGE_TASK_DONE;
        }

        if (failed && res->message && res->message[0]) {
            /* the worker's words, for the job's message if it gives up */
            len = ngx_min(ngx_strlen(res->message), sizeof(why));
            ngx_memcpy(why, res->message, len);
            (void) ngx_http_judge_utf8_clean(why, len);

            ngx_http_judge_zone_free_str_locked(zone, &job->failure);
            (void) ngx_http_judge_zone_store_locked(zone, &job->failure, why,
                                                    len);
        }

        ngx_http_judge_ready_dirty_locked(zone, job);
    }

    ngx_http_judge_zone_unlock(zone);

    if (failed) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: a batch of job %s failed on the worker: %s",
                      res->job_id,
                      (res->message && res->message[0])
                      ? res->message : "(no reason given)");
    }

    ngx_http_judge_sched_run(zone);
}


/* a run, compile or test, ended by a limit it hit, or by the judge (IE) */

static ngx_uint_t
ngx_http_judge_results_run_ended(ngx_uint_t status)
{
    switch (status) {

    case JUDGE__STATUS__TLE:
    case JUDGE__STATUS__WLE:
    case JUDGE__STATUS__MLE:
    case JUDGE__STATUS__OLE:
    case JUDGE__STATUS__RE:
    case JUDGE__STATUS__SV:
    case JUDGE__STATUS__IE:
        return 1;

    default:
        return 0;
    }
}
