
/*
 * Copyright (C) ngx_judge authors
 */


#ifndef _NGX_HTTP_JUDGE_PROBLEM_H_INCLUDED_
#define _NGX_HTTP_JUDGE_PROBLEM_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include <jansson.h>

#include "ngx_http_judge_module.h"
#include "ngx_http_judge_parse.h"


/*
 * Problems stored on the judge.  A problem is a record, not a cache
 * entry: it lives in judge_problems_path and is never evicted.
 *
 *   d/<sha256>               a test file (input or expected output),
 *                            named by the SHA-256 of its bytes
 *   p/<id>.<version>.json    one version of a problem's definition,
 *                            in the stored form below; written to a
 *                            temporary name and renamed, so a version
 *                            is whole or absent
 *   p/<id>.<version>.line    what GET /problems shows of that version
 *   p/<id>                   a link to its latest version
 *   p/<id>.subs              "<job> <hash>" of each submission to it,
 *                            its body stored as d/<hash>, for rejudging
 *   s/<job>                  "<problem> <hash>" of one such submission
 *
 * Every nginx process reads them from the directory (a problem's write
 * holds a lock file, p/<id>.lock, so versions go up by one).
 *
 * The stored form of a definition, made from a PUT of JSON or of a
 * Kattis problem package, with every test's bytes replaced by a
 * reference {"sha256": "<hex>", "size": n} to its file:
 *
 *   {
 *     "title": "...", "statement": "<Markdown>",
 *     "limits": { the limits of a submission: cpu_time_ms,
 *                 wall_time_ms, memory_kb, output_kb, stack_kb,
 *                 processes },
 *     "checker": { "type": "default" | "exact" | "tokens" | "float"
 *                  | "custom", "abs_tolerance", "rel_tolerance",
 *                  custom: "language", "files": [{"name", "content"}],
 *                  "kattis": true for an output validator },
 *     "interactor": { "language", "files", "kattis" }      optional
 *     "scoring": true                 groups' scores add up to a score
 *     "stages": [
 *       { "name": "...", "score": n (scoring: the group's),
 *         "tests": [
 *           { "name": "...", "sample": true | false,
 *             "input": ref, "expected": ref (optional),
 *             "args": ["..."], "env": {"NAME": "value"},
 *             "limits": { as above, for this test },
 *             "assertions": [ {"<kind>": value, "description": "..."} ]
 *           } ] } ]
 *   }
 */


/* files a definition's tests are in: put one, get its reference */
typedef ngx_int_t (*ngx_http_judge_problem_put_pt)(void *data, u_char *bytes,
    size_t len, json_t **ref);


#define NGX_HTTP_JUDGE_PROBLEM_ID_LEN  64


ngx_int_t ngx_http_judge_problem_id_ok(ngx_str_t *id);
ngx_int_t ngx_http_judge_problem_own(ngx_cycle_t *cycle, ngx_path_t *dir,
    ngx_uid_t user);

/* the put of test files into judge_problems_path ("data": its ngx_path_t) */
ngx_int_t ngx_http_judge_problem_put(void *data, u_char *bytes, size_t len,
    json_t **ref);

json_t *ngx_http_judge_problem_parse(ngx_str_t *body,
    ngx_http_judge_problem_put_pt put, void *data,
    ngx_http_judge_invalid_t *err);
ngx_int_t ngx_http_judge_problem_check(ngx_path_t *dir, json_t *def,
    ngx_uint_t max_tests, ngx_http_judge_invalid_t *err);
ngx_int_t ngx_http_judge_problem_save(ngx_path_t *dir, ngx_str_t *id,
    json_t *def, ngx_uint_t *version, ngx_http_judge_invalid_t *err);
json_t *ngx_http_judge_problem_load(ngx_path_t *dir, ngx_str_t *id,
    ngx_uint_t version, ngx_http_judge_invalid_t *err);
ngx_uint_t ngx_http_judge_problem_version(ngx_path_t *dir, ngx_str_t *id);
ngx_int_t ngx_http_judge_problem_install(ngx_path_t *dir, ngx_str_t *id,
    ngx_uint_t version, json_t *def);

/* with judge_redis (ngx_http_judge_problem_sync.c) */
void ngx_http_judge_problem_publish(ngx_path_t *dir, ngx_str_t *id,
    ngx_uint_t version, json_t *def);
void ngx_http_judge_problem_sync(ngx_http_judge_zone_t *zone);
json_t *ngx_http_judge_problem_public(ngx_path_t *dir, json_t *def);
json_t *ngx_http_judge_problem_list(ngx_pool_t *pool, ngx_path_t *dir,
    ngx_str_t *cursor, ngx_uint_t limit);


/* a submission recorded for rejudging */
typedef struct {
    u_char                       job[NGX_HTTP_JUDGE_JOB_ID_LEN];
    u_char                       hash[64];
} ngx_http_judge_problem_rec_t;


ngx_int_t ngx_http_judge_problem_record(ngx_path_t *dir, ngx_str_t *id,
    ngx_str_t *job, ngx_str_t *body);
ngx_int_t ngx_http_judge_problem_recorded(ngx_pool_t *pool, ngx_path_t *dir,
    ngx_str_t *job, size_t max, ngx_str_t *id, ngx_str_t *body);
ngx_int_t ngx_http_judge_problem_body(ngx_pool_t *pool, ngx_path_t *dir,
    u_char *hash, size_t max, ngx_str_t *body);
ngx_array_t *ngx_http_judge_problem_records(ngx_pool_t *pool,
    ngx_path_t *dir, ngx_str_t *id, ngx_uint_t max);


/*
 * A Kattis problem package (tar.gz or zip, "len" bytes at "pkg") made a
 * definition in the stored form, its test files put with "put".
 * NGX_ERROR: "err" says which file and what is wrong (422), or that "put"
 * or memory failed (500).  Memory work only: no I/O but "put", no log.
 *
 * A package is refused (422) past these bounds, whatever its headers
 * claim: the bytes are counted as they are unpacked, so a zip bomb stops
 * at the total.  The whole package is held in memory while it converts.
 */

#define NGX_HTTP_JUDGE_KATTIS_MAX_TOTAL    (256 * 1024 * 1024)  /* unpacked */
#define NGX_HTTP_JUDGE_KATTIS_MAX_FILE     (64 * 1024 * 1024)   /* a file */
#define NGX_HTTP_JUDGE_KATTIS_MAX_ENTRIES  10000    /* files, dirs, links */
#define NGX_HTTP_JUDGE_KATTIS_MAX_PATH     1024     /* bytes of a path */
#define NGX_HTTP_JUDGE_KATTIS_MAX_LINKS    40       /* links to a file */
#define NGX_HTTP_JUDGE_KATTIS_MAX_YAML     65536    /* a .yaml file */
#define NGX_HTTP_JUDGE_KATTIS_MAX_TEXT     (1024 * 1024)
                                    /* the statement; a validator's files */

ngx_int_t ngx_http_judge_kattis_convert(u_char *pkg, size_t len,
    ngx_http_judge_problem_put_pt put, void *data, json_t **def,
    ngx_http_judge_invalid_t *err);


#endif /* _NGX_HTTP_JUDGE_PROBLEM_H_INCLUDED_ */
