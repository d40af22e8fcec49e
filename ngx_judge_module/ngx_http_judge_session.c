
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/rand.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_session.h"


/*
 * A session's record is small and lives in the zone; its source and its
 * stdin are blobs in the cache directory, shared by content (every new
 * session of a language starts with the same template).  A save writes
 * the new bytes outside the lock, then swaps the references under it if
 * the revision is still the one the save was made against.
 *
 * Sessions idle for their ttl go, and when the zone is short of room the
 * least recently used goes (after the finished jobs, which are worth
 * less).  Its history is a ring of the latest runs that grows to the
 * location's judge_session_history; the runs themselves are jobs.
 */


typedef struct {
    ngx_str_node_t               sn;          /* by key */
    ngx_queue_t                  queue;       /* sh->idem, newest first */
    u_char                       key[NGX_HTTP_JUDGE_SHA256_LEN];
    u_char                       body[NGX_HTTP_JUDGE_SHA256_LEN];
    ngx_msec_t                   expires;
    ngx_msec_t                   ttl;         /* once answered */
    ngx_uint_t                   status;      /* 0: being answered */
    ngx_str_t                    answer;
} ngx_http_judge_idem_t;


static ngx_http_judge_session_t *ngx_http_judge_session_lookup_locked(
    ngx_http_judge_zone_t *zone, ngx_str_t *id);
static void ngx_http_judge_session_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_session_t *s);
static void ngx_http_judge_session_touch_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_session_t *s);
static void ngx_http_judge_session_copy_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_session_t *s, ngx_http_judge_session_view_t *v);
static ngx_int_t ngx_http_judge_session_bytes(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_http_judge_blob_ref_t *ref, ngx_str_t *out);
static ngx_int_t ngx_http_judge_session_fill(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_http_judge_session_t *s,
    ngx_http_judge_session_view_t *v);
static ngx_int_t ngx_http_judge_session_put(ngx_http_judge_zone_t *zone,
    ngx_http_judge_session_change_t *ch, ngx_http_judge_blob_ref_t *source,
    ngx_http_judge_blob_ref_t *input);
static void ngx_http_judge_session_unput(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *source, ngx_http_judge_blob_ref_t *input);
static void ngx_http_judge_idem_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_idem_t *k);


static const char  *ngx_http_judge_exec_states[] = {
    "QUEUED", "RUNNING", "COMPLETED", "FAILED", "TIMEOUT"
};


void
ngx_http_judge_session_init_zone(ngx_http_judge_shctx_t *sh)
{
    ngx_rbtree_init(&sh->sessions, &sh->sessions_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->sessions_lru);
    ngx_rbtree_init(&sh->idem, &sh->idem_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->idem_lru);
}


/* a run refused past the rate (0) or cooling down (1), counted */

void
ngx_http_judge_session_refused(ngx_http_judge_zone_t *zone,
    ngx_uint_t cooling)
{
    ngx_http_judge_zone_lock(zone);
    zone->sh->runs_refused[cooling ? 1 : 0]++;
    ngx_http_judge_zone_unlock(zone);
}


/* an execution's status, from its job */

ngx_uint_t
ngx_http_judge_exec_status(ngx_http_judge_job_t *job)
{
    switch (job->status) {

    case NGX_HTTP_JUDGE_QUEUED:
        return NGX_HTTP_JUDGE_EXEC_QUEUED;

    case NGX_HTTP_JUDGE_COMPILING:
    case NGX_HTTP_JUDGE_RUNNING:
        return NGX_HTTP_JUDGE_EXEC_RUNNING;

    case NGX_HTTP_JUDGE_COMPLETED:
        if (job->verdict == JUDGE__STATUS__AC) {
            return NGX_HTTP_JUDGE_EXEC_COMPLETED;
        }

        if (job->verdict == JUDGE__STATUS__TLE
            || job->verdict == JUDGE__STATUS__WLE)
        {
            return NGX_HTTP_JUDGE_EXEC_TIMEOUT;
        }

        return NGX_HTTP_JUDGE_EXEC_FAILED;

    default:
        return NGX_HTTP_JUDGE_EXEC_FAILED;
    }
}


const char *
ngx_http_judge_exec_status_name(ngx_uint_t status)
{
    return ngx_http_judge_exec_states[status];
}


/*
 * A new session.  NGX_DECLINED: no room in the zone; otherwise as
 * ngx_http_judge_session_put().
 */

ngx_int_t
ngx_http_judge_session_create(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_http_judge_session_change_t *ch, ngx_msec_t ttl,
    ngx_http_judge_session_limits_t *lim, ngx_http_judge_session_view_t *v)
{
    ngx_int_t                   rc;
    uint64_t                    now;
    ngx_http_judge_session_t   *s;
    ngx_http_judge_blob_ref_t   source, input;
    u_char                      rnd[NGX_HTTP_JUDGE_JOB_ID_LEN / 2];

    if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
        return NGX_ERROR;
    }

    rc = ngx_http_judge_session_put(zone, ch, &source, &input);
    if (rc != NGX_OK) {
        return rc;
    }

    now = ngx_http_judge_json_now_ms();

    ngx_http_judge_zone_lock(zone);

    s = NULL;

    if (ngx_http_judge_zone_room_locked(zone) == NGX_OK) {
        s = ngx_http_judge_zone_alloc_locked(zone,
                                             sizeof(ngx_http_judge_session_t));
    }

    if (s == NULL) {
        ngx_http_judge_zone_unlock(zone);
        ngx_http_judge_session_unput(zone, &source, &input);
        return NGX_DECLINED;
    }

    ngx_memzero(s, sizeof(ngx_http_judge_session_t));

    ngx_hex_dump(s->id, rnd, sizeof(rnd));
    ngx_memcpy(s->language, ch->language.data, ch->language.len);
    s->language_len = ch->language.len;
    s->revision = 1;
    s->created_ms = now;
    s->updated_ms = now;
    s->ttl = ttl;
    s->source = source;
    s->input = input;
    s->tokens = lim->burst * 1000;
    s->tokens_at = ngx_current_msec;

    ngx_http_judge_rbtree_insert(&zone->sh->sessions, &s->sn, s->id,
                                 NGX_HTTP_JUDGE_JOB_ID_LEN);
    ngx_queue_insert_head(&zone->sh->sessions_lru, &s->queue);
    zone->sh->nsessions++;
    zone->sh->sessions_made++;

    s->expires = ngx_current_msec + s->ttl;
    ngx_http_judge_session_copy_locked(zone, s, v);

    ngx_http_judge_zone_unlock(zone);

    v->source = ch->source;
    v->input = ch->input;

    return NGX_OK;
}


/* a session, with its source and stdin; NGX_DECLINED: no such session */

ngx_int_t
ngx_http_judge_session_read(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_str_t *id, ngx_http_judge_session_view_t *v)
{
    ngx_http_judge_session_t  *s;

    ngx_http_judge_zone_lock(zone);

    s = ngx_http_judge_session_lookup_locked(zone, id);

    if (s == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    ngx_http_judge_session_touch_locked(zone, s);
    ngx_http_judge_session_copy_locked(zone, s, v);

    return ngx_http_judge_session_fill(zone, pool, s, v);
}


/*
 * A save.  NGX_DECLINED: no such session; NGX_BUSY: it is at another
 * revision than the one expected (v has the session as it is); NGX_ABORT:
 * it is closed; otherwise as ngx_http_judge_session_put().
 */

ngx_int_t
ngx_http_judge_session_update(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_str_t *id, ngx_http_judge_session_change_t *ch,
    ngx_http_judge_session_view_t *v)
{
    ngx_int_t                   rc;
    ngx_http_judge_session_t   *s;
    ngx_http_judge_blob_ref_t   source, input, old_source, old_input;

    rc = ngx_http_judge_session_put(zone, ch, &source, &input);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_http_judge_zone_lock(zone);

    s = ngx_http_judge_session_lookup_locked(zone, id);

    if (s == NULL || s->closed
        || (ch->revision && ch->revision != s->revision))
    {
        rc = (s == NULL) ? NGX_DECLINED : (s->closed ? NGX_ABORT : NGX_BUSY);

        if (s) {
            ngx_http_judge_session_copy_locked(zone, s, v);
        }

        ngx_http_judge_zone_unlock(zone);
        ngx_http_judge_session_unput(zone, &source, &input);

        return rc;
    }

    old_source = s->source;
    old_input = s->input;

    if (ch->set_source) {
        s->source = source;
        ngx_http_judge_blob_discard_locked(zone, &old_source);

    } else {
        ngx_http_judge_blob_discard_locked(zone, &source);
    }

    if (ch->set_input) {
        s->input = input;
        ngx_http_judge_blob_discard_locked(zone, &old_input);

    } else {
        ngx_http_judge_blob_discard_locked(zone, &input);
    }

    if (ch->set_language) {
        ngx_memcpy(s->language, ch->language.data, ch->language.len);
        s->language_len = ch->language.len;
    }

    s->revision++;
    s->updated_ms = ngx_http_judge_json_now_ms();

    ngx_http_judge_session_touch_locked(zone, s);
    ngx_http_judge_session_copy_locked(zone, s, v);

    return ngx_http_judge_session_fill(zone, pool, s, v);
}


/* PATCH .../close: INACTIVE from now on; NGX_DECLINED: no such session */

ngx_int_t
ngx_http_judge_session_close(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_str_t *id, ngx_http_judge_session_view_t *v)
{
    ngx_http_judge_session_t  *s;

    ngx_http_judge_zone_lock(zone);

    s = ngx_http_judge_session_lookup_locked(zone, id);

    if (s == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    if (!s->closed) {
        s->closed = 1;
        s->updated_ms = ngx_http_judge_json_now_ms();
    }

    ngx_http_judge_session_touch_locked(zone, s);
    ngx_http_judge_session_copy_locked(zone, s, v);

    return ngx_http_judge_session_fill(zone, pool, s, v);
}


/*
 * DELETE: the session goes; "execs" gets the ids (u_char[JOB_ID_LEN]) of
 * its runs not ended (all of them) and of those ended in its history,
 * for the caller to cancel or forget.  NGX_DECLINED: no such session.
 */

ngx_int_t
ngx_http_judge_session_delete(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    ngx_array_t *execs)
{
    u_char                    *e;
    ngx_uint_t                 i;
    ngx_queue_t               *q;
    ngx_http_judge_job_t      *job;
    ngx_http_judge_session_t  *s;

    ngx_http_judge_zone_lock(zone);

    s = ngx_http_judge_session_lookup_locked(zone, id);

    if (s == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    /* its runs not ended, wherever they are, then those of its ring */

    for (q = ngx_queue_head(&zone->sh->active);
         s->running && q != ngx_queue_sentinel(&zone->sh->active);
         q = ngx_queue_next(q))
    {
        job = ngx_queue_data(q, ngx_http_judge_job_t, queue);

        if (job->execution
            && ngx_memcmp(job->session, s->id, NGX_HTTP_JUDGE_JOB_ID_LEN)
               == 0)
        {
            e = ngx_array_push(execs);
            if (e == NULL) {
                break;
            }

            ngx_memcpy(e, job->id, NGX_HTTP_JUDGE_JOB_ID_LEN);
        }
    }

    for (i = 0; i < s->cap; i++) {
        if (s->execs[i].seq == 0 || !s->execs[i].ended) {
            continue;
        }

        e = ngx_array_push(execs);
        if (e == NULL) {
            break;
        }

        ngx_memcpy(e, s->execs[i].id, NGX_HTTP_JUDGE_JOB_ID_LEN);
    }

    ngx_http_judge_session_free_locked(zone, s);

    ngx_http_judge_zone_unlock(zone);

    return NGX_OK;
}


/*
 * Whether a run may start now, and what it runs.  NGX_OK: it may (one
 * run taken from the bucket; v has the source and stdin); NGX_DECLINED:
 * no such session; NGX_ABORT: closed; NGX_DONE: past the rate, *retry
 * ms until a run may start; NGX_BUSY: cooling down after failures,
 * *retry ms.
 */

ngx_int_t
ngx_http_judge_session_admit(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_str_t *id, ngx_http_judge_session_limits_t *lim,
    ngx_http_judge_session_view_t *v, ngx_msec_t *retry)
{
    uint64_t                   cap;
    ngx_msec_t                 elapsed, left;
    ngx_http_judge_session_t  *s;

    ngx_http_judge_zone_lock(zone);

    s = ngx_http_judge_session_lookup_locked(zone, id);

    if (s == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    ngx_http_judge_session_copy_locked(zone, s, v);

    if (s->closed) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_ABORT;
    }

    if (lim->max_failures && s->failures >= lim->max_failures) {
        elapsed = ngx_current_msec - s->failed_at;

        if (elapsed < lim->cooldown) {
            *retry = lim->cooldown - elapsed;
            ngx_http_judge_zone_unlock(zone);
            return NGX_BUSY;
        }

        /* the cool-down is over: a clean slate */
        s->failures = 0;
    }

    if (lim->rate) {
        cap = (uint64_t) lim->burst * 1000;
        elapsed = ngx_current_msec - s->tokens_at;

        s->tokens += (uint64_t) elapsed * lim->rate / 60000;
        s->tokens = ngx_min(s->tokens, cap);
        s->tokens_at = ngx_current_msec;

        if (s->tokens < 1000) {
            /* rounded up: a client retrying then is let in */
            left = (ngx_msec_t) (((1000 - s->tokens) * 60000 + lim->rate - 1)
                                 / lim->rate);
            *retry = left;
            ngx_http_judge_zone_unlock(zone);
            return NGX_DONE;
        }

        s->tokens -= 1000;
    }

    ngx_http_judge_session_touch_locked(zone, s);

    return ngx_http_judge_session_fill(zone, pool, s, v);
}


/* a run admitted that made no job: its run goes back to the bucket */

void
ngx_http_judge_session_refund(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    ngx_http_judge_session_limits_t *lim)
{
    ngx_http_judge_session_t  *s;

    ngx_http_judge_zone_lock(zone);

    s = ngx_http_judge_session_lookup_locked(zone, id);

    if (s && lim->rate) {
        s->tokens = ngx_min(s->tokens + 1000, (uint64_t) lim->burst * 1000);
    }

    ngx_http_judge_zone_unlock(zone);
}


/* a run of the session was accepted as job "exec" */

void
ngx_http_judge_session_ran(ngx_http_judge_zone_t *zone, u_char *id,
    u_char *exec, uint64_t revision, uint64_t created_ms, ngx_uint_t history)
{
    ngx_str_t                  name;
    ngx_uint_t                 i, cap;
    ngx_http_judge_exec_t     *e, *execs;
    ngx_http_judge_session_t  *s;

    name.data = id;
    name.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

    ngx_http_judge_zone_lock(zone);

    s = ngx_http_judge_session_lookup_locked(zone, &name);

    if (s == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return;
    }

    /*
     * The ring grows by doubling to the history kept; a run's place is
     * its number modulo the ring's size.
     */

    if (s->runs >= s->cap && s->cap < history) {
        cap = ngx_min(ngx_max(s->cap * 2, 4), history);

        /* out of the queue, room is not made by evicting this session */

        ngx_queue_remove(&s->queue);
        execs = ngx_http_judge_zone_alloc_locked(zone,
                                    cap * sizeof(ngx_http_judge_exec_t));
        ngx_queue_insert_head(&zone->sh->sessions_lru, &s->queue);

        if (execs) {
            ngx_memzero(execs, cap * sizeof(ngx_http_judge_exec_t));

            for (i = 0; i < s->cap; i++) {
                e = &s->execs[i];

                if (e->seq) {
                    execs[(e->seq - 1) % cap] = *e;
                }
            }

            if (s->execs) {
                ngx_slab_free_locked(zone->shpool, s->execs);
            }

            s->execs = execs;
            s->cap = cap;
        }
    }

    if (s->cap == 0) {
        s->running++;
        ngx_http_judge_zone_unlock(zone);
        return;
    }

    s->running++;

    e = &s->execs[s->runs % s->cap];   /* (seq - 1) % cap, seq = runs + 1 */
    ngx_memzero(e, sizeof(ngx_http_judge_exec_t));
    ngx_memcpy(e->id, exec, NGX_HTTP_JUDGE_JOB_ID_LEN);
    e->seq = ++s->runs;
    e->revision = revision;
    e->created_ms = created_ms;
    e->status = NGX_HTTP_JUDGE_EXEC_QUEUED;

    ngx_http_judge_zone_unlock(zone);
}


/*
 * The session's runs, newest first, older than run number "before" (0:
 * from the newest), at most "limit", into "execs"; *next: the cursor of
 * the older ones (0: none).  NGX_DECLINED: no such session.
 */

ngx_int_t
ngx_http_judge_session_history(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    uint64_t before, ngx_uint_t limit, ngx_array_t *execs, uint64_t *next)
{
    uint64_t                   seq, oldest;
    ngx_http_judge_exec_t     *e, *to;
    ngx_http_judge_session_t  *s;

    *next = 0;

    ngx_http_judge_zone_lock(zone);

    s = ngx_http_judge_session_lookup_locked(zone, id);

    if (s == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    seq = (before == 0 || before > s->runs) ? s->runs : before - 1;
    oldest = (s->runs > s->cap) ? s->runs - s->cap + 1 : 1;

    for ( /* void */ ; seq >= oldest && seq > 0; seq--) {
        if (execs->nelts == limit) {
            *next = seq + 1;
            break;
        }

        e = &s->execs[(seq - 1) % s->cap];

        if (e->seq != seq) {
            break;
        }

        to = ngx_array_push(execs);
        if (to == NULL) {
            break;
        }

        *to = *e;
    }

    ngx_http_judge_zone_unlock(zone);

    return NGX_OK;
}


/* a run's job ended: its session's history and failures learn of it */

void
ngx_http_judge_session_ended_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_str_t                  name;
    ngx_uint_t                 i, status;
    ngx_http_judge_exec_t     *e;
    ngx_http_judge_session_t  *s;

    name.data = job->session;
    name.len = NGX_HTTP_JUDGE_JOB_ID_LEN;

    s = ngx_http_judge_session_lookup_locked(zone, &name);

    if (s == NULL) {
        return;
    }

    status = ngx_http_judge_exec_status(job);

    /* a run ending is the session's activity */

    if (s->running) {
        s->running--;
    }

    ngx_http_judge_session_touch_locked(zone, s);

    for (i = 0; i < s->cap; i++) {
        e = &s->execs[i];

        if (e->seq && !e->ended
            && ngx_memcmp(e->id, job->id, NGX_HTTP_JUDGE_JOB_ID_LEN) == 0)
        {
            e->ended = 1;
            e->status = status;
            e->exit_code = job->exit_code;
            e->time_ms = job->wall_ms;
            e->timed = job->ran;
            e->exited = job->ran && job->signal == 0;
            break;
        }
    }

    /* a cancelled run is nobody's failure */

    if (job->status == NGX_HTTP_JUDGE_CANCELLED) {
        return;
    }

    if (status == NGX_HTTP_JUDGE_EXEC_COMPLETED) {
        s->failures = 0;

    } else {
        s->failures++;
        s->failed_at = ngx_current_msec;
    }
}


/* idle sessions past their ttl go; runs on the poll timer */

void
ngx_http_judge_session_expire(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t               *q;
    ngx_http_judge_idem_t     *k;
    ngx_http_judge_session_t  *s;

    ngx_http_judge_zone_lock(zone);

    while (!ngx_queue_empty(&zone->sh->sessions_lru)) {
        q = ngx_queue_last(&zone->sh->sessions_lru);
        s = ngx_queue_data(q, ngx_http_judge_session_t, queue);

        if ((ngx_msec_int_t) (ngx_current_msec - s->expires) < 0) {
            break;
        }

        if (s->running) {
            /* its runs are its activity: it stays while they run */
            ngx_http_judge_session_touch_locked(zone, s);
            continue;
        }

        ngx_http_judge_session_free_locked(zone, s);
        zone->sh->sessions_expired++;
    }

    while (!ngx_queue_empty(&zone->sh->idem_lru)) {
        q = ngx_queue_last(&zone->sh->idem_lru);
        k = ngx_queue_data(q, ngx_http_judge_idem_t, queue);

        if ((ngx_msec_int_t) (ngx_current_msec - k->expires) < 0) {
            break;
        }

        ngx_http_judge_idem_free_locked(zone, k);
    }

    ngx_http_judge_zone_unlock(zone);
}


/*
 * The zone needs room: the oldest idempotency answer goes, else the
 * session used longest ago.  NGX_DECLINED: there is none.
 */

ngx_int_t
ngx_http_judge_session_evict_locked(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t               *q;
    ngx_http_judge_idem_t     *k;
    ngx_http_judge_session_t  *s;

    if (!ngx_queue_empty(&zone->sh->idem_lru)) {
        q = ngx_queue_last(&zone->sh->idem_lru);
        k = ngx_queue_data(q, ngx_http_judge_idem_t, queue);

        if (k->status) {
            ngx_http_judge_idem_free_locked(zone, k);
            return NGX_OK;
        }
    }

    if (ngx_queue_empty(&zone->sh->sessions_lru)) {
        return NGX_DECLINED;
    }

    q = ngx_queue_last(&zone->sh->sessions_lru);
    s = ngx_queue_data(q, ngx_http_judge_session_t, queue);

    ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                  "judge: code session %*s evicted: the zone is full",
                  (size_t) NGX_HTTP_JUDGE_JOB_ID_LEN, s->id);

    ngx_http_judge_session_free_locked(zone, s);
    zone->sh->sessions_evicted++;

    return NGX_OK;
}


static ngx_http_judge_session_t *
ngx_http_judge_session_lookup_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *id)
{
    if (id->len != NGX_HTTP_JUDGE_JOB_ID_LEN) {
        return NULL;
    }

    return ngx_http_judge_rbtree_lookup(&zone->sh->sessions, id->data,
                                        id->len);
}


static void
ngx_http_judge_session_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_session_t *s)
{
    ngx_rbtree_delete(&zone->sh->sessions, &s->sn.node);
    ngx_queue_remove(&s->queue);
    zone->sh->nsessions--;

    ngx_http_judge_blob_discard_locked(zone, &s->source);
    ngx_http_judge_blob_discard_locked(zone, &s->input);

    if (s->execs) {
        ngx_slab_free_locked(zone->shpool, s->execs);
    }

    ngx_slab_free_locked(zone->shpool, s);
}


static void
ngx_http_judge_session_touch_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_session_t *s)
{
    s->expires = ngx_current_msec + s->ttl;

    ngx_queue_remove(&s->queue);
    ngx_queue_insert_head(&zone->sh->sessions_lru, &s->queue);
}


static void
ngx_http_judge_session_copy_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_session_t *s, ngx_http_judge_session_view_t *v)
{
    ngx_http_judge_job_t  *job;

    ngx_memzero(v, sizeof(ngx_http_judge_session_view_t));

    ngx_memcpy(v->id, s->id, NGX_HTTP_JUDGE_JOB_ID_LEN);
    ngx_memcpy(v->lang, s->language, s->language_len);
    v->language.data = v->lang;
    v->language.len = s->language_len;
    v->revision = s->revision;
    v->created_ms = s->created_ms;
    v->updated_ms = s->updated_ms;
    v->closed = s->closed;
    v->expires_in = ((ngx_msec_int_t) (s->expires - ngx_current_msec) > 0)
                    ? s->expires - ngx_current_msec : 0;

    if (s->runs && s->cap) {
        v->last = s->execs[(s->runs - 1) % s->cap];
        v->has_last = (v->last.seq == s->runs);
    }

    /* a run not ended yet is where its job is */

    if (v->has_last && !v->last.ended) {
        job = ngx_http_judge_rbtree_lookup(&zone->sh->jobs, v->last.id,
                                           NGX_HTTP_JUDGE_JOB_ID_LEN);
        if (job) {
            v->last.status = ngx_http_judge_exec_status(job);
        }
    }
}


/*
 * Called with the lock held, which it lets go: the session's source and
 * stdin read into "pool" while they are held.
 */

static ngx_int_t
ngx_http_judge_session_fill(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_http_judge_session_t *s, ngx_http_judge_session_view_t *v)
{
    ngx_int_t                   rc;
    ngx_http_judge_blob_ref_t   source, input;

    source = s->source;
    input = s->input;

    ngx_http_judge_blob_hold_locked(zone, &source);
    ngx_http_judge_blob_hold_locked(zone, &input);

    ngx_http_judge_zone_unlock(zone);

    rc = ngx_http_judge_session_bytes(zone, pool, &source, &v->source);

    if (rc == NGX_OK) {
        rc = ngx_http_judge_session_bytes(zone, pool, &input, &v->input);
    }

    ngx_http_judge_session_unput(zone, &source, &input);

    return rc;
}


/* a blob's bytes; NGX_ERROR when its file cannot be read whole */

static ngx_int_t
ngx_http_judge_session_bytes(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_http_judge_blob_ref_t *ref, ngx_str_t *out)
{
    ssize_t     n;
    ngx_file_t  file;
    u_char      name[NGX_MAX_PATH];

    ngx_str_null(out);

    if (ref->serial == 0) {
        return NGX_OK;
    }

    out->data = ngx_pnalloc(pool, ref->len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name.data = ngx_http_judge_blob_name(zone, name, ref);
    file.name.len = ngx_strlen(name);
    file.log = ngx_cycle->log;

    file.fd = ngx_open_file(name, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (file.fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", name);
        return NGX_ERROR;
    }

    n = ngx_read_file(&file, out->data, ref->len, 0);

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, ngx_errno,
                      ngx_close_file_n " \"%s\" failed", name);
    }

    if (n != (ssize_t) ref->len) {
        return NGX_ERROR;
    }

    out->len = ref->len;

    return NGX_OK;
}


/*
 * The bytes a save sets, filed as blobs and held.  NGX_OK, or
 * NGX_HTTP_INSUFFICIENT_STORAGE: the cache directory is full;
 * NGX_HTTP_SERVICE_UNAVAILABLE: it cannot be written.
 */

static ngx_int_t
ngx_http_judge_session_put(ngx_http_judge_zone_t *zone,
    ngx_http_judge_session_change_t *ch, ngx_http_judge_blob_ref_t *source,
    ngx_http_judge_blob_ref_t *input)
{
    ngx_int_t  rc;

    ngx_memzero(source, sizeof(ngx_http_judge_blob_ref_t));
    ngx_memzero(input, sizeof(ngx_http_judge_blob_ref_t));

    rc = NGX_OK;

    if (ch->set_source) {
        rc = ngx_http_judge_blob_put(zone, ch->source.data, ch->source.len,
                                     source);
    }

    if (rc == NGX_OK && ch->set_input) {
        rc = ngx_http_judge_blob_put(zone, ch->input.data, ch->input.len,
                                     input);
    }

    if (rc == NGX_OK) {
        return NGX_OK;
    }

    ngx_http_judge_session_unput(zone, source, input);

    return (rc == NGX_DECLINED) ? NGX_HTTP_INSUFFICIENT_STORAGE
                                : NGX_HTTP_SERVICE_UNAVAILABLE;
}


static void
ngx_http_judge_session_unput(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *source, ngx_http_judge_blob_ref_t *input)
{
    ngx_http_judge_zone_lock(zone);
    ngx_http_judge_blob_discard_locked(zone, source);
    ngx_http_judge_blob_discard_locked(zone, input);
    ngx_http_judge_zone_unlock(zone);
}


/* ------------------------------------------------------ Idempotency-Key */


ngx_int_t
ngx_http_judge_idem_begin(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    u_char *key, u_char *body, ngx_msec_t ttl, ngx_uint_t *status,
    ngx_str_t *answer)
{
    ngx_int_t               rc;
    ngx_http_judge_idem_t  *k;

    ngx_http_judge_zone_lock(zone);

    k = ngx_http_judge_rbtree_lookup(&zone->sh->idem, key,
                                     NGX_HTTP_JUDGE_SHA256_LEN);

    if (k && (ngx_msec_int_t) (ngx_current_msec - k->expires) >= 0) {
        ngx_http_judge_idem_free_locked(zone, k);
        k = NULL;
    }

    if (k) {
        if (ngx_memcmp(k->body, body, NGX_HTTP_JUDGE_SHA256_LEN) != 0) {
            rc = NGX_DECLINED;

        } else if (k->status == 0) {
            rc = NGX_BUSY;

        } else {
            rc = NGX_DONE;
            *status = k->status;

            answer->data = ngx_pstrdup(pool, &k->answer);
            answer->len = k->answer.len;

            if (answer->data == NULL) {
                rc = NGX_ERROR;
            }
        }

        ngx_http_judge_zone_unlock(zone);
        return rc;
    }

    k = ngx_http_judge_zone_alloc_locked(zone, sizeof(ngx_http_judge_idem_t));

    if (k == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_ABORT;
    }

    ngx_memzero(k, sizeof(ngx_http_judge_idem_t));
    ngx_memcpy(k->key, key, NGX_HTTP_JUDGE_SHA256_LEN);
    ngx_memcpy(k->body, body, NGX_HTTP_JUDGE_SHA256_LEN);
    k->expires = ngx_current_msec + ngx_min(ttl, NGX_HTTP_JUDGE_IDEM_HELD);
    k->ttl = ttl;

    ngx_http_judge_rbtree_insert(&zone->sh->idem, &k->sn, k->key,
                                 NGX_HTTP_JUDGE_SHA256_LEN);
    ngx_queue_insert_head(&zone->sh->idem_lru, &k->queue);

    ngx_http_judge_zone_unlock(zone);

    return NGX_OK;
}


void
ngx_http_judge_idem_end(ngx_http_judge_zone_t *zone, u_char *key,
    ngx_uint_t status, ngx_str_t *answer)
{
    ngx_http_judge_idem_t  *k;

    ngx_http_judge_zone_lock(zone);

    k = ngx_http_judge_rbtree_lookup(&zone->sh->idem, key,
                                     NGX_HTTP_JUDGE_SHA256_LEN);

    if (k && k->status == 0) {
        if (status == 0
            || ngx_http_judge_zone_store_locked(zone, &k->answer,
                                                answer->data, answer->len)
               != NGX_OK)
        {
            /* failed, or no room for its answer: the key is free again */
            ngx_http_judge_idem_free_locked(zone, k);

        } else {
            k->status = status;
            k->expires = ngx_current_msec + k->ttl;
        }
    }

    ngx_http_judge_zone_unlock(zone);
}


static void
ngx_http_judge_idem_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_idem_t *k)
{
    ngx_rbtree_delete(&zone->sh->idem, &k->sn.node);
    ngx_queue_remove(&k->queue);
    ngx_http_judge_zone_free_str_locked(zone, &k->answer);
    ngx_slab_free_locked(zone->shpool, k);
}
