
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * A Kattis problem package made a definition in the stored form
 * (ngx_http_judge_problem.h; docs/ARCHITECTURE.md, "Kattis problem
 * packages", says what becomes what).
 *
 *   read     libarchive unpacks the package from memory, every entry's
 *            path checked and every byte counted against the bounds
 *   index    the entries sorted by path; the package's root found (the
 *            files, or one top-level directory); links followed to the
 *            file they end at
 *   convert  problem.yaml, the statement, the limits, the output
 *            validator, then data/ group by group: a stage each, every
 *            test file handed to "put" once however many links share it
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <math.h>
#include <archive.h>
#include <archive_entry.h>
#include <yaml.h>

#include "ngx_http_judge_problem.h"
#include "ngx_http_judge_json.h"


#define NGX_HTTP_JUDGE_KATTIS_FILE      0
#define NGX_HTTP_JUDGE_KATTIS_DIR       1
#define NGX_HTTP_JUDGE_KATTIS_SYMLINK   2
#define NGX_HTTP_JUDGE_KATTIS_HARDLINK  3

/* what a package that does not say gets */
#define NGX_HTTP_JUDGE_KATTIS_TIME_MS     1000
#define NGX_HTTP_JUDGE_KATTIS_MEMORY_MIB  2048
#define NGX_HTTP_JUDGE_KATTIS_OUTPUT_MIB  8

/* at most an hour of CPU, a TiB of memory or output: a number, not a typo */
#define NGX_HTTP_JUDGE_KATTIS_MAX_SECONDS  3600
#define NGX_HTTP_JUDGE_KATTIS_MAX_MIB      (1024 * 1024)

/* YAML's aliases may make a small file a large tree */
#define NGX_HTTP_JUDGE_KATTIS_YAML_DEPTH  32
#define NGX_HTTP_JUDGE_KATTIS_YAML_NODES  10000


typedef struct ngx_http_judge_kattis_entry_s  ngx_http_judge_kattis_entry_t;

struct ngx_http_judge_kattis_entry_s {
    char                           *path;     /* in the archive, normalized */
    char                           *name;     /* from the package's root */
    ngx_uint_t                      type;
    char                           *target;   /* a link's */
    u_char                         *data;
    size_t                          size;
    ngx_http_judge_kattis_entry_t  *file;     /* the file a link ends at */
    json_t                         *ref;      /* the file, put */
};


typedef struct {
    ngx_http_judge_kattis_entry_t  *entries;
    ngx_uint_t                      nentries;
    ngx_uint_t                      nalloc;
    size_t                          total;

    char                           *root;     /* one top-level directory */
    size_t                          root_len;

    json_t                         *problem;  /* problem.yaml */
    ngx_uint_t                      scoring;
    ngx_uint_t                      interactive;
    ngx_uint_t                      custom;

    ngx_http_judge_problem_put_pt   put;
    void                           *data;
    ngx_http_judge_invalid_t       *err;
} ngx_http_judge_kattis_t;


typedef struct {
    const char                     *ext;
    const char                     *language;   /* NULL: a header */
} ngx_http_judge_kattis_lang_t;


static ngx_int_t ngx_http_judge_kattis_fail(ngx_http_judge_kattis_t *k,
    const char *fmt, ...);
static ngx_int_t ngx_http_judge_kattis_nomem(ngx_http_judge_kattis_t *k);
static ngx_int_t ngx_http_judge_kattis_read(ngx_http_judge_kattis_t *k,
    u_char *pkg, size_t len);
static ngx_int_t ngx_http_judge_kattis_entry(ngx_http_judge_kattis_t *k,
    struct archive *a, struct archive_entry *ae);
static ngx_int_t ngx_http_judge_kattis_data(ngx_http_judge_kattis_t *k,
    struct archive *a, struct archive_entry *ae,
    ngx_http_judge_kattis_entry_t *e);
static ngx_int_t ngx_http_judge_kattis_normalize(ngx_http_judge_kattis_t *k,
    const char *in, char **out);
static ngx_int_t ngx_http_judge_kattis_index(ngx_http_judge_kattis_t *k);
static int ngx_http_judge_kattis_cmp(const void *a, const void *b);
static ngx_int_t ngx_http_judge_kattis_root(ngx_http_judge_kattis_t *k);
static ngx_int_t ngx_http_judge_kattis_links(ngx_http_judge_kattis_t *k);
static ngx_int_t ngx_http_judge_kattis_join(const char *dir, size_t dir_len,
    const char *target, char *buf);
static ngx_http_judge_kattis_entry_t *ngx_http_judge_kattis_find(
    ngx_http_judge_kattis_t *k, const char *name);
static ngx_uint_t ngx_http_judge_kattis_lower(ngx_http_judge_kattis_t *k,
    const char *prefix);
static ngx_uint_t ngx_http_judge_kattis_is_dir(ngx_http_judge_kattis_t *k,
    const char *name);
static ngx_http_judge_kattis_entry_t *ngx_http_judge_kattis_file(
    ngx_http_judge_kattis_t *k, const char *name);
static json_t *ngx_http_judge_kattis_yaml(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *e);
static json_t *ngx_http_judge_kattis_yaml_node(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *e, yaml_document_t *doc, yaml_node_t *node,
    ngx_uint_t depth, ngx_uint_t *nodes);
static ngx_int_t ngx_http_judge_kattis_number(ngx_http_judge_kattis_t *k,
    const char *file, const char *key, json_t *v, double *n);
static ngx_int_t ngx_http_judge_kattis_parse(const char *s, size_t len,
    double *n);
static ngx_int_t ngx_http_judge_kattis_type(ngx_http_judge_kattis_t *k);
static ngx_int_t ngx_http_judge_kattis_type_word(ngx_http_judge_kattis_t *k,
    const char *word);
static ngx_int_t ngx_http_judge_kattis_validation(ngx_http_judge_kattis_t *k);
static ngx_uint_t ngx_http_judge_kattis_word(const char *s, size_t n,
    const char *word);
static ngx_int_t ngx_http_judge_kattis_title(ngx_http_judge_kattis_t *k,
    json_t *def);
static ngx_int_t ngx_http_judge_kattis_limits(ngx_http_judge_kattis_t *k,
    json_t *def);
static ngx_int_t ngx_http_judge_kattis_limit(ngx_http_judge_kattis_t *k,
    json_t *limits, const char *key, double max, double *n);
static ngx_int_t ngx_http_judge_kattis_statement(ngx_http_judge_kattis_t *k,
    json_t *def);
static json_t *ngx_http_judge_kattis_text(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *e);
static ngx_int_t ngx_http_judge_kattis_checker(ngx_http_judge_kattis_t *k,
    json_t *def);
static ngx_int_t ngx_http_judge_kattis_default(ngx_http_judge_kattis_t *k,
    json_t *def);
static ngx_int_t ngx_http_judge_kattis_validator(ngx_http_judge_kattis_t *k,
    json_t *def);
static ngx_int_t ngx_http_judge_kattis_program(ngx_http_judge_kattis_t *k,
    const char *dir, json_t *program);
static ngx_int_t ngx_http_judge_kattis_stages(ngx_http_judge_kattis_t *k,
    json_t *def);
static int ngx_http_judge_kattis_strcmp(const void *a, const void *b);
static ngx_int_t ngx_http_judge_kattis_stage(ngx_http_judge_kattis_t *k,
    const char *dir, json_t *stages);
static ngx_int_t ngx_http_judge_kattis_test(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *in, ngx_uint_t sample, json_t *tests);
static ngx_int_t ngx_http_judge_kattis_ref(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *e, json_t *test, const char *key);
static ngx_int_t ngx_http_judge_kattis_score(ngx_http_judge_kattis_t *k,
    const char *dir, size_t ntests, json_t *stage);
static ngx_int_t ngx_http_judge_kattis_settings(ngx_http_judge_kattis_t *k,
    const char *file, json_t *settings, size_t ntests, double *score);
static void ngx_http_judge_kattis_free(ngx_http_judge_kattis_t *k);


static ngx_http_judge_kattis_lang_t  ngx_http_judge_kattis_langs[] = {
    { ".c", "c" },
    { ".cpp", "cpp" },
    { ".cc", "cpp" },
    { ".cxx", "cpp" },
    { ".py", "python" },
    { ".java", "java" },
    { ".h", NULL },
    { ".hpp", NULL },
    { ".hh", NULL },
    { ".hxx", NULL },
    { NULL, NULL }
};


ngx_int_t
ngx_http_judge_kattis_convert(u_char *pkg, size_t len,
    ngx_http_judge_problem_put_pt put, void *data, json_t **def,
    ngx_http_judge_invalid_t *err)
{
    json_t                   *out;
    ngx_int_t                 rc;
    ngx_http_judge_kattis_t   k;

    ngx_memzero(&k, sizeof(ngx_http_judge_kattis_t));
    k.put = put;
    k.data = data;
    k.err = err;

    *def = NULL;
    out = NULL;

    rc = ngx_http_judge_kattis_read(&k, pkg, len);

    if (rc == NGX_OK) {
        rc = ngx_http_judge_kattis_index(&k);
    }

    if (rc == NGX_OK) {
        out = json_object();
        rc = (out == NULL) ? ngx_http_judge_kattis_nomem(&k) : NGX_OK;
    }

    if (rc == NGX_OK
        && (ngx_http_judge_kattis_type(&k) != NGX_OK
            || ngx_http_judge_kattis_validation(&k) != NGX_OK
            || ngx_http_judge_kattis_title(&k, out) != NGX_OK
            || ngx_http_judge_kattis_statement(&k, out) != NGX_OK
            || ngx_http_judge_kattis_limits(&k, out) != NGX_OK
            || ngx_http_judge_kattis_checker(&k, out) != NGX_OK
            || ngx_http_judge_kattis_stages(&k, out) != NGX_OK))
    {
        rc = NGX_ERROR;
    }

    if (rc == NGX_OK && k.scoring
        && json_object_set_new(out, "scoring", json_true()) != 0)
    {
        rc = ngx_http_judge_kattis_nomem(&k);
    }

    if (rc == NGX_OK) {
        *def = out;
        out = NULL;
    }

    json_decref(out);
    ngx_http_judge_kattis_free(&k);

    return rc;
}


/* a 422 naming what is wrong */

static ngx_int_t
ngx_http_judge_kattis_fail(ngx_http_judge_kattis_t *k, const char *fmt, ...)
{
    va_list                    args;
    ngx_http_judge_invalid_t  *err;

    err = k->err;

    va_start(args, fmt);
    (void) ngx_http_judge_invalid_args(err, NGX_HTTP_JUDGE_UNPROCESSABLE,
                                       "invalid_package", fmt, args);
    va_end(args);

    return NGX_ERROR;
}


static ngx_int_t
ngx_http_judge_kattis_nomem(ngx_http_judge_kattis_t *k)
{
    ngx_http_judge_invalid_t  *err;

    err = k->err;

    return ngx_http_judge_invalid(err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                  "internal_error", "out of memory");
}


/*
 * Every entry of the archive into k->entries: its checked path, its kind,
 * a link's target, a file's bytes.  Gzip only through zlib, so that
 * libarchive never starts a program to decompress.
 */

static ngx_int_t
ngx_http_judge_kattis_read(ngx_http_judge_kattis_t *k, u_char *pkg,
    size_t len)
{
    int                    rc;
    const char            *reason;
    ngx_int_t              ok;
    struct archive        *a;
    struct archive_entry  *ae;

    a = archive_read_new();
    if (a == NULL) {
        return ngx_http_judge_kattis_nomem(k);
    }

    if (archive_read_support_filter_gzip(a) != ARCHIVE_OK
        || archive_read_support_format_tar(a) != ARCHIVE_OK
        || archive_read_support_format_zip(a) != ARCHIVE_OK)
    {
        archive_read_free(a);
        return ngx_http_judge_invalid(k->err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                      "internal_error", "libarchive cannot "
                                      "read tar.gz and zip");
    }

    ok = NGX_OK;

    if (archive_read_open_memory(a, pkg, len) != ARCHIVE_OK) {
        reason = archive_error_string(a);
        ok = ngx_http_judge_kattis_fail(k, "the package is not a tar.gz or "
                                        "zip archive: %s",
                                        reason ? reason : "unreadable");
    }

    while (ok == NGX_OK) {
        rc = archive_read_next_header(a, &ae);

        if (rc == ARCHIVE_EOF) {
            break;
        }

        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
            reason = archive_error_string(a);

            if (k->nentries == 0) {
                ok = ngx_http_judge_kattis_fail(k, "the package is not a "
                                                "tar.gz or zip archive: %s",
                                                reason ? reason
                                                       : "unreadable");

            } else {
                ok = ngx_http_judge_kattis_fail(k, "the package is damaged "
                                      "after %s: %s",
                                      k->entries[k->nentries - 1].path,
                                      reason ? reason : "unreadable");
            }

            break;
        }

        ok = ngx_http_judge_kattis_entry(k, a, ae);
    }

    archive_read_free(a);

    return ok;
}


static ngx_int_t
ngx_http_judge_kattis_entry(ngx_http_judge_kattis_t *k, struct archive *a,
    struct archive_entry *ae)
{
    char                           *path, *target;
    size_t                          n;
    ngx_uint_t                      type;
    const char                     *name, *link;
    ngx_http_judge_kattis_entry_t  *e;

    name = archive_entry_pathname(ae);
    if (name == NULL) {
        return ngx_http_judge_kattis_fail(k, "an entry of the package has "
                                          "no name");
    }

    if (k->nentries == NGX_HTTP_JUDGE_KATTIS_MAX_ENTRIES) {
        return ngx_http_judge_kattis_fail(k, "the package has more than %d "
                                          "entries",
                                          NGX_HTTP_JUDGE_KATTIS_MAX_ENTRIES);
    }

    if (ngx_http_judge_kattis_normalize(k, name, &path) != NGX_OK) {
        return NGX_ERROR;
    }

    if (path[0] == '\0') {
        /* "./", the archive's own root */
        free(path);
        return NGX_OK;
    }

    target = NULL;

    link = archive_entry_hardlink(ae);

    if (link != NULL) {
        type = NGX_HTTP_JUDGE_KATTIS_HARDLINK;

        if (ngx_http_judge_kattis_normalize(k, link, &target) != NGX_OK) {
            free(path);
            return NGX_ERROR;
        }

    } else {
        switch (archive_entry_filetype(ae)) {

        case AE_IFREG:
            type = NGX_HTTP_JUDGE_KATTIS_FILE;
            break;

        case AE_IFDIR:
            type = NGX_HTTP_JUDGE_KATTIS_DIR;
            break;

        case AE_IFLNK:
            type = NGX_HTTP_JUDGE_KATTIS_SYMLINK;
            link = archive_entry_symlink(ae);

            n = (link == NULL) ? 0 : ngx_strlen(link);

            if (n == 0 || n > NGX_HTTP_JUDGE_KATTIS_MAX_PATH) {
                ngx_http_judge_kattis_fail(k, "%s: a link without a usable "
                                           "target", path);
                free(path);
                return NGX_ERROR;
            }

            target = malloc(n + 1);
            if (target == NULL) {
                free(path);
                return ngx_http_judge_kattis_nomem(k);
            }

            ngx_memcpy(target, link, n + 1);
            break;

        default:
            ngx_http_judge_kattis_fail(k, "%s: a device file, FIFO or "
                                       "socket; a package holds files, "
                                       "directories and links", path);
            free(path);
            return NGX_ERROR;
        }
    }

    if (k->nentries == k->nalloc) {
        n = k->nalloc ? 2 * k->nalloc : 64;

        e = realloc(k->entries, n * sizeof(ngx_http_judge_kattis_entry_t));
        if (e == NULL) {
            free(path);
            free(target);
            return ngx_http_judge_kattis_nomem(k);
        }

        k->entries = e;
        k->nalloc = n;
    }

    e = &k->entries[k->nentries++];
    ngx_memzero(e, sizeof(ngx_http_judge_kattis_entry_t));

    e->path = path;
    e->name = path;
    e->type = type;
    e->target = target;

    if (type == NGX_HTTP_JUDGE_KATTIS_FILE) {
        return ngx_http_judge_kattis_data(k, a, ae, e);
    }

    /* bytes a link or directory carries are skipped, unpacked all the same */

    if (archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0) {
        k->total += ngx_min((uint64_t) archive_entry_size(ae),
                            NGX_HTTP_JUDGE_KATTIS_MAX_TOTAL + 1);

        if (k->total > NGX_HTTP_JUDGE_KATTIS_MAX_TOTAL) {
            return ngx_http_judge_kattis_fail(k, "%s: the package unpacks to "
                                      "more than %d MiB", e->path,
                                      NGX_HTTP_JUDGE_KATTIS_MAX_TOTAL
                                      / (1024 * 1024));
        }
    }

    return NGX_OK;
}


/*
 * A file's bytes, counted as they come: its header's size is a hint for
 * the first allocation, never trusted, and what a lying one made too large
 * is given back.
 */

static ngx_int_t
ngx_http_judge_kattis_data(ngx_http_judge_kattis_t *k, struct archive *a,
    struct archive_entry *ae, ngx_http_judge_kattis_entry_t *e)
{
    u_char      *p;
    size_t       cap;
    ssize_t      n;
    const char  *reason;

    cap = 4096;

    if (archive_entry_size_is_set(ae)
        && archive_entry_size(ae) > NGX_HTTP_JUDGE_KATTIS_MAX_FILE)
    {
        return ngx_http_judge_kattis_fail(k, "%s: larger than the %d MiB a "
                                          "file may have", e->path,
                                          NGX_HTTP_JUDGE_KATTIS_MAX_FILE
                                          / (1024 * 1024));
    }

    if (archive_entry_size_is_set(ae) && archive_entry_size(ae) >= 0) {
        cap = ngx_max(cap, (size_t) ngx_min(archive_entry_size(ae) + 1,
                                            NGX_HTTP_JUDGE_KATTIS_MAX_FILE
                                            + 1));
    }

    e->data = malloc(cap);
    if (e->data == NULL) {
        return ngx_http_judge_kattis_nomem(k);
    }

    for ( ;; ) {
        if (e->size == cap) {
            if (cap > NGX_HTTP_JUDGE_KATTIS_MAX_FILE) {
                return ngx_http_judge_kattis_fail(k, "%s: larger than the "
                                          "%d MiB a file may have", e->path,
                                          NGX_HTTP_JUDGE_KATTIS_MAX_FILE
                                          / (1024 * 1024));
            }

            cap = ngx_min(2 * cap, NGX_HTTP_JUDGE_KATTIS_MAX_FILE + 1);

            p = realloc(e->data, cap);
            if (p == NULL) {
                return ngx_http_judge_kattis_nomem(k);
            }

            e->data = p;
        }

        n = archive_read_data(a, e->data + e->size, cap - e->size);

        if (n == 0) {
            break;
        }

        if (n < 0) {
            reason = archive_error_string(a);
            return ngx_http_judge_kattis_fail(k, "%s: cannot be unpacked: %s",
                                              e->path,
                                              reason ? reason : "damaged");
        }

        e->size += n;
        k->total += n;

        if (k->total > NGX_HTTP_JUDGE_KATTIS_MAX_TOTAL) {
            return ngx_http_judge_kattis_fail(k, "%s: the package unpacks to "
                                      "more than %d MiB", e->path,
                                      NGX_HTTP_JUDGE_KATTIS_MAX_TOTAL
                                      / (1024 * 1024));
        }
    }

    if (cap > 4096 && cap / 2 > e->size) {
        p = realloc(e->data, e->size + 1);
        if (p == NULL) {
            return ngx_http_judge_kattis_nomem(k);
        }

        e->data = p;
    }

    return NGX_OK;
}


/*
 * A path of the archive as "a/b/c": no "." or empty parts, no leading or
 * trailing "/".  Refused: absolute, "..", too long, bytes other than
 * printable ASCII (which the package format's names are).
 */

static ngx_int_t
ngx_http_judge_kattis_normalize(ngx_http_judge_kattis_t *k, const char *in,
    char **out)
{
    char        *p;
    size_t       len, n;
    const char  *s, *end;

    len = ngx_strlen(in);

    if (len > NGX_HTTP_JUDGE_KATTIS_MAX_PATH) {
        return ngx_http_judge_kattis_fail(k, "a path longer than %d bytes: "
                                          "%*s...",
                                          NGX_HTTP_JUDGE_KATTIS_MAX_PATH,
                                          (size_t) 64, in);
    }

    for (n = 0; n < len; n++) {
        if ((u_char) in[n] < 0x20 || (u_char) in[n] > 0x7e) {
            return ngx_http_judge_kattis_fail(k, "a path with bytes other "
                                              "than printable ASCII: "
                                              "\"%*s\"...", n, in);
        }
    }

    if (in[0] == '/') {
        return ngx_http_judge_kattis_fail(k, "%s: an absolute path", in);
    }

    p = malloc(len + 1);
    if (p == NULL) {
        return ngx_http_judge_kattis_nomem(k);
    }

    *out = p;

    for (s = in; *s != '\0'; s = end) {
        end = s + strcspn(s, "/");
        n = end - s;

        if (*end == '/') {
            end++;
        }

        if (n == 0 || (n == 1 && s[0] == '.')) {
            continue;
        }

        if (n == 2 && s[0] == '.' && s[1] == '.') {
            free(*out);
            return ngx_http_judge_kattis_fail(k, "%s: a path with \"..\"",
                                              in);
        }

        if (p != *out) {
            *p++ = '/';
        }

        p = (char *) ngx_cpymem(p, s, n);
    }

    *p = '\0';

    return NGX_OK;
}


/* sorted, the root found, names from the root, links followed */

static ngx_int_t
ngx_http_judge_kattis_index(ngx_http_judge_kattis_t *k)
{
    ngx_uint_t                      i;
    ngx_http_judge_kattis_entry_t  *e;

    if (k->nentries == 0) {
        return ngx_http_judge_kattis_fail(k, "the package is empty");
    }

    qsort(k->entries, k->nentries, sizeof(ngx_http_judge_kattis_entry_t),
          ngx_http_judge_kattis_cmp);

    for (i = 1; i < k->nentries; i++) {
        e = &k->entries[i];

        if (ngx_strcmp(e->path, e[-1].path) == 0
            && (e->type != NGX_HTTP_JUDGE_KATTIS_DIR
                || e[-1].type != NGX_HTTP_JUDGE_KATTIS_DIR))
        {
            return ngx_http_judge_kattis_fail(k, "%s: twice in the package",
                                              e->path);
        }
    }

    if (ngx_http_judge_kattis_root(k) != NGX_OK
        || ngx_http_judge_kattis_links(k) != NGX_OK)
    {
        return NGX_ERROR;
    }

    e = ngx_http_judge_kattis_file(k, "problem.yaml");
    if (e == NULL) {
        return ngx_http_judge_kattis_fail(k, "problem.yaml: not a file");
    }

    k->problem = ngx_http_judge_kattis_yaml(k, e);

    return (k->problem != NULL) ? NGX_OK : NGX_ERROR;
}


static int
ngx_http_judge_kattis_cmp(const void *a, const void *b)
{
    const ngx_http_judge_kattis_entry_t  *x = a, *y = b;

    return ngx_strcmp(x->path, y->path);
}


/*
 * The package's root: problem.yaml at the top, or one directory all else
 * is in, with problem.yaml in it.  Names are then from the root, and the
 * directory's own entry goes.
 */

static ngx_int_t
ngx_http_judge_kattis_root(ngx_http_judge_kattis_t *k)
{
    char                           *first, *p;
    size_t                          n;
    ngx_uint_t                      i, j;
    ngx_http_judge_kattis_entry_t  *e;

    if (ngx_http_judge_kattis_find(k, "problem.yaml") != NULL) {
        return NGX_OK;
    }

    first = k->entries[0].path;
    n = strcspn(first, "/");

    for (i = 0; i < k->nentries; i++) {
        p = k->entries[i].path;

        if (ngx_strncmp(p, first, n) != 0 || (p[n] != '\0' && p[n] != '/')) {
            goto missing;
        }
    }

    p = malloc(n + sizeof("/problem.yaml"));
    if (p == NULL) {
        return ngx_http_judge_kattis_nomem(k);
    }

    ngx_memcpy(p, first, n);
    ngx_memcpy(p + n, "/problem.yaml", sizeof("/problem.yaml"));

    e = ngx_http_judge_kattis_find(k, p);
    free(p);

    if (e == NULL) {
        goto missing;
    }

    /* names from the root; the directory's own entry leaves the index */

    k->root = malloc(n + 1);
    if (k->root == NULL) {
        return ngx_http_judge_kattis_nomem(k);
    }

    ngx_memcpy(k->root, first, n);
    k->root[n] = '\0';
    k->root_len = n;

    for (i = 0; i < k->nentries; i++) {
        e = &k->entries[i];

        if (e->path[n] == '\0' && e->type != NGX_HTTP_JUDGE_KATTIS_DIR) {
            return ngx_http_judge_kattis_fail(k, "%s: both a file and the "
                                              "package's directory",
                                              e->path);
        }

        if (e->type == NGX_HTTP_JUDGE_KATTIS_HARDLINK
            && (ngx_strncmp(e->target, k->root, n) != 0
                || e->target[n] != '/'))
        {
            return ngx_http_judge_kattis_fail(k, "%s: a link to \"%s\", "
                                              "outside the package",
                                              e->path, e->target);
        }
    }

    for (i = 0, j = 0; i < k->nentries; i++) {
        e = &k->entries[i];

        if (e->path[n] == '\0') {
            free(e->path);
            continue;
        }

        e->name = e->path + n + 1;

        if (e->type == NGX_HTTP_JUDGE_KATTIS_HARDLINK) {
            ngx_memmove(e->target, e->target + n + 1,
                        ngx_strlen(e->target + n + 1) + 1);
        }

        k->entries[j++] = *e;
    }

    k->nentries = j;

    return NGX_OK;

missing:

    return ngx_http_judge_kattis_fail(k, "problem.yaml: not in the package "
                                      "(at its top, or in its one top-level "
                                      "directory)");
}


/*
 * Each link followed to the file it ends at, whether or not a test uses
 * it: a link out of the package, to a directory, to nothing, or in a loop
 * is refused.
 */

static ngx_int_t
ngx_http_judge_kattis_links(ngx_http_judge_kattis_t *k)
{
    char                           *slash;
    size_t                          dir_len;
    ngx_uint_t                      i, hops;
    ngx_http_judge_kattis_entry_t  *e, *cur, *next;
    char                            buf[2 * NGX_HTTP_JUDGE_KATTIS_MAX_PATH
                                        + 2];

    /* the entries are in place now: a file is its own */

    for (i = 0; i < k->nentries; i++) {
        e = &k->entries[i];
        e->file = (e->type == NGX_HTTP_JUDGE_KATTIS_FILE) ? e : NULL;
    }

    for (i = 0; i < k->nentries; i++) {
        e = &k->entries[i];

        if (e->type != NGX_HTTP_JUDGE_KATTIS_SYMLINK
            && e->type != NGX_HTTP_JUDGE_KATTIS_HARDLINK)
        {
            continue;
        }

        cur = e;

        for (hops = 0; cur->file == NULL; hops++) {
            if (hops == NGX_HTTP_JUDGE_KATTIS_MAX_LINKS) {
                return ngx_http_judge_kattis_fail(k, "%s: a loop of links, "
                                                  "or more than %d in a row",
                                                  e->name,
                                          NGX_HTTP_JUDGE_KATTIS_MAX_LINKS);
            }

            if (cur->type == NGX_HTTP_JUDGE_KATTIS_HARDLINK) {
                ngx_cpystrn((u_char *) buf, (u_char *) cur->target,
                            sizeof(buf));

            } else {
                slash = strrchr(cur->name, '/');
                dir_len = (slash == NULL) ? 0 : (size_t) (slash - cur->name);

                if (ngx_http_judge_kattis_join(cur->name, dir_len,
                                               cur->target, buf)
                    != NGX_OK)
                {
                    return ngx_http_judge_kattis_fail(k, "%s: a link to "
                                                      "\"%s\", outside the "
                                                      "package", cur->name,
                                                      cur->target);
                }
            }

            next = ngx_http_judge_kattis_find(k, buf);

            if (next == NULL || next->type == NGX_HTTP_JUDGE_KATTIS_DIR) {
                return ngx_http_judge_kattis_fail(k, "%s: a link to \"%s\", "
                                          "%s", cur->name, buf,
                                          (next != NULL
                                           || ngx_http_judge_kattis_is_dir(k,
                                                                          buf))
                                          ? "a directory; only links to "
                                            "files are followed"
                                          : "which is not in the package");
            }

            cur = next;
        }

        e->file = cur->file;
    }

    return NGX_OK;
}


/*
 * "target" from the directory "dir" (dir_len bytes of it) as a path from
 * the root into "buf"; NGX_DECLINED when it leaves the root.
 */

static ngx_int_t
ngx_http_judge_kattis_join(const char *dir, size_t dir_len,
    const char *target, char *buf)
{
    char        *p, *slash;
    size_t       n;
    const char  *s, *end;

    if (target[0] == '/') {
        return NGX_DECLINED;
    }

    p = (char *) ngx_cpymem(buf, dir, dir_len);

    for (s = target; *s != '\0'; s = end) {
        end = s + strcspn(s, "/");
        n = end - s;

        if (*end == '/') {
            end++;
        }

        if (n == 0 || (n == 1 && s[0] == '.')) {
            continue;
        }

        if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (p == buf) {
                return NGX_DECLINED;
            }

            *p = '\0';
            slash = strrchr(buf, '/');
            p = (slash == NULL) ? buf : slash;
            continue;
        }

        if (p != buf) {
            *p++ = '/';
        }

        p = (char *) ngx_cpymem(p, s, n);
    }

    *p = '\0';

    return NGX_OK;
}


/* the entry named so, or NULL */

static ngx_http_judge_kattis_entry_t *
ngx_http_judge_kattis_find(ngx_http_judge_kattis_t *k, const char *name)
{
    ngx_uint_t  i;

    i = ngx_http_judge_kattis_lower(k, name);

    if (i < k->nentries && ngx_strcmp(k->entries[i].name, name) == 0) {
        return &k->entries[i];
    }

    return NULL;
}


/* the index of the first entry whose name is not below "prefix" */

static ngx_uint_t
ngx_http_judge_kattis_lower(ngx_http_judge_kattis_t *k, const char *prefix)
{
    ngx_uint_t  lo, hi, mid;

    lo = 0;
    hi = k->nentries;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (ngx_strcmp(k->entries[mid].name, prefix) < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return lo;
}


/* whether entries are in "name" as a directory (listed or not) */

static ngx_uint_t
ngx_http_judge_kattis_is_dir(ngx_http_judge_kattis_t *k, const char *name)
{
    size_t      n;
    ngx_uint_t  i;

    n = ngx_strlen(name);

    for (i = 0; i < k->nentries; i++) {
        if (ngx_strncmp(k->entries[i].name, name, n) == 0
            && k->entries[i].name[n] == '/')
        {
            return 1;
        }
    }

    return 0;
}


/* the file "name" is, itself or through links; NULL if none */

static ngx_http_judge_kattis_entry_t *
ngx_http_judge_kattis_file(ngx_http_judge_kattis_t *k, const char *name)
{
    ngx_http_judge_kattis_entry_t  *e;

    e = ngx_http_judge_kattis_find(k, name);

    return (e == NULL) ? NULL : e->file;
}


/*
 * A YAML file as JSON: scalars as strings, sequences as arrays, mappings
 * as objects.  An empty file is an empty mapping; the top must be one.
 */

static json_t *
ngx_http_judge_kattis_yaml(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *e)
{
    json_t           *j;
    ngx_uint_t        nodes;
    yaml_node_t      *root;
    yaml_parser_t     parser;
    yaml_document_t   doc;

    if (e->size > NGX_HTTP_JUDGE_KATTIS_MAX_YAML) {
        ngx_http_judge_kattis_fail(k, "%s: larger than %d KiB", e->name,
                                   NGX_HTTP_JUDGE_KATTIS_MAX_YAML / 1024);
        return NULL;
    }

    if (!yaml_parser_initialize(&parser)) {
        ngx_http_judge_kattis_nomem(k);
        return NULL;
    }

    yaml_parser_set_input_string(&parser,
                                 e->size ? e->data : (u_char *) "", e->size);

    if (!yaml_parser_load(&parser, &doc)) {
        ngx_http_judge_kattis_fail(k, "%s: line %uz column %uz: %s%s%s",
                                   e->name, parser.problem_mark.line + 1,
                                   parser.problem_mark.column + 1,
                                   parser.problem ? parser.problem
                                                  : "not YAML",
                                   parser.context ? " " : "",
                                   parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return NULL;
    }

    root = yaml_document_get_root_node(&doc);
    nodes = 0;

    j = (root == NULL) ? json_object()
                       : ngx_http_judge_kattis_yaml_node(k, e, &doc, root, 0,
                                                         &nodes);

    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);

    if (j == NULL) {
        if (root == NULL) {
            ngx_http_judge_kattis_nomem(k);
        }

        return NULL;
    }

    if (!json_is_object(j)) {
        json_decref(j);
        ngx_http_judge_kattis_fail(k, "%s: not a mapping of keys to values",
                                   e->name);
        return NULL;
    }

    return j;
}


static json_t *
ngx_http_judge_kattis_yaml_node(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *e, yaml_document_t *doc, yaml_node_t *node,
    ngx_uint_t depth, ngx_uint_t *nodes)
{
    json_t           *j, *v;
    yaml_node_t      *key, *value;
    yaml_node_item_t *item;
    yaml_node_pair_t *pair;

    if (depth == NGX_HTTP_JUDGE_KATTIS_YAML_DEPTH
        || ++*nodes > NGX_HTTP_JUDGE_KATTIS_YAML_NODES)
    {
        ngx_http_judge_kattis_fail(k, "%s: nested too deep or too large "
                                   "(line %uz)", e->name,
                                   node->start_mark.line + 1);
        return NULL;
    }

    switch (node->type) {

    case YAML_SCALAR_NODE:
        j = json_stringn((char *) node->data.scalar.value,
                         node->data.scalar.length);
        if (j == NULL) {
            ngx_http_judge_kattis_fail(k, "%s: a value that is not text "
                                       "(line %uz)", e->name,
                                       node->start_mark.line + 1);
        }

        return j;

    case YAML_SEQUENCE_NODE:
        j = json_array();
        if (j == NULL) {
            ngx_http_judge_kattis_nomem(k);
            return NULL;
        }

        for (item = node->data.sequence.items.start;
             item < node->data.sequence.items.top;
             item++)
        {
            v = ngx_http_judge_kattis_yaml_node(k, e, doc,
                                        yaml_document_get_node(doc, *item),
                                        depth + 1, nodes);

            if (v == NULL || json_array_append_new(j, v) != 0) {
                if (v != NULL) {
                    ngx_http_judge_kattis_nomem(k);
                }

                json_decref(j);
                return NULL;
            }
        }

        return j;

    case YAML_MAPPING_NODE:
        j = json_object();
        if (j == NULL) {
            ngx_http_judge_kattis_nomem(k);
            return NULL;
        }

        for (pair = node->data.mapping.pairs.start;
             pair < node->data.mapping.pairs.top;
             pair++)
        {
            key = yaml_document_get_node(doc, pair->key);
            value = yaml_document_get_node(doc, pair->value);

            if (key->type != YAML_SCALAR_NODE) {
                ngx_http_judge_kattis_fail(k, "%s: a key that is not a "
                                           "string (line %uz)", e->name,
                                           key->start_mark.line + 1);
                json_decref(j);
                return NULL;
            }

            if (json_object_getn(j, (char *) key->data.scalar.value,
                                 key->data.scalar.length)
                != NULL)
            {
                ngx_http_judge_kattis_fail(k, "%s: the key \"%*s\" twice "
                                           "(line %uz)", e->name,
                                           key->data.scalar.length,
                                           key->data.scalar.value,
                                           key->start_mark.line + 1);
                json_decref(j);
                return NULL;
            }

            v = ngx_http_judge_kattis_yaml_node(k, e, doc, value, depth + 1,
                                                nodes);
            if (v == NULL) {
                json_decref(j);
                return NULL;
            }

            if (json_object_setn_new(j, (char *) key->data.scalar.value,
                                     key->data.scalar.length, v)
                != 0)
            {
                ngx_http_judge_kattis_fail(k, "%s: a key that is not text "
                                           "(line %uz)", e->name,
                                           key->start_mark.line + 1);
                json_decref(j);
                return NULL;
            }
        }

        return j;

    default:
        ngx_http_judge_kattis_fail(k, "%s: an empty node (line %uz)",
                                   e->name, node->start_mark.line + 1);
        return NULL;
    }
}


/* a YAML value read as a number; "file" and "key" name it when it is not */

static ngx_int_t
ngx_http_judge_kattis_number(ngx_http_judge_kattis_t *k, const char *file,
    const char *key, json_t *v, double *n)
{
    const char  *s;

    s = json_string_value(v);

    if (s != NULL
        && ngx_http_judge_kattis_parse(s, json_string_length(v), n) == NGX_OK)
    {
        return NGX_OK;
    }

    return ngx_http_judge_kattis_fail(k, "%s: %s must be a number", file,
                                      key);
}


/* "len" bytes at "s", all of them a finite number */

static ngx_int_t
ngx_http_judge_kattis_parse(const char *s, size_t len, double *n)
{
    char  *end;

    if (len == 0 || ngx_strlen(s) != len || isspace((u_char) s[0])) {
        return NGX_DECLINED;
    }

    errno = 0;
    *n = strtod(s, &end);

    if ((size_t) (end - s) != len || errno != 0 || !isfinite(*n)) {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * problem.yaml's "type": a word or a list of them (pass-fail, scoring,
 * interactive); problems of several passes or of submitted answers are
 * not judged here.
 */

static ngx_int_t
ngx_http_judge_kattis_type(ngx_http_judge_kattis_t *k)
{
    size_t   i;
    json_t  *type, *v;

    type = json_object_get(k->problem, "type");

    if (type == NULL) {
        return NGX_OK;
    }

    if (json_is_string(type)) {
        return ngx_http_judge_kattis_type_word(k, json_string_value(type));
    }

    if (!json_is_array(type)) {
        return ngx_http_judge_kattis_fail(k, "problem.yaml: type must be a "
                                          "string or a list of them");
    }

    json_array_foreach(type, i, v) {
        if (!json_is_string(v)) {
            return ngx_http_judge_kattis_fail(k, "problem.yaml: type must be "
                                              "a string or a list of them");
        }

        if (ngx_http_judge_kattis_type_word(k, json_string_value(v))
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_judge_kattis_type_word(ngx_http_judge_kattis_t *k, const char *word)
{
    if (ngx_strcmp(word, "pass-fail") == 0) {
        return NGX_OK;
    }

    if (ngx_strcmp(word, "scoring") == 0) {
        k->scoring = 1;
        return NGX_OK;
    }

    if (ngx_strcmp(word, "interactive") == 0) {
        k->interactive = 1;
        k->custom = 1;
        return NGX_OK;
    }

    if (ngx_strcmp(word, "multi-pass") == 0
        || ngx_strcmp(word, "submit-answer") == 0)
    {
        return ngx_http_judge_kattis_fail(k, "problem.yaml: type \"%s\" is "
                                          "not supported", word);
    }

    return ngx_http_judge_kattis_fail(k, "problem.yaml: unknown type \"%s\"",
                                      word);
}


/*
 * problem.yaml's "validation": "default", or "custom" with "interactive"
 * (the older words), or a mapping of interaction, scoring and multipass
 * (the newer).  A validator's own score and several passes are not
 * supported.  Without the key, an output_validator/ directory (the newer
 * layout) makes validation custom.
 */

static ngx_int_t
ngx_http_judge_kattis_validation(ngx_http_judge_kattis_t *k)
{
    json_t      *v, *value;
    size_t       n;
    ngx_uint_t   i;
    const char  *s, *key;

    static const char  *keys[] = { "interaction", "scoring", "multipass",
                                   NULL };

    v = json_object_get(k->problem, "validation");

    if (v == NULL) {
        if (ngx_http_judge_kattis_is_dir(k, "output_validator")) {
            k->custom = 1;
        }

        return NGX_OK;
    }

    if (json_is_object(v)) {
        json_object_foreach(v, key, value) {
            for (i = 0; keys[i] != NULL; i++) {
                if (ngx_strcmp(key, keys[i]) == 0) {
                    break;
                }
            }

            s = json_string_value(value);

            if (keys[i] == NULL || s == NULL
                || (ngx_strcmp(s, "true") != 0 && ngx_strcmp(s, "false") != 0))
            {
                return ngx_http_judge_kattis_fail(k, "problem.yaml: "
                                          "validation: \"%s\" must be one of "
                                          "interaction, scoring, multipass, "
                                          "set to true or false", key);
            }

            if (ngx_strcmp(s, "false") == 0) {
                continue;
            }

            if (i != 0) {
                return ngx_http_judge_kattis_fail(k, "problem.yaml: "
                                                  "validation: %s is not "
                                                  "supported", key);
            }

            k->interactive = 1;
        }

        k->custom = 1;

        return NGX_OK;
    }

    s = json_string_value(v);
    if (s == NULL) {
        return ngx_http_judge_kattis_fail(k, "problem.yaml: validation must "
                                          "be a string or a mapping");
    }

    for (i = 0; ; i++) {
        s += strspn(s, " ");
        n = strcspn(s, " ");

        if (n == 0) {
            break;
        }

        if (i == 0 && ngx_http_judge_kattis_word(s, n, "custom")) {
            k->custom = 1;

        } else if (i > 0 && k->custom
                   && ngx_http_judge_kattis_word(s, n, "interactive"))
        {
            k->interactive = 1;

        } else if (i > 0 && k->custom
                   && ngx_http_judge_kattis_word(s, n, "score"))
        {
            return ngx_http_judge_kattis_fail(k, "problem.yaml: validation "
                                              "\"%s\": a validator's score "
                                              "is not supported",
                                              json_string_value(v));

        } else if (i > 0 || !ngx_http_judge_kattis_word(s, n, "default")) {
            return ngx_http_judge_kattis_fail(k, "problem.yaml: validation "
                                              "\"%s\" is neither default nor "
                                              "custom [interactive]",
                                              json_string_value(v));
        }

        s += n;
    }

    return NGX_OK;
}


static ngx_uint_t
ngx_http_judge_kattis_word(const char *s, size_t n, const char *word)
{
    return n == ngx_strlen(word) && ngx_strncmp(s, word, n) == 0;
}


/* "name": a string, or one per language, English first; else the root */

static ngx_int_t
ngx_http_judge_kattis_title(ngx_http_judge_kattis_t *k, json_t *def)
{
    json_t      *name, *v, *title;
    const char  *lang;

    name = json_object_get(k->problem, "name");
    title = NULL;

    if (json_is_string(name)) {
        title = name;

    } else if (json_is_object(name)) {
        title = json_object_get(name, "en");

        if (title == NULL) {
            json_object_foreach(name, lang, v) {
                title = v;
                break;
            }
        }

        if (title != NULL && !json_is_string(title)) {
            title = NULL;
        }

        if (title == NULL) {
            return ngx_http_judge_kattis_fail(k, "problem.yaml: name must be "
                                              "a string or one per "
                                              "language");
        }

    } else if (name != NULL) {
        return ngx_http_judge_kattis_fail(k, "problem.yaml: name must be a "
                                          "string or one per language");
    }

    if (title != NULL) {
        return json_object_set(def, "title", title) == 0
               ? NGX_OK : ngx_http_judge_kattis_nomem(k);
    }

    if (k->root == NULL) {
        return NGX_OK;
    }

    return json_object_set_new(def, "title", json_string(k->root)) == 0
           ? NGX_OK : ngx_http_judge_kattis_nomem(k);
}


/*
 * limits.time_limit, else .timelimit, in seconds: the CPU time; the wall
 * time twice that and a second.  limits.memory and limits.output in MiB.
 * time_multiplier(s) and the rest are the package's own tools' business.
 */

static ngx_int_t
ngx_http_judge_kattis_limits(ngx_http_judge_kattis_t *k, json_t *def)
{
    json_t                         *limits, *out;
    size_t                          n;
    double                          seconds, memory, output;
    uint64_t                        cpu;
    ngx_http_judge_kattis_entry_t  *e;
    char                            buf[64];

    limits = json_object_get(k->problem, "limits");

    if (limits != NULL && !json_is_object(limits)) {
        return ngx_http_judge_kattis_fail(k, "problem.yaml: limits must be a "
                                          "mapping");
    }

    seconds = NGX_HTTP_JUDGE_KATTIS_TIME_MS / 1000.0;
    memory = NGX_HTTP_JUDGE_KATTIS_MEMORY_MIB;
    output = NGX_HTTP_JUDGE_KATTIS_OUTPUT_MIB;

    e = ngx_http_judge_kattis_file(k, ".timelimit");

    if (e != NULL) {
        n = ngx_min(e->size, sizeof(buf) - 1);
        ngx_memcpy(buf, e->data, n);
        buf[n] = '\0';

        while (n > 0 && isspace((u_char) buf[n - 1])) {
            buf[--n] = '\0';
        }

        if (e->size >= sizeof(buf)
            || ngx_http_judge_kattis_parse(buf, n, &seconds) != NGX_OK
            || seconds <= 0 || seconds > NGX_HTTP_JUDGE_KATTIS_MAX_SECONDS)
        {
            return ngx_http_judge_kattis_fail(k, ".timelimit: must be a "
                                              "number of seconds, more than "
                                              "0 and at most %d",
                                          NGX_HTTP_JUDGE_KATTIS_MAX_SECONDS);
        }
    }

    if (limits != NULL
        && (ngx_http_judge_kattis_limit(k, limits, "time_limit",
                                        NGX_HTTP_JUDGE_KATTIS_MAX_SECONDS,
                                        &seconds) != NGX_OK
            || ngx_http_judge_kattis_limit(k, limits, "memory",
                                           NGX_HTTP_JUDGE_KATTIS_MAX_MIB,
                                           &memory) != NGX_OK
            || ngx_http_judge_kattis_limit(k, limits, "output",
                                           NGX_HTTP_JUDGE_KATTIS_MAX_MIB,
                                           &output) != NGX_OK))
    {
        return NGX_ERROR;
    }

    cpu = (uint64_t) ceil(seconds * 1000);

    out = json_pack("{sIsIsIsI}",
                    "cpu_time_ms", (json_int_t) cpu,
                    "wall_time_ms", (json_int_t) (2 * cpu + 1000),
                    "memory_kb", (json_int_t) ceil(memory * 1024),
                    "output_kb", (json_int_t) ceil(output * 1024));

    if (out == NULL || json_object_set_new(def, "limits", out) != 0) {
        return ngx_http_judge_kattis_nomem(k);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_judge_kattis_limit(ngx_http_judge_kattis_t *k, json_t *limits,
    const char *key, double max, double *n)
{
    json_t  *v;

    v = json_object_get(limits, key);

    if (v == NULL) {
        return NGX_OK;
    }

    if (ngx_http_judge_kattis_number(k, "problem.yaml: limits", key, v, n)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (*n <= 0 || *n > max) {
        return ngx_http_judge_kattis_fail(k, "problem.yaml: limits: %s must "
                                          "be more than 0 and at most %.0f",
                                          key, max);
    }

    return NGX_OK;
}


/*
 * The statement: problem_statement/ (or statement/), problem.en.md,
 * problem.md, another problem.<lang>.md; else the same of .tex, as it is.
 */

static ngx_int_t
ngx_http_judge_kattis_statement(ngx_http_judge_kattis_t *k, json_t *def)
{
    char                           *name;
    json_t                         *text;
    size_t                          n;
    ngx_uint_t                      d, x, i;
    ngx_http_judge_kattis_entry_t  *e;
    char                            buf[64];

    static const char  *dirs[] = { "problem_statement/", "statement/", NULL };
    static const char  *exts[] = { ".md", ".tex", NULL };

    for (x = 0; exts[x] != NULL; x++) {
        for (d = 0; dirs[d] != NULL; d++) {
            ngx_sprintf((u_char *) buf, "%sproblem.en%s%Z", dirs[d], exts[x]);
            e = ngx_http_judge_kattis_find(k, buf);

            if (e == NULL) {
                ngx_sprintf((u_char *) buf, "%sproblem%s%Z", dirs[d],
                            exts[x]);
                e = ngx_http_judge_kattis_find(k, buf);
            }

            /* problem.<lang><ext>, the first of them */

            ngx_sprintf((u_char *) buf, "%sproblem.%Z", dirs[d]);

            for (i = ngx_http_judge_kattis_lower(k, buf);
                 e == NULL && i < k->nentries
                 && ngx_strncmp(k->entries[i].name, buf, ngx_strlen(buf))
                    == 0;
                 i++)
            {
                name = k->entries[i].name + ngx_strlen(buf);
                n = ngx_strlen(name);

                if (strchr(name, '/') == NULL
                    && n > ngx_strlen(exts[x])
                    && ngx_strcmp(name + n - ngx_strlen(exts[x]), exts[x])
                       == 0)
                {
                    e = &k->entries[i];
                }
            }

            if (e == NULL || e->file == NULL) {
                continue;
            }

            text = ngx_http_judge_kattis_text(k, e);
            if (text == NULL) {
                return NGX_ERROR;
            }

            if (json_object_set_new(def, "statement", text) != 0) {
                return ngx_http_judge_kattis_nomem(k);
            }

            return NGX_OK;
        }
    }

    return NGX_OK;
}


/* a file's bytes as a JSON string: UTF-8 text, at most MAX_TEXT */

static json_t *
ngx_http_judge_kattis_text(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *e)
{
    json_t  *j;

    if (e->file->size > NGX_HTTP_JUDGE_KATTIS_MAX_TEXT) {
        ngx_http_judge_kattis_fail(k, "%s: larger than %d KiB", e->name,
                                   NGX_HTTP_JUDGE_KATTIS_MAX_TEXT / 1024);
        return NULL;
    }

    j = json_stringn(e->file->size ? (char *) e->file->data : "",
                     e->file->size);

    if (j == NULL) {
        ngx_http_judge_kattis_fail(k, "%s: not UTF-8 text", e->name);
    }

    return j;
}


/*
 * Custom validation: the output validator, the checker or (interactive)
 * the interactor.  Default validation: tokens, or floats within the
 * tolerances of validator_flags.
 */

static ngx_int_t
ngx_http_judge_kattis_checker(ngx_http_judge_kattis_t *k, json_t *def)
{
    return k->custom ? ngx_http_judge_kattis_validator(k, def)
                     : ngx_http_judge_kattis_default(k, def);
}


static ngx_int_t
ngx_http_judge_kattis_default(ngx_http_judge_kattis_t *k, json_t *def)
{
    json_t      *flags, *checker, *v;
    size_t       n;
    double       tolerance[2], t;
    ngx_int_t    rc;
    ngx_uint_t   f, floats;
    const char  *s;

    /* the default validator's flags, and which tolerances each sets */

    static struct {
        const char  *name;
        ngx_uint_t   abs;
        ngx_uint_t   rel;
    }  known[] = {
        { "case_sensitive", 0, 0 },
        { "space_change_sensitive", 0, 0 },
        { "float_tolerance", 1, 1 },
        { "float_absolute_tolerance", 1, 0 },
        { "float_relative_tolerance", 0, 1 },
        { NULL, 0, 0 }
    };

    tolerance[0] = 0;
    tolerance[1] = 0;
    floats = 0;

    flags = json_object_get(k->problem, "validator_flags");

    if (flags != NULL && !json_is_string(flags)) {
        return ngx_http_judge_kattis_fail(k, "problem.yaml: validator_flags "
                                          "must be a string");
    }

    s = (flags == NULL) ? "" : json_string_value(flags);

    for ( ;; ) {
        s += strspn(s, " ");
        n = strcspn(s, " ");

        if (n == 0) {
            break;
        }

        for (f = 0; known[f].name != NULL; f++) {
            if (ngx_http_judge_kattis_word(s, n, known[f].name)) {
                break;
            }
        }

        if (known[f].name == NULL) {
            return ngx_http_judge_kattis_fail(k, "problem.yaml: "
                                              "validator_flags: unknown flag "
                                              "\"%*s\"", n, s);
        }

        s += n;

        if (!known[f].abs && !known[f].rel) {
            continue;
        }

        s += strspn(s, " ");
        n = strcspn(s, " ");

        v = json_stringn(s, n);
        if (v == NULL) {
            return ngx_http_judge_kattis_nomem(k);
        }

        rc = ngx_http_judge_kattis_number(k, "problem.yaml: validator_flags",
                                          known[f].name, v, &t);
        json_decref(v);

        if (rc != NGX_OK) {
            return NGX_ERROR;
        }

        if (t < 0) {
            return ngx_http_judge_kattis_fail(k, "problem.yaml: "
                                              "validator_flags: %s must not "
                                              "be negative", known[f].name);
        }

        if (known[f].abs) {
            tolerance[0] = t;
        }

        if (known[f].rel) {
            tolerance[1] = t;
        }

        floats = 1;
        s += n;
    }

    checker = floats ? json_pack("{sssfsf}", "type", "float",
                                 "abs_tolerance", tolerance[0],
                                 "rel_tolerance", tolerance[1])
                     : json_pack("{ss}", "type", "tokens");

    if (checker == NULL || json_object_set_new(def, "checker", checker) != 0) {
        return ngx_http_judge_kattis_nomem(k);
    }

    return NGX_OK;
}


/*
 * The output validator's program: output_validator/ (the newer layout),
 * or the one program of output_validators/, a directory or a single file.
 */

static ngx_int_t
ngx_http_judge_kattis_validator(ngx_http_judge_kattis_t *k, json_t *def)
{
    char                           *name, *slash;
    json_t                         *program;
    size_t                          n, len;
    ngx_int_t                       rc;
    ngx_uint_t                      i;
    ngx_http_judge_kattis_entry_t  *e, *first;
    char                            dir[NGX_HTTP_JUDGE_KATTIS_MAX_PATH + 1];

    static const char  prefix[] = "output_validators/";

    first = NULL;
    len = 0;

    if (ngx_http_judge_kattis_is_dir(k, "output_validator")) {
        ngx_cpystrn((u_char *) dir, (u_char *) "output_validator",
                    sizeof(dir));

    } else {
        /* the programs are the names just below output_validators/ */

        for (i = ngx_http_judge_kattis_lower(k, prefix);
             i < k->nentries
             && ngx_strncmp(k->entries[i].name, prefix, sizeof(prefix) - 1)
                == 0;
             i++)
        {
            e = &k->entries[i];
            name = e->name + sizeof(prefix) - 1;
            slash = strchr(name, '/');
            n = (slash == NULL) ? ngx_strlen(name) : (size_t) (slash - name);

            if (e->type == NGX_HTTP_JUDGE_KATTIS_DIR && slash == NULL) {
                continue;
            }

            if (first == NULL) {
                first = e;
                len = sizeof(prefix) - 1 + n;
                continue;
            }

            if (ngx_strncmp(e->name, first->name, len) != 0
                || (e->name[len] != '\0' && e->name[len] != '/'))
            {
                return ngx_http_judge_kattis_fail(k, "output_validators/: "
                                                  "more than one validator "
                                                  "(%*s and %*s)",
                                                  len, first->name,
                                                  sizeof(prefix) - 1 + n,
                                                  e->name);
            }
        }

        if (first == NULL) {
            return ngx_http_judge_kattis_fail(k, "output_validators/: no "
                                              "validator, and problem.yaml "
                                              "asks for a custom one");
        }

        ngx_memcpy(dir, first->name, len);
        dir[len] = '\0';
    }

    program = json_object();
    if (program == NULL) {
        return ngx_http_judge_kattis_nomem(k);
    }

    rc = ngx_http_judge_kattis_program(k, dir, program);

    if (rc == NGX_OK
        && json_object_set_new(program, "kattis", json_true()) != 0)
    {
        rc = ngx_http_judge_kattis_nomem(k);
    }

    if (rc == NGX_OK && !k->interactive
        && json_object_set_new(program, "type", json_string("custom")) != 0)
    {
        rc = ngx_http_judge_kattis_nomem(k);
    }

    if (rc == NGX_OK
        && json_object_set(def, k->interactive ? "interactor" : "checker",
                           program) != 0)
    {
        rc = ngx_http_judge_kattis_nomem(k);
    }

    json_decref(program);

    return rc;
}


/*
 * A program's files: "dir" is a directory of them or a single file.  Its
 * language is that of its sources, guessed by their extension; headers
 * go along with them; other files (notes, tests of its own) stay behind.
 */

static ngx_int_t
ngx_http_judge_kattis_program(ngx_http_judge_kattis_t *k, const char *dir,
    json_t *program)
{
    char                           *name, *ext;
    json_t                         *files, *file, *text;
    size_t                          n, total;
    ngx_uint_t                      i, l;
    const char                     *language, *unknown;
    ngx_http_judge_kattis_entry_t  *e, *single;

    files = json_array();
    if (files == NULL || json_object_set_new(program, "files", files) != 0) {
        return ngx_http_judge_kattis_nomem(k);
    }

    n = ngx_strlen(dir);
    single = ngx_http_judge_kattis_find(k, dir);

    if (single != NULL && single->file == NULL) {
        single = NULL;
    }

    language = NULL;
    unknown = NULL;
    total = 0;

    for (i = single ? (ngx_uint_t) (single - k->entries)
                    : ngx_http_judge_kattis_lower(k, dir);
         i < k->nentries;
         i++)
    {
        e = &k->entries[i];

        if (single != NULL && e != single) {
            break;
        }

        if (single == NULL) {
            if (ngx_strncmp(e->name, dir, n) != 0) {
                break;
            }

            if (e->name[n] != '/') {
                continue;
            }
        }

        if (e->file == NULL) {
            continue;
        }

        name = (single != NULL) ? strrchr(e->name, '/') : e->name + n;
        name = (name == NULL) ? e->name : name + 1;

        if (ngx_strcmp(name, "build") == 0 || ngx_strcmp(name, "run") == 0) {
            return ngx_http_judge_kattis_fail(k, "%s: build and run scripts "
                                              "are not supported", e->name);
        }

        ext = strrchr(name, '.');

        for (l = 0; ext != NULL && ngx_http_judge_kattis_langs[l].ext; l++) {
            if (ngx_strcmp(ext, ngx_http_judge_kattis_langs[l].ext) == 0) {
                break;
            }
        }

        if (ext == NULL || ngx_http_judge_kattis_langs[l].ext == NULL) {
            if (unknown == NULL) {
                unknown = e->name;
            }

            continue;
        }

        if (ngx_http_judge_kattis_langs[l].language != NULL) {
            if (language != NULL
                && ngx_strcmp(language,
                              ngx_http_judge_kattis_langs[l].language) != 0)
            {
                return ngx_http_judge_kattis_fail(k, "%s: a %s source beside "
                                          "%s ones; a validator is in one "
                                          "language", e->name,
                                          ngx_http_judge_kattis_langs[l]
                                          .language, language);
            }

            language = ngx_http_judge_kattis_langs[l].language;
        }

        total += e->file->size;

        if (total > NGX_HTTP_JUDGE_KATTIS_MAX_TEXT) {
            return ngx_http_judge_kattis_fail(k, "%s: the validator's files "
                                              "are larger than %d KiB", dir,
                                          NGX_HTTP_JUDGE_KATTIS_MAX_TEXT
                                          / 1024);
        }

        text = ngx_http_judge_kattis_text(k, e);
        if (text == NULL) {
            return NGX_ERROR;
        }

        file = json_pack("{ssso}", "name", name, "content", text);

        if (file == NULL || json_array_append_new(files, file) != 0) {
            return ngx_http_judge_kattis_nomem(k);
        }
    }

    if (language == NULL) {
        return ngx_http_judge_kattis_fail(k, "%s: a validator in a language "
                                          "not supported (%s); C, C++, "
                                          "Python or Java", dir,
                                          unknown ? unknown : "no sources");
    }

    if (json_object_set_new(program, "language", json_string(language))
        != 0)
    {
        return ngx_http_judge_kattis_nomem(k);
    }

    return NGX_OK;
}


/*
 * data/sample/ and data/secret/, and each group below them: the
 * directories with .in files in them, in sorted order, a stage each.
 */

static ngx_int_t
ngx_http_judge_kattis_stages(ngx_http_judge_kattis_t *k, json_t *def)
{
    char                           **dirs, *slash;
    json_t                          *stages;
    size_t                           n;
    ngx_int_t                        rc;
    ngx_uint_t                       i, ndirs, j;
    ngx_http_judge_kattis_entry_t   *e;

    stages = json_array();
    if (stages == NULL || json_object_set_new(def, "stages", stages) != 0) {
        return ngx_http_judge_kattis_nomem(k);
    }

    dirs = malloc(k->nentries * sizeof(char *));
    if (dirs == NULL) {
        return ngx_http_judge_kattis_nomem(k);
    }

    ndirs = 0;
    rc = NGX_OK;

    for (i = 0; i < k->nentries; i++) {
        e = &k->entries[i];
        n = ngx_strlen(e->name);

        if ((ngx_strncmp(e->name, "data/sample/", 12) != 0
             && ngx_strncmp(e->name, "data/secret/", 12) != 0)
            || n < 3 || ngx_strcmp(e->name + n - 3, ".in") != 0
            || e->file == NULL)
        {
            continue;
        }

        slash = strrchr(e->name, '/');
        n = slash - e->name;

        if (ndirs > 0 && ngx_strncmp(dirs[ndirs - 1], e->name, n) == 0
            && dirs[ndirs - 1][n] == '\0')
        {
            continue;
        }

        dirs[ndirs] = malloc(n + 1);
        if (dirs[ndirs] == NULL) {
            rc = ngx_http_judge_kattis_nomem(k);
            break;
        }

        ngx_memcpy(dirs[ndirs], e->name, n);
        dirs[ndirs++][n] = '\0';
    }

    if (rc == NGX_OK) {
        qsort(dirs, ndirs, sizeof(char *), ngx_http_judge_kattis_strcmp);
    }

    for (i = 0; rc == NGX_OK && i < ndirs; i++) {
        if (i > 0 && ngx_strcmp(dirs[i], dirs[i - 1]) == 0) {
            continue;
        }

        rc = ngx_http_judge_kattis_stage(k, dirs[i], stages);
    }

    for (j = 0; j < ndirs; j++) {
        free(dirs[j]);
    }

    free(dirs);

    if (rc == NGX_OK && ndirs == 0) {
        return ngx_http_judge_kattis_fail(k, "data/: no tests (.in files in "
                                          "data/sample/ or data/secret/)");
    }

    return rc;
}


static int
ngx_http_judge_kattis_strcmp(const void *a, const void *b)
{
    return ngx_strcmp(*(char **) a, *(char **) b);
}


/* the tests of one directory, in sorted order: a stage */

static ngx_int_t
ngx_http_judge_kattis_stage(ngx_http_judge_kattis_t *k, const char *dir,
    json_t *stages)
{
    char                           *name;
    json_t                         *stage, *tests;
    size_t                          n, len;
    ngx_uint_t                      i, sample;
    ngx_http_judge_kattis_entry_t  *e;
    char                            prefix[NGX_HTTP_JUDGE_KATTIS_MAX_PATH
                                           + 2];

    len = ngx_strlen(dir);
    ngx_memcpy(prefix, dir, len);
    prefix[len++] = '/';
    prefix[len] = '\0';

    sample = (ngx_strncmp(dir, "data/sample", 11) == 0
              && (dir[11] == '\0' || dir[11] == '/'));

    stage = json_pack("{s:s,s:[]}", "name", dir + sizeof("data/") - 1,
                      "tests");

    if (stage == NULL || json_array_append_new(stages, stage) != 0) {
        return ngx_http_judge_kattis_nomem(k);
    }

    tests = json_object_get(stage, "tests");

    for (i = ngx_http_judge_kattis_lower(k, prefix);
         i < k->nentries && ngx_strncmp(k->entries[i].name, prefix, len) == 0;
         i++)
    {
        e = &k->entries[i];
        name = e->name + len;
        n = ngx_strlen(name);

        if (strchr(name, '/') != NULL || n < 3
            || ngx_strcmp(name + n - 3, ".in") != 0 || e->file == NULL)
        {
            continue;
        }

        if (ngx_http_judge_kattis_test(k, e, sample, tests) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (!k->scoring) {
        return NGX_OK;
    }

    return ngx_http_judge_kattis_score(k, dir,
                                       sample ? 0 : json_array_size(tests),
                                       stage);
}


/* X.in and X.ans beside it (which an interactive problem may lack) */

static ngx_int_t
ngx_http_judge_kattis_test(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *in, ngx_uint_t sample, json_t *tests)
{
    json_t                         *test;
    size_t                          base;
    ngx_http_judge_kattis_entry_t  *ans;
    char                            name[NGX_HTTP_JUDGE_KATTIS_MAX_PATH
                                         + 2];

    base = ngx_strlen(in->name) - 3;
    ngx_memcpy(name, in->name, base);
    ngx_memcpy(name + base, ".ans", sizeof(".ans"));

    ans = ngx_http_judge_kattis_file(k, name);

    if (ans == NULL && !k->interactive) {
        return ngx_http_judge_kattis_fail(k, "%s: no %s beside it", in->name,
                                          name);
    }

    test = json_pack("{s:s%,s:b}",
                     "name", in->name + sizeof("data/") - 1,
                     base - (sizeof("data/") - 1),
                     "sample", (int) sample);

    if (test == NULL || json_array_append_new(tests, test) != 0) {
        return ngx_http_judge_kattis_nomem(k);
    }

    if (ngx_http_judge_kattis_ref(k, in, test, "input") != NGX_OK
        || (ans != NULL
            && ngx_http_judge_kattis_ref(k, ans, test, "expected") != NGX_OK))
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* a test file's reference: put once, however many links lead to it */

static ngx_int_t
ngx_http_judge_kattis_ref(ngx_http_judge_kattis_t *k,
    ngx_http_judge_kattis_entry_t *e, json_t *test, const char *key)
{
    ngx_http_judge_kattis_entry_t  *f;

    f = e->file;

    if (f->ref == NULL
        && (k->put(k->data, f->data, f->size, &f->ref) != NGX_OK
            || f->ref == NULL))
    {
        return ngx_http_judge_invalid(k->err, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                      "internal_error",
                                      "%s: cannot be stored", e->name);
    }

    if (json_object_set(test, key, f->ref) != 0) {
        return ngx_http_judge_kattis_nomem(k);
    }

    return NGX_OK;
}


/*
 * A group's score, from the testdata.yaml of its directory or of the
 * closest one above it up to data/ (samples count for nothing).
 */

static ngx_int_t
ngx_http_judge_kattis_score(ngx_http_judge_kattis_t *k, const char *dir,
    size_t ntests, json_t *stage)
{
    char                           *slash;
    json_t                         *settings, *v;
    size_t                          len;
    double                          score;
    ngx_int_t                       rc;
    ngx_http_judge_kattis_entry_t  *e;
    char                            name[NGX_HTTP_JUDGE_KATTIS_MAX_PATH
                                         + sizeof("/testdata.yaml")];

    score = 0;
    settings = NULL;
    e = NULL;

    len = ngx_strlen(dir);
    ngx_memcpy(name, dir, len);

    while (ntests > 0) {
        ngx_memcpy(name + len, "/testdata.yaml", sizeof("/testdata.yaml"));

        e = ngx_http_judge_kattis_file(k, name);

        if (e != NULL) {
            settings = ngx_http_judge_kattis_yaml(k, e);
            if (settings == NULL) {
                return NGX_ERROR;
            }

            break;
        }

        name[len] = '\0';
        slash = strrchr(name, '/');

        if (slash == NULL) {
            break;
        }

        len = slash - name;
    }

    rc = (ntests == 0)
         ? NGX_OK
         : ngx_http_judge_kattis_settings(k, e ? e->name : "testdata.yaml",
                                          settings, ntests, &score);

    json_decref(settings);

    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    v = (score == floor(score) && score < 9007199254740992.0)
        ? json_integer((json_int_t) score) : json_real(score);

    if (v == NULL || json_object_set_new(stage, "score", v) != 0) {
        return ngx_http_judge_kattis_nomem(k);
    }

    return NGX_OK;
}


/*
 * The score testdata.yaml gives a group of "ntests" tests: its "score" or
 * "max_score" (at the top, or in a "grading" or "scoring" mapping); else
 * the top of its "range"; else "accept_score" (1 when absent) per test,
 * or once for the group when it aggregates by "min" (an aggregation of
 * min, or grader_flags with min in them).
 */

static ngx_int_t
ngx_http_judge_kattis_settings(ngx_http_judge_kattis_t *k, const char *file,
    json_t *settings, size_t ntests, double *score)
{
    json_t      *maps[3], *v;
    size_t       n;
    double       accept, top;
    ngx_uint_t   i, min, given;
    const char  *s, *agg;

    accept = 1;
    min = 0;
    given = 0;

    if (settings == NULL) {
        *score = (double) ntests;
        return NGX_OK;
    }

    v = json_object_get(settings, "grading");

    if (json_is_string(v)) {
        if (ngx_strcmp(json_string_value(v), "default") != 0) {
            return ngx_http_judge_kattis_fail(k, "%s: grading \"%s\" is not "
                                              "supported", file,
                                              json_string_value(v));
        }

        v = NULL;

    } else if (v != NULL && !json_is_object(v)) {
        return ngx_http_judge_kattis_fail(k, "%s: grading must be a string "
                                          "or a mapping", file);
    }

    maps[0] = settings;
    maps[1] = v;
    maps[2] = json_object_get(settings, "scoring");

    if (maps[2] != NULL && !json_is_object(maps[2])) {
        return ngx_http_judge_kattis_fail(k, "%s: scoring must be a mapping",
                                          file);
    }

    for (i = 0; i < 3; i++) {
        if (maps[i] == NULL) {
            continue;
        }

        v = json_object_get(maps[i], "score");

        if (v == NULL) {
            v = json_object_get(maps[i], "max_score");
        }

        if (v != NULL && !given) {
            if (ngx_http_judge_kattis_number(k, file, "score", v, score)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            given = 1;
        }

        v = json_object_get(maps[i], "aggregation");

        if (v != NULL) {
            agg = json_string_value(v);

            if (agg == NULL
                || (ngx_strcmp(agg, "sum") != 0
                    && ngx_strcmp(agg, "min") != 0))
            {
                return ngx_http_judge_kattis_fail(k, "%s: aggregation must "
                                                  "be sum or min", file);
            }

            min = (ngx_strcmp(agg, "min") == 0);
        }
    }

    v = json_object_get(settings, "accept_score");

    if (v != NULL
        && ngx_http_judge_kattis_number(k, file, "accept_score", v, &accept)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    v = json_object_get(settings, "grader_flags");

    if (v != NULL) {
        s = json_string_value(v);

        if (s == NULL) {
            return ngx_http_judge_kattis_fail(k, "%s: grader_flags must be a "
                                              "string", file);
        }

        for ( ;; ) {
            s += strspn(s, " ");
            n = strcspn(s, " ");

            if (n == 0) {
                break;
            }

            if (ngx_http_judge_kattis_word(s, n, "min")) {
                min = 1;
            }

            s += n;
        }
    }

    v = json_object_get(settings, "range");

    if (v != NULL && !given) {
        s = json_string_value(v);
        s = (s == NULL) ? NULL : strchr(s, ' ');

        if (s == NULL) {
            return ngx_http_judge_kattis_fail(k, "%s: range must be two "
                                              "numbers", file);
        }

        s += strspn(s, " ");

        if (ngx_strcmp(s, "inf") != 0 && ngx_strcmp(s, "+inf") != 0) {
            if (ngx_http_judge_kattis_parse(s, ngx_strlen(s), &top)
                != NGX_OK)
            {
                return ngx_http_judge_kattis_fail(k, "%s: range must be two "
                                                  "numbers", file);
            }

            *score = top;
            given = 1;
        }
    }

    if (!given) {
        *score = accept * (min ? 1 : (double) ntests);
    }

    if (*score < 0 || !isfinite(*score)) {
        return ngx_http_judge_kattis_fail(k, "%s: a group's score must not be "
                                          "negative", file);
    }

    return NGX_OK;
}


static void
ngx_http_judge_kattis_free(ngx_http_judge_kattis_t *k)
{
    ngx_uint_t                      i;
    ngx_http_judge_kattis_entry_t  *e;

    for (i = 0; i < k->nentries; i++) {
        e = &k->entries[i];

        free(e->path);
        free(e->target);
        free(e->data);
        json_decref(e->ref);
    }

    free(k->entries);
    free(k->root);
    json_decref(k->problem);
}
