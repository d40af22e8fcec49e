/*
 * The commands that read the judge: languages, workers, problems, show.
 * With --json each prints the judge's own answer.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"


#define TABLE_MAX_COLS  12


typedef struct {
    const char   *head[TABLE_MAX_COLS];
    size_t        ncols;
    char        **cells;        /* row by row */
    size_t        nrows;
} table_t;


/* "text" (taken) into column "col"; a new row at column 0 */
static void
table_add(table_t *t, size_t col, char *text)
{
    char  **cells, *clean;

    clean = text ? text_clean(text, strlen(text)) : NULL;
    free(text);
    text = clean;

    if (col == 0) {
        cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));
        if (cells == NULL) {
            free(text);
            return;
        }
        t->cells = cells;
        memset(t->cells + t->nrows * t->ncols, 0, t->ncols * sizeof(char *));
        t->nrows++;
    }
    t->cells[(t->nrows - 1) * t->ncols + col] = text;
}


/* display width of UTF-8 text, one column per character */
static size_t
text_width(const char *s)
{
    size_t  w = 0;

    for ( ; s && *s; s++) {
        w += ((unsigned char) *s & 0xc0) != 0x80;
    }
    return w;
}


static void
table_print(const judge_t *j, table_t *t)
{
    size_t       width[TABLE_MAX_COLS], r, c, w;
    const char  *cell;

    for (c = 0; c < t->ncols; c++) {
        width[c] = strlen(t->head[c]);
        for (r = 0; r < t->nrows; r++) {
            w = text_width(t->cells[r * t->ncols + c]);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    if (!j->quiet) {
        printf("%s", term_color(&j->term, "1"));
        for (c = 0; c < t->ncols; c++) {
            printf("%-*s%s", c + 1 < t->ncols ? (int) width[c] : 0,
                   t->head[c], c + 1 < t->ncols ? "  " : "");
        }
        printf("%s\n", term_color(&j->term, "0"));
    }
    for (r = 0; r < t->nrows; r++) {
        for (c = 0; c < t->ncols; c++) {
            cell = t->cells[r * t->ncols + c];
            cell = cell ? cell : "";
            printf("%s", cell);
            if (c + 1 < t->ncols) {
                printf("%*s", (int) (width[c] - text_width(cell) + 2), "");
            }
        }
        printf("\n");
    }
    for (r = 0; r < t->nrows * t->ncols; r++) {
        free(t->cells[r]);
    }
    free(t->cells);
}


void
judge_print_json(json_t *v)
{
    json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
}


static const char *
str(json_t *obj, const char *key)
{
    const char  *s = json_string_value(json_object_get(obj, key));

    return s ? s : "";
}


static char *
num(json_t *obj, const char *key)
{
    json_t  *v = json_object_get(obj, key);

    if (json_is_integer(v)) {
        return judge_format("%lld", (long long) json_integer_value(v));
    }
    if (json_is_real(v)) {
        return judge_format("%.2f", json_real_value(v));
    }
    return strdup("-");
}


/* the command takes no arguments but the common options */
static int
no_args(const char *cmd, int argc, char **argv)
{
    static const struct option  none[] = { { NULL, 0, NULL, 0 } };

    if (getopt_long(argc, argv, "", none, NULL) != -1 || optind < argc) {
        return judge_command_usage(cmd);
    }
    return 0;
}


int
cmd_languages(judge_t *j, int argc, char **argv)
{
    json_t   *a, *l;
    size_t    i;
    int       rc;
    table_t   t = { { "ID", "NAME", "COMPILED", "WORKERS", "FREE SLOTS" },
                    5, NULL, 0 };

    if ((rc = no_args("languages", argc, argv)) != 0) {
        return rc;
    }
    if ((rc = judge_api(j, "GET", "/languages", NULL, &a)) != 0) {
        return rc;
    }
    if (j->json) {
        judge_print_json(a);
        json_decref(a);
        return JUDGE_EXIT_OK;
    }
    json_array_foreach(json_object_get(a, "languages"), i, l) {
        table_add(&t, 0, strdup(str(l, "id")));
        table_add(&t, 1, strdup(str(l, "name")));
        table_add(&t, 2, strdup(json_is_true(json_object_get(l, "compiled"))
                                ? "yes" : "no"));
        table_add(&t, 3, num(l, "workers"));
        table_add(&t, 4, num(l, "free_slots"));
    }
    if (t.nrows == 0 && !j->quiet) {
        printf("no language is offered now: no worker is connected\n");
    } else {
        table_print(j, &t);
    }
    json_decref(a);
    return JUDGE_EXIT_OK;
}


/* the language ids of an admin view of a worker, joined by "," */
static char *
worker_languages(json_t *w)
{
    json_t   *l;
    size_t    i;
    char     *s = strdup(""), *n;

    json_array_foreach(json_object_get(w, "languages"), i, l) {
        n = s ? judge_format("%s%s%s", s, i ? "," : "", str(l, "id")) : NULL;
        free(s);
        s = n;
    }
    return s;
}


int
cmd_workers(judge_t *j, int argc, char **argv)
{
    json_t   *a, *w;
    size_t    i;
    int       rc, admin;
    table_t   t = { { "#", "CORES", "SLOTS", "FREE", "LOAD", "DONE",
                      "HEARTBEAT", "STATE" }, 8, NULL, 0 };
    table_t   ta = { { "ID", "HOST", "VERSION", "SANDBOX", "SLOTS", "FREE",
                       "LOAD", "DONE", "HEARTBEAT", "STATE", "LANGUAGES" },
                     11, NULL, 0 };
    table_t  *tp;

    if ((rc = no_args("workers", argc, argv)) != 0) {
        return rc;
    }
    if ((rc = judge_api(j, "GET", "/workers", NULL, &a)) != 0) {
        return rc;
    }
    if (j->json) {
        judge_print_json(a);
        json_decref(a);
        return JUDGE_EXIT_OK;
    }
    w = json_array_get(json_object_get(a, "workers"), 0);
    admin = json_object_get(w, "id") != NULL;
    tp = admin ? &ta : &t;
    json_array_foreach(json_object_get(a, "workers"), i, w) {
        size_t  c = 0;

        if (admin) {
            table_add(tp, c++, judge_format("%.12s", str(w, "id")));
            table_add(tp, c++, strdup(str(w, "host")));
            table_add(tp, c++, strdup(str(w, "version")));
            table_add(tp, c++, strdup(str(json_object_get(w, "sandbox"),
                                          "backend")));
        } else {
            table_add(tp, c++, judge_format("%zu", i + 1));
            table_add(tp, c++, num(w, "cores"));
        }
        table_add(tp, c++, num(w, "slots"));
        table_add(tp, c++, num(w, "free_slots"));
        table_add(tp, c++, num(w, "load"));
        table_add(tp, c++, num(w, "tasks_done"));
        table_add(tp, c++, judge_format("%lld ms ago", (long long)
                      json_integer_value(json_object_get(w,
                                                    "heartbeat_age_ms"))));
        table_add(tp, c++, strdup(json_is_true(json_object_get(w, "draining"))
                                  ? "draining" : "serving"));
        if (admin) {
            table_add(tp, c++, worker_languages(w));
        }
    }
    if (tp->nrows == 0 && !j->quiet) {
        printf("no worker is connected\n");
    } else {
        table_print(j, tp);
    }
    json_decref(a);
    return JUDGE_EXIT_OK;
}


int
cmd_problems(judge_t *j, int argc, char **argv)
{
    json_t      *a, *p, *all, *page;
    size_t       i;
    int          rc;
    char        *path, *cursor;
    const char  *next;
    table_t      t = { { "ID", "VERSION", "TITLE", "STAGES", "TESTS" }, 5,
                       NULL, 0 };

    if ((rc = no_args("problems", argc, argv)) != 0) {
        return rc;
    }
    all = json_array();
    path = strdup("/problems?limit=100");
    while (path != NULL) {
        rc = judge_api(j, "GET", path, NULL, &a);
        free(path);
        path = NULL;
        if (rc != 0) {
            json_decref(all);
            return rc;
        }
        page = json_object_get(a, "problems");
        json_array_extend(all, page);
        next = json_string_value(json_object_get(a, "next_cursor"));
        if (next != NULL && json_array_size(page) > 0) {
            cursor = http_escape(next);
            path = cursor ? judge_format("/problems?limit=100&cursor=%s",
                                         cursor) : NULL;
            free(cursor);
        }
        json_decref(a);
    }
    if (j->json) {
        a = json_pack("{s:o}", "problems", all);
        judge_print_json(a);
        json_decref(a);
        return JUDGE_EXIT_OK;
    }
    json_array_foreach(all, i, p) {
        table_add(&t, 0, strdup(str(p, "id")));
        table_add(&t, 1, num(p, "version"));
        table_add(&t, 2, strdup(str(p, "title")));
        table_add(&t, 3, num(p, "stages"));
        table_add(&t, 4, num(p, "tests_total"));
    }
    if (t.nrows == 0 && !j->quiet) {
        printf("the judge has no problems\n");
    } else {
        table_print(j, &t);
    }
    json_decref(all);
    return JUDGE_EXIT_OK;
}


/*
 * The problem "id" (or .judge.yaml's problem when NULL) read from the
 * judge into "problem".  Returns 0, or the exit status.
 */
int
judge_problem(judge_t *j, const char *id, const char *cmd, json_t **problem)
{
    char  *e, *path;
    int    rc;

    id = id ? id : j->cfg.problem;
    if (id == NULL) {
        fprintf(stderr, "judge: which problem? Name it, or set \"problem\" "
                "in .judge.yaml (judge init --problem ID)\n");
        return judge_command_usage(cmd);
    }
    e = http_escape(id);
    path = e ? judge_format("/problems/%s", e) : NULL;
    free(e);
    if (path == NULL) {
        return JUDGE_EXIT_SERVER;
    }
    rc = judge_api(j, "GET", path, NULL, problem);
    free(path);
    return rc;
}


/* the judge's text "s" on stdout, made safe (text_clean) */
static void
put(const char *s)
{
    text_put(stdout, s, strlen(s));
}


static void
print_block(const judge_t *j, const char *label, const char *text,
            size_t len)
{
    char  *p = text_preview(text, len, 200, 400), *line, *nl;

    printf("%s%s%s\n", term_color(&j->term, "2"), label,
           term_color(&j->term, "0"));
    for (line = p; line != NULL; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        printf("    %.*s\n", (int) (nl ? nl - line : (long) strlen(line)),
               line);
    }
    free(p);
}


int
cmd_show(judge_t *j, int argc, char **argv)
{
    static const struct option  none[] = { { NULL, 0, NULL, 0 } };
    json_t      *p, *limits, *stage, *test, *v;
    size_t       s, i, k;
    int          rc;
    const char  *key, *statement;

    if (getopt_long(argc, argv, "", none, NULL) != -1 || argc - optind > 1) {
        return judge_command_usage("show");
    }
    rc = judge_problem(j, optind < argc ? argv[optind] : NULL, "show", &p);
    if (rc != 0) {
        return rc;
    }
    if (j->json) {
        judge_print_json(p);
        json_decref(p);
        return JUDGE_EXIT_OK;
    }
    printf("%s", term_color(&j->term, "1"));
    put(str(p, "title"));
    printf("%s  (", term_color(&j->term, "0"));
    put(str(p, "id"));
    printf(", version %lld)\n",
           (long long) json_integer_value(json_object_get(p, "version")));
    if (j->quiet) {
        json_decref(p);
        return JUDGE_EXIT_OK;
    }
    statement = str(p, "statement");
    if (*statement != '\0') {
        char  *prev = text_preview(statement, strlen(statement), 1000, 1000);

        printf("\n%s\n", prev ? prev : "");
        free(prev);
    }
    limits = json_object_get(p, "limits");
    if (json_object_size(limits) > 0) {
        printf("\nlimits:");
        json_object_foreach(limits, key, v) {
            char  *n = num(limits, key);

            putchar(' ');
            put(key);
            printf(" %s", n ? n : "?");
            free(n);
        }
        printf("\n");
    }
    json_array_foreach(json_object_get(p, "stages"), s, stage) {
        printf("\n%sstage %lld: ", term_color(&j->term, "1"),
               (long long) json_integer_value(json_object_get(stage,
                                                              "number")));
        put(str(stage, "name"));
        printf("%s\n", term_color(&j->term, "0"));
        json_array_foreach(json_object_get(stage, "tests"), i, test) {
            int  sample = json_is_true(json_object_get(test, "sample"));

            printf("  ");
            put(str(test, "name"));
            printf("%s\n", sample ? " (sample)" : " (hidden)");
            if (sample) {
                v = json_object_get(test, "stdin");
                print_block(j, "  input:", json_string_value(v) ? : "",
                            json_string_length(v));
                v = json_object_get(test, "expected_output");
                if (v != NULL) {
                    print_block(j, "  expected output:",
                                json_string_value(v) ? : "",
                                json_string_length(v));
                }
            }
            json_array_foreach(json_object_get(test, "assertions"), k, v) {
                printf("  checks: ");
                put(str(v, "description"));
                putchar('\n');
            }
        }
    }
    json_decref(p);
    return JUDGE_EXIT_OK;
}
