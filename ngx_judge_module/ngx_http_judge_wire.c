
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_wire.h"


/*
 * The wire: what nginx sends workers, as protobuf (proto/judge.proto).
 * Tasks are written as recipes of bytes and ranges of blobs kept in the
 * cache directory (ngx_http_judge_blobs.c): a submission's run template
 * and its tests were packed once, at submission; a batch is the template,
 * the fields of this task, and one byte range of the tests, concatenated
 * as protobuf allows.  The smaller commands are packed whole.
 */


#define NGX_HTTP_JUDGE_FRAME_SLACK    1024    /* ids, numbers, keys */


/*
 * MasterCommand{compile: spec + task_id + max_artifact_size}.  The stored
 * CompileTask holds everything else; a field appended later wins, as
 * protobuf says.
 */

void
ngx_http_judge_wire_compile(ngx_http_judge_artifact_t *a,
    ngx_http_judge_recipe_t *r)
{
    size_t  inner;

    inner = a->spec.len
            + 1 + ngx_http_judge_varint_len(a->task.task_id)
            + 1 + ngx_http_judge_varint_len(a->max_artifact);

    ngx_http_judge_recipe_field(r, NGX_HTTP_JUDGE_MC_COMPILE, inner);
    ngx_http_judge_recipe_blob(r, &a->spec, 0, a->spec.len);
    ngx_http_judge_recipe_varint(r, a->task.task_id,
                                 NGX_HTTP_JUDGE_CT_TASK_ID);
    ngx_http_judge_recipe_varint(r, a->max_artifact,
                                 NGX_HTTP_JUDGE_CT_MAX_ARTIFACT);
}


/* the bytes of a batch's frame; the artifact counted when it goes too */

size_t
ngx_http_judge_wire_batch_size(ngx_http_judge_job_t *job,
    ngx_uint_t first, ngx_uint_t count, ngx_http_judge_artifact_t *a)
{
    size_t  inner;

    inner = job->run_spec.len
            + job->test_off[first + count] - job->test_off[first]
            + NGX_HTTP_JUDGE_FRAME_SLACK;

    if (a) {
        inner += ngx_http_judge_field_len(NGX_HTTP_JUDGE_EB_ARTIFACT,
                                          a->artifact.len);
    }

    return ngx_http_judge_field_len(NGX_HTTP_JUDGE_MC_EXECUTE_BATCH, inner);
}


/* MasterCommand{execute_batch: template + ids + artifact + tests} */

void
ngx_http_judge_wire_batch(ngx_http_judge_job_t *job,
    ngx_http_judge_task_t *b, ngx_http_judge_artifact_t *a,
    ngx_http_judge_recipe_t *r)
{
    size_t    inner;
    uint64_t  off, len;

    off = job->test_off[b->first];
    len = job->test_off[b->first + b->count] - off;

    inner = job->run_spec.len
            + ngx_http_judge_field_len(NGX_HTTP_JUDGE_EB_JOB_ID,
                                       NGX_HTTP_JUDGE_JOB_ID_LEN)
            + 1 + ngx_http_judge_varint_len(b->task_id)
            + 1 + ngx_http_judge_varint_len(b->attempt)
            + len;

    if (a && b->send_artifact) {
        inner += ngx_http_judge_field_len(NGX_HTTP_JUDGE_EB_ARTIFACT,
                                          a->artifact.len);
    }

    ngx_http_judge_recipe_field(r, NGX_HTTP_JUDGE_MC_EXECUTE_BATCH, inner);
    ngx_http_judge_recipe_blob(r, &job->run_spec, 0, job->run_spec.len);
    ngx_http_judge_recipe_field(r, NGX_HTTP_JUDGE_EB_JOB_ID,
                                NGX_HTTP_JUDGE_JOB_ID_LEN);
    ngx_http_judge_recipe_bytes(r, job->id, NGX_HTTP_JUDGE_JOB_ID_LEN);
    ngx_http_judge_recipe_varint(r, b->task_id, NGX_HTTP_JUDGE_EB_TASK_ID);
    ngx_http_judge_recipe_varint(r, b->attempt, NGX_HTTP_JUDGE_EB_ATTEMPT);

    if (a && b->send_artifact) {
        ngx_http_judge_recipe_field(r, NGX_HTTP_JUDGE_EB_ARTIFACT,
                                    a->artifact.len);
        ngx_http_judge_recipe_blob(r, &a->artifact, 0, a->artifact.len);
    }

    ngx_http_judge_recipe_blob(r, &job->tests, off, len);
}


/* Cancel{job_id, task_id}: task 0 stops every task of the job */

size_t
ngx_http_judge_wire_cancel(u_char *buf, ngx_str_t *job_id, uint64_t task_id)
{
    Judge__Cancel         cancel;
    Judge__MasterCommand  cmd;
    u_char                id[NGX_HTTP_JUDGE_JOB_ID_LEN + 1];

    ngx_memcpy(id, job_id->data, NGX_HTTP_JUDGE_JOB_ID_LEN);
    id[NGX_HTTP_JUDGE_JOB_ID_LEN] = '\0';

    judge__cancel__init(&cancel);
    cancel.job_id = (char *) id;
    cancel.task_id = task_id;

    judge__master_command__init(&cmd);
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_CANCEL;
    cmd.cancel = &cancel;

    return judge__master_command__pack(&cmd, buf);
}


/* Drain{reason, reconnect}, into the pool */

ngx_int_t
ngx_http_judge_wire_drain(ngx_pool_t *pool, char *reason,
    ngx_uint_t reconnect, ngx_str_t *out)
{
    Judge__Drain          drain;
    Judge__MasterCommand  cmd;

    judge__drain__init(&drain);
    drain.reason = reason;
    drain.reconnect = reconnect;

    judge__master_command__init(&cmd);
    cmd.body_case = JUDGE__MASTER_COMMAND__BODY_DRAIN;
    cmd.drain = &drain;

    out->len = judge__master_command__get_packed_size(&cmd);

    out->data = ngx_pnalloc(pool, out->len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    (void) judge__master_command__pack(&cmd, out->data);

    return NGX_OK;
}


/* the name of a Status value, as the descriptor has it ("IE" if unknown) */

const char *
ngx_http_judge_status_name(ngx_uint_t status)
{
    const ProtobufCEnumValue  *v;

    if (status == 0) {
        return "";
    }

    v = protobuf_c_enum_descriptor_get_value(&judge__status__descriptor,
                                             (int) status);

    return v ? v->name : "IE";
}


/*
 * The frames above are written field by field (a stored part of a
 * message, then the fields the judge adds), so their field numbers are
 * named in the header and checked here against the descriptors protoc-c
 * generated from judge.proto: a module built against another contract
 * refuses to start.
 */

typedef struct {
    const ProtobufCMessageDescriptor  *message;
    unsigned                           number;
    const char                        *name;
} ngx_http_judge_wire_field_t;


static ngx_http_judge_wire_field_t  ngx_http_judge_wire_fields[] = {
    { &judge__master_command__descriptor, NGX_HTTP_JUDGE_MC_COMPILE,
      "compile" },
    { &judge__master_command__descriptor, NGX_HTTP_JUDGE_MC_EXECUTE_BATCH,
      "execute_batch" },
    { &judge__compile_task__descriptor, NGX_HTTP_JUDGE_CT_TASK_ID,
      "task_id" },
    { &judge__compile_task__descriptor, NGX_HTTP_JUDGE_CT_MAX_ARTIFACT,
      "max_artifact_size" },
    { &judge__execute_batch_task__descriptor, NGX_HTTP_JUDGE_EB_JOB_ID,
      "job_id" },
    { &judge__execute_batch_task__descriptor, NGX_HTTP_JUDGE_EB_TASK_ID,
      "task_id" },
    { &judge__execute_batch_task__descriptor, NGX_HTTP_JUDGE_EB_ARTIFACT,
      "artifact" },
    { &judge__execute_batch_task__descriptor, NGX_HTTP_JUDGE_EB_TESTS,
      "tests" },
    { &judge__execute_batch_task__descriptor, NGX_HTTP_JUDGE_EB_ATTEMPT,
      "attempt" },
    { NULL, 0, NULL }
};


ngx_int_t
ngx_http_judge_wire_check(ngx_log_t *log)
{
    const ProtobufCFieldDescriptor  *f;
    ngx_http_judge_wire_field_t     *wf;

    for (wf = ngx_http_judge_wire_fields; wf->message; wf++) {
        f = protobuf_c_message_descriptor_get_field(wf->message, wf->number);

        if (f == NULL || ngx_strcmp(f->name, wf->name) != 0) {
            ngx_log_error(NGX_LOG_EMERG, log, 0,
                          "judge: field %ud of %s is \"%s\", not \"%s\": "
                          "the module and judge.proto disagree",
                          wf->number, wf->message->name,
                          f ? f->name : "(none)", wf->name);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}
