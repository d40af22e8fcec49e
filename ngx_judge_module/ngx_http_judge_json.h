
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_JSON_H_INCLUDED_
#define _NGX_HTTP_JUDGE_JSON_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <jansson.h>

#include "ngx_http_judge_module.h"


/* JSON output, errors, names (ngx_http_judge_json.c) */

ngx_int_t ngx_http_judge_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b);
ngx_int_t ngx_http_judge_send_chain(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_chain_t *out, off_t len);
ngx_int_t ngx_http_judge_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b);
ngx_int_t ngx_http_judge_add_header(ngx_http_request_t *r, char *key,
    char *value);
ngx_int_t ngx_http_judge_send_error(ngx_http_request_t *r, ngx_uint_t status,
    char *code, char *message);
ngx_int_t ngx_http_judge_send_jansson(ngx_http_request_t *r,
    ngx_uint_t status, json_t *json);
ngx_int_t ngx_http_judge_retry_after(ngx_http_request_t *r,
    ngx_uint_t status, time_t secs);
ngx_int_t ngx_http_judge_send_error_with(ngx_http_request_t *r,
    ngx_uint_t status, char *code, char *message, ngx_str_t *extra,
    time_t retry);
size_t ngx_http_judge_json_str_len(ngx_str_t *s);
u_char *ngx_http_judge_json_str(u_char *p, ngx_str_t *s);
size_t ngx_http_judge_json_list_len(ngx_str_t *list);
ngx_int_t ngx_http_judge_name_ok(u_char *name, size_t len);
size_t ngx_http_judge_json_utf8_len(ngx_str_t *s);
u_char *ngx_http_judge_json_utf8(u_char *p, ngx_str_t *s);
ngx_uint_t ngx_http_judge_utf8_clean(u_char *p, size_t len);
u_char *ngx_http_judge_json_list(u_char *p, ngx_str_t *list);
uint64_t ngx_http_judge_json_now_ms(void);
u_char *ngx_http_judge_json_time(u_char *p, uint64_t ms);


#endif /* _NGX_HTTP_JUDGE_JSON_H_INCLUDED_ */
