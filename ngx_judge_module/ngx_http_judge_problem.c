
/*
 * Copyright (C) ngx_judge authors
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/evp.h>
#include <sys/file.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_json.h"
#include "ngx_http_judge_problem.h"


#define NGX_HTTP_JUDGE_PROBLEM_MAX_STAGES   64
#define NGX_HTTP_JUDGE_PROBLEM_TITLE_LEN    256
#define NGX_HTTP_JUDGE_PROBLEM_TEXT_LEN     (1024 * 1024)
#define NGX_HTTP_JUDGE_PROBLEM_SAMPLE_LEN   (64 * 1024)
#define NGX_HTTP_JUDGE_PROBLEM_DESC_LEN     1024


static ngx_int_t ngx_http_judge_problem_path(ngx_path_t *dir, u_char *buf,
    const char *fmt, ...);
static ngx_int_t ngx_http_judge_problem_mkdir(ngx_path_t *dir,
    const char *sub);
static ngx_int_t ngx_http_judge_problem_write(u_char *name, u_char *tmp,
    u_char *data, size_t len);
static ngx_int_t ngx_http_judge_problem_test(json_t *t, json_t *out,
    ngx_http_judge_problem_put_pt put, void *data, size_t si, size_t ti,
    ngx_http_judge_invalid_t *err);
static ngx_int_t ngx_http_judge_problem_bytes(json_t *t, const char *name,
    json_t *out, const char *to, ngx_http_judge_problem_put_pt put,
    void *data);
static ngx_int_t ngx_http_judge_problem_ref_ok(json_t *ref);
static json_t *ngx_http_judge_problem_sample(ngx_path_t *dir, json_t *ref);
static json_t *ngx_http_judge_problem_file(ngx_path_t *dir, u_char *name,
    ngx_http_judge_invalid_t *err);
static int ngx_libc_cdecl ngx_http_judge_problem_cmp(const void *one,
    const void *two);
static json_t *ngx_http_judge_problem_line(ngx_path_t *dir, ngx_str_t *id);
static json_t *ngx_http_judge_problem_summary(json_t *def);
static ngx_int_t ngx_http_judge_problem_write_version(ngx_path_t *dir,
    ngx_str_t *id, ngx_uint_t version, json_t *def);
static ngx_int_t ngx_http_judge_problem_lock(ngx_path_t *dir, ngx_str_t *id,
    ngx_fd_t *fd);
static void ngx_http_judge_problem_unlock(ngx_fd_t fd);
static int ngx_libc_cdecl ngx_http_judge_problem_name_cmp(const void *one,
    const void *two);


static ngx_uint_t  ngx_http_judge_problem_seq;


/* a problem's id: 1-64 of A-Z a-z 0-9 _ -, not starting with "-" */

ngx_int_t
ngx_http_judge_problem_id_ok(ngx_str_t *id)
{
    size_t  i;
    u_char  c;

    if (id->len == 0 || id->len > NGX_HTTP_JUDGE_PROBLEM_ID_LEN
        || id->data[0] == '-')
    {
        return 0;
    }

    for (i = 0; i < id->len; i++) {
        c = id->data[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-'))
        {
            return 0;
        }
    }

    return 1;
}


/* "<dir>/" and the rest, NUL-terminated, in "buf" of NGX_MAX_PATH */

static ngx_int_t
ngx_http_judge_problem_path(ngx_path_t *dir, u_char *buf, const char *fmt,
    ...)
{
    u_char   *p, *last;
    va_list   args;

    last = buf + NGX_MAX_PATH - 1;

    p = ngx_slprintf(buf, last, "%V/", &dir->name);

    va_start(args, fmt);
    p = ngx_vslprintf(p, last, fmt, args);
    va_end(args);

    if (p == last) {
        return NGX_ERROR;
    }

    *p = '\0';

    return NGX_OK;
}


static ngx_int_t
ngx_http_judge_problem_mkdir(ngx_path_t *dir, const char *sub)
{
    u_char  name[NGX_MAX_PATH];

    if (ngx_http_judge_problem_path(dir, name, "%s", sub) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_create_dir(name, 0700) == NGX_FILE_ERROR
        && ngx_errno != NGX_EEXIST)
    {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      ngx_create_dir_n " \"%s\" failed", name);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The master's, as root: p/, d/ and s/ of judge_problems_path, with
 * everything in them, given to "user" (the worker processes') when the
 * directory is another user's (nginx ran as another user before).
 */

ngx_int_t
ngx_http_judge_problem_own(ngx_cycle_t *cycle, ngx_path_t *dir,
    ngx_uid_t user)
{
    u_char           *sub;
    ngx_dir_t         d;
    ngx_uint_t        i, n;
    ngx_file_info_t   fi;
    u_char            name[NGX_MAX_PATH], file[NGX_MAX_PATH];

    static char  *subs[] = { "p", "d", "s", NULL };

    for (i = 0; subs[i]; i++) {
        sub = (u_char *) subs[i];

        if (ngx_http_judge_problem_path(dir, name, "%s", sub) != NGX_OK
            || ngx_file_info(name, &fi) == NGX_FILE_ERROR
            || fi.st_uid == user)
        {
            continue;
        }

        if (ngx_open_dir(&(ngx_str_t) { ngx_strlen(name), name }, &d)
            == NGX_ERROR)
        {
            ngx_log_error(NGX_LOG_EMERG, cycle->log, ngx_errno,
                          ngx_open_dir_n " \"%s\" failed", name);
            return NGX_ERROR;
        }

        n = 0;

        while (ngx_read_dir(&d) == NGX_OK) {
            if (ngx_strcmp(ngx_de_name(&d), ".") == 0
                || ngx_strcmp(ngx_de_name(&d), "..") == 0)
            {
                continue;
            }

            if (ngx_http_judge_problem_path(dir, file, "%s/%s", sub,
                                            ngx_de_name(&d))
                   != NGX_OK
                || lchown((char *) file, user, -1) == -1)
            {
                ngx_log_error(NGX_LOG_EMERG, cycle->log, ngx_errno,
                              "chown(\"%s/%s\", %d) failed", name,
                              ngx_de_name(&d), user);
                (void) ngx_close_dir(&d);
                return NGX_ERROR;
            }

            n++;
        }

        (void) ngx_close_dir(&d);

        if (chown((char *) name, user, -1) == -1) {
            ngx_log_error(NGX_LOG_EMERG, cycle->log, ngx_errno,
                          "chown(\"%s\", %d) failed", name, user);
            return NGX_ERROR;
        }

        ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0,
                      "judge: \"%s\" and its %ui files given to user %d",
                      name, n, user);
    }

    return NGX_OK;
}


/* "data" written whole to "tmp", then renamed to "name" */

static ngx_int_t
ngx_http_judge_problem_write(u_char *name, u_char *tmp, u_char *data,
    size_t len)
{
    ssize_t   n;
    ngx_fd_t  fd;

    fd = ngx_open_file(tmp, NGX_FILE_WRONLY, NGX_FILE_TRUNCATE, 0600);
    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", tmp);
        return NGX_ERROR;
    }

    while (len) {
        n = write(fd, data, len);

        if (n == -1 && ngx_errno == NGX_EINTR) {
            continue;
        }

        if (n <= 0) {
            ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                          "judge: writing \"%s\" failed", tmp);
            (void) ngx_close_file(fd);
            (void) ngx_delete_file(tmp);
            return NGX_ERROR;
        }

        data += n;
        len -= n;
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR
        || ngx_rename_file(tmp, name) == NGX_FILE_ERROR)
    {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      "judge: keeping \"%s\" failed", name);
        (void) ngx_delete_file(tmp);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * A test file: stored once under the SHA-256 of its bytes (a file of that
 * name and size is taken as it is); its reference {"sha256", "size"}.
 */

ngx_int_t
ngx_http_judge_problem_put(void *data, u_char *bytes, size_t len,
    json_t **ref)
{
    ngx_path_t *dir = data;

    EVP_MD_CTX       *md;
    ngx_file_info_t   fi;
    u_char            digest[EVP_MAX_MD_SIZE];
    u_char            hex[65];
    u_char            name[NGX_MAX_PATH], tmp[NGX_MAX_PATH];

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        return NGX_ERROR;
    }

    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    EVP_DigestUpdate(md, bytes, len);
    EVP_DigestFinal_ex(md, digest, NULL);
    EVP_MD_CTX_free(md);

    *ngx_hex_dump(hex, digest, 32) = '\0';

    if (ngx_http_judge_problem_path(dir, name, "d/%s", hex) != NGX_OK
        || ngx_http_judge_problem_path(dir, tmp, "d/.t-%P-%ui", ngx_pid,
                                       ngx_http_judge_problem_seq++)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (!(ngx_file_info(name, &fi) != NGX_FILE_ERROR
          && (size_t) ngx_file_size(&fi) == len))
    {
        if (ngx_http_judge_problem_mkdir(dir, "d") != NGX_OK
            || ngx_http_judge_problem_write(name, tmp, bytes, len) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    *ref = json_pack("{s:s,s:I}", "sha256", hex, "size", (json_int_t) len);

    return *ref ? NGX_OK : NGX_ERROR;
}


/* a string member "name" of "t" filed with "put", as member "to" of "out" */

static ngx_int_t
ngx_http_judge_problem_bytes(json_t *t, const char *name, json_t *out,
    const char *to, ngx_http_judge_problem_put_pt put, void *data)
{
    json_t  *v, *ref;

    v = json_object_get(t, name);
    if (v == NULL) {
        return NGX_DECLINED;
    }

    if (!json_is_string(v)) {
        return NGX_ABORT;
    }

    if (put(data, (u_char *) json_string_value(v), json_string_length(v),
            &ref)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    return json_object_set_new(out, to, ref) == 0 ? NGX_OK : NGX_ERROR;
}


/* one test of PUT's JSON in its stored form */

static ngx_int_t
ngx_http_judge_problem_test(json_t *t, json_t *out,
    ngx_http_judge_problem_put_pt put, void *data, size_t si, size_t ti,
    ngx_http_judge_invalid_t *err)
{
    json_t      *v, *limits;
    ngx_int_t    rc;
    double       seconds;
    ngx_uint_t   i;
    u_char       where[64];

    static const char  *fields[] = {
        "name", "id", "sample", "stdin", "input", "expected_output", "args",
        "env", "timeout_seconds", "limits", "assertions", NULL
    };

    static const char  *copy[] = {
        "name", "sample", "args", "env", "limits", "assertions", NULL
    };

    *ngx_snprintf(where, sizeof(where) - 1, "stages[%uz].tests[%uz]",
                  si, ti) = '\0';

    if (!json_is_object(t)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "%s must be an object", where);
    }

    if (ngx_http_judge_submit_known(t, fields, (char *) where, err)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; copy[i]; i++) {
        v = json_object_get(t, copy[i]);

        if (v && json_object_set(out, copy[i], v) != 0) {
            return NGX_ERROR;
        }
    }

    v = json_object_get(t, "id");

    if (v && json_object_get(t, "name") == NULL
        && json_object_set(out, "name", v) != 0)
    {
        return NGX_ERROR;
    }

    rc = ngx_http_judge_problem_bytes(t, "stdin", out, "input", put, data);

    if (rc == NGX_DECLINED) {
        rc = ngx_http_judge_problem_bytes(t, "input", out, "input", put,
                                          data);
    }

    if (rc == NGX_DECLINED) {
        rc = put(data, (u_char *) "", 0, &v);

        if (rc == NGX_OK && json_object_set_new(out, "input", v) != 0) {
            rc = NGX_ERROR;
        }
    }

    if (rc == NGX_OK || rc == NGX_DECLINED) {
        rc = ngx_http_judge_problem_bytes(t, "expected_output", out,
                                          "expected", put, data);
    }

    if (rc == NGX_ABORT) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "%s: stdin and expected_output "
                                      "must be strings", where);
    }

    if (rc == NGX_ERROR) {
        return ngx_http_judge_invalid(err,
                                      NGX_HTTP_INSUFFICIENT_STORAGE,
                                      "storage_failed",
                                      "the test files could not be "
                                      "stored");
    }

    /* "timeout_seconds": the test's CPU and wall time */

    v = json_object_get(t, "timeout_seconds");

    if (v) {
        seconds = json_is_number(v) ? json_number_value(v) : -1;

        /* in whole milliseconds, at least one */

        if (!(seconds >= 0.001 && seconds <= 3600)) {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "%s.timeout_seconds must be "
                                          "a number of seconds from "
                                          "0.001 to 3600", where);
        }

        limits = json_object_get(out, "limits");

        if (limits == NULL) {
            limits = json_object();
            if (limits == NULL || json_object_set_new(out, "limits", limits)
                                  != 0)
            {
                return NGX_ERROR;
            }
        }

        if (!json_is_object(limits)
            || json_object_set_new(limits, "cpu_time_ms",
                       json_integer((json_int_t) (seconds * 1000 + 0.5))) != 0
            || json_object_set_new(limits, "wall_time_ms",
                       json_integer((json_int_t) (seconds * 1000 + 0.5))) != 0)
        {
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "%s.limits must be an "
                                          "object", where);
        }
    }

    return NGX_OK;
}


static int ngx_libc_cdecl
ngx_http_judge_problem_cmp(const void *one, const void *two)
{
    json_int_t  a, b;

    a = json_integer_value(json_object_get(*(json_t **) one, "number"));
    b = json_integer_value(json_object_get(*(json_t **) two, "number"));

    return (a > b) - (a < b);
}


/*
 * The JSON of PUT /problems/{id} in its stored form: stages ordered by
 * their numbers, each test's stdin and expected output filed with "put".
 * NULL: "err" says why.
 */

json_t *
ngx_http_judge_problem_parse(ngx_str_t *body,
    ngx_http_judge_problem_put_pt put, void *data,
    ngx_http_judge_invalid_t *err)
{
    size_t         si, ti;
    json_t        *root, *def, *stages, *stage, *tests, *t, *out, *s, *v;
    json_t       **order;
    ngx_uint_t     i;
    json_error_t   jerr;

    static const char  *fields[] = {
        "title", "statement", "limits", "checker", "interactor", "scoring",
        "stages", "tests", NULL
    };

    static const char  *stage_fields[] = {
        "name", "number", "score", "tests", NULL
    };

    static const char  *copy[] = {
        "title", "statement", "limits", "checker", "interactor", "scoring",
        NULL
    };

    root = json_loadb((char *) body->data, body->len, JSON_REJECT_DUPLICATES,
                      &jerr);

    if (root == NULL) {
        (void) ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_json",
                                      "line %d column %d: %s",
                                      jerr.line, jerr.column,
                                      jerr.text);
        return NULL;
    }

    def = NULL;
    order = NULL;

    if (!json_is_object(root)) {
        (void) ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "the body must be a JSON "
                                      "object");
        goto failed;
    }

    if (ngx_http_judge_submit_known(root, fields, "the problem", err)
        != NGX_OK)
    {
        goto failed;
    }

    def = json_object();
    stages = json_array();

    if (def == NULL || stages == NULL
        || json_object_set_new(def, "stages", stages) != 0)
    {
        json_decref(stages);
        goto nomem;
    }

    for (i = 0; copy[i]; i++) {
        v = json_object_get(root, copy[i]);

        if (v && json_object_set(def, copy[i], v) != 0) {
            goto nomem;
        }
    }

    /* plain "tests" are one stage of their own */

    s = json_object_get(root, "stages");

    if (s == NULL && json_object_get(root, "tests")) {
        s = json_pack("[{s:s,s:O}]", "name", "tests",
                      "tests", json_object_get(root, "tests"));
        if (s == NULL) {
            goto nomem;
        }

    } else if (s && json_object_get(root, "tests") == NULL) {
        json_incref(s);

    } else {
        (void) ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "a problem has \"stages\" or "
                                      "\"tests\"");
        goto failed;
    }

    if (!json_is_array(s) || json_array_size(s) == 0
        || json_array_size(s) > NGX_HTTP_JUDGE_PROBLEM_MAX_STAGES)
    {
        json_decref(s);
        (void) ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"stages\" must be an array "
                                      "of 1 to %d stages",
                                      NGX_HTTP_JUDGE_PROBLEM_MAX_STAGES);
        goto failed;
    }

    order = ngx_alloc(json_array_size(s) * sizeof(json_t *), ngx_cycle->log);
    if (order == NULL) {
        json_decref(s);
        goto nomem;
    }

    json_array_foreach(s, si, stage) {
        order[si] = stage;

        if (!json_is_object(stage)
            || ngx_http_judge_submit_known(stage, stage_fields, "a stage",
                                           err)
               != NGX_OK)
        {
            json_decref(s);

            if (!json_is_object(stage)) {
                (void) ngx_http_judge_invalid(err,
                                              NGX_HTTP_BAD_REQUEST,
                                              "invalid_request",
                                              "stages[%uz] must be an "
                                              "object", si);
            }

            goto failed;
        }

        v = json_object_get(stage, "number");

        if (v && !json_is_integer(v)) {
            json_decref(s);
            (void) ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "stages[%uz].number must "
                                          "be an integer", si);
            goto failed;
        }
    }

    /* a stable sort keeps stages without numbers in their order */

    for (si = 1; si < json_array_size(s); si++) {
        for (ti = si; ti > 0
                      && ngx_http_judge_problem_cmp(&order[ti - 1],
                                                    &order[ti]) > 0;
             ti--)
        {
            t = order[ti];
            order[ti] = order[ti - 1];
            order[ti - 1] = t;
        }
    }

    for (si = 0; si < json_array_size(s); si++) {
        stage = order[si];
        tests = json_object_get(stage, "tests");

        if (!json_is_array(tests) || json_array_size(tests) == 0) {
            json_decref(s);
            (void) ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "stages[%uz].tests must be "
                                          "a non-empty array", si);
            goto failed;
        }

        out = json_object();
        v = json_array();

        if (out == NULL || v == NULL || json_array_append_new(stages, out)
                                        != 0
            || json_object_set_new(out, "tests", v) != 0)
        {
            json_decref(s);
            goto nomem;
        }

        if ((json_object_get(stage, "name")
             && json_object_set(out, "name", json_object_get(stage, "name"))
                != 0)
            || (json_object_get(stage, "score")
                && json_object_set(out, "score",
                                   json_object_get(stage, "score"))
                   != 0))
        {
            json_decref(s);
            goto nomem;
        }

        json_array_foreach(tests, ti, t) {
            out = json_object();

            if (out == NULL || json_array_append_new(v, out) != 0) {
                json_decref(s);
                goto nomem;
            }

            if (ngx_http_judge_problem_test(t, out, put, data, si, ti, err)
                != NGX_OK)
            {
                json_decref(s);
                goto failed;
            }
        }
    }

    json_decref(s);
    ngx_free(order);
    json_decref(root);

    return def;

nomem:

    (void) ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");

failed:

    if (order) {
        ngx_free(order);
    }

    json_decref(def);
    json_decref(root);

    return NULL;
}


static ngx_int_t
ngx_http_judge_problem_ref_ok(json_t *ref)
{
    size_t       i;
    json_t      *h, *n;
    const char  *s;

    h = json_object_get(ref, "sha256");
    n = json_object_get(ref, "size");

    if (!json_is_string(h) || json_string_length(h) != 64
        || !json_is_integer(n) || json_integer_value(n) < 0)
    {
        return 0;
    }

    s = json_string_value(h);

    for (i = 0; i < 64; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }

    return 1;
}


/*
 * What a stored definition must be, whichever way it came: the shape
 * (the submission parser checks limits, checker and tests further), a
 * title, unique test names, and every test file present.
 */

ngx_int_t
ngx_http_judge_problem_check(ngx_path_t *dir, json_t *def,
    ngx_uint_t max_tests, ngx_http_judge_invalid_t *err)
{
    size_t            si, ti, k, n;
    json_t           *stages, *stage, *tests, *t, *v, *names, *a;
    const char       *key;
    ngx_file_info_t   fi;
    u_char            name[NGX_MAX_PATH];

    v = json_object_get(def, "title");

    if (v && (!json_is_string(v) || json_string_length(v) == 0
              || json_string_length(v) > NGX_HTTP_JUDGE_PROBLEM_TITLE_LEN))
    {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"title\" must be a string of "
                                      "1 to %d bytes",
                                      NGX_HTTP_JUDGE_PROBLEM_TITLE_LEN);
    }

    v = json_object_get(def, "statement");

    if (v && (!json_is_string(v)
              || json_string_length(v) > NGX_HTTP_JUDGE_PROBLEM_TEXT_LEN))
    {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"statement\" must be a "
                                      "string of at most 1 MiB");
    }

    v = json_object_get(def, "scoring");

    if (v && !json_is_boolean(v)) {
        return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                      "invalid_request",
                                      "\"scoring\" must be true or "
                                      "false");
    }

    names = json_object();
    if (names == NULL) {
        return ngx_http_judge_invalid(err,
                                      NGX_HTTP_INTERNAL_SERVER_ERROR,
                                      "internal_error",
                                      "out of memory");
    }

    stages = json_object_get(def, "stages");
    n = 0;

    json_array_foreach(stages, si, stage) {
        v = json_object_get(stage, "name");

        if (v && (!json_is_string(v) || json_string_length(v) == 0
                  || json_string_length(v) > NGX_HTTP_JUDGE_MAX_ID_LEN
                  || ngx_strlen(json_string_value(v))
                     != json_string_length(v)))
        {
            json_decref(names);
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "stages[%uz].name must be "
                                          "a string of 1 to 64 "
                                          "bytes", si);
        }

        v = json_object_get(stage, "score");

        if (v && !(json_is_number(v) && json_number_value(v) >= 0
                   && json_number_value(v) <= 1e9))
        {
            json_decref(names);
            return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                          "invalid_request",
                                          "stages[%uz].score must be "
                                          "a number >= 0", si);
        }

        tests = json_object_get(stage, "tests");

        json_array_foreach(tests, ti, t) {
            n++;

            v = json_object_get(t, "name");

            if (v == NULL) {
                v = json_sprintf("%zu", n);
                if (v == NULL || json_object_set_new(t, "name", v) != 0) {
                    json_decref(names);
                    return NGX_ERROR;
                }
            }

            key = json_is_string(v) ? json_string_value(v) : "";

            if (json_is_integer(v)) {
                v = json_sprintf("%" JSON_INTEGER_FORMAT,
                                 json_integer_value(v));
                if (v == NULL || json_object_set_new(t, "name", v) != 0) {
                    json_decref(names);
                    return NGX_ERROR;
                }

                key = json_string_value(v);
            }

            if (!json_is_string(v) || json_string_length(v) == 0
                || json_string_length(v) > NGX_HTTP_JUDGE_MAX_ID_LEN
                || ngx_strlen(key) != json_string_length(v))
            {
                json_decref(names);
                return ngx_http_judge_invalid(err,
                                              NGX_HTTP_BAD_REQUEST,
                                              "invalid_request",
                                              "stages[%uz].tests[%uz]."
                                              "name must be a string of "
                                              "1 to 64 bytes", si, ti);
            }

            if (json_object_get(names, key)) {
                json_decref(names);
                return ngx_http_judge_invalid(err,
                                              NGX_HTTP_JUDGE_UNPROCESSABLE,
                                              "invalid_request",
                                              "two tests are named "
                                              "\"%s\"", key);
            }

            if (json_object_set_new(names, key, json_true()) != 0) {
                json_decref(names);
                return NGX_ERROR;
            }

            v = json_object_get(t, "sample");

            if (v && !json_is_boolean(v)) {
                json_decref(names);
                return ngx_http_judge_invalid(err,
                                              NGX_HTTP_BAD_REQUEST,
                                              "invalid_request",
                                              "test \"%s\": \"sample\" "
                                              "must be true or false",
                                              key);
            }

            for (k = 0; k < 2; k++) {
                v = json_object_get(t, k ? "expected" : "input");

                if (v == NULL && k) {
                    continue;
                }

                if (!ngx_http_judge_problem_ref_ok(v)
                    || ngx_http_judge_problem_path(dir, name, "d/%s",
                           json_string_value(json_object_get(v, "sha256")))
                       != NGX_OK
                    || ngx_file_info(name, &fi) == NGX_FILE_ERROR
                    || ngx_file_size(&fi)
                       != json_integer_value(json_object_get(v, "size")))
                {
                    json_decref(names);
                    return ngx_http_judge_invalid(err,
                                                  NGX_HTTP_JUDGE_UNPROCESSABLE,
                                                  "invalid_problem",
                                                  "test \"%s\": its %s file "
                                                  "is not stored", key,
                                                  k ? "expected" : "input");
                }
            }

            json_array_foreach(json_object_get(t, "assertions"), k, a) {
                v = json_object_get(a, "description");

                if (v && (!json_is_string(v)
                          || json_string_length(v)
                             > NGX_HTTP_JUDGE_PROBLEM_DESC_LEN))
                {
                    json_decref(names);
                    return ngx_http_judge_invalid(err, NGX_HTTP_BAD_REQUEST,
                                "invalid_request",
                                "test \"%s\": an assertion's description "
                                "must be a string of at most %d bytes", key,
                                NGX_HTTP_JUDGE_PROBLEM_DESC_LEN);
                }
            }
        }
    }

    json_decref(names);

    if (n == 0 || n > max_tests) {
        return ngx_http_judge_invalid(err,
                                      NGX_HTTP_JUDGE_UNPROCESSABLE,
                                      "too_many_tests",
                                      "a problem has 1 to %ui tests",
                                      max_tests);
    }

    return NGX_OK;
}


/*
 * Version "version" of problem "id" written as "p/<id>.<version>.json",
 * then "p/<id>" made to point at it unless it points at a later one; the
 * caller holds the problem's lock.
 */

static ngx_int_t
ngx_http_judge_problem_write_version(ngx_path_t *dir, ngx_str_t *id,
    ngx_uint_t version, json_t *def)
{
    char       *text, *line;
    json_t     *summary;
    ngx_int_t   rc;
    u_char      name[NGX_MAX_PATH], tmp[NGX_MAX_PATH], file[NGX_MAX_PATH];

    /* first what the list shows of it, "p/<id>.<version>.line" */

    summary = ngx_http_judge_problem_summary(def);
    line = summary ? json_dumps(summary, JSON_COMPACT) : NULL;
    json_decref(summary);

    if (line == NULL
        || ngx_http_judge_problem_path(dir, name, "p/%V.%ui.line", id,
                                       version)
           != NGX_OK
        || ngx_http_judge_problem_path(dir, tmp, "p/.t-%P-%ui", ngx_pid,
                                       ngx_http_judge_problem_seq++)
           != NGX_OK
        || ngx_http_judge_problem_write(name, tmp, (u_char *) line,
                                        ngx_strlen(line))
           != NGX_OK)
    {
        ngx_free(line);
        return NGX_ERROR;
    }

    ngx_free(line);

    text = json_dumps(def, JSON_COMPACT);
    if (text == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (ngx_http_judge_problem_path(dir, file, "%V.%ui.json", id, version)
           == NGX_OK
        && ngx_http_judge_problem_path(dir, name, "p/%V.%ui.json", id,
                                       version)
           == NGX_OK
        && ngx_http_judge_problem_path(dir, tmp, "p/.t-%P-%ui", ngx_pid,
                                       ngx_http_judge_problem_seq++)
           == NGX_OK
        && ngx_http_judge_problem_write(name, tmp, (u_char *) text,
                                        ngx_strlen(text))
           == NGX_OK)
    {
        rc = NGX_OK;

        if (ngx_http_judge_problem_version(dir, id) < version) {

            /* the pointer to the latest version, swapped at once */

            (void) ngx_http_judge_problem_path(dir, name, "p/%V", id);
            (void) ngx_http_judge_problem_path(dir, tmp, "p/.l-%P-%ui",
                                               ngx_pid,
                                               ngx_http_judge_problem_seq++);

            if (symlink((char *) file + dir->name.len + 1, (char *) tmp) != 0
                || ngx_rename_file(tmp, name) == NGX_FILE_ERROR)
            {
                ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                              "judge: pointing \"%s\" at version %ui failed",
                              name, version);
                (void) ngx_delete_file(tmp);
                rc = NGX_ERROR;
            }
        }
    }

    ngx_free(text);

    return rc;
}


/* the problem's lock file, taken (NGX_OK), or NGX_BUSY, or NGX_ERROR */

static ngx_int_t
ngx_http_judge_problem_lock(ngx_path_t *dir, ngx_str_t *id, ngx_fd_t *fd)
{
    u_char  name[NGX_MAX_PATH];

    if (ngx_http_judge_problem_mkdir(dir, "p") != NGX_OK
        || ngx_http_judge_problem_path(dir, name, "p/%V.lock", id) != NGX_OK)
    {
        return NGX_ERROR;
    }

    *fd = ngx_open_file(name, NGX_FILE_RDWR, NGX_FILE_CREATE_OR_OPEN, 0600);
    if (*fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", name);
        return NGX_ERROR;
    }

    if (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
        (void) ngx_close_file(*fd);
        return NGX_BUSY;
    }

    return NGX_OK;
}


static void
ngx_http_judge_problem_unlock(ngx_fd_t fd)
{
    (void) flock(fd, LOCK_UN);
    (void) ngx_close_file(fd);
}


/* the latest version of problem "id" here, 0 when none */

ngx_uint_t
ngx_http_judge_problem_version(ngx_path_t *dir, ngx_str_t *id)
{
    u_char     *dot;
    ssize_t     n;
    ngx_int_t   v;
    u_char      name[NGX_MAX_PATH], target[NGX_MAX_PATH];

    if (ngx_http_judge_problem_path(dir, name, "p/%V", id) != NGX_OK) {
        return 0;
    }

    n = readlink((char *) name, (char *) target, sizeof(target) - 1);

    if (n <= (ssize_t) (id->len + sizeof(".json"))) {
        return 0;
    }

    dot = target + n - (sizeof(".json") - 1);
    v = ngx_atoi(target + id->len + 1, dot - (target + id->len + 1));

    return v > 0 ? (ngx_uint_t) v : 0;
}


/*
 * A new version of problem "id": one more than the latest here.  One
 * write of a problem at a time (409 for another).
 */

ngx_int_t
ngx_http_judge_problem_save(ngx_path_t *dir, ngx_str_t *id, json_t *def,
    ngx_uint_t *version, ngx_http_judge_invalid_t *err)
{
    json_t     *old;
    ngx_fd_t    lock;
    ngx_int_t   rc;
    ngx_uint_t  v;
    uint64_t    now, created;

    rc = ngx_http_judge_problem_lock(dir, id, &lock);

    if (rc == NGX_BUSY) {
        return ngx_http_judge_invalid(err, NGX_HTTP_CONFLICT,
                                      "problem_busy",
                                      "another write of problem "
                                      "\"%V\" is under way", id);
    }

    if (rc != NGX_OK) {
        goto failed;
    }

    now = ngx_http_judge_json_now_ms();
    created = now;
    v = 1;

    old = ngx_http_judge_problem_load(dir, id, 0, err);

    if (old) {
        v = json_integer_value(json_object_get(old, "version")) + 1;
        created = json_integer_value(json_object_get(old, "created_ms"));
        json_decref(old);
    }

    rc = NGX_ERROR;

    if (json_object_set_new(def, "id", json_stringn((char *) id->data,
                                                    id->len)) == 0
        && json_object_set_new(def, "version", json_integer(v)) == 0
        && json_object_set_new(def, "created_ms", json_integer(created)) == 0
        && json_object_set_new(def, "updated_ms", json_integer(now)) == 0)
    {
        rc = ngx_http_judge_problem_write_version(dir, id, v, def);
    }

    ngx_http_judge_problem_unlock(lock);

    if (rc == NGX_OK) {
        *version = v;
        return NGX_OK;
    }

failed:

    return ngx_http_judge_invalid(err, NGX_HTTP_INSUFFICIENT_STORAGE,
                                  "storage_failed",
                                  "the problem could not be stored");
}


/*
 * A version made elsewhere (another frontend's, through Redis), kept
 * here as it is; NGX_BUSY while a write of the problem is under way.
 */

ngx_int_t
ngx_http_judge_problem_install(ngx_path_t *dir, ngx_str_t *id,
    ngx_uint_t version, json_t *def)
{
    json_t     *v;
    ngx_fd_t    lock;
    ngx_int_t   rc;

    v = json_object_get(def, "id");

    if (!json_is_string(v) || json_string_length(v) != id->len
        || ngx_strncmp(json_string_value(v), id->data, id->len) != 0
        || (ngx_uint_t) json_integer_value(json_object_get(def, "version"))
           != version)
    {
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "judge: the record of problem \"%V\" version %ui on "
                      "Redis is of another", id, version);
        return NGX_ERROR;
    }

    rc = ngx_http_judge_problem_lock(dir, id, &lock);
    if (rc != NGX_OK) {
        return rc;
    }

    rc = ngx_http_judge_problem_write_version(dir, id, version, def);

    ngx_http_judge_problem_unlock(lock);

    return rc;
}


static json_t *
ngx_http_judge_problem_file(ngx_path_t *dir, u_char *name,
    ngx_http_judge_invalid_t *err)
{
    json_t        *def;
    json_error_t   jerr;

    def = json_load_file((char *) name, JSON_REJECT_DUPLICATES, &jerr);

    if (def == NULL) {
        if (ngx_errno != NGX_ENOENT) {
            ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                          "judge: problem file \"%s\": %s", name, jerr.text);
        }

        (void) ngx_http_judge_invalid(err, NGX_HTTP_NOT_FOUND,
                                      "not_found", "no such problem");
    }

    return def;
}


/* a problem's definition: version "version", or the latest (0); or NULL */

json_t *
ngx_http_judge_problem_load(ngx_path_t *dir, ngx_str_t *id,
    ngx_uint_t version, ngx_http_judge_invalid_t *err)
{
    ngx_int_t  rc;
    u_char     name[NGX_MAX_PATH];

    if (!ngx_http_judge_problem_id_ok(id)) {
        (void) ngx_http_judge_invalid(err, NGX_HTTP_NOT_FOUND,
                                      "not_found", "no such problem");
        return NULL;
    }

    rc = version ? ngx_http_judge_problem_path(dir, name, "p/%V.%ui.json",
                                               id, version)
                 : ngx_http_judge_problem_path(dir, name, "p/%V", id);

    if (rc != NGX_OK) {
        (void) ngx_http_judge_invalid(err, NGX_HTTP_NOT_FOUND,
                                      "not_found", "no such problem");
        return NULL;
    }

    ngx_set_errno(0);

    return ngx_http_judge_problem_file(dir, name, err);
}


/* a sample's bytes as text, or null when they are not UTF-8 or too long */

static json_t *
ngx_http_judge_problem_sample(ngx_path_t *dir, json_t *ref)
{
    size_t     len;
    ssize_t    n;
    json_t    *s;
    ngx_fd_t   fd;
    u_char    *buf;
    u_char     name[NGX_MAX_PATH];

    if (ref == NULL) {
        return json_null();
    }

    len = json_integer_value(json_object_get(ref, "size"));

    if (len > NGX_HTTP_JUDGE_PROBLEM_SAMPLE_LEN
        || ngx_http_judge_problem_path(dir, name, "d/%s",
               json_string_value(json_object_get(ref, "sha256")))
           != NGX_OK)
    {
        return json_null();
    }

    fd = ngx_open_file(name, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        return json_null();
    }

    buf = ngx_alloc(len + 1, ngx_cycle->log);
    n = buf ? read(fd, buf, len) : -1;

    (void) ngx_close_file(fd);

    s = (n == (ssize_t) len) ? json_stringn((char *) buf, len) : NULL;

    if (buf) {
        ngx_free(buf);
    }

    return s ? s : json_null();
}


/*
 * What anybody may see of a problem: no input, expected output or
 * assertion value of a hidden test, only its name and the descriptions
 * of its assertions; samples in full.
 */

json_t *
ngx_http_judge_problem_public(ngx_path_t *dir, json_t *def)
{
    size_t       si, ti, k, n;
    json_t      *pub, *stages, *stage, *ps, *tests, *t, *pt, *v, *list, *a;
    json_t      *pa;
    ngx_uint_t   i;
    const char  *key;

    static const char  *copy[] = {
        "id", "version", "title", "statement", "limits", "scoring", NULL
    };

    static const char  *shown[] = {
        "args", "env", "limits", "assertions", NULL
    };

    pub = json_object();
    stages = json_array();

    if (pub == NULL || stages == NULL) {
        json_decref(pub);
        json_decref(stages);
        return NULL;
    }

    for (i = 0; copy[i]; i++) {
        v = json_object_get(def, copy[i]);

        if (v && json_object_set(pub, copy[i], v) != 0) {
            goto failed;
        }
    }

    v = json_object_get(def, "checker");

    if (json_object_set_new(pub, "checker",
            json_pack("{s:O}", "type",
                      v && json_object_get(v, "type")
                      ? json_object_get(v, "type") : json_string("default")))
           != 0
        || json_object_set_new(pub, "interactive",
               json_boolean(json_object_get(def, "interactor") != NULL))
           != 0
        || json_object_set_new(pub, "created_at",
               json_integer(json_integer_value(json_object_get(def,
                                                        "created_ms"))))
           != 0
        || json_object_set_new(pub, "updated_at",
               json_integer(json_integer_value(json_object_get(def,
                                                        "updated_ms"))))
           != 0)
    {
        goto failed;
    }

    n = 0;

    json_array_foreach(json_object_get(def, "stages"), si, stage) {
        ps = json_object();
        tests = json_array();

        if (ps == NULL || tests == NULL
            || json_array_append_new(stages, ps) != 0
            || json_object_set_new(ps, "tests", tests) != 0
            || json_object_set_new(ps, "number", json_integer(si + 1)) != 0)
        {
            json_decref(ps);
            json_decref(tests);
            goto failed;
        }

        v = json_object_get(stage, "name");

        if ((v && json_object_set(ps, "name", v) != 0)
            || (json_object_get(stage, "score")
                && json_object_set(ps, "score",
                                   json_object_get(stage, "score")) != 0))
        {
            goto failed;
        }

        json_array_foreach(json_object_get(stage, "tests"), ti, t) {
            n++;
            pt = json_object();

            if (pt == NULL || json_array_append_new(tests, pt) != 0
                || json_object_set(pt, "name", json_object_get(t, "name"))
                   != 0
                || json_object_set_new(pt, "sample",
                       json_boolean(json_is_true(json_object_get(t,
                                                            "sample"))))
                   != 0)
            {
                goto failed;
            }

            if (json_is_true(json_object_get(t, "sample"))) {
                if (json_object_set_new(pt, "stdin",
                        ngx_http_judge_problem_sample(dir,
                                             json_object_get(t, "input")))
                       != 0
                    || json_object_set_new(pt, "expected_output",
                           ngx_http_judge_problem_sample(dir,
                                             json_object_get(t, "expected")))
                       != 0)
                {
                    goto failed;
                }

                for (i = 0; shown[i]; i++) {
                    key = shown[i];
                    v = json_object_get(t, key);

                    if (v && json_object_set(pt, key, v) != 0) {
                        goto failed;
                    }
                }

                continue;
            }

            /* hidden: the descriptions of its assertions, nothing else */

            list = json_array();

            if (list == NULL
                || json_object_set_new(pt, "assertions", list) != 0)
            {
                json_decref(list);
                goto failed;
            }

            json_array_foreach(json_object_get(t, "assertions"), k, a) {
                v = json_object_get(a, "description");

                pa = v ? json_pack("{s:O}", "description", v)
                       : json_object();

                if (pa == NULL || json_array_append_new(list, pa) != 0) {
                    goto failed;
                }
            }

            v = json_object_get(t, "limits");

            if (v && json_object_set(pt, "limits", v) != 0) {
                goto failed;
            }
        }
    }

    if (json_object_set_new(pub, "stages", stages) != 0) {
        json_decref(pub);
        return NULL;
    }

    if (json_object_set_new(pub, "tests_total", json_integer(n)) != 0) {
        json_decref(pub);
        return NULL;
    }

    return pub;

failed:

    json_decref(stages);
    json_decref(pub);

    return NULL;
}


/* a line of GET /problems: what the list shows of a version */

static json_t *
ngx_http_judge_problem_summary(json_t *def)
{
    size_t   n, si;
    json_t  *stage;

    n = 0;

    json_array_foreach(json_object_get(def, "stages"), si, stage) {
        n += json_array_size(json_object_get(stage, "tests"));
    }

    return json_pack("{s:O,s:O,s:O*,s:I,s:I,s:b,s:b,s:I}",
                     "id", json_object_get(def, "id"),
                     "version", json_object_get(def, "version"),
                     "title", json_object_get(def, "title"),
                     "stages", (json_int_t) json_array_size(
                                          json_object_get(def, "stages")),
                     "tests_total", (json_int_t) n,
                     "scoring", json_is_true(json_object_get(def,
                                                             "scoring")),
                     "interactive",
                     json_object_get(def, "interactor") != NULL,
                     "updated_at", json_integer_value(
                                       json_object_get(def, "updated_ms")));
}


/* the line of problem "id"'s latest version, read from its own file */

static json_t *
ngx_http_judge_problem_line(ngx_path_t *dir, ngx_str_t *id)
{
    ngx_uint_t  v;
    u_char      name[NGX_MAX_PATH];

    v = ngx_http_judge_problem_version(dir, id);

    if (v == 0
        || ngx_http_judge_problem_path(dir, name, "p/%V.%ui.line", id, v)
           != NGX_OK)
    {
        return NULL;
    }

    return json_load_file((char *) name, 0, NULL);
}


static int ngx_libc_cdecl
ngx_http_judge_problem_name_cmp(const void *one, const void *two)
{
    return ngx_strcmp(*(u_char **) one, *(u_char **) two);
}


/*
 * GET /problems: up to "limit" problems in the order of their ids, after
 * "cursor" (an id) when given; {"problems": [...], "next_cursor"}.
 */

json_t *
ngx_http_judge_problem_list(ngx_pool_t *pool, ngx_path_t *dir,
    ngx_str_t *cursor, ngx_uint_t limit)
{
    u_char       *name, **ids;
    size_t        len;
    json_t       *out, *list, *line;
    ngx_dir_t     d;
    ngx_str_t     id;
    ngx_uint_t    i, n, size, shown;
    ngx_array_t  *all;
    u_char        path[NGX_MAX_PATH];

    out = json_pack("{s:[],s:n}", "problems", "next_cursor");
    if (out == NULL) {
        return NULL;
    }

    list = json_object_get(out, "problems");

    all = ngx_array_create(pool, 64, sizeof(u_char *));
    if (all == NULL
        || ngx_http_judge_problem_path(dir, path, "p") != NGX_OK)
    {
        json_decref(out);
        return NULL;
    }

    if (ngx_open_dir(&(ngx_str_t) { ngx_strlen(path), path }, &d)
        == NGX_ERROR)
    {
        return out;
    }

    while (ngx_read_dir(&d) == NGX_OK) {
        name = ngx_de_name(&d);
        len = ngx_de_namelen(&d);

        id.data = name;
        id.len = len;

        /* problems are the pointers: names without a dot */

        if (!ngx_http_judge_problem_id_ok(&id)) {
            continue;
        }

        ids = ngx_array_push(all);
        if (ids == NULL) {
            break;
        }

        *ids = ngx_pnalloc(pool, len + 1);
        if (*ids == NULL) {
            break;
        }

        ngx_memcpy(*ids, name, len + 1);
    }

    (void) ngx_close_dir(&d);

    ids = all->elts;
    n = all->nelts;
    size = sizeof(u_char *);

    ngx_qsort(ids, n, size, ngx_http_judge_problem_name_cmp);

    shown = 0;

    for (i = 0; i < n; i++) {
        if (cursor->len && ngx_strcmp(ids[i], cursor->data) <= 0) {
            continue;
        }

        if (shown == limit) {
            json_object_set_new(out, "next_cursor",
                                json_string((char *) ids[i - 1]));
            break;
        }

        id.data = ids[i];
        id.len = ngx_strlen(ids[i]);

        line = ngx_http_judge_problem_line(dir, &id);

        if (line && json_array_append_new(list, line) == 0) {
            shown++;
        }
    }

    return out;
}



/*
 * A submission to a problem, kept for rejudging: its body filed as a test
 * file is (by hash), "s/<job>" naming the problem and the body, and a
 * line "<job> <hash>" added to "p/<id>.subs".
 */

ngx_int_t
ngx_http_judge_problem_record(ngx_path_t *dir, ngx_str_t *id, ngx_str_t *job,
    ngx_str_t *body)
{
    u_char    *p, *q;
    json_t    *ref;
    ssize_t    n;
    ngx_fd_t   fd;
    u_char     line[NGX_HTTP_JUDGE_PROBLEM_ID_LEN + 128];
    u_char     rec[NGX_HTTP_JUDGE_PROBLEM_ID_LEN + 128];
    u_char     name[NGX_MAX_PATH], tmp[NGX_MAX_PATH];

    if (ngx_http_judge_problem_put(dir, body->data, body->len, &ref)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    p = ngx_snprintf(line, sizeof(line), "%V %s\n", job,
                     json_string_value(json_object_get(ref, "sha256")));
    json_decref(ref);

    if (ngx_http_judge_problem_mkdir(dir, "s") != NGX_OK
        || ngx_http_judge_problem_path(dir, name, "s/%V", job) != NGX_OK
        || ngx_http_judge_problem_path(dir, tmp, "s/.t-%P-%ui", ngx_pid,
                                       ngx_http_judge_problem_seq++)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* "s/<job>": "<problem> <hash>" */

    q = ngx_snprintf(rec, sizeof(rec), "%V %*s", id, (size_t) 64,
                     line + job->len + 1);

    if (ngx_http_judge_problem_write(name, tmp, rec, q - rec) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_judge_problem_path(dir, name, "p/%V.subs", id) != NGX_OK) {
        return NGX_ERROR;
    }

    fd = ngx_open_file(name, NGX_FILE_APPEND, NGX_FILE_CREATE_OR_OPEN, 0600);
    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_CRIT, ngx_cycle->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", name);
        return NGX_ERROR;
    }

    n = write(fd, line, p - line);

    (void) ngx_close_file(fd);

    return (n == p - line) ? NGX_OK : NGX_ERROR;
}



/* the bytes of file "hash" (a recorded body), within "max"; or NULL */

static u_char *
ngx_http_judge_problem_read(ngx_pool_t *pool, u_char *name, size_t max,
    size_t *len)
{
    u_char           *buf;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_file_info_t   fi;

    fd = ngx_open_file(name, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        return NULL;
    }

    buf = NULL;

    if (ngx_fd_info(fd, &fi) != NGX_FILE_ERROR
        && (size_t) ngx_file_size(&fi) <= max)
    {
        *len = ngx_file_size(&fi);
        buf = ngx_pnalloc(pool, *len + 1);

        if (buf) {
            n = read(fd, buf, *len);

            if (n != (ssize_t) *len) {
                buf = NULL;
            }
        }
    }

    (void) ngx_close_file(fd);

    return buf;
}


/*
 * A recorded submission "job": the problem it was to and its body.
 * NGX_DECLINED: none is recorded.
 */

ngx_int_t
ngx_http_judge_problem_recorded(ngx_pool_t *pool, ngx_path_t *dir,
    ngx_str_t *job, size_t max, ngx_str_t *id, ngx_str_t *body)
{
    u_char  *rec, *sp;
    size_t   len;
    u_char   name[NGX_MAX_PATH];

    if (job->len != NGX_HTTP_JUDGE_JOB_ID_LEN
        || ngx_http_judge_problem_path(dir, name, "s/%V", job) != NGX_OK)
    {
        return NGX_DECLINED;
    }

    rec = ngx_http_judge_problem_read(pool, name, 256, &len);
    if (rec == NULL) {
        return NGX_DECLINED;
    }

    sp = ngx_strlchr(rec, rec + len, ' ');

    if (sp == NULL || rec + len - (sp + 1) != 64) {
        return NGX_DECLINED;
    }

    id->data = rec;
    id->len = sp - rec;

    return ngx_http_judge_problem_body(pool, dir, sp + 1, max, body);
}


/* the body of hash "hash" (64 hex digits) */

ngx_int_t
ngx_http_judge_problem_body(ngx_pool_t *pool, ngx_path_t *dir, u_char *hash,
    size_t max, ngx_str_t *body)
{
    u_char  name[NGX_MAX_PATH];

    if (ngx_http_judge_problem_path(dir, name, "d/%*s", (size_t) 64, hash)
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    body->data = ngx_http_judge_problem_read(pool, name, max, &body->len);

    return body->data ? NGX_OK : NGX_DECLINED;
}


/*
 * The submissions recorded for problem "id", one of each body (the
 * earliest), at most "max": an array of ngx_http_judge_problem_rec_t.
 * The file is read through, however many times a body was submitted.
 */

ngx_array_t *
ngx_http_judge_problem_records(ngx_pool_t *pool, ngx_path_t *dir,
    ngx_str_t *id, ngx_uint_t max)
{
    u_char                         *p, *last, *eol;
    size_t                          have;
    ssize_t                         n;
    uint32_t                        key;
    ngx_fd_t                        fd;
    ngx_str_t                       hash;
    ngx_uint_t                      skip;
    ngx_array_t                    *recs;
    ngx_rbtree_t                    seen;
    ngx_str_node_t                 *sn;
    ngx_rbtree_node_t               sentinel;
    ngx_http_judge_problem_rec_t   *rec;
    u_char                          name[NGX_MAX_PATH];
    u_char                          buf[8192];

    recs = ngx_array_create(pool, 16, sizeof(ngx_http_judge_problem_rec_t));
    if (recs == NULL
        || ngx_http_judge_problem_path(dir, name, "p/%V.subs", id) != NGX_OK)
    {
        return NULL;
    }

    fd = ngx_open_file(name, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        return recs;
    }

    ngx_rbtree_init(&seen, &sentinel, ngx_str_rbtree_insert_value);

    have = 0;
    skip = 0;

    while (recs->nelts < max) {
        n = read(fd, buf + have, sizeof(buf) - have);

        if (n == -1 && ngx_errno == NGX_EINTR) {
            continue;
        }

        if (n <= 0) {
            break;
        }

        last = buf + have + n;

        for (p = buf; recs->nelts < max; p = eol + 1) {
            eol = ngx_strlchr(p, last, LF);

            if (eol == NULL) {
                break;
            }

            /* a line too long for the buffer ends here */

            if (skip) {
                skip = 0;
                continue;
            }

            if (eol - p != NGX_HTTP_JUDGE_JOB_ID_LEN + 1 + 64) {
                continue;
            }

            /* one of each program: those seen are in a tree by hash */

            hash.data = p + NGX_HTTP_JUDGE_JOB_ID_LEN + 1;
            hash.len = 64;
            key = ngx_crc32_short(hash.data, hash.len);

            if (ngx_str_rbtree_lookup(&seen, &hash, key) != NULL) {
                continue;
            }

            rec = ngx_array_push(recs);
            sn = ngx_palloc(pool, sizeof(ngx_str_node_t));

            if (rec == NULL || sn == NULL) {
                (void) ngx_close_file(fd);
                return NULL;
            }

            ngx_memcpy(rec->job, p, NGX_HTTP_JUDGE_JOB_ID_LEN);
            ngx_memcpy(rec->hash, hash.data, 64);

            sn->node.key = key;
            sn->str.data = rec->hash;
            sn->str.len = 64;
            ngx_rbtree_insert(&seen, &sn->node);
        }

        have = last - p;

        if (have == sizeof(buf)) {
            have = 0;
            skip = 1;

        } else {
            ngx_memmove(buf, p, have);
        }
    }

    (void) ngx_close_file(fd);

    return recs;
}
