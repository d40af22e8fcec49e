/*
 * The artifact cache: bounded in bytes, least recently used out first,
 * pinned entries never evicted, oversized ones handed out uncached, keys
 * listed most recent first, entries removed; entries that stand for
 * bytes kept elsewhere, cached over the bound while pinned and dropped
 * through the hook; and the SHA-256 helper against known digests.
 */

#include <pthread.h>
#include <stdlib.h>

#include "daemon/artifact.h"
#include "tap.h"


/* the keys the drop hook was called with, in order */
static char  dropped[256];


static void
drop(void *data, const char *key)
{
    (void) data;
    strncat(dropped, key, sizeof(dropped) - strlen(dropped) - 1);
}


/*
 * True when "key" is in the cache (a get, so it also refreshes it).
 */
static int
holds(struct artifact_cache *c, const char *key)
{
    struct artifact  *a;

    a = artifact_get(c, key);
    artifact_release(c, a);

    return a != NULL;
}


static void
put(struct artifact_cache *c, const char *key, size_t len)
{
    char              *data;
    struct artifact   *a;

    data = calloc(1, len + 1);
    memset(data, key[0], len);
    a = artifact_put(c, key, data, len);
    artifact_release(c, a);
    free(data);
}


struct hammer {
    struct artifact_cache  *c;
    int                     id;
};


static void *
hammer(void *arg)
{
    struct hammer     *h = arg;
    struct artifact   *a;
    char               key[32], data[100];
    int                i, bad;

    bad = 0;

    for (i = 0; i < 2000; i++) {
        snprintf(key, sizeof(key), "k%d", (i * 7 + h->id) % 40);
        a = artifact_get(h->c, key);

        if (a == NULL) {
            memset(data, key[1], sizeof(data));
            a = artifact_put(h->c, key, data, sizeof(data));
        }

        /* the bytes of a pinned entry stay put whatever others evict */
        if (a == NULL || a->len != sizeof(data) || a->data[99] != key[1]) {
            bad++;
        }

        artifact_release(h->c, a);
    }

    return (void *) (long) bad;
}


/*
 * A cache of sizes only, as the test data cache keeps files: oversized
 * entries stay cached while pinned, the bound comes back as they go, and
 * the hook hears of every entry that leaves for good.
 */
static void
test_sizes_only(void)
{
    struct artifact_cache   c;
    struct artifact        *a, *big;
    char                    err[128];

    ok(artifact_cache_init(&c, 1000, err, sizeof(err)) == 0, "a cache");
    c.keep_oversized = true;
    c.drop = drop;

    a = artifact_put(&c, "a", NULL, 400);
    ok(a != NULL && a->data == NULL && a->len == 400,
       "an entry of 400 bytes held elsewhere");
    artifact_release(&c, a);
    artifact_release(&c, artifact_put(&c, "b", NULL, 400));

    big = artifact_put(&c, "c", NULL, 1500);
    ok(big != NULL && big->cached && c.n == 3,
       "one over the bound is cached all the same, nothing evicted in vain");
    is_str(dropped, "", "nothing dropped yet");

    a = artifact_get(&c, "a");
    artifact_release(&c, a);
    is_str(dropped, "ba", "a release over the bound trims the unpinned, "
           "least recent first, through the hook");
    ok(holds(&c, "c"), "the pinned one stays findable");

    artifact_release(&c, big);
    ok(c.bytes == 0 && c.n == 0, "released, it goes too");
    is_str(dropped, "bac", "through the hook");

    artifact_release(&c, artifact_put(&c, "d", NULL, 100));
    artifact_remove(&c, "d");
    is_str(dropped, "bacd", "removed: dropped");

    a = artifact_put(&c, "e", NULL, 100);
    artifact_remove(&c, "e");
    is_str(dropped, "bacd", "removed while pinned: not yet");
    artifact_release(&c, a);
    is_str(dropped, "bacde", "at its last release");

    a = artifact_put(&c, "g", NULL, 100);
    artifact_remove(&c, "g");
    artifact_release(&c, artifact_put(&c, "g", NULL, 100));
    artifact_release(&c, a);
    is_str(dropped, "bacde", "removed while pinned, then put again: the "
           "old one's release drops nothing of the new");
    ok(holds(&c, "g"), "the new one is held");

    artifact_release(&c, artifact_put(&c, "f", NULL, 100));
    artifact_cache_free(&c);
    is_str(dropped, "bacde", "freeing the cache drops nothing");
}


int
main(void)
{
    struct artifact_cache   c;
    struct artifact        *a, *b, *pinned, *huge;
    struct iovec            parts[3];
    pthread_t               th[4];
    struct hammer           hm[4];
    char                    hex[SHA256_HEX_LEN + 1], err[256];
    char                    long_key[SHA256_HEX_LEN + 2], **keys;
    void                   *bad;
    long                    total_bad;
    size_t                  n;
    int                     i;

    ok(artifact_cache_init(&c, 1000, err, sizeof(err)) == 0, "init");

    /* --- filing and finding */
    ok(artifact_get(&c, "a") == NULL, "an empty cache holds nothing");

    a = artifact_put(&c, "a", "hello", 5);
    ok(a != NULL && a->len == 5 && memcmp(a->data, "hello", 5) == 0,
       "put returns the entry with a copy of the bytes");
    b = artifact_get(&c, "a");
    ok(b == a, "get finds it");
    artifact_release(&c, b);

    b = artifact_put(&c, "a", "other", 5);
    ok(b == a && memcmp(b->data, "hello", 5) == 0,
       "putting a key again returns the entry already there");
    artifact_release(&c, b);
    artifact_release(&c, a);
    is_int(c.n, 1, "one entry");
    is_int(c.bytes, 5, "five bytes");

    /* --- least recently used goes first */
    artifact_cache_free(&c);
    artifact_cache_init(&c, 1000, err, sizeof(err));

    put(&c, "a", 300);
    put(&c, "b", 300);
    put(&c, "c", 300);
    ok(holds(&c, "a"), "a is used again: now the most recent");
    put(&c, "d", 300);
    ok(!holds(&c, "b"), "d pushed out b, the least recently used");
    ok(holds(&c, "a") && holds(&c, "c") && holds(&c, "d"),
       "a, c and d stay");
    is_int(c.bytes, 900, "900 bytes cached");

    put(&c, "e", 1000);
    is_int(c.n, 1, "an entry of the whole size evicts all the rest");
    ok(holds(&c, "e"), "and is cached");

    /* --- pinned entries are never evicted */
    artifact_cache_free(&c);
    artifact_cache_init(&c, 1000, err, sizeof(err));

    pinned = artifact_put(&c, "p", "x", 1);
    put(&c, "q", 500);
    put(&c, "r", 499);
    put(&c, "s", 600);
    ok(pinned->cached && pinned->data[0] == 'x', "the pinned entry stays");
    ok(!holds(&c, "q") && !holds(&c, "r"), "unpinned ones made room");
    ok(holds(&c, "s"), "for the new one");
    ok(c.bytes <= c.max_bytes, "the bound holds");

    /* --- too big: handed out, not cached */
    huge = artifact_put(&c, "h", "", 0);
    artifact_release(&c, huge);

    a = calloc(1, 2000);
    huge = artifact_put(&c, "big", a, 2000);
    free(a);
    ok(huge != NULL && !huge->cached && huge->len == 2000,
       "an entry bigger than the cache is handed out uncached");
    ok(!holds(&c, "big"), "and not found later");
    ok(holds(&c, "s"), "nothing was evicted for it in vain");
    artifact_release(&c, huge);

    artifact_release(&c, pinned);
    put(&c, "t", 999);
    ok(!holds(&c, "p"), "once released, the old pinned entry can go");

    artifact_cache_free(&c);

    /* --- listing the keys, most recently used first */
    artifact_cache_init(&c, 1000, err, sizeof(err));

    keys = artifact_cache_keys(&c, 4, &n);
    ok(keys != NULL && n == 0, "an empty cache lists no key");
    free(keys);

    memset(long_key, 'k', SHA256_HEX_LEN + 1);
    long_key[SHA256_HEX_LEN + 1] = '\0';
    put(&c, "a", 10);
    put(&c, long_key, 10);
    put(&c, "b", 10);
    put(&c, "c", 10);
    ok(holds(&c, "a"), "a is used again");

    keys = artifact_cache_keys(&c, 4, &n);
    is_int(n, 3, "three keys listed, the one longer than a hash left out");
    ok(n == 3 && strcmp(keys[0], "a") == 0 && strcmp(keys[1], "c") == 0
       && strcmp(keys[2], "b") == 0, "most recently used first: a, c, b");
    free(keys);

    keys = artifact_cache_keys(&c, 2, &n);
    ok(n == 2 && strcmp(keys[0], "a") == 0 && strcmp(keys[1], "c") == 0,
       "at most as many as asked for, the most recent ones");
    free(keys);

    /* --- removing */
    artifact_remove(&c, "c");
    ok(!holds(&c, "c") && c.n == 3 && c.bytes == 30,
       "a removed entry is gone from the cache and its books");
    artifact_remove(&c, "nothing");
    is_int(c.n, 3, "removing a key not held changes nothing");

    pinned = artifact_get(&c, "a");
    artifact_remove(&c, "a");
    ok(!holds(&c, "a"), "a pinned entry removed is no longer found");
    ok(pinned->len == 10 && pinned->data[9] == 'a',
       "but its bytes stay while it is pinned");
    artifact_release(&c, pinned);
    is_int(c.n, 2, "and go with its last reference");

    artifact_cache_free(&c);

    /* --- threads: gets, puts, evictions and releases at once */
    artifact_cache_init(&c, 2000, err, sizeof(err));
    for (i = 0; i < 4; i++) {
        hm[i].c = &c;
        hm[i].id = i;
        pthread_create(&th[i], NULL, hammer, &hm[i]);
    }
    total_bad = 0;
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], &bad);
        total_bad += (long) bad;
    }
    is_int(total_bad, 0, "four threads: every entry intact while pinned");
    ok(c.bytes <= 2000 && c.bytes == c.n * 100, "the books balance");
    artifact_cache_free(&c);

    /* --- SHA-256 */
    parts[0].iov_base = (void *) "abc";
    parts[0].iov_len = 3;
    ok(sha256_hex(parts, 1, hex) == 0, "sha256 of \"abc\"");
    is_str(hex, "ba7816bf8f01cfea414140de5dae2223"
                "b00361a396177a9cb410ff61f20015ad", "the FIPS 180-2 digest");

    ok(sha256_hex(parts, 0, hex) == 0, "sha256 of nothing");
    is_str(hex, "e3b0c44298fc1c149afbf4c8996fb924"
                "27ae41e4649b934ca495991b7852b855", "the empty digest");

    parts[0].iov_len = 1;
    parts[1].iov_base = (void *) "b";
    parts[1].iov_len = 1;
    parts[2].iov_base = (void *) "c";
    parts[2].iov_len = 1;
    ok(sha256_hex(parts, 3, hex) == 0
       && strcmp(hex, "ba7816bf8f01cfea414140de5dae2223"
                      "b00361a396177a9cb410ff61f20015ad") == 0,
       "parts hash as their concatenation");

    ok(sha256_hex_ok("ba7816bf8f01cfea414140de5dae2223"
                     "b00361a396177a9cb410ff61f20015ad"), "a hex SHA-256");
    ok(!sha256_hex_ok("BA7816bf8f01cfea414140de5dae2223"
                      "b00361a396177a9cb410ff61f20015ad"), "not upper case");
    ok(!sha256_hex_ok("ba7816bf"), "not short");
    ok(!sha256_hex_ok("ba7816bf8f01cfea414140de5dae2223"
                      "b00361a396177a9cb410ff61f20015ad0"), "not long");

    test_sizes_only();

    return done_testing();
}
