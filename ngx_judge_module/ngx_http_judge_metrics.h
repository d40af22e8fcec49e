
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_METRICS_H_INCLUDED_
#define _NGX_HTTP_JUDGE_METRICS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_store.h"


/* the series of one frontend: its gauges and counters, one per verdict */
#define NGX_HTTP_JUDGE_METRICS_MAX   48

/* a series' line at most: its name, a label, the value */
#define NGX_HTTP_JUDGE_METRICS_LINE  128

/* the compact form of one frontend's series, at most */
#define NGX_HTTP_JUDGE_METRICS_PACKED                                        \
    (NGX_HTTP_JUDGE_METRICS_MAX * NGX_HTTP_JUDGE_METRICS_LINE)


/* a frontend and its figures, by series, to be shown with the fleet */
typedef struct {
    ngx_str_t                    instance;
    uint64_t                     value[NGX_HTTP_JUDGE_METRICS_MAX];
} ngx_http_judge_figures_t;


/* the Prometheus text of the zone's counters */
ngx_buf_t *ngx_http_judge_metrics(ngx_http_judge_zone_t *zone,
    ngx_pool_t *pool);

/* the zone's figures, read under the lock */
void ngx_http_judge_metrics_read(ngx_http_judge_zone_t *zone,
    uint64_t *value);

/*
 * pack: figures as "<series> <value>\n" lines, the compact form a
 * frontend leaves for the fleet; unpack: the series of such lines that
 * this frontend knows, the others 0 (NGX_DECLINED: none)
 */
u_char *ngx_http_judge_metrics_pack(u_char *p, u_char *last,
    uint64_t *value);
ngx_int_t ngx_http_judge_metrics_unpack(u_char *p, u_char *last,
    uint64_t *value);

/* the fleet's Prometheus text into op->out, from each frontend's figures */
ngx_int_t ngx_http_judge_metrics_fleet(ngx_http_judge_store_op_t *op,
    ngx_http_judge_figures_t *figures, ngx_uint_t n);


#endif /* _NGX_HTTP_JUDGE_METRICS_H_INCLUDED_ */
