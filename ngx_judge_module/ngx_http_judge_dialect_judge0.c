
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_parse.h"
#include "ngx_http_judge_api.h"
#include "ngx_http_judge_dialect.h"


/*
 * The Judge0 CE dialect (API 1.13): its submissions, batches, languages
 * by numeric id, statuses and settings, in its shapes and statuses.  A
 * Judge0 submission is a job with one test; its token is the job's id,
 * the Judge0 language id and whether stderr goes after stdout
 * ("<id>-<language id>[m]"), so that a later GET answers as the POST
 * did without the judge keeping the request.  docs/DIALECTS.md says what
 * is supported and what differs.
 */


#define NGX_HTTP_JUDGE_JUDGE0_BATCH    20
#define NGX_HTTP_JUDGE_JUDGE0_MAX_ID   999999
#define NGX_HTTP_JUDGE_JUDGE0_VERSION  "1.13.1"


typedef struct {
    ngx_uint_t                   id;
    ngx_str_t                    language;
    ngx_uint_t                   archived;
} ngx_http_judge_judge0_lang_t;


typedef struct {
    ngx_array_t                 *langs;       /* ngx_http_judge_judge0_lang_t */
} ngx_http_judge_judge0_conf_t;


/* a request's state from one step to the next */
typedef struct {
    ngx_uint_t                   base64;
    ngx_uint_t                   wait;
    ngx_uint_t                   status;      /* of a submission's answer */
    ngx_uint_t                   language_id; /* the one being filed */
    ngx_uint_t                   merge;
    ngx_uint_t                   batch;       /* POST /submissions/batch */
    json_t                      *fields;      /* names to show, or NULL */
    json_t                      *request;     /* a single POST's body */
    json_t                      *items;       /* a batch's */
    json_t                      *answer;      /* a batch's, so far */
    ngx_array_t                 *tokens;      /* GET batch: ngx_str_t */
    ngx_uint_t                   next;
} ngx_http_judge_judge0_req_t;


static ngx_http_judge_judge0_req_t *ngx_http_judge_judge0_start(
    ngx_http_request_t *r, ngx_int_t *rc);
static ngx_int_t ngx_http_judge_judge0_submissions(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_batch(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_submission_handler(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_languages_listed(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_languages_all(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_language(ngx_http_request_t *r);
static char *ngx_http_judge_judge0_conf(ngx_conf_t *cf,
    ngx_http_judge_loc_conf_t *jlcf, ngx_str_t *args, ngx_uint_t nargs);
static ngx_http_judge_judge0_req_t *ngx_http_judge_judge0_req(
    ngx_http_request_t *r);
static void ngx_http_judge_judge0_req_cleanup(void *data);
static ngx_int_t ngx_http_judge_judge0_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *message);
static void ngx_http_judge_judge0_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_batch_get(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_fields(ngx_http_request_t *r,
    ngx_http_judge_judge0_req_t *rq);
static ngx_http_judge_judge0_lang_t *ngx_http_judge_judge0_lang(
    ngx_http_request_t *r, ngx_uint_t id);
static void ngx_http_judge_judge0_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_check(ngx_http_request_t *r,
    json_t *item, ngx_http_judge_judge0_req_t *rq,
    ngx_http_judge_submission_t *sub, json_t **errors);
static json_t *ngx_http_judge_judge0_native(ngx_http_request_t *r,
    json_t *item, ngx_http_judge_judge0_req_t *rq, json_t *errors);
static void ngx_http_judge_judge0_invalid(json_t *errors,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_judge0_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_judge0_batch_next(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_batch_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_judge0_show(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_judge0_deleted(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_judge0_batch_get(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_batch_read(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc);
static ngx_int_t ngx_http_judge_judge0_token(ngx_str_t *token,
    ngx_str_t *id, ngx_uint_t *language_id, ngx_uint_t *merge);
static json_t *ngx_http_judge_judge0_token_of(
    ngx_http_judge_judge0_req_t *rq, ngx_str_t *id);
static json_t *ngx_http_judge_judge0_submission(ngx_http_request_t *r,
    ngx_http_judge_judge0_req_t *rq, json_t *job, ngx_str_t *id);
static json_t *ngx_http_judge_judge0_text(json_t *v, ngx_uint_t base64);
static ngx_uint_t ngx_http_judge_judge0_status(json_t *job, json_t *test,
    const char **message);
static ngx_int_t ngx_http_judge_judge0_languages(ngx_http_request_t *r,
    ngx_uint_t all, ngx_str_t *one);
static ngx_int_t ngx_http_judge_judge0_statuses(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_about(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_version(ngx_http_request_t *r);
static ngx_int_t ngx_http_judge_judge0_config(ngx_http_request_t *r);


/*
 * The first route a path matches is its route: "batch" and "all" come
 * before the routes whose id they would be taken for.
 */

static ngx_http_judge_route_t  ngx_http_judge_judge0_routes[] = {

    { ngx_string("/submissions"), NGX_HTTP_POST|NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_submissions, 1, 0 },

    { ngx_string("/submissions/"), NGX_HTTP_POST|NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_submissions, 1, 0 },

    { ngx_string("/submissions/batch"),
      NGX_HTTP_POST|NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_batch, 1, 0 },

    { ngx_string("/submissions/*"),
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_DELETE,
      ngx_http_judge_judge0_submission_handler, 0, 0 },

    { ngx_string("/languages"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_languages_listed, 0, 0 },

    { ngx_string("/languages/all"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_languages_all, 0, 0 },

    { ngx_string("/languages/*"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_language, 0, 0 },

    { ngx_string("/statuses"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_statuses, 0, 0 },

    { ngx_string("/about"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_about, 0, 0 },

    { ngx_string("/version"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_version, 0, 0 },

    { ngx_string("/config_info"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_http_judge_judge0_config, 0, 0 },

    { ngx_null_string, 0, NULL, 0, 0 }
};


ngx_http_judge_dialect_t  ngx_http_judge_judge0 = {
    ngx_string("judge0"),
    ngx_http_judge_judge0_conf,
    ngx_http_judge_judge0_routes,
    ngx_http_judge_judge0_error
};


static const char  *ngx_http_judge_judge0_statuses_text[] = {
    NULL,
    "In Queue",
    "Processing",
    "Accepted",
    "Wrong Answer",
    "Time Limit Exceeded",
    "Compilation Error",
    "Runtime Error (SIGSEGV)",
    "Runtime Error (SIGXFSZ)",
    "Runtime Error (SIGFPE)",
    "Runtime Error (SIGABRT)",
    "Runtime Error (NZEC)",
    "Runtime Error (Other)",
    "Internal Error",
    "Exec Format Error"
};


/*
 * Judge0's status of each of our verdicts but RE (told by its signal),
 * with the message Judge0 gives it, or the test's own words
 */

static const char  ngx_http_judge_judge0_own[] = "";

static struct {
    const char  *verdict;
    ngx_uint_t   status;
    const char  *message;
} ngx_http_judge_judge0_verdicts[] = {
    { "AC", 3, NULL },
    { "WA", 4, ngx_http_judge_judge0_own },
    { "TLE", 5, "Time limit exceeded" },
    { "WLE", 5, "Time limit exceeded" },
    { "CE", 6, NULL },
    { "MLE", 12, "Memory limit exceeded" },
    { "OLE", 8, "Output limit exceeded" },
    { "SV", 12, ngx_http_judge_judge0_own },
    { "CANCELLED", 13, "Cancelled" },
    { NULL, 0, NULL }
};


/* every field a submission has; the default ones are Judge0's */

static const char  *ngx_http_judge_judge0_all_fields[] = {
    "source_code", "language_id", "compiler_options",
    "command_line_arguments", "stdin", "expected_output", "cpu_time_limit",
    "cpu_extra_time", "wall_time_limit", "memory_limit", "stack_limit",
    "max_processes_and_or_threads",
    "enable_per_process_and_thread_time_limit",
    "enable_per_process_and_thread_memory_limit", "max_file_size",
    "redirect_stderr_to_stdout", "enable_network", "number_of_runs",
    "additional_files", "callback_url", "stdout", "stderr",
    "compile_output", "message", "exit_code", "exit_signal", "status",
    "created_at", "finished_at", "token", "time", "wall_time", "memory",
    NULL
};

static const char  *ngx_http_judge_judge0_default_fields[] = {
    "token", "stdout", "stderr", "compile_output", "message", "status",
    "time", "memory", NULL
};


/*
 * The limits a request may set: Judge0's name, its unit in ours (seconds
 * to ms, KB to KiB), and ours.
 */

static struct {
    const char  *name;
    double       scale;
    const char  *ours;
} ngx_http_judge_judge0_limits[] = {
    { "cpu_time_limit", 1000, "cpu_time_ms" },
    { "wall_time_limit", 1000, "wall_time_ms" },
    { "memory_limit", 1, "memory_kb" },
    { "stack_limit", 1, "stack_kb" },
    { "max_file_size", 1, "output_kb" },
    { "max_processes_and_or_threads", 1, "processes" },
    { NULL, 0, NULL }
};


/* "languages=FILE": the table of Judge0's language ids */

static char *
ngx_http_judge_judge0_conf(ngx_conf_t *cf, ngx_http_judge_loc_conf_t *jlcf,
    ngx_str_t *args, ngx_uint_t nargs)
{
    u_char                        *p, *last, *eol, *word[3];
    size_t                         wlen[3];
    ssize_t                        n;
    ngx_int_t                      id;
    ngx_str_t                      path;
    ngx_uint_t                     i, nwords, line;
    ngx_file_t                     file;
    ngx_file_info_t                fi;
    ngx_http_judge_judge0_conf_t  *conf;
    ngx_http_judge_judge0_lang_t  *l;

    ngx_str_set(&path, "judge0_languages.conf");

    for (i = 0; i < nargs; i++) {
        if (args[i].len > 10
            && ngx_strncmp(args[i].data, "languages=", 10) == 0)
        {
            path.data = args[i].data + 10;
            path.len = args[i].len - 10;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid judge0 parameter \"%V\"", &args[i]);
        return NGX_CONF_ERROR;
    }

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_judge_judge0_conf_t));
    if (conf == NULL) {
        return NGX_CONF_ERROR;
    }

    conf->langs = ngx_array_create(cf->pool, 32,
                                   sizeof(ngx_http_judge_judge0_lang_t));
    if (conf->langs == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = path;
    file.log = cf->log;

    file.fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "the judge0 language table \"%V\" cannot be "
                           "opened", &path);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR
        || ngx_file_size(&fi) > 1024 * 1024)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the judge0 language table \"%V\" cannot be read "
                           "or is above 1 MiB", &path);
        ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }

    p = ngx_pnalloc(cf->pool, (size_t) ngx_file_size(&fi) + 1);
    if (p == NULL) {
        ngx_close_file(file.fd);
        return NGX_CONF_ERROR;
    }

    n = ngx_read_file(&file, p, (size_t) ngx_file_size(&fi), 0);

    ngx_close_file(file.fd);

    if (n != (ssize_t) ngx_file_size(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the judge0 language table \"%V\" cannot be read",
                           &path);
        return NGX_CONF_ERROR;
    }

    last = p + n;

    for (line = 1; p < last; p = eol + 1, line++) {
        eol = ngx_strlchr(p, last, '\n');
        if (eol == NULL) {
            eol = last;
        }

        nwords = 0;

        while (p < eol && *p != '#') {
            if (*p == ' ' || *p == '\t' || *p == '\r') {
                p++;
                continue;
            }

            if (nwords == 3) {
                goto invalid;
            }

            word[nwords] = p;

            while (p < eol && *p != ' ' && *p != '\t' && *p != '\r'
                   && *p != '#')
            {
                p++;
            }

            wlen[nwords] = p - word[nwords];
            nwords++;
        }

        if (nwords == 0) {
            continue;
        }

        if (nwords < 2) {
            goto invalid;
        }

        id = ngx_atoi(word[0], wlen[0]);

        if (id <= 0 || id > NGX_HTTP_JUDGE_JUDGE0_MAX_ID
            || !ngx_http_judge_name_ok(word[1], wlen[1])
            || (nwords == 3
                && !(wlen[2] == 8
                     && ngx_strncmp(word[2], "archived", 8) == 0)))
        {
            goto invalid;
        }

        l = conf->langs->elts;

        for (i = 0; i < conf->langs->nelts; i++) {
            if (l[i].id == (ngx_uint_t) id) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\", line %ui: id %i twice", &path,
                                   line, id);
                return NGX_CONF_ERROR;
            }
        }

        l = ngx_array_push(conf->langs);
        if (l == NULL) {
            return NGX_CONF_ERROR;
        }

        l->id = id;
        l->language.data = word[1];
        l->language.len = wlen[1];
        l->archived = (nwords == 3);
    }

    jlcf->dialect_conf = conf;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%V\", line %ui: not \"<id> <language> "
                       "[archived]\" with an id of 1 to %d", &path, line,
                       NGX_HTTP_JUDGE_JUDGE0_MAX_ID);
    return NGX_CONF_ERROR;
}


/*
 * The request's state, with what the query asks of a submission's answer
 * (?base64_encoded=, ?wait=, ?fields=); NULL: answered already (a bad
 * ?fields=, with "rc"), or no memory
 */

static ngx_http_judge_judge0_req_t *
ngx_http_judge_judge0_start(ngx_http_request_t *r, ngx_int_t *rc)
{
    ngx_str_t                     arg;
    ngx_http_judge_judge0_req_t  *rq;

    *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;

    rq = ngx_http_judge_judge0_req(r);
    if (rq == NULL) {
        return NULL;
    }

    rq->status = NGX_HTTP_OK;

    rq->base64 = ngx_http_arg(r, (u_char *) "base64_encoded", 14, &arg)
                     == NGX_OK
                 && arg.len == 4 && ngx_strncmp(arg.data, "true", 4) == 0;

    rq->wait = ngx_http_arg(r, (u_char *) "wait", 4, &arg) == NGX_OK
               && arg.len == 4 && ngx_strncmp(arg.data, "true", 4) == 0;

    switch (ngx_http_judge_judge0_fields(r, rq)) {

    case NGX_OK:
        return rq;

    case NGX_DECLINED:
        *rc = ngx_http_judge_judge0_error(r, NGX_HTTP_BAD_REQUEST,
                                          "invalid fields: each must be "
                                          "one of a submission's fields, "
                                          "or *");
    }

    return NULL;
}


/* POST /submissions; GET, the list of them all, is not offered */

static ngx_int_t
ngx_http_judge_judge0_submissions(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_judge_judge0_req_t  *rq;

    if (r->method != NGX_HTTP_POST) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_judge_judge0_error(r, NGX_HTTP_FORBIDDEN,
                                           "listing submissions is not "
                                           "offered");
    }

    rq = ngx_http_judge_judge0_start(r, &rc);
    if (rq == NULL) {
        return rc;
    }

    return ngx_http_judge_body_start(r, ngx_http_judge_judge0_body);
}


/* POST /submissions/batch, GET /submissions/batch?tokens= */

static ngx_int_t
ngx_http_judge_judge0_batch(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_judge_judge0_req_t  *rq;

    if (r->method != NGX_HTTP_POST) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    rq = ngx_http_judge_judge0_start(r, &rc);
    if (rq == NULL) {
        return rc;
    }

    if (r->method != NGX_HTTP_POST) {
        return ngx_http_judge_judge0_batch_get(r);
    }

    rq->batch = 1;

    return ngx_http_judge_body_start(r, ngx_http_judge_judge0_body);
}


/* GET or DELETE /submissions/{token} */

static ngx_int_t
ngx_http_judge_judge0_submission_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_str_t                     id;
    ngx_http_judge_judge0_req_t  *rq;

    rq = ngx_http_judge_judge0_start(r, &rc);
    if (rq == NULL) {
        return rc;
    }

    if (ngx_http_judge_judge0_token(ngx_http_judge_api_arg(r), &id,
                                    &rq->language_id, &rq->merge)
        != NGX_OK)
    {
        return ngx_http_judge_judge0_error(r, NGX_HTTP_NOT_FOUND,
                                           "submission not found");
    }

    if (r->method == NGX_HTTP_DELETE) {
        return ngx_http_judge_api_cancel(r, &id,
                                         ngx_http_judge_judge0_deleted);
    }

    return ngx_http_judge_api_job(r, &id, 0, ngx_http_judge_judge0_show);
}


static ngx_int_t
ngx_http_judge_judge0_languages_listed(ngx_http_request_t *r)
{
    return ngx_http_judge_judge0_languages(r, 0, NULL);
}


static ngx_int_t
ngx_http_judge_judge0_languages_all(ngx_http_request_t *r)
{
    return ngx_http_judge_judge0_languages(r, 1, NULL);
}


static ngx_int_t
ngx_http_judge_judge0_language(ngx_http_request_t *r)
{
    return ngx_http_judge_judge0_languages(r, 1, ngx_http_judge_api_arg(r));
}


/* the request's state, its jansson values freed with the request */

static ngx_http_judge_judge0_req_t *
ngx_http_judge_judge0_req(ngx_http_request_t *r)
{
    return ngx_http_judge_dialect_req(r, sizeof(ngx_http_judge_judge0_req_t),
                                      ngx_http_judge_judge0_req_cleanup);
}


static void
ngx_http_judge_judge0_req_cleanup(void *data)
{
    ngx_http_judge_judge0_req_t  *rq = data;

    json_decref(rq->fields);
    json_decref(rq->request);
    json_decref(rq->items);
    json_decref(rq->answer);
}


/* Judge0's error: {"error": "..."} */

static ngx_int_t
ngx_http_judge_judge0_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *message)
{
    return ngx_http_judge_dialect_send(r, status,
                                       json_pack("{s:s}", "error", message));
}


/*
 * ?fields=a,b (or *): the names of a submission's fields to show;
 * NGX_DECLINED: a name that is none
 */

static ngx_int_t
ngx_http_judge_judge0_fields(ngx_http_request_t *r,
    ngx_http_judge_judge0_req_t *rq)
{
    u_char      *s, *e, *last, *text;
    json_t      *v;
    ngx_str_t    arg;
    ngx_uint_t   i, found;

    rq->fields = json_object();
    if (rq->fields == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_arg(r, (u_char *) "fields", 6, &arg) != NGX_OK
        || arg.len == 0)
    {
        for (i = 0; ngx_http_judge_judge0_default_fields[i]; i++) {
            json_object_set_new(rq->fields,
                                ngx_http_judge_judge0_default_fields[i],
                                json_true());
        }

        return NGX_OK;
    }

    text = ngx_pnalloc(r->pool, arg.len + 1);
    if (text == NULL) {
        return NGX_ERROR;
    }

    s = text;
    ngx_unescape_uri(&s, &arg.data, arg.len, 0);
    last = s;

    for (s = text; s < last; s = e + 1) {
        e = ngx_strlchr(s, last, ',');
        if (e == NULL) {
            e = last;
        }

        if (e - s == 1 && *s == '*') {
            for (i = 0; ngx_http_judge_judge0_all_fields[i]; i++) {
                json_object_set_new(rq->fields,
                                    ngx_http_judge_judge0_all_fields[i],
                                    json_true());
            }

            continue;
        }

        found = 0;

        for (i = 0; ngx_http_judge_judge0_all_fields[i]; i++) {
            if ((size_t) (e - s)
                    == ngx_strlen(ngx_http_judge_judge0_all_fields[i])
                && ngx_strncmp(s, ngx_http_judge_judge0_all_fields[i], e - s)
                   == 0)
            {
                v = json_true();
                json_object_set_new(rq->fields,
                                    ngx_http_judge_judge0_all_fields[i], v);
                found = 1;
                break;
            }
        }

        if (!found) {
            return NGX_DECLINED;
        }
    }

    return NGX_OK;
}


static ngx_http_judge_judge0_lang_t *
ngx_http_judge_judge0_lang(ngx_http_request_t *r, ngx_uint_t id)
{
    ngx_uint_t                     i;
    ngx_http_judge_loc_conf_t     *jlcf;
    ngx_http_judge_judge0_conf_t  *conf;
    ngx_http_judge_judge0_lang_t  *l;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    conf = jlcf->dialect_conf;

    l = conf->langs->elts;

    for (i = 0; i < conf->langs->nelts; i++) {
        if (l[i].id == id) {
            return &l[i];
        }
    }

    return NULL;
}


/* POST /submissions and /submissions/batch, their body read */

static void
ngx_http_judge_judge0_body(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_str_t                     body;
    json_t                       *root, *errors, *list;
    json_error_t                  jerr;
    ngx_http_judge_loc_conf_t    *jlcf;
    ngx_http_judge_judge0_req_t  *rq;
    ngx_http_judge_submission_t  *sub;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    rq = ngx_http_judge_judge0_req(r);

    rc = ngx_http_judge_body_read(r, jlcf->max_body_size, &body);

    if (rc == NGX_DECLINED) {
        ngx_http_finalize_request(r,
            ngx_http_judge_judge0_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                        "the body is larger than the judge "
                                        "takes (judge_max_body_size)"));
        return;
    }

    if (rc != NGX_OK || rq == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    root = json_loadb((char *) body.data, body.len, JSON_REJECT_DUPLICATES,
                      &jerr);

    if (!json_is_object(root)) {
        json_decref(root);
        ngx_http_finalize_request(r,
            ngx_http_judge_judge0_error(r, NGX_HTTP_BAD_REQUEST,
                                        root ? "the body must be a JSON "
                                               "object"
                                             : "the body is not valid JSON "
                                               "(or has a key twice)"));
        return;
    }

    /* a batch */

    if (rq->batch) {
        list = json_object_get(root, "submissions");

        if (!json_is_array(list) || json_array_size(list) == 0
            || json_array_size(list) > NGX_HTTP_JUDGE_JUDGE0_BATCH)
        {
            json_decref(root);
            ngx_http_finalize_request(r,
                ngx_http_judge_judge0_error(r,
                    NGX_HTTP_JUDGE_UNPROCESSABLE,
                    "\"submissions\" must be an array of 1 to 20 "
                    "submissions"));
            return;
        }

        rq->items = json_incref(list);
        rq->answer = json_array();
        json_decref(root);

        if (rq->answer == NULL) {
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
            return;
        }

        ngx_http_finalize_request(r, ngx_http_judge_judge0_batch_next(r));
        return;
    }

    rq->request = root;

    sub = ngx_palloc(r->pool, sizeof(ngx_http_judge_submission_t));
    if (sub == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    rc = ngx_http_judge_judge0_check(r, root, rq, sub, &errors);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (rc != NGX_OK) {
        ngx_http_finalize_request(r,
            ngx_http_judge_dialect_send(r, rc, errors));
        return;
    }

    ngx_http_finalize_request(r,
        ngx_http_judge_api_file(r, sub, ngx_http_judge_judge0_filed));
}


/*
 * One Judge0 submission made a checked one of ours: NGX_OK, or the
 * status of the answer "errors" is (Judge0's shape, the caller's to
 * free), or NGX_ERROR.
 */

static ngx_int_t
ngx_http_judge_judge0_check(ngx_http_request_t *r, json_t *item,
    ngx_http_judge_judge0_req_t *rq, ngx_http_judge_submission_t *sub,
    json_t **errors)
{
    json_t                     *native;
    ngx_int_t                   rc;
    ngx_http_judge_langs_t      langs;
    ngx_http_judge_invalid_t    err;
    ngx_http_judge_loc_conf_t  *jlcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    *errors = json_object();
    if (*errors == NULL) {
        return NGX_ERROR;
    }

    if (!json_is_object(item)) {
        json_object_set_new(*errors, "error",
                            json_string("a submission must be a JSON "
                                        "object"));
        return NGX_HTTP_JUDGE_UNPROCESSABLE;
    }

    native = ngx_http_judge_judge0_native(r, item, rq, *errors);

    if (json_object_size(*errors)) {
        json_decref(native);

        /* a field's errors are 422, bad Base64 or JSON 400 */

        return json_object_get(*errors, "error") ? NGX_HTTP_BAD_REQUEST
                                                 : NGX_HTTP_JUDGE_UNPROCESSABLE;
    }

    if (native == NULL) {
        json_decref(*errors);
        return NGX_ERROR;
    }

    ngx_http_judge_api_langs(r, &langs);

    rc = ngx_http_judge_submit_json(r->pool, jlcf, &langs, native, 1, sub,
                                    &err);

    json_decref(native);

    if (rc == NGX_OK) {
        json_decref(*errors);
        return NGX_OK;
    }

    ngx_http_judge_judge0_invalid(*errors, &err);

    return err.status == NGX_HTTP_BAD_REQUEST ? NGX_HTTP_JUDGE_UNPROCESSABLE
                                              : err.status;
}


/*
 * A Judge0 submission as POST /submissions's JSON; what is wrong with it
 * goes into "errors" (field: [messages]).  NULL: wrong, or no memory.
 */

static json_t *
ngx_http_judge_judge0_native(ngx_http_request_t *r, json_t *item,
    ngx_http_judge_judge0_req_t *rq, json_t *errors)
{
    int64_t                        value;
    json_t                        *native, *test, *limits, *v, *words;
    ngx_int_t                      id, rc;
    ngx_uint_t                     i;
    ngx_http_judge_judge0_lang_t  *l;

    static const char  *texts[] = {
        "source_code", "stdin", "expected_output", NULL
    };

#define ngx_http_judge_judge0_bad(field, text)                               \
    json_object_set_new(errors, field, json_pack("[s]", text))

    native = json_object();
    test = json_object();
    limits = json_object();

    if (native == NULL || test == NULL || limits == NULL) {
        goto failed;
    }

    /* the language */

    v = json_object_get(item, "language_id");
    id = -1;

    if (json_is_integer(v)) {
        id = json_integer_value(v) > 0
             && json_integer_value(v) <= NGX_HTTP_JUDGE_JUDGE0_MAX_ID
             ? (ngx_int_t) json_integer_value(v) : -1;

    } else if (json_is_string(v) && json_string_length(v) > 0) {
        id = ngx_atoi((u_char *) json_string_value(v), json_string_length(v));
        id = id > NGX_HTTP_JUDGE_JUDGE0_MAX_ID ? -1 : id;
    }

    if (v == NULL || json_is_null(v)) {
        ngx_http_judge_judge0_bad("language_id", "can't be blank");

    } else if (id <= 0
               || (l = ngx_http_judge_judge0_lang(r, id)) == NULL)
    {
        json_object_set_new(errors, "language_id",
                            json_pack("[o]", id > 0
                                      ? json_sprintf("language %d does not "
                                                     "exist", (int) id)
                                      : json_string("language does not "
                                                    "exist")));

    } else {
        rq->language_id = id;
        json_object_set_new(native, "language",
                            json_stringn((char *) l->language.data,
                                         l->language.len));
    }

    /* the texts, decoded from Base64 when the request says so */

    for (i = 0; texts[i]; i++) {
        v = json_object_get(item, texts[i]);

        if (v == NULL || json_is_null(v)) {
            if (i == 0) {
                ngx_http_judge_judge0_bad("source_code", "can't be blank");
            }

            continue;
        }

        if (!json_is_string(v)) {
            ngx_http_judge_judge0_bad(texts[i], "must be a string");
            continue;
        }

        v = ngx_http_judge_dialect_decode(json_string_value(v),
                                          json_string_length(v), rq->base64,
                                          0);
        if (v == NULL) {
            json_object_set_new(errors, "error",
                                json_string("some attributes of the "
                                            "submission are not valid "
                                            "Base64"));
            continue;
        }

        json_object_set_new(i == 0 ? native : test,
                            i == 0 ? "source"
                                   : (i == 1 ? "input" : "expected_output"),
                            v);
    }

    if (json_object_get(test, "input") == NULL) {
        json_object_set_new(test, "input", json_string(""));
    }

    /* the limits, each in its unit */

    for (i = 0; ngx_http_judge_judge0_limits[i].name; i++) {
        v = json_object_get(item, ngx_http_judge_judge0_limits[i].name);

        rc = ngx_http_judge_dialect_limit(v,
                                          ngx_http_judge_judge0_limits[i].scale,
                                          &value);

        if (rc == NGX_DONE) {
            continue;
        }

        if (rc != NGX_OK || value == 0) {
            ngx_http_judge_judge0_bad(ngx_http_judge_judge0_limits[i].name,
                                      "must be a number greater than 0");
            continue;
        }

        json_object_set_new(limits, ngx_http_judge_judge0_limits[i].ours,
                            json_integer(value));
    }

    if (json_object_size(limits)) {
        json_object_set(native, "limits", limits);
    }

    /* the command lines, in words */

    v = json_object_get(item, "compiler_options");

    if (json_is_string(v) && json_string_length(v)) {
        words = ngx_http_judge_dialect_words(json_string_value(v),
                                             json_string_length(v));
        json_array_foreach(words, i, v) {
            if (json_string_value(v)[0] != '-') {
                break;
            }
        }

        if (words == NULL) {
            ngx_http_judge_judge0_bad("compiler_options",
                                      "has a quote that is not closed");

        } else if (i < json_array_size(words)) {
            ngx_http_judge_judge0_bad("compiler_options",
                                      "each word must be an option, "
                                      "starting with -");
            json_decref(words);

        } else if (json_array_size(words) > NGX_HTTP_JUDGE_MAX_FLAGS) {
            json_object_set_new(errors, "compiler_options",
                                json_pack("[o]",
                                          json_sprintf("at most %d options",
                                                  NGX_HTTP_JUDGE_MAX_FLAGS)));
            json_decref(words);

        } else if (json_array_size(words)) {
            json_object_set_new(native, "compiler_flags", words);

        } else {
            json_decref(words);
        }

    } else if (v && !json_is_null(v) && !json_is_string(v)) {
        ngx_http_judge_judge0_bad("compiler_options", "must be a string");
    }

    v = json_object_get(item, "command_line_arguments");

    if (json_is_string(v) && json_string_length(v)) {
        words = ngx_http_judge_dialect_words(json_string_value(v),
                                             json_string_length(v));
        if (words == NULL) {
            ngx_http_judge_judge0_bad("command_line_arguments",
                                      "has a quote that is not closed");

        } else {
            json_object_set_new(test, "args", words);
        }

    } else if (v && !json_is_null(v) && !json_is_string(v)) {
        ngx_http_judge_judge0_bad("command_line_arguments",
                                  "must be a string");
    }

    /* what this judge does not do */

    v = json_object_get(item, "callback_url");

    if (v && !json_is_null(v)) {
        ngx_http_judge_judge0_bad("callback_url",
                                  "callbacks are not enabled: poll the "
                                  "submission, or ask with wait=true");
    }

    v = json_object_get(item, "additional_files");

    if (v && !json_is_null(v)) {
        ngx_http_judge_judge0_bad("additional_files",
                                  "additional files are not supported");
    }

    if (json_is_true(json_object_get(item, "enable_network"))) {
        ngx_http_judge_judge0_bad("enable_network",
                                  "programs never have a network here");
    }

    rq->merge = json_is_true(json_object_get(item,
                                             "redirect_stderr_to_stdout"));

#undef ngx_http_judge_judge0_bad

    if (json_object_set_new(native, "tests", json_pack("[O]", test)) != 0) {
        goto failed;
    }

    json_decref(test);
    json_decref(limits);

    return native;

failed:

    json_decref(native);
    json_decref(test);
    json_decref(limits);

    return NULL;
}


/*
 * Our parser's refusal, in Judge0's shape: the field it is about (a
 * limit's is named in the message), or {"error"} when it is about none
 * or is no client's fault
 */

static void
ngx_http_judge_judge0_invalid(json_t *errors, ngx_http_judge_invalid_t *err)
{
    const char  *field;
    ngx_uint_t   i;

    static struct {
        const char  *code;
        const char  *field;
    } fields[] = {
        { "unknown_language", "language_id" },
        { "no_worker", "language_id" },
        { "flag_not_allowed", "compiler_options" },
        { "too_many_args", "command_line_arguments" },
        { "invalid_args", "command_line_arguments" },
        { "stdin_too_large", "stdin" },
        { "source_too_large", "source_code" },
        { NULL, NULL }
    };

    field = NULL;

    for (i = 0; fields[i].code; i++) {
        if (ngx_strcmp(err->code, fields[i].code) == 0) {
            field = fields[i].field;
        }
    }

    if (ngx_strcmp(err->code, "limit_too_high") == 0) {
        for (i = 0; ngx_http_judge_judge0_limits[i].name; i++) {
            if (ngx_strstr(err->message, ngx_http_judge_judge0_limits[i].ours))
            {
                field = ngx_http_judge_judge0_limits[i].name;
            }
        }
    }

    if (field == NULL
        || (err->status != NGX_HTTP_BAD_REQUEST
            && err->status != NGX_HTTP_JUDGE_UNPROCESSABLE))
    {
        json_object_set_new(errors, "error",
                            json_string((char *) err->message));
        return;
    }

    json_object_set_new(errors, field,
                        json_pack("[s]", (char *) err->message));
}


/* the store's word on a single submission */

static ngx_int_t
ngx_http_judge_judge0_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_judge0_req_t  *rq;

    rq = ngx_http_judge_judge0_req(r);

    if (rc != NGX_OK) {
        if (ngx_http_judge_api_refused(rc, &err) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_judge_judge0_error(r, err.status,
                                           (char *) err.message);
    }

    if (rq->wait) {
        rq->status = NGX_HTTP_CREATED;
        return ngx_http_judge_api_job(r, &op->id, 1,
                                      ngx_http_judge_judge0_show);
    }

    return ngx_http_judge_dialect_send(r, NGX_HTTP_CREATED,
               json_pack("{s:o}", "token",
                         ngx_http_judge_judge0_token_of(rq, &op->id)));
}


/* a batch: its next item checked and filed, or the answer once all are */

static ngx_int_t
ngx_http_judge_judge0_batch_next(ngx_http_request_t *r)
{
    json_t                       *errors;
    ngx_int_t                     rc;
    ngx_http_judge_judge0_req_t  *rq;
    ngx_http_judge_submission_t  *sub;

    rq = ngx_http_judge_judge0_req(r);

    while (rq->next < json_array_size(rq->items)) {

        sub = ngx_palloc(r->pool, sizeof(ngx_http_judge_submission_t));
        if (sub == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        rq->language_id = 0;
        rq->merge = 0;

        rc = ngx_http_judge_judge0_check(r,
                                         json_array_get(rq->items, rq->next),
                                         rq, sub, &errors);
        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        rq->next++;

        if (rc == NGX_OK) {
            return ngx_http_judge_api_file(r, sub,
                                           ngx_http_judge_judge0_batch_filed);
        }

        if (json_array_append_new(rq->answer, errors) != 0) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    rc = ngx_http_judge_dialect_send(r, NGX_HTTP_CREATED, rq->answer);
    rq->answer = NULL;

    return rc;
}


static ngx_int_t
ngx_http_judge_judge0_batch_filed(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    json_t                       *v;
    ngx_http_judge_invalid_t      err;
    ngx_http_judge_judge0_req_t  *rq;

    rq = ngx_http_judge_judge0_req(r);

    if (rc == NGX_OK) {
        v = json_pack("{s:o}", "token",
                      ngx_http_judge_judge0_token_of(rq, &op->id));

    } else if (ngx_http_judge_api_refused(rc, &err) == NGX_OK) {
        v = json_pack("{s:s}", "error", (char *) err.message);

    } else {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (v == NULL || json_array_append_new(rq->answer, v) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_judge0_batch_next(r);
}


/* a submission read (GET, DELETE, POST ?wait=true), in Judge0's shape */

static ngx_int_t
ngx_http_judge_judge0_show(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    json_t                       *job;
    ngx_http_judge_judge0_req_t  *rq;

    rq = ngx_http_judge_judge0_req(r);

    if (rc == NGX_DECLINED) {
        return ngx_http_judge_judge0_error(r, NGX_HTTP_NOT_FOUND,
                                           "submission not found");
    }

    if (rc == NGX_HTTP_SERVICE_UNAVAILABLE) {
        return ngx_http_judge_judge0_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                           "the judge's store cannot be "
                                           "reached now");
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    job = ngx_http_judge_dialect_job(r, op);
    if (job == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_judge_dialect_send(r, rq->status,
               ngx_http_judge_judge0_submission(r, rq, job, &op->id));
}


/* DELETE: cancelled, or it had ended; then shown as it stands */

static ngx_int_t
ngx_http_judge_judge0_deleted(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    ngx_str_t  id;

    if (rc == NGX_HTTP_SERVICE_UNAVAILABLE || rc == NGX_ERROR) {
        return ngx_http_judge_judge0_show(r, op, rc);
    }

    id = op->id;

    return ngx_http_judge_api_job(r, &id, 0, ngx_http_judge_judge0_show);
}


/* GET /submissions/batch?tokens=a,b: each read in turn */

static ngx_int_t
ngx_http_judge_judge0_batch_get(ngx_http_request_t *r)
{
    u_char                       *s, *e, *last, *text;
    ngx_str_t                     arg, *token;
    ngx_http_judge_judge0_req_t  *rq;

    rq = ngx_http_judge_judge0_req(r);

    if (ngx_http_arg(r, (u_char *) "tokens", 6, &arg) != NGX_OK
        || arg.len == 0)
    {
        return ngx_http_judge_judge0_error(r, NGX_HTTP_BAD_REQUEST,
                                           "tokens are required");
    }

    text = ngx_pnalloc(r->pool, arg.len);
    if (text == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    s = text;
    ngx_unescape_uri(&s, &arg.data, arg.len, 0);
    last = s;

    rq->tokens = ngx_array_create(r->pool, 8, sizeof(ngx_str_t));
    rq->answer = json_array();

    if (rq->tokens == NULL || rq->answer == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (s = text; s < last; s = e + 1) {
        e = ngx_strlchr(s, last, ',');
        if (e == NULL) {
            e = last;
        }

        if (rq->tokens->nelts == NGX_HTTP_JUDGE_JUDGE0_BATCH) {
            return ngx_http_judge_judge0_error(r, NGX_HTTP_BAD_REQUEST,
                                               "at most 20 tokens");
        }

        token = ngx_array_push(rq->tokens);
        if (token == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        token->data = s;
        token->len = e - s;
    }

    rq->status = NGX_HTTP_OK;

    return ngx_http_judge_judge0_batch_read(r, NULL, NGX_OK);
}


/* one token of a batch read ("op", or NULL at the start); the next */

static ngx_int_t
ngx_http_judge_judge0_batch_read(ngx_http_request_t *r,
    ngx_http_judge_store_op_t *op, ngx_int_t rc)
{
    json_t                       *job, *v, *answer;
    ngx_str_t                     id, *token;
    ngx_http_judge_judge0_req_t  *rq;

    rq = ngx_http_judge_judge0_req(r);
    token = rq->tokens->elts;

    if (op) {
        v = json_null();

        if (rc == NGX_OK) {
            job = ngx_http_judge_dialect_job(r, op);
            if (job == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            v = ngx_http_judge_judge0_submission(r, rq, job, &op->id);

        } else if (rc != NGX_DECLINED) {
            return ngx_http_judge_judge0_error(r,
                                               NGX_HTTP_SERVICE_UNAVAILABLE,
                                               "the judge's store cannot be "
                                               "reached now");
        }

        if (v == NULL || json_array_append_new(rq->answer, v) != 0) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    while (rq->next < rq->tokens->nelts) {
        if (ngx_http_judge_judge0_token(&token[rq->next], &id,
                                        &rq->language_id, &rq->merge)
            == NGX_OK)
        {
            rq->next++;
            return ngx_http_judge_api_job(r, &id, 0,
                                          ngx_http_judge_judge0_batch_read);
        }

        rq->next++;

        if (json_array_append_new(rq->answer, json_null()) != 0) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    answer = json_pack("{s:O}", "submissions", rq->answer);

    return ngx_http_judge_dialect_send(r, NGX_HTTP_OK, answer);
}


/* "<job id>-<language id>[m]": its parts; NGX_DECLINED: not a token */

static ngx_int_t
ngx_http_judge_judge0_token(ngx_str_t *token, ngx_str_t *id,
    ngx_uint_t *language_id, ngx_uint_t *merge)
{
    u_char     *dash, *end;
    ngx_int_t   n;

    dash = ngx_strlchr(token->data, token->data + token->len, '-');

    if (dash == NULL || dash - token->data != NGX_HTTP_JUDGE_JOB_ID_LEN) {
        return NGX_DECLINED;
    }

    end = token->data + token->len;
    *merge = 0;

    if (end > dash + 1 && end[-1] == 'm') {
        *merge = 1;
        end--;
    }

    n = ngx_atoi(dash + 1, end - dash - 1);

    if (n <= 0 || n > NGX_HTTP_JUDGE_JUDGE0_MAX_ID) {
        return NGX_DECLINED;
    }

    id->data = token->data;
    id->len = dash - token->data;
    *language_id = n;

    return NGX_OK;
}


/* the token of job "id" as the request's language and stderr make it */

static json_t *
ngx_http_judge_judge0_token_of(ngx_http_judge_judge0_req_t *rq, ngx_str_t *id)
{
    return json_sprintf("%.*s-%u%s", (int) id->len, (char *) id->data,
                        (unsigned) rq->language_id, rq->merge ? "m" : "");
}


/* our job "id" as a Judge0 submission, of the fields asked for */

static json_t *
ngx_http_judge_judge0_submission(ngx_http_request_t *r,
    ngx_http_judge_judge0_req_t *rq, json_t *job, ngx_str_t *id)
{
    char         time[32];
    json_t      *s, *test, *compile, *v, *out, *err, *shown;
    ngx_uint_t   status, i;
    const char  *message, *key;
    void        *tmp;

    static const char  *echoed[] = {
        "source_code", "compiler_options", "command_line_arguments",
        "stdin", "expected_output", "cpu_time_limit", "cpu_extra_time",
        "wall_time_limit", "memory_limit", "stack_limit",
        "max_processes_and_or_threads",
        "enable_per_process_and_thread_time_limit",
        "enable_per_process_and_thread_memory_limit", "max_file_size",
        "redirect_stderr_to_stdout", "enable_network", "number_of_runs",
        "additional_files", "callback_url", NULL
    };

    s = json_object();
    if (s == NULL) {
        json_decref(job);
        return NULL;
    }

    test = ngx_http_judge_dialect_result(job);
    compile = json_object_get(job, "compile");

    status = ngx_http_judge_judge0_status(job, test, &message);

    /* what the request said: known to the answer of its own POST only */

    for (i = 0; echoed[i]; i++) {
        v = rq->request ? json_object_get(rq->request, echoed[i]) : NULL;
        json_object_set(s, echoed[i], v ? v : json_null());
    }

    json_object_set_new(s, "token", ngx_http_judge_judge0_token_of(rq, id));
    json_object_set_new(s, "language_id", json_integer(rq->language_id));

    out = test ? json_object_get(test, "stdout") : NULL;
    err = test ? json_object_get(test, "stderr") : NULL;

    if (rq->merge && json_is_string(out) && json_is_string(err)) {
        v = ngx_http_judge_dialect_concat(out, err);
        json_object_set_new(s, "stdout",
                            ngx_http_judge_judge0_text(v, rq->base64));
        json_decref(v);
        json_object_set_new(s, "stderr", json_null());

    } else {
        json_object_set_new(s, "stdout",
                            ngx_http_judge_judge0_text(out, rq->base64));
        json_object_set_new(s, "stderr",
                            ngx_http_judge_judge0_text(err, rq->base64));
    }

    v = compile ? json_object_get(compile, "output") : NULL;
    json_object_set_new(s, "compile_output",
                        ngx_http_judge_judge0_text(v, rq->base64));

    v = message ? json_string(message) : NULL;
    json_object_set_new(s, "message",
                        ngx_http_judge_judge0_text(v, rq->base64));
    json_decref(v);

    json_object_set_new(s, "status",
                        json_pack("{s:i,s:s}", "id", (int) status,
                                  "description",
                                  ngx_http_judge_judge0_statuses_text[status]));

    if (test && status > 2) {
        v = json_object_get(test, "cpu_time_ms");
        ngx_sprintf((u_char *) time, "%.3f%Z",
                    (double) json_integer_value(v) / 1000);
        json_object_set_new(s, "time", json_string(time));

        v = json_object_get(test, "wall_time_ms");
        ngx_sprintf((u_char *) time, "%.3f%Z",
                    (double) json_integer_value(v) / 1000);
        json_object_set_new(s, "wall_time", json_string(time));

        json_object_set(s, "memory", json_object_get(test, "memory_kb"));

        v = json_object_get(test, "signal");

        if (json_integer_value(v)) {
            json_object_set_new(s, "exit_code", json_null());
            json_object_set(s, "exit_signal", v);

        } else {
            json_object_set(s, "exit_code",
                            json_object_get(test, "exit_code"));
            json_object_set_new(s, "exit_signal", json_null());
        }

    } else {
        json_object_set_new(s, "time", json_null());
        json_object_set_new(s, "wall_time", json_null());
        json_object_set_new(s, "memory", json_null());
        json_object_set_new(s, "exit_code", json_null());
        json_object_set_new(s, "exit_signal", json_null());
    }

    v = json_object_get(job, "created_at");
    json_object_set(s, "created_at", v ? v : json_null());
    v = json_object_get(job, "finished_at");
    json_object_set(s, "finished_at", v ? v : json_null());

    json_decref(job);

    /* only what was asked for */

    shown = json_object();
    if (shown == NULL) {
        json_decref(s);
        return NULL;
    }

    json_object_foreach_safe(s, tmp, key, v) {
        if (json_object_get(rq->fields, key)) {
            json_object_set(shown, key, v);
        }
    }

    json_decref(s);

    return shown;
}


/* a text of the answer: null (none, or empty), as it is, or Base64 */

static json_t *
ngx_http_judge_judge0_text(json_t *v, ngx_uint_t base64)
{
    char       *b;
    json_t     *text;
    ngx_str_t   src, dst;

    if (!json_is_string(v) || json_string_length(v) == 0) {
        return json_null();
    }

    if (!base64) {
        return json_incref(v);
    }

    src.data = (u_char *) json_string_value(v);
    src.len = json_string_length(v);

    b = malloc(ngx_base64_encoded_length(src.len) + 1);
    if (b == NULL) {
        return NULL;
    }

    dst.data = (u_char *) b;
    ngx_encode_base64(&dst, &src);

    text = json_stringn(b, dst.len);
    free(b);

    return text;
}


/*
 * Judge0's status of our job, and its message: In Queue, Processing,
 * then by the verdict (and a runtime error's signal).
 */

static ngx_uint_t
ngx_http_judge_judge0_status(json_t *job, json_t *test, const char **message)
{
    json_t      *v;
    ngx_int_t    signal;
    ngx_uint_t   i;
    const char  *status, *verdict, *text;

    *message = NULL;

    status = json_string_value(json_object_get(job, "status"));
    verdict = json_string_value(json_object_get(job, "verdict"));

    if (status == NULL || verdict == NULL) {
        return (status && ngx_strcmp(status, "QUEUED") == 0) ? 1 : 2;
    }

    text = NULL;

    if (test) {
        v = json_object_get(test, "message");
        text = json_is_string(v) && json_string_length(v)
               ? json_string_value(v) : NULL;

        if (text == NULL) {
            v = json_object_get(test, "checker_message");
            text = json_is_string(v) && json_string_length(v)
                   ? json_string_value(v) : NULL;
        }
    }

    if (text == NULL) {
        v = json_object_get(job, "message");
        text = json_is_string(v) && json_string_length(v)
               ? json_string_value(v) : NULL;
    }

    *message = text;

    signal = test ? (ngx_int_t) json_integer_value(json_object_get(test,
                                                                  "signal"))
                  : 0;

    for (i = 0; ngx_http_judge_judge0_verdicts[i].verdict; i++) {
        if (ngx_strcmp(verdict, ngx_http_judge_judge0_verdicts[i].verdict)
            == 0)
        {
            if (ngx_http_judge_judge0_verdicts[i].message
                != ngx_http_judge_judge0_own)
            {
                *message = ngx_http_judge_judge0_verdicts[i].message;
            }

            return ngx_http_judge_judge0_verdicts[i].status;
        }
    }

    if (ngx_strcmp(verdict, "RE") == 0) {
        switch (signal) {
        case 0:
            return 11;
        case SIGSEGV:
            return 7;
        case SIGXFSZ:
            return 8;
        case SIGFPE:
            return 9;
        case SIGABRT:
            return 10;
        default:
            return 12;
        }
    }

    return 13;
}


/* GET /languages[/all], /languages/{id} */

static ngx_int_t
ngx_http_judge_judge0_languages(ngx_http_request_t *r, ngx_uint_t all,
    ngx_str_t *one)
{
    json_t                        *ours, *list, *lang, *v;
    ngx_int_t                      id;
    ngx_uint_t                     i, k;
    ngx_http_judge_loc_conf_t     *jlcf;
    ngx_http_judge_judge0_conf_t  *conf;
    ngx_http_judge_judge0_lang_t  *l;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);
    conf = jlcf->dialect_conf;

    id = one ? ngx_atoi(one->data, one->len) : 0;

    ours = ngx_http_judge_dialect_languages(r);
    list = json_array();

    if (ours == NULL || list == NULL) {
        json_decref(ours);
        json_decref(list);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    l = conf->langs->elts;

    for (i = 0; i < conf->langs->nelts; i++) {
        if ((one && l[i].id != (ngx_uint_t) id)
            || (!all && l[i].archived))
        {
            continue;
        }

        lang = NULL;

        json_array_foreach(ours, k, lang) {
            v = json_object_get(lang, "id");

            if (json_string_length(v) == l[i].language.len
                && ngx_strncmp(json_string_value(v), l[i].language.data,
                               l[i].language.len) == 0)
            {
                break;
            }
        }

        if (k == json_array_size(ours)) {
            continue;
        }

        v = json_pack("{s:i,s:O}", "id", (int) l[i].id, "name",
                      json_object_get(lang, "name"));

        if (v && (one || all)) {
            json_object_set_new(v, "is_archived",
                                json_boolean(l[i].archived));
        }

        if (v && one) {
            json_object_set(v, "source_file",
                            json_object_get(lang, "file_name"));
            json_object_set_new(v, "compile_cmd", json_null());
            json_object_set_new(v, "run_cmd", json_null());
        }

        if (v == NULL || json_array_append_new(list, v) != 0) {
            json_decref(ours);
            json_decref(list);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    json_decref(ours);

    if (one) {
        v = json_array_get(list, 0);

        if (v == NULL) {
            json_decref(list);
            return ngx_http_judge_judge0_error(r, NGX_HTTP_NOT_FOUND,
                                               "language not found");
        }

        json_incref(v);
        json_decref(list);

        return ngx_http_judge_dialect_send(r, NGX_HTTP_OK, v);
    }

    return ngx_http_judge_dialect_send(r, NGX_HTTP_OK, list);
}


static ngx_int_t
ngx_http_judge_judge0_statuses(ngx_http_request_t *r)
{
    json_t      *list;
    ngx_uint_t   i;

    list = json_array();
    if (list == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 1; i <= 14; i++) {
        json_array_append_new(list,
            json_pack("{s:i,s:s}", "id", (int) i, "description",
                      ngx_http_judge_judge0_statuses_text[i]));
    }

    return ngx_http_judge_dialect_send(r, NGX_HTTP_OK, list);
}


static ngx_int_t
ngx_http_judge_judge0_about(ngx_http_request_t *r)
{
    return ngx_http_judge_dialect_send(r, NGX_HTTP_OK,
               json_pack("{s:s,s:n,s:n,s:s}",
                         "version", NGX_HTTP_JUDGE_JUDGE0_VERSION,
                         "homepage", "source_code",
                         "maintainer",
                         "ngx_judge " NGX_HTTP_JUDGE_VERSION));
}


/* GET /version: the API's version, as text */

static ngx_int_t
ngx_http_judge_judge0_version(ngx_http_request_t *r)
{
    ngx_buf_t  *b;

    static ngx_str_t  text = ngx_string("text/plain");

    b = ngx_create_temp_buf(r->pool, sizeof(NGX_HTTP_JUDGE_JUDGE0_VERSION));
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->last, NGX_HTTP_JUDGE_JUDGE0_VERSION "\n",
                         sizeof(NGX_HTTP_JUDGE_JUDGE0_VERSION));

    return ngx_http_judge_send(r, NGX_HTTP_OK, &text, b);
}


/* GET /config_info: the location's limits in Judge0's names and units */

static ngx_int_t
ngx_http_judge_judge0_config(ngx_http_request_t *r)
{
    json_t                     *c;
    ngx_http_judge_loc_conf_t  *jlcf;

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_judge_module);

    c = json_pack("{s:b,s:b,s:[],s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,"
                  "s:i,s:i,s:i,s:b,s:b}",
                  "enable_wait_result", 1,
                  "enable_compiler_options", 1,
                  "allowed_languages_for_compile_options",
                  "enable_command_line_arguments", 1,
                  "enable_submission_delete", 1,
                  "enable_callbacks", 0,
                  "enable_additional_files", 0,
                  "enable_per_process_and_thread_time_limit", 0,
                  "allow_enable_per_process_and_thread_time_limit", 0,
                  "enable_per_process_and_thread_memory_limit", 0,
                  "allow_enable_per_process_and_thread_memory_limit", 0,
                  "enable_batched_submissions", 1,
                  "max_submission_batch_size", NGX_HTTP_JUDGE_JUDGE0_BATCH,
                  "number_of_runs", 1,
                  "max_number_of_runs", 1,
                  "redirect_stderr_to_stdout", 0,
                  "allow_enable_network", 0);
    if (c == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

#define ngx_http_judge_judge0_set(name, v)                                   \
    json_object_set_new(c, name, v)

    ngx_http_judge_judge0_set("enable_network", json_false());
    ngx_http_judge_judge0_set("cpu_time_limit",
        json_real((double) jlcf->cpu_time.value / 1000));
    ngx_http_judge_judge0_set("max_cpu_time_limit",
        json_real((double) jlcf->cpu_time.max / 1000));
    ngx_http_judge_judge0_set("cpu_extra_time", json_real(0));
    ngx_http_judge_judge0_set("max_cpu_extra_time", json_real(0));
    ngx_http_judge_judge0_set("wall_time_limit",
        json_real((double) jlcf->wall_time.value / 1000));
    ngx_http_judge_judge0_set("max_wall_time_limit",
        json_real((double) jlcf->wall_time.max / 1000));
    ngx_http_judge_judge0_set("memory_limit",
        json_integer(jlcf->memory.value));
    ngx_http_judge_judge0_set("max_memory_limit",
        json_integer(jlcf->memory.max));
    ngx_http_judge_judge0_set("stack_limit",
        json_integer(jlcf->stack.value));
    ngx_http_judge_judge0_set("max_stack_limit",
        json_integer(jlcf->stack.max));
    ngx_http_judge_judge0_set("max_processes_and_or_threads",
        json_integer(jlcf->processes.value));
    ngx_http_judge_judge0_set("max_max_processes_and_or_threads",
        json_integer(jlcf->processes.max));
    ngx_http_judge_judge0_set("max_file_size",
        json_integer(jlcf->output.value));
    ngx_http_judge_judge0_set("max_max_file_size",
        json_integer(jlcf->output.max));
    ngx_http_judge_judge0_set("max_queue_size",
        json_integer(jlcf->queue_size));

#undef ngx_http_judge_judge0_set

    return ngx_http_judge_dialect_send(r, NGX_HTTP_OK, c);
}
