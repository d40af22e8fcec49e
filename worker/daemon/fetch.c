/*
 * Fetching test files from the master (see fetch.h).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"
#include "util.h"


/*
 * An empty set of fetches into "cache".
 */
void
fetches_init(struct fetches *f, struct data_cache *cache)
{
    memset(f, 0, sizeof(*f));
    f->cache = cache;
}


/*
 * Frees a fetch taken out of the list, its temporary file removed.
 */
static void
fetch_free(struct fetch *x)
{
    if (x->fd != -1) {
        (void) close(x->fd);
        (void) unlink(x->temp);
    }

    EVP_MD_CTX_free(x->sha);
    free(x);
}


/*
 * Takes "x" out of the list and frees it.
 */
static void
fetch_drop(struct fetches *f, struct fetch *x)
{
    struct fetch  **pp;

    for (pp = &f->head; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == x) {
            *pp = x->next;
            break;
        }
    }

    if (x->asked) {
        f->asked--;
    }

    fetch_free(x);
}


/*
 * The fetch of "hash", or NULL.
 */
static struct fetch *
fetch_find(struct fetches *f, const char *hash)
{
    struct fetch  *x;

    for (x = f->head; x != NULL; x = x->next) {
        if (strcmp(x->hash, hash) == 0) {
            return x;
        }
    }

    return NULL;
}


/*
 * A batch needs the file "hash" of "size" bytes: it is fetched unless it
 * is already.  Returns 0, or -1 on ENOMEM.
 */
int
fetch_want(struct fetches *f, const char *hash, uint64_t size)
{
    struct fetch  *x, **pp;

    if (fetch_find(f, hash) != NULL) {
        return 0;
    }

    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        return -1;
    }

    memcpy(x->hash, hash, SHA256_HEX_LEN + 1);
    x->size = size;
    x->fd = -1;

    for (pp = &f->head; *pp != NULL; pp = &(*pp)->next) {
        /* void */
    }

    *pp = x;

    return 0;
}


/*
 * The hashes the next DataRequest asks for, at most "max" of them and
 * within FETCH_MAX_ASKED, into "hashes" (pointers into the fetches, valid
 * until the next call here): they count as asked from "now" on.
 * Returns how many; 0 when nothing is to be asked now.
 */
size_t
fetch_next_request(struct fetches *f, char **hashes, size_t max, int64_t now)
{
    struct fetch  *x;
    size_t         n;

    n = 0;

    for (x = f->head; x != NULL && n < max && f->asked < FETCH_MAX_ASKED;
         x = x->next)
    {
        if (x->asked) {
            continue;
        }

        x->asked = true;
        x->deadline = now + FETCH_IDLE_TIMEOUT;
        f->asked++;
        hashes[n++] = x->hash;
    }

    return n;
}


/*
 * Writes "len" bytes at "data" to the fetch's temporary file, which is
 * made by the first piece.  Returns 0, or -1 with the reason in "err".
 */
static int
fetch_write(struct fetches *f, struct fetch *x, const uint8_t *data,
            size_t len, char *err, size_t errlen)
{
    ssize_t  n;
    size_t   off;

    if (x->fd == -1) {
        x->sha = EVP_MD_CTX_new();
        if (x->sha == NULL || !EVP_DigestInit_ex(x->sha, EVP_sha256(), NULL))
        {
            snprintf(err, errlen, "out of memory");
            return -1;
        }

        x->fd = data_cache_temp(f->cache, x->hash, x->temp, sizeof(x->temp),
                                err, errlen);
        if (x->fd == -1) {
            return -1;
        }
    }

    for (off = 0; off < len; off += (size_t) n) {
        n = write(x->fd, data + off, len - off);

        if (n == -1) {
            if (errno == EINTR) {
                n = 0;
                continue;
            }
            snprintf(err, errlen, "cannot write %s: %s", x->temp,
                     strerror(errno));
            return -1;
        }
    }

    if (!EVP_DigestUpdate(x->sha, data, len)) {
        snprintf(err, errlen, "SHA-256 failed");
        return -1;
    }

    x->got += len;

    return 0;
}


/*
 * The last piece of "x" is in: the file is synced, its SHA-256 checked
 * and it is renamed into the cache.  Returns the entry pinned, or NULL
 * with the reason in "err".
 */
static struct artifact *
fetch_finish(struct fetches *f, struct fetch *x, char *err, size_t errlen)
{
    char  sha[SHA256_HEX_LEN + 1];
    int   rc;

    rc = sha256_final_hex(x->sha, sha);
    x->sha = NULL;

    if (rc != 0) {
        snprintf(err, errlen, "SHA-256 failed");
        return NULL;
    }

    if (strcmp(sha, x->hash) != 0) {
        snprintf(err, errlen, "the %" PRIu64 " bytes sent as test file "
                 "%.64s have the SHA-256 %s", x->got, x->hash, sha);
        return NULL;
    }

    if (fdatasync(x->fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", x->temp,
                 strerror(errno));
        return NULL;
    }

    (void) close(x->fd);
    x->fd = -1;

    return data_cache_store(f->cache, x->temp, x->hash, x->size, err,
                            errlen);
}


/*
 * Takes a TestData.  FETCH_MORE after a piece that is not the last;
 * FETCH_DONE when the file is complete, checked and in the cache,
 * "*done" its entry pinned (release it); FETCH_FAILED, the fetch over,
 * when the master lacks the file or what came is wrong (not the size the
 * test gave, a piece out of order, empty or over the size, bytes that
 * do not hash to the name), the reason in "err"; FETCH_UNKNOWN for a
 * file not being fetched (an answer meant for an earlier stream).
 */
enum fetch_status
fetch_piece(struct fetches *f, const Judge__TestData *d,
            struct artifact **done, char *err, size_t errlen)
{
    struct fetch  *x;

    *done = NULL;

    x = fetch_find(f, d->hash);
    if (x == NULL || !x->asked) {
        return FETCH_UNKNOWN;
    }

    if (d->missing) {
        snprintf(err, errlen, "the master has no test file %.64s", x->hash);
        goto failed;
    }

    if (d->total != x->size) {
        snprintf(err, errlen, "test file %.64s is %" PRIu64 " bytes on the "
                 "master, the test says %" PRIu64, x->hash, d->total,
                 x->size);
        goto failed;
    }

    if (d->offset != x->got) {
        snprintf(err, errlen, "a piece of test file %.64s at offset %"
                 PRIu64 ", %" PRIu64 " expected", x->hash, d->offset, x->got);
        goto failed;
    }

    /* each piece moves the fetch on: empty ones would hold it forever */
    if (d->data.len == 0 && x->size > 0) {
        snprintf(err, errlen, "an empty piece of test file %.64s at offset "
                 "%" PRIu64, x->hash, x->got);
        goto failed;
    }

    if (d->data.len > x->size - x->got) {
        snprintf(err, errlen, "the pieces of test file %.64s run past its %"
                 PRIu64 " bytes", x->hash, x->size);
        goto failed;
    }

    if (fetch_write(f, x, d->data.data, d->data.len, err, errlen) != 0) {
        goto failed;
    }

    if (x->got < x->size) {
        x->deadline = now_ms() + FETCH_IDLE_TIMEOUT;
        return FETCH_MORE;
    }

    *done = fetch_finish(f, x, err, errlen);

    if (*done == NULL) {
        goto failed;
    }

    fetch_drop(f, x);

    return FETCH_DONE;

failed:

    fetch_drop(f, x);

    return FETCH_FAILED;
}


/*
 * Takes out one fetch that was asked for and got no piece for
 * FETCH_IDLE_TIMEOUT ms, its hash into "hash".  Returns false when none
 * has expired.
 */
bool
fetch_expired(struct fetches *f, int64_t now, char hash[SHA256_HEX_LEN + 1])
{
    struct fetch  *x;

    for (x = f->head; x != NULL; x = x->next) {
        if (x->asked && x->deadline <= now) {
            memcpy(hash, x->hash, SHA256_HEX_LEN + 1);
            fetch_drop(f, x);
            return true;
        }
    }

    return false;
}


/*
 * The earliest deadline of the fetches asked for, INT64_MAX when none.
 */
int64_t
fetch_deadline(const struct fetches *f)
{
    const struct fetch  *x;
    int64_t              at;

    at = INT64_MAX;

    for (x = f->head; x != NULL; x = x->next) {
        if (x->asked && x->deadline < at) {
            at = x->deadline;
        }
    }

    return at;
}


/*
 * Drops every fetch (the stream is gone: what it asked for will not
 * come); their temporary files are removed.
 */
void
fetches_reset(struct fetches *f)
{
    struct fetch  *x, *next;

    for (x = f->head; x != NULL; x = next) {
        next = x->next;
        fetch_free(x);
    }

    f->head = NULL;
    f->asked = 0;
}
