/*
 * The commands that judge on the judge, and read a judgement back:
 * init (the settings they use), run (a problem's tests, hidden ones
 * included), submit (tests of this machine), status.
 *
 * A submission is followed live through GET /submissions/{id}/events:
 * each "test" event turns one line of the tree, the "verdict" event ends
 * it.  A stream that ends without a verdict (a frontend restarted) is
 * followed up by GET /submissions/{id}?wait=true.  Ctrl-C cancels the
 * submission (DELETE) before leaving.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "judge.h"


#define JUDGE_FILE_MAX   (64 * 1024 * 1024)
#define JUDGE_MAX_TESTS  10000


typedef struct {
    judge_t     *j;
    tree_t      *tree;
    json_t      *verdict;       /* the "verdict" event's submission */
} follow_t;


/*
 * Reads the whole regular file "path" (at most 64 MiB) into a new
 * NUL-terminated buffer; anything else (a FIFO, a device) is refused with
 * EINVAL, a directory with EISDIR, before a byte is read, so that it
 * cannot block.  Returns 0, or -1 with errno set (judge_file_error()
 * says it).
 */
int
judge_read_file(const char *path, char **data, size_t *len)
{
    FILE         *f;
    char         *d;
    int           fd;
    struct stat   st;
    off_t         n;

    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    n = st.st_size;
    if (n > JUDGE_FILE_MAX) {
        close(fd);
        errno = EFBIG;
        return -1;
    }
    f = fdopen(fd, "rb");
    if (f == NULL) {
        close(fd);
        return -1;
    }
    d = malloc(n + 1);
    if (d == NULL || fread(d, 1, n, f) != (size_t) n) {
        free(d);
        fclose(f);
        errno = errno ? errno : EIO;
        return -1;
    }
    fclose(f);
    d[n] = '\0';
    *data = d;
    *len = n;
    return 0;
}


/* what judge_read_file()'s errno "err" means */
const char *
judge_file_error(int err)
{
    return err == EINVAL ? "not a regular file" : strerror(err);
}


/*
 * Which of the "n" ids of "ids" (the judge's languages taking the
 * extension "ext", by id) is meant: the usual language of the extension
 * when it is among them (python for .py, not pypy), else one whose id
 * starts every other's (c of c and c-clang), else the first.
 */
static size_t
guess_among(const char *ext, char ids[][128], size_t n)
{
    static const char *const  usual[][2] = {
        { ".py", "python" }, { ".pl", "perl" }, { ".scm", "scheme" },
    };
    size_t                    i, k;

    for (k = 0; k < sizeof(usual) / sizeof(usual[0]); k++) {
        for (i = 0; strcmp(ext, usual[k][0]) == 0 && i < n; i++) {
            if (strcmp(ids[i], usual[k][1]) == 0) {
                return i;
            }
        }
    }
    for (i = 0; i < n; i++) {
        for (k = 0; k < n; k++) {
            if (strncmp(ids[k], ids[i], strlen(ids[i])) != 0) {
                break;
            }
        }
        if (k == n) {
            return i;
        }
    }
    return 0;
}


/*
 * The language of "file" by its extension: of the judge's languages whose
 * file name ends as it does, the one guess_among() picks (the others
 * named on stderr).  NULL, reported, when none does or the judge cannot
 * say.
 */
const char *
judge_guess_language(judge_t *j, const char *file)
{
    static char  ids[16][128];
    json_t      *a, *l;
    size_t       i, n = 0, pick;
    const char  *ext, *name, *dot, *lid;

    ext = strrchr(file, '.');
    if (ext == NULL || strchr(ext, '/') != NULL) {
        fprintf(stderr, "judge: cannot tell the language of %s: give "
                "--language\n", file);
        return NULL;
    }
    if (judge_api(j, "GET", "/languages", NULL, &a) != 0) {
        return NULL;
    }
    json_array_foreach(json_object_get(a, "languages"), i, l) {
        name = json_string_value(json_object_get(l, "file_name"));
        dot = name ? strrchr(name, '.') : NULL;
        lid = json_string_value(json_object_get(l, "id"));
        if (dot != NULL && strcmp(dot, ext) == 0 && lid != NULL
            && n < sizeof(ids) / sizeof(ids[0]))
        {
            snprintf(ids[n++], sizeof(ids[0]), "%s", lid);
        }
    }
    json_decref(a);
    if (n == 0) {
        fprintf(stderr, "judge: no language of the judge takes %s files: "
                "give --language (judge languages lists them)\n", ext);
        return NULL;
    }
    pick = guess_among(ext, ids, n);
    if (n > 1 && !j->quiet) {
        fprintf(stderr, "judge: %s taken as ", file);
        text_put(stderr, ids[pick], strlen(ids[pick]));
        fputs(" (also:", stderr);
        for (i = 0; i < n; i++) {
            if (i != pick) {
                fputc(' ', stderr);
                text_put(stderr, ids[i], strlen(ids[i]));
            }
        }
        fputs("); --language picks another\n", stderr);
    }
    return ids[pick];
}


/* what a finished test's line says after its name */
static char *
test_detail(json_t *t, item_state_t *state)
{
    const char  *verdict = json_string_value(json_object_get(t, "verdict"));
    const char  *why = json_string_value(json_object_get(t,
                                                         "checker_message"));
    json_int_t   ms = json_integer_value(json_object_get(t, "cpu_time_ms"));

    verdict = verdict ? verdict : "?";
    if (strcmp(verdict, "AC") == 0) {
        *state = ITEM_PASS;
        return judge_format("%lld ms", (long long) ms);
    }
    if (strcmp(verdict, "CANCELLED") == 0) {
        *state = ITEM_SKIP;
        return strdup("cancelled");
    }
    *state = ITEM_FAIL;
    if (why == NULL || *why == '\0') {
        why = json_string_value(json_object_get(t, "message"));
    }
    if (why != NULL && *why != '\0') {
        return judge_format("%s · %s", verdict, why);
    }
    return strdup(verdict);
}


/*
 * A finished test into its line of the tree, found by its "index" (by
 * "fallback" when it has none); a failed visible test also shows the
 * start of its stdout and stderr.
 */
static void
tree_apply(tree_t *tree, json_t *t, size_t fallback)
{
    static const char *const  streams[] = { "stdout", "stderr" };
    json_t                   *v;
    tree_item_t              *it;
    item_state_t              state;
    char                     *detail, *text;
    size_t                    index, k;

    v = json_object_get(t, "index");
    index = v == NULL ? fallback
            : json_is_integer(v) ? (size_t) json_integer_value(v)
            : tree->nitems;
    if (index >= tree->nitems) {
        return;
    }
    it = &tree->items[index];
    detail = test_detail(t, &state);
    tree_set(it, state, detail);
    free(detail);
    if (state != ITEM_FAIL || json_is_true(json_object_get(t, "hidden"))
        || it->nlines > 0)
    {
        return;
    }
    for (k = 0; k < 2; k++) {
        v = json_object_get(t, streams[k]);
        if (json_string_length(v) > 0) {
            text = text_preview(json_string_value(v), json_string_length(v),
                                3, 100);
            tree_add_line(it, "%s: %s", streams[k], text ? text : "");
            free(text);
        }
    }
}


/*
 * The skeleton of the tree: a problem's stages and tests, all pending.
 * Returns 0, or -1 when out of memory.
 */
static int
tree_from_problem(tree_t *tree, json_t *problem)
{
    json_t      *stage, *test;
    size_t       s, i;
    const char  *name;

    json_array_foreach(json_object_get(problem, "stages"), s, stage) {
        name = json_string_value(json_object_get(stage, "name"));
        if (tree_add_group(tree, name ? name : "tests") != 0) {
            return -1;
        }
        json_array_foreach(json_object_get(stage, "tests"), i, test) {
            name = json_string_value(json_object_get(test, "name"));
            if (tree_add_item(tree, name ? name : "test", s) != 0) {
                return -1;
            }
        }
    }
    return 0;
}


/*
 * The tree of a finished (or not yet finished) submission: its skeleton
 * from "problem" when the tree has none yet (from the submission's tests
 * without a problem), each test's line from the submission, the tests of
 * a stage that was skipped marked so, and the status line its outcome.
 */
static void
tree_from_submission(tree_t *tree, json_t *problem, json_t *submission)
{
    json_t       *t, *stage;
    size_t        i, s, passed, total;
    const char   *verdict, *sstatus, *id;
    char          name[64];

    if (tree->nitems == 0 && problem != NULL) {
        tree_from_problem(tree, problem);
    } else if (tree->nitems == 0) {
        json_array_foreach(json_object_get(submission, "tests"), i, t) {
            id = json_string_value(json_object_get(t, "id"));
            if (id == NULL) {
                snprintf(name, sizeof(name), "%zu", i + 1);
                id = name;
            }
            tree_add_item(tree, id, 0);
        }
    }
    json_array_foreach(json_object_get(submission, "tests"), i, t) {
        tree_apply(tree, t, i);
    }
    json_array_foreach(json_object_get(submission, "stages"), s, stage) {
        sstatus = json_string_value(json_object_get(stage, "status"));
        for (i = 0; i < tree->nitems; i++) {
            if (tree->items[i].group == s && tree->items[i].state
                == ITEM_PENDING && sstatus && strcmp(sstatus, "skipped") == 0)
            {
                tree_set(&tree->items[i], ITEM_SKIP, "skipped");
            }
        }
    }

    verdict = json_string_value(json_object_get(submission, "verdict"));
    passed = json_integer_value(json_object_get(submission, "passed"));
    total = json_integer_value(json_object_get(submission, "total"));
    if (judge_unfinished(submission)) {
        tree_status(tree, -1, "%s · %zu/%zu tests done",
                    json_string_value(json_object_get(submission, "status")),
                    (size_t) json_array_size(json_object_get(submission,
                                                             "tests")),
                    total);
        return;
    }
    for (i = 0; i < tree->nitems; i++) {
        if (tree->items[i].state == ITEM_PENDING) {
            tree_set(&tree->items[i], ITEM_SKIP, "not run");
        }
    }
    verdict = verdict ? verdict : "?";
    if (strcmp(verdict, "AC") == 0) {
        tree_status(tree, 1, "All %zu test%s passed!", total,
                    total == 1 ? "" : "s");
    } else if (strcmp(verdict, "CE") == 0) {
        tree_status(tree, 0, "Compile error");
    } else if (strcmp(verdict, "CANCELLED") == 0) {
        tree_status(tree, 0, "Cancelled");
    } else if (json_object_get(submission, "max_points") != NULL) {
        tree_status(tree, 0, "%s · %zu/%zu tests passed · %lld/%lld points",
                    verdict, passed, total,
                    (long long) json_integer_value(
                        json_object_get(submission, "points")),
                    (long long) json_integer_value(
                        json_object_get(submission, "max_points")));
    } else {
        tree_status(tree, 0, "%s · %zu/%zu tests passed", verdict, passed,
                    total);
    }
}


static int
follow_event(void *data, const char *event, const char *payload, size_t len)
{
    follow_t  *f = data;
    json_t    *v;

    v = json_loadb(payload, len, JSON_ALLOW_NUL, NULL);
    if (v == NULL) {
        return 0;
    }
    if (strcmp(event, "verdict") == 0) {
        f->verdict = v;
        return 1;
    }
    if (strcmp(event, "test") == 0) {
        tree_apply(f->tree, v, f->tree->nitems);
        tree_status(f->tree, 1, "judging · %zu/%zu tests done",
                    tree_done(f->tree), f->tree->nitems);
        if (!f->j->json && !f->j->quiet) {
            tree_draw(f->tree);
        }
    }
    json_decref(v);
    return 0;
}


static void
follow_tick(void *data)
{
    follow_t  *f = data;

    if (!f->j->json && !f->j->quiet) {
        tree_draw(f->tree);
    }
}


/* the compiler's output under the tree of a compile error */
static void
print_compile(judge_t *j, json_t *submission)
{
    json_t  *out = json_object_get(json_object_get(submission, "compile"),
                                   "output");
    char    *text;

    if (json_string_length(out) == 0) {
        return;
    }
    text = text_preview(json_string_value(out), json_string_length(out), 60,
                        200);
    printf("%s%s%s", term_color(&j->term, "2"), text ? text : "",
           term_color(&j->term, "0"));
    if (text != NULL && text[0] != '\0' && text[strlen(text) - 1] != '\n') {
        printf("\n");
    }
    free(text);
}


/*
 * The exit status of an ended submission: 0 when it was accepted, 1 when
 * the program failed, 3 (said on stderr with the judge's reason) when the
 * judge failed it (status FAILED, verdict IE: no worker came, its tries
 * ran out).
 */
static int
judge_outcome(json_t *submission)
{
    const char  *status, *verdict, *msg, *id;

    status = json_string_value(json_object_get(submission, "status"));
    verdict = json_string_value(json_object_get(submission, "verdict"));
    if (status != NULL && strcmp(status, "FAILED") == 0) {
        msg = json_string_value(json_object_get(submission, "message"));
        msg = msg ? msg : "no reason given";
        id = json_string_value(json_object_get(submission, "id"));
        id = id ? id : "?";
        fputs("judge: submission ", stderr);
        text_put(stderr, id, strlen(id));
        fputs(" failed on the judge: ", stderr);
        text_put(stderr, msg, strlen(msg));
        fputc('\n', stderr);
        return JUDGE_EXIT_SERVER;
    }
    return verdict && strcmp(verdict, "AC") == 0 ? JUDGE_EXIT_OK
                                                 : JUDGE_EXIT_FAILED;
}


/*
 * Follows the submission "id" to its end, drawing "tree" (its skeleton
 * made by the caller) live; prints the outcome, or the submission's JSON
 * with --json.  Returns 0 when every test passed, 1 when not, 3 when the
 * judge failed, 130 on Ctrl-C (the submission cancelled).  When the
 * stream breaks (a proxy cut it, nginx reloaded), the end is waited for
 * with ?wait=true, asked again while the judge answers it unfinished (at
 * judge_wait_timeout).
 */
static int
judge_follow(judge_t *j, const char *id, tree_t *tree)
{
    follow_t     f;
    char         err[512], *path;
    json_t      *a = NULL;
    int          rc;

    memset(&f, 0, sizeof(f));
    f.j = j;
    f.tree = tree;
    tree_status(tree, 1, "compiling and judging · 0/%zu tests done",
                tree->nitems);
    if (!j->json && !j->quiet) {
        tree_draw(tree);
    }
    path = judge_format("/submissions/%s/events", id);
    if (path == NULL) {
        return JUDGE_EXIT_SERVER;
    }
    rc = http_events(j, path, follow_event, follow_tick, &f, err,
                     sizeof(err));
    free(path);

    if (rc != 0 && rc != JUDGE_EXIT_INTERRUPTED) {
        if (rc < 0 && !j->quiet) {
            fputs("judge: following ", stderr);
            text_put(stderr, id, strlen(id));
            fputs(": ", stderr);
            text_put(stderr, err, strlen(err));
            fputs("; waiting for its end\n", stderr);
        }
        path = judge_format("/submissions/%s?wait=true", id);
        if (path == NULL) {
            return JUDGE_EXIT_SERVER;
        }
        rc = judge_wait(j, path, &f.verdict);
        free(path);
        if (rc != 0 && rc != JUDGE_EXIT_INTERRUPTED) {
            return rc;
        }
    }
    if (rc == JUDGE_EXIT_INTERRUPTED) {
        judge_interrupt_acknowledge();
        path = judge_format("/submissions/%s", id);
        rc = path ? http_request(j, "DELETE", path, NULL, &(long) { 0 }, &a,
                                 err, sizeof(err)) : -1;
        json_decref(a);
        free(path);
        tree_status(tree, 0, rc == 0 ? "Cancelled: submission %s"
                    : "Interrupted; submission %s may still run", id);
        if (!j->json) {
            tree_finish(tree);
        }
        return JUDGE_EXIT_INTERRUPTED;
    }

    if (j->json) {
        judge_print_json(f.verdict);
    } else {
        tree_from_submission(tree, NULL, f.verdict);
        tree->status_only = j->quiet;
        tree_finish(tree);
        if (!j->quiet) {
            print_compile(j, f.verdict);
        }
    }
    rc = judge_outcome(f.verdict);
    json_decref(f.verdict);
    return rc;
}


/*
 * The source file named in "cmd": its first blank-separated word (quotes
 * are not needed to guess) that names an existing regular file with an
 * extension and no execute bit; a new string, or NULL.
 */
static char *
guess_source(const char *cmd)
{
    char         *copy, *w, *save, *found = NULL;
    struct stat   st;

    if (cmd == NULL || (copy = strdup(cmd)) == NULL) {
        return NULL;
    }
    for (w = strtok_r(copy, " \t", &save); w && !found;
         w = strtok_r(NULL, " \t", &save))
    {
        if (strchr(w, '.') != NULL && w[0] != '-' && stat(w, &st) == 0
            && S_ISREG(st.st_mode) && !(st.st_mode & S_IXUSR))
        {
            found = strdup(w);
        }
    }
    free(copy);
    return found;
}


int
cmd_init(judge_t *j, int argc, char **argv)
{
    static const struct option  opts[] = {
        { "cmd",      required_argument, NULL, 'c' },
        { "language", required_argument, NULL, 'l' },
        { "problem",  required_argument, NULL, 'p' },
        { "source",   required_argument, NULL, 's' },
        { "build",    required_argument, NULL, 'b' },
        { "force",    no_argument,       NULL, 'f' },
        { NULL, 0, NULL, 0 }
    };
    judge_config_t   c;
    char             err[512];
    const char      *lang;
    int              o, force = 0, rc = JUDGE_EXIT_USAGE;
    json_t          *v;

    memset(&c, 0, sizeof(c));
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'c': free(c.command); c.command = strdup(optarg); break;
        case 'l': free(c.language); c.language = strdup(optarg); break;
        case 'p': free(c.problem); c.problem = strdup(optarg); break;
        case 's': free(c.source); c.source = strdup(optarg); break;
        case 'b': free(c.build); c.build = strdup(optarg); break;
        case 'f': force = 1; break;
        default: goto out;
        }
    }
    if (optind < argc || c.command == NULL) {
        fprintf(stderr, "judge: init needs --cmd, how to run the program "
                "here (\"python3 main.py\", \"./main\")\n");
        judge_command_usage("init");
        goto out;
    }
    if (!force && access(JUDGE_CONFIG_NAME, F_OK) == 0) {
        judge_error(j, "exists", "%s exists here; --force replaces it",
                    JUDGE_CONFIG_NAME);
        goto out;
    }
    c.server = strdup(j->server);
    if (c.source == NULL) {
        c.source = guess_source(c.build);
    }
    if (c.source == NULL) {
        c.source = guess_source(c.command);
    }
    if (c.language == NULL && c.source != NULL) {
        lang = judge_guess_language(j, c.source);
        c.language = lang ? strdup(lang) : NULL;
    }
    if (config_write(JUDGE_CONFIG_NAME, &c, err, sizeof(err)) != 0) {
        judge_error(j, "write_failed", "%s", err);
        goto out;
    }
    if (j->json) {
        v = json_pack("{s:s,s:s?,s:s,s:s?,s:s?,s:s?}", "server", c.server,
                      "language", c.language, "command", c.command,
                      "build", c.build, "source", c.source,
                      "problem", c.problem);
        judge_print_json(v);
        json_decref(v);
    } else if (!j->quiet) {
        printf("wrote %s: server %s, language %s, source %s, problem %s\n",
               JUDGE_CONFIG_NAME, c.server,
               c.language ? c.language : "(guessed when needed)",
               c.source ? c.source : "(none: give --source to judge run)",
               c.problem ? c.problem : "(none: name it to judge test/run)");
    }
    rc = JUDGE_EXIT_OK;

out:
    config_free(&c);
    return rc;
}


/* the title line of a tree: "what · language", both made safe */
static char *
title_of(judge_t *j, const char *what, const char *lang)
{
    char  *w = text_clean(what, strlen(what));
    char  *l = text_clean(lang, strlen(lang));
    char  *title;

    title = w && l ? judge_format("%s%s · %s%s", w, term_color(&j->term, "0"),
                                  term_color(&j->term, "2"), l)
                   : NULL;
    free(w);
    free(l);
    return title;
}


/*
 * POSTs "body" to "path" and follows the submission it makes, with a
 * link to it on the judge's web page when the judge serves one
 */
static int
submit_and_follow(judge_t *j, const char *path, json_t *body, tree_t *tree)
{
    json_t      *a;
    const char  *id;
    char         sid[128];
    int          rc;

    rc = judge_api(j, "POST", path, body, &a);
    if (rc != 0) {
        return rc;
    }
    id = json_string_value(json_object_get(a, "id"));
    if (id == NULL) {
        json_decref(a);
        judge_error(j, "bad_answer", "the judge's answer has no id");
        return JUDGE_EXIT_SERVER;
    }
    snprintf(sid, sizeof(sid), "%s", id);
    json_decref(a);
    if (!j->json && !j->quiet) {
        printf("submission ");
        text_put(stdout, sid, strlen(sid));
        putchar('\n');
        if (http_serves_page(j)) {
            printf("watch it at ");
            text_put(stdout, j->server, strlen(j->server));
            printf("/#submission=");
            text_put(stdout, sid, strlen(sid));
            putchar('\n');
        }
    }
    return judge_follow(j, sid, tree);
}


int
cmd_run(judge_t *j, int argc, char **argv)
{
    static const struct option  opts[] = {
        { "language", required_argument, NULL, 'l' },
        { "source",   required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 }
    };
    const char  *lang = NULL, *source = NULL, *pid, *title;
    char        *text = NULL, *e = NULL, *path = NULL;
    size_t       len;
    int          o, rc;
    json_t      *problem = NULL, *body = NULL;
    tree_t       tree;

    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'l': lang = optarg; break;
        case 's': source = optarg; break;
        default: return judge_command_usage("run");
        }
    }
    if (argc - optind > 1) {
        return judge_command_usage("run");
    }
    source = source ? source : j->cfg.source;
    if (source == NULL) {
        fprintf(stderr, "judge: which file? Give --source, or set \"source\" "
                "in .judge.yaml\n");
        return judge_command_usage("run");
    }
    if (judge_read_file(source, &text, &len) != 0) {
        judge_error(j, "bad_source", "%s: %s", source,
                    judge_file_error(errno));
        return JUDGE_EXIT_USAGE;
    }
    memset(&tree, 0, sizeof(tree));
    rc = judge_problem(j, optind < argc ? argv[optind] : NULL, "run",
                       &problem);
    if (rc != 0) {
        goto out;
    }
    lang = lang ? lang : j->cfg.language;
    lang = lang ? lang : judge_guess_language(j, source);
    if (lang == NULL) {
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    pid = json_string_value(json_object_get(problem, "id"));
    if (pid == NULL) {
        judge_error(j, "bad_answer", "the judge's problem has no id");
        rc = JUDGE_EXIT_SERVER;
        goto out;
    }
    e = http_escape(pid);
    path = e ? judge_format("/problems/%s/submissions", e) : NULL;
    body = json_pack("{s:s,s:s%}", "language", lang, "source", text, len);
    if (path == NULL || body == NULL) {
        judge_error(j, "bad_source", "%s is not text the judge can take "
                    "(UTF-8)", source);
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    tree.term = &j->term;
    title = json_string_value(json_object_get(problem, "title"));
    tree.title = title_of(j, title ? title : pid, lang);
    tree_from_problem(&tree, problem);
    rc = submit_and_follow(j, path, body, &tree);

out:
    tree_free(&tree);
    json_decref(problem);
    json_decref(body);
    free(path);
    free(e);
    free(text);
    return rc;
}


static int
by_version(const struct dirent **a, const struct dirent **b)
{
    return strverscmp((*a)->d_name, (*b)->d_name);
}


static int
is_input(const struct dirent *d)
{
    size_t  n = strlen(d->d_name);

    return n > 3 && strcmp(d->d_name + n - 3, ".in") == 0;
}


/* one test {id, input, expected_output} from the files given */
static json_t *
test_from_files(judge_t *j, const char *name, const char *in,
                const char *expected)
{
    char    *input, *output;
    size_t   ilen, olen;
    json_t  *t;

    if (judge_read_file(in, &input, &ilen) != 0) {
        judge_error(j, "bad_test", "%s: %s", in, judge_file_error(errno));
        return NULL;
    }
    if (judge_read_file(expected, &output, &olen) != 0) {
        judge_error(j, "bad_test", "%s: %s", expected,
                    judge_file_error(errno));
        free(input);
        return NULL;
    }
    t = json_pack("{s:s,s:s%,s:s%}", "id", name, "input", input, ilen,
                  "expected_output", output, olen);
    if (t == NULL) {
        judge_error(j, "bad_test", "%s or %s is not UTF-8 text", in,
                    expected);
    }
    free(input);
    free(output);
    return t;
}


/*
 * The tests of directory "dir": each NAME.in with NAME.out (or NAME.ans)
 * beside it, in natural order of the names.  NULL, reported, when one has
 * no answer or a file cannot be read.
 */
static json_t *
tests_from_dir(judge_t *j, const char *dir)
{
    struct dirent  **names;
    json_t          *tests, *t;
    char            *in, *out, *name;
    int              n, i;

    n = scandir(dir, &names, is_input, by_version);
    if (n < 0) {
        judge_error(j, "bad_tests", "%s: %s", dir, strerror(errno));
        return NULL;
    }
    tests = n > JUDGE_MAX_TESTS ? NULL : json_array();
    if (n > JUDGE_MAX_TESTS) {
        judge_error(j, "bad_tests", "%s has %d tests, more than %d", dir, n,
                    JUDGE_MAX_TESTS);
    }
    for (i = 0; i < n && tests != NULL; i++) {
        name = strndup(names[i]->d_name, strlen(names[i]->d_name) - 3);
        in = judge_format("%s/%s", dir, names[i]->d_name);
        out = judge_format("%s/%s.out", dir, name);
        if (out != NULL && access(out, F_OK) != 0) {
            free(out);
            out = judge_format("%s/%s.ans", dir, name);
        }
        if (out != NULL && access(out, F_OK) != 0) {
            judge_error(j, "bad_tests", "%s has no %s.out or %s.ans beside "
                        "it", in, name, name);
            t = NULL;
        } else {
            t = name && in && out ? test_from_files(j, name, in, out) : NULL;
        }
        if (t == NULL) {
            json_decref(tests);
            tests = NULL;
        } else {
            json_array_append_new(tests, t);
        }
        free(name);
        free(in);
        free(out);
    }
    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    if (tests != NULL && json_array_size(tests) == 0) {
        judge_error(j, "bad_tests", "%s has no NAME.in files", dir);
        json_decref(tests);
        tests = NULL;
    }
    return tests;
}


int
cmd_submit(judge_t *j, int argc, char **argv)
{
    static const struct option  opts[] = {
        { "language", required_argument, NULL, 'l' },
        { "tests",    required_argument, NULL, 't' },
        { "input",    required_argument, NULL, 'i' },
        { "expected", required_argument, NULL, 'e' },
        { "flag",     required_argument, NULL, 'F' },
        { NULL, 0, NULL, 0 }
    };
    const char  *lang = NULL, *dir = NULL, *in = NULL, *expected = NULL;
    const char  *file, *base;
    char        *text = NULL;
    size_t       len, i;
    int          o, rc;
    json_t      *tests = NULL, *flags, *body = NULL, *t;
    tree_t       tree;

    flags = json_array();
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'l': lang = optarg; break;
        case 't': dir = optarg; break;
        case 'i': in = optarg; break;
        case 'e': expected = optarg; break;
        case 'F': json_array_append_new(flags, json_string(optarg)); break;
        default:
            json_decref(flags);
            return judge_command_usage("submit");
        }
    }
    if (argc - optind != 1 || (dir && (in || expected))
        || (!dir && !(in && expected)))
    {
        if (argc - optind == 1 && !dir && !(in && expected)) {
            fprintf(stderr, "judge: submit needs tests: --tests DIR, or "
                    "--input F --expected F (judge exec runs a program "
                    "without tests)\n");
        }
        json_decref(flags);
        return judge_command_usage("submit");
    }
    file = argv[optind];
    memset(&tree, 0, sizeof(tree));
    if (judge_read_file(file, &text, &len) != 0) {
        judge_error(j, "bad_source", "%s: %s", file,
                    judge_file_error(errno));
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    tests = dir ? tests_from_dir(j, dir)
                : json_pack("[o]", test_from_files(j, "1", in, expected));
    if (tests == NULL) {
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    lang = lang ? lang : judge_guess_language(j, file);
    if (lang == NULL) {
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    body = json_pack("{s:s,s:s%,s:O,s:O}", "language", lang, "source", text,
                     len, "tests", tests, "compiler_flags", flags);
    if (body == NULL) {
        judge_error(j, "bad_source", "%s is not UTF-8 text", file);
        rc = JUDGE_EXIT_USAGE;
        goto out;
    }
    base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    tree.term = &j->term;
    tree.title = title_of(j, base, lang);
    json_array_foreach(tests, i, t) {
        tree_add_item(&tree, json_string_value(json_object_get(t, "id")), 0);
    }
    rc = submit_and_follow(j, "/submissions", body, &tree);

out:
    tree_free(&tree);
    json_decref(body);
    json_decref(tests);
    json_decref(flags);
    free(text);
    return rc;
}


int
cmd_status(judge_t *j, int argc, char **argv)
{
    static const struct option  opts[] = {
        { "wait", no_argument, NULL, 'w' },
        { NULL, 0, NULL, 0 }
    };
    int          o, wait = 0, rc;
    char        *e, *path;
    const char  *pid;
    json_t      *s, *problem = NULL, *ver;
    tree_t       tree;

    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 'w') {
            return judge_command_usage("status");
        }
        wait = 1;
    }
    if (argc - optind != 1) {
        return judge_command_usage("status");
    }
    e = http_escape(argv[optind]);
    path = e ? judge_format("/submissions/%s%s", e, wait ? "?wait=true" : "")
             : NULL;
    free(e);
    rc = path == NULL ? JUDGE_EXIT_SERVER
         : wait ? judge_wait(j, path, &s) : judge_api(j, "GET", path, NULL, &s);
    free(path);
    if (rc != 0) {
        return rc;
    }
    rc = judge_unfinished(s) ? JUDGE_EXIT_OK : judge_outcome(s);
    if (j->json) {
        judge_print_json(s);
        json_decref(s);
        return rc;
    }

    memset(&tree, 0, sizeof(tree));
    tree.term = &j->term;
    pid = json_string_value(json_object_get(json_object_get(s, "problem"),
                                            "id"));
    ver = json_object_get(json_object_get(s, "problem"), "version");
    if (pid != NULL) {
        e = http_escape(pid);
        path = e ? judge_format("/problems/%s?version=%lld", e,
                                (long long) json_integer_value(ver)) : NULL;
        free(e);
        if (path == NULL || judge_api(j, "GET", path, NULL, &problem) != 0) {
            problem = NULL;
        }
        free(path);
    }
    tree.title = title_of(j, json_string_value(json_object_get(s, "id")) ? : "",
                          json_string_value(json_object_get(s, "language"))
                          ? : "?");
    tree_from_submission(&tree, problem, s);
    tree.status_only = j->quiet;
    tree_finish(&tree);
    if (!j->quiet) {
        print_compile(j, s);
    }
    tree_free(&tree);
    json_decref(problem);
    json_decref(s);
    return rc;
}
