
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_api.h"
#include "ngx_http_judge_dialect.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_cache.h"
#include "ngx_http_judge_problem.h"
#include "ngx_http_judge_ipc.h"
#include "ngx_http_judge_job.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_problem.h"
#include "ngx_http_judge_ready.h"
#include "ngx_http_judge_redis.h"
#include "ngx_http_judge_registry.h"
#include "ngx_http_judge_scheduler.h"
#include "ngx_http_judge_session.h"
#include "ngx_http_judge_shm.h"
#include "ngx_http_judge_store.h"
#include "ngx_http_judge_stream.h"
#include "ngx_http_judge_wire.h"


/*
 * The module: its directives and configuration, the zone's declaration,
 * and the wiring of the layers at configuration time (the zone's hooks,
 * the registry's hooks, ipc's handlers), then process init and exit.
 */


/* poll ticks (200 ms) an exiting process gives ends still to be written */
#define NGX_HTTP_JUDGE_EXIT_TICKS  25


static void *ngx_http_judge_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_judge_languages(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_judge_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_judge_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_judge_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_judge_token_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_judge_redis(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void ngx_http_judge_exit_process(ngx_cycle_t *cycle);
static char *ngx_http_judge_limit(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void ngx_http_judge_merge_limit(ngx_http_judge_limit_t *conf,
    ngx_http_judge_limit_t *prev, uint64_t value, uint64_t max);


/* what the value of a judge_*_limit directive is measured in */
typedef enum {
    NGX_HTTP_JUDGE_LIMIT_MS = 0,
    NGX_HTTP_JUDGE_LIMIT_KB,
    NGX_HTTP_JUDGE_LIMIT_COUNT
} ngx_http_judge_limit_unit_e;


static ngx_uint_t  ngx_http_judge_limit_ms = NGX_HTTP_JUDGE_LIMIT_MS;
static ngx_uint_t  ngx_http_judge_limit_kb = NGX_HTTP_JUDGE_LIMIT_KB;
static ngx_uint_t  ngx_http_judge_limit_count = NGX_HTTP_JUDGE_LIMIT_COUNT;
static char *ngx_http_judge_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_judge_problems_path(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_judge_cache_path(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void ngx_http_judge_init_records(ngx_http_judge_shctx_t *sh);
static ngx_int_t ngx_http_judge_init_module(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_judge_init_process(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_judge_make_room_locked(ngx_http_judge_zone_t *zone);
static ngx_int_t ngx_http_judge_make_disk_room_locked(
    ngx_http_judge_zone_t *zone);
static ngx_uint_t ngx_http_judge_pending(ngx_http_judge_zone_t *zone);
static void ngx_http_judge_tick(ngx_http_judge_zone_t *zone,
    ngx_uint_t expire);
static void ngx_http_judge_reset(void);
static char *ngx_http_judge_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_judge_admin(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_judge_worker_endpoint(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_judge_set_handler(ngx_conf_t *cf,
    ngx_http_handler_pt handler);
static char *ngx_http_judge_session_rate(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_judge_session_failures(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_judge_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_judge_session_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_command_t  ngx_http_judge_commands[] = {

    { ngx_string("judge_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_judge_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_cache_path"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_judge_cache_path,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_problems_path"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_judge_problems_path,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_judge_redis,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_redis_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_judge_main_conf_t, redis_timeout),
      NULL },

    { ngx_string("judge_languages"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_judge_languages,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_ANY,
      ngx_http_judge_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_admin"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_judge_admin,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_admin_token_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_judge_token_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, admin_token),
      NULL },

    { ngx_string("judge_worker_endpoint"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_judge_worker_endpoint,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_worker_token"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, token),
      NULL },

    { ngx_string("judge_worker_token_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_judge_token_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, token),
      NULL },

    { ngx_string("judge_max_frame_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, max_frame_size),
      NULL },

    { ngx_string("judge_heartbeat_interval"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, heartbeat_interval),
      NULL },

    { ngx_string("judge_heartbeat_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, heartbeat_timeout),
      NULL },

    { ngx_string("judge_cpu_time_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_judge_limit,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, cpu_time),
      &ngx_http_judge_limit_ms },

    { ngx_string("judge_wall_time_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_judge_limit,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, wall_time),
      &ngx_http_judge_limit_ms },

    { ngx_string("judge_memory_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_judge_limit,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, memory),
      &ngx_http_judge_limit_kb },

    { ngx_string("judge_output_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_judge_limit,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, output),
      &ngx_http_judge_limit_kb },

    { ngx_string("judge_stack_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_judge_limit,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, stack),
      &ngx_http_judge_limit_kb },

    { ngx_string("judge_processes_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_judge_limit,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, processes),
      &ngx_http_judge_limit_count },

    { ngx_string("judge_batch_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, batch_size),
      NULL },

    { ngx_string("judge_max_tests"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, max_tests),
      NULL },

    { ngx_string("judge_max_attempts"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, max_attempts),
      NULL },

    { ngx_string("judge_queue_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, queue_size),
      NULL },

    { ngx_string("judge_client_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, client_key),
      NULL },

    { ngx_string("judge_client_jobs"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, client_jobs),
      NULL },

    { ngx_string("judge_max_job_time"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, max_job_time),
      NULL },

    { ngx_string("judge_max_body_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, max_body_size),
      NULL },

    { ngx_string("judge_max_problem_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, max_problem_size),
      NULL },

    { ngx_string("judge_max_source_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, max_source_size),
      NULL },

    { ngx_string("judge_max_capture"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, max_capture),
      NULL },

    { ngx_string("judge_max_artifact_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, max_artifact_size),
      NULL },

    { ngx_string("judge_compile_cpu_time_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, compile_cpu_time),
      NULL },

    { ngx_string("judge_compile_wall_time_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, compile_wall_time),
      NULL },

    { ngx_string("judge_compile_memory_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, compile_memory),
      NULL },

    { ngx_string("judge_result_min_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, result_min_ttl),
      NULL },

    { ngx_string("judge_task_grace"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, task_grace),
      NULL },

    { ngx_string("judge_result_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, result_ttl),
      NULL },

    { ngx_string("judge_wait_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, wait_timeout),
      NULL },

    { ngx_string("judge_no_worker_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, no_worker_timeout),
      NULL },

    { ngx_string("judge_drain_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, drain_timeout),
      NULL },

    { ngx_string("judge_session_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, session_ttl),
      NULL },

    { ngx_string("judge_session_rate"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_judge_session_rate,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_session_max_failures"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_judge_session_failures,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("judge_session_history"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, session_history),
      NULL },

    { ngx_string("judge_idempotency_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_judge_loc_conf_t, idempotency_ttl),
      NULL },

      ngx_null_command
};


static ngx_http_variable_t  ngx_http_judge_vars[] = {

    { ngx_string("judge_session_id"), NULL,
      ngx_http_judge_session_id_variable, 0, 0, 0 },

      ngx_http_null_variable
};


static ngx_http_module_t  ngx_http_judge_module_ctx = {
    ngx_http_judge_add_variables,          /* preconfiguration */
    NULL,                                  /* postconfiguration */

    ngx_http_judge_create_main_conf,       /* create main configuration */
    ngx_http_judge_init_main_conf,         /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_judge_create_loc_conf,        /* create location configuration */
    ngx_http_judge_merge_loc_conf          /* merge location configuration */
};


ngx_module_t  ngx_http_judge_module = {
    NGX_MODULE_V1,
    &ngx_http_judge_module_ctx,            /* module context */
    ngx_http_judge_commands,               /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_http_judge_init_module,            /* init module */
    ngx_http_judge_init_process,           /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_judge_exit_process,           /* exit process */
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
     *     jmcf->cache = NULL;
     *     jmcf->used = 0;
     */

    jmcf->cache_max = NGX_CONF_UNSET;
    jmcf->redis_timeout = NGX_CONF_UNSET_MSEC;

    return jmcf;
}


static char *
ngx_http_judge_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_judge_main_conf_t *jmcf = conf;

    ngx_str_t                        name;
    ngx_core_conf_t                 *ccf;
    ngx_http_judge_shm_hooks_t       hooks;
    ngx_http_judge_registry_hooks_t  registry;
    ngx_http_judge_ipc_handlers_t    ipc;

    if (jmcf->used && jmcf->zone == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "judge_api and judge_worker_endpoint need "
                      "\"judge_zone\" in the http block");
        return NGX_CONF_ERROR;
    }

    if (jmcf->zone == NULL) {
        return NGX_CONF_OK;
    }

    if (ngx_http_judge_wire_check(cf->log) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (jmcf->cache == NULL) {
        jmcf->cache = ngx_pcalloc(cf->pool, sizeof(ngx_path_t));
        if (jmcf->cache == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_str_set(&name, "judge_cache");
        jmcf->cache->name = name;

        if (ngx_conf_full_name(cf->cycle, &jmcf->cache->name, 0) != NGX_OK
            || ngx_add_path(cf, &jmcf->cache) != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    ngx_conf_init_value(jmcf->cache_max, 1024 * 1024 * 1024);

    if (jmcf->problems == NULL) {
        jmcf->problems = ngx_pcalloc(cf->pool, sizeof(ngx_path_t));
        if (jmcf->problems == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_str_set(&jmcf->problems->name, "judge_problems");

        if (ngx_conf_full_name(cf->cycle, &jmcf->problems->name, 0)
            != NGX_OK
            || ngx_add_path(cf, &jmcf->problems) != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    jmcf->zone->problems = jmcf->problems;
    jmcf->zone->cache = jmcf->cache;
    jmcf->zone->cache_max = jmcf->cache_max;
    jmcf->zone->known = jmcf->languages;
    jmcf->zone->store = &ngx_http_judge_zone_store;

    ngx_conf_init_msec_value(jmcf->redis_timeout, 1000);

    if (jmcf->redis) {
        jmcf->redis->timeout = jmcf->redis_timeout;
        jmcf->zone->store = &ngx_http_judge_redis_store;
    }

    /*
     * The process table of a new zone: room for this many processes and
     * three generations more that a reload leaves serving long requests;
     * it grows beyond, while the zone has room.
     */

    ccf = (ngx_core_conf_t *) ngx_get_conf(cf->cycle->conf_ctx,
                                           ngx_core_module);

    jmcf->zone->nprocs = NGX_HTTP_JUDGE_MIN_PROCS;

    if (ccf->worker_processes != NGX_CONF_UNSET) {
        jmcf->zone->nprocs = ngx_max(NGX_HTTP_JUDGE_MIN_PROCS,
                                     4 * (ngx_uint_t) ccf->worker_processes);
    }

    hooks.init = ngx_http_judge_init_records;
    hooks.evict = ngx_http_judge_make_room_locked;
    hooks.claim = ngx_http_judge_blob_claim;
    hooks.sweep = ngx_http_judge_blob_sweep;
    hooks.restore = ngx_http_judge_registry_restore;

    ngx_http_judge_shm_set_hooks(&hooks);

    ipc.stream = ngx_http_judge_stream_deliver;
    ipc.waiter = ngx_http_judge_waiter_deliver;
    ipc.pending = ngx_http_judge_pending;
    ipc.tick = ngx_http_judge_tick;
    ipc.gone = ngx_http_judge_registry_expire;
    ipc.reset = ngx_http_judge_reset;
    ngx_http_judge_ipc_set_handlers(&ipc);

    registry.gone = ngx_http_judge_sched_worker_gone_locked;
    registry.came = ngx_http_judge_sched_worker_came_locked;
    ngx_http_judge_registry_set_hooks(&registry);
    ngx_http_judge_blob_set_evict(ngx_http_judge_make_disk_room_locked);

    return NGX_CONF_OK;
}


/*
 * In the master, at start and reload: the IPC doorbells, and the files of
 * judge_problems_path given to the worker processes' user.
 */

static ngx_int_t
ngx_http_judge_init_module(ngx_cycle_t *cycle)
{
    ngx_core_conf_t             *ccf;
    ngx_http_judge_main_conf_t  *jmcf;

    if (ngx_http_judge_ipc_init_module(cycle) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_test_config
        || ngx_http_cycle_get_module_main_conf(cycle, ngx_http_module)
           == NULL)
    {
        return NGX_OK;
    }

    jmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_judge_module);
    ccf = (ngx_core_conf_t *) ngx_get_conf(cycle->conf_ctx, ngx_core_module);

    if (jmcf == NULL || jmcf->problems == NULL
        || ccf->user == (ngx_uid_t) NGX_CONF_UNSET_UINT)
    {
        return NGX_OK;
    }

    return ngx_http_judge_problem_own(cycle, jmcf->problems, ccf->user);
}


static ngx_int_t
ngx_http_judge_init_process(ngx_cycle_t *cycle)
{
    ngx_http_judge_main_conf_t  *jmcf;

    if (ngx_http_judge_ipc_init_process(cycle) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_cycle_get_module_main_conf(cycle, ngx_http_module) == NULL) {
        return NGX_OK;
    }

    jmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_judge_module);

    if (jmcf && jmcf->zone && ngx_process == NGX_PROCESS_WORKER) {
        ngx_http_judge_blob_check(jmcf->zone);

        if (jmcf->redis) {
            return ngx_http_judge_redis_init_process(cycle, jmcf->redis);
        }
    }

    return NGX_OK;
}


static void
ngx_http_judge_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_judge_redis_exit_process();
    ngx_http_judge_ipc_exit_process(cycle);
}


/* judge_redis host:port | unix:/path [db=N] [password_file=] [prefix=] */

static char *
ngx_http_judge_redis(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_judge_main_conf_t *jmcf = conf;

    return ngx_http_judge_redis_directive(cf, &jmcf->redis);
}


/* every record structure of a new root object of the zone */

static void
ngx_http_judge_init_records(ngx_http_judge_shctx_t *sh)
{
    ngx_http_judge_registry_init_zone(sh);
    ngx_http_judge_job_init_zone(sh);
    ngx_http_judge_session_init_zone(sh);
    ngx_http_judge_cache_init_zone(sh);
    ngx_http_judge_ready_init_zone(sh);
    ngx_http_judge_blob_init_zone(sh);
}


/*
 * Room in the zone or the cache directory, one record at a time, the
 * least valuable first: a blob nothing holds, a compiled artifact, a
 * finished job kept for its minimum.
 */

/* the poll timer: finished jobs past their ttl go; due work goes out */

static void
ngx_http_judge_tick(ngx_http_judge_zone_t *zone, ngx_uint_t expire)
{
    if (expire) {
        zone->store->expire(zone);
        ngx_http_judge_session_expire(zone);
    }

    if (zone->store->sync) {
        zone->store->sync(zone);
    }

    if (zone->store == &ngx_http_judge_redis_store) {
        ngx_http_judge_problem_sync(zone);
    }

    ngx_http_judge_sched_run(zone);
}


/*
 * Whether this process is to outlive a stop or a reload for a while: its
 * requests waiting; with a durable store, always while it runs (an end
 * may come right before the stop), and once it exits while ends are not
 * yet written, for NGX_HTTP_JUDGE_EXIT_TICKS ticks at most (Redis away
 * does not hold the stop).
 */

static ngx_uint_t
ngx_http_judge_pending(ngx_http_judge_zone_t *zone)
{
    static ngx_uint_t  ticks;

    if (ngx_http_judge_waiter_pending()) {
        return 1;
    }

    if (zone->store->sync == NULL) {
        return 0;
    }

    if (!ngx_exiting) {
        return 1;
    }

    return ticks++ < NGX_HTTP_JUDGE_EXIT_TICKS
           && ngx_http_judge_job_unwritten(zone);
}


/* after a reset of the zone: this process's streams and waiters go */

static void
ngx_http_judge_reset(void)
{
    ngx_http_judge_stream_reset();
    ngx_http_judge_waiter_reset();
}


static ngx_int_t
ngx_http_judge_make_room_locked(ngx_http_judge_zone_t *zone)
{
    if (ngx_http_judge_make_disk_room_locked(zone) == NGX_OK) {
        return NGX_OK;
    }

    return ngx_http_judge_session_evict_locked(zone);
}


/*
 * Room in the cache directory: what the zone's room takes, but never a
 * code session, whose source is someone's work (a full directory is
 * 503 cache_full instead)
 */

static ngx_int_t
ngx_http_judge_make_disk_room_locked(ngx_http_judge_zone_t *zone)
{
    if (ngx_http_judge_blob_evict_unused_locked(zone) == NGX_OK
        || ngx_http_judge_cache_evict_locked(zone) == NGX_OK)
    {
        return NGX_OK;
    }

    return ngx_http_judge_job_evict_locked(zone);
}


/*
 * judge_languages id ...: languages a submission may name while no
 * worker offers them (it waits, 503 no_worker) rather than being refused
 * (422 unknown_language), e.g. the first minutes of a fresh install.
 * Languages workers offered are remembered anyway (the zone, and the
 * cache directory's "languages" file across restarts).
 */

static char *
ngx_http_judge_languages(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_judge_main_conf_t *jmcf = conf;

    ngx_str_t   *value, *id;
    ngx_uint_t   i;

    if (jmcf->languages == NULL) {
        jmcf->languages = ngx_array_create(cf->pool, 8, sizeof(ngx_str_t));
        if (jmcf->languages == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        if (!ngx_http_judge_name_ok(value[i].data, value[i].len))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid language id \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        id = ngx_array_push(jmcf->languages);
        if (id == NULL) {
            return NGX_CONF_ERROR;
        }

        *id = value[i];
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_judge_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_judge_loc_conf_t  *jlcf;

    jlcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_judge_loc_conf_t));
    if (jlcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     jlcf->token = { 0, NULL };
     *     jlcf->endpoint = 0;
     */

    jlcf->cpu_time.value = NGX_CONF_UNSET_UINT;
    jlcf->wall_time.value = NGX_CONF_UNSET_UINT;
    jlcf->memory.value = NGX_CONF_UNSET_UINT;
    jlcf->output.value = NGX_CONF_UNSET_UINT;
    jlcf->stack.value = NGX_CONF_UNSET_UINT;
    jlcf->processes.value = NGX_CONF_UNSET_UINT;
    jlcf->batch_size = NGX_CONF_UNSET_UINT;
    jlcf->max_tests = NGX_CONF_UNSET_UINT;
    jlcf->max_attempts = NGX_CONF_UNSET_UINT;
    jlcf->queue_size = NGX_CONF_UNSET_UINT;
    jlcf->client_jobs = NGX_CONF_UNSET_UINT;
    jlcf->max_job_time = NGX_CONF_UNSET_MSEC;
    jlcf->max_body_size = NGX_CONF_UNSET_SIZE;
    jlcf->max_problem_size = NGX_CONF_UNSET_SIZE;
    jlcf->max_source_size = NGX_CONF_UNSET_SIZE;
    jlcf->max_capture = NGX_CONF_UNSET_SIZE;
    jlcf->max_artifact_size = NGX_CONF_UNSET_SIZE;
    jlcf->result_ttl = NGX_CONF_UNSET_MSEC;
    jlcf->result_min_ttl = NGX_CONF_UNSET_MSEC;
    jlcf->task_grace = NGX_CONF_UNSET_MSEC;
    jlcf->compile_cpu_time = NGX_CONF_UNSET_MSEC;
    jlcf->compile_wall_time = NGX_CONF_UNSET_MSEC;
    jlcf->compile_memory = NGX_CONF_UNSET_SIZE;
    jlcf->wait_timeout = NGX_CONF_UNSET_MSEC;
    jlcf->no_worker_timeout = NGX_CONF_UNSET_MSEC;
    jlcf->max_frame_size = NGX_CONF_UNSET_SIZE;
    jlcf->heartbeat_interval = NGX_CONF_UNSET_MSEC;
    jlcf->heartbeat_timeout = NGX_CONF_UNSET_MSEC;
    jlcf->drain_timeout = NGX_CONF_UNSET_MSEC;
    jlcf->session_ttl = NGX_CONF_UNSET_MSEC;
    jlcf->session_rate = NGX_CONF_UNSET_UINT;
    jlcf->session_burst = NGX_CONF_UNSET_UINT;
    jlcf->session_max_failures = NGX_CONF_UNSET_UINT;
    jlcf->session_cooldown = NGX_CONF_UNSET_MSEC;
    jlcf->session_history = NGX_CONF_UNSET_UINT;
    jlcf->idempotency_ttl = NGX_CONF_UNSET_MSEC;

    return jlcf;
}


static char *
ngx_http_judge_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_judge_loc_conf_t *prev = parent;
    ngx_http_judge_loc_conf_t *conf = child;

    ngx_http_judge_merge_limit(&conf->cpu_time, &prev->cpu_time,
                               1000, 10000);
    ngx_http_judge_merge_limit(&conf->wall_time, &prev->wall_time,
                               3000, 30000);
    ngx_http_judge_merge_limit(&conf->memory, &prev->memory,
                               262144, 2097152);
    ngx_http_judge_merge_limit(&conf->output, &prev->output, 1024, 65536);
    ngx_http_judge_merge_limit(&conf->stack, &prev->stack, 65536, 1048576);
    ngx_http_judge_merge_limit(&conf->processes, &prev->processes, 1, 256);

    ngx_conf_merge_uint_value(conf->batch_size, prev->batch_size, 0);
    ngx_conf_merge_uint_value(conf->max_tests, prev->max_tests, 1000);
    ngx_conf_merge_uint_value(conf->max_attempts, prev->max_attempts, 3);
    ngx_conf_merge_uint_value(conf->queue_size, prev->queue_size, 1024);
    ngx_conf_merge_uint_value(conf->client_jobs, prev->client_jobs, 64);
    ngx_conf_merge_msec_value(conf->max_job_time, prev->max_job_time,
                              3600 * 1000);

    if (conf->client_key == NULL) {
        conf->client_key = prev->client_key;
    }
    ngx_conf_merge_size_value(conf->max_body_size, prev->max_body_size,
                              16 * 1024 * 1024);
    ngx_conf_merge_size_value(conf->max_problem_size, prev->max_problem_size,
                              64 * 1024 * 1024);
    ngx_conf_merge_size_value(conf->max_source_size, prev->max_source_size,
                              1024 * 1024);
    ngx_conf_merge_size_value(conf->max_capture, prev->max_capture,
                              16 * 1024);
    ngx_conf_merge_size_value(conf->max_artifact_size,
                              prev->max_artifact_size, 8 * 1024 * 1024);
    ngx_conf_merge_msec_value(conf->result_ttl, prev->result_ttl,
                              3600 * 1000);
    ngx_conf_merge_msec_value(conf->result_min_ttl, prev->result_min_ttl,
                              60000);
    ngx_conf_merge_msec_value(conf->task_grace, prev->task_grace, 10000);
    ngx_conf_merge_msec_value(conf->compile_cpu_time, prev->compile_cpu_time,
                              60000);
    ngx_conf_merge_msec_value(conf->compile_wall_time,
                              prev->compile_wall_time, 120000);
    ngx_conf_merge_size_value(conf->compile_memory, prev->compile_memory,
                              (size_t) 2048 * 1024 * 1024);

    if (conf->compile_cpu_time == 0 || conf->compile_memory < 1024 * 1024
        || conf->compile_wall_time < conf->compile_cpu_time)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "judge_compile_cpu_time_limit must be above 0, "
                           "judge_compile_wall_time_limit at least as long "
                           "and judge_compile_memory_limit at least 1m");
        return NGX_CONF_ERROR;
    }
    ngx_conf_merge_msec_value(conf->wait_timeout, prev->wait_timeout,
                              60000);
    ngx_conf_merge_msec_value(conf->no_worker_timeout,
                              prev->no_worker_timeout, 30000);

    ngx_conf_merge_msec_value(conf->session_ttl, prev->session_ttl,
                              3600 * 1000);
    ngx_conf_merge_uint_value(conf->session_rate, prev->session_rate,
                              10 * 1000);
    ngx_conf_merge_uint_value(conf->session_burst, prev->session_burst, 10);
    ngx_conf_merge_uint_value(conf->session_max_failures,
                              prev->session_max_failures, 5);
    ngx_conf_merge_msec_value(conf->session_cooldown, prev->session_cooldown,
                              60000);
    ngx_conf_merge_uint_value(conf->session_history, prev->session_history,
                              100);
    ngx_conf_merge_msec_value(conf->idempotency_ttl, prev->idempotency_ttl,
                              3600 * 1000);

    if (conf->session_history == 0 || conf->session_history > 10000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "judge_session_history must be 1 to 10000");
        return NGX_CONF_ERROR;
    }

    if (conf->max_attempts == 0 || conf->max_tests == 0
        || conf->queue_size == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "judge_max_attempts, judge_max_tests and "
                           "judge_queue_size must be at least 1");
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_str_value(conf->token, prev->token, "");
    ngx_conf_merge_str_value(conf->admin_token, prev->admin_token, "");

    if (conf->admin && conf->admin_token.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "judge_admin needs judge_admin_token_file");
        return NGX_CONF_ERROR;
    }
    ngx_conf_merge_size_value(conf->max_frame_size, prev->max_frame_size,
                              16 * 1024 * 1024);
    ngx_conf_merge_msec_value(conf->heartbeat_interval,
                              prev->heartbeat_interval, 2000);
    ngx_conf_merge_msec_value(conf->heartbeat_timeout,
                              prev->heartbeat_timeout, 10000);
    ngx_conf_merge_msec_value(conf->drain_timeout, prev->drain_timeout,
                              60000);

    if (conf->heartbeat_timeout <= conf->heartbeat_interval) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "judge_heartbeat_timeout must be longer than "
                           "judge_heartbeat_interval");
        return NGX_CONF_ERROR;
    }

    if (conf->max_frame_size < 4096) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "judge_max_frame_size must be at least 4k");
        return NGX_CONF_ERROR;
    }

    if (conf->endpoint && conf->token.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "judge_worker_endpoint needs judge_worker_token "
                           "or judge_worker_token_file");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void
ngx_http_judge_merge_limit(ngx_http_judge_limit_t *conf,
    ngx_http_judge_limit_t *prev, uint64_t value, uint64_t max)
{
    if (conf->value == NGX_CONF_UNSET_UINT) {
        if (prev->value == NGX_CONF_UNSET_UINT) {
            conf->value = value;
            conf->max = max;

        } else {
            *conf = *prev;
        }
    }
}


/*
 * judge_cpu_time_limit 1s [10s]; the default a submission gets, and the
 * most it may ask for (the default itself when not given).  Times are in
 * nginx's time syntax, sizes in its size syntax, counts plain numbers.
 */

static char *
ngx_http_judge_limit(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_uint_t  *unit = cmd->post;

    ngx_int_t                n;
    ngx_str_t               *value;
    ngx_uint_t               i;
    uint64_t                 v[2];
    ngx_http_judge_limit_t  *limit;

    limit = (ngx_http_judge_limit_t *) ((u_char *) conf + cmd->offset);

    if (limit->value != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        switch (*unit) {

        case NGX_HTTP_JUDGE_LIMIT_MS:
            n = ngx_parse_time(&value[i], 0);
            break;

        case NGX_HTTP_JUDGE_LIMIT_KB:
            n = ngx_parse_size(&value[i]);
            n = (n == NGX_ERROR) ? NGX_ERROR : n / 1024;
            break;

        default:
            n = ngx_atoi(value[i].data, value[i].len);
            break;
        }

        if (n == NGX_ERROR || n <= 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid value \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        v[i - 1] = (uint64_t) n;
    }

    limit->value = v[0];
    limit->max = (cf->args->nelts == 3) ? v[1] : v[0];

    if (limit->max < limit->value) {
        return "has a maximum below its default";
    }

    return NGX_CONF_OK;
}


/* the token is read once, at configuration time, and trimmed */

static char *
ngx_http_judge_token_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t  *token = (ngx_str_t *) ((u_char *) conf + cmd->offset);

    ngx_str_t  *value;

    if (token->data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    return ngx_http_judge_secret_file(cf, &value[1], token);
}


char *
ngx_http_judge_secret_file(ngx_conf_t *cf, ngx_str_t *path, ngx_str_t *secret)
{
    u_char          *p, *last;
    ssize_t          n;
    ngx_str_t        name;
    ngx_file_t       file;
    ngx_file_info_t  fi;

    name = *path;

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = name;
    file.log = cf->log;

    file.fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", &name);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR
        || ngx_file_size(&fi) > 4096)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "secret file \"%V\" is unreadable or too large",
                           &name);
        (void) ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }

    p = ngx_pnalloc(cf->pool, ngx_file_size(&fi) + 1);
    if (p == NULL) {
        (void) ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }

    n = ngx_read_file(&file, p, ngx_file_size(&fi), 0);

    (void) ngx_close_file(file.fd);

    if (n == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    last = p + n;
    while (last > p && (last[-1] == '\n' || last[-1] == '\r'
                        || last[-1] == ' ' || last[-1] == '\t'))
    {
        last--;
    }

    if (last == p) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "secret file \"%V\" is empty", &name);
        return NGX_CONF_ERROR;
    }

    secret->data = p;
    secret->len = last - p;

    return NGX_CONF_OK;
}


/* judge_problems_path path: problems' definitions and test files */

static char *
ngx_http_judge_problems_path(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_judge_main_conf_t *jmcf = conf;

    ngx_str_t  *value;

    if (jmcf->problems) {
        return "is duplicate";
    }

    value = cf->args->elts;

    jmcf->problems = ngx_pcalloc(cf->pool, sizeof(ngx_path_t));
    if (jmcf->problems == NULL) {
        return NGX_CONF_ERROR;
    }

    jmcf->problems->name = value[1];

    if (jmcf->problems->name.len > 1
        && jmcf->problems->name.data[jmcf->problems->name.len - 1] == '/')
    {
        jmcf->problems->name.len--;
    }

    if (jmcf->problems->name.len + 256 >= NGX_MAX_PATH) {
        return "is too long";
    }

    if (ngx_conf_full_name(cf->cycle, &jmcf->problems->name, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    jmcf->problems->conf_file = cf->conf_file->file.name.data;
    jmcf->problems->line = cf->conf_file->line;

    if (ngx_add_path(cf, &jmcf->problems) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* judge_cache_path path [max_size=size] */

static char *
ngx_http_judge_cache_path(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_judge_main_conf_t *jmcf = conf;

    ngx_str_t  *value, s;

    if (jmcf->cache) {
        return "is duplicate";
    }

    value = cf->args->elts;

    jmcf->cache = ngx_pcalloc(cf->pool, sizeof(ngx_path_t));
    if (jmcf->cache == NULL) {
        return NGX_CONF_ERROR;
    }

    jmcf->cache->name = value[1];

    if (jmcf->cache->name.len > 1
        && jmcf->cache->name.data[jmcf->cache->name.len - 1] == '/')
    {
        jmcf->cache->name.len--;
    }

    if (jmcf->cache->name.len + NGX_HTTP_JUDGE_CACHE_NAME_LEN
        >= NGX_MAX_PATH)
    {
        return "is too long";
    }

    if (ngx_conf_full_name(cf->cycle, &jmcf->cache->name, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    jmcf->cache->conf_file = cf->conf_file->file.name.data;
    jmcf->cache->line = cf->conf_file->line;

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "max_size=", 9) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        s.data = value[2].data + 9;
        s.len = value[2].len - 9;

        jmcf->cache_max = ngx_parse_offset(&s);
        if (jmcf->cache_max <= 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid max_size \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_add_path(cf, &jmcf->cache) != NGX_OK) {
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
    ngx_http_judge_loc_conf_t *jlcf = conf;

    char                       *rv;
    ngx_str_t                  *value;
    ngx_http_judge_dialect_t  **d;

    /* "judge_api judge0|piston [parameters]": that engine's API here */

    if (cf->args->nelts > 1) {
        value = cf->args->elts;

        for (d = ngx_http_judge_dialects; *d; d++) {
            if ((*d)->name.len == value[1].len
                && ngx_strncmp((*d)->name.data, value[1].data, value[1].len)
                   == 0)
            {
                break;
            }
        }

        if (*d == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown API dialect \"%V\" (judge0, piston)",
                               &value[1]);
            return NGX_CONF_ERROR;
        }

        jlcf->dialect = *d;

        rv = (*d)->conf(cf, jlcf, &value[2], cf->args->nelts - 2);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    return ngx_http_judge_set_handler(cf, ngx_http_judge_api_handler);
}


/* the admin API: the same routes, and those only an operator may use */

static char *
ngx_http_judge_admin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_judge_loc_conf_t *jlcf = conf;

    jlcf->admin = 1;

    return ngx_http_judge_set_handler(cf, ngx_http_judge_api_handler);
}


static char *
ngx_http_judge_worker_endpoint(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_judge_loc_conf_t *jlcf = conf;

    jlcf->endpoint = 1;

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


/*
 * "Authorization: Bearer <token>" against the configured token.  Digests
 * are compared, so that neither content nor length leaks by timing.
 * NGX_DECLINED: no bearer token; NGX_ERROR: a wrong one.
 */

ngx_int_t
ngx_http_judge_bearer_ok(ngx_http_request_t *r, ngx_str_t *token)
{
    u_char           a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
    ngx_str_t        given;
    unsigned int     alen, blen;
    ngx_table_elt_t  *h;

    h = r->headers_in.authorization;

    if (h == NULL || h->value.len <= sizeof("Bearer ") - 1
        || ngx_strncasecmp(h->value.data, (u_char *) "Bearer ",
                           sizeof("Bearer ") - 1) != 0)
    {
        return NGX_DECLINED;
    }

    given.data = h->value.data + sizeof("Bearer ") - 1;
    given.len = h->value.len - (sizeof("Bearer ") - 1);

    if (!EVP_Digest(given.data, given.len, a, &alen, EVP_sha256(), NULL)
        || !EVP_Digest(token->data, token->len, b, &blen, EVP_sha256(), NULL)
        || alen != blen || CRYPTO_memcmp(a, b, alen) != 0)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * judge_session_rate 10r/m [burst=N] | off: runs a code session may start,
 * on average; "burst" of them at once (default: the rate's number).
 */

static char *
ngx_http_judge_session_rate(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_judge_loc_conf_t *jlcf = conf;

    u_char     *p;
    size_t      len;
    ngx_int_t   rate, scale, burst;
    ngx_str_t  *value;

    if (jlcf->session_rate != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0 && cf->args->nelts == 2) {
        jlcf->session_rate = 0;
        jlcf->session_burst = 0;
        return NGX_CONF_OK;
    }

    len = value[1].len;
    p = value[1].data + len - 3;
    scale = 0;

    if (len > 3 && ngx_strncmp(p, "r/s", 3) == 0) {
        scale = 60;

    } else if (len > 3 && ngx_strncmp(p, "r/m", 3) == 0) {
        scale = 1;
    }

    rate = scale ? ngx_atoi(value[1].data, len - 3) : NGX_ERROR;

    if (rate == NGX_ERROR || rate == 0 || rate > 100000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid rate \"%V\": \"Nr/s\" or \"Nr/m\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    burst = rate;

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "burst=", 6) != 0
            || (burst = ngx_atoi(value[2].data + 6, value[2].len - 6))
               == NGX_ERROR
            || burst == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }
    }

    jlcf->session_rate = rate * scale * 1000;
    jlcf->session_burst = burst;

    return NGX_CONF_OK;
}


/*
 * judge_session_max_failures N [cooldown=time] | off: after N runs in a
 * row that failed or timed out, a session's runs are refused until the
 * cool-down (default 1m) has passed since the last of them.
 */

static char *
ngx_http_judge_session_failures(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_judge_loc_conf_t *jlcf = conf;

    ngx_int_t    n;
    ngx_str_t   *value, s;
    ngx_msec_t   cooldown;

    if (jlcf->session_max_failures != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0 && cf->args->nelts == 2) {
        jlcf->session_max_failures = 0;
        return NGX_CONF_OK;
    }

    n = ngx_atoi(value[1].data, value[1].len);

    if (n == NGX_ERROR || n == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid number of failures \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    jlcf->session_max_failures = n;

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "cooldown=", 9) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        s.data = value[2].data + 9;
        s.len = value[2].len - 9;

        cooldown = ngx_parse_time(&s, 0);

        if (cooldown == (ngx_msec_t) NGX_ERROR) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid cooldown \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        jlcf->session_cooldown = cooldown;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_judge_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_judge_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/*
 * $judge_session_id: the code session a request's path names
 * (".../code-sessions/{id}..."), for limit_req and limit_conn by session;
 * empty elsewhere.  It is read from the URI, so that it is known in the
 * phases before the judge's handler.
 */

static ngx_int_t
ngx_http_judge_session_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char  *p, *last, *id;

    static u_char  seg[] = "/code-sessions/";

    v->not_found = 1;

    last = r->uri.data + r->uri.len;
    p = ngx_strlcasestrn(r->uri.data, last, seg, sizeof(seg) - 2);

    if (p == NULL) {
        return NGX_OK;
    }

    id = p + sizeof(seg) - 1;

    for (p = id; p < last && *p != '/'; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) {
            return NGX_OK;
        }
    }

    if (p - id != NGX_HTTP_JUDGE_JOB_ID_LEN) {
        return NGX_OK;
    }

    v->data = id;
    v->len = NGX_HTTP_JUDGE_JOB_ID_LEN;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}
