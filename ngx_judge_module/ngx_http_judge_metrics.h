
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_METRICS_H_INCLUDED_
#define _NGX_HTTP_JUDGE_METRICS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"


/* the Prometheus text of the zone's counters */
ngx_buf_t *ngx_http_judge_metrics(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool);


#endif /* _NGX_HTTP_JUDGE_METRICS_H_INCLUDED_ */
