/*
 * The worker's artifact cache: compiled programs kept in memory by key
 * (the master's artifact hash, or a checker's source hash), bounded in
 * bytes, least recently used evicted first.
 *
 * Entries are shared by reference count: a batch pins its artifact for as
 * long as it runs, so eviction never pulls bytes from under a running
 * test.  Pinned entries are never evicted; an entry that cannot fit even
 * after evicting everything unpinned is handed out uncached (it lives
 * until its last reference goes).  The keys can be listed, most recent
 * first (Register tells the master what it need not resend), and an entry
 * taken out.  Every call is thread-safe.  Lookups walk the list: a cache
 * holds hundreds of artifacts, not millions.
 *
 * The same list keeps files on disk (the test data cache, datacache.h):
 * an entry then holds no bytes, only their count, and two settings fit
 * it.  "keep_oversized": an entry that cannot fit is cached all the same
 * (it must stay findable while in use) and the cache trims itself back
 * to its bound as entries are released.  "drop": called, with the lock
 * held, for each entry that leaves the cache for good (evicted, or taken
 * out and no longer pinned), so that what it stands for goes too; not for
 * one taken out while pinned whose key has a newer entry by the time it
 * is released (what the key names is the newer one's).
 */

#ifndef JUDGE_WORKER_ARTIFACT_H
#define JUDGE_WORKER_ARTIFACT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <openssl/evp.h>


#define SHA256_HEX_LEN  64


struct artifact {
    char              *key;
    uint8_t           *data;
    size_t             len;

    /* the cache's own: guarded by its lock */
    unsigned           refs;
    bool               cached;          /* in the LRU list */
    struct artifact   *prev;            /* towards the most recent */
    struct artifact   *next;            /* towards the least recent */
};

typedef void (*artifact_drop_pt)(void *data, const char *key);

struct artifact_cache {
    pthread_mutex_t    lock;
    size_t             max_bytes;
    bool               keep_oversized;
    artifact_drop_pt   drop;            /* NULL: nothing outside to drop */
    void              *drop_data;
    size_t             bytes;           /* of the cached entries */
    size_t             n;
    struct artifact   *newest;
    struct artifact   *oldest;
};


int   artifact_cache_init(struct artifact_cache *c, size_t max_bytes,
                          char *err, size_t errlen);
void  artifact_cache_free(struct artifact_cache *c);
struct artifact *artifact_get(struct artifact_cache *c, const char *key);
struct artifact *artifact_put(struct artifact_cache *c, const char *key,
                              const void *data, size_t len);
void  artifact_release(struct artifact_cache *c, struct artifact *a);
void  artifact_remove(struct artifact_cache *c, const char *key);
char **artifact_cache_keys(struct artifact_cache *c, size_t max, size_t *n);

int   sha256_hex(const struct iovec *parts, size_t n,
                 char out[SHA256_HEX_LEN + 1]);
int   sha256_final_hex(EVP_MD_CTX *ctx, char out[SHA256_HEX_LEN + 1]);
bool  sha256_hex_ok(const char *s);


#endif /* JUDGE_WORKER_ARTIFACT_H */
