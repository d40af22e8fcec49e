
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * POST /submissions, fed any body: the bytes are the body, parsed against
 * a location with small limits (so that every limit is within reach) and
 * the test harness's languages; then as the body of a code session (new,
 * or a save) and of a run of one.  Beyond ASan's and UBSan's findings it
 * aborts when an answer breaks what the request handler relies on: a
 * refusal has a status, a code and a message of valid UTF-8; an accepted
 * submission's protobuf parts unpack, and its tests, one range each, add
 * up to the run template's tests.
 */


#include "harness.h"


static ngx_log_t                  *judge_fuzz_log;
static ngx_http_judge_loc_conf_t   judge_fuzz_conf;


static void
judge_fuzz_check(int ok)
{
    if (!ok) {
        abort();
    }
}


static void
judge_fuzz_refused(ngx_http_judge_invalid_t *err)
{
    size_t   len;
    u_char  *copy;

    judge_fuzz_check(err->code != NULL);
    judge_fuzz_check(err->status == NGX_HTTP_BAD_REQUEST
                     || err->status == NGX_HTTP_REQUEST_ENTITY_TOO_LARGE
                     || err->status == NGX_HTTP_JUDGE_UNPROCESSABLE
                     || err->status == NGX_HTTP_SERVICE_UNAVAILABLE);

    len = ngx_strlen(err->message);
    judge_fuzz_check(len > 0 && len < sizeof(err->message));

    copy = malloc(len);
    judge_fuzz_check(copy != NULL);
    ngx_memcpy(copy, err->message, len);
    judge_fuzz_check(ngx_http_judge_utf8_clean(copy, len) == 0);
    free(copy);
}


static void
judge_fuzz_accepted(ngx_http_judge_submission_t *sub)
{
    u_char                   *bytes;
    size_t                    i, len;
    Judge__CompileTask       *compile;
    Judge__ExecuteBatchTask  *run;

    judge_fuzz_check(sub->ntests >= 1
                     && sub->ntests <= judge_fuzz_conf.max_tests);
    judge_fuzz_check(sub->test_off[0] == 0
                     && sub->test_off[sub->ntests] == sub->tests.len);

    for (i = 0; i < sub->ntests; i++) {
        judge_fuzz_check(sub->test_off[i] < sub->test_off[i + 1]);
    }

    /* a batch's frame is the template followed by a range of the tests */

    len = sub->run_spec.len + sub->tests.len;

    bytes = malloc(len + 1);
    judge_fuzz_check(bytes != NULL);

    ngx_memcpy(bytes, sub->run_spec.data, sub->run_spec.len);
    ngx_memcpy(bytes + sub->run_spec.len, sub->tests.data, sub->tests.len);

    run = judge__execute_batch_task__unpack(NULL, len, bytes);
    judge_fuzz_check(run != NULL);
    judge_fuzz_check(run->n_tests == sub->ntests);
    judge_fuzz_check(run->limits != NULL
                     && run->limits->wall_time_ms == sub->test_time
                     && run->limits->cpu_time_ms
                        <= judge_fuzz_conf.cpu_time.max);

    for (i = 0; i < run->n_tests; i++) {
        judge_fuzz_check(run->tests[i]->index == i);
    }

    judge__execute_batch_task__free_unpacked(run, NULL);
    free(bytes);

    if (!sub->compiled) {
        judge_fuzz_check(sub->compile_spec.len == 0);
        return;
    }

    compile = judge__compile_task__unpack(NULL, sub->compile_spec.len,
                                          sub->compile_spec.data);
    judge_fuzz_check(compile != NULL);
    judge_fuzz_check(compile->n_sources >= 1);
    judge_fuzz_check(ngx_strlen(compile->artifact_hash)
                     == NGX_HTTP_JUDGE_HASH_LEN
                     && ngx_strncmp(compile->artifact_hash, sub->hash,
                                    NGX_HTTP_JUDGE_HASH_LEN) == 0);

    judge__compile_task__free_unpacked(compile, NULL);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ngx_int_t                         rc;
    ngx_str_t                         body;
    ngx_pool_t                       *pool;
    ngx_http_judge_run_t              run;
    ngx_http_judge_invalid_t          err;
    ngx_http_judge_submission_t       sub;
    ngx_http_judge_session_change_t   change;

    if (judge_fuzz_log == NULL) {
        judge_fuzz_log = judge_test_init();

        judge_test_conf(&judge_fuzz_conf);
        judge_fuzz_conf.max_body_size = 64 * 1024;
        judge_fuzz_conf.max_source_size = 256;
        judge_fuzz_conf.max_tests = 8;
        judge_fuzz_conf.max_job_time = 60 * 1000;
    }

    pool = ngx_create_pool(4096, judge_fuzz_log);
    judge_fuzz_check(pool != NULL);

    body.data = (u_char *) data;
    body.len = size;

    ngx_memzero(&err, sizeof(ngx_http_judge_invalid_t));

    rc = ngx_http_judge_submit_parse(pool, &judge_fuzz_conf,
                                     &judge_test_langs, &body, &sub, &err);

    if (rc == NGX_OK) {
        judge_fuzz_accepted(&sub);

    } else {
        judge_fuzz_check(rc == NGX_ERROR);
        judge_fuzz_refused(&err);
    }

    /* the same bytes as a code session's body, and as a run's */

    ngx_memzero(&err, sizeof(ngx_http_judge_invalid_t));

    rc = ngx_http_judge_submit_session(pool, &judge_fuzz_conf,
                                       &judge_test_langs, &body, size & 1,
                                       &change, &err);
    judge_fuzz_check(rc == NGX_OK || rc == NGX_ERROR);

    if (rc == NGX_OK) {
        judge_fuzz_check(change.source.len <= judge_fuzz_conf.max_source_size
                         && change.input.len
                            <= judge_fuzz_conf.max_source_size);

    } else {
        judge_fuzz_refused(&err);
    }

    run.language.data = (u_char *) "python";
    run.language.len = 6;
    run.source.data = (u_char *) "print(1)";
    run.source.len = 8;
    ngx_str_null(&run.input);

    ngx_memzero(&err, sizeof(ngx_http_judge_invalid_t));

    rc = ngx_http_judge_submit_run(pool, &judge_fuzz_conf, &judge_test_langs,
                                   &body, &run, &sub, &err);

    if (rc == NGX_OK) {
        judge_fuzz_check(sub.ntests == 1 && sub.stream_output);
        judge_fuzz_accepted(&sub);

    } else {
        judge_fuzz_check(rc == NGX_ERROR);
        judge_fuzz_refused(&err);
    }

    ngx_destroy_pool(pool);

    return 0;
}
