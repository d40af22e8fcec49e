
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_cache.h"


/*
 * The artifact cache: one entry per source hash, with its compile (a
 * task, pending, sent or done) and, once compiled, the artifact's blob
 * and the compile's answer.  Entries are LRU ordered; one that is done
 * with may go to make room (jobs still needing it have it compiled
 * again).
 */


static void ngx_http_judge_cache_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_artifact_t *a);
static void *ngx_http_judge_cache_alloc_locked(ngx_http_judge_zone_t *zone,
    size_t size);


/* ------------------------------------------------------------ the cache */


void
ngx_http_judge_cache_init_zone(ngx_http_judge_shctx_t *sh)
{
    ngx_rbtree_init(&sh->artifacts, &sh->artifacts_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->artifacts_lru);
    ngx_queue_init(&sh->compiling);
}


static void
ngx_http_judge_cache_free_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_artifact_t *a)
{
    ngx_rbtree_delete(&zone->sh->artifacts, &a->sn.node);
    ngx_queue_remove(&a->queue);

    if (a->in_compiling) {
        ngx_queue_remove(&a->compiling);
    }

    ngx_http_judge_blob_release_locked(zone, &a->spec);
    ngx_http_judge_blob_release_locked(zone, &a->artifact);
    ngx_http_judge_blob_release_locked(zone, &a->compile);

    ngx_http_judge_zone_free_str_locked(zone, &a->language);
    ngx_http_judge_zone_free_str_locked(zone, &a->abi);
    ngx_http_judge_zone_free_str_locked(zone, &a->note);

    ngx_slab_free_locked(zone->shpool, a);
}


/*
 * The least recently wanted artifact that is done with goes (NGX_OK), to
 * make room in the zone or the cache directory; a job still needing it
 * has it compiled again.  NGX_DECLINED: none is done with.
 */

ngx_int_t
ngx_http_judge_cache_evict_locked(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t                *q;
    ngx_http_judge_artifact_t  *a;

    for (q = ngx_queue_last(&zone->sh->artifacts_lru);
         q != ngx_queue_sentinel(&zone->sh->artifacts_lru);
         q = ngx_queue_prev(q))
    {
        a = ngx_queue_data(q, ngx_http_judge_artifact_t, queue);

        if (a->status) {
            ngx_http_judge_cache_free_locked(zone, a);
            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


/* room for an artifact entry: finished jobs go first, then old artifacts */

static void *
ngx_http_judge_cache_alloc_locked(ngx_http_judge_zone_t *zone, size_t size)
{
    void  *p;

    for ( ;; ) {
        p = ngx_http_judge_zone_alloc_locked(zone, size);
        if (p) {
            return p;
        }

        if (ngx_http_judge_cache_evict_locked(zone) != NGX_OK) {
            return NULL;
        }
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

        ngx_http_judge_blob_release_locked(zone, &a->compile);
        ngx_http_judge_zone_free_str_locked(zone, &a->note);

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
    a->max_artifact = job->max_artifact;
    a->orphan_limit = job->orphan_limit;
    a->compile_time = job->compile_time;
    a->grace = job->grace;
    a->task.state = NGX_HTTP_JUDGE_TASK_PENDING;

    if (ngx_http_judge_zone_store_locked(zone, &a->language,
                                         job->language.data,
                                         job->language.len)
        != NGX_OK)
    {
        ngx_slab_free_locked(zone->shpool, a);
        return NGX_ERROR;
    }

    a->spec = job->compile_spec;
    ngx_http_judge_blob_hold_locked(zone, &a->spec);

    ngx_http_judge_rbtree_insert(&zone->sh->artifacts, &a->sn, a->hash,
                                 NGX_HTTP_JUDGE_HASH_LEN);
    ngx_queue_insert_head(&zone->sh->artifacts_lru, &a->queue);

    return NGX_OK;
}


ngx_uint_t
ngx_http_judge_cache_has(ngx_http_judge_zone_t *zone, u_char *hash)
{
    ngx_http_judge_artifact_t  *a;

    ngx_http_judge_zone_lock(zone);

    a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, hash,
                                     NGX_HTTP_JUDGE_HASH_LEN);

    ngx_http_judge_zone_unlock(zone);

    return a != NULL;
}


/*
 * A compile another frontend did, taken as done here: its answer (JSON
 * members) and program go into the cache directory under a done entry.
 * NGX_OK: the hash has an entry now; NGX_ERROR: no room.
 */

ngx_int_t
ngx_http_judge_cache_adopt(ngx_http_judge_zone_t *zone, u_char *hash,
    ngx_str_t *language, ngx_uint_t status, ngx_str_t *abi,
    ngx_str_t *compile, ngx_str_t *program)
{
    ngx_int_t                   rc;
    ngx_http_judge_artifact_t  *a;
    ngx_http_judge_blob_ref_t   answer, artifact;

    ngx_memzero(&answer, sizeof(ngx_http_judge_blob_ref_t));
    ngx_memzero(&artifact, sizeof(ngx_http_judge_blob_ref_t));

    if (ngx_http_judge_blob_put(zone, compile->data, compile->len, &answer)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (program->len
        && ngx_http_judge_blob_put(zone, program->data, program->len,
                                   &artifact)
           != NGX_OK)
    {
        ngx_http_judge_blob_release(zone, &answer);
        return NGX_ERROR;
    }

    rc = NGX_OK;

    ngx_http_judge_zone_lock(zone);

    a = ngx_http_judge_rbtree_lookup(&zone->sh->artifacts, hash,
                                     NGX_HTTP_JUDGE_HASH_LEN);

    if (a == NULL) {
        a = ngx_http_judge_cache_alloc_locked(zone,
                                           sizeof(ngx_http_judge_artifact_t));
        rc = NGX_ERROR;

        if (a
            && ngx_http_judge_zone_store_locked(zone, &a->language,
                                                language->data, language->len)
               == NGX_OK
            && ngx_http_judge_zone_store_locked(zone, &a->abi, abi->data,
                                                abi->len)
               == NGX_OK)
        {
            ngx_memcpy(a->hash, hash, NGX_HTTP_JUDGE_HASH_LEN);
            a->status = status;
            a->compile = answer;
            a->artifact = artifact;
            a->task.state = NGX_HTTP_JUDGE_TASK_DONE;
            ngx_memzero(&answer, sizeof(ngx_http_judge_blob_ref_t));
            ngx_memzero(&artifact, sizeof(ngx_http_judge_blob_ref_t));

            ngx_http_judge_rbtree_insert(&zone->sh->artifacts, &a->sn,
                                         a->hash, NGX_HTTP_JUDGE_HASH_LEN);
            ngx_queue_insert_head(&zone->sh->artifacts_lru, &a->queue);
            rc = NGX_OK;

        } else if (a) {
            ngx_http_judge_zone_free_str_locked(zone, &a->language);
            ngx_http_judge_zone_free_str_locked(zone, &a->abi);
            ngx_slab_free_locked(zone->shpool, a);
        }
    }

    ngx_http_judge_blob_release_locked(zone, &answer);
    ngx_http_judge_blob_release_locked(zone, &artifact);

    ngx_http_judge_zone_unlock(zone);

    return rc;
}
