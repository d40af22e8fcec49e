
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_registry.h"


/* a line of the languages file: "<id>:1\n" */
#define NGX_HTTP_JUDGE_KNOWN_LINE  (NGX_HTTP_JUDGE_MAX_ID_LEN + 3)


/*
 * The registry: the workers connected to any process of this nginx (one
 * zone record each, by id), what they offer (the language table, kept
 * across reloads in the zone and across restarts in the cache directory's
 * "languages" file), what they hold (artifacts) and how loaded they are
 * (tests sent, heartbeats); picking the least loaded worker with room;
 * the /workers and /languages JSON.  It tells the scheduler that a worker
 * came or went through the hooks module.c registers.
 */


static void ngx_http_judge_registry_delete(ngx_http_judge_zone_t *zone,
    ngx_http_judge_worker_t *w, ngx_uint_t lost);
static void ngx_http_judge_registry_draining_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_worker_t *w);
static ngx_uint_t ngx_http_judge_registry_offer_locked(
    ngx_http_judge_zone_t *zone, ngx_http_judge_worker_t *w,
    ngx_uint_t *news);
static size_t ngx_http_judge_registry_known_locked(ngx_http_judge_shctx_t *sh,
    u_char *buf);
static void ngx_http_judge_registry_save(ngx_http_judge_zone_t *zone,
    u_char *ids, size_t len);
static void ngx_http_judge_registry_withdraw_locked(ngx_http_judge_shctx_t *sh,
    ngx_http_judge_worker_t *w);
static ngx_http_judge_lang_t *ngx_http_judge_registry_lang_locked(
    ngx_http_judge_shctx_t *sh, u_char *id, size_t len);
static ngx_uint_t ngx_http_judge_flag_allowed(ngx_str_t *patterns,
    u_char *flag, size_t len);


static ngx_http_judge_registry_hooks_t  ngx_http_judge_registry_hooks;


void
ngx_http_judge_registry_set_hooks(ngx_http_judge_registry_hooks_t *hooks)
{
    ngx_http_judge_registry_hooks = *hooks;
}


/*
 * An empty registry.  After a reset the language table is the old one's:
 * its workers are gone with the old records (they come back at once), and
 * its flags were in the old pool.
 */

void
ngx_http_judge_registry_init_zone(ngx_http_judge_shctx_t *sh)
{
    ngx_uint_t              i;
    ngx_http_judge_lang_t  *l;

    ngx_rbtree_init(&sh->workers, &sh->workers_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->workers_queue);

    for (i = 0; i < NGX_HTTP_JUDGE_MAX_LANGS; i++) {
        l = &sh->languages[i];

        if (l->workers) {
            l->workers = 0;
            l->last_live = ngx_current_msec;
        }

        ngx_str_null(&l->flags);
    }
}


/*
 * "lost": the worker went on its own (its stream broke, it came back
 * under a new stream, its nginx process died); not "lost": this nginx
 * process let it go, on reload or quit.
 */

static void
ngx_http_judge_registry_delete(ngx_http_judge_zone_t *zone,
    ngx_http_judge_worker_t *w, ngx_uint_t lost)
{
    ngx_http_judge_registry_hooks.gone(zone, w->stream_id, lost);
    ngx_http_judge_registry_withdraw_locked(zone->sh, w);

    ngx_rbtree_delete(&zone->sh->workers, &w->sn.node);
    ngx_queue_remove(&w->queue);
    zone->sh->nworkers--;

    if (!w->draining) {
        zone->sh->free_slots -= w->free_slots;
    }

    ngx_slab_free_locked(zone->shpool, w);
}


/* an empty string may have no data at all (ngx_str_null) */

static u_char *
ngx_http_judge_copy_str(u_char *p, ngx_str_t *dst, ngx_str_t *src)
{
    dst->data = p;
    dst->len = src->len;

    if (src->len == 0) {
        return p;
    }

    return ngx_cpymem(p, src->data, src->len);
}


/*
 * The language table remembers, for a while after the last worker of a
 * language went, that submissions in it may still be taken and wait for
 * it (NGX_HTTP_JUDGE_REJOIN_GRACE).  An entry is free again once no live
 * worker offers its language and that while has passed, so workers that
 * offered junk and left do not keep it.  A language that finds the table
 * full runs as long as its workers are there, without that while.
 */

static ngx_http_judge_lang_t *
ngx_http_judge_registry_lang_locked(ngx_http_judge_shctx_t *sh, u_char *id,
    size_t len)
{
    ngx_uint_t              i;
    ngx_http_judge_lang_t  *l;

    for (i = 0; i < NGX_HTTP_JUDGE_MAX_LANGS; i++) {
        l = &sh->languages[i];

        if (l->len == len && ngx_memcmp(l->id, id, len) == 0) {
            return l;
        }
    }

    return NULL;
}


/*
 * The worker's languages have one more live worker: returns those left
 * out; "news" counts those the languages file does not say yet (new to
 * the table, or whether they are compiled).
 */

static ngx_uint_t
ngx_http_judge_registry_offer_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_worker_t *w, ngx_uint_t *news)
{
    ngx_uint_t                     i, j, full;
    ngx_http_judge_lang_t         *l, *e;
    ngx_http_judge_worker_lang_t  *wl;

    full = 0;

    for (i = 0; i < w->nlangs; i++) {
        wl = &w->langs[i];

        l = ngx_http_judge_registry_lang_locked(zone->sh, wl->id.data,
                                                wl->id.len);

        for (j = 0; l == NULL && j < NGX_HTTP_JUDGE_MAX_LANGS; j++) {
            e = &zone->sh->languages[j];

            if (e->len == 0
                || (e->workers == 0
                    && (ngx_msec_int_t) (ngx_current_msec - e->last_live)
                       >= NGX_HTTP_JUDGE_REJOIN_GRACE))
            {
                l = e;
                ngx_memcpy(l->id, wl->id.data, wl->id.len);
                l->len = wl->id.len;
                l->compiled_known = 0;
            }
        }

        if (l == NULL) {
            full++;
            continue;
        }

        if (!l->compiled_known || l->compiled != wl->compiled) {
            (*news)++;
        }

        l->workers++;
        l->last_live = ngx_current_msec;
        l->compiled = wl->compiled;
        l->compiled_known = 1;

        /*
         * Its flags stand for the language while its workers are away;
         * with no room for them, no flag does.
         */

        ngx_http_judge_zone_free_str_locked(zone, &l->flags);
        (void) ngx_http_judge_zone_store_locked(zone, &l->flags,
                                                wl->flags.data, wl->flags.len);
    }

    return full;
}


/*
 * The languages workers offered outlive the zone in the cache directory's
 * "languages" file, a line each: "<id>:1" (compiled) or "<id>:0": after a
 * restart, submissions in them are taken and wait for their workers, as
 * after a reload, compiled first when the language is; past that grace
 * they get 503 no_worker rather than 422 unknown_language.  A bare "<id>"
 * (a file of an older build) does not say whether it is compiled: known,
 * but not taken before a worker says.  Written (rarely: when a language
 * is new to the table, or first said to be compiled or not) to a
 * temporary name and renamed, never synced.
 */

static size_t
ngx_http_judge_registry_known_locked(ngx_http_judge_shctx_t *sh, u_char *buf)
{
    u_char                 *p;
    ngx_uint_t              i;
    ngx_http_judge_lang_t  *l;

    p = buf;

    for (i = 0; i < NGX_HTTP_JUDGE_MAX_LANGS; i++) {
        l = &sh->languages[i];

        if (l->len) {
            p = ngx_cpymem(p, l->id, l->len);

            if (l->compiled_known) {
                *p++ = ':';
                *p++ = l->compiled ? '1' : '0';
            }

            *p++ = '\n';
        }
    }

    return p - buf;
}


static void
ngx_http_judge_registry_save(ngx_http_judge_zone_t *zone, u_char *ids,
    size_t len)
{
    ngx_fd_t   fd;
    ngx_int_t  rc;
    u_char     tmp[NGX_MAX_PATH], name[NGX_MAX_PATH];

    if (zone->cache == NULL) {
        return;
    }

    ngx_snprintf(tmp, sizeof(tmp), "%V/languages.%P%Z", &zone->cache->name,
                 ngx_pid);
    ngx_snprintf(name, sizeof(name), "%V/languages%Z", &zone->cache->name);

    fd = ngx_open_file(tmp, NGX_FILE_WRONLY, NGX_FILE_TRUNCATE,
                       NGX_FILE_DEFAULT_ACCESS);
    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", tmp);
        return;
    }

    rc = (ngx_write_fd(fd, ids, len) == (ssize_t) len) ? NGX_OK : NGX_ERROR;

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        rc = NGX_ERROR;
    }

    if (rc != NGX_OK || ngx_rename_file(tmp, name) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, ngx_errno,
                      "judge: the languages seen could not be kept in "
                      "\"%s\"", name);
        (void) ngx_delete_file(tmp);
    }
}


/* in the master, into a new zone: the languages of the last run */

void
ngx_http_judge_registry_restore(ngx_http_judge_zone_t *zone)
{
    u_char                 *p, *last, *end, *id_end;
    ssize_t                 n;
    ngx_fd_t                fd;
    ngx_uint_t              i;
    ngx_http_judge_lang_t  *l;
    u_char                  name[NGX_MAX_PATH];
    u_char                  ids[NGX_HTTP_JUDGE_MAX_LANGS
                                * NGX_HTTP_JUDGE_KNOWN_LINE];

    ngx_snprintf(name, sizeof(name), "%V/languages%Z", &zone->cache->name);

    fd = ngx_open_file(name, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        return;
    }

    n = ngx_read_fd(fd, ids, sizeof(ids));
    (void) ngx_close_file(fd);

    if (n <= 0) {
        return;
    }

    i = 0;
    last = ids + n;

    for (p = ids; p < last && i < NGX_HTTP_JUDGE_MAX_LANGS; p = end + 1) {
        end = ngx_strlchr(p, last, '\n');
        if (end == NULL) {
            break;
        }

        id_end = end;

        if (end - p > 2 && end[-2] == ':'
            && (end[-1] == '0' || end[-1] == '1'))
        {
            id_end = end - 2;
        }

        if (!ngx_http_judge_name_ok(p, id_end - p)) {
            continue;
        }

        l = &zone->sh->languages[i++];
        ngx_memcpy(l->id, p, id_end - p);
        l->len = id_end - p;
        l->workers = 0;
        l->compiled_known = (id_end != end);
        l->compiled = l->compiled_known && end[-1] == '1';

        /* not knowing whether it is compiled, it waits for a worker */

        l->last_live = l->compiled_known
                       ? ngx_current_msec
                       : ngx_current_msec - NGX_HTTP_JUDGE_REJOIN_GRACE;
    }
}


/* the worker goes: its languages could run until now */

static void
ngx_http_judge_registry_withdraw_locked(ngx_http_judge_shctx_t *sh,
    ngx_http_judge_worker_t *w)
{
    ngx_uint_t              i;
    ngx_http_judge_lang_t  *l;

    for (i = 0; i < w->nlangs; i++) {
        l = ngx_http_judge_registry_lang_locked(sh, w->langs[i].id.data,
                                                w->langs[i].id.len);
        if (l == NULL) {
            continue;
        }

        if (l->workers) {
            l->workers--;
        }

        l->last_live = ngx_current_msec;
    }
}


/*
 * Files a registered worker under its id, owned by this process and
 * stream.  A record already there for the same id is replaced; its owner
 * is returned so the caller can have the old stream closed.
 */

ngx_int_t
ngx_http_judge_registry_add(ngx_http_judge_zone_t *zone,
    ngx_http_judge_worker_info_t *info, ngx_http_judge_addr_t *old)
{
    u_char                        *p;
    size_t                         size, known;
    ngx_uint_t                     i, full, news;
    ngx_http_judge_worker_t       *w;
    ngx_http_judge_worker_lang_t  *wl, *from;
    u_char                         ids[NGX_HTTP_JUDGE_MAX_LANGS
                                       * NGX_HTTP_JUDGE_KNOWN_LINE];

    size = sizeof(ngx_http_judge_worker_t) + info->id.len + info->abi.len
           + info->tags.len + info->languages.len + info->compiled.len
           + info->detail.len
           + info->nlangs * sizeof(ngx_http_judge_worker_lang_t);

    for (i = 0; i < info->nlangs; i++) {
        from = &info->langs[i];
        size += from->id.len + from->name.len + from->version.len
                + from->flags.len + from->file_name.len + from->runtime.len
                + from->template.len;
    }

    old->pid = 0;

    ngx_http_judge_zone_lock(zone);

    w = ngx_http_judge_rbtree_lookup(&zone->sh->workers, info->id.data,
                                     info->id.len);

    if (w) {
        old->pid = w->owner_pid;
        old->generation = w->generation;
        old->id = w->stream_id;

        ngx_http_judge_registry_delete(zone, w, 1);
    }

    w = ngx_http_judge_zone_alloc_locked(zone, size);
    if (w == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NGX_DECLINED;
    }

    w->langs = (ngx_http_judge_worker_lang_t *) (w + 1);
    w->nlangs = info->nlangs;

    p = (u_char *) (w->langs + w->nlangs);
    p = ngx_http_judge_copy_str(p, &w->id, &info->id);
    p = ngx_http_judge_copy_str(p, &w->abi, &info->abi);
    p = ngx_http_judge_copy_str(p, &w->tags, &info->tags);
    p = ngx_http_judge_copy_str(p, &w->languages, &info->languages);
    p = ngx_http_judge_copy_str(p, &w->compiled, &info->compiled);
    p = ngx_http_judge_copy_str(p, &w->detail, &info->detail);

    for (i = 0; i < w->nlangs; i++) {
        wl = &w->langs[i];
        from = &info->langs[i];

        p = ngx_http_judge_copy_str(p, &wl->id, &from->id);
        p = ngx_http_judge_copy_str(p, &wl->name, &from->name);
        p = ngx_http_judge_copy_str(p, &wl->version, &from->version);
        p = ngx_http_judge_copy_str(p, &wl->flags, &from->flags);
        p = ngx_http_judge_copy_str(p, &wl->file_name, &from->file_name);
        p = ngx_http_judge_copy_str(p, &wl->runtime, &from->runtime);
        p = ngx_http_judge_copy_str(p, &wl->template, &from->template);
        wl->compiled = from->compiled;
    }

    news = 0;
    full = ngx_http_judge_registry_offer_locked(zone, w, &news);
    known = news ? ngx_http_judge_registry_known_locked(zone->sh, ids) : 0;

    for (i = 0; i < info->ncached && i < NGX_HTTP_JUDGE_HELD; i++) {
        if (ngx_strlen(info->cached[i]) == NGX_HTTP_JUDGE_HASH_LEN) {
            ngx_http_judge_registry_hold_locked(w,
                                                (u_char *) info->cached[i]);
        }
    }

    w->max_frame = info->max_frame;
    w->can_compile = info->can_compile;
    w->cores = info->cores;
    w->slots = info->slots;
    w->free_slots = info->slots;
    w->ram_kb = info->ram_kb;

    w->owner_pid = ngx_pid;
    w->owner_worker = ngx_worker;
    w->generation = zone->generation;
    w->stream_id = info->stream_id;
    w->connected = ngx_time();
    w->last_seen = ngx_current_msec;
    w->timeout = info->timeout;

    ngx_http_judge_rbtree_insert(&zone->sh->workers, &w->sn, w->id.data,
                                 w->id.len);
    ngx_queue_insert_head(&zone->sh->workers_queue, &w->queue);
    zone->sh->nworkers++;
    zone->sh->free_slots += w->free_slots;

    ngx_http_judge_registry_hooks.came(zone);

    ngx_http_judge_zone_unlock(zone);

    if (known) {
        ngx_http_judge_registry_save(zone, ids, known);
    }

    if (full) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: the language table is full: %ui language(s) "
                      "of worker \"%V\" run only while it is there",
                      full, &info->id);
    }

    return NGX_OK;
}


void
ngx_http_judge_registry_heartbeat(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    uint64_t stream_id, ngx_uint_t free_slots, ngx_uint_t active_tasks,
    ngx_uint_t load100, ngx_uint_t cpu_percent, uint64_t ram_used_kb,
    uint64_t ram_total_kb, uint64_t tasks_done, ngx_uint_t draining)
{
    ngx_http_judge_worker_t  *w;

    ngx_http_judge_zone_lock(zone);

    w = ngx_http_judge_rbtree_lookup(&zone->sh->workers, id->data, id->len);

    if (w && w->stream_id == stream_id) {
        if (!w->draining) {
            zone->sh->free_slots -= w->free_slots;
            zone->sh->free_slots += ngx_min(free_slots, w->slots);
        }

        w->free_slots = ngx_min(free_slots, w->slots);

        if (draining) {
            ngx_http_judge_registry_draining_locked(zone, w);
        }

        w->active_tasks = active_tasks;
        w->load100 = load100;
        w->cpu_percent = cpu_percent;
        w->ram_used_kb = ram_used_kb;
        if (ram_total_kb) {
            w->ram_kb = ram_total_kb;
        }
        w->tasks_done = tasks_done;
        w->last_seen = ngx_current_msec;
    }

    ngx_http_judge_zone_unlock(zone);
}


/*
 * Removes the record only while it still belongs to that stream, and
 * says who, if anyone, waits for it to go.
 */

void
ngx_http_judge_registry_remove(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    uint64_t stream_id, ngx_uint_t lost, ngx_http_judge_addr_t *waiter)
{
    ngx_http_judge_worker_t  *w;

    waiter->pid = 0;

    ngx_http_judge_zone_lock(zone);

    w = ngx_http_judge_rbtree_lookup(&zone->sh->workers, id->data, id->len);

    if (w && w->stream_id == stream_id) {
        waiter->pid = w->waiter_pid;
        waiter->generation = w->waiter_generation;
        waiter->id = w->waiter_id;

        ngx_http_judge_registry_delete(zone, w, lost);
    }

    ngx_http_judge_zone_unlock(zone);
}


/*
 * Marks a worker as draining: it gets no new work.  The waiter, when
 * given, is notified once the worker's record goes.  Returns where the
 * worker's stream lives, or NGX_DECLINED for an unknown worker.
 */

ngx_int_t
ngx_http_judge_registry_drain(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    ngx_http_judge_addr_t *waiter, ngx_http_judge_addr_t *stream)
{
    ngx_int_t                 rc;
    ngx_http_judge_worker_t  *w;

    ngx_http_judge_zone_lock(zone);

    w = ngx_http_judge_rbtree_lookup(&zone->sh->workers, id->data, id->len);

    if (w) {
        ngx_http_judge_registry_draining_locked(zone, w);

        if (waiter) {
            w->waiter_pid = waiter->pid;
            w->waiter_generation = waiter->generation;
            w->waiter_id = waiter->id;
        }

        stream->pid = w->owner_pid;
        stream->generation = w->generation;
        stream->id = w->stream_id;
        rc = NGX_OK;

    } else {
        rc = NGX_DECLINED;
    }

    ngx_http_judge_zone_unlock(zone);

    return rc;
}


void
ngx_http_judge_registry_counts(ngx_http_judge_zone_t *zone,
    ngx_uint_t *workers, ngx_uint_t *free_slots)
{
    ngx_http_judge_zone_lock(zone);

    *workers = zone->sh->nworkers;
    *free_slots = zone->sh->free_slots;

    ngx_http_judge_zone_unlock(zone);
}


/* the fixed part of one worker's JSON object, numbers at their widest */
#define NGX_HTTP_JUDGE_WORKER_JSON_LEN                                        \
    (sizeof("{\"id\":,\"abi\":,\"cores\":,\"slots\":,\"free_slots\":,"        \
            "\"active_tasks\":,\"load\":.00,\"cpu_percent\":,\"ram_kb\":,"    \
            "\"ram_used_kb\":,\"tasks_done\":,\"draining\":false,"             \
            "\"connected_at\":,\"heartbeat_age_ms\":,\"nginx\":{\"pid\":,"     \
            "\"worker\":,\"generation\":},\"tags\":[],}")                     \
     + 14 * NGX_INT64_LEN)


/*
 * Renders every live worker as a JSON object {"workers":[...]}; "full"
 * adds who each is: id, tags, the nginx process holding its stream and
 * the detail members (rendered and escaped when the worker registered).
 */

ngx_buf_t *
ngx_http_judge_registry_json(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_uint_t full)
{
    size_t                    size;
    ngx_buf_t                *b;
    ngx_queue_t              *q;
    ngx_http_judge_worker_t  *w;

    ngx_http_judge_zone_lock(zone);

    size = sizeof("{\"count\":,\"workers\":[]}\n") + NGX_INT_T_LEN;

    for (q = ngx_queue_head(&zone->sh->workers_queue);
         q != ngx_queue_sentinel(&zone->sh->workers_queue);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);
        size += NGX_HTTP_JUDGE_WORKER_JSON_LEN
                + ngx_http_judge_json_str_len(&w->abi);

        if (full) {
            size += ngx_http_judge_json_str_len(&w->id)
                    + ngx_http_judge_json_list_len(&w->tags)
                    + w->detail.len;
        }
    }

    b = ngx_create_temp_buf(pool, size);
    if (b == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NULL;
    }

    b->last = ngx_sprintf(b->last, "{\"count\":%ui,\"workers\":[",
                          zone->sh->nworkers);

    for (q = ngx_queue_head(&zone->sh->workers_queue);
         q != ngx_queue_sentinel(&zone->sh->workers_queue);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);

        if (q != ngx_queue_head(&zone->sh->workers_queue)) {
            *b->last++ = ',';
        }

        *b->last++ = '{';

        if (full) {
            b->last = ngx_cpymem(b->last, "\"id\":", 5);
            b->last = ngx_http_judge_json_str(b->last, &w->id);
            *b->last++ = ',';
        }

        b->last = ngx_cpymem(b->last, "\"abi\":", 6);
        b->last = ngx_http_judge_json_str(b->last, &w->abi);

        b->last = ngx_sprintf(b->last,
                     ",\"cores\":%ui,\"slots\":%ui,\"free_slots\":%ui,"
                     "\"active_tasks\":%ui,\"load\":%ui.%02ui,"
                     "\"cpu_percent\":%ui,\"ram_kb\":%uL,\"ram_used_kb\":%uL,"
                     "\"tasks_done\":%uL,\"draining\":%s,"
                     "\"connected_at\":%T,\"heartbeat_age_ms\":%M",
                     w->cores, w->slots, w->free_slots, w->active_tasks,
                     w->load100 / 100, w->load100 % 100, w->cpu_percent,
                     w->ram_kb, w->ram_used_kb, w->tasks_done,
                     w->draining ? "true" : "false", w->connected,
                     (ngx_msec_t) ngx_max((ngx_msec_int_t) (ngx_current_msec
                                                            - w->last_seen),
                                          0));

        if (full) {
            b->last = ngx_sprintf(b->last,
                                  ",\"nginx\":{\"pid\":%P,\"worker\":%ui,"
                                  "\"generation\":%ui},\"tags\":[",
                                  w->owner_pid, w->owner_worker,
                                  w->generation);

            b->last = ngx_http_judge_json_list(b->last, &w->tags);
            *b->last++ = ']';

            if (w->detail.len) {
                *b->last++ = ',';
                b->last = ngx_cpymem(b->last, w->detail.data, w->detail.len);
            }
        }

        *b->last++ = '}';
    }

    b->last = ngx_cpymem(b->last, "]}\n", 3);

    ngx_http_judge_zone_unlock(zone);

    return b;
}


/*
 * Drops workers not heard of for twice their heartbeat timeout, and those
 * whose streams were held by the processes "gone" (which exited or
 * crashed): their own process closes a silent stream at the timeout; this
 * catches the records of a process that no longer can.  Lets go of the
 * flags the language table kept for languages whose workers did not come
 * back in time.
 */

void
ngx_http_judge_registry_expire(ngx_http_judge_zone_t *zone, ngx_pid_t *gone,
    ngx_uint_t ngone)
{
    ngx_uint_t                n, i;
    ngx_queue_t              *q, *next;
    ngx_http_judge_lang_t    *l;
    ngx_http_judge_worker_t  *w;

    n = 0;

    ngx_http_judge_zone_lock(zone);

    /* languages whose workers did not come back: their flags go */

    for (i = 0; i < NGX_HTTP_JUDGE_MAX_LANGS; i++) {
        l = &zone->sh->languages[i];

        if (l->flags.data && l->workers == 0
            && (ngx_msec_int_t) (ngx_current_msec - l->last_live)
               >= NGX_HTTP_JUDGE_REJOIN_GRACE)
        {
            ngx_http_judge_zone_free_str_locked(zone, &l->flags);
        }
    }

    for (q = ngx_queue_head(&zone->sh->workers_queue);
         q != ngx_queue_sentinel(&zone->sh->workers_queue);
         q = next)
    {
        next = ngx_queue_next(q);
        w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);

        for (i = 0; i < ngone; i++) {
            if (w->owner_pid == gone[i]) {
                break;
            }
        }

        if (i < ngone
            || (ngx_msec_int_t) (ngx_current_msec - w->last_seen)
               > (ngx_msec_int_t) (2 * w->timeout))
        {
            ngx_http_judge_registry_delete(zone, w, 1);
            n++;
        }
    }

    ngx_http_judge_zone_unlock(zone);

    if (n) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "judge: %ui worker(s) of a lost nginx process were "
                      "dropped", n);
    }
}


/* is "item" one of the members of the comma-wrapped list ",a,b," */

ngx_int_t
ngx_http_judge_list_has(u_char *list, size_t len, u_char *item, size_t n)
{
    u_char  *p, *last;

    last = list + len;

    for (p = list; p + n + 2 <= last; p++) {
        p = ngx_strlchr(p, last, ',');
        if (p == NULL || p + n + 2 > last) {
            return 0;
        }

        if (ngx_memcmp(p + 1, item, n) == 0 && p[n + 1] == ',') {
            return 1;
        }
    }

    return 0;
}


/*
 * Can "language" be run: NGX_OK (with *compiled set: a live worker has it,
 * or had it moments ago), NGX_BUSY (known, but no worker has it now),
 * NGX_DECLINED (never heard of).
 */

ngx_int_t
ngx_http_judge_registry_language(ngx_http_judge_zone_t *zone,
    ngx_str_t *language, ngx_uint_t *compiled)
{
    ngx_int_t                 rc;
    ngx_str_t                *known;
    ngx_uint_t                i;
    ngx_queue_t              *q;
    ngx_http_judge_lang_t    *l;
    ngx_http_judge_worker_t  *w;

    rc = NGX_DECLINED;

    /* judge_languages: known, whether or not a worker offered it yet */

    for (i = 0; zone->known && i < zone->known->nelts; i++) {
        known = &((ngx_str_t *) zone->known->elts)[i];

        if (known->len == language->len
            && ngx_strncmp(known->data, language->data, language->len) == 0)
        {
            rc = NGX_BUSY;
        }
    }

    ngx_http_judge_zone_lock(zone);

    for (i = 0; i < NGX_HTTP_JUDGE_MAX_LANGS; i++) {
        l = &zone->sh->languages[i];

        if (l->len != language->len
            || ngx_memcmp(l->id, language->data, l->len) != 0)
        {
            continue;
        }

        rc = NGX_BUSY;

        /* its workers went moments ago: they are likely on their way back */
        if ((ngx_msec_int_t) (ngx_current_msec - l->last_live)
            < NGX_HTTP_JUDGE_REJOIN_GRACE)
        {
            *compiled = l->compiled;
            rc = NGX_OK;
        }

        break;
    }

    for (q = ngx_queue_head(&zone->sh->workers_queue);
         q != ngx_queue_sentinel(&zone->sh->workers_queue);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);

        if (!w->draining
            && ngx_http_judge_list_has(w->languages.data, w->languages.len,
                                       language->data, language->len))
        {
            *compiled = ngx_http_judge_list_has(w->compiled.data,
                                                w->compiled.len,
                                                language->data,
                                                language->len);
            rc = NGX_OK;
            break;
        }
    }

    ngx_http_judge_zone_unlock(zone);

    return rc;
}


/*
 * The least loaded live worker that runs "language" (and compiles, and
 * has the ABI, when asked) with room and a frame of "frame" bytes.  Room
 * is a worker holding fewer than twice its slots in tests, whatever
 * "count": were a batch of several tests to wait for as many places, a
 * client keeping the worker topped up with one-test jobs would take
 * every place freed before it.  Its load is taken at once.
 * NGX_DECLINED: all such workers are busy; NGX_ABORT: there is no such
 * worker.
 */

ngx_int_t
ngx_http_judge_registry_pick_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *language, ngx_uint_t compile, ngx_str_t *abi,
    ngx_uint_t count, u_char *hash, size_t frame,
    ngx_http_judge_worker_t **worker)
{
    ngx_uint_t                load, best_load, capable, held, best_held;
    ngx_queue_t              *q;
    ngx_http_judge_worker_t  *w, *best;

    best = NULL;
    best_load = 0;
    best_held = 0;
    capable = 0;

    for (q = ngx_queue_head(&zone->sh->workers_queue);
         q != ngx_queue_sentinel(&zone->sh->workers_queue);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);

        if (w->draining || w->slots == 0
            || (w->max_frame && frame > w->max_frame)
            || !ngx_http_judge_list_has(w->languages.data, w->languages.len,
                                        language->data, language->len)
            || (compile && !w->can_compile)
            || (abi && (abi->len != w->abi.len
                        || ngx_strncmp(abi->data, w->abi.data, abi->len)
                           != 0)))
        {
            continue;
        }

        capable = 1;

        if (w->inflight >= 2 * w->slots) {
            continue;
        }

        load = w->inflight * 1000 / w->slots;
        held = hash && ngx_http_judge_registry_held_locked(w, hash);

        /* among the least loaded, one that has the artifact already */

        if (best == NULL || load < best_load
            || (load == best_load && held && !best_held))
        {
            best = w;
            best_load = load;
            best_held = held;
        }
    }

    if (best == NULL) {
        return capable ? NGX_DECLINED : NGX_ABORT;
    }

    best->inflight += count;
    *worker = best;

    return NGX_OK;
}


/*
 * The largest frame a live worker of "language" accepts (0: none says),
 * and the most slots one has (0: none).  Batches are cut to both, and go
 * only to workers that accept them: one worker announcing small frames
 * must not shrink everyone's work.
 */

void
ngx_http_judge_registry_largest_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *language, size_t *frame, ngx_uint_t *slots)
{
    ngx_queue_t              *q;
    ngx_http_judge_worker_t  *w;

    *frame = 0;
    *slots = 0;

    for (q = ngx_queue_head(&zone->sh->workers_queue);
         q != ngx_queue_sentinel(&zone->sh->workers_queue);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);

        if (w->slots == 0 || w->draining
            || !ngx_http_judge_list_has(w->languages.data, w->languages.len,
                                        language->data, language->len))
        {
            continue;
        }

        *frame = ngx_max(*frame, w->max_frame);
        *slots = ngx_max(*slots, w->slots);
    }
}


/* whether the worker is known to hold the artifact "hash" */

ngx_uint_t
ngx_http_judge_registry_held_locked(ngx_http_judge_worker_t *w, u_char *hash)
{
    ngx_uint_t  i;

    for (i = 0; i < NGX_HTTP_JUDGE_HELD; i++) {
        if (ngx_memcmp(w->held[i], hash, NGX_HTTP_JUDGE_HASH_LEN) == 0) {
            return 1;
        }
    }

    return 0;
}


void
ngx_http_judge_registry_hold_locked(ngx_http_judge_worker_t *w, u_char *hash)
{
    if (ngx_http_judge_registry_held_locked(w, hash)) {
        return;
    }

    ngx_memcpy(w->held[w->held_next], hash, NGX_HTTP_JUDGE_HASH_LEN);
    w->held_next = (w->held_next + 1) % NGX_HTTP_JUDGE_HELD;
}


/* the worker drains (asked to, or on its own): it gets no new work */

static void
ngx_http_judge_registry_draining_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_worker_t *w)
{
    if (!w->draining) {
        zone->sh->free_slots -= w->free_slots;
        w->draining = 1;
    }
}


/*
 * The worker on "stream_id" handed back work it had not started: it
 * drains, so it gets no more.
 */

void
ngx_http_judge_registry_returned_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, uint64_t stream_id)
{
    ngx_http_judge_worker_t  *w;

    w = ngx_http_judge_rbtree_lookup(&zone->sh->workers, id->data, id->len);

    if (w && w->stream_id == stream_id) {
        ngx_http_judge_registry_draining_locked(zone, w);
    }
}


/*
 * Tests or a compile of the worker on "stream_id" are over.  Results name
 * their worker ("id"): the tree finds it; the rarer callers that know
 * only the stream walk the list.
 */

void
ngx_http_judge_registry_release_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, uint64_t stream_id, ngx_uint_t n)
{
    ngx_queue_t              *q;
    ngx_http_judge_worker_t  *w;

    w = NULL;

    if (id) {
        w = ngx_http_judge_rbtree_lookup(&zone->sh->workers, id->data,
                                         id->len);

    } else {
        for (q = ngx_queue_head(&zone->sh->workers_queue);
             q != ngx_queue_sentinel(&zone->sh->workers_queue);
             q = ngx_queue_next(q))
        {
            w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);

            if (w->stream_id == stream_id) {
                break;
            }
        }
    }

    if (w && w->stream_id == stream_id) {
        w->inflight = (w->inflight > n) ? w->inflight - n : 0;
    }
}


ngx_int_t
ngx_http_judge_registry_abi_locked(ngx_http_judge_zone_t *zone, ngx_str_t *id,
    ngx_str_t *abi)
{
    ngx_http_judge_worker_t  *w;

    w = ngx_http_judge_rbtree_lookup(&zone->sh->workers, id->data, id->len);
    if (w == NULL) {
        return NGX_DECLINED;
    }

    *abi = w->abi;

    return NGX_OK;
}


void
ngx_http_judge_registry_holds_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, u_char *hash)
{
    ngx_http_judge_worker_t  *w;

    w = ngx_http_judge_rbtree_lookup(&zone->sh->workers, id->data, id->len);
    if (w) {
        ngx_http_judge_registry_hold_locked(w, hash);
    }
}


/* one language of one worker, copied out of the zone for GET /languages */
typedef struct {
    ngx_str_t                    id;
    ngx_str_t                    name;
    ngx_str_t                    version;
    ngx_str_t                    flags;
    ngx_str_t                    file_name;
    ngx_str_t                    runtime;
    ngx_str_t                    template;
    ngx_uint_t                   compiled;
    ngx_uint_t                   free_slots;
    ngx_uint_t                   seq;         /* the order of the copy */
} ngx_http_judge_lang_copy_t;


static int ngx_libc_cdecl
ngx_http_judge_lang_copy_cmp(const void *one, const void *two)
{
    size_t                              len;
    ngx_int_t                           rc;
    const ngx_http_judge_lang_copy_t   *a, *b;

    a = one;
    b = two;

    len = ngx_min(a->id.len, b->id.len);
    rc = ngx_memcmp(a->id.data, b->id.data, len);

    if (rc == 0) {
        rc = (a->id.len > b->id.len) - (a->id.len < b->id.len);
    }

    if (rc == 0) {
        rc = (a->seq > b->seq) - (a->seq < b->seq);
    }

    return (int) rc;
}


static ngx_uint_t
ngx_http_judge_lang_wanted(ngx_http_judge_worker_lang_t *wl, ngx_str_t *only)
{
    return only == NULL
           || (only->len == wl->id.len
               && ngx_memcmp(only->data, wl->id.data, only->len) == 0);
}


/*
 * The languages of live workers (the one "only" names, when given) copied
 * into the pool: under the lock this is a copy, linear in what the
 * workers registered; the caller sorts and merges them afterwards.
 */

static ngx_http_judge_lang_copy_t *
ngx_http_judge_registry_langs_copy(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_str_t *only, ngx_uint_t *n)
{
    u_char                        *p;
    size_t                         size;
    ngx_uint_t                     i, nlangs;
    ngx_queue_t                   *q;
    ngx_http_judge_worker_t       *w;
    ngx_http_judge_lang_copy_t    *langs, *c;
    ngx_http_judge_worker_lang_t  *wl;

    ngx_http_judge_zone_lock(zone);

    nlangs = 0;
    size = 0;

    for (q = ngx_queue_head(&zone->sh->workers_queue);
         q != ngx_queue_sentinel(&zone->sh->workers_queue);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);

        for (i = 0; !w->draining && i < w->nlangs; i++) {
            wl = &w->langs[i];

            if (ngx_http_judge_lang_wanted(wl, only)) {
                nlangs++;
                size += wl->id.len + wl->name.len + wl->version.len
                        + wl->flags.len + wl->file_name.len
                        + wl->runtime.len
                        + (only ? wl->template.len : 0);
            }
        }
    }

    langs = ngx_palloc(pool,
                       (nlangs + 1) * sizeof(ngx_http_judge_lang_copy_t));
    p = ngx_pnalloc(pool, size + 1);

    if (langs == NULL || p == NULL) {
        ngx_http_judge_zone_unlock(zone);
        return NULL;
    }

    nlangs = 0;

    for (q = ngx_queue_head(&zone->sh->workers_queue);
         q != ngx_queue_sentinel(&zone->sh->workers_queue);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);

        for (i = 0; !w->draining && i < w->nlangs; i++) {
            wl = &w->langs[i];

            if (!ngx_http_judge_lang_wanted(wl, only)) {
                continue;
            }

            c = &langs[nlangs];
            c->seq = nlangs++;
            c->compiled = wl->compiled;
            c->free_slots = w->free_slots;

            /* a private copy: the strings outlive the lock */
            p = ngx_http_judge_copy_str(p, &c->id, &wl->id);
            p = ngx_http_judge_copy_str(p, &c->name, &wl->name);
            p = ngx_http_judge_copy_str(p, &c->version, &wl->version);
            p = ngx_http_judge_copy_str(p, &c->flags, &wl->flags);
            p = ngx_http_judge_copy_str(p, &c->file_name, &wl->file_name);
            p = ngx_http_judge_copy_str(p, &c->runtime, &wl->runtime);

            if (only) {
                p = ngx_http_judge_copy_str(p, &c->template, &wl->template);

            } else {
                ngx_str_null(&c->template);
            }
        }
    }

    ngx_http_judge_zone_unlock(zone);

    *n = nlangs;

    return langs;
}


/*
 * GET /languages: the union of what live workers offer, one object per
 * language id (sorted by id) with the name, version and flags of the
 * worker that registered last, how many workers have it and their free
 * slots; "only" restricts it to one id.  Sorting the copies makes it
 * n log n in the languages.
 */

ngx_buf_t *
ngx_http_judge_registry_languages_json(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_str_t *only, ngx_str_t *defaults, ngx_str_t *top)
{
    size_t                       size;
    ngx_buf_t                   *b;
    ngx_uint_t                   i, n, nlangs, workers, free_slots, total;
    ngx_http_judge_lang_copy_t  *langs, *l;

    langs = ngx_http_judge_registry_langs_copy(zone, pool, only, &nlangs);
    if (langs == NULL) {
        return NULL;
    }

    if (only && nlangs == 0) {
        return NULL;
    }

    ngx_qsort(langs, nlangs, sizeof(ngx_http_judge_lang_copy_t),
              ngx_http_judge_lang_copy_cmp);

    size = sizeof("{\"total\":,\"languages\":[]}\n") + NGX_INT_T_LEN;

    for (i = 0; i < nlangs; i++) {
        size += sizeof("{\"id\":,\"language_id\":,\"name\":,"
                       "\"language_name\":,\"version\":,\"runtime\":,"
                       "\"file_name\":,\"template_code\":,"
                       "\"compiled\":false,\"flags\":[],\"workers\":,"
                       "\"free_slots\":,\"defaults\":{}},")
                + 2 * NGX_INT_T_LEN + defaults->len + top->len
                + 2 * ngx_http_judge_json_str_len(&langs[i].id)
                + 2 * ngx_http_judge_json_str_len(&langs[i].name)
                + ngx_http_judge_json_str_len(&langs[i].version)
                + ngx_http_judge_json_str_len(&langs[i].runtime)
                + ngx_http_judge_json_str_len(&langs[i].file_name)
                + ngx_http_judge_json_utf8_len(&langs[i].template)
                + ngx_http_judge_json_list_len(&langs[i].flags);
    }

    b = ngx_create_temp_buf(pool, size);
    if (b == NULL) {
        return NULL;
    }

    if (!only) {
        total = 0;

        for (i = 0; i < nlangs; i++) {
            if (i == 0 || langs[i].id.len != langs[i - 1].id.len
                || ngx_memcmp(langs[i].id.data, langs[i - 1].id.data,
                              langs[i].id.len) != 0)
            {
                total++;
            }
        }

        b->last = ngx_sprintf(b->last, "{\"total\":%ui,\"languages\":[",
                              total);
    }

    for (i = 0; i < nlangs; i = n) {
        l = &langs[i];

        workers = 0;
        free_slots = 0;

        for (n = i;
             n < nlangs && langs[n].id.len == l->id.len
             && ngx_memcmp(langs[n].id.data, l->id.data, l->id.len) == 0;
             n++)
        {
            workers++;
            free_slots += langs[n].free_slots;
        }

        if (i) {
            *b->last++ = ',';
        }

        b->last = ngx_cpymem(b->last, "{\"id\":", 6);
        b->last = ngx_http_judge_json_str(b->last, &l->id);
        b->last = ngx_cpymem(b->last, ",\"language_id\":", 15);
        b->last = ngx_http_judge_json_str(b->last, &l->id);
        b->last = ngx_cpymem(b->last, ",\"name\":", 8);
        b->last = ngx_http_judge_json_str(b->last, &l->name);
        b->last = ngx_cpymem(b->last, ",\"language_name\":", 17);
        b->last = ngx_http_judge_json_str(b->last, &l->name);
        b->last = ngx_cpymem(b->last, ",\"version\":", 11);
        b->last = ngx_http_judge_json_str(b->last, &l->version);
        b->last = ngx_cpymem(b->last, ",\"runtime\":", 11);
        b->last = ngx_http_judge_json_str(b->last, &l->runtime);
        b->last = ngx_cpymem(b->last, ",\"file_name\":", 13);
        b->last = ngx_http_judge_json_str(b->last, &l->file_name);

        if (only) {
            b->last = ngx_cpymem(b->last, ",\"template_code\":", 17);
            b->last = ngx_http_judge_json_utf8(b->last, &l->template);
        }

        b->last = ngx_sprintf(b->last, ",%V", top);
        b->last = ngx_sprintf(b->last, ",\"compiled\":%s,\"flags\":[",
                              l->compiled ? "true" : "false");
        b->last = ngx_http_judge_json_list(b->last, &l->flags);
        b->last = ngx_sprintf(b->last, "],\"workers\":%ui,\"free_slots\":%ui,"
                              "\"defaults\":{%V}}",
                              workers, free_slots, defaults);
    }

    if (!only) {
        b->last = ngx_cpymem(b->last, "]}", 2);
    }

    *b->last++ = '\n';

    return b;
}


/*
 * Whether "flag" matches one of the comma-wrapped "patterns": a pattern
 * is the flag itself, or ends in "*" and is a prefix of it followed by at
 * least one character (a lone "-D" would take the next argument, one of
 * the languages table's, as its value).
 */

static ngx_uint_t
ngx_http_judge_flag_allowed(ngx_str_t *patterns, u_char *flag, size_t len)
{
    u_char  *s, *e, *last;
    size_t   n;

    last = patterns->data + patterns->len;

    for (s = patterns->data; s < last; s = e + 1) {
        e = ngx_strlchr(s, last, ',');
        if (e == NULL) {
            e = last;
        }

        n = e - s;

        if (n == 0) {
            continue;
        }

        if (s[n - 1] == '*') {
            if (len >= n && ngx_memcmp(s, flag, n - 1) == 0) {
                return 1;
            }

        } else if (n == len && ngx_memcmp(s, flag, n) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * Whether every flag is allowed for "language" by some live worker that
 * offers it or, when none is there, by the flags the language table kept
 * for it.  NGX_DECLINED with *refused, the index of the first flag none
 * allows; NGX_ERROR when out of memory.
 */

ngx_int_t
ngx_http_judge_registry_flags(ngx_http_judge_zone_t *zone, ngx_pool_t *pool,
    ngx_str_t *language, char **flags, size_t nflags, size_t *refused)
{
    size_t                         i;
    u_char                        *allowed;
    ngx_uint_t                     j, live;
    ngx_queue_t                   *q;
    ngx_http_judge_lang_t         *l;
    ngx_http_judge_worker_t       *w;
    ngx_http_judge_worker_lang_t  *wl;

    if (nflags == 0) {
        return NGX_OK;
    }

    allowed = ngx_pcalloc(pool, nflags);
    if (allowed == NULL) {
        return NGX_ERROR;
    }

    live = 0;

    ngx_http_judge_zone_lock(zone);

    for (q = ngx_queue_head(&zone->sh->workers_queue);
         q != ngx_queue_sentinel(&zone->sh->workers_queue);
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, ngx_http_judge_worker_t, queue);

        if (w->draining) {
            continue;
        }

        for (j = 0; j < w->nlangs; j++) {
            wl = &w->langs[j];

            if (wl->id.len != language->len
                || ngx_memcmp(wl->id.data, language->data, language->len)
                   != 0)
            {
                continue;
            }

            live = 1;

            for (i = 0; i < nflags; i++) {
                if (!allowed[i]
                    && ngx_http_judge_flag_allowed(&wl->flags,
                                                   (u_char *) flags[i],
                                                   ngx_strlen(flags[i])))
                {
                    allowed[i] = 1;
                }
            }

            break;
        }
    }

    if (!live) {
        l = ngx_http_judge_registry_lang_locked(zone->sh, language->data,
                                                language->len);

        for (i = 0; l && i < nflags; i++) {
            allowed[i] = ngx_http_judge_flag_allowed(&l->flags,
                                                     (u_char *) flags[i],
                                                     ngx_strlen(flags[i]));
        }
    }

    ngx_http_judge_zone_unlock(zone);

    for (i = 0; i < nflags; i++) {
        if (!allowed[i]) {
            *refused = i;
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


/*
 * The languages live workers offer now, as "id:1,id:0" (1: compiled) in
 * "buf"; its length.
 */

size_t
ngx_http_judge_registry_offered(ngx_http_judge_zone_t *zone, u_char *buf,
    size_t size)
{
    u_char                 *p, *last;
    ngx_uint_t              i;
    ngx_http_judge_lang_t  *l;

    p = buf;
    last = buf + size;

    ngx_http_judge_zone_lock(zone);

    for (i = 0; i < NGX_HTTP_JUDGE_MAX_LANGS; i++) {
        l = &zone->sh->languages[i];

        if (l->len == 0 || l->workers == 0
            || (size_t) (last - p) < l->len + 3)
        {
            continue;
        }

        if (p != buf) {
            *p++ = ',';
        }

        p = ngx_cpymem(p, l->id, l->len);
        *p++ = ':';
        *p++ = l->compiled ? '1' : '0';
    }

    ngx_http_judge_zone_unlock(zone);

    return p - buf;
}


/*
 * A live worker here offers the language, or its workers went moments
 * ago (they are likely on their way back, as after a reload).
 */

ngx_uint_t
ngx_http_judge_registry_offers_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *language)
{
    ngx_uint_t              i;
    ngx_http_judge_lang_t  *l;

    for (i = 0; i < NGX_HTTP_JUDGE_MAX_LANGS; i++) {
        l = &zone->sh->languages[i];

        if (l->len == language->len
            && ngx_memcmp(l->id, language->data, l->len) == 0)
        {
            return l->workers > 0
                   || (ngx_msec_int_t) (ngx_current_msec - l->last_live)
                      < NGX_HTTP_JUDGE_REJOIN_GRACE;
        }
    }

    return 0;
}


/*
 * What a code session shows of "language" and starts with (its template),
 * in the pool, as a live worker offers it.  NGX_DECLINED: no live worker
 * offers it here.
 */

ngx_int_t
ngx_http_judge_registry_language_info(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_str_t *language, ngx_http_judge_lang_info_t *info)
{
    ngx_uint_t                   n;
    ngx_http_judge_lang_copy_t  *langs;

    langs = ngx_http_judge_registry_langs_copy(zone, pool, language, &n);

    if (langs == NULL) {
        return NGX_ERROR;
    }

    if (n == 0) {
        return NGX_DECLINED;
    }

    info->name = langs[0].name;
    info->version = langs[0].version;
    info->runtime = langs[0].runtime;
    info->file_name = langs[0].file_name;
    info->template = langs[0].template;

    return NGX_OK;
}
