
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"


/*
 * Runs in the master, before workers are forked.  On reload the old
 * cycle's handle arrives as "data": the mapping is reused and only the
 * generation moves on, so records made by older worker processes can be
 * told from those of the new ones.
 */

ngx_int_t
ngx_http_judge_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_judge_zone_t  *ozone = data;

    size_t                  len;
    ngx_http_judge_zone_t  *zone;

    zone = shm_zone->data;

    if (ozone) {
        zone->sh = ozone->sh;
        zone->shpool = ozone->shpool;

        ngx_shmtx_lock(&zone->shpool->mutex);
        zone->generation = ++zone->sh->generation;
        ngx_shmtx_unlock(&zone->shpool->mutex);

        return NGX_OK;
    }

    zone->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        zone->sh = zone->shpool->data;
        zone->generation = zone->sh->generation;
        return NGX_OK;
    }

    zone->sh = ngx_slab_calloc(zone->shpool, sizeof(ngx_http_judge_shctx_t));
    if (zone->sh == NULL) {
        return NGX_ERROR;
    }

    zone->shpool->data = zone->sh;

    zone->sh->created = ngx_time();
    zone->sh->generation = 1;
    zone->generation = 1;

    len = sizeof(" in judge zone \"\"") + shm_zone->shm.name.len;

    zone->shpool->log_ctx = ngx_slab_alloc(zone->shpool, len);
    if (zone->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(zone->shpool->log_ctx, " in judge zone \"%V\"%Z",
                &shm_zone->shm.name);

    zone->shpool->log_nomem = 0;

    return NGX_OK;
}


void
ngx_http_judge_zone_stats(ngx_http_judge_zone_t *zone, ngx_uint_t *generation,
    time_t *created, size_t *size, size_t *free)
{
    ngx_slab_pool_t  *shpool;

    shpool = zone->shpool;

    ngx_shmtx_lock(&shpool->mutex);

    *generation = zone->sh->generation;
    *created = zone->sh->created;

    *free = shpool->pfree * ngx_pagesize;

    ngx_shmtx_unlock(&shpool->mutex);

    *size = zone->shm_zone->shm.size;
}
