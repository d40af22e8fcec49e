
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_job.h"
#include "ngx_http_judge_scheduler.h"
#include "ngx_http_judge_store.h"


/*
 * The embedded store: jobs in the zone (ngx_http_judge_job.c), cancelled
 * by the scheduler, which stops their tasks on the workers.  Every
 * operation is done at once.
 */


static ngx_int_t ngx_http_judge_zone_cancel(ngx_http_judge_store_op_t *op);


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
    NULL
};


static ngx_int_t
ngx_http_judge_zone_cancel(ngx_http_judge_store_op_t *op)
{
    return ngx_http_judge_sched_cancel_job(op->zone, &op->id);
}
