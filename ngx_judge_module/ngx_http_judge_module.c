
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"


static void *ngx_http_judge_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_judge_init_main_conf(ngx_conf_t *cf, void *conf);
static char *ngx_http_judge_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_judge_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_judge_worker_endpoint(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_judge_set_handler(ngx_conf_t *cf,
    ngx_http_handler_pt handler);


static ngx_command_t  ngx_http_judge_commands[] = {

    { ngx_string("judge_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_judge_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_judge_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_worker_endpoint"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_judge_worker_endpoint,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_judge_module_ctx = {
    NULL,                                  /* preconfiguration */
    NULL,                                  /* postconfiguration */

    ngx_http_judge_create_main_conf,       /* create main configuration */
    ngx_http_judge_init_main_conf,         /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_judge_module = {
    NGX_MODULE_V1,
    &ngx_http_judge_module_ctx,            /* module context */
    ngx_http_judge_commands,               /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_http_judge_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_judge_main_conf_t  *jmcf;

    jmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_judge_main_conf_t));
    if (jmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     jmcf->zone = NULL;
     *     jmcf->used = 0;
     */

    return jmcf;
}


static char *
ngx_http_judge_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_judge_main_conf_t *jmcf = conf;

    if (jmcf->used && jmcf->zone == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "judge_api and judge_worker_endpoint need "
                      "\"judge_zone\" in the http block");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* judge_zone name:size */

static char *
ngx_http_judge_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_judge_main_conf_t *jmcf = conf;

    u_char                 *p;
    ssize_t                 size;
    ngx_str_t              *value, name, s;
    ngx_shm_zone_t         *shm_zone;
    ngx_http_judge_zone_t  *zone;

    if (jmcf->zone) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');
    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone \"%V\", expected name:size",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);
    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone size \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (64 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is too small, at least %uzk needed",
                           &value[1], 64 * ngx_pagesize / 1024);
        return NGX_CONF_ERROR;
    }

    zone = ngx_pcalloc(cf->pool, sizeof(ngx_http_judge_zone_t));
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    shm_zone = ngx_shared_memory_add(cf, &name, size, &ngx_http_judge_module);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is already used", &name);
        return NGX_CONF_ERROR;
    }

    zone->shm_zone = shm_zone;

    shm_zone->init = ngx_http_judge_init_zone;
    shm_zone->data = zone;

    jmcf->zone = zone;

    return NGX_CONF_OK;
}


static char *
ngx_http_judge_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_http_judge_set_handler(cf, ngx_http_judge_api_handler);
}


static char *
ngx_http_judge_worker_endpoint(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    return ngx_http_judge_set_handler(cf, ngx_http_judge_stream_handler);
}


static char *
ngx_http_judge_set_handler(ngx_conf_t *cf, ngx_http_handler_pt handler)
{
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_judge_main_conf_t  *jmcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler) {
        return "is duplicate";
    }

    clcf->handler = handler;

    jmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_judge_module);
    jmcf->used = 1;

    return NGX_CONF_OK;
}
