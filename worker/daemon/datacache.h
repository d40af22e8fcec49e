/*
 * The test data cache: test files (TestCase.input_hash, expected_hash)
 * kept on disk under the state directory, one file per hex SHA-256 of
 * its bytes ("<state-dir>/data/<sha256>"), bounded in bytes, least
 * recently used removed first.
 *
 * The bookkeeping is the artifact cache's (artifact.h) over entries that
 * hold no bytes, only the size of their file: a batch pins the files it
 * needs from the moment it is taken until it ends, and pinned files are
 * never removed (the cache runs over its bound while they are held, and
 * trims itself back as they are released).  Files come in through
 * data_cache_store(), which renames a complete, verified file into
 * place.  What is on disk at start is taken in, oldest file first;
 * half-written files of an earlier run are removed.  Every call is
 * thread-safe.
 */

#ifndef JUDGE_WORKER_DATACACHE_H
#define JUDGE_WORKER_DATACACHE_H

#include <stddef.h>
#include <stdint.h>

#include "artifact.h"
#include "log.h"



struct data_cache {
    char                   *dir;        /* absolute */
    struct artifact_cache   lru;
    struct log             *log;
};


int   data_cache_open(struct data_cache *dc, const char *dir,
                      uint64_t max_bytes, struct log *lg, char *err,
                      size_t errlen);
void  data_cache_close(struct data_cache *dc);
struct artifact *data_cache_get(struct data_cache *dc, const char *hash);
void  data_cache_release(struct data_cache *dc, struct artifact *a);
void  data_cache_forget(struct data_cache *dc, const char *hash);
uint64_t data_cache_max(const struct data_cache *dc);
int   data_cache_path(const struct data_cache *dc, const char *hash,
                      char *buf, size_t len);
int   data_cache_temp(struct data_cache *dc, const char *hash, char *path,
                      size_t len, char *err, size_t errlen);
struct artifact *data_cache_store(struct data_cache *dc, const char *temp,
                                  const char *hash, uint64_t size,
                                  char *err, size_t errlen);


#endif /* JUDGE_WORKER_DATACACHE_H */
