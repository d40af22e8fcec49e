
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_BLOBS_H_INCLUDED_
#define _NGX_HTTP_JUDGE_BLOBS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


/*
 * Bulk bytes live in the cache directory (judge_cache_path), never in the
 * zone: submissions' sources and tests, compiled artifacts, compile
 * answers, and every job's rendered results.  The zone indexes them.
 *
 *   blob      immutable bytes named by SHA-256 ("b-<i>-<hash>-<serial>"),
 *             reference counted; unreferenced ones stay for reuse and go,
 *             least recently used first, when the directory would pass
 *             its max_size
 *   results   one append-only file per job ("r-<i>-<serial>"); a result's
 *             range is claimed under the lock and written outside it
 *   recipe    how an outgoing frame is made from bytes and blob ranges;
 *             it travels through the mailbox instead of the bytes, and
 *             the process holding the stream reads the files
 *
 * "<i>" is the zone's instance, made when the zone is: an instance's
 * files are its own, and removed by the next nginx once the instance's
 * master is gone (see ngx_http_judge_blob_claim()).  Files are written to
 * a temporary name and renamed, and read with plain reads (they are in
 * the page cache); nothing is synced.
 */


/* the longest name of a cache file, "/b-<i>-" + 64 + "-" + serial */
#define NGX_HTTP_JUDGE_CACHE_NAME_LEN                                        \
    (sizeof("/b---") + NGX_HTTP_JUDGE_INSTANCE_LEN + 64 + NGX_INT64_LEN)


typedef struct {
    u_char                      *buf;         /* ngx_alloc()ed */
    size_t                       len;
    size_t                       size;
    size_t                       total;       /* bytes of the frame */
    size_t                       inline_at;   /* length of the last part
                                                 when it is inline, or 0 */
    unsigned                     failed:1;
} ngx_http_judge_recipe_t;


/* frees one finished record that holds blobs (NGX_OK), or NGX_DECLINED */
typedef ngx_int_t (*ngx_http_judge_blob_evict_pt)(ngx_http_judge_zone_t *zone);


void ngx_http_judge_blob_set_evict(ngx_http_judge_blob_evict_pt evict);
void ngx_http_judge_blob_init_zone(ngx_http_judge_shctx_t *sh);
ngx_int_t ngx_http_judge_blob_claim(ngx_http_judge_zone_t *zone);
void ngx_http_judge_blob_check(ngx_http_judge_zone_t *zone);
void ngx_http_judge_blob_sweep(ngx_http_judge_zone_t *zone, uint64_t below);

/*
 * Files "len" bytes and returns a held reference.  NGX_DECLINED: the
 * directory is full of blobs in use, or its disk is full; NGX_ERROR: the
 * file could not be written.
 */
ngx_int_t ngx_http_judge_blob_put(ngx_http_judge_zone_t *zone, u_char *data,
    size_t len, ngx_http_judge_blob_ref_t *ref);
void ngx_http_judge_blob_hold_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref);
void ngx_http_judge_blob_release_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref);
void ngx_http_judge_blob_release(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref);
void ngx_http_judge_blob_discard_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref);
u_char *ngx_http_judge_blob_name(ngx_http_judge_zone_t *zone, u_char *buf,
    ngx_http_judge_blob_ref_t *ref);

ngx_int_t ngx_http_judge_blob_evict_unused_locked(
    ngx_http_judge_zone_t *zone);
ngx_int_t ngx_http_judge_blob_reserve_locked(ngx_http_judge_zone_t *zone,
    off_t len);
void ngx_http_judge_blob_credit_locked(ngx_http_judge_zone_t *zone,
    off_t len);

u_char *ngx_http_judge_results_name(ngx_http_judge_zone_t *zone, u_char *buf,
    uint64_t serial);
/* NGX_DECLINED: the disk is full */
ngx_int_t ngx_http_judge_results_write(ngx_http_judge_zone_t *zone,
    uint64_t serial, uint64_t off, u_char *data, size_t len);

void ngx_http_judge_recipe_head(ngx_http_judge_recipe_t *r, void *head,
    size_t len);
void ngx_http_judge_recipe_bytes(ngx_http_judge_recipe_t *r, u_char *data,
    size_t len);
void ngx_http_judge_recipe_varint(ngx_http_judge_recipe_t *r, uint64_t v,
    ngx_uint_t field);
void ngx_http_judge_recipe_field(ngx_http_judge_recipe_t *r,
    ngx_uint_t field, size_t len);
void ngx_http_judge_recipe_blob(ngx_http_judge_recipe_t *r,
    ngx_http_judge_blob_ref_t *ref, uint64_t off, uint64_t len);
size_t ngx_http_judge_varint_len(uint64_t v);
size_t ngx_http_judge_field_len(ngx_uint_t field, size_t len);

/* the frame a recipe describes: its size, then its bytes */
size_t ngx_http_judge_recipe_size(u_char *recipe, size_t len);
ngx_int_t ngx_http_judge_recipe_make(ngx_http_judge_zone_t *zone,
    u_char *recipe, size_t len, u_char *dst);
u_char *ngx_http_judge_chain_copy(ngx_chain_t *in, u_char *p);


#endif /* _NGX_HTTP_JUDGE_BLOBS_H_INCLUDED_ */
