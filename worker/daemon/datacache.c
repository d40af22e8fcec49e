/*
 * The test data cache (see datacache.h): the artifact cache's LRU over
 * files named by their hex SHA-256 in one directory.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datacache.h"


/* a file found at start, to be taken in oldest first */
struct data_found {
    char     hash[SHA256_HEX_LEN + 1];
    off_t    size;
    time_t   mtime;
};


/*
 * The cache's drop hook: the file of an entry that left the cache goes.
 * Called with the cache's lock held.
 */
static void
data_cache_drop(void *data, const char *key)
{
    struct data_cache  *dc = data;
    char                path[4096];

    if (data_cache_path(dc, key, path, sizeof(path)) != 0) {
        return;
    }

    if (unlink(path) == -1 && errno != ENOENT) {
        log_warn(dc->log, "cannot remove test file %s: %s", path,
                 strerror(errno));
    } else {
        log_debug(dc->log, "test file %.12s removed from the cache", key);
    }
}


/*
 * Orders files found at start oldest first.
 */
static int
data_found_cmp(const void *a, const void *b)
{
    const struct data_found  *x = a, *y = b;

    return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}


/*
 * Takes in the files of the cache directory, if there is one: those
 * named by a hex SHA-256, oldest first (the most recent are then the
 * last evicted); half-written ones ("." first) are removed, anything
 * else is left alone.  Returns 0, or -1 with the reason in "err".
 */
static int
data_cache_scan(struct data_cache *dc, char *err, size_t errlen)
{
    DIR                *d;
    struct dirent      *e;
    struct stat         st;
    struct data_found  *found, *more;
    struct artifact    *a;
    size_t              n, cap, i;
    uint64_t            bytes;

    d = opendir(dc->dir);
    if (d == NULL) {
        if (errno == ENOENT) {
            return 0;
        }
        snprintf(err, errlen, "cannot read the test data cache %s: %s",
                 dc->dir, strerror(errno));
        return -1;
    }

    found = NULL;
    n = 0;
    cap = 0;

    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0
            && strcmp(e->d_name, "..") != 0)
        {
            (void) unlinkat(dirfd(d), e->d_name, 0);
            continue;
        }

        if (!sha256_hex_ok(e->d_name)
            || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0
            || !S_ISREG(st.st_mode))
        {
            continue;
        }

        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            more = realloc(found, cap * sizeof(*found));
            if (more == NULL) {
                free(found);
                closedir(d);
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            found = more;
        }

        memcpy(found[n].hash, e->d_name, SHA256_HEX_LEN + 1);
        found[n].size = st.st_size;
        found[n].mtime = st.st_mtime;
        n++;
    }

    closedir(d);

    qsort(found, n, sizeof(*found), data_found_cmp);

    bytes = 0;

    for (i = 0; i < n; i++) {
        a = artifact_put(&dc->lru, found[i].hash, NULL,
                         (size_t) found[i].size);
        if (a == NULL) {
            free(found);
            snprintf(err, errlen, "out of memory");
            return -1;
        }

        artifact_release(&dc->lru, a);
        bytes += (uint64_t) found[i].size;
    }

    free(found);

    if (n > 0) {
        log_info(dc->log, "test data cache %s: %zu file(s) found, %zu kept "
                 "(%zu bytes)", dc->dir, n, dc->lru.n, dc->lru.bytes);
    }

    return 0;
}


/*
 * Opens the cache in "dir" (absolute; made when the first file comes)
 * bounded to "max_bytes", and takes in the files already there.
 * Returns 0, or -1 with the reason in "err" and nothing to close.
 */
int
data_cache_open(struct data_cache *dc, const char *dir, uint64_t max_bytes,
                struct log *lg, char *err, size_t errlen)
{
    memset(dc, 0, sizeof(*dc));
    dc->log = lg;

    dc->dir = strdup(dir);
    if (dc->dir == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    if (artifact_cache_init(&dc->lru, max_bytes > SIZE_MAX ? SIZE_MAX
                                                           : max_bytes,
                            err, errlen) != 0)
    {
        free(dc->dir);
        return -1;
    }

    dc->lru.keep_oversized = true;
    dc->lru.drop = data_cache_drop;
    dc->lru.drop_data = dc;

    if (data_cache_scan(dc, err, errlen) != 0) {
        data_cache_close(dc);
        return -1;
    }

    return 0;
}


/*
 * Forgets the cache's bookkeeping; the files stay for the next start.
 * Nothing may be pinned any more.
 */
void
data_cache_close(struct data_cache *dc)
{
    artifact_cache_free(&dc->lru);
    free(dc->dir);
    dc->dir = NULL;
}


/*
 * The entry of the file "hash", pinned and made the most recently used
 * (release it with data_cache_release()); NULL when not held.
 */
struct artifact *
data_cache_get(struct data_cache *dc, const char *hash)
{
    return artifact_get(&dc->lru, hash);
}


/*
 * Unpins an entry; NULL is fine.
 */
void
data_cache_release(struct data_cache *dc, struct artifact *a)
{
    artifact_release(&dc->lru, a);
}


/*
 * Takes the file "hash" out of the cache (it is not what its name says):
 * removed now, or when the last batch holding it lets go.
 */
void
data_cache_forget(struct data_cache *dc, const char *hash)
{
    artifact_remove(&dc->lru, hash);
}


/*
 * The cache's bound in bytes.
 */
uint64_t
data_cache_max(const struct data_cache *dc)
{
    return dc->lru.max_bytes;
}


/*
 * The path of the file "hash" into "buf".  Returns 0, or -1 when it does
 * not fit.
 */
int
data_cache_path(const struct data_cache *dc, const char *hash, char *buf,
                size_t len)
{
    int  n;

    n = snprintf(buf, len, "%s/%s", dc->dir, hash);

    return n < 0 || (size_t) n >= len ? -1 : 0;
}


/*
 * Creates the file a fetch of "hash" is written to before it is complete
 * (the directory too, if need be), empty, and returns its descriptor with
 * its path in "path"; -1 with the reason in "err".
 */
int
data_cache_temp(struct data_cache *dc, const char *hash, char *path,
                size_t len, char *err, size_t errlen)
{
    int  n, fd;

    n = snprintf(path, len, "%s/.%s.part", dc->dir, hash);
    if (n < 0 || (size_t) n >= len) {
        snprintf(err, errlen, "the test data cache path is too long");
        return -1;
    }

    if (mkdir(dc->dir, 0755) == -1 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the test data cache %s: %s",
                 dc->dir, strerror(errno));
        return -1;
    }

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }

    return fd;
}


/*
 * Files the complete and verified file "temp" (written, synced and
 * closed: the name vouches for the bytes) as "hash" of "size" bytes:
 * renamed into place and entered in the
 * cache, which may evict older files to keep its bound.  Returns the
 * entry pinned, or NULL with the reason in "err" ("temp" is then
 * removed).
 */
struct artifact *
data_cache_store(struct data_cache *dc, const char *temp, const char *hash,
                 uint64_t size, char *err, size_t errlen)
{
    struct artifact  *a;
    char              path[4096];

    if (data_cache_path(dc, hash, path, sizeof(path)) != 0) {
        snprintf(err, errlen, "the test data cache path is too long");
        (void) unlink(temp);
        return NULL;
    }

    if (rename(temp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", temp, path,
                 strerror(errno));
        (void) unlink(temp);
        return NULL;
    }

    a = artifact_put(&dc->lru, hash, NULL, (size_t) size);
    if (a == NULL) {
        snprintf(err, errlen, "out of memory");
        (void) unlink(path);
        return NULL;
    }

    return a;
}
