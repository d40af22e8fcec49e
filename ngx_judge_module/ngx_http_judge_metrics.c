
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_wire.h"
#include "ngx_http_judge_metrics.h"


/*
 * GET /metrics: the zone's counters and gauges in the Prometheus text
 * format.  Counters live in the root object and survive a reset.
 */


/* GET /metrics: Prometheus text format, read in one pass under the lock */

ngx_buf_t *
ngx_http_judge_metrics(ngx_http_judge_zone_t *zone, ngx_pool_t *pool)
{
    ngx_buf_t               *b;
    ngx_uint_t               i;
    ngx_http_judge_shctx_t  *sh;

    b = ngx_create_temp_buf(pool, 4096);
    if (b == NULL) {
        return NULL;
    }

    ngx_http_judge_zone_lock(zone);

    sh = zone->sh;

    b->last = ngx_sprintf(b->last,
        "# HELP judge_workers Live workers.\n"
        "# TYPE judge_workers gauge\n"
        "judge_workers %ui\n"
        "# HELP judge_free_slots Free slots of workers not draining.\n"
        "# TYPE judge_free_slots gauge\n"
        "judge_free_slots %ui\n"
        "# HELP judge_submissions_active Submissions not finished.\n"
        "# TYPE judge_submissions_active gauge\n"
        "judge_submissions_active %ui\n"
        "# HELP judge_submissions_total Submissions accepted.\n"
        "# TYPE judge_submissions_total counter\n"
        "judge_submissions_total %uL\n"
        "# HELP judge_compiles_total Compile tasks sent.\n"
        "# TYPE judge_compiles_total counter\n"
        "judge_compiles_total %uL\n"
        "# HELP judge_cache_hits_total Submissions that reused a compile.\n"
        "# TYPE judge_cache_hits_total counter\n"
        "judge_cache_hits_total %uL\n"
        "# HELP judge_tests_total Tests judged.\n"
        "# TYPE judge_tests_total counter\n"
        "judge_tests_total %uL\n"
        "# HELP judge_retries_total Tasks handed out again.\n"
        "# TYPE judge_retries_total counter\n"
        "judge_retries_total %uL\n"
        "# HELP judge_zone_free_bytes Free pages of the shared zone.\n"
        "# TYPE judge_zone_free_bytes gauge\n"
        "judge_zone_free_bytes %uz\n"
        "# HELP judge_zone_resets_total Zone resets after a process died "
        "in its lock.\n"
        "# TYPE judge_zone_resets_total counter\n"
        "judge_zone_resets_total %ui\n"
        "# HELP judge_deadlines_total Tasks given up on at their deadline.\n"
        "# TYPE judge_deadlines_total counter\n"
        "judge_deadlines_total %uL\n"
        "# HELP judge_cache_bytes Bytes of the cache directory charged: "
        "its files and what unfinished jobs' results may still take.\n"
        "# TYPE judge_cache_bytes gauge\n"
        "judge_cache_bytes %uL\n"
        "# HELP judge_cache_files Blobs in the cache directory (not "
        "counting the jobs' results files).\n"
        "# TYPE judge_cache_files gauge\n"
        "judge_cache_files %ui\n"
        "# HELP judge_verdicts_total Finished submissions by verdict.\n"
        "# TYPE judge_verdicts_total counter\n",
        sh->nworkers, sh->free_slots, sh->nactive, sh->submissions,
        sh->compiles, sh->cache_hits, sh->tests_judged, sh->retries,
        zone->shpool->pfree * ngx_pagesize, sh->resets, sh->deadlines,
        sh->blob_bytes, sh->nblobs);

    for (i = 2; i <= JUDGE__STATUS__CANCELLED; i++) {
        if (i == JUDGE__STATUS__OK) {
            continue;
        }

        b->last = ngx_sprintf(b->last,
                              "judge_verdicts_total{verdict=\"%s\"} %uL\n",
                              ngx_http_judge_status_name(i), sh->verdicts[i]);
    }

    ngx_http_judge_zone_unlock(zone);

    return b;
}
