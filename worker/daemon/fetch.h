/*
 * Test files fetched from the master (DataRequest out, TestData in), as
 * the main loop sees them.  A file wanted by a batch is listed once
 * however many batches want it; at most FETCH_MAX_ASKED are asked for at
 * a time, at most FETCH_MAX_PER_REQUEST in one DataRequest, and the rest
 * wait their turn.  The pieces of a file are written to a temporary file
 * in the data cache's directory as they come, checked (in order, the
 * size the test gave, the SHA-256 of the whole) and the file renamed
 * into the cache at its end.  A fetch that gets no piece for
 * FETCH_IDLE_TIMEOUT ms fails.  Single-threaded: the main loop's.
 */

#ifndef JUDGE_WORKER_FETCH_H
#define JUDGE_WORKER_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "judge.pb-c.h"

#include "datacache.h"


/* the master's bounds (judge.proto, DataRequest) */
#define FETCH_MAX_PER_REQUEST   64
#define FETCH_MAX_ASKED         64

#define FETCH_IDLE_TIMEOUT      30000   /* ms */


enum fetch_status {
    FETCH_MORE,             /* a piece taken, more to come */
    FETCH_DONE,             /* the file is in the cache */
    FETCH_FAILED,           /* the fetch is over, the reason given */
    FETCH_UNKNOWN           /* not a file being fetched: ignored */
};

struct fetch {
    struct fetch        *next;
    char                 hash[SHA256_HEX_LEN + 1];
    uint64_t             size;          /* as the first test gave it */
    bool                 asked;
    int                  fd;            /* the temporary file, -1 before */
    char                 temp[4096];
    uint64_t             got;
    EVP_MD_CTX          *sha;
    int64_t              deadline;      /* once asked */
};

struct fetches {
    struct fetch        *head;          /* in the order they were wanted */
    unsigned             asked;
    struct data_cache   *cache;
};


void     fetches_init(struct fetches *f, struct data_cache *cache);
int      fetch_want(struct fetches *f, const char *hash, uint64_t size);
size_t   fetch_next_request(struct fetches *f, char **hashes, size_t max,
                            int64_t now);
enum fetch_status fetch_piece(struct fetches *f, const Judge__TestData *d,
                              struct artifact **done, char *err,
                              size_t errlen);
bool     fetch_expired(struct fetches *f, int64_t now,
                       char hash[SHA256_HEX_LEN + 1]);
int64_t  fetch_deadline(const struct fetches *f);
void     fetches_reset(struct fetches *f);


#endif /* JUDGE_WORKER_FETCH_H */
