
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_SHM_H_INCLUDED_
#define _NGX_HTTP_JUDGE_SHM_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


/*
 * What the zone needs from the records it holds, registered at
 * configuration time so that this layer names none of them:
 *
 *   init   lays out every record structure in a new root object;
 *   evict  frees one finished record that may go (NGX_OK), or says that
 *          none may (NGX_DECLINED);
 *   claim  takes the cache directory for a new zone (in the master):
 *          its files are named after the zone's instance, which the
 *          master keeps locked; files of instances whose master is gone
 *          are removed;
 *   sweep  removes this instance's files older than a serial (outside
 *          the lock, after a reset);
 *   restore  fills a new zone (in the master) with what outlives it in
 *          the cache directory.
 */
typedef struct {
    void                       (*init)(ngx_http_judge_shctx_t *sh);
    ngx_int_t                  (*evict)(ngx_http_judge_zone_t *zone);
    ngx_int_t                  (*claim)(ngx_http_judge_zone_t *zone);
    void                       (*sweep)(ngx_http_judge_zone_t *zone,
                                        uint64_t below);
    void                       (*restore)(ngx_http_judge_zone_t *zone);
} ngx_http_judge_shm_hooks_t;


void ngx_http_judge_shm_set_hooks(ngx_http_judge_shm_hooks_t *hooks);

/*
 * The zone's lock.  zone->sh is valid between the two; a holder that
 * died inside is found here and the zone reset (see the .c file).
 * Unlock removes the files queued with ngx_http_judge_zone_unlink_later().
 */
void ngx_http_judge_zone_lock(ngx_http_judge_zone_t *zone);
void ngx_http_judge_zone_unlock(ngx_http_judge_zone_t *zone);

/* an allocation that frees finished jobs when it must; NULL: none may go */
void *ngx_http_judge_zone_alloc_locked(ngx_http_judge_zone_t *zone,
    size_t size);
/* NGX_OK: new work fits beyond the reserve; NGX_DECLINED: it does not */
ngx_int_t ngx_http_judge_zone_room_locked(ngx_http_judge_zone_t *zone);
ngx_int_t ngx_http_judge_zone_store_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *dst, u_char *src, size_t len);
void ngx_http_judge_zone_free_str_locked(ngx_http_judge_zone_t *zone,
    ngx_str_t *s);
void ngx_http_judge_zone_unlink_later(u_char *name);


ngx_int_t ngx_http_judge_init_zone(ngx_shm_zone_t *shm_zone, void *data);
void ngx_http_judge_zone_stats(ngx_http_judge_zone_t *zone,
    ngx_uint_t *generation, time_t *created, size_t *size, size_t *free);
uint64_t ngx_http_judge_zone_next_id(ngx_http_judge_zone_t *zone);
void *ngx_http_judge_rbtree_lookup(ngx_rbtree_t *tree, u_char *key,
    size_t len);
void ngx_http_judge_rbtree_insert(ngx_rbtree_t *tree, ngx_str_node_t *sn,
    u_char *key, size_t len);
ngx_rbtree_node_t *ngx_http_judge_rbtree_find(ngx_rbtree_t *tree,
    ngx_rbtree_key_t key);


#endif /* _NGX_HTTP_JUDGE_SHM_H_INCLUDED_ */
