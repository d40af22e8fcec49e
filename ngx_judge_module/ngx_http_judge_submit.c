
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_blobs.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_parse.h"


/*
 * The submission parser (ngx_http_judge_parse.h): a POST /submissions body
 * is parsed with jansson, checked field by field, and turned into the two
 * protobuf messages the scheduler sends
 * (a CompileTask for compiled languages, an ExecuteBatchTask template with
 * every test).  Errors name the field that is wrong.
 */


#define NGX_HTTP_JUDGE_MAX_FILES      64


static ngx_int_t ngx_http_judge_submit_check(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    json_t *root, json_t *problem, ngx_http_judge_submission_t *sub,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_stored(ngx_pool_t *pool,
    json_t *problem, Judge__ExecuteBatchTask *run,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_submission_t *sub,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_test_limits(ngx_pool_t *pool,
    json_t *limits, ngx_http_judge_loc_conf_t *jlcf, Judge__TestCase *tc,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_env(ngx_pool_t *pool, json_t *env,
    Judge__TestCase *tc, ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_interactor(ngx_pool_t *pool,
    json_t *v, ngx_http_judge_langs_t *langs, Judge__ExecuteBatchTask *run,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_program(ngx_pool_t *pool, json_t *obj,
    const char *where, Judge__SourceFile ***files, size_t *n,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_assertions(ngx_pool_t *pool,
    json_t *list, Judge__TestCase *tc, size_t index,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_sources(ngx_pool_t *pool,
    json_t *root, size_t max, Judge__SourceFile ***files, size_t *n,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_tests(ngx_pool_t *pool, json_t *tests,
    Judge__ExecuteBatchTask *run, ngx_uint_t max_tests, ngx_uint_t shown,
    ngx_http_judge_invalid_t *err);
static json_t *ngx_http_judge_submit_load(ngx_http_judge_loc_conf_t *jlcf,
    ngx_str_t *body, ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_text(ngx_pool_t *pool, json_t *v,
    const char *name, size_t max, ngx_str_t *text,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_either(json_t *obj, const char *name,
    const char *alias, json_t **v, ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_args(ngx_pool_t *pool, json_t *args,
    Judge__TestCase *tc, size_t i, ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_limits(json_t *limits,
    ngx_http_judge_loc_conf_t *jlcf, Judge__Limits *l,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_submit_checker(ngx_pool_t *pool,
    json_t *checker, Judge__Checker *c, ngx_http_judge_invalid_t *err);


/* "err" filled: the answer's status, code and message; NGX_ERROR */

ngx_int_t
ngx_http_judge_invalid(ngx_http_judge_invalid_t *err, ngx_uint_t status,
    char *code, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    (void) ngx_http_judge_invalid_args(err, status, code, fmt, args);
    va_end(args);

    return NGX_ERROR;
}


ngx_int_t
ngx_http_judge_invalid_args(ngx_http_judge_invalid_t *err, ngx_uint_t status,
    char *code, const char *fmt, va_list args)
{
    u_char  *p, *last;

    err->status = status;
    err->code = code;

    p = ngx_vslprintf(err->message, err->message + sizeof(err->message) - 1,
                      fmt, args);

    /* a message cut short ends before a character, not inside one */

    if (p == err->message + sizeof(err->message) - 1) {
        for (last = p; last > err->message && (last[-1] & 0xc0) == 0x80;
             last--)
        {
            /* void */
        }

        if (last > err->message && last[-1] >= 0xc0) {
            p = last - 1;
        }
    }

    /* jansson quotes the body where it fails, whatever bytes are there */

    (void) ngx_http_judge_utf8_clean(err->message, p - err->message);

    *p = '\0';

    return NGX_ERROR;
}


/*
 * Every key of "obj" must be one of "known" (NULL-terminated); "where"
 * names the object in the error ("" for the top level).
 */

ngx_int_t
ngx_http_judge_submit_known(json_t *obj, const char **known, char *where,
    ngx_http_judge_invalid_t *err)
{
    json_t      *v;
    ngx_uint_t   i;
    const char  *key;

    json_object_foreach(obj, key, v) {
        for (i = 0; known[i]; i++) {
            if (ngx_strcmp(key, known[i]) == 0) {
                break;
            }
        }

        if (known[i] == NULL) {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "unknown_field",
                                          "unknown field \"%s\"%s%s", key,
                                          where[0] ? " in " : "", where);
        }
    }

    return NGX_OK;
}


/* a JSON string as a NUL-terminated copy in the pool */

static char *
ngx_http_judge_json_cstr(ngx_pool_t *pool, json_t *v)
{
    u_char  *p;
    size_t   len;

    len = json_string_length(v);

    p = ngx_pnalloc(pool, len + 1);
    if (p == NULL) {
        return NULL;
    }

    ngx_memcpy(p, json_string_value(v), len);
    p[len] = '\0';

    return (char *) p;
}


/*
 * A JSON body within judge_max_body_size, decoded (a key twice is an
 * error); NULL with the answer in "err"
 */

static json_t *
ngx_http_judge_submit_load(ngx_http_judge_loc_conf_t *jlcf, ngx_str_t *body,
    ngx_http_judge_invalid_t *err)
{
    json_t        *root;
    json_error_t   jerr;

    if (body->len > jlcf->max_body_size) {
        (void) ngx_http_judge_invalid(err, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                      "body_too_large",
                                      "the body is larger than "
                                      "judge_max_body_size");
        return NULL;
    }

    root = json_loadb((char *) body->data, body->len, JSON_REJECT_DUPLICATES,
                      &jerr);

    if (root == NULL) {
        (void) ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_json",
                                      "line %d column %d: %s",
                                      jerr.line, jerr.column, jerr.text);
    }

    return root;
}


/*
 * The body of POST /submissions, checked against the location's limits
 * and the languages "langs" knows: NGX_OK with "sub" filled from "pool",
 * else NGX_ERROR with the answer in "err".
 */

ngx_int_t
ngx_http_judge_submit_parse(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    ngx_str_t *body, ngx_http_judge_submission_t *sub,
    ngx_http_judge_invalid_t *err)
{
    json_t     *root;
    ngx_int_t   rc;

    root = ngx_http_judge_submit_load(jlcf, body, err);
    if (root == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(sub, sizeof(ngx_http_judge_submission_t));

    rc = ngx_http_judge_submit_check(pool, jlcf, langs, root, NULL, sub,
                                     err);

    json_decref(root);

    return rc;
}


/*
 * A submission another engine's dialect made ("root" in the form of
 * POST /submissions's body); with "run", a test may have no expectation
 * (the program is run and shown, as a code session's run is).
 */

ngx_int_t
ngx_http_judge_submit_json(ngx_pool_t *pool, ngx_http_judge_loc_conf_t *jlcf,
    ngx_http_judge_langs_t *langs, json_t *root, ngx_uint_t run,
    ngx_http_judge_submission_t *sub, ngx_http_judge_invalid_t *err)
{
    ngx_memzero(sub, sizeof(ngx_http_judge_submission_t));
    sub->shown = run ? 1 : 0;

    return ngx_http_judge_submit_check(pool, jlcf, langs, root, NULL, sub,
                                       err);
}


/*
 * A submission to a stored problem: the body gives the program
 * ({"language", "source" | "files", "compiler_flags"?, "all_stages"?,
 * "problem_id"?}), the problem ("def", in its stored form) the tests,
 * limits, checker and interactor.
 */

ngx_int_t
ngx_http_judge_submit_problem(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    ngx_str_t *body, json_t *def, ngx_http_judge_submission_t *sub,
    ngx_http_judge_invalid_t *err)
{
    json_t      *root, *v;
    ngx_int_t    rc;
    ngx_uint_t   i;

    static const char  *fields[] = {
        "language", "source", "files", "compiler_flags", "all_stages",
        "problem_id", NULL
    };

    static const char  *copy[] = { "limits", "checker", NULL };

    root = ngx_http_judge_submit_load(jlcf, body, err);
    if (root == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(sub, sizeof(ngx_http_judge_submission_t));

    rc = NGX_ERROR;

    if (!json_is_object(root)) {
        ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST, "invalid_request",
                               "the body must be a JSON object");
        goto done;
    }

    if (ngx_http_judge_submit_known(root, fields, "", err) != NGX_OK) {
        goto done;
    }

    v = json_object_get(root, "all_stages");

    if (v && !json_is_boolean(v)) {
        ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST, "invalid_request",
                               "\"all_stages\" must be true or false");
        goto done;
    }

    sub->all_stages = json_is_true(v);

    (void) json_object_del(root, "all_stages");
    (void) json_object_del(root, "problem_id");

    for (i = 0; copy[i]; i++) {
        v = json_object_get(def, copy[i]);

        if (v && json_object_set(root, copy[i], v) != 0) {
            ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                   "internal_error", "out of memory");
            goto done;
        }
    }

    rc = ngx_http_judge_submit_check(pool, jlcf, langs, root, def, sub, err);

done:

    json_decref(root);

    return rc;
}


/*
 * A stored problem's definition checked as its submissions will be,
 * without a program: its limits, checker, interactor and tests.
 */

ngx_int_t
ngx_http_judge_submit_problem_ok(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, json_t *def,
    ngx_http_judge_invalid_t *err)
{
    Judge__Limits                limits;
    Judge__Checker               checker;
    Judge__ExecuteBatchTask      run;
    ngx_http_judge_submission_t  sub;

    judge__execute_batch_task__init(&run);
    judge__limits__init(&limits);
    judge__checker__init(&checker);
    ngx_memzero(&sub, sizeof(ngx_http_judge_submission_t));

    if (ngx_http_judge_submit_limits(json_object_get(def, "limits"), jlcf,
                                     &limits, err)
        != NGX_OK
        || ngx_http_judge_submit_checker(pool, json_object_get(def, "checker"),
                                         &checker, err)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    run.limits = &limits;

    if (json_object_get(def, "interactor")
        && ngx_http_judge_submit_interactor(pool,
                                            json_object_get(def, "interactor"),
                                            NULL, &run, err)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_judge_submit_stored(pool, def, &run, jlcf, &sub, err);
}


/*
 * The body of POST /code-sessions/{id}/run ({"stdin"?, "args"?,
 * "limits"?}) with the session's language, source and stdin: a
 * submission of one test without expectations whose output is streamed,
 * checked as a submission is.
 */

ngx_int_t
ngx_http_judge_submit_run(ngx_pool_t *pool, ngx_http_judge_loc_conf_t *jlcf,
    ngx_http_judge_langs_t *langs, ngx_str_t *body,
    ngx_http_judge_run_t *run, ngx_http_judge_submission_t *sub,
    ngx_http_judge_invalid_t *err)
{
    size_t       len;
    json_t      *root, *req, *test, *v;
    ngx_int_t    rc;
    const char  *input;

    static const char  *fields[] = { "stdin", "args", "limits", NULL };

    /* an empty body runs the session as saved */

    req = body->len ? ngx_http_judge_submit_load(jlcf, body, err)
                    : json_object();

    if (req == NULL) {
        return body->len ? NGX_ERROR
                         : ngx_http_judge_invalid(err,
                                                  NGX_HTTP_INTERNAL_SERVER_ERROR,
                                                  "internal_error",
                                                  "out of memory");
    }

    root = NULL;
    rc = NGX_ERROR;

    if (!json_is_object(req)) {
        ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST, "invalid_request",
                               "the body must be a JSON object");
        goto done;
    }

    if (ngx_http_judge_submit_known(req, fields, "", err) != NGX_OK) {
        goto done;
    }

    v = json_object_get(req, "stdin");

    if (v && !json_is_string(v) && !json_is_null(v)) {
        ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST, "invalid_request",
                               "\"stdin\" must be a string");
        goto done;
    }

    if (json_is_string(v)) {
        input = json_string_value(v);
        len = json_string_length(v);

    } else {
        input = run->input.len ? (const char *) run->input.data : "";
        len = run->input.len;
    }

    root = json_pack("{s:s%,s:s%,s:[{s:s%}]}",
                     "language", run->language.data, run->language.len,
                     "source", run->source.len ? (char *) run->source.data
                                               : "",
                     run->source.len,
                     "tests", "input", input, len);

    if (root == NULL) {
        ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST, "invalid_request",
                               "the session's source or stdin is not text");
        goto done;
    }

    test = json_array_get(json_object_get(root, "tests"), 0);

    v = json_object_get(req, "args");

    if (v && json_object_set(test, "args", v) != 0) {
        ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                               "internal_error", "out of memory");
        goto done;
    }

    v = json_object_get(req, "limits");

    if (v && json_object_set(root, "limits", v) != 0) {
        ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                               "internal_error", "out of memory");
        goto done;
    }

    ngx_memzero(sub, sizeof(ngx_http_judge_submission_t));
    sub->stream_output = 1;
    sub->shown = 1;

    rc = ngx_http_judge_submit_check(pool, jlcf, langs, root, NULL, sub,
                                     err);

done:

    json_decref(root);
    json_decref(req);

    return rc;
}


/*
 * A session's text field: absent or null leaves "text" NULL; else a
 * string copied into the pool.  NGX_DECLINED: longer than "max" bytes.
 */

static ngx_int_t
ngx_http_judge_submit_text(ngx_pool_t *pool, json_t *v, const char *name,
    size_t max, ngx_str_t *text, ngx_http_judge_invalid_t *err)
{
    ngx_str_null(text);

    if (v == NULL || json_is_null(v)) {
        return NGX_OK;
    }

    if (!json_is_string(v)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"%s\" must be a string", name);
    }

    if (json_string_length(v) > max) {
        return NGX_DECLINED;
    }

    text->len = json_string_length(v);
    text->data = (u_char *) ngx_http_judge_json_cstr(pool, v);

    if (text->data == NULL) {
        return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                      "internal_error", "out of memory");
    }

    return NGX_OK;
}


/* a field that has two names: by either, not both (*v NULL: by none) */

static ngx_int_t
ngx_http_judge_submit_either(json_t *obj, const char *name,
    const char *alias, json_t **v, ngx_http_judge_invalid_t *err)
{
    json_t  *alt;

    *v = json_object_get(obj, name);
    alt = json_object_get(obj, alias);

    if (*v && alt) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "give \"%s\" or \"%s\", not both",
                                      name, alias);
    }

    if (*v == NULL) {
        *v = alt;
    }

    return NGX_OK;
}


/*
 * The body of POST /code-sessions ("create") or of a save (PATCH
 * /code-sessions/{id}): the language ("language" or "language_id"), the
 * source ("source_code" or "source"), the stdin, and for a save the
 * revision it was made against.  The language must be one "langs" has
 * heard of.
 */

ngx_int_t
ngx_http_judge_submit_session(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    ngx_str_t *body, ngx_uint_t create, ngx_http_judge_session_change_t *ch,
    ngx_http_judge_invalid_t *err)
{
    json_t      *root, *v;
    ngx_int_t    rc;
    ngx_uint_t   compiled;

    static const char  *fields[] = {
        "language", "language_id", "source_code", "source", "stdin",
        "revision", NULL
    };

    ngx_memzero(ch, sizeof(ngx_http_judge_session_change_t));

    root = ngx_http_judge_submit_load(jlcf, body, err);
    if (root == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (!json_is_object(root)) {
        ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST, "invalid_request",
                               "the body must be a JSON object");
        goto done;
    }

    if (ngx_http_judge_submit_known(root, fields, "", err) != NGX_OK) {
        goto done;
    }

    /* each field by either of its names, not both */

    if (ngx_http_judge_submit_either(root, "language", "language_id", &v,
                                     err)
        != NGX_OK)
    {
        goto done;
    }

    if (v) {
        if (!json_is_string(v)) {
            ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                   "invalid_request",
                                   "\"language\" must be a string");
            goto done;
        }

        if (!ngx_http_judge_name_ok((u_char *) json_string_value(v),
                                    json_string_length(v)))
        {
            ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                   "unknown_language",
                                   "\"language\" must name a language");
            goto done;
        }

        ch->language.len = json_string_length(v);
        ch->language.data = (u_char *) ngx_http_judge_json_cstr(pool, v);
        if (ch->language.data == NULL) {
            goto nomem;
        }

        if (langs->language(langs->data, &ch->language, &compiled)
            == NGX_DECLINED)
        {
            ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                   "unknown_language",
                                   "unknown language \"%V\"", &ch->language);
            goto done;
        }

        ch->set_language = 1;

    } else if (create) {
        ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST, "invalid_request",
                               "\"language\" is required");
        goto done;
    }

    if (ngx_http_judge_submit_either(root, "source_code", "source", &v, err)
        != NGX_OK)
    {
        goto done;
    }

    rc = ngx_http_judge_submit_text(pool, v, "source_code",
                                    jlcf->max_source_size, &ch->source, err);

    if (rc == NGX_DECLINED) {
        rc = ngx_http_judge_invalid(err, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                    "source_too_large",
                                    "the source is larger than %uz bytes "
                                    "(judge_max_source_size)",
                                    jlcf->max_source_size);
    }

    if (rc != NGX_OK) {
        goto done;
    }

    ch->set_source = (ch->source.data != NULL);

    rc = ngx_http_judge_submit_text(pool, json_object_get(root, "stdin"),
                                    "stdin", jlcf->max_source_size,
                                    &ch->input, err);

    if (rc == NGX_DECLINED) {
        rc = ngx_http_judge_invalid(err, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                    "stdin_too_large",
                                    "a session's stdin is kept as its "
                                    "source is: at most %uz bytes "
                                    "(judge_max_source_size)",
                                    jlcf->max_source_size);
    }

    if (rc != NGX_OK) {
        goto done;
    }

    ch->set_input = (ch->input.data != NULL);

    rc = NGX_ERROR;

    v = json_object_get(root, "revision");

    if (v && !create) {
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
            ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                   "invalid_request",
                                   "\"revision\" must be a positive "
                                   "integer");
            goto done;
        }

        ch->revision = json_integer_value(v);

    } else if (v) {
        ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST, "invalid_request",
                               "a new session has no \"revision\"");
        goto done;
    }

    rc = NGX_OK;
    goto done;

nomem:

    ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                           "internal_error", "out of memory");

done:

    json_decref(root);

    return rc;
}


static ngx_int_t
ngx_http_judge_submit_check(ngx_pool_t *pool,
    ngx_http_judge_loc_conf_t *jlcf, ngx_http_judge_langs_t *langs,
    json_t *root, json_t *problem, ngx_http_judge_submission_t *sub,
    ngx_http_judge_invalid_t *err)
{
    u_char                   *p;
    char                    **flags;
    size_t                    i, len, n, nflags;
    json_t                   *v, *flag;
    ngx_int_t                 rc;
    ngx_str_t                 language, checker;
    ngx_uint_t                compiled, checker_compiled;
    EVP_MD_CTX               *md;
    Judge__CompileTask       *compile;
    Judge__Limits            *cap;
    Judge__ExecuteBatchTask  *run;
    u_char                    digest[EVP_MAX_MD_SIZE];

    static const char  *fields[] = {
        "language", "source", "files", "compiler_flags", "tests", "limits",
        "checker", "stop_on_first_failure", NULL
    };

    if (!json_is_object(root)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "the body must be a JSON object");
    }

    if (ngx_http_judge_submit_known(root, fields, "", err) != NGX_OK) {
        return NGX_ERROR;
    }

    /* language */

    v = json_object_get(root, "language");
    if (!json_is_string(v)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"language\" must be a string");
    }

    language.data = (u_char *) ngx_http_judge_json_cstr(pool, v);
    if (language.data == NULL) {
        return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                      "internal_error", "out of memory");
    }

    language.len = json_string_length(v);

    /*
     * Workers' languages are kept comma-wrapped (",cpp,python,"): only a
     * name can be looked up there, where "cpp,python" would be found.
     */

    rc = ngx_http_judge_name_ok(language.data, language.len)
         ? langs->language(langs->data, &language, &compiled)
         : NGX_DECLINED;

    switch (rc) {
    case NGX_DECLINED:
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "unknown_language",
                                      "unknown language \"%V\"", &language);

    case NGX_BUSY:
        return ngx_http_judge_invalid(err, NGX_HTTP_SERVICE_UNAVAILABLE,
                                      "no_worker",
                                      "no live worker can run \"%V\"",
                                      &language);
    }

    sub->language = language;
    sub->compiled = compiled;

    run = ngx_pcalloc(pool, sizeof(Judge__ExecuteBatchTask));
    if (run == NULL) {
        goto nomem;
    }

    judge__execute_batch_task__init(run);
    run->language = (char *) language.data;
    run->max_capture = jlcf->max_capture;
    run->stream_output = sub->stream_output;

    /* sources */

    if (ngx_http_judge_submit_sources(pool, root, jlcf->max_source_size,
                                      &run->sources, &run->n_sources, err)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* limits, tests, checker */

    run->limits = ngx_pcalloc(pool, sizeof(Judge__Limits));
    if (run->limits == NULL) {
        goto nomem;
    }

    judge__limits__init(run->limits);

    if (ngx_http_judge_submit_limits(json_object_get(root, "limits"), jlcf,
                                     run->limits, err)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (problem) {
        if (ngx_http_judge_submit_stored(pool, problem, run, jlcf, sub, err)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

    } else if (ngx_http_judge_submit_tests(pool,
                                           json_object_get(root, "tests"),
                                           run, jlcf->max_tests, sub->shown,
                                           err)
               != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* what one submission may ask of the fleet at most */

    if ((uint64_t) run->n_tests
        * ngx_max(run->limits->wall_time_ms, sub->test_time)
        > jlcf->max_job_time)
    {
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "job_too_long",
                                      "%uz tests of up to %ui ms each may "
                                      "take more than judge_max_job_time "
                                      "(%M ms); send fewer tests or a "
                                      "lower wall_time",
                                      run->n_tests,
                                      (ngx_uint_t) run->limits->wall_time_ms,
                                      jlcf->max_job_time);
    }

    run->checker = ngx_pcalloc(pool, sizeof(Judge__Checker));
    if (run->checker == NULL) {
        goto nomem;
    }

    judge__checker__init(run->checker);

    if (ngx_http_judge_submit_checker(pool,
                                      json_object_get(root, "checker"),
                                      run->checker, err)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* a custom checker is a program like the submission: the same rules */

    if (run->checker->kind == JUDGE__CHECKER__KIND__CUSTOM) {
        checker.data = (u_char *) run->checker->language;
        checker.len = ngx_strlen(run->checker->language);

        if (!ngx_http_judge_name_ok(checker.data, checker.len)
            || langs->language(langs->data, &checker, &checker_compiled)
               == NGX_DECLINED)
        {
            return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                          "unknown_language",
                                          "unknown checker language");
        }

        if (run->checker->source.len > jlcf->max_source_size) {
            return ngx_http_judge_invalid(err,
                                          NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                          "source_too_large",
                                          "the checker's source is larger "
                                          "than %uz bytes",
                                          jlcf->max_source_size);
        }
    }

    /* an interactive problem's interactor: a program like the checker */

    v = problem ? json_object_get(problem, "interactor") : NULL;

    if (v && ngx_http_judge_submit_interactor(pool, v, langs, run, err)
             != NGX_OK)
    {
        return NGX_ERROR;
    }

    v = json_object_get(root, "stop_on_first_failure");
    if (v) {
        if (!json_is_boolean(v)) {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "\"stop_on_first_failure\" must "
                                          "be true or false");
        }

        run->stop_on_first_failure = json_is_true(v);
    }

    /* compiler flags go with the compile task, and into the hash */

    compile = NULL;
    v = json_object_get(root, "compiler_flags");

    if (v && !json_is_array(v)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"compiler_flags\" must be an array "
                                      "of strings");
    }

    if (v && json_array_size(v) > NGX_HTTP_JUDGE_MAX_FLAGS) {
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "invalid_request",
                                      "at most %d compiler flags",
                                      NGX_HTTP_JUDGE_MAX_FLAGS);
    }

    nflags = v ? json_array_size(v) : 0;
    flags = NULL;

    if (nflags) {
        flags = ngx_palloc(pool, nflags * sizeof(char *));
        if (flags == NULL) {
            goto nomem;
        }
    }

    json_array_foreach(v, i, flag) {
        if (!json_is_string(flag) || json_string_length(flag) == 0
            || json_string_length(flag) > 128
            || json_string_value(flag)[0] != '-'
            || ngx_strlen(json_string_value(flag))
               != json_string_length(flag))
        {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "compiler_flags[%uz] must be "
                                          "a string starting with '-'",
                                          i);
        }

        flags[i] = ngx_http_judge_json_cstr(pool, flag);
        if (flags[i] == NULL) {
            goto nomem;
        }
    }

    /* only what the language's workers allow: no -specs=, -wrapper, ... */

    switch (langs->flags(langs->data, pool, &language, flags, nflags, &i)) {
    case NGX_ERROR:
        goto nomem;

    case NGX_DECLINED:
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "flag_not_allowed",
                                      "compiler flag \"%s\" is not allowed "
                                      "for \"%V\"", flags[i], &language);
    }

    if (sub->compiled) {
        compile = ngx_pcalloc(pool, sizeof(Judge__CompileTask));
        if (compile == NULL) {
            goto nomem;
        }

        judge__compile_task__init(compile);

        /* the operator's caps of the compile: the worker takes the
         * language's own limits, or these when they are lower */
        cap = ngx_pcalloc(pool, sizeof(Judge__Limits));
        if (cap == NULL) {
            goto nomem;
        }

        judge__limits__init(cap);
        cap->cpu_time_ms = jlcf->compile_cpu_time;
        cap->wall_time_ms = jlcf->compile_wall_time;
        cap->memory_kb = jlcf->compile_memory / 1024;
        compile->limits = cap;

        compile->language = run->language;
        compile->sources = run->sources;
        compile->n_sources = run->n_sources;
        compile->compiler_flags = flags;
        compile->n_compiler_flags = nflags;

        /* the artifact's name: language, flags and sources */

        md = EVP_MD_CTX_new();
        if (md == NULL) {
            goto nomem;
        }

        EVP_DigestInit_ex(md, EVP_sha256(), NULL);
        EVP_DigestUpdate(md, language.data, language.len + 1);

        for (i = 0; i < compile->n_compiler_flags; i++) {
            EVP_DigestUpdate(md, compile->compiler_flags[i],
                             ngx_strlen(compile->compiler_flags[i]) + 1);
        }

        for (i = 0; i < run->n_sources; i++) {
            len = run->sources[i]->content.len;
            EVP_DigestUpdate(md, run->sources[i]->name,
                             ngx_strlen(run->sources[i]->name) + 1);
            EVP_DigestUpdate(md, &len, sizeof(size_t));
            EVP_DigestUpdate(md, run->sources[i]->content.data, len);
        }

        EVP_DigestFinal_ex(md, digest, NULL);
        EVP_MD_CTX_free(md);

        ngx_hex_dump(sub->hash, digest, NGX_HTTP_JUDGE_HASH_LEN / 2);

        compile->artifact_hash = ngx_pnalloc(pool,
                                             NGX_HTTP_JUDGE_HASH_LEN + 1);
        if (compile->artifact_hash == NULL) {
            goto nomem;
        }

        p = ngx_cpymem(compile->artifact_hash, sub->hash,
                       NGX_HTTP_JUDGE_HASH_LEN);
        *p = '\0';

        run->artifact_hash = compile->artifact_hash;

        /* the compiled program is what runs: no need to ship the source */
        run->sources = NULL;
        run->n_sources = 0;

        sub->compile_spec.len = judge__compile_task__get_packed_size(compile);
        sub->compile_spec.data = ngx_pnalloc(pool, sub->compile_spec.len);
        if (sub->compile_spec.data == NULL) {
            goto nomem;
        }

        judge__compile_task__pack(compile, sub->compile_spec.data);
    }

    sub->ntests = run->n_tests;
    sub->stop_on_failure = run->stop_on_first_failure;
    sub->test_time = ngx_max(sub->test_time, run->limits->wall_time_ms);

    /*
     * The tests, each as the field ExecuteBatchTask.tests it will be in
     * a batch's frame, one after another: a batch is then one range of
     * these bytes.  The run template is packed without them.
     */

    sub->test_off = ngx_palloc(pool, (run->n_tests + 1) * sizeof(uint64_t));
    if (sub->test_off == NULL) {
        goto nomem;
    }

    len = 0;
    for (i = 0; i < run->n_tests; i++) {
        len += ngx_http_judge_field_len(7,
                            judge__test_case__get_packed_size(run->tests[i]));
    }

    sub->tests.data = ngx_pnalloc(pool, len);
    if (sub->tests.data == NULL) {
        goto nomem;
    }

    p = sub->tests.data;

    for (i = 0; i < run->n_tests; i++) {
        sub->test_off[i] = p - sub->tests.data;

        len = judge__test_case__get_packed_size(run->tests[i]);

        *p++ = (7 << 3) | 2;
        for (n = len; n >= 0x80; n >>= 7) {
            *p++ = (u_char) (n | 0x80);
        }
        *p++ = (u_char) n;

        p += judge__test_case__pack(run->tests[i], p);
    }

    sub->test_off[run->n_tests] = p - sub->tests.data;
    sub->tests.len = p - sub->tests.data;

    run->n_tests = 0;
    run->tests = NULL;

    sub->run_spec.len = judge__execute_batch_task__get_packed_size(run);
    sub->run_spec.data = ngx_pnalloc(pool, sub->run_spec.len);
    if (sub->run_spec.data == NULL) {
        goto nomem;
    }

    judge__execute_batch_task__pack(run, sub->run_spec.data);

    return NGX_OK;

nomem:

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}


/* file names: a plain name, no path, no leading dot */

static ngx_int_t
ngx_http_judge_file_name_ok(const char *name, size_t len)
{
    return len > 0 && name[0] != '.'
           && ngx_http_judge_name_ok((u_char *) name, len);
}


/*
 * "source" (one file, named by the language on the worker) or "files"
 * ([{"name","content"}], the first is the main file).
 */

static ngx_int_t
ngx_http_judge_submit_sources(ngx_pool_t *pool, json_t *root, size_t max,
    Judge__SourceFile ***files, size_t *n, ngx_http_judge_invalid_t *err)
{
    size_t              i, k, count, total;
    json_t             *source, *list, *f, *name, *content;
    Judge__SourceFile  *sf;

    source = json_object_get(root, "source");
    list = json_object_get(root, "files");

    if ((source == NULL) == (list == NULL)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "give either \"source\" or \"files\"");
    }

    if (source) {
        if (!json_is_string(source)) {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "\"source\" must be a string");
        }

        count = 1;

    } else {
        if (!json_is_array(list) || json_array_size(list) == 0
            || json_array_size(list) > NGX_HTTP_JUDGE_MAX_FILES)
        {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "\"files\" must be an array of 1 "
                                          "to %d files",
                                          NGX_HTTP_JUDGE_MAX_FILES);
        }

        count = json_array_size(list);
    }

    *files = ngx_palloc(pool, count * sizeof(Judge__SourceFile *));
    if (*files == NULL) {
        goto nomem;
    }

    total = 0;

    for (i = 0; i < count; i++) {
        sf = ngx_palloc(pool, sizeof(Judge__SourceFile));
        if (sf == NULL) {
            goto nomem;
        }

        judge__source_file__init(sf);
        (*files)[i] = sf;

        if (source) {
            content = source;

        } else {
            f = json_array_get(list, i);
            name = json_object_get(f, "name");
            content = json_object_get(f, "content");

            if (!json_is_object(f) || !json_is_string(name)
                || !json_is_string(content)
                || !ngx_http_judge_file_name_ok(json_string_value(name),
                                                json_string_length(name)))
            {
                return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                              "invalid_request",
                                              "files[%uz] needs a \"name\" "
                                              "(letters, digits, \"._-\") "
                                              "and a \"content\" string", i);
            }

            sf->name = ngx_http_judge_json_cstr(pool, name);
            if (sf->name == NULL) {
                goto nomem;
            }

            /* one name twice: the worker could not write the second */

            for (k = 0; k < i; k++) {
                if (ngx_strcmp((*files)[k]->name, sf->name) == 0) {
                    return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                                  "invalid_request",
                                                  "files[%uz] has the name "
                                                  "of files[%uz]", i, k);
                }
            }
        }

        sf->content.len = json_string_length(content);

        total += sf->content.len;
        if (total > max) {
            return ngx_http_judge_invalid(err,
                                          NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                          "source_too_large",
                                          "the source is larger than %uz "
                                          "bytes", max);
        }

        sf->content.data = ngx_pnalloc(pool, sf->content.len + 1);
        if (sf->content.data == NULL) {
            goto nomem;
        }

        ngx_memcpy(sf->content.data, json_string_value(content),
                   sf->content.len);
    }

    *n = count;

    return NGX_OK;

nomem:

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}


static ngx_int_t
ngx_http_judge_submit_bytes(ngx_pool_t *pool, json_t *v, ProtobufCBinaryData *b)
{
    b->len = json_string_length(v);
    b->data = ngx_pnalloc(pool, b->len + 1);
    if (b->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(b->data, json_string_value(v), b->len);

    return NGX_OK;
}


static ngx_int_t
ngx_http_judge_submit_assertions(ngx_pool_t *pool, json_t *list,
    Judge__TestCase *tc, size_t index, ngx_http_judge_invalid_t *err)
{
    size_t            i, k;
    json_t           *a, *v;
    const char       *key;
    Judge__Assertion *as;

    static const char  *kinds[] = {
        "stdoutContains", "stdoutEquals", "stdoutMatches", "stderrContains",
        "exitCode", "stdoutNotContains", NULL
    };

    if (!json_is_array(list) || json_array_size(list) > 64) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "tests[%uz].assertions must be an "
                                      "array of at most 64", index);
    }

    tc->n_assertions = json_array_size(list);
    tc->assertions = ngx_palloc(pool, (tc->n_assertions + 1)
                                      * sizeof(Judge__Assertion *));
    if (tc->assertions == NULL) {
        goto nomem;
    }

    json_array_foreach(list, i, a) {
        as = ngx_palloc(pool, sizeof(Judge__Assertion));
        if (as == NULL) {
            goto nomem;
        }

        judge__assertion__init(as);
        tc->assertions[i] = as;

        if (!json_is_object(a)) {
            goto invalid;
        }

        v = json_object_get(a, "description");

        if (v) {
            if (!json_is_string(v) || json_string_length(v) > 1024
                || ngx_strlen(json_string_value(v)) != json_string_length(v))
            {
                goto invalid;
            }

            as->description = ngx_http_judge_json_cstr(pool, v);
            if (as->description == NULL) {
                goto nomem;
            }
        }

        if (json_object_size(a) != 1 + (v != NULL)) {
            goto invalid;
        }

        json_object_foreach(a, key, v) {
            if (ngx_strcmp(key, "description") == 0) {
                continue;
            }

            for (k = 0; kinds[k]; k++) {
                if (ngx_strcmp(key, kinds[k]) == 0) {
                    break;
                }
            }

            if (kinds[k] == NULL) {
                goto invalid;
            }

            as->kind = (Judge__Assertion__Kind) k;

            if (as->kind == JUDGE__ASSERTION__KIND__EXIT_CODE) {
                if (!json_is_integer(v) || json_integer_value(v) < 0
                    || json_integer_value(v) > 255)
                {
                    goto invalid;
                }

                as->code = (int32_t) json_integer_value(v);

            } else {
                if (!json_is_string(v)) {
                    goto invalid;
                }

                as->value = ngx_http_judge_json_cstr(pool, v);
                if (as->value == NULL) {
                    goto nomem;
                }
            }
        }
    }

    return NGX_OK;

invalid:

    return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                  "invalid_request",
                                  "tests[%uz].assertions[%uz] must be one of "
                                  "{\"stdoutContains\":s}, "
                                  "{\"stdoutEquals\":s}, "
                                  "{\"stdoutMatches\":s}, "
                                  "{\"stderrContains\":s}, "
                                  "{\"stdoutNotContains\":s}, "
                                  "{\"exitCode\":0-255}, each with an "
                                  "optional \"description\" (a string of "
                                  "at most 1024 bytes)", index, i);

nomem:

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}


static ngx_int_t
ngx_http_judge_submit_tests(ngx_pool_t *pool, json_t *tests,
    Judge__ExecuteBatchTask *run, ngx_uint_t max_tests, ngx_uint_t shown,
    ngx_http_judge_invalid_t *err)
{
    u_char           *p;
    size_t            i;
    json_t           *t, *v;
    Judge__TestCase  *tc;

    static const char  *test_fields[] = {
        "id", "input", "expected_output", "assertions", "args", NULL
    };

    if (!json_is_array(tests) || json_array_size(tests) == 0) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"tests\" must be a non-empty array");
    }

    if (json_array_size(tests) > max_tests) {
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "too_many_tests",
                                      "at most %ui tests", max_tests);
    }

    run->n_tests = json_array_size(tests);
    run->tests = ngx_palloc(pool, run->n_tests * sizeof(Judge__TestCase *));
    if (run->tests == NULL) {
        goto nomem;
    }

    json_array_foreach(tests, i, t) {
        if (!json_is_object(t)) {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "tests[%uz] must be an object", i);
        }

        if (ngx_http_judge_submit_known(t, test_fields, "a test", err)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        tc = ngx_palloc(pool, sizeof(Judge__TestCase));
        if (tc == NULL) {
            goto nomem;
        }

        judge__test_case__init(tc);
        run->tests[i] = tc;
        tc->index = i;

        v = json_object_get(t, "id");

        if (v == NULL) {
            p = ngx_pnalloc(pool, NGX_INT_T_LEN + 1);
            if (p == NULL) {
                goto nomem;
            }

            *ngx_sprintf(p, "%uz", i + 1) = '\0';
            tc->id = (char *) p;

        } else if (json_is_string(v) && json_string_length(v) > 0
                   && json_string_length(v) <= 64
                   && ngx_strlen(json_string_value(v))
                      == json_string_length(v))
        {
            tc->id = ngx_http_judge_json_cstr(pool, v);
            if (tc->id == NULL) {
                goto nomem;
            }

        } else if (json_is_integer(v)) {
            p = ngx_pnalloc(pool, NGX_INT64_LEN + 1);
            if (p == NULL) {
                goto nomem;
            }

            *ngx_sprintf(p, "%L", (int64_t) json_integer_value(v)) = '\0';
            tc->id = (char *) p;

        } else {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "tests[%uz].id must be a string of "
                                          "1 to 64 characters", i);
        }

        v = json_object_get(t, "input");
        if (v) {
            if (!json_is_string(v)) {
                return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                              "invalid_request",
                                              "tests[%uz].input must be a "
                                              "string", i);
            }

            if (ngx_http_judge_submit_bytes(pool, v, &tc->input) != NGX_OK) {
                goto nomem;
            }
        }

        v = json_object_get(t, "expected_output");
        if (v) {
            if (!json_is_string(v)) {
                return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                              "invalid_request",
                                              "tests[%uz].expected_output "
                                              "must be a string", i);
            }

            if (ngx_http_judge_submit_bytes(pool, v, &tc->expected_output)
                != NGX_OK)
            {
                goto nomem;
            }

            tc->has_expected = 1;
        }

        v = json_object_get(t, "assertions");
        if (v) {
            if (ngx_http_judge_submit_assertions(pool, v, tc, i, err)
                != NGX_OK)
            {
                return NGX_ERROR;
            }
        }

        v = json_object_get(t, "args");
        if (v) {
            if (ngx_http_judge_submit_args(pool, v, tc, i, err) != NGX_OK) {
                return NGX_ERROR;
            }
        }

        /*
         * A run of a code session, or of another engine's dialect, may
         * have no expectations: it is shown
         */

        if (!tc->has_expected && tc->n_assertions == 0 && !shown)
        {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "tests[%uz] needs "
                                          "\"expected_output\" or "
                                          "\"assertions\"", i);
        }
    }

    return NGX_OK;

nomem:

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}


/*
 * A test's argument words, after the run command's: at most 64, each a
 * string of at most 4096 bytes without NUL, 16 KiB in all.
 */

static ngx_int_t
ngx_http_judge_submit_args(ngx_pool_t *pool, json_t *args,
    Judge__TestCase *tc, size_t i, ngx_http_judge_invalid_t *err)
{
    size_t   k, len, total;
    json_t  *a;

    if (!json_is_array(args)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "tests[%uz].args must be an array of "
                                      "strings", i);
    }

    if (json_array_size(args) > NGX_HTTP_JUDGE_MAX_ARGS) {
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "too_many_args",
                                      "at most %d arguments",
                                      NGX_HTTP_JUDGE_MAX_ARGS);
    }

    tc->n_args = json_array_size(args);
    tc->args = ngx_palloc(pool, (tc->n_args + 1) * sizeof(char *));
    if (tc->args == NULL) {
        goto nomem;
    }

    total = 0;

    json_array_foreach(args, k, a) {
        if (!json_is_string(a)) {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "tests[%uz].args must be an array "
                                          "of strings", i);
        }

        len = json_string_length(a);
        total += len;

        if (len > NGX_HTTP_JUDGE_MAX_ARG_LEN
            || ngx_strlen(json_string_value(a)) != len
            || total > NGX_HTTP_JUDGE_MAX_ARGS_LEN)
        {
            return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                          "invalid_args",
                                          "an argument is a string of at "
                                          "most %d bytes without NUL, and "
                                          "all of them at most %d bytes",
                                          NGX_HTTP_JUDGE_MAX_ARG_LEN,
                                          NGX_HTTP_JUDGE_MAX_ARGS_LEN);
        }

        tc->args[k] = ngx_http_judge_json_cstr(pool, a);
        if (tc->args[k] == NULL) {
            goto nomem;
        }
    }

    return NGX_OK;

nomem:

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}


/* one limit: absent takes the default; above the maximum is refused */

static ngx_int_t
ngx_http_judge_submit_limit(json_t *limits, char *name,
    ngx_http_judge_limit_t *conf, uint64_t *value,
    ngx_http_judge_invalid_t *err)
{
    json_t  *v;

    *value = conf->value;

    v = json_object_get(limits, name);
    if (v == NULL) {
        return NGX_OK;
    }

    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "limits.%s must be a positive integer",
                                      name);
    }

    if ((uint64_t) json_integer_value(v) > conf->max) {
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "limit_too_high",
                                      "limits.%s is above the maximum %uL",
                                      name, conf->max);
    }

    *value = json_integer_value(v);

    return NGX_OK;
}


static ngx_int_t
ngx_http_judge_submit_limits(json_t *limits, ngx_http_judge_loc_conf_t *jlcf,
    Judge__Limits *l, ngx_http_judge_invalid_t *err)
{
    uint64_t  processes;

    static const char  *fields[] = {
        "cpu_time_ms", "wall_time_ms", "memory_kb", "output_kb", "stack_kb",
        "processes", NULL
    };

    if (limits && !json_is_object(limits)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"limits\" must be an object");
    }

    if (limits
        && ngx_http_judge_submit_known(limits, fields, "limits", err)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_judge_submit_limit(limits, "cpu_time_ms", &jlcf->cpu_time,
                                    &l->cpu_time_ms, err) != NGX_OK
        || ngx_http_judge_submit_limit(limits, "wall_time_ms",
                                       &jlcf->wall_time, &l->wall_time_ms,
                                       err) != NGX_OK
        || ngx_http_judge_submit_limit(limits, "memory_kb", &jlcf->memory,
                                       &l->memory_kb, err) != NGX_OK
        || ngx_http_judge_submit_limit(limits, "output_kb", &jlcf->output,
                                       &l->output_kb, err) != NGX_OK
        || ngx_http_judge_submit_limit(limits, "stack_kb", &jlcf->stack,
                                       &l->stack_kb, err) != NGX_OK
        || ngx_http_judge_submit_limit(limits, "processes",
                                       &jlcf->processes, &processes, err)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    l->processes = (uint32_t) processes;

    if (l->wall_time_ms < l->cpu_time_ms) {
        l->wall_time_ms = ngx_min(2 * l->cpu_time_ms + 1000,
                                  jlcf->wall_time.max);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_judge_submit_tolerance(json_t *checker, char *name, double *value,
    ngx_http_judge_invalid_t *err)
{
    json_t  *v;

    v = json_object_get(checker, name);
    if (v == NULL) {
        return NGX_OK;
    }

    if (!json_is_number(v) || json_number_value(v) < 0) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "checker.%s must be a number >= 0",
                                      name);
    }

    *value = json_number_value(v);

    return NGX_OK;
}


static ngx_int_t
ngx_http_judge_submit_checker(ngx_pool_t *pool, json_t *checker,
    Judge__Checker *c, ngx_http_judge_invalid_t *err)
{
    json_t      *type, *v;
    const char  *t;

    static const char  *fields[] = {
        "type", "abs_tolerance", "rel_tolerance", "language", "source",
        "files", "kattis", NULL
    };

    if (checker == NULL) {
        return NGX_OK;
    }

    if (!json_is_object(checker)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"checker\" must be an object");
    }

    if (ngx_http_judge_submit_known(checker, fields, "checker", err)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    type = json_object_get(checker, "type");
    t = json_is_string(type) ? json_string_value(type) : "";

    if (ngx_strcmp(t, "default") == 0) {
        c->kind = JUDGE__CHECKER__KIND__DEFAULT;

    } else if (ngx_strcmp(t, "exact") == 0) {
        c->kind = JUDGE__CHECKER__KIND__EXACT;

    } else if (ngx_strcmp(t, "tokens") == 0) {
        c->kind = JUDGE__CHECKER__KIND__TOKENS;

    } else if (ngx_strcmp(t, "float") == 0) {
        c->kind = JUDGE__CHECKER__KIND__FLOAT;

    } else if (ngx_strcmp(t, "custom") == 0) {
        c->kind = JUDGE__CHECKER__KIND__CUSTOM;

    } else {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "checker.type must be one of default, "
                                      "exact, tokens, float, custom");
    }

    if (ngx_http_judge_submit_tolerance(checker, "abs_tolerance",
                                        &c->abs_tolerance, err) != NGX_OK
        || ngx_http_judge_submit_tolerance(checker, "rel_tolerance",
                                           &c->rel_tolerance, err) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (c->kind != JUDGE__CHECKER__KIND__CUSTOM) {
        return NGX_OK;
    }

    v = json_object_get(checker, "language");
    if (!json_is_string(v)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "a custom checker needs \"language\"");
    }

    c->language = ngx_http_judge_json_cstr(pool, v);
    if (c->language == NULL) {
        goto nomem;
    }

    v = json_object_get(checker, "kattis");

    if (v && !json_is_boolean(v)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "checker.kattis must be true or false");
    }

    c->kattis = json_is_true(v);

    if (json_object_get(checker, "files")) {
        if (json_object_get(checker, "source")) {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "a custom checker has \"source\" "
                                          "or \"files\", not both");
        }

        return ngx_http_judge_submit_program(pool, checker, "checker",
                                             &c->files, &c->n_files, err);
    }

    v = json_object_get(checker, "source");
    if (!json_is_string(v)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "a custom checker needs \"source\" "
                                      "or \"files\"");
    }

    if (ngx_http_judge_submit_bytes(pool, v, &c->source) != NGX_OK) {
        goto nomem;
    }

    return NGX_OK;

nomem:

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}


/*
 * A stored problem's interactor ({"language", "files", "kattis"?}) in
 * "run"; its language is looked up in "langs" unless that is NULL (a
 * problem checked as it is stored, when no worker may be there).
 */

static ngx_int_t
ngx_http_judge_submit_interactor(ngx_pool_t *pool, json_t *v,
    ngx_http_judge_langs_t *langs, Judge__ExecuteBatchTask *run,
    ngx_http_judge_invalid_t *err)
{
    ngx_str_t   language;
    ngx_uint_t  compiled;

    run->interactor = ngx_pcalloc(pool, sizeof(Judge__Interactor));
    if (run->interactor == NULL) {
        return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                      "internal_error", "out of memory");
    }

    judge__interactor__init(run->interactor);

    if (!json_is_object(v) || !json_is_string(json_object_get(v, "language")))
    {
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "invalid_problem",
                                      "the interactor needs \"language\" "
                                      "and \"files\"");
    }

    language.data = (u_char *) ngx_http_judge_json_cstr(pool,
                                             json_object_get(v, "language"));
    if (language.data == NULL) {
        return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                      "internal_error", "out of memory");
    }

    language.len = ngx_strlen(language.data);
    run->interactor->language = (char *) language.data;
    run->interactor->kattis = json_is_true(json_object_get(v, "kattis"));

    if (!ngx_http_judge_name_ok(language.data, language.len)
        || (langs
            && langs->language(langs->data, &language, &compiled)
               == NGX_DECLINED))
    {
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "unknown_language",
                                      "unknown interactor language");
    }

    return ngx_http_judge_submit_program(pool, v, "interactor",
                                         &run->interactor->files,
                                         &run->interactor->n_files, err);
}


/*
 * The source files of a program beside the submission (a checker, an
 * interactor): "files", 1 to 16 of {"name", "content"}, 1 MiB in all.
 */

static ngx_int_t
ngx_http_judge_submit_program(ngx_pool_t *pool, json_t *obj,
    const char *where, Judge__SourceFile ***files, size_t *n,
    ngx_http_judge_invalid_t *err)
{
    size_t              i, total;
    json_t             *list, *f, *name, *content;
    Judge__SourceFile  *sf;

    list = json_object_get(obj, "files");

    if (!json_is_array(list) || json_array_size(list) == 0
        || json_array_size(list) > 16)
    {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "%s.files must be an array of 1 to "
                                      "16 files", where);
    }

    *n = json_array_size(list);
    *files = ngx_palloc(pool, *n * sizeof(Judge__SourceFile *));
    if (*files == NULL) {
        goto nomem;
    }

    total = 0;

    json_array_foreach(list, i, f) {
        name = json_object_get(f, "name");
        content = json_object_get(f, "content");

        if (!json_is_string(name) || !json_is_string(content)
            || json_object_size(f) != 2
            || !ngx_http_judge_file_name_ok(json_string_value(name),
                                            json_string_length(name)))
        {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "%s.files[%uz] must be {\"name\": "
                                          "a plain file name, \"content\": "
                                          "s}", where, i);
        }

        total += json_string_length(content);

        if (total > 1024 * 1024) {
            return ngx_http_judge_invalid(err,
                                          NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                          "source_too_large",
                                          "the %s's files are larger than "
                                          "1 MiB", where);
        }

        sf = ngx_palloc(pool, sizeof(Judge__SourceFile));
        if (sf == NULL) {
            goto nomem;
        }

        judge__source_file__init(sf);
        (*files)[i] = sf;

        sf->name = ngx_http_judge_json_cstr(pool, name);
        if (sf->name == NULL
            || ngx_http_judge_submit_bytes(pool, content, &sf->content)
               != NGX_OK)
        {
            goto nomem;
        }
    }

    return NGX_OK;

nomem:

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}


/* a test's own limits: only those it sets, each within the location's */

static ngx_int_t
ngx_http_judge_submit_test_limits(ngx_pool_t *pool, json_t *limits,
    ngx_http_judge_loc_conf_t *jlcf, Judge__TestCase *tc,
    ngx_http_judge_invalid_t *err)
{
    uint64_t                 v[6];
    ngx_uint_t               i;
    Judge__Limits           *l;
    ngx_http_judge_limit_t  *conf[6];

    static const char  *names[] = {
        "cpu_time_ms", "wall_time_ms", "memory_kb", "output_kb", "stack_kb",
        "processes", NULL
    };

    if (!json_is_object(limits)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "a test's \"limits\" must be an "
                                      "object");
    }

    if (ngx_http_judge_submit_known(limits, names, "limits", err) != NGX_OK) {
        return NGX_ERROR;
    }

    conf[0] = &jlcf->cpu_time;
    conf[1] = &jlcf->wall_time;
    conf[2] = &jlcf->memory;
    conf[3] = &jlcf->output;
    conf[4] = &jlcf->stack;
    conf[5] = &jlcf->processes;

    for (i = 0; names[i]; i++) {
        v[i] = 0;

        if (json_object_get(limits, names[i])
            && ngx_http_judge_submit_limit(limits, (char *) names[i],
                                           conf[i], &v[i], err)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (v[0] && v[1] == 0) {
        v[1] = ngx_min(2 * v[0] + 1000, jlcf->wall_time.max);
    }

    l = ngx_palloc(pool, sizeof(Judge__Limits));
    if (l == NULL) {
        return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                      "internal_error", "out of memory");
    }

    judge__limits__init(l);

    l->cpu_time_ms = v[0];
    l->wall_time_ms = v[1];
    l->memory_kb = v[2];
    l->output_kb = v[3];
    l->stack_kb = v[4];
    l->processes = (uint32_t) v[5];

    tc->limits = l;

    return NGX_OK;
}


/*
 * A test's environment: {"NAME": "value"}, at most 64, as "NAME=value" of
 * at most 4096 bytes; not PATH, which the worker keeps (it finds the run
 * command's program).
 */

static ngx_int_t
ngx_http_judge_submit_env(ngx_pool_t *pool, json_t *env, Judge__TestCase *tc,
    ngx_http_judge_invalid_t *err)
{
    u_char      *p;
    size_t       i, len, vlen;
    json_t      *v;
    const char  *key;

    if (!json_is_object(env) || json_object_size(env) > 64) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "a test's \"env\" must be an object of "
                                      "at most 64 strings");
    }

    tc->n_env = json_object_size(env);
    tc->env = ngx_palloc(pool, (tc->n_env + 1) * sizeof(char *));
    if (tc->env == NULL) {
        goto nomem;
    }

    i = 0;

    json_object_foreach(env, key, v) {
        len = ngx_strlen(key);
        vlen = json_is_string(v) ? json_string_length(v) : 0;

        if (!json_is_string(v) || len == 0 || len + 1 + vlen > 4096
            || ngx_strlen(json_string_value(v)) != vlen
            || !((key[0] >= 'A' && key[0] <= 'Z')
                 || (key[0] >= 'a' && key[0] <= 'z') || key[0] == '_')
            || strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                           "abcdefghijklmnopqrstuvwxyz0123456789_") != len)
        {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "env: \"%s\" is not NAME (letters, "
                                          "digits, _) with a string value, "
                                          "at most 4096 bytes as NAME=value",
                                          key);
        }

        if (ngx_strcmp(key, "PATH") == 0) {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "env: PATH is the judge's: it "
                                          "finds the program to run");
        }

        p = ngx_pnalloc(pool, len + vlen + 2);
        if (p == NULL) {
            goto nomem;
        }

        tc->env[i++] = (char *) p;

        p = ngx_cpymem(p, key, len);
        *p++ = '=';
        p = ngx_cpymem(p, json_string_value(v), vlen);
        *p = '\0';
    }

    return NGX_OK;

nomem:

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}


/*
 * A stored problem's tests, stage after stage: each names its files by
 * hash (the workers fetch what they lack), a hidden one is marked so,
 * with its own limits, environment and assertions.  What the job keeps
 * of the problem goes in sub->problem, one line each:
 *
 *     <all stages 0|1><scoring 0|1> <version> <id>
 *     <end> <points * 1000> <name as a JSON string>      per stage
 *     h<0|1 per test: hidden>
 */

static ngx_int_t
ngx_http_judge_submit_stored(ngx_pool_t *pool, json_t *problem,
    Judge__ExecuteBatchTask *run, ngx_http_judge_loc_conf_t *jlcf,
    ngx_http_judge_submission_t *sub, ngx_http_judge_invalid_t *err)
{
    u_char           *p, *hidden;
    size_t            si, ti, n, len;
    json_t           *stages, *stage, *t, *v, *ref;
    double            score;
    uint64_t          wall;
    ngx_str_t         name, id;
    ngx_uint_t        i;
    Judge__TestCase  *tc;
    u_char            buf[NGX_INT_T_LEN];

    stages = json_object_get(problem, "stages");
    n = 0;
    len = 0;

    json_array_foreach(stages, si, stage) {
        n += json_array_size(json_object_get(stage, "tests"));
        len += 2 * NGX_INT64_LEN + 16 + 6 * NGX_HTTP_JUDGE_MAX_ID_LEN;
    }

    if (n == 0 || n > jlcf->max_tests) {
        return ngx_http_judge_invalid(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "too_many_tests",
                                      "the problem has %uz tests; this "
                                      "location takes 1 to %ui", n,
                                      jlcf->max_tests);
    }

    v = json_object_get(problem, "id");
    id.data = (u_char *) (json_is_string(v) ? json_string_value(v) : "");
    id.len = ngx_strlen(id.data);

    len += sizeof("00  \nh") + NGX_INT64_LEN + id.len + n;

    sub->problem.data = ngx_pnalloc(pool, len);
    run->tests = ngx_palloc(pool, n * sizeof(Judge__TestCase *));
    hidden = ngx_pnalloc(pool, n);

    if (sub->problem.data == NULL || run->tests == NULL || hidden == NULL) {
        goto nomem;
    }

    run->n_tests = n;

    p = ngx_sprintf(sub->problem.data, "%d%d %L %V\n",
                    sub->all_stages ? 1 : 0,
                    json_is_true(json_object_get(problem, "scoring")) ? 1 : 0,
                    (int64_t) json_integer_value(json_object_get(problem,
                                                                 "version")),
                    &id);

    wall = run->limits->wall_time_ms;
    i = 0;

    json_array_foreach(stages, si, stage) {

        json_array_foreach(json_object_get(stage, "tests"), ti, t) {
            tc = ngx_palloc(pool, sizeof(Judge__TestCase));
            if (tc == NULL) {
                goto nomem;
            }

            judge__test_case__init(tc);
            run->tests[i] = tc;
            tc->index = i;

            tc->id = ngx_http_judge_json_cstr(pool,
                                              json_object_get(t, "name"));
            if (tc->id == NULL) {
                goto nomem;
            }

            ref = json_object_get(t, "input");
            tc->input_hash = ngx_http_judge_json_cstr(pool,
                                            json_object_get(ref, "sha256"));
            tc->input_size = json_integer_value(json_object_get(ref, "size"));

            ref = json_object_get(t, "expected");

            if (ref) {
                tc->expected_hash = ngx_http_judge_json_cstr(pool,
                                            json_object_get(ref, "sha256"));
                tc->expected_size = json_integer_value(
                                            json_object_get(ref, "size"));
                tc->has_expected = 1;
            }

            if (tc->input_hash == NULL || (ref && tc->expected_hash == NULL))
            {
                return ngx_http_judge_invalid(err,
                                              NGX_HTTP_JUDGE_UNPROCESSABLE,
                                              "invalid_problem",
                                              "test \"%s\" has no files",
                                              tc->id);
            }

            tc->hidden = !json_is_true(json_object_get(t, "sample"));
            hidden[i] = tc->hidden ? '1' : '0';

            v = json_object_get(t, "args");
            if (v && ngx_http_judge_submit_args(pool, v, tc, i, err)
                     != NGX_OK)
            {
                return NGX_ERROR;
            }

            v = json_object_get(t, "env");
            if (v && ngx_http_judge_submit_env(pool, v, tc, err) != NGX_OK) {
                return NGX_ERROR;
            }

            v = json_object_get(t, "limits");
            if (v) {
                if (ngx_http_judge_submit_test_limits(pool, v, jlcf, tc, err)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }

                wall = ngx_max(wall, tc->limits->wall_time_ms);
            }

            v = json_object_get(t, "assertions");
            if (v && ngx_http_judge_submit_assertions(pool, v, tc, i, err)
                     != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (!tc->has_expected && tc->n_assertions == 0
                && json_object_get(problem, "interactor") == NULL)
            {
                return ngx_http_judge_invalid(err,
                                              NGX_HTTP_JUDGE_UNPROCESSABLE,
                                              "invalid_problem",
                                              "test \"%s\" needs an expected "
                                              "output or assertions",
                                              tc->id);
            }

            i++;
        }

        v = json_object_get(stage, "name");

        if (json_is_string(v)) {
            name.data = (u_char *) json_string_value(v);
            name.len = ngx_min(json_string_length(v),
                               NGX_HTTP_JUDGE_MAX_ID_LEN);

        } else {
            name.data = buf;
            name.len = ngx_sprintf(buf, "%uz", si + 1) - buf;
        }

        score = json_number_value(json_object_get(stage, "score"));

        p = ngx_sprintf(p, "%ui %uL ", i,
                        (uint64_t) (score > 0 ? score * 1000 + 0.5 : 0));
        p = ngx_http_judge_json_str(p, &name);
        *p++ = LF;
    }

    *p++ = 'h';
    p = ngx_cpymem(p, hidden, n);

    sub->problem.len = p - sub->problem.data;
    sub->test_time = wall;

    return NGX_OK;

nomem:

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}
