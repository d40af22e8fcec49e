/*
 * The artifact cache (see artifact.h) and the SHA-256 helper its keys and
 * the CompileResult's artifact_sha256 are made with.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"


/*
 * Prepares an empty cache of at most "max_bytes" of artifact data.
 * Returns 0, or -1 with the reason in "err".
 */
int
artifact_cache_init(struct artifact_cache *c, size_t max_bytes, char *err,
                    size_t errlen)
{
    int  rc;

    memset(c, 0, sizeof(*c));
    c->max_bytes = max_bytes;

    rc = pthread_mutex_init(&c->lock, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "pthread_mutex_init() failed: %s",
                 strerror(rc));
        return -1;
    }

    return 0;
}


/*
 * Frees one entry.
 */
static void
artifact_free(struct artifact *a)
{
    free(a->key);
    free(a->data);
    free(a);
}


/*
 * Takes "a" out of the LRU list.  Called with the lock held.
 */
static void
artifact_unlink(struct artifact_cache *c, struct artifact *a)
{
    if (a->prev != NULL) {
        a->prev->next = a->next;
    } else {
        c->newest = a->next;
    }

    if (a->next != NULL) {
        a->next->prev = a->prev;
    } else {
        c->oldest = a->prev;
    }

    a->prev = NULL;
    a->next = NULL;
    a->cached = false;
    c->bytes -= a->len;
    c->n--;
}


/*
 * Puts "a" at the most recent end of the LRU list.  Called with the lock
 * held, "a" not in the list.
 */
static void
artifact_link_newest(struct artifact_cache *c, struct artifact *a)
{
    a->prev = NULL;
    a->next = c->newest;

    if (c->newest != NULL) {
        c->newest->prev = a;
    } else {
        c->oldest = a;
    }

    c->newest = a;
    a->cached = true;
    c->bytes += a->len;
    c->n++;
}


/*
 * The cached entry under "key", or NULL.  Called with the lock held.
 */
static struct artifact *
artifact_find(struct artifact_cache *c, const char *key)
{
    struct artifact  *a;

    for (a = c->newest; a != NULL; a = a->next) {
        if (strcmp(a->key, key) == 0) {
            return a;
        }
    }

    return NULL;
}


/*
 * The entry under "key", pinned (release it with artifact_release()) and
 * made the most recently used; NULL when the cache does not hold it.
 */
struct artifact *
artifact_get(struct artifact_cache *c, const char *key)
{
    struct artifact  *a;

    pthread_mutex_lock(&c->lock);

    a = artifact_find(c, key);

    if (a != NULL) {
        artifact_unlink(c, a);
        artifact_link_newest(c, a);
        a->refs++;
    }

    pthread_mutex_unlock(&c->lock);

    return a;
}


/*
 * Takes "a" out of the cache for good: unlinked, what it stands for
 * dropped, and freed.  Called with the lock held, "a" cached and not
 * pinned.
 */
static void
artifact_evict(struct artifact_cache *c, struct artifact *a)
{
    artifact_unlink(c, a);

    if (c->drop != NULL) {
        c->drop(c->drop_data, a->key);
    }

    artifact_free(a);
}


/*
 * Evicts unpinned entries, oldest first, until "room" more bytes fit.
 * Called with the lock held.
 */
static void
artifact_make_room(struct artifact_cache *c, size_t room)
{
    struct artifact  *a, *prev;

    for (a = c->oldest; a != NULL && c->bytes + room > c->max_bytes;
         a = prev)
    {
        prev = a->prev;

        if (a->refs == 0) {
            artifact_evict(c, a);
        }
    }
}


/*
 * Files "len" bytes under "key" and returns the entry pinned: a copy of
 * "data", or with "data" NULL only their count (the bytes are kept
 * elsewhere, a file on disk).  When the key is already cached the entry
 * there is returned instead (the same key names the same bytes).
 * Unpinned entries are evicted, oldest first, until the new one fits; if
 * it cannot fit even then (it is larger than the cache less its pinned
 * entries), nothing is evicted and it is returned uncached, or cached
 * over the bound with keep_oversized.
 * Returns NULL on ENOMEM.
 */
struct artifact *
artifact_put(struct artifact_cache *c, const char *key, const void *data,
             size_t len)
{
    struct artifact  *a, *old;
    size_t            pinned;

    a = calloc(1, sizeof(*a));
    if (a == NULL) {
        return NULL;
    }

    a->key = strdup(key);

    if (data != NULL) {
        a->data = malloc(len ? len : 1);
    }

    if (a->key == NULL || (data != NULL && a->data == NULL)) {
        artifact_free(a);
        return NULL;
    }

    if (data != NULL) {
        memcpy(a->data, data, len);
    }

    a->len = len;
    a->refs = 1;

    pthread_mutex_lock(&c->lock);

    old = artifact_find(c, key);

    if (old != NULL) {
        artifact_unlink(c, old);
        artifact_link_newest(c, old);
        old->refs++;
        pthread_mutex_unlock(&c->lock);
        artifact_free(a);
        return old;
    }

    /* evict only when that makes room: never empty the cache in vain */
    pinned = 0;

    for (old = c->newest; old != NULL; old = old->next) {
        pinned += old->refs > 0 ? old->len : 0;
    }

    if (pinned + len <= c->max_bytes) {
        artifact_make_room(c, len);
        artifact_link_newest(c, a);

    } else if (c->keep_oversized) {
        artifact_link_newest(c, a);
    }

    pthread_mutex_unlock(&c->lock);

    return a;
}


/*
 * Drops a reference from artifact_get() or artifact_put().  An uncached
 * entry goes with its last reference; a cached one stays for later (with
 * keep_oversized, the cache then trims itself back to its bound).
 * NULL is fine.
 */
void
artifact_release(struct artifact_cache *c, struct artifact *a)
{
    bool  gone;

    if (a == NULL) {
        return;
    }

    pthread_mutex_lock(&c->lock);

    gone = --a->refs == 0 && !a->cached;

    /* not what a newer entry of the key stands for (a file fetched again) */

    if (gone && c->drop != NULL && artifact_find(c, a->key) == NULL) {
        c->drop(c->drop_data, a->key);
    }

    if (c->keep_oversized && a->refs == 0 && c->bytes > c->max_bytes) {
        artifact_make_room(c, 0);
    }

    pthread_mutex_unlock(&c->lock);

    if (gone) {
        artifact_free(a);
    }
}


/*
 * Takes the entry under "key" out of the cache, if there: later lookups
 * miss it.  A pinned entry lives on, uncached, until its last reference
 * goes.
 */
void
artifact_remove(struct artifact_cache *c, const char *key)
{
    struct artifact  *a;
    bool              gone;

    pthread_mutex_lock(&c->lock);

    a = artifact_find(c, key);
    gone = false;

    if (a != NULL) {
        artifact_unlink(c, a);
        gone = a->refs == 0;

        if (gone && c->drop != NULL) {
            c->drop(c->drop_data, a->key);
        }
    }

    pthread_mutex_unlock(&c->lock);

    if (gone) {
        artifact_free(a);
    }
}


/*
 * The keys of at most "max" cached entries, most recently used first, as
 * one malloc'ed block (free() it): "*n" pointers to NUL-terminated copies
 * that live in the same block.  Keys longer than a hex SHA-256 are left
 * out: they are not the master's hashes, and each listed key has room for
 * SHA256_HEX_LEN bytes only.  NULL on ENOMEM.
 */
char **
artifact_cache_keys(struct artifact_cache *c, size_t max, size_t *n)
{
    struct artifact  *a;
    char            **keys, *copy;
    size_t            len;

    keys = malloc(max * (sizeof(char *) + SHA256_HEX_LEN + 1) + 1);
    if (keys == NULL) {
        return NULL;
    }

    copy = (char *) (keys + max);
    *n = 0;

    pthread_mutex_lock(&c->lock);

    for (a = c->newest; a != NULL && *n < max; a = a->next) {
        len = strlen(a->key);

        if (len > SHA256_HEX_LEN) {
            continue;
        }

        memcpy(copy, a->key, len + 1);
        keys[(*n)++] = copy;
        copy += SHA256_HEX_LEN + 1;
    }

    pthread_mutex_unlock(&c->lock);

    return keys;
}


/*
 * Frees every cached entry; nothing may be pinned any more.
 */
void
artifact_cache_free(struct artifact_cache *c)
{
    struct artifact  *a, *next;

    for (a = c->newest; a != NULL; a = next) {
        next = a->next;
        artifact_free(a);
    }

    pthread_mutex_destroy(&c->lock);
    memset(c, 0, sizeof(*c));
}


/*
 * The SHA-256 of the concatenated "parts" as 64 lowercase hex digits.
 * Returns 0, or -1 when OpenSSL failed (out of memory).
 */
int
sha256_hex(const struct iovec *parts, size_t n, char out[SHA256_HEX_LEN + 1])
{
    EVP_MD_CTX  *ctx;
    size_t       i;
    int          ok;

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return -1;
    }

    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);

    for (i = 0; ok && i < n; i++) {
        ok = EVP_DigestUpdate(ctx, parts[i].iov_base, parts[i].iov_len);
    }

    if (!ok) {
        EVP_MD_CTX_free(ctx);
        return -1;
    }

    return sha256_final_hex(ctx, out);
}


/*
 * Ends a SHA-256 fed piece by piece (EVP_DigestInit_ex() with
 * EVP_sha256(), then EVP_DigestUpdate()) and frees "ctx": the digest as
 * 64 lowercase hex digits.  Returns 0, or -1 when OpenSSL failed.
 */
int
sha256_final_hex(EVP_MD_CTX *ctx, char out[SHA256_HEX_LEN + 1])
{
    static const char  hex[] = "0123456789abcdef";
    unsigned char      md[32];
    unsigned int       md_len;
    size_t             i;
    int                ok;

    ok = EVP_DigestFinal_ex(ctx, md, &md_len);
    EVP_MD_CTX_free(ctx);

    if (!ok || md_len != sizeof(md)) {
        return -1;
    }

    for (i = 0; i < sizeof(md); i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0xf];
    }

    out[SHA256_HEX_LEN] = '\0';

    return 0;
}


/*
 * True when "s" is a hex SHA-256 as the master writes them: exactly 64
 * lowercase hex digits (safe as a file name).
 */
bool
sha256_hex_ok(const char *s)
{
    size_t  i;

    for (i = 0; i < SHA256_HEX_LEN; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return false;
        }
    }

    return s[SHA256_HEX_LEN] == '\0';
}
