
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_ready.h"


/*
 * Ready queues, timers and dirty jobs: the scheduler's view of the zone
 * (see the header).  Everything here is under the zone lock and in the
 * zone; nothing here calls back into the scheduler.
 *
 * A job in a class's ready set sits in its client's entry, keyed by its
 * tests out and its serial (its age); the entry sits in the class keyed
 * by the client's tests out.  Both keys move with every batch sent or
 * done (ngx_http_judge_ready_running_locked()), so the best job of a
 * class is two minimums away, and the best of all is the best of the
 * classes' bests: a pass costs a few tree operations per task sent,
 * however many jobs wait.
 */


#define NGX_HTTP_JUDGE_AGE_BITS  40


static ngx_http_judge_class_t *ngx_http_judge_ready_class_locked(
    ngx_http_judge_zone_t *zone, ngx_str_t *language, ngx_uint_t compile,
    ngx_str_t *abi);
static ngx_http_judge_entry_t *ngx_http_judge_ready_entry_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_class_t *class,
    ngx_http_judge_client_t *client);
static void ngx_http_judge_ready_free_class_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_class_t *class);
static ngx_rbtree_key_t ngx_http_judge_ready_job_key(
    ngx_http_judge_job_t *job);
static ngx_uint_t ngx_http_judge_ready_before(ngx_http_judge_job_t *a,
    ngx_http_judge_job_t *b);
static ngx_uint_t ngx_http_judge_ready_str_eq(ngx_str_t *a, ngx_str_t *b);


void
ngx_http_judge_ready_init_zone(ngx_http_judge_shctx_t *sh)
{
    ngx_queue_init(&sh->classes);
    ngx_queue_init(&sh->dirty);
    ngx_rbtree_init(&sh->timers, &sh->timers_sentinel,
                    ngx_rbtree_insert_timer_value);
}


/* ------------------------------------------------------------ dirty */


void
ngx_http_judge_ready_dirty_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    if (job->dirty || job->status >= NGX_HTTP_JUDGE_COMPLETED) {
        return;
    }

    job->dirty = 1;
    ngx_queue_insert_tail(&zone->sh->dirty, &job->dirty_link);
}


ngx_http_judge_job_t *
ngx_http_judge_ready_next_dirty_locked(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t           *q;
    ngx_http_judge_job_t  *job;

    if (ngx_queue_empty(&zone->sh->dirty)) {
        return NULL;
    }

    q = ngx_queue_head(&zone->sh->dirty);
    ngx_queue_remove(q);

    job = ngx_queue_data(q, ngx_http_judge_job_t, dirty_link);
    job->dirty = 0;

    return job;
}


/* ------------------------------------------------------------ timers */


void
ngx_http_judge_ready_timer_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_msec_t when)
{
    if (job->in_timer) {
        if (when && job->timer.key == when) {
            return;
        }

        ngx_rbtree_delete(&zone->sh->timers, &job->timer);
        job->in_timer = 0;
    }

    if (when == 0) {
        return;
    }

    job->timer.key = when;
    ngx_rbtree_insert(&zone->sh->timers, &job->timer);
    job->in_timer = 1;
}


void
ngx_http_judge_ready_timer_by_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_msec_t when)
{
    if (job->in_timer
        && (ngx_msec_int_t) (job->timer.key - when) <= 0)
    {
        return;
    }

    ngx_http_judge_ready_timer_locked(zone, job, when);
}


void
ngx_http_judge_ready_expire_timers_locked(ngx_http_judge_zone_t *zone)
{
    ngx_rbtree_node_t     *node, *root, *sentinel;
    ngx_http_judge_job_t  *job;

    sentinel = zone->sh->timers.sentinel;

    for ( ;; ) {
        root = zone->sh->timers.root;

        if (root == sentinel) {
            return;
        }

        node = ngx_rbtree_min(root, sentinel);

        if ((ngx_msec_int_t) (node->key - ngx_current_msec) > 0) {
            return;
        }

        ngx_rbtree_delete(&zone->sh->timers, node);

        job = (ngx_http_judge_job_t *)
                  ((u_char *) node - offsetof(ngx_http_judge_job_t, timer));
        job->in_timer = 0;

        ngx_http_judge_ready_dirty_locked(zone, job);
    }
}


/* ------------------------------------------------------------ ready */


ngx_int_t
ngx_http_judge_ready_add_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_uint_t compile, ngx_str_t *abi)
{
    ngx_http_judge_entry_t  *e;
    ngx_http_judge_class_t  *class;

    if (job->entry) {
        class = job->entry->class;

        if (class->compile == compile
            && ngx_http_judge_ready_str_eq(&class->abi, abi))
        {
            return NGX_OK;
        }

        ngx_http_judge_ready_remove_locked(zone, job);
    }

    class = ngx_http_judge_ready_class_locked(zone, &job->language, compile,
                                              abi);
    if (class == NULL) {
        return NGX_ERROR;
    }

    e = ngx_http_judge_ready_entry_locked(zone, class, job->client);
    if (e == NULL) {
        if (class->clients.root == class->clients.sentinel) {
            ngx_http_judge_ready_free_class_locked(zone, class);
        }

        return NGX_ERROR;
    }

    job->entry = e;
    job->ready_node.key = ngx_http_judge_ready_job_key(job);
    ngx_rbtree_insert(&e->jobs, &job->ready_node);

    return NGX_OK;
}


void
ngx_http_judge_ready_remove_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_http_judge_entry_t  *e;
    ngx_http_judge_class_t  *class;

    e = job->entry;

    if (e == NULL) {
        return;
    }

    job->entry = NULL;
    ngx_rbtree_delete(&e->jobs, &job->ready_node);

    if (e->jobs.root != e->jobs.sentinel) {
        return;
    }

    class = e->class;

    ngx_rbtree_delete(&class->clients, &e->node);
    ngx_queue_remove(&e->link);
    ngx_slab_free_locked(zone->shpool, e);

    if (class->clients.root == class->clients.sentinel) {
        ngx_http_judge_ready_free_class_locked(zone, class);
    }
}


void
ngx_http_judge_ready_running_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job, ngx_int_t delta)
{
    ngx_queue_t              *q;
    ngx_http_judge_entry_t   *e;
    ngx_http_judge_client_t  *c;

    if (delta == 0) {
        return;
    }

    job->running += delta;

    if (job->entry) {
        e = job->entry;
        ngx_rbtree_delete(&e->jobs, &job->ready_node);
        job->ready_node.key = ngx_http_judge_ready_job_key(job);
        ngx_rbtree_insert(&e->jobs, &job->ready_node);
    }

    c = job->client;

    if (c == NULL) {
        return;
    }

    c->running += delta;

    for (q = ngx_queue_head(&c->entries);
         q != ngx_queue_sentinel(&c->entries);
         q = ngx_queue_next(q))
    {
        e = ngx_queue_data(q, ngx_http_judge_entry_t, link);

        ngx_rbtree_delete(&e->class->clients, &e->node);
        e->node.key = c->running;
        ngx_rbtree_insert(&e->class->clients, &e->node);
    }
}


void
ngx_http_judge_ready_forget_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_job_t *job)
{
    ngx_http_judge_ready_remove_locked(zone, job);
    ngx_http_judge_ready_timer_locked(zone, job, 0);

    if (job->dirty) {
        ngx_queue_remove(&job->dirty_link);
        job->dirty = 0;
    }

    ngx_http_judge_ready_running_locked(zone, job, -(ngx_int_t) job->running);
}


void
ngx_http_judge_ready_pass_locked(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t             *q;
    ngx_http_judge_class_t  *class;

    for (q = ngx_queue_head(&zone->sh->classes);
         q != ngx_queue_sentinel(&zone->sh->classes);
         q = ngx_queue_next(q))
    {
        class = ngx_queue_data(q, ngx_http_judge_class_t, queue);
        class->declines = 0;
    }
}


ngx_http_judge_job_t *
ngx_http_judge_ready_best_locked(ngx_http_judge_zone_t *zone,
    ngx_uint_t declines)
{
    ngx_queue_t             *q;
    ngx_rbtree_node_t       *node;
    ngx_http_judge_job_t    *job, *best;
    ngx_http_judge_entry_t  *e;
    ngx_http_judge_class_t  *class;

    best = NULL;

    for (q = ngx_queue_head(&zone->sh->classes);
         q != ngx_queue_sentinel(&zone->sh->classes);
         q = ngx_queue_next(q))
    {
        class = ngx_queue_data(q, ngx_http_judge_class_t, queue);

        if (class->declines >= declines) {
            continue;
        }

        node = ngx_rbtree_min(class->clients.root, class->clients.sentinel);
        e = (ngx_http_judge_entry_t *) node;

        node = ngx_rbtree_min(e->jobs.root, e->jobs.sentinel);
        job = (ngx_http_judge_job_t *)
                  ((u_char *) node
                   - offsetof(ngx_http_judge_job_t, ready_node));

        if (best == NULL || ngx_http_judge_ready_before(job, best)) {
            best = job;
        }
    }

    return best;
}


static ngx_uint_t
ngx_http_judge_ready_before(ngx_http_judge_job_t *a, ngx_http_judge_job_t *b)
{
    if (a->client->running != b->client->running) {
        return a->client->running < b->client->running;
    }

    if (a->client != b->client) {
        return a->serial < b->serial;
    }

    return a->ready_node.key < b->ready_node.key;
}


static ngx_uint_t
ngx_http_judge_ready_str_eq(ngx_str_t *a, ngx_str_t *b)
{
    return a->len == b->len
           && (a->len == 0 || ngx_memcmp(a->data, b->data, a->len) == 0);
}


static ngx_rbtree_key_t
ngx_http_judge_ready_job_key(ngx_http_judge_job_t *job)
{
    return ((ngx_rbtree_key_t) job->running << NGX_HTTP_JUDGE_AGE_BITS)
           | (job->serial & (((uint64_t) 1 << NGX_HTTP_JUDGE_AGE_BITS) - 1));
}


/*
 * A new class is one allocation with its strings.  The ABI may lie in an
 * artifact that the allocation itself evicts: it is copied first.
 */

static ngx_http_judge_class_t *
ngx_http_judge_ready_class_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *language, ngx_uint_t compile, ngx_str_t *abi)
{
    u_char                  *p, *copy;
    ngx_queue_t             *q;
    ngx_http_judge_class_t  *class;

    for (q = ngx_queue_head(&zone->sh->classes);
         q != ngx_queue_sentinel(&zone->sh->classes);
         q = ngx_queue_next(q))
    {
        class = ngx_queue_data(q, ngx_http_judge_class_t, queue);

        if (class->compile == compile
            && ngx_http_judge_ready_str_eq(&class->language, language)
            && ngx_http_judge_ready_str_eq(&class->abi, abi))
        {
            return class;
        }
    }

    copy = ngx_alloc(abi->len + 1, ngx_cycle->log);
    if (copy == NULL) {
        return NULL;
    }

    if (abi->len) {
        ngx_memcpy(copy, abi->data, abi->len);
    }

    class = ngx_http_judge_zone_alloc_locked(zone,
                                             sizeof(ngx_http_judge_class_t)
                                             + language->len + abi->len);
    if (class == NULL) {
        ngx_free(copy);
        return NULL;
    }

    ngx_memzero(class, sizeof(ngx_http_judge_class_t));

    p = (u_char *) (class + 1);

    class->language.data = p;
    class->language.len = language->len;
    p = ngx_cpymem(p, language->data, language->len);

    class->abi.data = p;
    class->abi.len = abi->len;
    if (abi->len) {
        ngx_memcpy(p, copy, abi->len);
    }
    ngx_free(copy);

    class->compile = compile;
    ngx_rbtree_init(&class->clients, &class->sentinel,
                    ngx_rbtree_insert_value);
    ngx_queue_insert_tail(&zone->sh->classes, &class->queue);

    return class;
}


static void
ngx_http_judge_ready_free_class_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_class_t *class)
{
    ngx_queue_remove(&class->queue);
    ngx_slab_free_locked(zone->shpool, class);
}


static ngx_http_judge_entry_t *
ngx_http_judge_ready_entry_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_class_t *class, ngx_http_judge_client_t *client)
{
    ngx_queue_t             *q;
    ngx_http_judge_entry_t  *e;

    for (q = ngx_queue_head(&client->entries);
         q != ngx_queue_sentinel(&client->entries);
         q = ngx_queue_next(q))
    {
        e = ngx_queue_data(q, ngx_http_judge_entry_t, link);

        if (e->class == class) {
            return e;
        }
    }

    e = ngx_http_judge_zone_alloc_locked(zone,
                                         sizeof(ngx_http_judge_entry_t));
    if (e == NULL) {
        return NULL;
    }

    ngx_memzero(e, sizeof(ngx_http_judge_entry_t));

    e->class = class;
    e->client = client;
    ngx_rbtree_init(&e->jobs, &e->sentinel, ngx_rbtree_insert_value);

    e->node.key = client->running;
    ngx_rbtree_insert(&class->clients, &e->node);
    ngx_queue_insert_tail(&client->entries, &e->link);

    return e;
}
