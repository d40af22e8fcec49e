
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_REDIS_H_INCLUDED_
#define _NGX_HTTP_JUDGE_REDIS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include <hiredis/hiredis.h>

#include "ngx_http_judge_module.h"


/* judge_redis and judge_redis_timeout, as configured */
struct ngx_http_judge_redis_conf_s {
    ngx_url_t                    url;
    ngx_str_t                    name;        /* for the log */
    ngx_str_t                    host;        /* a literal address */
    ngx_str_t                    password;
    ngx_str_t                    prefix;
    ngx_uint_t                   db;
    ngx_msec_t                   timeout;
    ngx_msec_t                   programs;    /* compiled programs kept for
                                                 the others; 0: none */
    unsigned                     local:1;     /* a unix socket */
};


/*
 * A reply, or NULL when the command was lost (the connection went, or no
 * reply came within judge_redis_timeout).
 */
typedef void (*ngx_http_judge_redis_pt)(void *data, redisReply *reply);


char *ngx_http_judge_redis_directive(ngx_conf_t *cf,
    ngx_http_judge_redis_conf_t **rcf);
ngx_int_t ngx_http_judge_redis_init_process(ngx_cycle_t *cycle,
    ngx_http_judge_redis_conf_t *rcf);
void ngx_http_judge_redis_exit_process(void);
ngx_uint_t ngx_http_judge_redis_up(void);
ngx_msec_t ngx_http_judge_redis_up_since(void);
ngx_str_t ngx_http_judge_redis_prefix(void);
ngx_msec_t ngx_http_judge_redis_programs(void);
ngx_int_t ngx_http_judge_redis_send(ngx_http_judge_redis_pt handler,
    void *data, ngx_uint_t argc, const char **argv, const size_t *argvlen);


#endif /* _NGX_HTTP_JUDGE_REDIS_H_INCLUDED_ */
