
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/file.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_blobs.h"


/*
 * The cache directory: blobs named by SHA-256 (tests, run templates,
 * compile tasks, artifacts, compile answers) indexed in the zone with a
 * reference count and LRU, one results file per job, and recipes: frames
 * described as bytes and blob ranges, read and sent by the process holding
 * the worker's stream.
 */


#define NGX_HTTP_JUDGE_PART_BYTES    'b'
#define NGX_HTTP_JUDGE_PART_BLOB     'f'
#define NGX_HTTP_JUDGE_DISK_JOBS     16    /* finished jobs a full disk may
                                              take at one write */


typedef struct {
    ngx_http_judge_blob_ref_t    ref;
    uint64_t                     off;
    uint64_t                     len;
} ngx_http_judge_part_blob_t;


static ngx_int_t ngx_http_judge_blob_ref_locked(ngx_http_judge_zone_t *zone,
    u_char *hash, size_t len, ngx_http_judge_blob_ref_t *ref);
static void ngx_http_judge_blob_drop_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_t *b);
static ngx_uint_t ngx_http_judge_blob_free_disk(ngx_http_judge_zone_t *zone,
    size_t len);
static void ngx_http_judge_blob_forget(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref);
static ngx_int_t ngx_http_judge_blob_write(ngx_http_judge_zone_t *zone,
    u_char *name, u_char *data, size_t len);
static ngx_int_t ngx_http_judge_file_write(u_char *name, ngx_uint_t mode,
    off_t off, u_char *data, size_t len);
static ngx_uint_t ngx_http_judge_no_room(ngx_err_t err);
static ngx_uint_t ngx_http_judge_disk_full(ngx_err_t err);
static void ngx_http_judge_cache_delete(ngx_http_judge_zone_t *zone,
    u_char *name, size_t len);
static ngx_int_t ngx_http_judge_read_range(u_char *name, uint64_t off,
    uint64_t len, u_char *dst);
static void ngx_http_judge_recipe_grow(ngx_http_judge_recipe_t *r,
    size_t len);


static ngx_http_judge_blob_evict_pt  ngx_http_judge_blob_evict;
static ngx_uint_t                    ngx_http_judge_tmp_seq;


void
ngx_http_judge_blob_set_evict(ngx_http_judge_blob_evict_pt evict)
{
    ngx_http_judge_blob_evict = evict;
}


void
ngx_http_judge_blob_init_zone(ngx_http_judge_shctx_t *sh)
{
    ngx_rbtree_init(&sh->blobs, &sh->blobs_sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->blobs_lru);
}


u_char *
ngx_http_judge_blob_name(ngx_http_judge_zone_t *zone, u_char *buf,
    ngx_http_judge_blob_ref_t *ref)
{
    u_char  *p;

    p = ngx_sprintf(buf, "%V/b-%*s-", &zone->cache->name,
                    (size_t) NGX_HTTP_JUDGE_INSTANCE_LEN, zone->instance);
    p = ngx_hex_dump(p, ref->hash, NGX_HTTP_JUDGE_SHA256_LEN);
    p = ngx_sprintf(p, "-%uL%Z", ref->serial);

    return buf;
}


u_char *
ngx_http_judge_results_name(ngx_http_judge_zone_t *zone, u_char *buf,
    uint64_t serial)
{
    (void) ngx_sprintf(buf, "%V/r-%*s-%uL%Z", &zone->cache->name,
                       (size_t) NGX_HTTP_JUDGE_INSTANCE_LEN, zone->instance,
                       serial);

    return buf;
}


/*
 * A reference to the index entry of "hash", made when there is none; its
 * bytes then count against the directory's size.  NGX_DECLINED: they do
 * not fit, even with every unreferenced blob (and what finished records
 * may let go of) gone.
 */

static ngx_int_t
ngx_http_judge_blob_ref_locked(ngx_http_judge_zone_t *zone, u_char *hash,
    size_t len, ngx_http_judge_blob_ref_t *ref)
{
    ngx_http_judge_blob_t   *b;
    ngx_http_judge_shctx_t  *sh;

    sh = zone->sh;

    b = ngx_http_judge_rbtree_lookup(&sh->blobs, hash,
                                     NGX_HTTP_JUDGE_SHA256_LEN);

    if (b == NULL) {
        if (ngx_http_judge_blob_reserve_locked(zone, len) != NGX_OK) {
            return NGX_DECLINED;
        }

        b = ngx_http_judge_zone_alloc_locked(zone,
                                             sizeof(ngx_http_judge_blob_t));
        if (b == NULL) {
            ngx_http_judge_blob_credit_locked(zone, len);
            return NGX_DECLINED;
        }

        ngx_memcpy(b->hash, hash, NGX_HTTP_JUDGE_SHA256_LEN);
        b->serial = sh->next_id++;
        b->len = len;

        ngx_http_judge_rbtree_insert(&sh->blobs, &b->sn, b->hash,
                                     NGX_HTTP_JUDGE_SHA256_LEN);
        sh->nblobs++;

    } else if (b->refs == 0) {
        ngx_queue_remove(&b->lru);
    }

    b->refs++;

    ngx_memcpy(ref->hash, b->hash, NGX_HTTP_JUDGE_SHA256_LEN);
    ref->serial = b->serial;
    ref->len = b->len;

    return NGX_OK;
}


/*
 * Room for "len" more bytes of results files: unused blobs go, then what
 * the evict hook lets go of.  NGX_DECLINED: there is none.
 */

ngx_int_t
ngx_http_judge_blob_reserve_locked(ngx_http_judge_zone_t *zone, off_t len)
{
    ngx_http_judge_shctx_t  *sh;

    sh = zone->sh;

    while (sh->blob_bytes + len > (uint64_t) zone->cache_max) {

        if (ngx_http_judge_blob_evict_unused_locked(zone) != NGX_OK
            && (ngx_http_judge_blob_evict == NULL
                || ngx_http_judge_blob_evict(zone) != NGX_OK))
        {
            return NGX_DECLINED;
        }
    }

    sh->blob_bytes += len;

    return NGX_OK;
}


/* the least recently used blob no record holds goes (NGX_OK) */

ngx_int_t
ngx_http_judge_blob_evict_unused_locked(ngx_http_judge_zone_t *zone)
{
    ngx_queue_t  *q;

    if (ngx_queue_empty(&zone->sh->blobs_lru)) {
        return NGX_DECLINED;
    }

    q = ngx_queue_last(&zone->sh->blobs_lru);
    ngx_http_judge_blob_drop_locked(zone,
                               ngx_queue_data(q, ngx_http_judge_blob_t, lru));

    return NGX_OK;
}


void
ngx_http_judge_blob_credit_locked(ngx_http_judge_zone_t *zone, off_t len)
{
    zone->sh->blob_bytes -= ngx_min((uint64_t) len, zone->sh->blob_bytes);
}


/* the entry and (after the lock) its file go */

static void
ngx_http_judge_blob_drop_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_t *b)
{
    ngx_http_judge_blob_ref_t  ref;
    u_char                     name[NGX_MAX_PATH];

    ngx_memcpy(ref.hash, b->hash, NGX_HTTP_JUDGE_SHA256_LEN);
    ref.serial = b->serial;
    ref.len = b->len;

    ngx_http_judge_zone_unlink_later(ngx_http_judge_blob_name(zone, name,
                                                              &ref));

    ngx_queue_remove(&b->lru);
    ngx_rbtree_delete(&zone->sh->blobs, &b->sn.node);
    zone->sh->blob_bytes -= b->len;
    zone->sh->nblobs--;

    ngx_slab_free_locked(zone->shpool, b);
}


ngx_int_t
ngx_http_judge_blob_put(ngx_http_judge_zone_t *zone, u_char *data,
    size_t len, ngx_http_judge_blob_ref_t *ref)
{
    ngx_int_t        rc;
    ngx_file_info_t  fi;
    u_char           hash[NGX_HTTP_JUDGE_SHA256_LEN];
    u_char           name[NGX_MAX_PATH];

    ngx_memzero(ref, sizeof(ngx_http_judge_blob_ref_t));

    if (len == 0) {
        return NGX_OK;
    }

    if (EVP_Digest(data, len, hash, NULL, EVP_sha256(), NULL) != 1) {
        return NGX_ERROR;
    }

    ngx_http_judge_zone_lock(zone);
    rc = ngx_http_judge_blob_ref_locked(zone, hash, len, ref);
    ngx_http_judge_zone_unlock(zone);

    if (rc != NGX_OK) {
        return rc;
    }

    /* renamed into place whole: a file of the name is complete */

    ngx_http_judge_blob_name(zone, name, ref);

    if (ngx_file_info(name, &fi) == 0 && (uint64_t) ngx_file_size(&fi) == len)
    {
        return NGX_OK;
    }

    rc = ngx_http_judge_blob_write(zone, name, data, len);

    /*
     * The disk may be smaller than max_size: unused blobs go, as many as
     * it takes bytes, and the write is tried once more.
     */

    if (rc != NGX_OK && ngx_http_judge_disk_full(ngx_errno)) {
        rc = NGX_DECLINED;

        if (ngx_http_judge_blob_free_disk(zone, len)
            && ngx_http_judge_blob_write(zone, name, data, len) == NGX_OK)
        {
            rc = NGX_OK;
        }
    }

    if (rc == NGX_OK) {
        return NGX_OK;
    }

    ngx_http_judge_blob_forget(zone, ref);

    return rc;
}


/* an error that says the disk (or the user's quota) is full */

static ngx_uint_t
ngx_http_judge_no_room(ngx_err_t err)
{
#if defined(EDQUOT)
    if (err == EDQUOT) {
        return 1;
    }
#endif

    return err == NGX_ENOSPC;
}


/*
 * Whether a write failed for want of room on the cache directory's disk
 * (it may be smaller than judge_cache_max_size, or shared): then a blob
 * or result that does not fit is NGX_DECLINED, said in the log once in a
 * while, not at every write.
 */

static ngx_uint_t
ngx_http_judge_disk_full(ngx_err_t err)
{
    static time_t  logged;

    if (!ngx_http_judge_no_room(err)) {
        return 0;
    }

    if (ngx_time() - logged >= 10) {
        logged = ngx_time();
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, err,
                      "judge: the cache directory's disk is full");
    }

    return 1;
}


/*
 * Room on a full disk: unused blobs of at least "len" bytes go, and when
 * there are none left, finished jobs past their minimum, oldest first (a
 * few: their results' sizes are not known here), with the blobs they
 * alone held.  0: nothing could go.
 */

static ngx_uint_t
ngx_http_judge_blob_free_disk(ngx_http_judge_zone_t *zone, size_t len)
{
    size_t                  freed;
    ngx_uint_t              n, jobs;
    ngx_http_judge_blob_t  *b;

    freed = 0;
    n = 0;
    jobs = 0;

    ngx_http_judge_zone_lock(zone);

    while (freed < 2 * len) {

        if (!ngx_queue_empty(&zone->sh->blobs_lru)) {
            b = ngx_queue_data(ngx_queue_last(&zone->sh->blobs_lru),
                               ngx_http_judge_blob_t, lru);
            freed += b->len;
            ngx_http_judge_blob_drop_locked(zone, b);
            n++;
            continue;
        }

        if (jobs == NGX_HTTP_JUDGE_DISK_JOBS
            || ngx_http_judge_blob_evict == NULL
            || ngx_http_judge_blob_evict(zone) != NGX_OK)
        {
            break;
        }

        jobs++;
        n++;
    }

    ngx_http_judge_zone_unlock(zone);

    return n;
}


/* a reference whose file could not be written: the entry goes at once */

static void
ngx_http_judge_blob_forget(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref)
{
    ngx_http_judge_blob_t  *b;

    ngx_http_judge_zone_lock(zone);

    b = ngx_http_judge_rbtree_lookup(&zone->sh->blobs, ref->hash,
                                     NGX_HTTP_JUDGE_SHA256_LEN);

    ngx_http_judge_blob_release_locked(zone, ref);

    if (b && b->refs == 0) {
        ngx_http_judge_blob_drop_locked(zone, b);
    }

    ngx_http_judge_zone_unlock(zone);
}


static ngx_int_t
ngx_http_judge_blob_write(ngx_http_judge_zone_t *zone, u_char *name,
    u_char *data, size_t len)
{
    ngx_err_t  err;
    u_char     tmp[NGX_MAX_PATH];

    (void) ngx_sprintf(tmp, "%V/t-%*s-%P-%ui%Z", &zone->cache->name,
                       (size_t) NGX_HTTP_JUDGE_INSTANCE_LEN, zone->instance,
                       ngx_pid, ngx_http_judge_tmp_seq++);

    if (ngx_http_judge_file_write(tmp, NGX_FILE_TRUNCATE, 0, data, len)
        != NGX_OK)
    {
        err = ngx_errno;
        (void) ngx_delete_file(tmp);
        ngx_set_errno(err);
        return NGX_ERROR;
    }

    if (ngx_rename_file(tmp, name) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      ngx_rename_file_n " \"%s\" to \"%s\" failed",
                      tmp, name);
        (void) ngx_delete_file(tmp);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * "len" bytes at "off" of the file "name" (opened with "mode").  NGX_ERROR
 * leaves errno as the failing call set it; it is logged unless the disk
 * is full (ngx_http_judge_disk_full() says that).
 */

static ngx_int_t
ngx_http_judge_file_write(u_char *name, ngx_uint_t mode, off_t off,
    u_char *data, size_t len)
{
    ssize_t    n;
    ngx_fd_t   fd;
    ngx_err_t  err;

    fd = ngx_open_file(name, NGX_FILE_WRONLY, mode, NGX_FILE_DEFAULT_ACCESS);
    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", name);
        return NGX_ERROR;
    }

    while (len) {
        n = pwrite(fd, data, len, off);

        if (n == -1 && ngx_errno == NGX_EINTR) {
            continue;
        }

        if (n == -1) {
            err = ngx_errno;

            if (!ngx_http_judge_no_room(err)) {
                ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, err,
                              "pwrite() \"%s\" failed", name);
            }

            (void) ngx_close_file(fd);
            ngx_set_errno(err);
            return NGX_ERROR;
        }

        data += n;
        len -= n;
        off += n;
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      ngx_close_file_n " \"%s\" failed", name);
        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_http_judge_blob_hold_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref)
{
    ngx_http_judge_blob_t  *b;

    if (ref->serial == 0) {
        return;
    }

    b = ngx_http_judge_rbtree_lookup(&zone->sh->blobs, ref->hash,
                                     NGX_HTTP_JUDGE_SHA256_LEN);

    if (b == NULL || b->serial != ref->serial) {
        /* cannot happen while the reference is held; be safe */
        ngx_memzero(ref, sizeof(ngx_http_judge_blob_ref_t));
        return;
    }

    if (b->refs == 0) {
        ngx_queue_remove(&b->lru);
    }

    b->refs++;
}


void
ngx_http_judge_blob_release_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref)
{
    ngx_http_judge_blob_t  *b;

    if (ref->serial == 0) {
        return;
    }

    b = ngx_http_judge_rbtree_lookup(&zone->sh->blobs, ref->hash,
                                     NGX_HTTP_JUDGE_SHA256_LEN);

    if (b && b->serial == ref->serial && b->refs) {
        if (--b->refs == 0) {
            ngx_queue_insert_head(&zone->sh->blobs_lru, &b->lru);
        }
    }

    ngx_memzero(ref, sizeof(ngx_http_judge_blob_ref_t));
}


/*
 * A reference let go of bytes nothing is likely to ask for again (a code
 * session's saved source): when it was the last, the blob goes at once
 * rather than waiting in the unused list.
 */

void
ngx_http_judge_blob_discard_locked(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref)
{
    ngx_http_judge_blob_t  *b;

    if (ref->serial == 0) {
        return;
    }

    b = ngx_http_judge_rbtree_lookup(&zone->sh->blobs, ref->hash,
                                     NGX_HTTP_JUDGE_SHA256_LEN);

    ngx_http_judge_blob_release_locked(zone, ref);

    if (b && b->refs == 0) {
        ngx_http_judge_blob_drop_locked(zone, b);
    }
}


void
ngx_http_judge_blob_release(ngx_http_judge_zone_t *zone,
    ngx_http_judge_blob_ref_t *ref)
{
    if (ref->serial == 0) {
        return;
    }

    ngx_http_judge_zone_lock(zone);
    ngx_http_judge_blob_release_locked(zone, ref);
    ngx_http_judge_zone_unlock(zone);
}


static ngx_uint_t
ngx_http_judge_cache_hex(u_char *p, size_t n)
{
    while (n--) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) {
            return 0;
        }

        p++;
    }

    return 1;
}


/*
 * The parts of a name of ours, "<kind>-<instance>-<rest>": blobs
 * "b-<i>-<64 hex>-<serial>", results "r-<i>-<serial>", temporary files
 * "t-<i>-<pid>-<n>", and the instance's lock "l-<i>".  NGX_DECLINED: a
 * name the judge does not make.
 */

static ngx_int_t
ngx_http_judge_cache_name(u_char *name, size_t len, u_char **instance,
    uint64_t *serial)
{
    u_char  *p, *last;
    size_t   i;

    last = name + len;

    if (len < 2 + NGX_HTTP_JUDGE_INSTANCE_LEN || name[1] != '-') {
        return NGX_DECLINED;
    }

    *instance = name + 2;

    if (!ngx_http_judge_cache_hex(name + 2, NGX_HTTP_JUDGE_INSTANCE_LEN)) {
        return NGX_DECLINED;
    }

    p = name + 2 + NGX_HTTP_JUDGE_INSTANCE_LEN;
    *serial = 0;

    if (name[0] == 'l') {
        return (p == last) ? NGX_OK : NGX_DECLINED;
    }

    if (p == last || *p++ != '-') {
        return NGX_DECLINED;
    }

    switch (name[0]) {

    case 'b':
        if (last - p < 66 || !ngx_http_judge_cache_hex(p, 64)
            || p[64] != '-')
        {
            return NGX_DECLINED;
        }

        p += 65;
        break;

    case 'r':
    case 't':
        break;

    default:
        return NGX_DECLINED;
    }

    if (name[0] == 't') {
        return NGX_OK;
    }

    if (p == last || last - p > 19) {
        return NGX_DECLINED;
    }

    for (i = 0; p + i < last; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return NGX_DECLINED;
        }
    }

    *serial = (uint64_t) ngx_atoof(p, last - p);

    return NGX_OK;
}


static ngx_int_t
ngx_http_judge_cache_lock(ngx_http_judge_zone_t *zone, u_char *instance,
    ngx_fd_t *fd)
{
    u_char  name[NGX_MAX_PATH];

    (void) ngx_sprintf(name, "%V/l-%*s%Z", &zone->cache->name,
                       (size_t) NGX_HTTP_JUDGE_INSTANCE_LEN, instance);

    *fd = ngx_open_file(name, NGX_FILE_RDWR, NGX_FILE_CREATE_OR_OPEN,
                        NGX_FILE_DEFAULT_ACCESS);
    if (*fd == NGX_INVALID_FILE) {
        return NGX_ERROR;
    }

    if (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
        (void) ngx_close_file(*fd);
        *fd = NGX_INVALID_FILE;
        return NGX_BUSY;
    }

    return NGX_OK;
}


/*
 * Runs in the master for a zone made new.  The zone's files are named
 * after a fresh instance, whose lock file the master holds for its life
 * (worker processes share the lock; it ends with the last of them).  The
 * directory may hold the files of other instances: of this directory's
 * earlier nginx, or of one still running (a binary upgrade, a second
 * start that fails, a zone resized on reload); those whose lock can be
 * taken have no process left, and go.
 */

ngx_int_t
ngx_http_judge_blob_claim(ngx_http_judge_zone_t *zone)
{
    u_char      *name, *instance;
    size_t       len;
    uint64_t     serial;
    ngx_fd_t     fd;
    ngx_int_t    rc;
    ngx_uint_t   i, n, dead;
    ngx_dir_t    dir;
    u_char       rnd[NGX_HTTP_JUDGE_INSTANCE_LEN / 2];
    u_char       seen[64][NGX_HTTP_JUDGE_INSTANCE_LEN];
    ngx_uint_t   gone[64];
    ngx_fd_t     locks[64];
    u_char       path[NGX_MAX_PATH];

    if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
        return NGX_ERROR;
    }

    ngx_hex_dump(zone->instance, rnd, sizeof(rnd));

    if (ngx_http_judge_cache_lock(zone, zone->instance, &fd) != NGX_OK) {
        ngx_log_error(NGX_LOG_EMERG, ngx_cycle->log, ngx_errno,
                      "judge: cannot lock a file in \"%V\"",
                      &zone->cache->name);
        return NGX_ERROR;
    }

    (void) fcntl(fd, F_SETFD, FD_CLOEXEC);

    if (ngx_open_dir(&zone->cache->name, &dir) == NGX_ERROR) {
        ngx_log_error(NGX_LOG_EMERG, ngx_cycle->log, ngx_errno,
                      ngx_open_dir_n " \"%V\" failed", &zone->cache->name);
        return NGX_ERROR;
    }

    n = 0;

    while (ngx_read_dir(&dir) == NGX_OK) {
        name = ngx_de_name(&dir);
        len = ngx_de_namelen(&dir);

        if (ngx_http_judge_cache_name(name, len, &instance, &serial)
            != NGX_OK
            || ngx_strncmp(instance, zone->instance,
                           NGX_HTTP_JUDGE_INSTANCE_LEN) == 0)
        {
            continue;
        }

        for (i = 0; i < n; i++) {
            if (ngx_strncmp(seen[i], instance, NGX_HTTP_JUDGE_INSTANCE_LEN)
                == 0)
            {
                break;
            }
        }

        if (i == n) {
            if (n == 64) {
                continue;
            }

            ngx_memcpy(seen[n], instance, NGX_HTTP_JUDGE_INSTANCE_LEN);
            rc = ngx_http_judge_cache_lock(zone, instance, &locks[n]);
            gone[n] = (rc == NGX_OK);
            n++;
        }

        dead = gone[i];

        if (dead && name[0] != 'l') {
            ngx_http_judge_cache_delete(zone, name, len);
        }
    }

    (void) ngx_close_dir(&dir);

    /* the lock files of the instances that are gone go last */

    for (i = 0; i < n; i++) {
        if (!gone[i]) {
            continue;
        }

        (void) ngx_sprintf(path, "%V/l-%*s%Z", &zone->cache->name,
                           (size_t) NGX_HTTP_JUDGE_INSTANCE_LEN, seen[i]);
        (void) ngx_delete_file(path);
        (void) ngx_close_file(locks[i]);
    }

    return NGX_OK;
}


/*
 * In a worker process, once: can it write the directory?  A directory
 * the user of the worker processes cannot write answers every submission
 * with 503; this says why, at start.
 */

void
ngx_http_judge_blob_check(ngx_http_judge_zone_t *zone)
{
    ngx_fd_t  fd;
    u_char    name[NGX_MAX_PATH];

    (void) ngx_sprintf(name, "%V/t-%*s-%P-check%Z", &zone->cache->name,
                       (size_t) NGX_HTTP_JUDGE_INSTANCE_LEN, zone->instance,
                       ngx_pid);

    fd = ngx_open_file(name, NGX_FILE_WRONLY, NGX_FILE_TRUNCATE,
                       NGX_FILE_DEFAULT_ACCESS);

    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_EMERG, ngx_cycle->log, ngx_errno,
                      "judge: the worker processes cannot write the cache "
                      "directory \"%V\" (judge_cache_path): every "
                      "submission will be refused", &zone->cache->name);
        return;
    }

    (void) ngx_close_file(fd);
    (void) ngx_delete_file(name);
}


/* removes the file "name" of the directory; it may be gone already */

static void
ngx_http_judge_cache_delete(ngx_http_judge_zone_t *zone, u_char *name,
    size_t len)
{
    u_char  path[NGX_MAX_PATH];

    if (zone->cache->name.len + 1 + len + 1 > sizeof(path)) {
        return;
    }

    (void) ngx_sprintf(path, "%V/%*s%Z", &zone->cache->name, len, name);

    if (ngx_delete_file(path) == NGX_FILE_ERROR && ngx_errno != NGX_ENOENT) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      ngx_delete_file_n " \"%s\" failed", path);
    }
}


/*
 * After a reset of the zone nothing knows this instance's files made
 * before "below": they go.  Only blobs and results; a temporary file may
 * be a live writer's.
 */

void
ngx_http_judge_blob_sweep(ngx_http_judge_zone_t *zone, uint64_t below)
{
    u_char     *name, *instance;
    size_t      len;
    uint64_t    serial;
    ngx_dir_t   dir;

    if (ngx_open_dir(&zone->cache->name, &dir) == NGX_ERROR) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      ngx_open_dir_n " \"%V\" failed", &zone->cache->name);
        return;
    }

    while (ngx_read_dir(&dir) == NGX_OK) {
        name = ngx_de_name(&dir);
        len = ngx_de_namelen(&dir);

        if (ngx_http_judge_cache_name(name, len, &instance, &serial)
            == NGX_OK
            && (name[0] == 'b' || name[0] == 'r')
            && serial < below
            && ngx_strncmp(instance, zone->instance,
                           NGX_HTTP_JUDGE_INSTANCE_LEN) == 0)
        {
            ngx_http_judge_cache_delete(zone, name, len);
        }
    }

    (void) ngx_close_dir(&dir);
}


/*
 * A result's bytes at the range claimed for them; a full disk is tried
 * once more after unused blobs went, and is NGX_DECLINED.
 */

ngx_int_t
ngx_http_judge_results_write(ngx_http_judge_zone_t *zone, uint64_t serial,
    uint64_t off, u_char *data, size_t len)
{
    u_char  name[NGX_MAX_PATH];

    ngx_http_judge_results_name(zone, name, serial);

    if (ngx_http_judge_file_write(name, NGX_FILE_CREATE_OR_OPEN, off, data,
                                  len)
        == NGX_OK)
    {
        return NGX_OK;
    }

    if (!ngx_http_judge_disk_full(ngx_errno)) {
        return NGX_ERROR;
    }

    if (ngx_http_judge_blob_free_disk(zone, len)
        && ngx_http_judge_file_write(name, NGX_FILE_CREATE_OR_OPEN, off,
                                     data, len)
           == NGX_OK)
    {
        return NGX_OK;
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_judge_read_range(u_char *name, uint64_t off, uint64_t len,
    u_char *dst)
{
    ssize_t     n;
    ngx_file_t  file;

    ngx_memzero(&file, sizeof(ngx_file_t));

    file.name.data = name;
    file.name.len = ngx_strlen(name);
    file.log = ngx_cycle->log;

    file.fd = ngx_open_file(name, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", name);
        return NGX_ERROR;
    }

    n = ngx_read_file(&file, dst, len, (off_t) off);

    (void) ngx_close_file(file.fd);

    if (n != (ssize_t) len) {
        if (n != NGX_ERROR) {
            ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                          "judge: \"%s\" is shorter than it should be",
                          name);
        }

        return NGX_ERROR;
    }

    return NGX_OK;
}


/* ------------------------------------------------------------ recipes */


size_t
ngx_http_judge_varint_len(uint64_t v)
{
    size_t  n;

    for (n = 1; v >= 0x80; v >>= 7) {
        n++;
    }

    return n;
}


/* a length-delimited protobuf field: key, length, bytes */

size_t
ngx_http_judge_field_len(ngx_uint_t field, size_t len)
{
    return ngx_http_judge_varint_len(field << 3)
           + ngx_http_judge_varint_len(len) + len;
}


static void
ngx_http_judge_recipe_grow(ngx_http_judge_recipe_t *r, size_t len)
{
    u_char  *p;
    size_t   size;

    if (r->len + len <= r->size) {
        return;
    }

    size = ngx_max(2 * r->size, r->len + len + 64);

    p = ngx_alloc(size, ngx_cycle->log);
    if (p == NULL) {
        r->failed = 1;
        return;
    }

    if (r->buf) {
        ngx_memcpy(p, r->buf, r->len);
        ngx_free(r->buf);
    }

    r->buf = p;
    r->size = size;
}


/*
 * Bytes before the recipe proper, not part of the frame (its reader takes
 * them off first); only at the start.
 */

void
ngx_http_judge_recipe_head(ngx_http_judge_recipe_t *r, void *head,
    size_t len)
{
    ngx_http_judge_recipe_grow(r, len);
    if (r->failed) {
        return;
    }

    ngx_memcpy(r->buf + r->len, head, len);
    r->len += len;
}


/* inline bytes; they join the previous part when it is inline too */

void
ngx_http_judge_recipe_bytes(ngx_http_judge_recipe_t *r, u_char *data,
    size_t len)
{
    size_t  have;

    if (len == 0 || r->failed) {
        return;
    }

    ngx_http_judge_recipe_grow(r, 1 + sizeof(size_t) + len);
    if (r->failed) {
        return;
    }

    r->total += len;

    if (r->inline_at) {
        ngx_memcpy(&have, r->buf + r->inline_at, sizeof(size_t));
        have += len;
        ngx_memcpy(r->buf + r->inline_at, &have, sizeof(size_t));

    } else {
        r->buf[r->len++] = NGX_HTTP_JUDGE_PART_BYTES;
        r->inline_at = r->len;
        ngx_memcpy(r->buf + r->len, &len, sizeof(size_t));
        r->len += sizeof(size_t);
    }

    r->len = ngx_cpymem(r->buf + r->len, data, len) - r->buf;
}


void
ngx_http_judge_recipe_varint(ngx_http_judge_recipe_t *r, uint64_t v,
    ngx_uint_t field)
{
    u_char   buf[2 * NGX_INT64_LEN], *p;
    uint64_t key;

    p = buf;

    for (key = field << 3; key >= 0x80; key >>= 7) {
        *p++ = (u_char) (key | 0x80);
    }

    *p++ = (u_char) key;

    while (v >= 0x80) {
        *p++ = (u_char) (v | 0x80);
        v >>= 7;
    }

    *p++ = (u_char) v;

    ngx_http_judge_recipe_bytes(r, buf, p - buf);
}


/* the key and length of a length-delimited field whose bytes follow */

void
ngx_http_judge_recipe_field(ngx_http_judge_recipe_t *r, ngx_uint_t field,
    size_t len)
{
    u_char    buf[2 * NGX_INT64_LEN], *p;
    uint64_t  v;

    p = buf;

    for (v = (field << 3) | 2; v >= 0x80; v >>= 7) {
        *p++ = (u_char) (v | 0x80);
    }

    *p++ = (u_char) v;

    for (v = len; v >= 0x80; v >>= 7) {
        *p++ = (u_char) (v | 0x80);
    }

    *p++ = (u_char) v;

    ngx_http_judge_recipe_bytes(r, buf, p - buf);
}


void
ngx_http_judge_recipe_blob(ngx_http_judge_recipe_t *r,
    ngx_http_judge_blob_ref_t *ref, uint64_t off, uint64_t len)
{
    ngx_http_judge_part_blob_t  part;

    if (len == 0 || r->failed) {
        return;
    }

    ngx_http_judge_recipe_grow(r, 1 + sizeof(part));
    if (r->failed) {
        return;
    }

    part.ref = *ref;
    part.off = off;
    part.len = len;

    r->inline_at = 0;
    r->buf[r->len++] = NGX_HTTP_JUDGE_PART_BLOB;
    ngx_memcpy(r->buf + r->len, &part, sizeof(part));
    r->len += sizeof(part);
    r->total += len;
}


size_t
ngx_http_judge_recipe_size(u_char *recipe, size_t len)
{
    u_char                      *p, *last;
    size_t                       n, total;
    ngx_http_judge_part_blob_t   part;

    total = 0;
    last = recipe + len;

    for (p = recipe; p < last; /* void */) {
        if (*p++ == NGX_HTTP_JUDGE_PART_BYTES) {
            ngx_memcpy(&n, p, sizeof(size_t));
            p += sizeof(size_t) + n;
            total += n;

        } else {
            ngx_memcpy(&part, p, sizeof(part));
            p += sizeof(part);
            total += part.len;
        }
    }

    return total;
}


/* the frame's bytes into "dst" (of ngx_http_judge_recipe_size() bytes) */

ngx_int_t
ngx_http_judge_recipe_make(ngx_http_judge_zone_t *zone, u_char *recipe,
    size_t len, u_char *dst)
{
    u_char                      *p, *last;
    size_t                       n;
    ngx_http_judge_part_blob_t   part;
    u_char                       name[NGX_MAX_PATH];

    last = recipe + len;

    for (p = recipe; p < last; /* void */) {
        if (*p++ == NGX_HTTP_JUDGE_PART_BYTES) {
            ngx_memcpy(&n, p, sizeof(size_t));
            dst = ngx_cpymem(dst, p + sizeof(size_t), n);
            p += sizeof(size_t) + n;
            continue;
        }

        ngx_memcpy(&part, p, sizeof(part));
        p += sizeof(part);

        if (ngx_http_judge_read_range(ngx_http_judge_blob_name(zone, name,
                                                               &part.ref),
                                      part.off, part.len, dst)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        dst += part.len;
    }

    return NGX_OK;
}


/* a chain of memory and file parts copied to "p"; its end, or NULL */

u_char *
ngx_http_judge_chain_copy(ngx_chain_t *in, u_char *p)
{
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            n = ngx_read_file(b->file, p, b->file_last - b->file_pos,
                              b->file_pos);
            if (n != b->file_last - b->file_pos) {
                return NULL;
            }

            p += n;
            continue;
        }

        p = ngx_cpymem(p, b->pos, b->last - b->pos);
    }

    return p;
}
