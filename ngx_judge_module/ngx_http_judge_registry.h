
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_REGISTRY_H_INCLUDED_
#define _NGX_HTTP_JUDGE_REGISTRY_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


/* the workers, what they offer and what they hold (ngx_http_judge_registry.c) */

/*
 * What the registry tells the scheduler, registered at configuration time
 * so that the registry names none of it; both under the lock:
 *
 *   gone  a worker's stream is gone: what it had in hand goes out again,
 *         as a failed attempt when the worker was "lost";
 *   came  a worker registered: work nobody could take may go to it.
 */
typedef struct {
    void                       (*gone)(ngx_http_judge_zone_t *zone,
                                       uint64_t stream_id, ngx_uint_t lost);
    void                       (*came)(ngx_http_judge_zone_t *zone);
} ngx_http_judge_registry_hooks_t;


void ngx_http_judge_registry_set_hooks(ngx_http_judge_registry_hooks_t *hooks);
void ngx_http_judge_registry_init_zone(ngx_http_judge_shctx_t *sh);
void ngx_http_judge_registry_restore(ngx_http_judge_zone_t *zone);
ngx_int_t ngx_http_judge_registry_add(ngx_http_judge_zone_t *zone,
    ngx_http_judge_worker_info_t *info, ngx_http_judge_addr_t *old);
void ngx_http_judge_registry_heartbeat(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, uint64_t stream_id, ngx_uint_t free_slots,
    ngx_uint_t active_tasks, ngx_uint_t load100, ngx_uint_t cpu_percent,
    uint64_t ram_used_kb, uint64_t ram_total_kb, uint64_t tasks_done,
    ngx_uint_t draining);
void ngx_http_judge_registry_remove(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, uint64_t stream_id, ngx_uint_t lost,
    ngx_http_judge_addr_t *waiter);
ngx_int_t ngx_http_judge_registry_drain(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, ngx_http_judge_addr_t *waiter,
    ngx_http_judge_addr_t *stream);
void ngx_http_judge_registry_counts(ngx_http_judge_zone_t *zone,
    ngx_uint_t *workers, ngx_uint_t *free_slots);
ngx_buf_t *ngx_http_judge_registry_json(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_uint_t full);
void ngx_http_judge_registry_expire(ngx_http_judge_zone_t *zone,
    ngx_pid_t *gone, ngx_uint_t ngone);
ngx_int_t ngx_http_judge_list_has(u_char *list, size_t len, u_char *item,
    size_t n);
ngx_int_t ngx_http_judge_registry_language(ngx_http_judge_zone_t *zone,
    ngx_str_t *language, ngx_uint_t *compiled);
size_t ngx_http_judge_registry_offered(ngx_http_judge_zone_t *zone,
    u_char *buf, size_t size);
ngx_uint_t ngx_http_judge_registry_offers_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *language);
ngx_int_t ngx_http_judge_registry_flags(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool, ngx_str_t *language, char **flags, size_t nflags,
    size_t *refused);
/* a language as a code session shows it */
typedef struct {
    ngx_str_t                    name;
    ngx_str_t                    version;
    ngx_str_t                    runtime;
    ngx_str_t                    file_name;
    ngx_str_t                    template;
} ngx_http_judge_lang_info_t;

ngx_buf_t *ngx_http_judge_registry_languages_json(
    ngx_http_judge_zone_t *zone, ngx_pool_t *pool, ngx_str_t *only,
    ngx_str_t *defaults, ngx_str_t *top);
ngx_int_t ngx_http_judge_registry_language_info(
    ngx_http_judge_zone_t *zone, ngx_pool_t *pool, ngx_str_t *language,
    ngx_http_judge_lang_info_t *info);
void ngx_http_judge_registry_returned_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, uint64_t stream_id);
void ngx_http_judge_registry_release_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, uint64_t stream_id, ngx_uint_t n);
ngx_int_t ngx_http_judge_registry_pick_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *language, ngx_uint_t compile, ngx_str_t *abi,
    ngx_uint_t count, u_char *hash, size_t frame,
    ngx_http_judge_worker_t **worker);
void ngx_http_judge_registry_largest_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *language, size_t *frame, ngx_uint_t *slots);
ngx_uint_t ngx_http_judge_registry_held_locked(ngx_http_judge_worker_t *w,
    u_char *hash);
void ngx_http_judge_registry_hold_locked(ngx_http_judge_worker_t *w,
    u_char *hash);
ngx_int_t ngx_http_judge_registry_abi_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, ngx_str_t *abi);
void ngx_http_judge_registry_holds_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *id, u_char *hash);


#endif /* _NGX_HTTP_JUDGE_REGISTRY_H_INCLUDED_ */
