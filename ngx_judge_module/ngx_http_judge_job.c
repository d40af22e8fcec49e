
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/rand.h>

#if (NGX_LINUX)
#include <sys/inotify.h>
#endif

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_cache.h"
#include "ngx_http_judge_ipc.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_ready.h"
#include "ngx_http_judge_registry.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_store.h"
#include "ngx_http_judge_wire.h"
#include "ngx_http_judge_session.h"
#include "ngx_http_judge_job.h"


/*
 * Jobs in the zone.  A job holds what the pipeline needs to send, as
 * references to blobs in the cache directory (the run template, the
 * tests, the compile task), what it learned (each test's result rendered
 * as JSON once, by the process that received it, into the job's results
 * file; the compile answer likewise as a blob) and who waits for news.
 * The zone keeps only offsets, lengths and states, so its use per job
 * does not depend on what the tests and results hold.
 *
 * An answer is planned under the lock (memory parts and file ranges) and
 * sent from the files: nothing bulky is copied.  A finished job's answer,
 * when small, is saved by each process once read, and sent again from
 * memory while its files stay as they were.
 */


/* an answer being put together: memory and ranges of two files */
typedef struct {
    ngx_pool_t                  *pool;
    ngx_chain_t                **free;        /* buffers to reuse, or NULL */
    ngx_chain_t                 *out;
    ngx_chain_t                **last;
    ngx_buf_t                   *mem;         /* the memory part growing */
    u_char                      *arena;       /* where the next one goes */
    u_char                      *arena_end;
    off_t                        len;
    ngx_file_t                  *results;
    ngx_file_t                  *compile;
    unsigned                     failed:1;
    unsigned                     memory_only:1;  /* files are missing */
} ngx_http_judge_out_t;


/* the answer of a finished job, saved by this process */
typedef struct {
    ngx_http_judge_zone_t       *zone;
    uint64_t                     serial;      /* the job's */
    u_char                      *data;        /* NULL: none saved */
    size_t                       len;
    int                          watch[2];    /* of its files (results,
                                                 compile); 0: none */
} ngx_http_judge_saved_t;


static void ngx_http_judge_job_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job);
static ngx_int_t ngx_http_judge_job_problem_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_job_t *job, ngx_str_t *spec);
static void ngx_http_judge_job_render_stages_locked(ngx_http_judge_out_t *o,
    ngx_http_judge_job_t *job);
static void ngx_http_judge_job_render_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_out_t *o, ngx_http_judge_job_t *job);
static void ngx_http_judge_job_render_run_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_out_t *o, ngx_http_judge_job_t *job);
static const char *ngx_http_judge_job_reason(ngx_http_judge_job_t *job);
static ngx_uint_t ngx_http_judge_job_render_compile_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_out_t *o,
    ngx_http_judge_job_t *job);
static ngx_uint_t ngx_http_judge_job_unsent_locked(ngx_http_judge_job_t *job);
static void ngx_http_judge_job_events_run_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_out_t *o, ngx_http_judge_job_t *job,
    ngx_http_judge_cursor_t *cur, ngx_uint_t finished);
static void ngx_http_judge_job_leave_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, u_char *ids, ngx_uint_t n,
    ngx_array_t *notify);
static void ngx_http_judge_out_mem(ngx_http_judge_out_t *o, u_char *data,
    size_t len);
static void ngx_http_judge_out_file(ngx_http_judge_out_t *o, ngx_file_t *file,
    off_t off, size_t len);
static ngx_file_t *ngx_http_judge_out_file_new(ngx_http_judge_out_t *o,
    u_char *name);
static ngx_int_t ngx_http_judge_out_open(ngx_http_judge_out_t *o,
    ngx_file_t *file);
static ngx_int_t ngx_http_judge_job_answer(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, ngx_pool_t *pool, ngx_chain_t **out, off_t *len,
    ngx_uint_t *finished, ngx_uint_t memory_only, ngx_uint_t execution);
static void ngx_http_judge_out_text(ngx_http_judge_out_t *o, char *text,
    size_t len);
static ngx_int_t ngx_http_judge_saved_send(ngx_http_judge_saved_t *saved,
    ngx_pool_t *pool, ngx_chain_t **out, off_t *len);
static void ngx_http_judge_saved_fill(ngx_http_judge_saved_t *saved,
    ngx_http_judge_zone_t *zone, uint64_t serial, ngx_http_judge_out_t *o);
static void ngx_http_judge_saved_drop(ngx_http_judge_saved_t *saved);

#if (NGX_LINUX)
static void ngx_http_judge_saved_changed(void);
static int ngx_http_judge_saved_watch(ngx_file_t *file);
static void ngx_http_judge_saved_unwatch(ngx_http_judge_saved_t *saved,
    int wd);
#else
/* without inotify no file is watched, and no answer with files saved */
#define ngx_http_judge_saved_changed()
#define ngx_http_judge_saved_watch(file)        (-1)
#define ngx_http_judge_saved_unwatch(saved, wd)
#endif


/* per test, beyond its two outputs: ids, numbers, messages as JSON */
#define NGX_HTTP_JUDGE_RESULT_SLACK  8192

/* answers of finished jobs saved by a process, by a hash of the id */
#define NGX_HTTP_JUDGE_SAVED         128
#define NGX_HTTP_JUDGE_SAVED_MAX     8192     /* larger ones are not saved */

#if (NGX_LINUX)
#define NGX_HTTP_JUDGE_SAVED_EVENTS  (IN_MODIFY|IN_ATTRIB|IN_DELETE_SELF      \
                                      |IN_MOVE_SELF)
#endif


static const char  *ngx_http_judge_job_states[] = {
    "QUEUED", "COMPILING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"
};

static ngx_http_judge_saved_t  ngx_http_judge_saved[NGX_HTTP_JUDGE_SAVED];

#if (NGX_LINUX)
/* the watches on the saved answers' files, made with the first */
static ngx_fd_t                ngx_http_judge_saved_fd = NGX_INVALID_FILE;
static ngx_uint_t              ngx_http_judge_saved_unwatched; /* no inotify */
#endif


void
ngx_http_judge_job_init_zone(ngx_http_judge_shctx_t *sh)
{
    ngx_rbtree_init(&sh->jobs, &sh->jobs_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->active);
    ngx_queue_init(&sh->finished);
    ngx_queue_init(&sh->due);
    ngx_rbtree_init(&sh->clients, &sh->clients_sentinel,
                    ngx_str_rbtree_insert_value);
}


/*
 * How many unfinished jobs a client may have now: judge_client_jobs, and,
 * once the queue is half full, no more than an equal share of the free
 * places among the clients that have jobs ("known": this one has) and one
 * more to come, though at least one.  A client holding more than that
 * keeps what it has but gets no more, so the free places shrink ever more
 * slowly as clients come: a few cannot fill the queue, and one that comes
 * later finds room.
 */

static ngx_uint_t
ngx_http_judge_client_limit_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_loc_conf_t *jlcf, ngx_uint_t known)
{
    ngx_uint_t  limit, share, places, clients;

    limit = jlcf->client_jobs ? jlcf->client_jobs : jlcf->queue_size;

    if (zone->sh->nactive < jlcf->queue_size / 2) {
        return limit;
    }

    places = (zone->sh->nactive < jlcf->queue_size)
           ? jlcf->queue_size - zone->sh->nactive : 0;
    clients = zone->sh->nclients + (known ? 0 : 1);
    share = places / (clients + 1);

    return ngx_min(limit, ngx_max(share, 1));
}


/*
 * The client "key" may file one more job: its record, made when it has
 * none.  NULL: it has as many unfinished jobs as it may have already
 * (*busy set), or there is no room.
 */

static ngx_http_judge_client_t *
ngx_http_judge_client_take_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_loc_conf_t *jlcf, u_char *key, ngx_uint_t *busy)
{
    ngx_http_judge_client_t  *c;

    *busy = 0;

    c = ngx_http_judge_rbtree_lookup(&zone->sh->clients, key,
                                     NGX_HTTP_JUDGE_CLIENT_LEN);

    if (c && c->jobs >= ngx_http_judge_client_limit_locked(zone, jlcf, 1)) {
        *busy = 1;
        return NULL;
    }

    if (c == NULL) {
        c = ngx_http_judge_zone_alloc_locked(zone,
                                             sizeof(ngx_http_judge_client_t));
        if (c == NULL) {
            return NULL;
        }

        ngx_memzero(c, sizeof(ngx_http_judge_client_t));
        ngx_memcpy(c->key, key, NGX_HTTP_JUDGE_CLIENT_LEN);
        ngx_queue_init(&c->entries);
        ngx_http_judge_rbtree_insert(&zone->sh->clients, &c->sn, c->key,
                                     NGX_HTTP_JUDGE_CLIENT_LEN);
        zone->sh->nclients++;
    }

    c->jobs++;

    return c;
}


/* a job of the client is over: the record goes with its last */

static void
ngx_http_judge_client_release_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_http_judge_client_t  *c;

    c = job->client;
    job->client = NULL;

    if (c == NULL || --c->jobs) {
        return;
    }

    ngx_rbtree_delete(&zone->sh->clients, &c->sn.node);
    ngx_slab_free_locked(zone->shpool, c);
    zone->sh->nclients--;
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
 * The zone needs room: the finished job finished longest ago goes, if it
 * has been kept for its minimum.  NGX_DECLINED: none may go yet.
 */

ngx_int_t
ngx_http_judge_job_evict_locked(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t           *q;
    ngx_http_judge_job_t  *job;

    if (ngx_queue_empty(&zone->sh->finished)) {
        return NGX_DECLINED;
    }

    q = ngx_queue_last(&zone->sh->finished);
    job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

    if ((ngx_msec_int_t) (ngx_current_msec - job->keep_until) < 0) {
        return NGX_DECLINED;
    }

    ngx_http_judge_job_free_locked(zone, job);

    return NGX_OK;
}


static void
ngx_http_judge_job_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_queue_t      *q;
    ngx_slab_pool_t  *pool;
    u_char            name[NGX_MAX_PATH];

    pool = zone->shpool;

    /* the tree's root has no parent: membership is a flag of its own */

    if (job->in_tree) {
        ngx_rbtree_delete(&zone->sh->jobs, &job->sn.node);
        job->in_tree = 0;
    }

    if (job->queue.next) {
        ngx_queue_remove(&job->queue);

        if (job->status < NGX_HTTP_JUDGE_COMPLETED) {
            zone->sh->nactive--;
        }
    }

    if (job->due_link.next) {
        ngx_queue_remove(&job->due_link);
    }

    if (job->client) {
        ngx_http_judge_ready_forget_locked(zone, job);
    }

    ngx_http_judge_client_release_locked(zone, job);

    while (job->waiters.next && !ngx_queue_empty(&job->waiters)) {
        q = ngx_queue_head(&job->waiters);
        ngx_queue_remove(q);
        ngx_slab_free_locked(pool, q);
    }

    if (job->results_size) {
        ngx_http_judge_zone_unlink_later(
            ngx_http_judge_results_name(zone, name, job->serial));
    }

    ngx_http_judge_blob_credit_locked(zone, job->charged);

    ngx_http_judge_blob_release_locked(zone, &job->run_spec);
    ngx_http_judge_blob_release_locked(zone, &job->tests);
    ngx_http_judge_blob_release_locked(zone, &job->compile_spec);
    ngx_http_judge_blob_release_locked(zone, &job->compile);

    if (job->test_off) {
        ngx_slab_free_locked(pool, job->test_off);
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

    if (job->chunks) {
        ngx_slab_free_locked(pool, job->chunks);
    }

    if (job->stage_end) {
        ngx_slab_free_locked(pool, job->stage_end);
    }

    if (job->stage_points) {
        ngx_slab_free_locked(pool, job->stage_points);
    }

    if (job->hidden) {
        ngx_slab_free_locked(pool, job->hidden);
    }

    ngx_http_judge_zone_free_str_locked(zone, &job->problem);

    ngx_http_judge_zone_free_str_locked(zone, &job->note);
    ngx_http_judge_zone_free_str_locked(zone, &job->message);
    ngx_http_judge_zone_free_str_locked(zone, &job->failure);
    ngx_http_judge_zone_free_str_locked(zone, &job->language);

    ngx_slab_free_locked(pool, job);
}


/*
 * A stored problem's lines (ngx_http_judge_submit_stored()) taken into
 * the job: its stages' ends and points, its hidden tests.  NGX_ERROR: no
 * room, or lines that do not fit its tests.
 */

static ngx_int_t
ngx_http_judge_job_problem_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_str_t *spec)
{
    u_char      *p, *last, *eol, *sp;
    ngx_int_t    end, points;
    ngx_uint_t   n, k, prev;

    p = spec->data;
    last = p + spec->len;

    if (spec->len < 3 || (p[0] != '0' && p[0] != '1')
        || (p[1] != '0' && p[1] != '1'))
    {
        return NGX_ERROR;
    }

    job->all_stages = (p[0] == '1');
    job->scoring = (p[1] == '1');

    n = 0;

    for (eol = p; eol < last; eol++) {
        if (*eol == LF) {
            n++;
        }
    }

    if (n < 2 || n > 65) {
        return NGX_ERROR;
    }

    job->nstages = n - 1;
    job->stage_end = ngx_http_judge_zone_alloc_locked(zone,
                                             job->nstages * sizeof(uint32_t));
    job->stage_points = ngx_http_judge_zone_alloc_locked(zone,
                                             job->nstages * sizeof(uint64_t));
    job->hidden = ngx_http_judge_zone_alloc_locked(zone, job->ntests);

    if (job->stage_end == NULL || job->stage_points == NULL
        || job->hidden == NULL
        || ngx_http_judge_zone_store_locked(zone, &job->problem, spec->data,
                                            spec->len)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    p = ngx_strlchr(p, last, LF) + 1;
    prev = 0;

    for (k = 0; k < job->nstages; k++) {
        eol = ngx_strlchr(p, last, LF);
        sp = ngx_strlchr(p, eol, ' ');

        if (eol == NULL || sp == NULL) {
            return NGX_ERROR;
        }

        end = ngx_atoi(p, sp - p);
        p = sp + 1;
        sp = ngx_strlchr(p, eol, ' ');

        if (sp == NULL) {
            return NGX_ERROR;
        }

        points = ngx_atoi(p, sp - p);

        if (end == NGX_ERROR || points == NGX_ERROR
            || (ngx_uint_t) end <= prev || (ngx_uint_t) end > job->ntests)
        {
            return NGX_ERROR;
        }

        job->stage_end[k] = (uint32_t) end;
        job->stage_points[k] = (uint64_t) points;
        prev = end;
        p = eol + 1;
    }

    if (prev != job->ntests || last - p != (ssize_t) job->ntests + 1
        || *p != 'h')
    {
        return NGX_ERROR;
    }

    ngx_memcpy(job->hidden, p + 1, job->ntests);

    return NGX_OK;
}


/* the stage test "index" is in */

ngx_uint_t
ngx_http_judge_job_stage(ngx_http_judge_job_t *job, ngx_uint_t index)
{
    ngx_uint_t  k;

    for (k = 0; k + 1 < job->nstages && index >= job->stage_end[k]; k++) {
        /* void */
    }

    return k;
}


/*
 * Where the tests that may be sent now end: stages run in order, the
 * next one once every test before it has a result, unless the job asked
 * for all stages at once.
 */

ngx_uint_t
ngx_http_judge_job_gate(ngx_http_judge_job_t *job)
{
    ngx_uint_t  k, i;

    if (job->nstages == 0 || job->all_stages) {
        return job->ntests;
    }

    i = 0;

    for (k = 0; k < job->nstages; k++) {
        for ( /* void */ ; i < job->stage_end[k]; i++) {
            if (job->results[i].len == 0) {
                return job->stage_end[k];
            }
        }
    }

    return job->ntests;
}


/* a test of a stored problem's that no client may see the bytes of */

ngx_uint_t
ngx_http_judge_job_hidden(ngx_http_judge_job_t *job, ngx_uint_t index)
{
    return job->hidden && index < job->ntests && job->hidden[index] == '1';
}


/*
 * Files an accepted submission (op->jlcf, op->sub).  NGX_BUSY: the queue
 * is full; NGX_HTTP_TOO_MANY_REQUESTS: its client has as many unfinished
 * as it may (ngx_http_judge_client_limit_locked()); NGX_DECLINED: no room
 * in the zone; NGX_HTTP_INSUFFICIENT_STORAGE: no room in the cache
 * directory; NGX_ABORT: the cache directory cannot be written; NGX_DONE:
 * the submission could never fit in it.  On NGX_OK op->id names the job.
 *
 * The cache directory's size is charged at once with the most its
 * results can take (every output cut to judge_max_capture), so accepted
 * work never finds it full; what is not used is given back when the job
 * ends.
 */

ngx_int_t
ngx_http_judge_job_create(ngx_http_judge_store_op_t *op)
{
    size_t                        n;
    off_t                         promise;
    ngx_int_t                     rc;
    ngx_uint_t                    busy;
    ngx_http_judge_job_t         *job;
    ngx_http_judge_zone_t        *zone;
    ngx_http_judge_client_t      *client;
    ngx_http_judge_blob_ref_t     run, tests, spec;
    ngx_http_judge_loc_conf_t    *jlcf;
    ngx_http_judge_submission_t  *sub;
    u_char                        id[NGX_HTTP_JUDGE_JOB_ID_LEN];
    u_char                        rnd[NGX_HTTP_JUDGE_JOB_ID_LEN / 2];

    zone = op->zone;
    jlcf = op->jlcf;
    sub = op->sub;

    if (op->id.len == NGX_HTTP_JUDGE_JOB_ID_LEN) {
        /* named by the store already */
        ngx_memcpy(id, op->id.data, NGX_HTTP_JUDGE_JOB_ID_LEN);

    } else if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
        return NGX_ERROR;

    } else {
        ngx_hex_dump(id, rnd, sizeof(rnd));
    }

    n = sub->ntests;

    /* refused early, before any file is written */

    promise = n * (2 * jlcf->max_capture + NGX_HTTP_JUDGE_RESULT_SLACK);

    if (sub->execution) {
        promise += NGX_HTTP_JUDGE_LIVE_BUDGET(jlcf->max_capture);
    }

    if (promise + (off_t) (sub->run_spec.len + sub->tests.len
                           + sub->compile_spec.len)
        > zone->cache_max)
    {
        return NGX_DONE;
    }

    ngx_http_judge_zone_lock(zone);

    rc = NGX_OK;
    client = ngx_http_judge_rbtree_lookup(&zone->sh->clients, sub->client,
                                          NGX_HTTP_JUDGE_CLIENT_LEN);

    if (zone->sh->nactive >= jlcf->queue_size) {
        rc = NGX_BUSY;

    } else if (client
               && client->jobs
                  >= ngx_http_judge_client_limit_locked(zone, jlcf, 1))
    {
        rc = NGX_HTTP_TOO_MANY_REQUESTS;

    } else if (ngx_http_judge_zone_room_locked(zone) != NGX_OK) {
        rc = NGX_DECLINED;
    }

    ngx_http_judge_zone_unlock(zone);

    if (rc != NGX_OK) {
        return rc;
    }

    ngx_memzero(&spec, sizeof(ngx_http_judge_blob_ref_t));
    ngx_memzero(&tests, sizeof(ngx_http_judge_blob_ref_t));

    rc = ngx_http_judge_blob_put(zone, sub->run_spec.data, sub->run_spec.len,
                                 &run);

    if (rc == NGX_OK) {
        rc = ngx_http_judge_blob_put(zone, sub->tests.data, sub->tests.len,
                                     &tests);
    }

    if (rc == NGX_OK && sub->compiled) {
        rc = ngx_http_judge_blob_put(zone, sub->compile_spec.data,
                                     sub->compile_spec.len, &spec);
    }

    ngx_http_judge_zone_lock(zone);

    if (rc != NGX_OK) {
        rc = (rc == NGX_DECLINED) ? NGX_HTTP_INSUFFICIENT_STORAGE
                                  : NGX_ABORT;
        goto failed;
    }

    if (zone->sh->nactive >= jlcf->queue_size) {
        rc = NGX_BUSY;
        goto failed;
    }

    if (ngx_http_judge_job_lookup_locked(zone->sh, id,
                                         NGX_HTTP_JUDGE_JOB_ID_LEN))
    {
        /* named by a store that had given it to this zone already */
        rc = NGX_OK;
        goto failed;
    }

    rc = NGX_DECLINED;

    if (ngx_http_judge_zone_room_locked(zone) != NGX_OK) {
        goto failed;
    }

    rc = NGX_HTTP_INSUFFICIENT_STORAGE;

    if (ngx_http_judge_blob_reserve_locked(zone, promise) != NGX_OK) {
        goto failed;
    }

    rc = NGX_DECLINED;

    job = ngx_http_judge_zone_alloc_locked(zone, sizeof(ngx_http_judge_job_t));
    if (job == NULL) {
        ngx_http_judge_blob_credit_locked(zone, promise);
        goto failed;
    }

    job->charged = promise;
    job->max_capture = jlcf->max_capture;

    job->client = ngx_http_judge_client_take_locked(zone, jlcf, sub->client,
                                                    &busy);
    if (job->client == NULL) {
        ngx_http_judge_job_free_locked(zone, job);
        rc = busy ? NGX_HTTP_TOO_MANY_REQUESTS : NGX_DECLINED;
        goto failed;
    }

    ngx_memcpy(job->id, id, NGX_HTTP_JUDGE_JOB_ID_LEN);
    ngx_queue_init(&job->waiters);

    job->status = NGX_HTTP_JUDGE_QUEUED;
    job->ntests = n;
    job->created_ms = op->created ? op->created
                                  : ngx_http_judge_json_now_ms();
    job->compiled = sub->compiled;
    job->stop_on_failure = sub->stop_on_failure;
    job->durable = op->durable;
    job->spills = op->spills;
    job->stop_at = n;
    job->batch_size = jlcf->batch_size;
    job->max_attempts = jlcf->max_attempts;
    job->max_artifact = jlcf->max_artifact_size;
    job->ttl = jlcf->result_ttl;
    job->min_ttl = jlcf->result_min_ttl;
    job->orphan_limit = jlcf->no_worker_timeout;
    job->test_time = sub->test_time;
    job->compile_time = jlcf->compile_wall_time;
    job->grace = jlcf->task_grace;
    job->execution = sub->execution;
    job->revision = sub->revision;
    ngx_memcpy(job->session, sub->session, NGX_HTTP_JUDGE_JOB_ID_LEN);
    ngx_memcpy(job->hash, sub->hash, NGX_HTTP_JUDGE_HASH_LEN);

    job->run_spec = run;
    job->tests = tests;
    job->compile_spec = spec;
    ngx_memzero(&run, sizeof(ngx_http_judge_blob_ref_t));
    ngx_memzero(&tests, sizeof(ngx_http_judge_blob_ref_t));
    ngx_memzero(&spec, sizeof(ngx_http_judge_blob_ref_t));

    job->test_off = ngx_http_judge_zone_alloc_locked(zone,
                                                 (n + 1) * sizeof(uint64_t));
    job->results = ngx_http_judge_zone_alloc_locked(zone,
                                       n * sizeof(ngx_http_judge_result_t));
    job->order = ngx_http_judge_zone_alloc_locked(zone, n * sizeof(uint32_t));
    job->test_status = ngx_http_judge_zone_alloc_locked(zone, n);

    if (job->test_off == NULL || job->results == NULL || job->order == NULL
        || job->test_status == NULL
        || ngx_http_judge_zone_store_locked(zone, &job->language,
                                            sub->language.data,
                                            sub->language.len)
           != NGX_OK)
    {
        ngx_http_judge_job_free_locked(zone, job);
        goto failed;
    }

    ngx_memcpy(job->test_off, sub->test_off, (n + 1) * sizeof(uint64_t));

    if (sub->problem.len
        && ngx_http_judge_job_problem_locked(zone, job, &sub->problem)
           != NGX_OK)
    {
        ngx_http_judge_job_free_locked(zone, job);
        goto failed;
    }

    if (sub->compiled) {
        rc = ngx_http_judge_cache_want_locked(zone, job);

        if (rc == NGX_DONE) {
            job->cached = 1;
            zone->sh->cache_hits++;

        } else if (rc != NGX_OK) {
            ngx_http_judge_job_free_locked(zone, job);
            rc = NGX_DECLINED;
            goto failed;
        }
    }

    job->serial = zone->sh->next_id++;

    ngx_http_judge_rbtree_insert(&zone->sh->jobs, &job->sn, job->id,
                                 NGX_HTTP_JUDGE_JOB_ID_LEN);
    job->in_tree = 1;
    ngx_queue_insert_tail(&zone->sh->active, &job->queue);
    zone->sh->nactive++;

    if (op->restored) {
        zone->sh->takeovers++;

    } else if (job->execution) {
        zone->sh->executions++;

    } else {
        zone->sh->submissions++;
    }

    ngx_http_judge_ready_dirty_locked(zone, job);

    ngx_http_judge_zone_unlock(zone);

    op->id.data = ngx_pnalloc(op->pool, NGX_HTTP_JUDGE_JOB_ID_LEN);
    if (op->id.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(op->id.data, id, NGX_HTTP_JUDGE_JOB_ID_LEN);
    op->id.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

    return NGX_OK;

failed:

    ngx_http_judge_blob_release_locked(zone, &run);
    ngx_http_judge_blob_release_locked(zone, &tests);
    ngx_http_judge_blob_release_locked(zone, &spec);

    ngx_http_judge_zone_unlock(zone);

    return rc;
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
    job->finished_ms = ngx_http_judge_json_now_ms();
    job->expires = ngx_current_msec + job->ttl;
    job->keep_until = ngx_current_msec + job->min_ttl;

    /* what its results did not take of the charge goes back */
    if (job->charged > job->results_size) {
        ngx_http_judge_blob_credit_locked(zone,
                                          job->charged - job->results_size);
        job->charged = job->results_size;
    }

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

    /*
     * Stopped at a failure: the score is of the tests before it; tests
     * after it that happened to run in parallel are listed, not counted.
     */

    if (job->stop_at < job->ntests) {
        job->passed = 0;

        for (i = 0; i < job->stop_at; i++) {
            if (job->test_status[i] == JUDGE__STATUS__AC) {
                job->passed++;
            }
        }
    }

    ngx_http_judge_ready_forget_locked(zone, job);

    ngx_queue_remove(&job->queue);
    ngx_queue_insert_head(&zone->sh->finished, &job->queue);

    if (job->durable == 1) {
        ngx_queue_insert_tail(&zone->sh->due, &job->due_link);
    }
    zone->sh->nactive--;
    ngx_http_judge_client_release_locked(zone, job);
    zone->sh->verdicts[job->verdict & 15]++;

    if (job->execution) {
        ngx_http_judge_session_ended_locked(zone, job);
    }

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


/*
 * With stop_on_first_failure the job ends once a test failed and every
 * test before it in test order has its result: tests run in parallel, so
 * a later test may fail first, and the verdict is the first in order.
 */

ngx_uint_t
ngx_http_judge_job_stopped_locked(ngx_http_judge_job_t *job)
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
ngx_http_judge_job_watch(ngx_http_judge_store_op_t *op)
{
    ngx_int_t                 rc;
    ngx_uint_t                n;
    ngx_queue_t              *q;
    ngx_http_judge_job_t     *job;
    ngx_http_judge_zone_t    *zone;
    ngx_http_judge_waiter_t  *w;

    zone = op->zone;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, op->id.data, op->id.len);

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
            w = ngx_http_judge_zone_alloc_locked(zone,
                                            sizeof(ngx_http_judge_waiter_t));
        }

        if (w == NULL) {
            rc = NGX_BUSY;

        } else {
            w->addr = *op->addr;
            w->progress = op->progress;
            ngx_queue_insert_tail(&job->waiters, &w->queue);
            rc = NGX_OK;
        }
    }

    ngx_http_judge_zone_unlock(zone);

    return rc;
}


/* a request of this process no longer listens to the job */

void
ngx_http_judge_job_unwatch(ngx_http_judge_store_op_t *op)
{
    ngx_queue_t              *q;
    ngx_http_judge_job_t     *job;
    ngx_http_judge_zone_t    *zone;
    ngx_http_judge_waiter_t  *w;

    zone = op->zone;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, op->id.data, op->id.len);

    if (job && job->status < NGX_HTTP_JUDGE_COMPLETED) {
        for (q = ngx_queue_head(&job->waiters);
             q != ngx_queue_sentinel(&job->waiters);
             q = ngx_queue_next(q))
        {
            w = ngx_queue_data(q, ngx_http_judge_waiter_t, queue);

            if (w->addr.id == op->waiter && w->addr.pid == ngx_pid) {
                ngx_queue_remove(q);
                ngx_slab_free_locked(zone->shpool, w);
                break;
            }
        }
    }

    ngx_http_judge_zone_unlock(zone);
}


/* whether finished jobs wait for their end to be written to the store */

ngx_uint_t
ngx_http_judge_job_unwritten(ngx_http_judge_zone_t *zone)
{
    ngx_uint_t  any;

    ngx_http_judge_zone_lock(zone);
    any = !ngx_queue_empty(&zone->sh->due);
    ngx_http_judge_zone_unlock(zone);

    return any;
}


/*
 * Finished jobs whose end is due to the durable store: up to "max" of
 * them are marked as going and named in "due".
 */

ngx_uint_t
ngx_http_judge_job_due(ngx_http_judge_zone_t *zone, ngx_http_judge_due_t *due,
    ngx_uint_t max)
{
    ngx_uint_t             n, looked;
    ngx_queue_t           *q, *next, *last;
    ngx_http_judge_job_t  *job;

    n = 0;
    looked = 0;

    ngx_http_judge_zone_lock(zone);

    /*
     * A job on its way stays in the queue, moved to its end: when its
     * process dies before Redis answered (nothing else would ever write
     * it, and it would hold back expiry), it is written again after
     * NGX_HTTP_JUDGE_DUE_AGAIN; the write may be done twice, to the same
     * effect.  Jobs on their way come first as they went, so the look
     * stops a little past them.
     */

    if (ngx_queue_empty(&zone->sh->due)) {
        ngx_http_judge_zone_unlock(zone);
        return 0;
    }

    last = ngx_queue_last(&zone->sh->due);

    for (q = ngx_queue_head(&zone->sh->due);
         n < max && looked++ < 4 * max;
         q = next)
    {
        next = ngx_queue_next(q);
        job = ngx_queue_data(q, ngx_http_judge_job_t, due_link);

        if (job->durable == 1
            || ngx_current_msec - job->due_sent >= NGX_HTTP_JUDGE_DUE_AGAIN)
        {
            job->durable = 2;
            job->due_sent = ngx_current_msec;

            ngx_queue_remove(q);
            ngx_queue_insert_tail(&zone->sh->due, q);

            ngx_memcpy(due[n].id, job->id, NGX_HTTP_JUDGE_JOB_ID_LEN);
            due[n].status = ngx_http_judge_job_states[job->status];
            due[n].ttl = job->ttl;
            due[n].counts = NULL;

            if (job->execution) {
                ngx_memcpy(due[n].session, job->session,
                           NGX_HTTP_JUDGE_JOB_ID_LEN);
                due[n].exec_status = ngx_http_judge_exec_status(job);
                due[n].exit_code = job->exit_code;
                due[n].wall_ms = job->wall_ms;
                due[n].timed = job->ran;
                due[n].exited = job->ran && job->signal == 0;
                due[n].counts =
                    (job->status == NGX_HTTP_JUDGE_CANCELLED) ? "none"
                    : (due[n].exec_status == NGX_HTTP_JUDGE_EXEC_COMPLETED)
                      ? "ok" : "fail";
            }

            n++;
        }

        if (q == last) {
            break;
        }
    }

    ngx_http_judge_zone_unlock(zone);

    return n;
}


/*
 * Jobs a durable store may give to another frontend: filed there, nothing
 * of them ever sent, and not passed on too often already (then the
 * orphan's timeout ends it here): first those whose language no live
 * worker here offers, then, "busy" at most, the youngest of those waiting
 * here longer than NGX_HTTP_JUDGE_SPILL_WAIT for a slot, not for a
 * compile (the caller knows that no slot is free here and that "busy"
 * are free elsewhere).  Up to "max" of them leave the zone (their
 * waiters, collected into "notify", look for them again) and are named
 * in "ids".
 */

ngx_uint_t
ngx_http_judge_job_spill(ngx_http_judge_zone_t *zone, u_char *ids,
    ngx_uint_t max, ngx_uint_t busy, ngx_array_t *notify)
{
    uint64_t               before;
    ngx_uint_t             n;
    ngx_queue_t           *q, *next;
    ngx_http_judge_job_t  *job;

    n = 0;

    ngx_http_judge_zone_lock(zone);

    for (q = ngx_queue_head(&zone->sh->active);
         q != ngx_queue_sentinel(&zone->sh->active) && n < max;
         q = next)
    {
        next = ngx_queue_next(q);
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

        if (ngx_http_judge_job_unsent_locked(job)
            && !ngx_http_judge_registry_offers_locked(zone, &job->language))
        {
            ngx_http_judge_job_leave_locked(zone, job, ids, n++, notify);
        }
    }

    before = ngx_http_judge_json_now_ms() - NGX_HTTP_JUDGE_SPILL_WAIT;

    for (q = ngx_queue_last(&zone->sh->active);
         q != ngx_queue_sentinel(&zone->sh->active) && n < max && busy;
         q = next)
    {
        next = ngx_queue_prev(q);
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

        if (ngx_http_judge_job_unsent_locked(job)
            && job->status != NGX_HTTP_JUDGE_COMPILING
            && job->created_ms <= before)
        {
            ngx_http_judge_job_leave_locked(zone, job, ids, n++, notify);
            busy--;
        }
    }

    ngx_http_judge_zone_unlock(zone);

    return n;
}


/* a job of a durable store that another frontend may take: none of it out */

static ngx_uint_t
ngx_http_judge_job_unsent_locked(ngx_http_judge_job_t *job)
{
    ngx_uint_t  i;

    if (!job->durable || job->spills >= NGX_HTTP_JUDGE_MAX_SPILLS
        || job->nresults)
    {
        return 0;
    }

    for (i = 0; i < job->nbatches; i++) {
        if (job->batches[i].task_id) {
            /* sent once: it stays */
            return 0;
        }
    }

    return 1;
}


/* a job passed on leaves the zone, not judged here */

static void
ngx_http_judge_job_leave_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, u_char *ids, ngx_uint_t n, ngx_array_t *notify)
{
    ngx_memcpy(ids + n * NGX_HTTP_JUDGE_JOB_ID_LEN, job->id,
               NGX_HTTP_JUDGE_JOB_ID_LEN);

    job->durable = 0;
    ngx_http_judge_job_finish_locked(zone, job, NGX_HTTP_JUDGE_CANCELLED,
                                     JUDGE__STATUS__CANCELLED, notify);

    /* it was not judged here */
    zone->sh->verdicts[JUDGE__STATUS__CANCELLED & 15]--;

    ngx_http_judge_job_free_locked(zone, job);
}


/* whether the zone holds a job, running or finished */

ngx_uint_t
ngx_http_judge_job_held(ngx_http_judge_zone_t *zone, u_char *id)
{
    ngx_http_judge_job_t  *job;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, id,
                                           NGX_HTTP_JUDGE_JOB_ID_LEN);

    ngx_http_judge_zone_unlock(zone);

    return job != NULL;
}


/* the jobs the zone holds unfinished */

ngx_uint_t
ngx_http_judge_job_active(ngx_http_judge_zone_t *zone)
{
    ngx_uint_t  n;

    ngx_http_judge_zone_lock(zone);
    n = zone->sh->nactive;
    ngx_http_judge_zone_unlock(zone);

    return n;
}


/* the durable store took a job's end ("kept"), or it is to be tried again */

void
ngx_http_judge_job_kept(ngx_http_judge_zone_t *zone, u_char *id,
    ngx_uint_t kept)
{
    ngx_http_judge_job_t  *job;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, id,
                                           NGX_HTTP_JUDGE_JOB_ID_LEN);

    if (job && job->durable == 2) {
        job->durable = kept ? 3 : 1;

        if (kept) {
            ngx_queue_remove(&job->due_link);
            job->due_link.next = NULL;
        }
    }

    ngx_http_judge_zone_unlock(zone);
}


/* whether a job is a code session's run: 1, 0, or -1 (not here) */

ngx_int_t
ngx_http_judge_job_is_run(ngx_http_judge_zone_t *zone, ngx_str_t *id)
{
    ngx_int_t              rc;
    ngx_http_judge_job_t  *job;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, id->data, id->len);
    rc = job ? (ngx_int_t) job->execution : -1;

    ngx_http_judge_zone_unlock(zone);

    return rc;
}


/* a finished job goes now (the runs of a session deleted) */

void
ngx_http_judge_job_forget(ngx_http_judge_zone_t *zone, ngx_str_t *id)
{
    ngx_http_judge_job_t  *job;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, id->data, id->len);

    if (job && job->status >= NGX_HTTP_JUDGE_COMPLETED
        && job->durable != 1 && job->durable != 2)
    {
        ngx_http_judge_job_free_locked(zone, job);
    }

    ngx_http_judge_zone_unlock(zone);
}


/* frees finished jobs past judge_result_ttl; runs on the poll timer */

void
ngx_http_judge_job_expire(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t           *q;
    ngx_http_judge_job_t  *job;

    ngx_http_judge_zone_lock(zone);

    while (!ngx_queue_empty(&zone->sh->finished)) {
        q = ngx_queue_last(&zone->sh->finished);
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

        if ((ngx_msec_int_t) (ngx_current_msec - job->expires) < 0) {
            break;
        }

        if (job->durable == 1 || job->durable == 2) {
            /*
             * its end has not reached the durable store yet (Redis is
             * away): it stays until it has, or until room is short
             */
            break;
        }

        ngx_http_judge_job_free_locked(zone, job);
    }

    ngx_http_judge_zone_unlock(zone);
}


/* ----------------------------------------------------------- answers */


/* a blank buffer at the answer's end, reused when there is one to reuse */

static ngx_buf_t *
ngx_http_judge_out_buf(ngx_http_judge_out_t *o)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    if (o->free) {
        cl = ngx_chain_get_free_buf(o->pool, o->free);
        if (cl == NULL) {
            o->failed = 1;
            return NULL;
        }

        b = cl->buf;
        ngx_memzero(b, sizeof(ngx_buf_t));

    } else {
        b = ngx_calloc_buf(o->pool);
        cl = ngx_alloc_chain_link(o->pool);

        if (b == NULL || cl == NULL) {
            o->failed = 1;
            return NULL;
        }

        cl->buf = b;
    }

    b->tag = (ngx_buf_tag_t) &ngx_http_judge_module;

    cl->next = NULL;
    *o->last = cl;
    o->last = &cl->next;

    return b;
}


/*
 * Bytes copied out of the zone into the answer's memory.  The parts
 * between file ranges share 4k blocks, so an answer of many tests takes
 * a few bytes of memory per test, not a block.
 */

static void
ngx_http_judge_out_mem(ngx_http_judge_out_t *o, u_char *data, size_t len)
{
    size_t      size;
    ngx_buf_t  *b;

    if (len == 0 || o->failed) {
        return;
    }

    if ((size_t) (o->arena_end - o->arena) < len) {
        size = ngx_max(len, 4096);

        o->arena = ngx_palloc(o->pool, size);
        if (o->arena == NULL) {
            o->failed = 1;
            return;
        }

        o->arena_end = o->arena + size;
        o->mem = NULL;
    }

    if (o->mem == NULL) {
        b = ngx_http_judge_out_buf(o);
        if (b == NULL) {
            return;
        }

        b->start = o->arena;
        b->pos = o->arena;
        b->last = o->arena;
        b->end = o->arena_end;
        b->temporary = 1;

        o->mem = b;
    }

    o->mem->last = ngx_cpymem(o->mem->last, data, len);
    o->arena = o->mem->last;
    o->len += len;
}


/* constant text: pointed at, not copied */

static void
ngx_http_judge_out_text(ngx_http_judge_out_t *o, char *text, size_t len)
{
    ngx_buf_t  *b;

    b = ngx_http_judge_out_buf(o);
    if (b == NULL) {
        return;
    }

    b->pos = (u_char *) text;
    b->last = b->pos + len;
    b->memory = 1;

    o->mem = NULL;
    o->len += len;
}


static void
ngx_http_judge_out_file(ngx_http_judge_out_t *o, ngx_file_t *file, off_t off,
    size_t len)
{
    ngx_buf_t  *b;

    if (len == 0 || o->failed || file == NULL) {
        return;
    }

    b = ngx_http_judge_out_buf(o);
    if (b == NULL) {
        return;
    }

    b->in_file = 1;
    b->file = file;
    b->file_pos = off;
    b->file_last = off + len;

    o->mem = NULL;
    o->len += len;
}


/* a file named now, under the lock, and opened after it */

static ngx_file_t *
ngx_http_judge_out_file_new(ngx_http_judge_out_t *o, u_char *name)
{
    ngx_file_t  *file;

    file = ngx_pcalloc(o->pool, sizeof(ngx_file_t));
    if (file == NULL) {
        o->failed = 1;
        return NULL;
    }

    /* kept with its terminating zero: it is opened by this name */
    file->name.len = ngx_strlen(name);
    file->name.data = ngx_pnalloc(o->pool, file->name.len + 1);
    if (file->name.data == NULL) {
        o->failed = 1;
        return NULL;
    }

    ngx_memcpy(file->name.data, name, file->name.len + 1);

    file->fd = NGX_INVALID_FILE;
    file->log = ngx_cycle->log;

    return file;
}


/* NGX_DECLINED: the file is gone (its job expired meanwhile) */

static ngx_int_t
ngx_http_judge_out_open(ngx_http_judge_out_t *o, ngx_file_t *file)
{
    ngx_pool_cleanup_t       *cln;
    ngx_pool_cleanup_file_t  *clnf;

    if (file == NULL || file->fd != NGX_INVALID_FILE) {
        return NGX_OK;
    }

    file->fd = ngx_open_file(file->name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN,
                             0);

    if (file->fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_INFO, ngx_cycle->log, ngx_errno,
                      "judge: " ngx_open_file_n " \"%V\" failed",
                      &file->name);
        return NGX_DECLINED;
    }

    cln = ngx_pool_cleanup_add(o->pool, sizeof(ngx_pool_cleanup_file_t));
    if (cln == NULL) {
        (void) ngx_close_file(file->fd);
        file->fd = NGX_INVALID_FILE;
        return NGX_ERROR;
    }

    clnf = cln->data;
    clnf->fd = file->fd;
    clnf->name = file->name.data;
    clnf->log = ngx_cycle->log;
    cln->handler = ngx_pool_cleanup_file;

    return NGX_OK;
}


static ngx_int_t
ngx_http_judge_out_finish(ngx_http_judge_out_t *o)
{
    ngx_int_t  rc;

    if (o->failed) {
        return NGX_ERROR;
    }

    rc = ngx_http_judge_out_open(o, o->results);

    if (rc == NGX_OK) {
        rc = ngx_http_judge_out_open(o, o->compile);
    }

    return rc;
}


static ngx_file_t *
ngx_http_judge_out_results_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_out_t *o, ngx_http_judge_job_t *job)
{
    u_char  name[NGX_MAX_PATH];

    if (o->results == NULL) {
        o->results = ngx_http_judge_out_file_new(o,
                       ngx_http_judge_results_name(zone, name, job->serial));
    }

    return o->results;
}


/*
 * A run of a code session, in the fields of the live-code API: its one
 * test's usage and output at the top level, the status and its reason
 * as an IDE shows them.
 */

static void
ngx_http_judge_job_render_run_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_out_t *o, ngx_http_judge_job_t *job)
{
    u_char       *p;
    ngx_uint_t    status, attempts;
    ngx_file_t   *results;
    const char   *reason;
    u_char        buf[1024 + NGX_HTTP_JUDGE_MAX_ID_LEN * 6];

    status = ngx_http_judge_exec_status(job);
    reason = ngx_http_judge_job_reason(job);

    /* a run has one batch: each time it was sent is an attempt */
    attempts = job->starts;

    p = ngx_sprintf(buf, "{\"execution_id\":\"%*s\",\"session_id\":\"%*s\","
                    "\"revision\":%uL,\"status\":\"%s\",\"reason\":",
                    (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, job->id,
                    (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, job->session,
                    job->revision, ngx_http_judge_exec_status_name(status));

    if (reason) {
        p = ngx_sprintf(p, "\"%s\"", reason);

    } else {
        p = ngx_sprintf(p, "null");
    }

    p = ngx_sprintf(p, ",\"language_id\":");
    p = ngx_http_judge_json_str(p, &job->language);
    p = ngx_sprintf(p, ",\"language\":");
    p = ngx_http_judge_json_str(p, &job->language);

    if (job->ran && job->signal) {
        p = ngx_sprintf(p, ",\"exit_code\":null,\"signal\":%D", job->signal);

    } else if (job->ran) {
        p = ngx_sprintf(p, ",\"exit_code\":%D,\"signal\":null",
                        job->exit_code);

    } else {
        p = ngx_sprintf(p, ",\"exit_code\":null,\"signal\":null");
    }

    if (job->ran) {
        p = ngx_sprintf(p, ",\"execution_time_ms\":%uD,\"cpu_time_ms\":%uD,"
                        "\"memory_kb\":%uL",
                        job->wall_ms, job->cpu_ms, job->memory_kb);

    } else {
        p = ngx_sprintf(p, ",\"execution_time_ms\":null,\"cpu_time_ms\":null,"
                          "\"memory_kb\":null");
    }

    p = ngx_sprintf(p, ",\"attempts\":%ui,\"stdout\":", attempts);

    /* the outputs, as the result in the results file has them */

    results = NULL;

    if (job->ran && !o->memory_only) {
        results = ngx_http_judge_out_results_locked(zone, o, job);
    }

    if (results) {
        ngx_http_judge_out_mem(o, buf, p - buf);
        ngx_http_judge_out_file(o, results, job->out.off, job->out.len);
        ngx_http_judge_out_mem(o, (u_char *) ",\"stderr\":", 10);
        ngx_http_judge_out_file(o, results, job->err.off, job->err.len);
        p = buf;

    } else {
        p = ngx_sprintf(p, "\"\",\"stderr\":\"\"");
    }

    p = ngx_sprintf(p, ",\"stdout_truncated\":%s,\"stderr_truncated\":%s",
                    job->out_cut ? "true" : "false",
                    job->err_cut ? "true" : "false");

    ngx_http_judge_out_mem(o, buf, p - buf);

    if (!ngx_http_judge_job_render_compile_locked(zone, o, job)) {
        ngx_http_judge_out_text(o, ",\"compile\":null", 15);
    }

    if (job->message.len) {
        ngx_http_judge_out_mem(o, (u_char *) ",\"message\":", 11);
        p = ngx_http_judge_json_str(buf, &job->message);
        ngx_http_judge_out_mem(o, buf, p - buf);
    }

    p = ngx_cpymem(buf, ",\"created_at\":", 14);
    p = ngx_http_judge_json_time(p, job->created_ms);
    p = ngx_sprintf(p, ",\"queued_at\":");
    p = ngx_http_judge_json_time(p, job->created_ms);
    p = ngx_sprintf(p, ",\"started_at\":");

    if (job->started_ms) {
        p = ngx_http_judge_json_time(p, job->started_ms);

    } else {
        p = ngx_sprintf(p, "null");
    }

    p = ngx_sprintf(p, ",\"finished_at\":");

    if (job->finished_ms) {
        p = ngx_http_judge_json_time(p, job->finished_ms);

    } else {
        p = ngx_sprintf(p, "null");
    }

    *p++ = '}';

    ngx_http_judge_out_mem(o, buf, p - buf);
}


/*
 * A stored problem's job: "problem" {id, version}, "all_stages", and
 * "stages", each with its name, status (passed, failed, running,
 * pending, skipped), tests passed and in all, and, of a scoring problem,
 * the points it earned of its worth; then "points" and "max_points".
 */

static void
ngx_http_judge_job_render_stages_locked(ngx_http_judge_out_t *o,
    ngx_http_judge_job_t *job)
{
    u_char      *p, *q, *last, *eol, *name;
    uint64_t     points, max_points;
    ngx_str_t    id;
    ngx_uint_t   k, i, start, passed, reported;
    const char  *status;
    u_char       buf[256 + NGX_HTTP_JUDGE_MAX_ID_LEN * 6];

    q = job->problem.data;
    last = q + job->problem.len;
    eol = ngx_strlchr(q, last, LF);
    name = ngx_strlchr(q + 3, eol, ' ');

    id.data = name + 1;
    id.len = eol - id.data;

    p = ngx_cpymem(buf, ",\"problem\":{\"id\":", 17);
    p = ngx_http_judge_json_str(p, &id);
    p = ngx_cpymem(p, ",\"version\":", 11);
    p = ngx_cpymem(p, q + 3, name - (q + 3));
    p = ngx_sprintf(p, "},\"all_stages\":%s,\"stages\":[",
                    job->all_stages ? "true" : "false");

    ngx_http_judge_out_mem(o, buf, p - buf);

    q = eol + 1;
    start = 0;
    points = 0;
    max_points = 0;

    for (k = 0; k < job->nstages; k++) {
        eol = ngx_strlchr(q, last, LF);
        name = ngx_strlchr(ngx_strlchr(q, eol, ' ') + 1, eol, ' ') + 1;

        passed = 0;
        reported = 0;

        for (i = start; i < job->stage_end[k]; i++) {
            if (job->results[i].len) {
                reported++;
                passed += (job->test_status[i] == JUDGE__STATUS__AC);
            }
        }

        if (reported == job->stage_end[k] - start) {
            status = (passed == reported) ? "passed" : "failed";

        } else if (job->status >= NGX_HTTP_JUDGE_COMPLETED
                   || start >= job->stop_at)
        {
            status = "skipped";

        } else {
            status = reported ? "running" : "pending";
        }

        p = ngx_cpymem(buf, k ? ",{\"name\":" : "{\"name\":", k ? 9 : 8);
        p = ngx_cpymem(p, name, eol - name);
        p = ngx_sprintf(p, ",\"status\":\"%s\",\"passed\":%ui,"
                        "\"total\":%ui", status, passed,
                        job->stage_end[k] - start);

        if (job->scoring) {
            p = ngx_sprintf(p, ",\"points\":%uL.%03uL,\"max_points\":"
                            "%uL.%03uL",
                            ngx_strcmp(status, "passed") == 0
                            ? job->stage_points[k] / 1000 : 0,
                            ngx_strcmp(status, "passed") == 0
                            ? job->stage_points[k] % 1000 : 0,
                            job->stage_points[k] / 1000,
                            job->stage_points[k] % 1000);
        }

        *p++ = '}';

        ngx_http_judge_out_mem(o, buf, p - buf);

        if (ngx_strcmp(status, "passed") == 0) {
            points += job->stage_points[k];
        }

        max_points += job->stage_points[k];
        start = job->stage_end[k];
        q = eol + 1;
    }

    p = ngx_cpymem(buf, "]", 1);

    if (job->scoring) {
        p = ngx_sprintf(p, ",\"points\":%uL.%03uL,\"max_points\":%uL.%03uL",
                        points / 1000, points % 1000,
                        max_points / 1000, max_points % 1000);
    }

    ngx_http_judge_out_mem(o, buf, p - buf);
}


/* the job's "compile" member, when it has one (1), else nothing (0) */

static ngx_uint_t
ngx_http_judge_job_render_compile_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_out_t *o, ngx_http_judge_job_t *job)
{
    u_char  name[NGX_MAX_PATH];

    if (!((job->compile.serial && !o->memory_only) || job->note.len)) {
        return 0;
    }

    ngx_http_judge_out_text(o, ",\"compile\":{", 12);

    if (job->compile.serial && !o->memory_only) {
        o->compile = ngx_http_judge_out_file_new(o,
                        ngx_http_judge_blob_name(zone, name, &job->compile));
        ngx_http_judge_out_file(o, o->compile, 0, job->compile.len);

    } else {
        ngx_http_judge_out_mem(o, job->note.data, job->note.len);
    }

    if (job->cached) {
        ngx_http_judge_out_text(o, ",\"cached\":true}", 15);

    } else {
        ngx_http_judge_out_text(o, ",\"cached\":false}", 16);
    }

    return 1;
}


/* why a run did not complete, or NULL */

static const char *
ngx_http_judge_job_reason(ngx_http_judge_job_t *job)
{
    if (job->status == NGX_HTTP_JUDGE_CANCELLED) {
        return "cancelled";
    }

    if (job->status == NGX_HTTP_JUDGE_FAILED) {
        return "internal_error";
    }

    if (job->status != NGX_HTTP_JUDGE_COMPLETED) {
        return NULL;
    }

    switch (job->verdict) {

    case JUDGE__STATUS__AC:
        return NULL;

    case JUDGE__STATUS__RE:
        return job->signal ? "signal" : "exit_code";

    case JUDGE__STATUS__TLE:
        return "cpu_time_limit";

    case JUDGE__STATUS__WLE:
        return "wall_time_limit";

    case JUDGE__STATUS__MLE:
        return "memory_limit";

    case JUDGE__STATUS__OLE:
        return "output_limit";

    case JUDGE__STATUS__SV:
        return "security_violation";

    case JUDGE__STATUS__CE:
        return "compile_error";

    default:
        return "internal_error";
    }
}


static void
ngx_http_judge_job_render_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_out_t *o, ngx_http_judge_job_t *job)
{
    u_char       *p;
    ngx_uint_t    i, first;
    ngx_file_t   *results;
    u_char        buf[512 + NGX_HTTP_JUDGE_MAX_ID_LEN * 6];

    static char   gone[] = ",\"message\":\"the results are gone from the "
                           "cache directory\"";

    if (job->execution) {
        ngx_http_judge_job_render_run_locked(zone, o, job);
        return;
    }

    p = ngx_sprintf(buf, "{\"id\":\"%*s\",\"status\":\"%s\",",
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

    ngx_http_judge_out_mem(o, buf, p - buf);

    if (job->nstages) {
        ngx_http_judge_job_render_stages_locked(o, job);
    }

    (void) ngx_http_judge_job_render_compile_locked(zone, o, job);

    if (job->message.len) {
        ngx_http_judge_out_mem(o, (u_char *) ",\"message\":", 11);
        p = ngx_http_judge_json_str(buf, &job->message);
        ngx_http_judge_out_mem(o, buf, p - buf);

    } else if (o->memory_only) {
        ngx_http_judge_out_text(o, gone, sizeof(gone) - 1);
    }

    ngx_http_judge_out_mem(o, (u_char *) ",\"tests\":[", 10);

    first = 1;
    results = NULL;

    for (i = 0; i < job->ntests; i++) {
        if (job->results[i].len == 0 || o->memory_only) {
            continue;
        }

        if (results == NULL) {
            results = ngx_http_judge_out_results_locked(zone, o, job);
        }

        if (!first) {
            ngx_http_judge_out_mem(o, (u_char *) ",", 1);
        }

        first = 0;
        ngx_http_judge_out_file(o, results, job->results[i].off,
                                job->results[i].len);
    }

    p = ngx_cpymem(buf, "],\"created_at\":", 15);
    p = ngx_http_judge_json_time(p, job->created_ms);
    p = ngx_cpymem(p, ",\"finished_at\":", 15);

    if (job->finished_ms) {
        p = ngx_http_judge_json_time(p, job->finished_ms);

    } else {
        p = ngx_cpymem(p, "null", 4);
    }

    *p++ = '}';

    ngx_http_judge_out_mem(o, buf, p - buf);
}


/*
 * GET /submissions/{id}: the answer as a chain of memory and file parts.
 * NGX_DECLINED: there is no such job (or it expired while being read).
 */

ngx_int_t
ngx_http_judge_job_read(ngx_http_judge_store_op_t *op)
{
    ngx_int_t  rc;

    rc = ngx_http_judge_job_answer(op->zone, &op->id, op->pool, &op->out,
                                   &op->len, &op->finished, 0,
                                   op->execution);

    /* the files of a saved answer changed: it is read from them anew */

    if (rc == NGX_AGAIN) {
        rc = ngx_http_judge_job_answer(op->zone, &op->id, op->pool, &op->out,
                                       &op->len, &op->finished, 0,
                                   op->execution);
    }

    /*
     * A file of the job was gone: it expired meanwhile (it is then not
     * found again), or someone removed it; what the zone knows is told.
     */

    if (rc == NGX_DECLINED) {
        rc = ngx_http_judge_job_answer(op->zone, &op->id, op->pool, &op->out,
                                       &op->len, &op->finished, 1,
                                   op->execution);
    }

    return rc;
}


/*
 * NGX_DECLINED: no such job, or a file of its answer is gone;
 * NGX_AGAIN: the files of its saved answer changed, which is dropped.
 */

static ngx_int_t
ngx_http_judge_job_answer(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    ngx_pool_t *pool, ngx_chain_t **out, off_t *len, ngx_uint_t *finished,
    ngx_uint_t memory_only, ngx_uint_t execution)
{
    uint64_t                 serial;
    ngx_int_t                rc;
    ngx_http_judge_job_t    *job;
    ngx_http_judge_out_t     o;
    ngx_http_judge_saved_t  *saved;

    ngx_memzero(&o, sizeof(ngx_http_judge_out_t));
    o.pool = pool;
    o.last = &o.out;
    o.memory_only = memory_only;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, id->data, id->len);

    /* a run is seen as one while its session is */

    if (job == NULL || (execution && !job->execution)) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    *finished = job->status >= NGX_HTTP_JUDGE_COMPLETED;
    serial = job->serial;

    /* by the hash of the id that the zone's tree keeps */
    saved = &ngx_http_judge_saved[job->sn.node.key % NGX_HTTP_JUDGE_SAVED];

    if (*finished && saved->data && saved->zone == zone
        && saved->serial == serial)
    {
        ngx_http_judge_zone_unlock(zone);
        return ngx_http_judge_saved_send(saved, pool, out, len);
    }

    ngx_http_judge_job_render_locked(zone, &o, job);
    ngx_http_judge_out_mem(&o, (u_char *) "\n", 1);

    ngx_http_judge_zone_unlock(zone);

    rc = ngx_http_judge_out_finish(&o);

    if (rc == NGX_OK && *finished && !memory_only) {
        ngx_http_judge_saved_fill(saved, zone, serial, &o);
    }

    *out = o.out;
    *len = o.len;

    return rc;
}


/*
 * Answers of finished jobs, saved by each process once read.  A finished
 * job takes nothing more (results for it are refused, it finishes once),
 * so its answer changes only if its files do.  The process watches them
 * (inotify) and, before it sends a saved answer, drops those whose files
 * were changed, removed or replaced since: they are read anew, as the
 * first time.  Where files cannot be watched no answer with files is
 * saved.
 *
 * NGX_AGAIN: the answer was dropped.
 */

static ngx_int_t
ngx_http_judge_saved_send(ngx_http_judge_saved_t *saved, ngx_pool_t *pool,
    ngx_chain_t **out, off_t *len)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    ngx_http_judge_saved_changed();

    if (saved->data == NULL) {
        return NGX_AGAIN;
    }

    b = ngx_create_temp_buf(pool, saved->len);
    cl = ngx_alloc_chain_link(pool);

    if (b == NULL || cl == NULL) {
        return NGX_ERROR;
    }

    b->last = ngx_cpymem(b->pos, saved->data, saved->len);

    cl->buf = b;
    cl->next = NULL;

    *out = cl;
    *len = saved->len;

    return NGX_OK;
}


/*
 * A finished job's answer, planned in "o" and its files opened, read
 * whole into one buffer, which "o" then sends, and saved.  One too large,
 * or whose files cannot be watched or read, is sent as planned.
 */

static void
ngx_http_judge_saved_fill(ngx_http_judge_saved_t *saved,
    ngx_http_judge_zone_t *zone, uint64_t serial, ngx_http_judge_out_t *o)
{
    size_t        n;
    ngx_buf_t    *b, *answer;
    ngx_uint_t    i;
    ngx_file_t   *files[2];
    ngx_chain_t  *cl;

    if (o->len > NGX_HTTP_JUDGE_SAVED_MAX) {
        return;
    }

    ngx_http_judge_saved_drop(saved);

    /* watched before they are read: a change after the reading shows */

    files[0] = o->results;
    files[1] = o->compile;

    for (i = 0; i < 2; i++) {
        if (files[i] == NULL) {
            continue;
        }

        saved->watch[i] = ngx_http_judge_saved_watch(files[i]);

        if (saved->watch[i] == -1) {
            saved->watch[i] = 0;
            ngx_http_judge_saved_drop(saved);
            return;
        }
    }

    answer = ngx_create_temp_buf(o->pool, o->len);
    if (answer == NULL) {
        ngx_http_judge_saved_drop(saved);
        return;
    }

    for (cl = o->out; cl; cl = cl->next) {
        b = cl->buf;

        if (!b->in_file) {
            answer->last = ngx_cpymem(answer->last, b->pos, b->last - b->pos);
            continue;
        }

        n = b->file_last - b->file_pos;

        if (ngx_read_file(b->file, answer->last, n, b->file_pos)
            != (ssize_t) n)
        {
            ngx_http_judge_saved_drop(saved);
            return;
        }

        answer->last += n;
    }

    /* the chain's first link carries the whole answer now */

    cl = o->out;
    cl->buf = answer;
    cl->next = NULL;

    saved->data = ngx_alloc(o->len, ngx_cycle->log);
    if (saved->data == NULL) {
        ngx_http_judge_saved_drop(saved);
        return;
    }

    ngx_memcpy(saved->data, answer->pos, o->len);

    saved->zone = zone;
    saved->serial = serial;
    saved->len = o->len;
}


static void
ngx_http_judge_saved_drop(ngx_http_judge_saved_t *saved)
{
    ngx_uint_t  i;

    if (saved->data) {
        ngx_free(saved->data);
        saved->data = NULL;
    }

    for (i = 0; i < 2; i++) {
        if (saved->watch[i]) {
            ngx_http_judge_saved_unwatch(saved, saved->watch[i]);
            saved->watch[i] = 0;
        }
    }
}


#if (NGX_LINUX)

/* the answers whose files changed since they were read are dropped */

static void
ngx_http_judge_saved_changed(void)
{
    ssize_t                n;
    ngx_uint_t             k, i;
    struct inotify_event  *ev;
    struct inotify_event   buf[4096 / sizeof(struct inotify_event)];

    /* no file was watched: what is saved has none */

    if (ngx_http_judge_saved_fd == NGX_INVALID_FILE) {
        return;
    }

    for ( ;; ) {
        n = read(ngx_http_judge_saved_fd, buf, sizeof(buf));

        if (n == -1 && ngx_errno == NGX_EAGAIN) {
            return;
        }

        if (n <= 0) {
            ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, ngx_errno,
                          "judge: read() of inotify events failed");
            break;
        }

        for (ev = buf;
             (u_char *) ev < (u_char *) buf + n;
             ev = (struct inotify_event *) ((u_char *) ev + sizeof(*ev)
                                            + ev->len))
        {
            for (k = 0; k < NGX_HTTP_JUDGE_SAVED; k++) {
                for (i = 0; i < 2; i++) {
                    if (ngx_http_judge_saved[k].watch[i] == ev->wd
                        || (ev->mask & IN_Q_OVERFLOW))
                    {
                        ngx_http_judge_saved_drop(&ngx_http_judge_saved[k]);
                        break;
                    }
                }
            }
        }
    }

    /* what changed is not known: nothing saved can be trusted */

    for (k = 0; k < NGX_HTTP_JUDGE_SAVED; k++) {
        ngx_http_judge_saved_drop(&ngx_http_judge_saved[k]);
    }
}


/*
 * A watch on an opened file, if its name still names it; -1: none (the
 * file went meanwhile, or there are no watches to be had).
 */

static int
ngx_http_judge_saved_watch(ngx_file_t *file)
{
    int              wd;
    ngx_file_info_t  fi, named;

    if (ngx_http_judge_saved_unwatched) {
        return -1;
    }

    if (ngx_http_judge_saved_fd == NGX_INVALID_FILE) {
        ngx_http_judge_saved_fd = inotify_init1(IN_NONBLOCK|IN_CLOEXEC);

        if (ngx_http_judge_saved_fd == NGX_INVALID_FILE) {
            ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, ngx_errno,
                          "judge: inotify_init1() failed: answers of "
                          "finished submissions are read from their files "
                          "each time");
            ngx_http_judge_saved_unwatched = 1;
            return -1;
        }
    }

    wd = inotify_add_watch(ngx_http_judge_saved_fd, (char *) file->name.data,
                           NGX_HTTP_JUDGE_SAVED_EVENTS);
    if (wd == -1) {
        return -1;
    }

    if (ngx_fd_info(file->fd, &fi) == NGX_FILE_ERROR
        || ngx_file_info(file->name.data, &named) == NGX_FILE_ERROR
        || ngx_file_uniq(&fi) != ngx_file_uniq(&named)
        || fi.st_dev != named.st_dev)
    {
        ngx_http_judge_saved_unwatch(NULL, wd);
        return -1;
    }

    return wd;
}


/*
 * The watch "wd" of "saved" goes, unless another answer watches the same
 * file through it.  For a file that is gone it went already.
 */

static void
ngx_http_judge_saved_unwatch(ngx_http_judge_saved_t *saved, int wd)
{
    ngx_uint_t  k, i;

    for (k = 0; k < NGX_HTTP_JUDGE_SAVED; k++) {
        for (i = 0; i < 2; i++) {
            if (&ngx_http_judge_saved[k] != saved
                && ngx_http_judge_saved[k].watch[i] == wd)
            {
                return;
            }
        }
    }

    (void) inotify_rm_watch(ngx_http_judge_saved_fd, wd);
}

#endif


/*
 * Server-Sent Events for results finished since "*sent" (in finishing
 * order), then, once the job is over, the final "verdict" event.
 * NGX_DECLINED: no such job.  "*out" is NULL when there is nothing new.
 */

ngx_int_t
ngx_http_judge_job_events(ngx_http_judge_store_op_t *op)
{
    ngx_int_t                 rc;
    ngx_uint_t                i, k;
    ngx_http_judge_out_t      o;
    ngx_http_judge_job_t     *job;
    ngx_http_judge_zone_t    *zone;
    ngx_http_judge_cursor_t  *cur;

    zone = op->zone;
    cur = op->cursor;

    ngx_memzero(&o, sizeof(ngx_http_judge_out_t));
    o.pool = op->pool;
    o.last = &o.out;
    o.free = &cur->free;
    o.results = cur->results;

    op->out = NULL;

    ngx_http_judge_zone_lock(zone);

    job = ngx_http_judge_job_lookup_locked(zone->sh, op->id.data, op->id.len);

    if (job == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    if (op->execution && !job->execution) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    op->finished = job->status >= NGX_HTTP_JUDGE_COMPLETED;

    if (job->execution) {
        ngx_http_judge_job_events_run_locked(zone, &o, job, cur,
                                             op->finished);
        goto done;
    }

    for (i = cur->sent; i < job->nresults; i++) {
        k = job->order[i];

        ngx_http_judge_out_text(&o, "event: test\ndata: ", 18);
        ngx_http_judge_out_file(&o,
                                ngx_http_judge_out_results_locked(zone, &o,
                                                                  job),
                                job->results[k].off, job->results[k].len);
        ngx_http_judge_out_text(&o, "\n\n", 2);
    }

    cur->sent = job->nresults;

    if (op->finished) {
        ngx_http_judge_out_text(&o, "event: verdict\ndata: ", 21);
        ngx_http_judge_job_render_locked(zone, &o, job);
        ngx_http_judge_out_text(&o, "\n\n", 2);
    }

done:

    ngx_http_judge_zone_unlock(zone);

    rc = ngx_http_judge_out_finish(&o);

    /* the results file stays open for the stream's next events */
    cur->results = o.results;

    if (rc == NGX_OK) {
        op->out = o.out;
    }

    return rc;
}


/*
 * A run's events: its status when it changed, what it wrote since the
 * last read ("output", pieces as the worker streamed them), and at its
 * end the whole run ("done", as GET /executions/{id} shows it).
 */

static void
ngx_http_judge_job_events_run_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_out_t *o, ngx_http_judge_job_t *job,
    ngx_http_judge_cursor_t *cur, ngx_uint_t finished)
{
    u_char      *p;
    ngx_uint_t   i, status;
    ngx_file_t  *results;
    u_char       buf[64];

    status = ngx_http_judge_exec_status(job);

    /* a new status first, but a run's end after what it wrote */

    if (!finished && cur->status != status + 1) {
        p = ngx_sprintf(buf, "event: status\ndata: {\"status\":\"%s\"}\n\n",
                        ngx_http_judge_exec_status_name(status));
        ngx_http_judge_out_mem(o, buf, p - buf);
        cur->status = status + 1;
    }

    results = NULL;

    for (i = cur->chunks; i < job->nchunks; i++) {
        if (results == NULL) {
            results = ngx_http_judge_out_results_locked(zone, o, job);
        }

        ngx_http_judge_out_text(o, "event: output\ndata: ", 20);
        ngx_http_judge_out_file(o, results, job->chunks[i].off,
                                job->chunks[i].len);
        ngx_http_judge_out_text(o, "\n\n", 2);
    }

    cur->chunks = job->nchunks;

    if (finished && cur->status != status + 1) {
        p = ngx_sprintf(buf, "event: status\ndata: {\"status\":\"%s\"}\n\n",
                        ngx_http_judge_exec_status_name(status));
        ngx_http_judge_out_mem(o, buf, p - buf);
        cur->status = status + 1;
    }

    if (finished) {
        ngx_http_judge_out_text(o, "event: done\ndata: ", 18);
        ngx_http_judge_job_render_run_locked(zone, o, job);
        ngx_http_judge_out_text(o, "\n\n", 2);
    }
}
