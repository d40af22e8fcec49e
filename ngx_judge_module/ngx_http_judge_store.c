
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_job.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_metrics.h"
#include "ngx_http_judge_registry.h"
#include "ngx_http_judge_scheduler.h"
#include "ngx_http_judge_store.h"


/*
 * The embedded store: jobs in the zone (ngx_http_judge_job.c), cancelled
 * by the scheduler, which stops their tasks on the workers.  Every
 * operation is done at once.
 */


static ngx_int_t ngx_http_judge_zone_cancel(ngx_http_judge_store_op_t *op);
static ngx_int_t ngx_http_judge_zone_fleet(ngx_http_judge_store_op_t *op);
static ngx_int_t ngx_http_judge_zone_metrics(ngx_http_judge_store_op_t *op);


ngx_http_judge_store_t  ngx_http_judge_zone_store = {
    "zone",
    ngx_http_judge_job_create,
    ngx_http_judge_job_read,
    ngx_http_judge_job_events,
    ngx_http_judge_job_watch,
    ngx_http_judge_job_unwatch,
    ngx_http_judge_zone_cancel,
    ngx_http_judge_job_expire,
    NULL,
    ngx_http_judge_zone_fleet,
    ngx_http_judge_zone_metrics,
    NULL,
    NULL,
    NULL,
    ngx_http_judge_zone_session,
    ngx_http_judge_zone_idem,
    NULL
};


static ngx_int_t
ngx_http_judge_zone_cancel(ngx_http_judge_store_op_t *op)
{
    return ngx_http_judge_store_cancel_here(op);
}


/*
 * A cancel of a job this zone holds; a run asked for (op->execution) that
 * is a submission is not one (NGX_DECLINED)
 */

ngx_int_t
ngx_http_judge_store_cancel_here(ngx_http_judge_store_op_t *op)
{
    if (op->execution && ngx_http_judge_job_is_run(op->zone, &op->id) == 0) {
        return NGX_DECLINED;
    }

    return ngx_http_judge_sched_cancel_job(op->zone, &op->id);
}


/* a frontend alone is its fleet */

static ngx_int_t
ngx_http_judge_zone_fleet(ngx_http_judge_store_op_t *op)
{
    ngx_buf_t               *b;
    ngx_http_judge_shown_t   shown;

    b = ngx_http_judge_registry_json(op->zone, op->pool, 0);
    if (b == NULL) {
        return NGX_ERROR;
    }

    shown.instance.data = op->zone->instance;
    shown.instance.len = NGX_HTTP_JUDGE_INSTANCE_LEN;
    shown.workers.data = b->pos;
    shown.workers.len = b->last - b->pos;

    return ngx_http_judge_store_fleet_json(op, &shown, 1);
}


/* a frontend alone: its figures are the fleet's */

static ngx_int_t
ngx_http_judge_zone_metrics(ngx_http_judge_store_op_t *op)
{
    ngx_http_judge_figures_t  figures;

    figures.instance.data = op->zone->instance;
    figures.instance.len = NGX_HTTP_JUDGE_INSTANCE_LEN;

    ngx_http_judge_metrics_read(op->zone, figures.value);

    return ngx_http_judge_metrics_fleet(op, &figures, 1);
}


/*
 * {"frontends":[{"instance":...,"count":...,"workers":[...]}],"count":N}
 * into op->out, from each frontend's {"count":...,"workers":[...]}; what
 * does not look like one is left out.
 */

ngx_int_t
ngx_http_judge_store_fleet_json(ngx_http_judge_store_op_t *op,
    ngx_http_judge_shown_t *shown, ngx_uint_t n)
{
    u_char       *start, *last, *comma;
    size_t        len;
    ngx_int_t     count;
    ngx_buf_t    *b;
    ngx_uint_t    i, total;
    ngx_chain_t  *cl;

    len = sizeof("{\"frontends\":[],\"count\":}\n") + NGX_INT_T_LEN;

    for (i = 0; i < n; i++) {
        len += shown[i].instance.len + shown[i].workers.len
               + sizeof("{\"instance\":\"\",},");
    }

    b = ngx_create_temp_buf(op->pool, len);
    cl = ngx_alloc_chain_link(op->pool);

    if (b == NULL || cl == NULL) {
        return NGX_ERROR;
    }

    b->last = ngx_cpymem(b->last, "{\"frontends\":[", 14);
    total = 0;

    for (i = 0; i < n; i++) {
        start = shown[i].workers.data;
        last = start + shown[i].workers.len;

        if (shown[i].instance.len != NGX_HTTP_JUDGE_INSTANCE_LEN
            || !ngx_http_judge_name_ok(shown[i].instance.data,
                                       shown[i].instance.len)
            || last - start < 12
            || ngx_strncmp(start, "{\"count\":", 9) != 0)
        {
            continue;
        }

        comma = ngx_strlchr(start + 9, last, ',');
        count = comma ? ngx_atoi(start + 9, comma - start - 9) : NGX_ERROR;

        while (last > start && (last[-1] == '\n' || last[-1] == ' ')) {
            last--;
        }

        if (count == NGX_ERROR || last[-1] != '}') {
            continue;
        }

        total += count;

        if (b->last[-1] == '}') {
            *b->last++ = ',';
        }

        b->last = ngx_sprintf(b->last, "{\"instance\":\"%V\",",
                              &shown[i].instance);
        b->last = ngx_cpymem(b->last, start + 1, last - start - 1);
    }

    b->last = ngx_sprintf(b->last, "],\"count\":%ui}\n", total);

    b->last_buf = 1;
    cl->buf = b;
    cl->next = NULL;

    op->out = cl;
    op->len = b->last - b->pos;

    return NGX_OK;
}


/* a code session's operation, on the zone's sessions */

ngx_int_t
ngx_http_judge_zone_session(ngx_http_judge_store_op_t *op)
{
    ngx_http_judge_zone_t  *zone = op->zone;

    switch (op->verb) {

    case NGX_HTTP_JUDGE_SESSION_CREATE:
        return ngx_http_judge_session_create(zone, op->pool, op->change,
                                             op->ttl, op->limits, op->view);

    case NGX_HTTP_JUDGE_SESSION_READ:
        return ngx_http_judge_session_read(zone, op->pool, &op->id,
                                           op->view);

    case NGX_HTTP_JUDGE_SESSION_UPDATE:
        return ngx_http_judge_session_update(zone, op->pool, &op->id,
                                             op->change, op->view);

    case NGX_HTTP_JUDGE_SESSION_CLOSE:
        return ngx_http_judge_session_close(zone, op->pool, &op->id,
                                            op->view);

    case NGX_HTTP_JUDGE_SESSION_DELETE:
        return ngx_http_judge_session_delete(zone, &op->id, op->execs);

    case NGX_HTTP_JUDGE_SESSION_ADMIT:
        return ngx_http_judge_session_admit(zone, op->pool, &op->id,
                                            op->limits, op->view,
                                            &op->retry);

    case NGX_HTTP_JUDGE_SESSION_RAN:
        ngx_http_judge_session_ran(zone, op->id.data, op->exec,
                                   op->view->revision, op->created_ms,
                                   op->limits->history);
        return NGX_OK;

    case NGX_HTTP_JUDGE_SESSION_REFUND:
        ngx_http_judge_session_refund(zone, &op->id, op->limits);
        return NGX_OK;

    default: /* NGX_HTTP_JUDGE_SESSION_HISTORY */
        return ngx_http_judge_session_history(zone, &op->id, op->before,
                                              op->limit, op->execs,
                                              &op->next);
    }
}


/* an Idempotency-Key, in the zone */

ngx_int_t
ngx_http_judge_zone_idem(ngx_http_judge_store_op_t *op)
{
    if (op->end) {
        ngx_http_judge_idem_end(op->zone, op->key, op->status, &op->answer);
        return NGX_OK;
    }

    return ngx_http_judge_idem_begin(op->zone, op->pool, op->key, op->body,
                                     op->ttl, &op->status, &op->answer);
}
