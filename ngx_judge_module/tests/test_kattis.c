
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * Kattis problem packages made stored definitions
 * (ngx_http_judge_kattis_convert()).  Each package is built here: a
 * table of entries written as a tar.gz by libarchive's writer (which
 * makes any entry at all, hostile ones too), or, for the zip cases,
 * written into a temporary directory and packed by the zip command.
 * The test files go to a "put" that keeps their bytes by SHA-256, so a
 * test's reference can be read back.
 */


#include "harness.h"
#include "tap.h"
#include "ngx_http_judge_problem.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/sha.h>


#define PKG_MAX  (8 * 1024 * 1024)


/* an entry of a package: 'f' file, 'l' symlink, 'h' hardlink, 'd' dir,
 * 'c' character device; a link's target is its content */
typedef struct {
    char         type;
    const char  *path;
    const char  *content;
    size_t       size;      /* a file of this many zeros, content NULL */
} entry_t;


typedef struct {
    char         sha[2 * SHA256_DIGEST_LENGTH + 1];
    u_char      *bytes;
    size_t       len;
} blob_t;


static blob_t     blobs[64];
static ngx_uint_t nblobs;
static ngx_uint_t nputs;


static ngx_int_t
put(void *data, u_char *bytes, size_t len, json_t **ref)
{
    u_char      md[SHA256_DIGEST_LENGTH];
    blob_t     *b;
    ngx_uint_t  i;

    nputs++;

    SHA256(bytes, len, md);
    b = &blobs[nblobs];
    ngx_hex_dump((u_char *) b->sha, md, sizeof(md));
    b->sha[sizeof(b->sha) - 1] = '\0';

    for (i = 0; i < nblobs; i++) {
        if (strcmp(blobs[i].sha, b->sha) == 0) {
            break;
        }
    }

    if (i == nblobs && nblobs < 64) {
        b->bytes = malloc(len + 1);
        memcpy(b->bytes, bytes, len);
        b->bytes[len] = '\0';
        b->len = len;
        nblobs++;
    }

    *ref = json_pack("{s:s,s:I}", "sha256", b->sha, "size", (json_int_t) len);

    return *ref ? NGX_OK : NGX_ERROR;
}


/* the bytes a reference stands for, as a string */

static const char *
blob(json_t *ref)
{
    ngx_uint_t   i;
    const char  *sha;

    sha = json_string_value(json_object_get(ref, "sha256"));

    for (i = 0; sha != NULL && i < nblobs; i++) {
        if (strcmp(blobs[i].sha, sha) == 0) {
            return (const char *) blobs[i].bytes;
        }
    }

    return NULL;
}


static void
forget(void)
{
    ngx_uint_t  i;

    for (i = 0; i < nblobs; i++) {
        free(blobs[i].bytes);
    }

    nblobs = 0;
    nputs = 0;
}


/* the entries as a tar.gz in "out" (PKG_MAX bytes); its length */

static size_t
tar_gz(entry_t *entries, u_char *out)
{
    size_t                 used, n, left;
    entry_t               *e;
    struct archive        *a;
    struct archive_entry  *ae;
    static u_char          zeros[65536];

    a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    archive_write_open_memory(a, out, PKG_MAX, &used);

    for (e = entries; e->path != NULL; e++) {
        ae = archive_entry_new();
        archive_entry_set_pathname(ae, e->path);
        archive_entry_set_perm(ae, 0644);

        switch (e->type) {

        case 'd':
            archive_entry_set_filetype(ae, AE_IFDIR);
            break;

        case 'l':
            archive_entry_set_filetype(ae, AE_IFLNK);
            archive_entry_set_symlink(ae, e->content);
            break;

        case 'h':
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_hardlink(ae, e->content);
            break;

        case 'c':
            archive_entry_set_filetype(ae, AE_IFCHR);
            archive_entry_set_rdevmajor(ae, 1);
            archive_entry_set_rdevminor(ae, 3);
            break;

        default:
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_size(ae, e->content ? strlen(e->content)
                                                  : e->size);
        }

        archive_write_header(a, ae);

        if (e->type == 'f' && e->content != NULL) {
            archive_write_data(a, e->content, strlen(e->content));

        } else if (e->type == 'f') {
            for (left = e->size; left > 0; left -= n) {
                n = left < sizeof(zeros) ? left : sizeof(zeros);
                archive_write_data(a, zeros, n);
            }
        }

        archive_entry_free(ae);
    }

    archive_write_close(a);
    archive_write_free(a);

    return used;
}


/* the entries (files and symlinks) written out and packed by zip -ry */

static size_t
zip(entry_t *entries, const char *top, u_char *out)
{
    int       rc;
    char      dir[] = "/tmp/kattis-test-XXXXXX", path[1024], cmd[2048];
    FILE     *f;
    size_t    len;
    entry_t  *e;

    if (mkdtemp(dir) == NULL) {
        return 0;
    }

    for (e = entries; e->path != NULL; e++) {
        snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s/%s')\"", dir,
                 e->path);
        rc = system(cmd);

        snprintf(path, sizeof(path), "%s/%s", dir, e->path);

        if (e->type == 'l') {
            rc |= symlink(e->content, path);
            continue;
        }

        f = fopen(path, "w");
        if (f != NULL) {
            fputs(e->content, f);
            fclose(f);
        }
    }

    snprintf(cmd, sizeof(cmd), "cd %s && zip -qry ../%s.zip %s", dir,
             dir + 5, top);
    rc |= system(cmd);

    snprintf(path, sizeof(path), "%s.zip", dir);
    f = fopen(path, "r");
    len = (rc == 0 && f != NULL) ? fread(out, 1, PKG_MAX, f) : 0;

    if (f != NULL) {
        fclose(f);
    }

    unlink(path);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return len;
}


static u_char  pkg[PKG_MAX];


static void diag_err(ngx_http_judge_invalid_t *err);


/* converted: the definition, or NULL and "err" */

static json_t *
convert(u_char *bytes, size_t len, ngx_http_judge_invalid_t *err)
{
    json_t  *def;

    forget();
    ngx_memzero(err, sizeof(ngx_http_judge_invalid_t));

    if (ngx_http_judge_kattis_convert(bytes, len, put, NULL, &def, err)
        != NGX_OK)
    {
        return NULL;
    }

    return def;
}


static json_t *
path(json_t *j, const char *p)
{
    char        key[64];
    size_t      n;
    const char  *dot;

    while (j != NULL && *p != '\0') {
        dot = strchr(p, '.');
        n = dot ? (size_t) (dot - p) : strlen(p);
        memcpy(key, p, n);
        key[n] = '\0';

        j = (key[0] >= '0' && key[0] <= '9')
            ? json_array_get(j, atoi(key)) : json_object_get(j, key);

        p += n + (dot != NULL);
    }

    return j;
}


#define is_at(def, p, want, name)                                            \
    is_str(json_string_value(path(def, p)), want, name)

#define int_at(def, p, want, name)                                           \
    is_int(json_integer_value(path(def, p)), want, name)


static void
test_pass_fail(void)
{
    json_t                    *def;
    ngx_http_judge_invalid_t   err;

    static entry_t  hello[] = {
        { 'd', "hello/", NULL, 0 },
        { 'f', "hello/problem.yaml",
          "name: Hello\nlimits:\n  memory: 512\n  time_limit: 2.5\n", 0 },
        { 'f', "hello/problem_statement/problem.en.md", "# Hello\n", 0 },
        { 'f', "hello/problem_statement/problem.de.md", "# Hallo\n", 0 },
        { 'f', "hello/data/sample/1.in", "world\n", 0 },
        { 'f', "hello/data/sample/1.ans", "Hello, world!\n", 0 },
        { 'f', "hello/data/secret/b.in", "b\n", 0 },
        { 'f', "hello/data/secret/b.ans", "Hello, b!\n", 0 },
        { 'f', "hello/data/secret/a.in", "a\n", 0 },
        { 'f', "hello/data/secret/a.ans", "Hello, a!\n", 0 },
        { 'f', "hello/submissions/accepted/hello.py", "print(1)\n", 0 },
        { 'f', "hello/input_validators/v/v.py", "exit(42)\n", 0 },
        { 0, NULL, NULL, 0 }
    };

    def = convert(pkg, tar_gz(hello, pkg), &err);
    ok(def != NULL, "pass-fail tar.gz: converted");
    if (def == NULL) {
        diag_err(&err);
        return;
    }

    is_at(def, "title", "Hello", "name is the title");
    is_at(def, "statement", "# Hello\n", "the English Markdown statement");
    int_at(def, "limits.cpu_time_ms", 2500, "time_limit in seconds");
    int_at(def, "limits.wall_time_ms", 6000, "wall time: twice, and 1 s");
    int_at(def, "limits.memory_kb", 512 * 1024, "memory in MiB");
    int_at(def, "limits.output_kb", 8 * 1024, "output: 8 MiB by default");
    is_at(def, "checker.type", "tokens", "default validation: tokens");
    ok(json_object_get(def, "scoring") == NULL, "not scoring");
    ok(json_object_get(def, "interactor") == NULL, "no interactor");

    is_int(json_array_size(path(def, "stages")), 2, "two stages");
    is_at(def, "stages.0.name", "sample", "samples first");
    is_at(def, "stages.0.tests.0.name", "sample/1", "a test's name: its "
          "path in data/ without the extension");
    ok(json_is_true(path(def, "stages.0.tests.0.sample")), "a sample");
    is_str(blob(path(def, "stages.0.tests.0.input")), "world\n",
           "input put");
    is_str(blob(path(def, "stages.0.tests.0.expected")), "Hello, world!\n",
           "expected output put");
    int_at(def, "stages.0.tests.0.input.size", 6, "a reference's size");
    ok(json_object_get(path(def, "stages.0"), "score") == NULL,
       "no score when not scoring");

    is_at(def, "stages.1.name", "secret", "then secret");
    is_at(def, "stages.1.tests.0.name", "secret/a", "tests sorted");
    is_at(def, "stages.1.tests.1.name", "secret/b", "by name");
    ok(json_is_false(path(def, "stages.1.tests.1.sample")), "not a sample");
    is_str(blob(path(def, "stages.1.tests.1.expected")), "Hello, b!\n",
           "b.ans is b's");
    is_int(nputs, 6, "each test file put once");

    json_decref(def);
}


static void
test_zip_root(void)
{
    json_t                    *def;
    ngx_http_judge_invalid_t   err;

    static entry_t  files[] = {
        { 'f', "problem.yaml",
          "name:\n  de: Summe\n  en: Sum\nvalidator_flags: "
          "float_tolerance 1e-6\n", 0 },
        { 'f', ".timelimit", "3\n", 0 },
        { 'f', "problem_statement/problem.tex",
          "\\problemname{Sum}\nAdd.\n", 0 },
        { 'f', "data/secret/1.in", "1 2\n", 0 },
        { 'f', "data/secret/1.ans", "3\n", 0 },
        { 0, NULL, NULL, 0 }
    };

    def = convert(pkg, zip(files, ".", pkg), &err);
    ok(def != NULL, "zip with the files at its root: converted");
    if (def == NULL) {
        diag_err(&err);
        return;
    }

    is_at(def, "title", "Sum", "the English of a name per language");
    is_at(def, "statement", "\\problemname{Sum}\nAdd.\n",
          "a LaTeX statement, as it is");
    int_at(def, "limits.cpu_time_ms", 3000, ".timelimit in seconds");
    int_at(def, "limits.memory_kb", 2048 * 1024, "memory: 2 GiB by default");
    is_at(def, "checker.type", "float", "float_tolerance: floats");
    ok(json_real_value(path(def, "checker.abs_tolerance")) == 1e-6
       && json_real_value(path(def, "checker.rel_tolerance")) == 1e-6,
       "both tolerances");
    is_int(json_array_size(path(def, "stages")), 1, "no samples, one stage");
    is_at(def, "stages.0.tests.0.name", "secret/1", "the secret test");

    json_decref(def);
}


static void
test_scoring(void)
{
    json_t                    *def;
    ngx_http_judge_invalid_t   err;

    static entry_t  groups[] = {
        { 'f', "p/problem.yaml", "type: scoring\nname:\n  de: Punkte\n", 0 },
        { 'f', "p/data/testdata.yaml", "accept_score: 2\n", 0 },
        { 'f', "p/data/sample/1.in", "s\n", 0 },
        { 'f', "p/data/sample/1.ans", "s\n", 0 },
        { 'f', "p/data/secret/g1/1.in", "1\n", 0 },
        { 'f', "p/data/secret/g1/1.ans", "1\n", 0 },
        { 'f', "p/data/secret/g1/2.in", "2\n", 0 },
        { 'f', "p/data/secret/g1/2.ans", "2\n", 0 },
        { 'f', "p/data/secret/g2/testdata.yaml",
          "grading:\n  score: 30\n  aggregation: min\n", 0 },
        { 'f', "p/data/secret/g2/1.in", "3\n", 0 },
        { 'f', "p/data/secret/g2/1.ans", "3\n", 0 },
        { 'f', "p/data/secret/g3/testdata.yaml",
          "range: 0 17\ngrader_flags: first_error min\n", 0 },
        { 'f', "p/data/secret/g3/1.in", "4\n", 0 },
        { 'f', "p/data/secret/g3/1.ans", "4\n", 0 },
        { 'f', "p/data/secret/g3/sub/1.in", "5\n", 0 },
        { 'f', "p/data/secret/g3/sub/1.ans", "5\n", 0 },
        { 'f', "p/data/secret/g4/testdata.yaml",
          "grader_flags: min\naccept_score: 5\n", 0 },
        { 'f', "p/data/secret/g4/1.in", "6\n", 0 },
        { 'f', "p/data/secret/g4/1.ans", "6\n", 0 },
        { 'f', "p/data/secret/g4/2.in", "7\n", 0 },
        { 'f', "p/data/secret/g4/2.ans", "7\n", 0 },
        { 0, NULL, NULL, 0 }
    };

    def = convert(pkg, tar_gz(groups, pkg), &err);
    ok(def != NULL, "scoring with nested groups: converted");
    if (def == NULL) {
        diag_err(&err);
        return;
    }

    is_at(def, "title", "Punkte", "a name in one language");
    ok(json_is_true(json_object_get(def, "scoring")), "scoring");
    is_int(json_array_size(path(def, "stages")), 6, "a stage per group");
    is_at(def, "stages.0.name", "sample", "sample");
    int_at(def, "stages.0.score", 0, "samples count for nothing");
    is_at(def, "stages.1.name", "secret/g1", "groups in sorted order");
    int_at(def, "stages.1.score", 4, "accept_score of data/, per test");
    is_at(def, "stages.2.name", "secret/g2", "g2");
    int_at(def, "stages.2.score", 30, "grading: score");
    is_at(def, "stages.3.name", "secret/g3", "g3");
    int_at(def, "stages.3.score", 17, "the top of the range");
    is_at(def, "stages.4.name", "secret/g3/sub", "a group in a group");
    int_at(def, "stages.4.score", 17, "testdata.yaml inherited downward");
    is_at(def, "stages.4.tests.0.name", "secret/g3/sub/1", "its test");
    is_at(def, "stages.5.name", "secret/g4", "g4");
    int_at(def, "stages.5.score", 5, "min: accept_score once");

    json_decref(def);
}


static void
test_links(void)
{
    json_t                    *def;
    ngx_http_judge_invalid_t   err;

    static entry_t  tar_links[] = {
        { 'f', "l/problem.yaml", "name: Links\n", 0 },
        { 'f', "l/data/secret/g1/1.in", "shared\n", 0 },
        { 'f', "l/data/secret/g1/1.ans", "answer\n", 0 },
        { 'l', "l/data/secret/g2/1.in", "../g1/1.in", 0 },
        { 'l', "l/data/secret/g2/1.ans", "./../g1/../g1/1.ans", 0 },
        { 'l', "l/data/secret/g3/x.in", "../g2/1.in", 0 },
        { 'h', "l/data/secret/g3/x.ans", "l/data/secret/g1/1.ans", 0 },
        { 0, NULL, NULL, 0 }
    };

    static entry_t  zip_links[] = {
        { 'f', "z/problem.yaml", "name: Zip links\n", 0 },
        { 'f', "z/data/secret/a.in", "zipped\n", 0 },
        { 'f', "z/data/secret/a.ans", "out\n", 0 },
        { 'l', "z/data/secret/b.in", "a.in", 0 },
        { 'l', "z/data/secret/b.ans", "a.ans", 0 },
        { 0, NULL, NULL, 0 }
    };

    def = convert(pkg, tar_gz(tar_links, pkg), &err);
    ok(def != NULL, "symlinks and a hard link in a tar.gz: converted");
    if (def == NULL) {
        diag_err(&err);
        return;
    }

    is_int(json_array_size(path(def, "stages")), 3, "three groups");
    is_str(blob(path(def, "stages.1.tests.0.input")), "shared\n",
           "a link's test reads the file linked to");
    is_str(blob(path(def, "stages.2.tests.0.input")), "shared\n",
           "through a link to a link");
    is_str(blob(path(def, "stages.2.tests.0.expected")), "answer\n",
           "a hard link");
    ok(json_equal(path(def, "stages.0.tests.0.input"),
                  path(def, "stages.2.tests.0.input")),
       "one reference for a shared file");
    is_int(nputs, 2, "shared files put once");
    json_decref(def);

    def = convert(pkg, zip(zip_links, "z", pkg), &err);
    ok(def != NULL, "symlinks in a zip: converted");
    if (def == NULL) {
        diag_err(&err);
        return;
    }

    is_str(blob(path(def, "stages.0.tests.1.input")), "zipped\n",
           "a zip's link followed");
    is_str(blob(path(def, "stages.0.tests.1.expected")), "out\n",
           "both of them");
    json_decref(def);
}


static void
test_validator(void)
{
    json_t                    *def;
    ngx_http_judge_invalid_t   err;

    static entry_t  custom[] = {
        { 'f', "v/problem.yaml", "validation: custom\n", 0 },
        { 'f', "v/output_validators/check/check.cpp",
          "#include \"util.h\"\nint main() { return 42; }\n", 0 },
        { 'f', "v/output_validators/check/util.h", "#pragma once\n", 0 },
        { 'f', "v/output_validators/check/README", "notes\n", 0 },
        { 'f', "v/data/secret/1.in", "1\n", 0 },
        { 'f', "v/data/secret/1.ans", "1\n", 0 },
        { 0, NULL, NULL, 0 }
    };

    static entry_t  newer[] = {
        { 'f', "problem.yaml", "problem_format_version: 2023-07\n", 0 },
        { 'f', "output_validator/validate.py", "exit(42)\n", 0 },
        { 'f', "data/secret/1.in", "1\n", 0 },
        { 'f', "data/secret/1.ans", "1\n", 0 },
        { 0, NULL, NULL, 0 }
    };

    def = convert(pkg, tar_gz(custom, pkg), &err);
    ok(def != NULL, "an output validator of two files: converted");
    if (def == NULL) {
        diag_err(&err);
        return;
    }

    is_at(def, "title", "v", "no name: the directory's");
    is_at(def, "checker.type", "custom", "a custom checker");
    ok(json_is_true(path(def, "checker.kattis")), "a Kattis validator");
    is_at(def, "checker.language", "cpp", ".cpp is C++");
    is_int(json_array_size(path(def, "checker.files")), 2,
           "the source and its header, not the README");
    is_at(def, "checker.files.0.name", "check.cpp", "the source");
    is_at(def, "checker.files.1.name", "util.h", "the header");
    is_at(def, "checker.files.1.content", "#pragma once\n", "its content");
    json_decref(def);

    def = convert(pkg, tar_gz(newer, pkg), &err);
    ok(def != NULL, "output_validator/ of the newer layout: converted");
    if (def == NULL) {
        diag_err(&err);
        return;
    }

    is_at(def, "checker.language", "python", ".py is Python");
    is_at(def, "checker.files.0.name", "validate.py", "its file");
    json_decref(def);
}


static void
test_interactive(void)
{
    json_t                    *def;
    ngx_http_judge_invalid_t   err;

    static entry_t  guess[] = {
        { 'f', "guess/problem.yaml",
          "name: Guess\nvalidation: custom interactive\n", 0 },
        { 'f', "guess/output_validators/interactor.py", "exit(42)\n", 0 },
        { 'f', "guess/data/sample/1.in", "5\n", 0 },
        { 'f', "guess/data/sample/1.ans", "5\n", 0 },
        { 'f', "guess/data/secret/1.in", "7\n", 0 },
        { 0, NULL, NULL, 0 }
    };

    def = convert(pkg, tar_gz(guess, pkg), &err);
    ok(def != NULL, "an interactive problem: converted");
    if (def == NULL) {
        diag_err(&err);
        return;
    }

    ok(json_object_get(def, "checker") == NULL, "no checker");
    is_at(def, "interactor.language", "python", "the interactor's language");
    ok(json_is_true(path(def, "interactor.kattis")), "a Kattis interactor");
    is_at(def, "interactor.files.0.name", "interactor.py", "its one file");
    ok(path(def, "stages.1.tests.0.input") != NULL
       && path(def, "stages.1.tests.0.expected") == NULL,
       "a test without .ans");
    json_decref(def);
}


typedef struct {
    const char  *name;
    entry_t      entries[8];
    const char  *message;      /* a part of it */
    const char  *also;         /* another part, or NULL */
} bad_t;


#define YAML_OK  { 'f', "p/problem.yaml", "name: P\n", 0 }
#define TEST_OK  { 'f', "p/data/secret/1.in", "1\n", 0 },                    \
                 { 'f', "p/data/secret/1.ans", "1\n", 0 }


static bad_t  bad[] = {

    { "no problem.yaml",
      { TEST_OK, { 0, NULL, NULL, 0 } }, "problem.yaml", "not in" },

    { ".in without .ans",
      { YAML_OK, TEST_OK, { 'f', "p/data/secret/2.in", "2\n", 0 } },
      "data/secret/2.in", "data/secret/2.ans" },

    { "a ../ path",
      { YAML_OK, TEST_OK, { 'f', "p/../evil", "x", 0 } },
      "p/../evil", "\"..\"" },

    { "an absolute path",
      { YAML_OK, TEST_OK, { 'f', "/etc/evil", "x", 0 } },
      "/etc/evil", "absolute" },

    { "a link outside the package",
      { YAML_OK, TEST_OK,
        { 'l', "p/data/secret/2.in", "../../../etc/passwd", 0 } },
      "data/secret/2.in", "outside the package" },

    { "an absolute link",
      { YAML_OK, TEST_OK, { 'l', "p/data/secret/2.in", "/etc/passwd", 0 } },
      "data/secret/2.in", "outside the package" },

    { "a hard link outside the package",
      { YAML_OK, TEST_OK, { 'h', "p/data/secret/2.in", "q/x.in", 0 } },
      "data/secret/2.in", "outside the package" },

    { "a loop of links",
      { YAML_OK, TEST_OK, { 'l', "p/data/secret/a.in", "b.in", 0 },
        { 'l', "p/data/secret/b.in", "a.in", 0 } },
      "data/secret/a.in", "loop" },

    { "a link to nothing",
      { YAML_OK, TEST_OK, { 'l', "p/data/secret/2.in", "3.in", 0 } },
      "data/secret/2.in", "not in the package" },

    { "a link to a directory",
      { YAML_OK, TEST_OK, { 'l', "p/data/secret/g", "..", 0 } },
      "data/secret/g", "directory" },

    { "a device file",
      { YAML_OK, TEST_OK, { 'c', "p/data/secret/null", NULL, 0 } },
      "p/data/secret/null", "device" },

    { "the same name twice",
      { YAML_OK, TEST_OK, { 'f', "p/data/secret/1.in", "again\n", 0 } },
      "p/data/secret/1.in", "twice" },

    { "a file beyond the bound",
      { YAML_OK, TEST_OK,
        { 'f', "p/data/secret/big.in", NULL,
          NGX_HTTP_JUDGE_KATTIS_MAX_FILE + 1 } },
      "p/data/secret/big.in", "64 MiB" },

    { "a package beyond the bound",
      { YAML_OK, TEST_OK,
        { 'f', "p/data/secret/a.in", NULL, 60 * 1024 * 1024 },
        { 'f', "p/data/secret/b.in", NULL, 60 * 1024 * 1024 },
        { 'f', "p/data/secret/c.in", NULL, 60 * 1024 * 1024 },
        { 'f', "p/data/secret/d.in", NULL, 60 * 1024 * 1024 },
        { 'f', "p/data/secret/e.in", NULL, 60 * 1024 * 1024 } },
      "p/data/secret/e.in", "more than 256 MiB" },

    { "broken YAML",
      { { 'f', "p/problem.yaml", "name: [unclosed\n", 0 }, TEST_OK },
      "problem.yaml: line", NULL },

    { "problem.yaml not a mapping",
      { { 'f', "p/problem.yaml", "- a\n- b\n", 0 }, TEST_OK },
      "problem.yaml", "mapping" },

    { "a key twice in problem.yaml",
      { { 'f', "p/problem.yaml", "name: a\nname: b\n", 0 }, TEST_OK },
      "problem.yaml", "\"name\" twice" },

    { "aliases that would grow without end",
      { { 'f', "p/problem.yaml",
          "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
          "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
          "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
          "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
          "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n", 0 }, TEST_OK },
      "problem.yaml", "too large" },

    { "an alias inside itself",
      { { 'f', "p/problem.yaml", "name: &a [*a]\n", 0 }, TEST_OK },
      "problem.yaml", "nested too deep" },

    { "broken testdata.yaml",
      { { 'f', "p/problem.yaml", "type: scoring\n", 0 }, TEST_OK,
        { 'f', "p/data/secret/testdata.yaml", "accept_score: [\n", 0 } },
      "data/secret/testdata.yaml", "line" },

    { "a score that is not a number",
      { { 'f', "p/problem.yaml", "type: scoring\n", 0 }, TEST_OK,
        { 'f', "p/data/testdata.yaml", "accept_score: many\n", 0 } },
      "data/testdata.yaml", "accept_score" },

    { "a validator of an unknown language",
      { { 'f', "p/problem.yaml", "validation: custom\n", 0 }, TEST_OK,
        { 'f', "p/output_validators/v/main.rs", "fn main() {}\n", 0 } },
      "output_validators/v", "main.rs" },

    { "a validator in two languages",
      { { 'f', "p/problem.yaml", "validation: custom\n", 0 }, TEST_OK,
        { 'f', "p/output_validators/v/a.c", "int x;\n", 0 },
        { 'f', "p/output_validators/v/b.py", "x = 1\n", 0 } },
      "output_validators/v/b.py", "language" },

    { "two validators",
      { { 'f', "p/problem.yaml", "validation: custom\n", 0 }, TEST_OK,
        { 'f', "p/output_validators/a.py", "x = 1\n", 0 },
        { 'f', "p/output_validators/b.py", "x = 1\n", 0 } },
      "output_validators/a.py", "output_validators/b.py" },

    { "custom validation without a validator",
      { { 'f', "p/problem.yaml", "validation: custom\n", 0 }, TEST_OK },
      "output_validators/", "no validator" },

    { "a validator's score",
      { { 'f', "p/problem.yaml", "validation: custom score\n", 0 }, TEST_OK },
      "problem.yaml", "score" },

    { "an unsupported type",
      { { 'f', "p/problem.yaml", "type: multi-pass\n", 0 }, TEST_OK },
      "problem.yaml", "multi-pass" },

    { "a time limit that is not a number",
      { { 'f', "p/problem.yaml", "limits:\n  time_limit: fast\n", 0 },
        TEST_OK },
      "problem.yaml", "time_limit" },

    { "a negative memory limit",
      { { 'f', "p/problem.yaml", "limits:\n  memory: -1\n", 0 }, TEST_OK },
      "problem.yaml", "memory" },

    { "a broken .timelimit",
      { YAML_OK, TEST_OK, { 'f', "p/.timelimit", "soon\n", 0 } },
      ".timelimit", "seconds" },

    { "an unknown validator flag",
      { { 'f', "p/problem.yaml", "validator_flags: lenient\n", 0 },
        TEST_OK },
      "validator_flags", "lenient" },

    { "no tests",
      { YAML_OK, { 'f', "p/data/sample/1.ans", "1\n", 0 } },
      "data/", "no tests" },

    { "a statement that is not UTF-8",
      { YAML_OK, TEST_OK,
        { 'f', "p/problem_statement/problem.md", "caf\xe9\n", 0 } },
      "problem_statement/problem.md", "UTF-8" },

    { "a name that is not printable ASCII",
      { YAML_OK, TEST_OK, { 'f', "p/data/secret/\x01.in", "1\n", 0 } },
      "p/data/secret/", "ASCII" },

    { NULL, { { 0, NULL, NULL, 0 } }, NULL, NULL }
};


static void
refused(const char *name, u_char *bytes, size_t len, const char *message,
    const char *also)
{
    json_t                    *def;
    ngx_http_judge_invalid_t   err;
    char                       title[256];

    def = convert(bytes, len, &err);

    snprintf(title, sizeof(title), "%s: refused", name);
    ok(def == NULL, title);
    json_decref(def);

    if (def != NULL) {
        return;
    }

    printf("#   %s\n", err.message);

    snprintf(title, sizeof(title), "%s: 422 invalid_package", name);
    ok(err.status == 422 && err.code != NULL
       && strcmp(err.code, "invalid_package") == 0, title);

    snprintf(title, sizeof(title), "%s: the message says where and what",
             name);

    if (!ok(strstr((char *) err.message, message) != NULL
            && (also == NULL || strstr((char *) err.message, also) != NULL),
            title))
    {
        printf("#   message: %s\n#   wanted: %s%s%s\n", err.message,
               message, also ? " ... " : "", also ? also : "");
    }
}


/*
 * A table of "n" entries (and room for one more): problem.yaml and empty
 * files named by the format "name", their names in "names".
 */

static entry_t *
many(ngx_uint_t n, const char *name, char *names, size_t name_len)
{
    entry_t     *entries;
    ngx_uint_t   i;

    entries = calloc(n + 2, sizeof(entry_t));
    entries[0] = (entry_t) { 'f', "p/problem.yaml", "name: P\n", 0 };

    for (i = 1; i < n; i++) {
        snprintf(names + i * name_len, name_len, name, (int) i);
        entries[i] = (entry_t) { 'f', names + i * name_len, "", 0 };
    }

    return entries;
}


static void
test_refusals(void)
{
    char     *names, *long_name;
    size_t    len;
    bad_t    *b;
    entry_t  *entries;

    static const char  garbage[] = "\x1f\x8b this is not a package at all";

    for (b = bad; b->name != NULL; b++) {
        refused(b->name, pkg, tar_gz(b->entries, pkg), b->message, b->also);
    }

    refused("garbage bytes", (u_char *) garbage, sizeof(garbage) - 1,
            "the package", "not a tar.gz or zip");

    refused("no bytes", (u_char *) "", 0, "the package", NULL);

    len = tar_gz(bad[1].entries, pkg);
    refused("a truncated tar.gz", pkg, len / 2, "the package", NULL);

    names = malloc(32 * (NGX_HTTP_JUDGE_KATTIS_MAX_ENTRIES + 1));
    entries = many(NGX_HTTP_JUDGE_KATTIS_MAX_ENTRIES + 1, "p/data/%05d.txt",
                   names, 32);
    refused("too many entries", pkg, tar_gz(entries, pkg), "more than 10000",
            "entries");
    free(entries);
    free(names);

    long_name = malloc(NGX_HTTP_JUDGE_KATTIS_MAX_PATH + 16);
    memset(long_name, 'a', NGX_HTTP_JUDGE_KATTIS_MAX_PATH + 8);
    memcpy(long_name, "p/data/", 7);
    long_name[NGX_HTTP_JUDGE_KATTIS_MAX_PATH + 8] = '\0';
    entries = many(1, "", NULL, 0);
    entries[1] = (entry_t) { 'f', long_name, "x", 0 };
    refused("a path too long", pkg, tar_gz(entries, pkg), "longer than 1024",
            "p/data/aaa");
    free(entries);
    free(long_name);
}


static void
diag_err(ngx_http_judge_invalid_t *err)
{
    printf("#   %u %s: %s\n", (unsigned) err->status,
           err->code ? err->code : "", err->message);
}


int
main(void)
{
    judge_test_init();

    test_pass_fail();
    test_zip_root();
    test_scoring();
    test_links();
    test_validator();
    test_interactive();
    test_refusals();

    forget();

    return done_testing();
}
