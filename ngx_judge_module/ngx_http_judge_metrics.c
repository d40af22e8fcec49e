
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_wire.h"
#include "ngx_http_judge_store.h"
#include "ngx_http_judge_metrics.h"


/*
 * GET /metrics: the zone's counters and gauges in the Prometheus text
 * format.  Counters live in the root object and survive a reset.
 *
 * GET /metrics?scope=fleet: the figures of every frontend on a shared
 * store, as each last packed them: counters, and the gauges that add up
 * across frontends, summed; the others one series per frontend, labelled
 * with its instance.
 *
 * A series is a family's figure, or one of its verdicts' for the family
 * of verdicts; series are numbered in the order of the families below,
 * which is the order of the text.
 */


/* how the fleet's text shows a family */
#define NGX_HTTP_JUDGE_METRIC_SUM       0    /* summed over the frontends */
#define NGX_HTTP_JUDGE_METRIC_EACH      1    /* each frontend's: a sum of
                                                them means nothing */
#define NGX_HTTP_JUDGE_METRIC_VERDICTS  2    /* a series per verdict, each
                                                summed */

/* the verdicts a job ends with: every status after OK */
#define NGX_HTTP_JUDGE_METRICS_VERDICTS                                      \
    (JUDGE__STATUS__CANCELLED - JUDGE__STATUS__OK)


typedef struct {
    ngx_str_t                    name;
    char                        *help;
    char                        *type;
    ngx_uint_t                   fleet;
} ngx_http_judge_metric_t;


static ngx_http_judge_metric_t *ngx_http_judge_metrics_series(ngx_uint_t s,
    ngx_uint_t *verdict);
static u_char *ngx_http_judge_metrics_name(u_char *p, u_char *last,
    ngx_http_judge_metric_t *m, ngx_uint_t verdict);
static size_t ngx_http_judge_metrics_size(ngx_uint_t n);
static u_char *ngx_http_judge_metrics_text(u_char *p, u_char *last,
    ngx_http_judge_figures_t *figures, ngx_uint_t n, ngx_uint_t fleet);


static ngx_http_judge_metric_t  ngx_http_judge_metrics_list[] = {

    { ngx_string("judge_workers"),
      "Live workers.",
      "gauge", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_free_slots"),
      "Free slots of workers not draining.",
      "gauge", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_submissions_active"),
      "Submissions not finished.",
      "gauge", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_submissions_total"),
      "Submissions accepted.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_takeovers_total"),
      "Submissions accepted by another frontend (gone, busy or without "
      "workers for them) and run here.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_compiles_total"),
      "Compile tasks sent.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_cache_hits_total"),
      "Submissions that reused a compile.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_tests_total"),
      "Tests judged.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_retries_total"),
      "Tasks handed out again.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_zone_free_bytes"),
      "Free pages of the shared zone.",
      "gauge", NGX_HTTP_JUDGE_METRIC_EACH },

    { ngx_string("judge_zone_resets_total"),
      "Zone resets after a process died in its lock.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_deadlines_total"),
      "Tasks given up on at their deadline.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_cache_bytes"),
      "Bytes of the cache directory charged: its files and what "
      "unfinished jobs' results may still take.",
      "gauge", NGX_HTTP_JUDGE_METRIC_EACH },

    { ngx_string("judge_cache_files"),
      "Blobs in the cache directory (not counting the jobs' results "
      "files).",
      "gauge", NGX_HTTP_JUDGE_METRIC_EACH },

    { ngx_string("judge_test_files_sent_total"),
      "Test files of stored problems sent to workers that lacked them.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_test_bytes_sent_total"),
      "Bytes of test files of stored problems sent to workers.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_sessions"),
      "Code sessions held here.",
      "gauge", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_sessions_total"),
      "Code sessions made.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_sessions_expired_total"),
      "Code sessions gone after judge_session_ttl untouched.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_sessions_evicted_total"),
      "Code sessions evicted for room in the zone.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_runs_rate_limited_total"),
      "Runs of code sessions refused past judge_session_rate.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_runs_cooling_total"),
      "Runs of code sessions refused while cooling down after failures "
      "(judge_session_max_failures).",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_executions_total"),
      "Runs of code sessions accepted.",
      "counter", NGX_HTTP_JUDGE_METRIC_SUM },

    { ngx_string("judge_verdicts_total"),
      "Finished submissions by verdict.",
      "counter", NGX_HTTP_JUDGE_METRIC_VERDICTS },

    { ngx_null_string, NULL, NULL, 0 }
};


static char  ngx_http_judge_metrics_frontends[] =
    "# HELP judge_frontends Frontends shown (seen in the last 10 s).\n"
    "# TYPE judge_frontends gauge\n"
    "judge_frontends ";


/* GET /metrics: Prometheus text format, the figures read under the lock */

ngx_buf_t *
ngx_http_judge_metrics(ngx_http_judge_zone_t *zone, ngx_pool_t *pool)
{
    ngx_buf_t                 *b;
    ngx_http_judge_figures_t   figures;

    b = ngx_create_temp_buf(pool, ngx_http_judge_metrics_size(1));
    if (b == NULL) {
        return NULL;
    }

    ngx_http_judge_metrics_read(zone, figures.value);

    b->last = ngx_http_judge_metrics_text(b->last, b->end, &figures, 1, 0);

    return b;
}


void
ngx_http_judge_metrics_read(ngx_http_judge_zone_t *zone, uint64_t *value)
{
    ngx_uint_t               n, verdict;
    ngx_http_judge_shctx_t  *sh;

    ngx_memzero(value, NGX_HTTP_JUDGE_METRICS_MAX * sizeof(uint64_t));

    n = 0;

    ngx_http_judge_zone_lock(zone);

    sh = zone->sh;

    /* in the order of ngx_http_judge_metrics_list */

    value[n++] = sh->nworkers;
    value[n++] = sh->free_slots;
    value[n++] = sh->nactive;
    value[n++] = sh->submissions;
    value[n++] = sh->takeovers;
    value[n++] = sh->compiles;
    value[n++] = sh->cache_hits;
    value[n++] = sh->tests_judged;
    value[n++] = sh->retries;
    value[n++] = zone->shpool->pfree * ngx_pagesize;
    value[n++] = sh->resets;
    value[n++] = sh->deadlines;
    value[n++] = sh->blob_bytes;
    value[n++] = sh->nblobs;
    value[n++] = sh->data_files;
    value[n++] = sh->data_bytes;
    value[n++] = sh->nsessions;
    value[n++] = sh->sessions_made;
    value[n++] = sh->sessions_expired;
    value[n++] = sh->sessions_evicted;
    value[n++] = sh->runs_refused[0];
    value[n++] = sh->runs_refused[1];
    value[n++] = sh->executions;

    for (verdict = JUDGE__STATUS__OK + 1;
         verdict <= JUDGE__STATUS__CANCELLED;
         verdict++)
    {
        value[n++] = sh->verdicts[verdict];
    }

    ngx_http_judge_zone_unlock(zone);
}


u_char *
ngx_http_judge_metrics_pack(u_char *p, u_char *last, uint64_t *value)
{
    ngx_uint_t                s, verdict;
    ngx_http_judge_metric_t  *m;

    for (s = 0; (m = ngx_http_judge_metrics_series(s, &verdict)); s++) {
        p = ngx_http_judge_metrics_name(p, last, m, verdict);
        p = ngx_slprintf(p, last, " %uL\n", value[s]);
    }

    return p;
}


/*
 * Lines of series another build of the module has and this one lacks,
 * and lines that are no series, are passed over: frontends of two
 * releases may share a store.
 */

ngx_int_t
ngx_http_judge_metrics_unpack(u_char *p, u_char *last, uint64_t *value)
{
    u_char                   *eol, *sp, *end;
    off_t                     v;
    ngx_int_t                 rc;
    ngx_uint_t                s, verdict;
    ngx_http_judge_metric_t  *m;
    u_char                    name[NGX_HTTP_JUDGE_METRICS_LINE];

    ngx_memzero(value, NGX_HTTP_JUDGE_METRICS_MAX * sizeof(uint64_t));

    rc = NGX_DECLINED;

    for ( /* void */ ; p < last; p = eol + 1) {
        eol = ngx_strlchr(p, last, '\n');
        if (eol == NULL) {
            eol = last;
        }

        sp = ngx_strlchr(p, eol, ' ');
        if (sp == NULL) {
            continue;
        }

        v = ngx_atoof(sp + 1, eol - sp - 1);
        if (v == NGX_ERROR) {
            continue;
        }

        for (s = 0; (m = ngx_http_judge_metrics_series(s, &verdict)); s++) {
            end = ngx_http_judge_metrics_name(name, name + sizeof(name), m,
                                              verdict);

            if (end - name == sp - p && ngx_strncmp(name, p, sp - p) == 0) {
                value[s] = v;
                rc = NGX_OK;
                break;
            }
        }
    }

    return rc;
}


/*
 * The fleet's text into op->out; a frontend whose instance does not look
 * like one is left out ("figures" is compacted in place).
 */

ngx_int_t
ngx_http_judge_metrics_fleet(ngx_http_judge_store_op_t *op,
    ngx_http_judge_figures_t *figures, ngx_uint_t n)
{
    ngx_buf_t    *b;
    ngx_uint_t    i, shown;
    ngx_chain_t  *cl;

    shown = 0;

    for (i = 0; i < n; i++) {
        if (figures[i].instance.len != NGX_HTTP_JUDGE_INSTANCE_LEN
            || !ngx_http_judge_name_ok(figures[i].instance.data,
                                       figures[i].instance.len))
        {
            continue;
        }

        if (shown != i) {
            figures[shown] = figures[i];
        }

        shown++;
    }

    b = ngx_create_temp_buf(op->pool, ngx_http_judge_metrics_size(shown));
    cl = ngx_alloc_chain_link(op->pool);

    if (b == NULL || cl == NULL) {
        return NGX_ERROR;
    }

    b->last = ngx_slprintf(b->last, b->end, "%s%ui\n",
                           ngx_http_judge_metrics_frontends, shown);
    b->last = ngx_http_judge_metrics_text(b->last, b->end, figures, shown,
                                          1);

    b->last_buf = 1;
    cl->buf = b;
    cl->next = NULL;

    op->out = cl;
    op->len = b->last - b->pos;

    return NGX_OK;
}


/* series "s": its family and *verdict (0: none); NULL past the last */

static ngx_http_judge_metric_t *
ngx_http_judge_metrics_series(ngx_uint_t s, ngx_uint_t *verdict)
{
    ngx_http_judge_metric_t  *m;

    if (s >= NGX_HTTP_JUDGE_METRICS_MAX) {
        return NULL;
    }

    for (m = ngx_http_judge_metrics_list; m->name.len; m++) {

        if (m->fleet != NGX_HTTP_JUDGE_METRIC_VERDICTS) {
            if (s == 0) {
                *verdict = 0;
                return m;
            }

            s--;
            continue;
        }

        if (s < NGX_HTTP_JUDGE_METRICS_VERDICTS) {
            *verdict = JUDGE__STATUS__OK + 1 + s;
            return m;
        }

        s -= NGX_HTTP_JUDGE_METRICS_VERDICTS;
    }

    return NULL;
}


static u_char *
ngx_http_judge_metrics_name(u_char *p, u_char *last,
    ngx_http_judge_metric_t *m, ngx_uint_t verdict)
{
    p = ngx_slprintf(p, last, "%V", &m->name);

    if (verdict) {
        p = ngx_slprintf(p, last, "{verdict=\"%s\"}",
                         ngx_http_judge_status_name(verdict));
    }

    return p;
}


/* the text's size at most, with "n" frontends */

static size_t
ngx_http_judge_metrics_size(ngx_uint_t n)
{
    size_t                    len;
    ngx_uint_t                each;
    ngx_http_judge_metric_t  *m;

    len = sizeof(ngx_http_judge_metrics_frontends) + NGX_INT_T_LEN;
    each = 0;

    for (m = ngx_http_judge_metrics_list; m->name.len; m++) {
        len += sizeof("# HELP  \n# TYPE  \n") + 2 * m->name.len
               + ngx_strlen(m->help) + ngx_strlen(m->type);

        if (m->fleet == NGX_HTTP_JUDGE_METRIC_EACH) {
            each++;
        }
    }

    return len + (NGX_HTTP_JUDGE_METRICS_MAX + n * each)
                 * NGX_HTTP_JUDGE_METRICS_LINE;
}


/*
 * The series of "n" frontends: this frontend's own as they always were,
 * or the fleet's, summed or labelled with each one's instance.
 */

static u_char *
ngx_http_judge_metrics_text(u_char *p, u_char *last,
    ngx_http_judge_figures_t *figures, ngx_uint_t n, ngx_uint_t fleet)
{
    uint64_t                  sum;
    ngx_uint_t                s, i, verdict;
    ngx_http_judge_metric_t  *m, *family;

    family = NULL;

    for (s = 0; (m = ngx_http_judge_metrics_series(s, &verdict)); s++) {

        if (m != family) {
            p = ngx_slprintf(p, last, "# HELP %V %s\n# TYPE %V %s\n",
                             &m->name, m->help, &m->name, m->type);
            family = m;
        }

        if (fleet && m->fleet == NGX_HTTP_JUDGE_METRIC_EACH) {

            for (i = 0; i < n; i++) {
                p = ngx_slprintf(p, last, "%V{instance=\"%V\"} %uL\n",
                                 &m->name, &figures[i].instance,
                                 figures[i].value[s]);
            }

            continue;
        }

        sum = 0;

        for (i = 0; i < n; i++) {
            sum += figures[i].value[s];
        }

        p = ngx_http_judge_metrics_name(p, last, m, verdict);
        p = ngx_slprintf(p, last, " %uL\n", sum);
    }

    return p;
}
