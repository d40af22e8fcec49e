
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_PARSE_H_INCLUDED_
#define _NGX_HTTP_JUDGE_PARSE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_session.h"
#include "judge.pb-c.h"

#include <jansson.h>


/*
 * The module's two decoders of what comes from outside, each a pure step:
 *
 *   ngx_http_judge_submit_parse()   the body of POST /submissions in,
 *       a checked submission out, or the JSON error to answer (status,
 *       code, message)
 *
 *   ngx_http_judge_stream_decode()  bytes a worker sent on its stream
 *       in, one frame's WorkerMessage out, checked, or why the stream
 *       must close; ngx_http_judge_stream_info() then makes a Register
 *       what the registry keeps
 *
 * Neither touches a request, a connection, the zone or the clock, nor
 * logs: what they know of the world comes in as arguments (the
 * location's limits, the languages, whether the stream has registered),
 * and what went wrong goes out as text for the caller to send or log.
 * They read no byte past the length they are given, whatever the bytes
 * are; the unit tests (ngx_judge_module/tests/) and the fuzz targets
 * (ngx_judge_module/fuzz/) call them as the request handler and the
 * stream's read path do.
 */


#define NGX_HTTP_JUDGE_REASON_LEN     NGX_MAX_ERROR_STR


/* why a submission is refused: the answer's status and JSON error */
typedef struct {
    ngx_uint_t                   status;
    char                        *code;
    u_char                       message[256];
} ngx_http_judge_invalid_t;


/*
 * What the submission parser asks of the registry, answered from the
 * zone by the request handler:
 *
 *   language   NGX_OK (with *compiled), NGX_BUSY (known, no live worker),
 *              NGX_DECLINED (never heard of)
 *   flags      NGX_OK, NGX_DECLINED with *refused (the index of the first
 *              flag no worker of the language allows), NGX_ERROR
 */
typedef struct {
    ngx_int_t                  (*language)(void *data, ngx_str_t *language,
                                           ngx_uint_t *compiled);
    ngx_int_t                  (*flags)(void *data, ngx_pool_t *pool,
                                        ngx_str_t *language, char **flags,
                                        size_t nflags, size_t *refused);
    void                        *data;
} ngx_http_judge_langs_t;


/* a code session's run: what the session holds */
typedef struct {
    ngx_str_t                    language;
    ngx_str_t                    source;
    ngx_str_t                    input;
} ngx_http_judge_run_t;


#define NGX_HTTP_JUDGE_MAX_FLAGS      32
#define NGX_HTTP_JUDGE_MAX_ARGS       64
#define NGX_HTTP_JUDGE_MAX_ARG_LEN    4096
#define NGX_HTTP_JUDGE_MAX_ARGS_LEN   16384


/* one frame from a worker, as ngx_http_judge_stream_decode() leaves it */
typedef struct {
    Judge__WorkerMessage        *msg;         /* NULL unless unpacked */
    size_t                       size;        /* prefix and payload */

    /* a Register whose worker id is a valid name: the stream's name */
    ngx_str_t                    worker_id;
    ngx_uint_t                   not_utf8;    /* text bytes shown as "?" */

    ngx_uint_t                   load100;     /* a Heartbeat's load1 */

    /* refused: what to log, and what to tell the worker, if anything */
    char                        *goodbye;
    u_char                       reason[NGX_HTTP_JUDGE_REASON_LEN];
} ngx_http_judge_frame_in_t;


ngx_int_t ngx_http_judge_invalid(ngx_http_judge_invalid_t *err,
    ngx_uint_t status, char *code, const char *fmt, ...);
ngx_int_t ngx_http_judge_invalid_args(ngx_http_judge_invalid_t *err,
    ngx_uint_t status, char *code, const char *fmt, va_list args);
ngx_int_t ngx_http_judge_submit_known(json_t *obj, const char **known,
    char *where, ngx_http_judge_invalid_t *err);
ngx_int_t ngx_http_judge_submit_parse(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    ngx_str_t *body, ngx_http_judge_submission_t *sub,
    ngx_http_judge_invalid_t *err);

ngx_int_t ngx_http_judge_submit_json(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    json_t *root, ngx_uint_t run, ngx_http_judge_submission_t *sub,
    ngx_http_judge_invalid_t *err);
ngx_int_t ngx_http_judge_submit_problem(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    ngx_str_t *body, json_t *def, ngx_http_judge_submission_t *sub,
    ngx_http_judge_invalid_t *err);
ngx_int_t ngx_http_judge_submit_problem_ok(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, json_t *def,
    ngx_http_judge_invalid_t *err);
ngx_int_t ngx_http_judge_submit_session(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    ngx_str_t *body, ngx_uint_t create, ngx_http_judge_session_change_t *ch,
    ngx_http_judge_invalid_t *err);
ngx_int_t ngx_http_judge_submit_run(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    ngx_str_t *body, ngx_http_judge_run_t *run,
    ngx_http_judge_submission_t *sub, ngx_http_judge_invalid_t *err);
ngx_int_t ngx_http_judge_stream_decode(u_char *data, size_t len,
    size_t max_frame_size, ngx_str_t *worker_id, ngx_uint_t registered,
    ngx_http_judge_frame_in_t *in);
void ngx_http_judge_stream_decoded(ngx_http_judge_frame_in_t *in);
ngx_int_t ngx_http_judge_stream_info(ngx_pool_t *pool, Judge__Register *reg,
    ngx_http_judge_worker_info_t *info);


#endif /* _NGX_HTTP_JUDGE_PARSE_H_INCLUDED_ */
