
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * The submission parser (ngx_http_judge_submit_parse()): a table of
 * bodies and the answer each gets, against the location of
 * t/pipeline/submit.t (1m bodies, 512k sources, 50 tests, CPU time 1s,
 * at most 5s) and the harness's languages; then what an accepted one
 * holds.  Then the parsers of a code session's body
 * (ngx_http_judge_submit_session()) and of its run
 * (ngx_http_judge_submit_run()).
 */


#include "harness.h"
#include "tap.h"


#define OK_TESTS  "\"tests\":[{\"input\":\"\",\"expected_output\":\"1\\n\"}]"
#define OK_PY     "\"language\":\"python\",\"source\":\"print(1)\"," OK_TESTS


typedef struct {
    const char  *name;
    const char  *body;
    ngx_uint_t   status;
    const char  *code;
    const char  *message;     /* a part of it */
} refusal_t;


static refusal_t  refusals[] = {

    { "truncated JSON", "{", 400, "invalid_json", "line 1 column" },
    { "an empty body", "", 400, "invalid_json", "line 1" },
    { "not an object", "[1,2]", 400, "invalid_request", "object" },
    { "invalid UTF-8",
      "{\"language\":\"python\",\"source\":\"\xff\xfe\"}",
      400, "invalid_json", "unable to decode byte" },
    { "a duplicate key",
      "{\"language\":\"python\",\"language\":\"c\"}",
      400, "invalid_json", "duplicate" },
    { "an unknown field", "{" OK_PY ",\"surprise\":1}",
      400, "unknown_field", "\"surprise\"" },
    { "language of the wrong type",
      "{\"language\":1,\"source\":\"x\",\"tests\":[]}",
      400, "invalid_request", "\"language\" must be a string" },
    { "an unknown language",
      "{\"language\":\"klingon\",\"source\":\"x\","
      "\"tests\":[{\"expected_output\":\"\"}]}",
      422, "unknown_language", "klingon" },
    { "a known language no live worker has",
      "{\"language\":\"java\",\"source\":\"x\","
      "\"tests\":[{\"expected_output\":\"\"}]}",
      503, "no_worker", "java" },
    { "no source",
      "{\"language\":\"python\",\"tests\":[{\"expected_output\":\"\"}]}",
      400, "invalid_request", "source" },
    { "both source and files",
      "{\"language\":\"python\",\"source\":\"x\",\"files\":[],"
      "\"tests\":[{\"expected_output\":\"\"}]}",
      400, "invalid_request", "either" },
    { "empty tests", "{\"language\":\"python\",\"source\":\"x\","
      "\"tests\":[]}", 400, "invalid_request", "non-empty" },
    { "tests not an array", "{\"language\":\"python\",\"source\":\"x\","
      "\"tests\":\"all\"}", 400, "invalid_request", "tests" },
    { "a test without expectations",
      "{\"language\":\"python\",\"source\":\"x\",\"tests\":[{\"input\":\"\"}]}",
      400, "invalid_request", "expected_output" },
    { "input of the wrong type",
      "{\"language\":\"python\",\"source\":\"x\","
      "\"tests\":[{\"input\":5,\"expected_output\":\"\"}]}",
      400, "invalid_request", "tests[0].input" },
    { "an unknown field in a test",
      "{\"language\":\"python\",\"source\":\"x\","
      "\"tests\":[{\"expected_output\":\"\",\"timeout\":1}]}",
      400, "unknown_field", "in a test" },
    { "a test id too long",
      "{\"language\":\"python\",\"source\":\"x\",\"tests\":[{\"id\":\""
      "0123456789012345678901234567890123456789012345678901234567890123"
      "4\",\"expected_output\":\"\"}]}",
      400, "invalid_request", "tests[0].id" },
    { "a NUL in a string",
      "{\"language\":\"python\",\"source\":\"x\","
      "\"tests\":[{\"id\":\"a\\u0000b\",\"expected_output\":\"\"}]}",
      400, "invalid_json", "\\u0000 is not allowed" },
    { "a negative limit", "{" OK_PY ",\"limits\":{\"cpu_time_ms\":-5}}",
      400, "invalid_request", "cpu_time_ms" },
    { "a huge float limit", "{" OK_PY ",\"limits\":{\"cpu_time_ms\":1e30}}",
      400, "invalid_request", "cpu_time_ms" },
    { "a limit above the maximum",
      "{" OK_PY ",\"limits\":{\"cpu_time_ms\":60000}}",
      422, "limit_too_high", "maximum 5000" },
    { "an unknown limit", "{" OK_PY ",\"limits\":{\"gpu\":1}}",
      400, "unknown_field", "gpu" },
    { "limits not an object", "{" OK_PY ",\"limits\":[]}",
      400, "invalid_request", "\"limits\"" },
    { "an unknown checker", "{" OK_PY ",\"checker\":{\"type\":\"vibes\"}}",
      400, "invalid_request", "checker.type" },
    { "a negative tolerance",
      "{" OK_PY ",\"checker\":{\"type\":\"float\",\"abs_tolerance\":-1}}",
      400, "invalid_request", "checker.abs_tolerance" },
    { "a custom checker without a program",
      "{" OK_PY ",\"checker\":{\"type\":\"custom\"}}",
      400, "invalid_request", "language" },
    { "a checker language that is a path",
      "{" OK_PY ",\"checker\":{\"type\":\"custom\","
      "\"language\":\"../../bin/sh\",\"source\":\"x\"}}",
      422, "unknown_language", "checker language" },
    { "a checker language nobody has",
      "{" OK_PY ",\"checker\":{\"type\":\"custom\","
      "\"language\":\"cobol\",\"source\":\"x\"}}",
      422, "unknown_language", "checker language" },
    { "a boolean of the wrong type",
      "{" OK_PY ",\"stop_on_first_failure\":\"yes\"}",
      400, "invalid_request", "stop_on_first_failure" },
    { "a path in a file name",
      "{\"language\":\"python\",\"files\":[{\"name\":\"../x\","
      "\"content\":\"\"}],\"tests\":[{\"expected_output\":\"\"}]}",
      400, "invalid_request", "files[0]" },
    { "a file name starting with a dot",
      "{\"language\":\"python\",\"files\":[{\"name\":\"a\",\"content\":\"\"},"
      "{\"name\":\".hidden\",\"content\":\"\"}],"
      "\"tests\":[{\"expected_output\":\"\"}]}",
      400, "invalid_request", "files[1]" },
    { "no files", "{\"language\":\"python\",\"files\":[],"
      "\"tests\":[{\"expected_output\":\"\"}]}",
      400, "invalid_request", "\"files\"" },
    { "an unknown assertion",
      "{\"language\":\"python\",\"source\":\"x\",\"tests\":[{"
      "\"expected_output\":\"\",\"assertions\":[{\"stdoutLooksNice\":true}]}]}",
      400, "invalid_request", "assertions[0]" },
    { "an exit code out of range",
      "{\"language\":\"python\",\"source\":\"x\",\"tests\":[{"
      "\"assertions\":[{\"exitCode\":0},{\"exitCode\":256}]}]}",
      400, "invalid_request", "tests[0].assertions[1]" },
    { "an assertion of two kinds",
      "{\"language\":\"python\",\"source\":\"x\",\"tests\":[{"
      "\"assertions\":[{\"exitCode\":0,\"stdoutEquals\":\"\"}]}]}",
      400, "invalid_request", "assertions[0]" },
    { "flags not an array", "{" OK_PY ",\"compiler_flags\":\"-O2\"}",
      400, "invalid_request", "compiler_flags" },
    { "a flag not starting with \"-\"",
      "{" OK_PY ",\"compiler_flags\":[\"O2\"]}",
      400, "invalid_request", "compiler_flags[0]" },
    { "a flag the language does not allow",
      "{\"language\":\"cpp\",\"source\":\"x\"," OK_TESTS
      ",\"compiler_flags\":[\"-O2\",\"-specs=x.specs\"]}",
      422, "flag_not_allowed", "\"-specs=x.specs\" is not allowed for "
      "\"cpp\"" },
    { "a flag for a language without flags",
      "{" OK_PY ",\"compiler_flags\":[\"-O2\"]}",
      422, "flag_not_allowed", "\"-O2\"" },
    { "more than 32 flags",
      "{\"language\":\"cpp\",\"source\":\"x\"," OK_TESTS
      ",\"compiler_flags\":[\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\","
      "\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\","
      "\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\","
      "\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\",\"-O2\","
      "\"-O2\",\"-O2\",\"-O2\"]}",
      422, "invalid_request", "at most 32" },
    /* regressions */

    { "JSON broken on a byte that is not UTF-8 is quoted as valid UTF-8",
      "\"$\\\xdc\xab", 400, "invalid_json", "invalid escape near" },
    { "a language that is not a name is not looked up",
      "{\"language\":\"cpp,python\",\"source\":\"x\"," OK_TESTS "}",
      422, "unknown_language", "\"cpp,python\"" },
};


static ngx_http_judge_loc_conf_t  conf;


static void
test_refusals(ngx_log_t *log)
{
    size_t                        i;
    ngx_int_t                     rc;
    ngx_str_t                     body;
    ngx_pool_t                   *pool;
    refusal_t                    *t;
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_submission_t   sub;
    char                          name[256];

    for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        t = &refusals[i];

        pool = ngx_create_pool(4096, log);

        body.data = (u_char *) t->body;
        body.len = strlen(t->body);

        rc = ngx_http_judge_submit_parse(pool, &conf, &judge_test_langs,
                                         &body, &sub, &err);

        snprintf(name, sizeof(name), "%s: refused", t->name);
        is_int(rc, NGX_ERROR, name);

        if (rc != NGX_ERROR) {
            ngx_destroy_pool(pool);
            continue;
        }

        snprintf(name, sizeof(name), "%s: %u", t->name,
                 (unsigned) t->status);
        is_int(err.status, t->status, name);

        snprintf(name, sizeof(name), "%s: %s", t->name, t->code);
        is_str(err.code, t->code, name);

        snprintf(name, sizeof(name), "%s: the message says so", t->name);
        if (!ok(strstr((char *) err.message, t->message) != NULL, name)) {
            printf("#   message: %s\n", err.message);
        }

        snprintf(name, sizeof(name), "%s: the message is UTF-8", t->name);
        is_int(ngx_http_judge_utf8_clean(err.message,
                                         ngx_strlen(err.message)), 0, name);

        ngx_destroy_pool(pool);
    }
}


static ngx_int_t
parse(ngx_pool_t *pool, const char *json, size_t len,
    ngx_http_judge_submission_t *sub, ngx_http_judge_invalid_t *err)
{
    ngx_str_t  body;

    body.data = (u_char *) json;
    body.len = len;

    return ngx_http_judge_submit_parse(pool, &conf, &judge_test_langs,
                                       &body, sub, err);
}


static void
test_sizes(ngx_log_t *log)
{
    char                         *json;
    size_t                        len;
    ngx_int_t                     rc;
    ngx_pool_t                   *pool;
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_submission_t   sub;

    static const char  head[] = "{\"language\":\"python\",\"source\":\"";
    static const char  tail[] = "\"," OK_TESTS "}";

    pool = ngx_create_pool(4096, log);
    json = malloc(2 << 20);

    /* a source over judge_max_source_size */

    len = sizeof(head) - 1;
    ngx_memcpy(json, head, len);
    ngx_memset(json + len, 'x', 600 << 10);
    len += 600 << 10;
    ngx_memcpy(json + len, tail, sizeof(tail) - 1);
    len += sizeof(tail) - 1;

    rc = parse(pool, json, len, &sub, &err);
    is_int(rc == NGX_ERROR ? err.status : 0, 413, "a large source: 413");
    is_str(rc == NGX_ERROR ? err.code : "", "source_too_large",
           "source_too_large");

    /* a body over judge_max_body_size, whatever it holds */

    ngx_memset(json, 'x', (1 << 20) + 1);

    rc = parse(pool, json, (1 << 20) + 1, &sub, &err);
    is_int(rc == NGX_ERROR ? err.status : 0, 413, "a large body: 413");
    is_str(rc == NGX_ERROR ? err.code : "", "body_too_large",
           "body_too_large");

    /* more tests than judge_max_tests */

    len = ngx_sprintf((u_char *) json, "{\"language\":\"python\","
                      "\"source\":\"x\",\"tests\":[") - (u_char *) json;
    for (rc = 0; rc < 51; rc++) {
        len += ngx_sprintf((u_char *) json + len, "%s{\"expected_output\":"
                           "\"\"}", rc ? "," : "") - (u_char *) json - len;
    }
    len += ngx_sprintf((u_char *) json + len, "]}") - (u_char *) json - len;

    rc = parse(pool, json, len, &sub, &err);
    is_int(rc == NGX_ERROR ? err.status : 0, 422, "51 tests: 422");
    is_str(rc == NGX_ERROR ? err.code : "", "too_many_tests",
           "too_many_tests");

    /* tests times their wall time past judge_max_job_time */

    conf.max_job_time = 60 * 1000;

    len = ngx_sprintf((u_char *) json, "{\"language\":\"python\","
                      "\"source\":\"x\",\"limits\":{\"wall_time_ms\":30000},"
                      "\"tests\":[{\"expected_output\":\"\"},"
                      "{\"expected_output\":\"\"},{\"expected_output\":\"\"}"
                      "]}") - (u_char *) json;

    rc = parse(pool, json, len, &sub, &err);
    is_int(rc == NGX_ERROR ? err.status : 0, 422, "a job too long: 422");
    is_str(rc == NGX_ERROR ? err.code : "", "job_too_long", "job_too_long");

    conf.max_job_time = 3600 * 1000;

    /* a long name cut short in the message stays valid UTF-8 */

    len = ngx_sprintf((u_char *) json, "{\"language\":\"") - (u_char *) json;
    for (rc = 0; rc < 200; rc++) {
        json[len++] = '\xc3';
        json[len++] = '\xa9';
    }
    len += ngx_sprintf((u_char *) json + len, "\",\"source\":\"x\"," OK_TESTS
                       "}") - (u_char *) json - len;

    rc = parse(pool, json, len, &sub, &err);
    is_str(rc == NGX_ERROR ? err.code : "", "unknown_language",
           "a long unknown language");
    is_int(ngx_http_judge_utf8_clean(err.message, ngx_strlen(err.message)), 0,
           "its message, cut short, is valid UTF-8");

    free(json);
    ngx_destroy_pool(pool);
}


static void
test_accepted(ngx_log_t *log)
{
    ngx_int_t                     rc;
    ngx_pool_t                   *pool;
    Judge__CompileTask           *compile;
    Judge__ExecuteBatchTask      *run;
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_submission_t   sub;

    static const char  py[] = "{" OK_PY ",\"stop_on_first_failure\":true}";
    static const char  cpp[] =
        "{\"language\":\"cpp\",\"source\":\"int main(){}\","
        "\"compiler_flags\":[\"-O2\",\"-std=c++17\"],"
        "\"limits\":{\"cpu_time_ms\":4000},"
        "\"tests\":[{\"id\":\"a\",\"expected_output\":\"\"},"
        "{\"id\":7,\"assertions\":[{\"exitCode\":3}]}]}";

    pool = ngx_create_pool(4096, log);

    rc = parse(pool, py, sizeof(py) - 1, &sub, &err);
    is_int(rc, NGX_OK, "an interpreted submission is accepted");
    is_int(sub.compiled, 0, "nothing to compile");
    is_int(sub.compile_spec.len, 0, "no compile task");
    is_int(sub.ntests, 1, "one test");
    is_int(sub.stop_on_failure, 1, "stop_on_first_failure");
    is_int(sub.test_time, 3000, "the default wall time");

    run = judge__execute_batch_task__unpack(NULL, sub.run_spec.len,
                                            sub.run_spec.data);
    ok(run != NULL, "the run template unpacks");
    if (run) {
        is_int(run->n_sources, 1, "it carries the source");
        is_int(run->n_tests, 0, "but not the tests");
        is_int(run->max_capture, 16384, "max_capture is the location's");
        judge__execute_batch_task__free_unpacked(run, NULL);
    }

    rc = parse(pool, cpp, sizeof(cpp) - 1, &sub, &err);
    is_int(rc, NGX_OK, "a compiled submission is accepted");
    is_int(sub.compiled, 1, "it is compiled");
    is_int(sub.ntests, 2, "two tests");
    is_int(sub.test_time, 9000, "a wall time below the CPU time: 2 x + 1s");
    is_int(sub.test_off[0], 0, "tests start at 0");
    is_int(sub.test_off[2], sub.tests.len, "and end at their length");

    compile = judge__compile_task__unpack(NULL, sub.compile_spec.len,
                                          sub.compile_spec.data);
    ok(compile != NULL, "the compile task unpacks");
    if (compile) {
        is_int(compile->n_compiler_flags, 2, "with both flags");
        is_str(compile->compiler_flags[1], "-std=c++17", "in their order");
        ok(ngx_strncmp(compile->artifact_hash, sub.hash,
                       NGX_HTTP_JUDGE_HASH_LEN) == 0,
           "named by the submission's hash");
        judge__compile_task__free_unpacked(compile, NULL);
    }

    run = judge__execute_batch_task__unpack(NULL, sub.run_spec.len,
                                            sub.run_spec.data);
    ok(run != NULL && run->n_sources == 0,
       "the run template of a compiled one has no source");
    if (run) {
        is_int(run->limits->cpu_time_ms, 4000, "the CPU time asked for");
        judge__execute_batch_task__free_unpacked(run, NULL);
    }

    ngx_destroy_pool(pool);
}


static void
test_sessions(ngx_log_t *log)
{
    size_t                            i;
    ngx_int_t                         rc;
    ngx_str_t                         body;
    ngx_pool_t                       *pool;
    ngx_http_judge_invalid_t          err;
    ngx_http_judge_session_change_t   ch;
    char                              name[256];

    static struct {
        const char  *name;
        const char  *body;
        ngx_uint_t   create;
        ngx_uint_t   status;      /* 0: accepted */
        const char  *code;
    } t[] = {
        { "a new session", "{\"language\":\"python\"}", 1, 0, NULL },
        { "by language_id", "{\"language_id\":\"python\","
          "\"source_code\":\"x\",\"stdin\":\"1\\n\"}", 1, 0, NULL },
        { "no language", "{\"source_code\":\"x\"}", 1, 400,
          "invalid_request" },
        { "both names", "{\"language\":\"python\",\"language_id\":\"c\"}", 1,
          400, "invalid_request" },
        { "an unknown language", "{\"language\":\"klingon\"}", 1, 422,
          "unknown_language" },
        { "a language that is no name", "{\"language\":\"a,b\"}", 1, 422,
          "unknown_language" },
        { "a known language without workers", "{\"language\":\"java\"}", 1,
          0, NULL },
        { "source of the wrong type",
          "{\"language\":\"python\",\"source_code\":1}", 1, 400,
          "invalid_request" },
        { "stdin of the wrong type",
          "{\"language\":\"python\",\"stdin\":[]}", 1, 400,
          "invalid_request" },
        { "a revision for a new session",
          "{\"language\":\"python\",\"revision\":1}", 1, 400,
          "invalid_request" },
        { "a save", "{\"stdin\":\"x\",\"revision\":3}", 0, 0, NULL },
        { "a save against revision 0", "{\"revision\":0}", 0, 400,
          "invalid_request" },
        { "an unknown field", "{\"surprise\":1}", 0, 400, "unknown_field" },
        { "not an object", "[]", 0, 400, "invalid_request" },
        { "truncated JSON", "{", 0, 400, "invalid_json" },
    };

    pool = ngx_create_pool(4096, log);

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        body.data = (u_char *) t[i].body;
        body.len = strlen(t[i].body);

        rc = ngx_http_judge_submit_session(pool, &conf, &judge_test_langs,
                                           &body, t[i].create, &ch, &err);

        snprintf(name, sizeof(name), "session: %s: %s", t[i].name,
                 t[i].status ? "refused" : "taken");
        is_int(rc, t[i].status ? NGX_ERROR : NGX_OK, name);

        if (rc == NGX_ERROR && t[i].status) {
            snprintf(name, sizeof(name), "session: %s: %u %s", t[i].name,
                     (unsigned) t[i].status, t[i].code);
            ok(err.status == t[i].status && strcmp(err.code, t[i].code) == 0,
               name);
        }
    }

    body.data = (u_char *) "{\"language\":\"python\",\"source_code\":"
                           "\"a\\u00e9b\",\"stdin\":\"in\"}";
    body.len = strlen((char *) body.data);

    rc = ngx_http_judge_submit_session(pool, &conf, &judge_test_langs, &body,
                                       1, &ch, &err);
    is_int(rc, NGX_OK, "session: a source is taken");
    ok(ch.set_source && ch.source.len == 4
       && ngx_strncmp(ch.source.data, "a\303\251b", 4) == 0,
       "session: as UTF-8");
    ok(ch.set_input && ch.input.len == 2, "session: the stdin");
    ok(ch.set_language && ch.language.len == 6, "session: the language");

    ngx_destroy_pool(pool);
}


static void
test_runs(ngx_log_t *log)
{
    size_t                        i;
    ngx_int_t                     rc;
    ngx_str_t                     body;
    ngx_pool_t                   *pool;
    ngx_http_judge_run_t          run;
    Judge__ExecuteBatchTask      *spec;
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_submission_t   sub;
    u_char                       *long_arg, *p;
    char                          name[256];

    static struct {
        const char  *name;
        const char  *body;        /* NULL: an arg over 4096 bytes */
        ngx_uint_t   status;
        const char  *code;
    } t[] = {
        { "an unknown field", "{\"surprise\":1}", 400, "unknown_field" },
        { "stdin of the wrong type", "{\"stdin\":5}", 400, "invalid_request" },
        { "args not an array", "{\"args\":\"x\"}", 400, "invalid_request" },
        { "an arg not a string", "{\"args\":[1]}", 400, "invalid_request" },
        { "an arg with a NUL byte", "{\"args\":[\"a\\u0000b\"]}", 400,
          "invalid_json" },
        { "an arg over 4096 bytes", NULL, 422, "invalid_args" },
        { "a limit above the maximum", "{\"limits\":{\"cpu_time_ms\":6000}}",
          422, "limit_too_high" },
        { "not an object", "[7]", 400, "invalid_request" },
        { "truncated JSON", "{\"stdin\":", 400, "invalid_json" },
    };

    pool = ngx_create_pool(4096, log);

    run.language.data = (u_char *) "python";
    run.language.len = 6;
    run.source.data = (u_char *) "print(input())";
    run.source.len = 14;
    run.input.data = (u_char *) "saved\n";
    run.input.len = 6;

    long_arg = ngx_pnalloc(pool, 5000);
    p = ngx_cpymem(long_arg, "{\"args\":[\"", 10);
    ngx_memset(p, 'a', 4097);
    p = ngx_cpymem(p + 4097, "\"]}", 3);
    *p = '\0';

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        body.data = t[i].body ? (u_char *) t[i].body : long_arg;
        body.len = strlen((char *) body.data);

        rc = ngx_http_judge_submit_run(pool, &conf, &judge_test_langs, &body,
                                       &run, &sub, &err);

        snprintf(name, sizeof(name), "run: %s: %u %s", t[i].name,
                 (unsigned) t[i].status, t[i].code);
        ok(rc == NGX_ERROR && err.status == t[i].status
           && strcmp(err.code, t[i].code) == 0, name);
    }

    /* 65 args: one too many */

    {
        char  many[1024], *p;

        p = many + sprintf(many, "{\"args\":[");
        for (i = 0; i < 65; i++) {
            p += sprintf(p, "%s\"a\"", i ? "," : "");
        }
        sprintf(p, "]}");

        body.data = (u_char *) many;
        body.len = strlen(many);

        rc = ngx_http_judge_submit_run(pool, &conf, &judge_test_langs, &body,
                                       &run, &sub, &err);
        ok(rc == NGX_ERROR && strcmp(err.code, "too_many_args") == 0,
           "run: 65 args: too_many_args");
    }

    /* an empty body runs the session as saved */

    body.data = (u_char *) "";
    body.len = 0;

    rc = ngx_http_judge_submit_run(pool, &conf, &judge_test_langs, &body,
                                   &run, &sub, &err);
    is_int(rc, NGX_OK, "run: an empty body is taken");
    is_int(sub.ntests, 1, "run: one test");

    spec = judge__execute_batch_task__unpack(NULL, sub.run_spec.len,
                                             sub.run_spec.data);
    ok(spec && spec->stream_output, "run: its output is streamed");
    if (spec) {
        judge__execute_batch_task__free_unpacked(spec, NULL);
    }

    ok(memmem(sub.tests.data, sub.tests.len, "saved\n", 6) != NULL,
       "run: with the session's stdin");

    body.data = (u_char *) "{\"stdin\":\"given\",\"args\":[\"x y\",\"\"]}";
    body.len = strlen((char *) body.data);

    rc = ngx_http_judge_submit_run(pool, &conf, &judge_test_langs, &body,
                                   &run, &sub, &err);
    is_int(rc, NGX_OK, "run: stdin and args are taken");
    ok(memmem(sub.tests.data, sub.tests.len, "given", 5) != NULL
       && memmem(sub.tests.data, sub.tests.len, "saved", 5) == NULL,
       "run: the stdin given instead of the saved one");
    ok(memmem(sub.tests.data, sub.tests.len, "x y", 3) != NULL,
       "run: the args go with the test");

    run.input.data = NULL;
    run.input.len = 0;
    body.data = (u_char *) "{}";
    body.len = 2;

    rc = ngx_http_judge_submit_run(pool, &conf, &judge_test_langs, &body,
                                   &run, &sub, &err);
    is_int(rc, NGX_OK, "run: a session without stdin runs with none");

    ngx_destroy_pool(pool);
}


int
main(void)
{
    ngx_log_t  *log;

    log = judge_test_init();

    judge_test_conf(&conf);
    conf.max_body_size = 1024 * 1024;
    conf.max_source_size = 512 * 1024;
    conf.max_tests = 50;
    conf.cpu_time.max = 5000;

    test_refusals(log);
    test_sizes(log);
    test_accepted(log);
    test_sessions(log);
    test_runs(log);

    return done_testing();
}
