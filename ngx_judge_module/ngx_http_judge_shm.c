
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_shm.h"


/*
 * The shared zone as a whole: its creation and adoption on reload, the
 * lock, the allocator and what is done when a process dies inside the
 * lock.
 *
 * Every critical section goes through ngx_http_judge_zone_lock(), which
 * writes the holder's pid into the zone and clears it on unlock.  The
 * master force-unlocks the slab mutex of a process that died holding it;
 * the next process to take the lock then finds a holder left behind and
 * knows that the trees, queues or even the slab allocator itself may be
 * half-changed.  Nothing in them can be trusted, so the zone is laid out
 * anew: the slab pool is initialised again and the root object rebuilt
 * with what is plain data (counters, the process table, generation).
 * Jobs, workers and caches are gone; every process notices the new reset
 * count, closes its worker streams (the workers register again at once)
 * and wakes its waiting requests.
 *
 * Work that touches files is never done under the lock: unlinks found
 * necessary inside it are queued here, per process, and done by unlock.
 */


#define NGX_HTTP_JUDGE_RESERVE_MIN   16      /* pages */


static ngx_int_t ngx_http_judge_zone_create(ngx_http_judge_zone_t *zone,
    ngx_http_judge_shctx_t *old);
static void ngx_http_judge_zone_reset_locked(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_zone_flush(ngx_http_judge_zone_t *zone);


static ngx_http_judge_shm_hooks_t   ngx_http_judge_shm_hooks;

/* names of files to remove once the lock is released (this process's) */
static u_char                     **ngx_http_judge_unlinks;
static ngx_uint_t                   ngx_http_judge_nunlinks;
static ngx_uint_t                   ngx_http_judge_unlinks_size;
static uint64_t                     ngx_http_judge_sweep_below;


void
ngx_http_judge_shm_set_hooks(ngx_http_judge_shm_hooks_t *hooks)
{
    ngx_http_judge_shm_hooks = *hooks;
}


/*
 * Runs in the master, before workers are forked.  On reload the old
 * cycle's handle arrives as "data": the mapping is reused and only the
 * generation moves on, so records made by older worker processes can be
 * told from those of the new ones; the zone keeps its instance and so its
 * files.  A new zone claims the cache directory with a new instance.
 */

ngx_int_t
ngx_http_judge_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_judge_zone_t  *ozone = data;

    size_t                  len;
    ngx_http_judge_zone_t  *zone;

    zone = shm_zone->data;

    if (ozone) {
        /*
         * The master never waits for the lock: a worker process may hold
         * it, or die holding it, and only the master (which is here, with
         * signals blocked) could reap that process and release the lock.
         * The root object's address and the generation are read and
         * moved on atomically instead.
         */

        if (ozone->cache->name.len != zone->cache->name.len
            || ngx_strncmp(ozone->cache->name.data, zone->cache->name.data,
                           zone->cache->name.len)
               != 0)
        {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "judge zone \"%V\" keeps its files in \"%V\": "
                          "judge_cache_path changes with a restart, not a "
                          "reload", &shm_zone->shm.name, &ozone->cache->name);
            return NGX_ERROR;
        }

        ngx_memcpy(zone->instance, ozone->instance,
                   NGX_HTTP_JUDGE_INSTANCE_LEN);

        zone->shpool = ozone->shpool;
        zone->sh = (ngx_http_judge_shctx_t *) zone->shpool->data;

        if (zone->sh == NULL) {
            /* a reset died halfway; the next lock holder lays it out */
            zone->generation = ozone->generation + 1;
            return NGX_OK;
        }

        zone->generation = ngx_atomic_fetch_add(&zone->sh->generation, 1)
                           + 1;
        zone->resets = zone->sh->resets;

        return NGX_OK;
    }

    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        zone->sh = zone->shpool->data;
        zone->generation = zone->sh->generation;
        zone->resets = zone->sh->resets;
        ngx_memcpy(zone->instance, zone->sh->instance,
                   NGX_HTTP_JUDGE_INSTANCE_LEN);
        return NGX_OK;
    }

    len = sizeof(" in judge zone \"\"") + shm_zone->shm.name.len;

    zone->shpool->log_ctx = ngx_slab_alloc(zone->shpool, len);
    if (zone->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(zone->shpool->log_ctx, " in judge zone \"%V\"%Z",
                &shm_zone->shm.name);

    zone->shpool->log_nomem = 0;

    /*
     * "nginx -t" and "nginx -s" make a zone of their own too, and touch
     * no file: the directory may well be a running instance's
     */

    if (!ngx_test_config && ngx_process != NGX_PROCESS_SIGNALLER
        && ngx_http_judge_shm_hooks.claim(zone) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_judge_zone_create(zone, NULL) != NGX_OK) {
        return NGX_ERROR;
    }

    if (!ngx_test_config && ngx_process != NGX_PROCESS_SIGNALLER) {
        ngx_http_judge_shm_hooks.restore(zone);
    }

    zone->generation = 1;

    return NGX_OK;
}


/*
 * The root object and every record structure in it, in an empty pool.
 * What "old" holds that is plain data survives a reset.
 */

static ngx_int_t
ngx_http_judge_zone_create(ngx_http_judge_zone_t *zone,
    ngx_http_judge_shctx_t *old)
{
    ngx_uint_t               i, pages;
    ngx_http_judge_shctx_t  *sh;

    sh = ngx_slab_calloc_locked(zone->shpool, sizeof(ngx_http_judge_shctx_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    if (old) {
        sh->created = old->created;
        sh->generation = old->generation;
        ngx_memcpy(sh->instance, old->instance, NGX_HTTP_JUDGE_INSTANCE_LEN);
        sh->next_id = old->next_id;
        sh->resets = old->resets + 1;
        sh->reset_serial = old->next_id;

        sh->submissions = old->submissions;
        sh->takeovers = old->takeovers;
        sh->compiles = old->compiles;
        sh->cache_hits = old->cache_hits;
        sh->tests_judged = old->tests_judged;
        sh->retries = old->retries;
        sh->deadlines = old->deadlines;
        ngx_memcpy(sh->verdicts, old->verdicts, sizeof(sh->verdicts));
        ngx_memcpy(sh->languages, old->languages, sizeof(sh->languages));

    } else {
        sh->created = ngx_time();
        sh->generation = 1;
        sh->next_id = 1;
        ngx_memcpy(sh->instance, zone->instance, NGX_HTTP_JUDGE_INSTANCE_LEN);
    }

    sh->nprocs = (old && old->nprocs) ? old->nprocs : zone->nprocs;
    sh->procs = ngx_slab_calloc_locked(zone->shpool,
                                       sh->nprocs
                                       * sizeof(ngx_http_judge_proc_t));
    if (sh->procs == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < sh->nprocs; i++) {
        if (old && old->procs) {
            sh->procs[i].pid = old->procs[i].pid;
            sh->procs[i].generation = old->procs[i].generation;
            sh->procs[i].worker = old->procs[i].worker;
        }

        ngx_queue_init(&sh->procs[i].mail);
    }

    pages = (zone->shm_zone->shm.size / ngx_pagesize);
    sh->reserve = ngx_max(pages / 8, NGX_HTTP_JUDGE_RESERVE_MIN);

    ngx_http_judge_shm_hooks.init(sh);

    zone->shpool->data = sh;
    zone->sh = sh;

    return NGX_OK;
}


void
ngx_http_judge_zone_lock(ngx_http_judge_zone_t *zone)
{
    ngx_shmtx_lock(&zone->shpool->mutex);

    zone->sh = zone->shpool->data;

    /* no root object: the process resetting the zone died doing it */

    if (zone->sh == NULL || zone->sh->holder) {
        ngx_http_judge_zone_reset_locked(zone);
    }

    zone->sh->holder = ngx_pid;
}


void
ngx_http_judge_zone_unlock(ngx_http_judge_zone_t *zone)
{
    zone->sh->holder = 0;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    ngx_http_judge_zone_flush(zone);
}


/*
 * The previous holder of the lock died inside it.  Its half-made change
 * may be anywhere, the allocator's own lists included: start the pool
 * over and keep only plain data.
 */

static void
ngx_http_judge_zone_reset_locked(ngx_http_judge_zone_t *zone)
{
    ngx_uint_t               jobs, workers;
    ngx_pid_t                holder;
    ngx_http_judge_proc_t   *procs;
    ngx_http_judge_shctx_t   old;
    u_char                   name[128];

    procs = NULL;

    if (zone->sh) {
        old = *zone->sh;

        /* the process table is plain data too; it lives in the pool */
        procs = ngx_alloc(old.nprocs * sizeof(ngx_http_judge_proc_t),
                          ngx_cycle->log);
        if (procs) {
            ngx_memcpy(procs, old.procs,
                       old.nprocs * sizeof(ngx_http_judge_proc_t));
        }

        old.procs = procs;

    } else {
        ngx_memzero(&old, sizeof(ngx_http_judge_shctx_t));
        old.created = ngx_time();
        old.next_id = (uint64_t) ngx_time() << 20;
        ngx_memcpy(old.instance, zone->instance, NGX_HTTP_JUDGE_INSTANCE_LEN);
    }

    holder = old.holder;
    jobs = old.nactive;
    workers = old.nworkers;

    /* until the new root object is whole, there is none */
    zone->shpool->data = NULL;

    /* the zone's name for the allocator's messages lives in the pool too */
    ngx_cpystrn(name, zone->shpool->log_ctx, sizeof(name));

    ngx_slab_init(zone->shpool);

    zone->shpool->log_ctx = ngx_slab_alloc_locked(zone->shpool,
                                                  ngx_strlen(name) + 1);
    if (zone->shpool->log_ctx) {
        ngx_memcpy(zone->shpool->log_ctx, name, ngx_strlen(name) + 1);

    } else {
        zone->shpool->log_ctx = &zone->shpool->zero;
    }

    zone->shpool->log_nomem = 0;

    if (ngx_http_judge_zone_create(zone, &old) != NGX_OK) {
        ngx_log_error(NGX_LOG_EMERG, ngx_cycle->log, 0,
                      "judge: the zone cannot be laid out again");
        ngx_abort();
    }

    if (procs) {
        ngx_free(procs);
    }

    ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, 0,
                  "judge: process %P died inside the zone lock; the zone "
                  "was reset: every submission (%ui of them unfinished) "
                  "and %ui workers' records are gone (the workers "
                  "register again)", holder, jobs, workers);

    ngx_http_judge_sweep_below = zone->sh->reset_serial;
}


/* room for one record: finished jobs past their minimum go, oldest first */

void *
ngx_http_judge_zone_alloc_locked(ngx_http_judge_zone_t *zone, size_t size)
{
    void  *p;

    for ( ;; ) {
        p = ngx_slab_calloc_locked(zone->shpool, size);
        if (p) {
            return p;
        }

        if (ngx_http_judge_shm_hooks.evict(zone) != NGX_OK) {
            return NULL;
        }
    }
}


/*
 * Whether new work may come in: beyond the reserve, which is kept for
 * what must never fail (mail, worker records, results of accepted work).
 */

ngx_int_t
ngx_http_judge_zone_room_locked(ngx_http_judge_zone_t *zone)
{
    while (zone->shpool->pfree <= zone->sh->reserve) {
        if (ngx_http_judge_shm_hooks.evict(zone) != NGX_OK) {
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_judge_zone_store_locked(ngx_http_judge_zone_t *zone, ngx_str_t *dst,
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


void
ngx_http_judge_zone_free_str_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *s)
{
    if (s->data) {
        ngx_slab_free_locked(zone->shpool, s->data);
    }

    ngx_str_null(s);
}


/* a file to remove once the lock is released; a name of the cache path */

void
ngx_http_judge_zone_unlink_later(u_char *name)
{
    u_char   **a, *copy;
    size_t     len;

    if (ngx_http_judge_nunlinks == ngx_http_judge_unlinks_size) {
        a = ngx_alloc((ngx_http_judge_unlinks_size + 64) * sizeof(u_char *),
                      ngx_cycle->log);
        if (a == NULL) {
            return;
        }

        if (ngx_http_judge_unlinks) {
            ngx_memcpy(a, ngx_http_judge_unlinks,
                       ngx_http_judge_nunlinks * sizeof(u_char *));
            ngx_free(ngx_http_judge_unlinks);
        }

        ngx_http_judge_unlinks = a;
        ngx_http_judge_unlinks_size += 64;
    }

    len = ngx_strlen(name) + 1;

    copy = ngx_alloc(len, ngx_cycle->log);
    if (copy == NULL) {
        return;
    }

    ngx_memcpy(copy, name, len);
    ngx_http_judge_unlinks[ngx_http_judge_nunlinks++] = copy;
}


static void
ngx_http_judge_zone_flush(ngx_http_judge_zone_t *zone)
{
    ngx_uint_t   i;
    uint64_t     below;

    for (i = 0; i < ngx_http_judge_nunlinks; i++) {
        if (ngx_delete_file(ngx_http_judge_unlinks[i]) == NGX_FILE_ERROR
            && ngx_errno != NGX_ENOENT)
        {
            ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                          ngx_delete_file_n " \"%s\" failed",
                          ngx_http_judge_unlinks[i]);
        }

        ngx_free(ngx_http_judge_unlinks[i]);
    }

    ngx_http_judge_nunlinks = 0;

    if (ngx_http_judge_sweep_below) {
        below = ngx_http_judge_sweep_below;
        ngx_http_judge_sweep_below = 0;
        ngx_http_judge_shm_hooks.sweep(zone, below);
    }
}


void
ngx_http_judge_zone_stats(ngx_http_judge_zone_t *zone, ngx_uint_t *generation,
    time_t *created, size_t *size, size_t *free)
{
    ngx_http_judge_zone_lock(zone);

    *generation = zone->sh->generation;
    *created = zone->sh->created;
    *free = zone->shpool->pfree * ngx_pagesize;

    ngx_http_judge_zone_unlock(zone);

    *size = zone->shm_zone->shm.size;
}


uint64_t
ngx_http_judge_zone_next_id(ngx_http_judge_zone_t *zone)
{
    uint64_t  id;

    ngx_http_judge_zone_lock(zone);
    id = zone->sh->next_id++;
    ngx_http_judge_zone_unlock(zone);

    return id;
}


/*
 * The zone's trees are of ngx_str_node_t keyed by the crc32 of a byte
 * string (worker id, job id, artifact hash), ties broken by the bytes: the
 * records embed the node first, so a found node is the record.
 */

void *
ngx_http_judge_rbtree_lookup(ngx_rbtree_t *tree, u_char *key, size_t len)
{
    ngx_str_t  name;

    name.data = key;
    name.len = len;

    return ngx_str_rbtree_lookup(tree, &name, ngx_crc32_short(key, len));
}


void
ngx_http_judge_rbtree_insert(ngx_rbtree_t *tree, ngx_str_node_t *sn,
    u_char *key, size_t len)
{
    sn->str.data = key;
    sn->str.len = len;
    sn->node.key = ngx_crc32_short(key, len);

    ngx_rbtree_insert(tree, &sn->node);
}


/* the node of a process-local tree with unique integer keys */

ngx_rbtree_node_t *
ngx_http_judge_rbtree_find(ngx_rbtree_t *tree, ngx_rbtree_key_t key)
{
    ngx_rbtree_node_t  *node, *sentinel;

    if (tree->root == NULL) {
        return NULL;
    }

    node = tree->root;
    sentinel = tree->sentinel;

    while (node != sentinel) {

        if (key == node->key) {
            return node;
        }

        node = (key < node->key) ? node->left : node->right;
    }

    return NULL;
}
