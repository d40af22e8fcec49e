
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_WIRE_H_INCLUDED_
#define _NGX_HTTP_JUDGE_WIRE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"


/* the field numbers of judge.proto the frames are written with */
#define NGX_HTTP_JUDGE_MC_COMPILE        2    /* MasterCommand.compile */
#define NGX_HTTP_JUDGE_MC_EXECUTE_BATCH  3    /* MasterCommand.execute_batch */
#define NGX_HTTP_JUDGE_CT_TASK_ID        2    /* CompileTask.task_id */
#define NGX_HTTP_JUDGE_CT_MAX_ARTIFACT   8    /* .max_artifact_size */
#define NGX_HTTP_JUDGE_EB_JOB_ID         1    /* ExecuteBatchTask.job_id */
#define NGX_HTTP_JUDGE_EB_TASK_ID        2    /* .task_id */
#define NGX_HTTP_JUDGE_EB_ARTIFACT       4    /* .artifact */
#define NGX_HTTP_JUDGE_EB_TESTS          7    /* .tests */
#define NGX_HTTP_JUDGE_EB_ATTEMPT        11   /* .attempt */


/* NGX_ERROR (logged): the numbers above are not judge.proto's */
ngx_int_t ngx_http_judge_wire_check(ngx_log_t *log);

/* MasterCommand{compile} of an artifact's pending compile */
void ngx_http_judge_wire_compile(ngx_http_judge_artifact_t *a,
    ngx_http_judge_recipe_t *r);
/* the size of a batch's frame, tests first..first+count (artifact too) */
size_t ngx_http_judge_wire_batch_size(ngx_http_judge_job_t *job,
    ngx_uint_t first, ngx_uint_t count, ngx_http_judge_artifact_t *a);
/* MasterCommand{execute_batch} of one batch */
void ngx_http_judge_wire_batch(ngx_http_judge_job_t *job,
    ngx_http_judge_task_t *b, ngx_http_judge_artifact_t *a,
    ngx_http_judge_recipe_t *r);
/* MasterCommand{cancel} into buf (128 bytes): its length */
size_t ngx_http_judge_wire_cancel(u_char *buf, ngx_str_t *job_id,
    uint64_t task_id);
/* MasterCommand{drain}, allocated from the pool */
ngx_int_t ngx_http_judge_wire_drain(ngx_pool_t *pool, char *reason,
    ngx_uint_t reconnect, ngx_str_t *out);
/* a Status value's name */
const char *ngx_http_judge_status_name(ngx_uint_t status);


#endif /* _NGX_HTTP_JUDGE_WIRE_H_INCLUDED_ */
