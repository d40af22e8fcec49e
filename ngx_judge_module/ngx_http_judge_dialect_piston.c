
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <string.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_parse.h"
#include "ngx_http_judge_api.h"
#include "ngx_http_judge_dialect.h"


/*
 * The Piston v2 dialect: GET /runtimes and POST /execute, which waits for
 * the end of its job (one test) and answers with its compile and run
 * stages.  Languages keep Piston's names where they differ from ours,
 * and versions are made semver and chosen by semver ranges.
 * docs/DIALECTS.md says what is supported and what differs.
 */


/* a request's state from one step to the next */
typedef struct {
    json_t                      *runtime;     /* the runtime chosen */
    json_t                      *lang;        /* its language, as ours */
    ngx_str_t                    id;          /* its job, once filed */
    ngx_http_judge_zone_t       *zone;        /* where it was filed */
    unsigned                     seen:1;      /* the wait for it is over */
} ngx_http_judge_piston_req_t;


static char *ngx_http_judge_piston_conf(ngx_conf_t *cf,
    ngx_http_judge_loc_conf_t *jlcf, ngx_str_t *args, ngx_uint_t nargs);
static ngx_int_t ngx_http_judge_piston_execute(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_piston_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *message);
static ngx_http_judge_piston_req_t *ngx_http_judge_piston_req(
    ngx_http_request_t *r);
static void ngx_http_judge_piston_req_cleanup(void *data);
static json_t *ngx_http_judge_piston_runtime(json_t *lang);
static ngx_int_t ngx_http_judge_piston_list(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_piston_choose(ngx_http_request_t *r,
    ngx_http_judge_piston_req_t *rq, const char *language, const char *range);
static void ngx_http_judge_piston_body(ngx_http_request_t *r);
static json_t *ngx_http_judge_piston_native(ngx_http_request_t *r,
    json_t *req, json_t *lang, const char **error);
static ngx_int_t ngx_http_judge_piston_limits(ngx_http_request_t *r,
    json_t *req, json_t *native, const char **error);
static ngx_int_t ngx_http_judge_piston_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_piston_show(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_piston_gave_up(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static json_t *ngx_http_judge_piston_compile(json_t *job);
static json_t *ngx_http_judge_piston_run(json_t *job);


static ngx_http_judge_route_t  ngx_http_judge_piston_routes[] = {

    { ngx_string("/execute"), NGX_HTTP_POST,
      ngx_http_judge_piston_execute, 1, 0 },

    { ngx_string("/runtimes"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_piston_list, 0, 0 },

    { ngx_null_string, 0, NULL, 0, 0 }
};


ngx_http_judge_dialect_t  ngx_http_judge_piston = {
    ngx_string("piston"),
    ngx_http_judge_piston_conf,
    ngx_http_judge_piston_routes,
    ngx_http_judge_piston_error
};


/* Piston's names of our languages where they differ, and its aliases */

static struct {
    const char  *ours;
    const char  *name;
    const char  *aliases[5];
} ngx_http_judge_piston_names[] = {
    { "c", "c", { "gcc", NULL } },
    { "cpp", "c++", { "cpp", "g++", NULL } },
    { "python", "python", { "py", "py3", "python3", NULL } },
    { "javascript", "javascript",
      { "node-javascript", "node-js", "js", NULL } },
    { "typescript", "typescript", { "ts", "node-ts", "tsc", NULL } },
    { "go", "go", { "golang", NULL } },
    { "rust", "rust", { "rs", NULL } },
    { "ruby", "ruby", { "ruby3", "rb", NULL } },
    { "bash", "bash", { "sh", NULL } },
    { "csharp", "csharp", { "mono", "mono-csharp", "c#", "cs", NULL } },
    { "kotlin", "kotlin", { "kt", NULL } },
    { NULL, NULL, { NULL } }
};


static char *
ngx_http_judge_piston_conf(ngx_conf_t *cf, ngx_http_judge_loc_conf_t *jlcf,
    ngx_str_t *args, ngx_uint_t nargs)
{
    if (nargs) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid piston parameter \"%V\"", &args[0]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* POST /execute: its body read */

static ngx_int_t
ngx_http_judge_piston_execute(ngx_http_request_t *r)
{
    if (ngx_http_judge_piston_req(r) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_body_start(r, ngx_http_judge_piston_body);
}


/* Piston's error: {"message": "..."} */

static ngx_int_t
ngx_http_judge_piston_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *message)
{
    return ngx_http_judge_dialect_send(r, status,
                                       json_pack("{s:s}", "message",
                                                 message));
}


static ngx_http_judge_piston_req_t *
ngx_http_judge_piston_req(ngx_http_request_t *r)
{
    return ngx_http_judge_dialect_req(r, sizeof(ngx_http_judge_piston_req_t),
                                      ngx_http_judge_piston_req_cleanup);
}


/*
 * The request is freed.  A run whose client went before its end is
 * cancelled: nobody could ask for it after, and it would hold a slot
 * until its limits.
 */

static void
ngx_http_judge_piston_req_cleanup(void *data)
{
    ngx_http_judge_piston_req_t  *rq = data;

    ngx_http_judge_store_op_t  op;

    json_decref(rq->runtime);
    json_decref(rq->lang);

    if (rq->zone == NULL || rq->seen) {
        return;
    }

    ngx_memzero(&op, sizeof(ngx_http_judge_store_op_t));
    op.zone = rq->zone;
    op.log = ngx_cycle->log;
    op.id = rq->id;

    if (ngx_http_judge_store_cancel_here(&op) == NGX_OK) {
        ngx_log_error(NGX_LOG_INFO, ngx_cycle->log, 0,
                      "judge: piston run %V cancelled: its client went",
                      &rq->id);
    }
}


/*
 * One of our languages as a runtime: language, version (semver), aliases,
 * runtime; NULL: no memory
 */

static json_t *
ngx_http_judge_piston_runtime(json_t *lang)
{
    int          v[3];
    char         version[3 * NGX_INT_T_LEN + 3];
    json_t      *rt, *aliases;
    ngx_uint_t   i, k;
    const char  *id, *name;

    id = json_string_value(json_object_get(lang, "id"));
    if (id == NULL) {
        return NULL;
    }

    name = id;
    aliases = json_array();
    if (aliases == NULL) {
        return NULL;
    }

    for (i = 0; ngx_http_judge_piston_names[i].ours; i++) {
        if (ngx_strcmp(ngx_http_judge_piston_names[i].ours, id) == 0) {
            name = ngx_http_judge_piston_names[i].name;

            for (k = 0; ngx_http_judge_piston_names[i].aliases[k]; k++) {
                json_array_append_new(aliases,
                    json_string(ngx_http_judge_piston_names[i].aliases[k]));
            }

            break;
        }
    }

    if (ngx_strcmp(name, id) != 0) {
        for (k = 0; k < json_array_size(aliases); k++) {
            if (ngx_strcmp(json_string_value(json_array_get(aliases, k)), id)
                == 0)
            {
                break;
            }
        }

        if (k == json_array_size(aliases)) {
            json_array_append_new(aliases, json_string(id));
        }
    }

    ngx_http_judge_dialect_semver(
        json_string_value(json_object_get(lang, "version")), v);

    ngx_sprintf((u_char *) version, "%d.%d.%d%Z", v[0], v[1], v[2]);

    rt = json_pack("{s:s,s:s,s:o,s:O}",
                   "language", name, "version", version, "aliases", aliases,
                   "runtime", json_object_get(lang, "runtime")
                              ? json_object_get(lang, "runtime")
                              : json_null());

    return rt;
}


/* GET /runtimes */

static ngx_int_t
ngx_http_judge_piston_list(ngx_http_request_t *r)
{
    json_t      *ours, *list, *lang, *rt;
    ngx_uint_t   i;

    ours = ngx_http_judge_dialect_languages(r);
    list = json_array();

    if (ours == NULL || list == NULL) {
        json_decref(ours);
        json_decref(list);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    json_array_foreach(ours, i, lang) {
        rt = ngx_http_judge_piston_runtime(lang);

        if (rt == NULL || json_array_append_new(list, rt) != 0) {
            json_decref(ours);
            json_decref(list);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    json_decref(ours);

    return ngx_http_judge_dialect_send(r, NGX_HTTP_OK, list);
}


/*
 * The runtime "language" names (or an alias of it) whose version is in
 * "range", into rq->runtime and rq->lang; NGX_DECLINED: none is
 */

static ngx_int_t
ngx_http_judge_piston_choose(ngx_http_request_t *r,
    ngx_http_judge_piston_req_t *rq, const char *language, const char *range)
{
    int          v[3];
    json_t      *ours, *lang, *rt, *a;
    ngx_int_t    rc;
    ngx_uint_t   i, k, named;

    ours = ngx_http_judge_dialect_languages(r);
    if (ours == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_DECLINED;

    json_array_foreach(ours, i, lang) {
        rt = ngx_http_judge_piston_runtime(lang);
        if (rt == NULL) {
            rc = NGX_ERROR;
            break;
        }

        named = ngx_strcmp(json_string_value(json_object_get(rt, "language")),
                           language) == 0;

        json_array_foreach(json_object_get(rt, "aliases"), k, a) {
            named |= ngx_strcmp(json_string_value(a), language) == 0;
        }

        ngx_http_judge_dialect_semver(
            json_string_value(json_object_get(rt, "version")), v);

        if (named && ngx_http_judge_dialect_satisfies(v, range)) {
            rq->runtime = rt;
            rq->lang = json_incref(lang);
            rc = NGX_OK;
            break;
        }

        json_decref(rt);
    }

    json_decref(ours);

    return rc;
}


/* POST /execute, its body read: checked, made ours, filed */

static void
ngx_http_judge_piston_body(ngx_http_request_t *r)
{
    json_t                       *req, *native, *a;
    ngx_int_t                     rc;
    ngx_str_t                     body;
    const char                   *language, *range, *error;
    ngx_http_judge_langs_t        langs;
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_loc_conf_t    *jlcf;
    ngx_http_judge_piston_req_t  *rq;
    ngx_http_judge_submission_t  *sub;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    rq = ngx_http_judge_piston_req(r);

    rc = ngx_http_judge_body_read(r, jlcf->max_body_size, &body);

    if (rc == NGX_DECLINED) {
        ngx_http_finalize_request(r,
            ngx_http_judge_piston_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                        "the body is larger than the judge "
                                        "takes (judge_max_body_size)"));
        return;
    }

    if (rc != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    req = json_loadb((char *) body.data, body.len, 0, NULL);

    if (!json_is_object(req)) {
        json_decref(req);
        ngx_http_finalize_request(r,
            ngx_http_judge_piston_error(r, NGX_HTTP_BAD_REQUEST,
                                        req ? "the body must be a JSON "
                                              "object"
                                            : "the body is not valid JSON"));
        return;
    }

    language = json_string_value(json_object_get(req, "language"));
    a = json_object_get(req, "version");
    range = json_string_value(a);

    if (language == NULL || (a && !json_is_null(a) && range == NULL)) {
        json_decref(req);
        ngx_http_finalize_request(r,
            ngx_http_judge_piston_error(r, NGX_HTTP_BAD_REQUEST,
                                        "language is required as a "
                                        "string, and version is a "
                                        "string"));
        return;
    }

    if (range == NULL) {
        range = "*";
    }

    /* the runtime of that name or alias whose version the range allows */

    rc = ngx_http_judge_piston_choose(r, rq, language, range);

    if (rc != NGX_OK) {
        json_decref(req);
        ngx_http_finalize_request(r, rc == NGX_ERROR
            ? NGX_HTTP_INTERNAL_SERVER_ERROR
            : ngx_http_judge_piston_error(r, NGX_HTTP_BAD_REQUEST,
                                          "runtime is unknown: no live "
                                          "worker offers that language "
                                          "and version"));
        return;
    }

    error = NULL;
    native = ngx_http_judge_piston_native(r, req, rq->lang, &error);

    json_decref(req);

    if (native == NULL) {
        ngx_http_finalize_request(r, error
            ? ngx_http_judge_piston_error(r, NGX_HTTP_BAD_REQUEST, error)
            : NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    sub = ngx_palloc(r->pool, sizeof(ngx_http_judge_submission_t));
    if (sub == NULL) {
        json_decref(native);
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_http_judge_api_langs(r, &langs);

    rc = ngx_http_judge_submit_json(r->pool, jlcf, &langs, native, 1, sub,
                                    &err);

    json_decref(native);

    if (rc != NGX_OK) {
        ngx_http_finalize_request(r,
            ngx_http_judge_piston_error(r,
                err.status == NGX_HTTP_JUDGE_UNPROCESSABLE
                ? NGX_HTTP_BAD_REQUEST : err.status,
                (char *) err.message));
        return;
    }

    ngx_http_finalize_request(r,
        ngx_http_judge_api_file(r, sub, ngx_http_judge_piston_filed));
}


/*
 * A Piston request as POST /submissions's JSON for our language "lang";
 * NULL with "error" set: what is wrong with it; without: no memory.
 */

static json_t *
ngx_http_judge_piston_native(ngx_http_request_t *r, json_t *req,
    json_t *lang, const char **error)
{
    u_char       name[NGX_INT_T_LEN + sizeof("file")];
    json_t      *native, *files, *f, *v, *content, *test, *args, *a, *out,
                *main;
    ngx_uint_t   i, base64, hex;
    const char  *encoding;

    native = json_pack("{s:O}", "language", json_object_get(lang, "id"));
    test = json_object();
    out = json_array();

    if (native == NULL || test == NULL || out == NULL) {
        goto failed;
    }

    /* the files, the first the main one */

    files = json_object_get(req, "files");

    if (!json_is_array(files) || json_array_size(files) == 0) {
        *error = "files must be an array of at least one file";
        goto failed;
    }

    json_array_foreach(files, i, f) {
        content = json_object_get(f, "content");

        if (!json_is_object(f) || !json_is_string(content)) {
            *error = "each file must be an object with content as a string";
            goto failed;
        }

        v = json_object_get(f, "encoding");
        encoding = json_string_value(v);
        base64 = encoding && ngx_strcmp(encoding, "base64") == 0;
        hex = encoding && ngx_strcmp(encoding, "hex") == 0;

        if ((v && !json_is_null(v) && encoding == NULL)
            || (encoding && !base64 && !hex
                && ngx_strcmp(encoding, "utf8") != 0))
        {
            *error = "a file's encoding must be utf8, base64 or hex";
            goto failed;
        }

        v = ngx_http_judge_dialect_decode(json_string_value(content),
                                          json_string_length(content),
                                          base64, hex);
        if (v == NULL) {
            *error = "a file's content is not valid in its encoding";
            goto failed;
        }

        if (json_array_size(files) == 1) {
            json_object_set_new(native, "source", v);
            break;
        }

        a = json_object_get(f, "name");

        if (a && !json_is_string(a)) {
            json_decref(v);
            *error = "a file's name must be a string";
            goto failed;
        }

        if (a == NULL) {
            ngx_sprintf(name, "file%ui%Z", i);
        }

        /* the first is the one run, whatever its name: the language's */

        main = json_object_get(lang, "file_name");

        if (json_array_append_new(out,
                json_pack("{s:s,s:o}", "name",
                          i == 0 && json_is_string(main)
                          ? json_string_value(main)
                          : a ? json_string_value(a) : (char *) name,
                          "content", v))
            != 0)
        {
            goto failed;
        }
    }

    if (json_array_size(out)) {
        json_object_set(native, "files", out);
    }

    /* stdin and args */

    v = json_object_get(req, "stdin");

    if (v && !json_is_null(v) && !json_is_string(v)) {
        *error = "stdin must be a string";
        goto failed;
    }

    json_object_set_new(test, "input",
                        json_is_string(v) ? json_incref(v) : json_string(""));

    v = json_object_get(req, "args");

    if (v && !json_is_null(v)) {
        if (!json_is_array(v)) {
            *error = "args must be an array of strings";
            goto failed;
        }

        args = json_array();
        if (args == NULL) {
            goto failed;
        }

        json_object_set_new(test, "args", args);

        json_array_foreach(v, i, a) {
            if (json_is_string(a)) {
                json_array_append(args, a);

            } else if (json_is_number(a)) {
                json_array_append_new(args,
                    json_integer_value(a) == json_number_value(a)
                    ? json_sprintf("%" JSON_INTEGER_FORMAT,
                                   json_integer_value(a))
                    : json_sprintf("%.15g", json_number_value(a)));

            } else {
                *error = "args must be an array of strings";
                goto failed;
            }
        }
    }

    if (json_object_set_new(native, "tests", json_pack("[O]", test)) != 0) {
        goto failed;
    }

    if (ngx_http_judge_piston_limits(r, req, native, error) != NGX_OK) {
        goto failed;
    }

    json_decref(test);
    json_decref(out);

    return native;

failed:

    json_decref(native);
    json_decref(test);
    json_decref(out);

    return NULL;
}


/*
 * run_timeout (wall ms), run_cpu_time (CPU ms), run_memory_limit (bytes,
 * -1: none asked) as our limits; the compile's are the language's own, under
 * the operator's judge_compile_*_limit caps.
 */

static ngx_int_t
ngx_http_judge_piston_limits(ngx_http_request_t *r, json_t *req,
    json_t *native, const char **error)
{
    json_t                     *limits, *v;
    int64_t                     wall, cpu, memory;
    ngx_int_t                   rc_wall, rc_cpu, rc_memory;
    ngx_http_judge_loc_conf_t  *jlcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    rc_wall = ngx_http_judge_dialect_limit(json_object_get(req,
                                                           "run_timeout"),
                                           1, &wall);
    rc_cpu = ngx_http_judge_dialect_limit(json_object_get(req,
                                                          "run_cpu_time"),
                                          1, &cpu);

    v = json_object_get(req, "run_memory_limit");

    if (json_is_number(v) && json_number_value(v) == -1) {
        rc_memory = NGX_DONE;

    } else {
        rc_memory = ngx_http_judge_dialect_limit(v, 1.0 / 1024, &memory);
    }

    if (rc_wall == NGX_DECLINED || rc_cpu == NGX_DECLINED
        || rc_memory == NGX_DECLINED
        || (rc_wall == NGX_OK && wall == 0) || (rc_cpu == NGX_OK && cpu == 0)
        || (rc_memory == NGX_OK && memory == 0))
    {
        *error = "run_timeout, run_cpu_time and run_memory_limit must be "
                 "positive numbers (run_memory_limit may be -1)";
        return NGX_ERROR;
    }

    limits = json_object();
    if (limits == NULL) {
        return NGX_ERROR;
    }

    if (rc_wall == NGX_OK) {
        json_object_set_new(limits, "wall_time_ms", json_integer(wall));

        if (rc_cpu != NGX_OK) {
            cpu = ngx_min((uint64_t) wall, jlcf->cpu_time.max);
            rc_cpu = NGX_OK;
        }
    }

    if (rc_cpu == NGX_OK) {
        json_object_set_new(limits, "cpu_time_ms", json_integer(cpu));
    }

    if (rc_memory == NGX_OK) {
        json_object_set_new(limits, "memory_kb", json_integer(memory));
    }

    if (json_object_set_new(native, "limits", limits) != 0) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* the store's word on the job: it is waited for */

static ngx_int_t
ngx_http_judge_piston_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_main_conf_t   *jmcf;
    ngx_http_judge_piston_req_t  *rq;

    if (rc != NGX_OK) {
        if (ngx_http_judge_api_refused(rc, &err) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_judge_piston_error(r, err.status,
                                           (char *) err.message);
    }

    rq = ngx_http_judge_piston_req(r);

    rq->id.data = ngx_pstrdup(r->pool, &op->id);
    if (rq->id.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rq->id.len = op->id.len;

    jmcf = ngx_http_get_module_main_conf(r, ngx_http_judge_module);
    rq->zone = jmcf->zone;

    return ngx_http_judge_api_job(r, &rq->id, 1, ngx_http_judge_piston_show);
}


/* the ended job as Piston's answer */

static ngx_int_t
ngx_http_judge_piston_show(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    json_t                       *job, *answer, *run;
    const char                   *verdict;
    ngx_http_judge_piston_req_t  *rq;

    rq = ngx_http_judge_piston_req(r);
    rq->seen = 1;

    if (rc != NGX_OK) {
        return ngx_http_judge_piston_error(r,
                                           rc == NGX_DECLINED
                                           ? NGX_HTTP_INTERNAL_SERVER_ERROR
                                           : NGX_HTTP_SERVICE_UNAVAILABLE,
                                           "the run was lost: the judge's "
                                           "store no longer has it");
    }

    job = ngx_http_judge_dialect_job(r, op);
    if (job == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    verdict = json_string_value(json_object_get(job, "verdict"));

    /* not ended by judge_wait_timeout: nobody will see its end */

    if (verdict == NULL) {
        json_decref(job);
        return ngx_http_judge_api_cancel(r, &rq->id,
                                         ngx_http_judge_piston_gave_up);
    }

    answer = json_pack("{s:O,s:O}",
                       "language", json_object_get(rq->runtime, "language"),
                       "version", json_object_get(rq->runtime, "version"));
    if (answer == NULL) {
        json_decref(job);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (json_is_true(json_object_get(rq->lang, "compiled"))) {
        json_object_set_new(answer, "compile",
                            ngx_http_judge_piston_compile(job));
    }

    if (ngx_strcmp(verdict, "CE") != 0) {
        run = ngx_http_judge_piston_run(job);

        if (run == NULL) {
            json_decref(job);
            json_decref(answer);
            return ngx_http_judge_piston_error(r,
                                               NGX_HTTP_INTERNAL_SERVER_ERROR,
                                               "the judge could not run the "
                                               "program");
        }

        json_object_set_new(answer, "run", run);
    }

    json_decref(job);

    return ngx_http_judge_dialect_send(r, NGX_HTTP_OK, answer);
}


static ngx_int_t
ngx_http_judge_piston_gave_up(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    return ngx_http_judge_piston_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                       "the run did not end within "
                                       "judge_wait_timeout and was "
                                       "cancelled");
}


/* the compile stage: the compiler's output, code 0 unless it failed */

static json_t *
ngx_http_judge_piston_compile(json_t *job)
{
    json_t      *compile, *out, *v;
    ngx_uint_t   failed;

    compile = json_object_get(job, "compile");
    failed = ngx_strcmp(json_string_value(json_object_get(job, "verdict")),
                        "CE") == 0;

    out = json_object_get(compile, "output");
    if (!json_is_string(out)) {
        out = json_string("");

    } else {
        json_incref(out);
    }

    v = json_object_get(compile, "message");

    return json_pack("{s:s,s:O,s:o,s:i,s:n,s:O,s:o,s:O,s:O,s:I}",
                     "stdout", "",
                     "stderr", out,
                     "output", out,
                     "code", failed ? 1 : 0,
                     "signal",
                     "message", json_is_string(v) && json_string_length(v)
                                ? v : json_null(),
                     "status", failed ? json_string("RE") : json_null(),
                     "cpu_time", json_object_get(compile, "time_ms")
                                 ? json_object_get(compile, "time_ms")
                                 : json_null(),
                     "wall_time", json_object_get(compile, "time_ms")
                                  ? json_object_get(compile, "time_ms")
                                  : json_null(),
                     "memory",
                     (json_int_t) json_integer_value(
                         json_object_get(compile, "memory_kb")) * 1024);
}


/* the run stage from the job's one test; NULL: none ran (IE) */

static json_t *
ngx_http_judge_piston_run(json_t *job)
{
    char         signame[32];
    json_t      *test, *out, *err, *v;
    ngx_int_t    signal;
    const char  *verdict, *status, *abbrev;

    test = ngx_http_judge_dialect_result(job);
    if (test == NULL) {
        return NULL;
    }

    verdict = json_string_value(json_object_get(test, "verdict"));
    signal = (ngx_int_t) json_integer_value(json_object_get(test, "signal"));

    if (verdict == NULL) {
        return NULL;
    }

    status = NULL;

    if (ngx_strcmp(verdict, "TLE") == 0 || ngx_strcmp(verdict, "WLE") == 0) {
        status = "TO";
        signal = signal ? signal : SIGKILL;

    } else if (ngx_strcmp(verdict, "OLE") == 0) {
        status = "OL";

    } else if (ngx_strcmp(verdict, "MLE") == 0) {
        status = "SG";
        signal = signal ? signal : SIGKILL;

    } else if (ngx_strcmp(verdict, "IE") == 0) {
        status = "XX";

    } else if (signal) {
        status = "SG";

    } else if (ngx_strcmp(verdict, "RE") == 0
               || ngx_strcmp(verdict, "SV") == 0)
    {
        status = "RE";
    }

    signame[0] = '\0';

    if (signal) {
        abbrev = sigabbrev_np((int) signal);
        ngx_sprintf((u_char *) signame, "SIG%s%Z", abbrev ? abbrev : "KILL");
    }

    out = json_object_get(test, "stdout");
    err = json_object_get(test, "stderr");

    v = ngx_http_judge_dialect_concat(out, err);

    return json_pack("{s:O,s:O,s:o,s:o,s:o,s:o,s:o,s:O,s:O,s:I}",
                     "stdout", json_is_string(out) ? out : json_null(),
                     "stderr", json_is_string(err) ? err : json_null(),
                     "output", v ? v : json_string(""),
                     "code", signal ? json_null()
                                    : json_integer(json_integer_value(
                                          json_object_get(test,
                                                          "exit_code"))),
                     "signal", signal ? json_string(signame) : json_null(),
                     "message",
                     json_string_length(json_object_get(test, "message"))
                     ? json_incref(json_object_get(test, "message"))
                     : json_null(),
                     "status", status ? json_string(status) : json_null(),
                     "cpu_time", json_object_get(test, "cpu_time_ms"),
                     "wall_time", json_object_get(test, "wall_time_ms"),
                     "memory",
                     (json_int_t) json_integer_value(
                         json_object_get(test, "memory_kb")) * 1024);
}
