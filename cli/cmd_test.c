/*
 * judge test: a problem's public tests run on this machine, before the
 * judge runs the hidden ones.
 *
 * The samples of GET /problems/{id} (their input, expected output and
 * assertions are public) are run one by one with .judge.yaml's command
 * (local.c says how), after its build command, with the problem's limits;
 * outputs are judged by the judge's own checker code
 * (worker/daemon/checker.c), so a sample passes here exactly when it
 * passes there.  A custom checker runs only on the judge: its samples are
 * compared here as the default checker would.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "checker.h"
#include "judge.h"


#define TEST_MAX_ASSERTIONS  64


typedef struct {
    judge_t          *j;
    local_t           local;
    local_limits_t    limits;
    checker_spec_t    checker;
    int               custom;       /* the problem's checker is a program */
    tree_t            tree;
    json_t           *report;       /* --json: one object per test */
    size_t            passed;
    size_t            hidden;
} local_test_t;


static unsigned long
limit(json_t *limits, const char *key, unsigned long dflt)
{
    json_t  *v = json_object_get(limits, key);

    return json_is_integer(v) && json_integer_value(v) > 0
           ? (unsigned long) json_integer_value(v) : dflt;
}


/* the problem's checker as the judge's checker code takes it */
static void
test_checker(local_test_t *lt, json_t *problem)
{
    json_t      *c = json_object_get(problem, "checker");
    const char  *type = json_string_value(json_object_get(c, "type"));

    memset(&lt->checker, 0, sizeof(lt->checker));
    lt->checker.kind = CHECKER_DEFAULT;
    if (type == NULL) {
        return;
    }
    if (strcmp(type, "exact") == 0) {
        lt->checker.kind = CHECKER_EXACT;
    } else if (strcmp(type, "tokens") == 0) {
        lt->checker.kind = CHECKER_TOKENS;
    } else if (strcmp(type, "float") == 0) {
        lt->checker.kind = CHECKER_FLOAT;
        lt->checker.abs_tolerance = json_number_value(
            json_object_get(c, "abs_tolerance"));
        lt->checker.rel_tolerance = json_number_value(
            json_object_get(c, "rel_tolerance"));
    } else if (strcmp(type, "default") != 0) {
        lt->custom = 1;
    }
}


/* a sample's assertions into "a"; returns how many */
static size_t
test_assertions(json_t *test, assertion_t *a)
{
    static const struct {
        const char        *key;
        assertion_kind_t   kind;
    } kinds[] = {
        { "stdoutContains", ASSERT_STDOUT_CONTAINS },
        { "stdoutNotContains", ASSERT_STDOUT_NOT_CONTAINS },
        { "stdoutEquals", ASSERT_STDOUT_EQUALS },
        { "stdoutMatches", ASSERT_STDOUT_MATCHES },
        { "stderrContains", ASSERT_STDERR_CONTAINS },
        { "exitCode", ASSERT_EXIT_CODE },
    };
    json_t  *as, *v;
    size_t   i, k, n = 0;

    json_array_foreach(json_object_get(test, "assertions"), i, as) {
        for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            v = json_object_get(as, kinds[k].key);
            if (v == NULL || n == TEST_MAX_ASSERTIONS) {
                continue;
            }
            memset(&a[n], 0, sizeof(a[n]));
            a[n].kind = kinds[k].kind;
            a[n].value = json_string_value(v) ? : "";
            a[n].value_len = json_string_length(v);
            a[n].code = json_integer_value(v);
            a[n].description = json_string_value(json_object_get(
                                                     as, "description"));
            a[n].description_len = a[n].description
                                   ? strlen(a[n].description) : 0;
            n++;
        }
    }
    return n;
}


/*
 * The verdict of one sample's run: the sandbox's when the program failed
 * (TLE, MLE, RE, ...), otherwise the checker's and the assertions'.
 * "msg" says why it is not AC.
 */
static const char *
test_verdict(local_test_t *lt, json_t *test, const local_result_t *r,
             char *msg, size_t msg_size)
{
    assertion_t       a[TEST_MAX_ASSERTIONS];
    size_t            n, failed;
    json_t           *expected;
    check_verdict_t   v = CHECK_AC;

    msg[0] = '\0';
    if (strcmp(r->status, "OK") != 0) {
        snprintf(msg, msg_size, "%s", r->message);
        return r->status;
    }
    expected = json_object_get(test, "expected_output");
    if (expected != NULL) {
        v = checker_compare(&lt->checker, r->out, r->out_len,
                            json_string_value(expected),
                            json_string_length(expected), msg, msg_size);
    }
    n = test_assertions(test, a);
    if (v == CHECK_AC && n > 0) {
        v = checker_assert(a, n, r->out, r->out_len, r->err, r->err_len,
                           r->exit_code, msg, msg_size, &failed);
    }
    return v == CHECK_AC ? "AC" : v == CHECK_WA ? "WA" : "IE";
}


static void
test_lines(tree_item_t *it, const char *label, const char *text, size_t len)
{
    char  *p = text_preview(text, len, 5, 100);

    tree_add_line(it, "%-9s %s", label, p ? p : "");
    free(p);
}


/* runs the sample "test" of line "index" of the tree */
static void
test_one(local_test_t *lt, size_t index, json_t *test, const char *stage)
{
    local_result_t   r;
    tree_item_t     *it = &lt->tree.items[index];
    json_t          *in = json_object_get(test, "stdin");
    json_t          *exp = json_object_get(test, "expected_output");
    const char      *verdict;
    char             msg[CHECKER_MSG_SIZE], *detail;
    int              pass;

    tree_add_line(it, "$ %s", lt->j->cfg.command);
    test_lines(it, "input:", json_string_value(in) ? : "",
               json_string_length(in));
    if (local_run(&lt->local, lt->j->cfg.command, json_string_value(in) ? : "",
                  json_string_length(in), &lt->limits, &r) != 0)
    {
        tree_set(it, ITEM_FAIL, "IE · could not be run");
        return;
    }
    verdict = test_verdict(lt, test, &r, msg, sizeof(msg));
    pass = strcmp(verdict, "AC") == 0;
    test_lines(it, "output:", r.out, r.out_len);
    if (!pass && exp != NULL) {
        test_lines(it, "expected:", json_string_value(exp),
                   json_string_length(exp));
    }
    if (!pass && r.err_len > 0) {
        test_lines(it, "stderr:", r.err, r.err_len);
    }
    detail = pass ? judge_format("%lu ms · %lu KiB", r.cpu_time_ms,
                                 r.memory_kb)
                  : judge_format("%s%s%s", verdict, *msg ? " · " : "", msg);
    tree_set(it, pass ? ITEM_PASS : ITEM_FAIL, detail);
    free(detail);
    lt->passed += pass;

    if (lt->report != NULL) {
        json_array_append_new(lt->report, json_pack(
            "{s:s?,s:s?,s:s,s:s,s:i,s:i,s:I,s:I,s:I,s:s%,s:s%}",
            "name", json_string_value(json_object_get(test, "name")),
            "stage", stage, "verdict", verdict, "message", msg,
            "exit_code", r.exit_code, "signal", r.signal,
            "cpu_time_ms", (json_int_t) r.cpu_time_ms,
            "wall_time_ms", (json_int_t) r.wall_time_ms,
            "memory_kb", (json_int_t) r.memory_kb,
            "stdout", r.out, r.out_len, "stderr", r.err, r.err_len));
    }
    local_result_free(&r);
}


/* the build command, on this machine, before the tests */
static int
test_build(local_test_t *lt)
{
    const char  *build = lt->j->cfg.build;
    int          status;

    if (build == NULL) {
        return 0;
    }
    if (!lt->j->json && !lt->j->quiet) {
        printf("$ %s\n", build);
        fflush(stdout);
    }
    status = system(build);
    if (status == 0) {
        return 0;
    }
    judge_error(lt->j, "build_failed", "the build command failed (%s %d)",
                WIFEXITED(status) ? "exit code" : "status",
                WIFEXITED(status) ? WEXITSTATUS(status) : status);
    return -1;
}


/*
 * The tree's skeleton: the stages with samples, and their samples (the
 * hidden tests counted).  Returns 0, or -1 when out of memory.
 */
static int
test_tree(local_test_t *lt, json_t *problem)
{
    json_t      *stage, *test;
    size_t       s, i, n;
    const char  *name;

    json_array_foreach(json_object_get(problem, "stages"), s, stage) {
        n = 0;
        json_array_foreach(json_object_get(stage, "tests"), i, test) {
            if (!json_is_true(json_object_get(test, "sample"))) {
                lt->hidden++;
                continue;
            }
            name = json_string_value(json_object_get(stage, "name"));
            if (n++ == 0 && tree_add_group(&lt->tree, name ? name : "") != 0)
            {
                return -1;
            }
            name = json_string_value(json_object_get(test, "name"));
            if (tree_add_item(&lt->tree, name ? name : "",
                              lt->tree.ngroups - 1) != 0)
            {
                return -1;
            }
        }
    }
    return 0;
}


int
cmd_test(judge_t *j, int argc, char **argv)
{
    static const struct option  opts[] = {
        { "plain", no_argument, NULL, 'p' },
        { NULL, 0, NULL, 0 }
    };
    local_test_t   lt;
    json_t        *problem = NULL, *stage, *test, *limits, *out;
    size_t         s, i, k = 0;
    int            o, plain = 0, rc;
    const char    *title;
    char          *clean;

    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 'p') {
            return judge_command_usage("test");
        }
        plain = 1;
    }
    if (argc - optind > 1) {
        return judge_command_usage("test");
    }
    if (j->cfg.command == NULL) {
        fprintf(stderr, "judge: how is the program run here? Set "
                "\"command\" in .judge.yaml (judge init --cmd ...)\n");
        return judge_command_usage("test");
    }
    rc = judge_problem(j, optind < argc ? argv[optind] : NULL, "test",
                       &problem);
    if (rc != 0) {
        return rc;
    }

    memset(&lt, 0, sizeof(lt));
    lt.j = j;
    if (local_init(&lt.local, plain) != 0) {
        judge_error(j, "no_directory", "the current directory: %s",
                    strerror(errno));
        json_decref(problem);
        return JUDGE_EXIT_USAGE;
    }
    limits = json_object_get(problem, "limits");
    lt.limits.cpu_time_ms = limit(limits, "cpu_time_ms", 1000);
    lt.limits.wall_time_ms = limit(limits, "wall_time_ms",
                                   2 * lt.limits.cpu_time_ms + 1000);
    lt.limits.memory_kb = limit(limits, "memory_kb", 262144);
    test_checker(&lt, problem);
    lt.report = j->json ? json_array() : NULL;
    lt.tree.term = &j->term;
    lt.tree.status_only = j->quiet;
    title = json_string_value(json_object_get(problem, "title"));
    clean = text_clean(title ? title : "", title ? strlen(title) : 0);
    lt.tree.title = judge_format(
        "%s%s · local, %s%s%s", clean ? clean : "", term_color(&j->term, "0"),
        term_color(&j->term, "2"),
        lt.local.sandbox ? "in judge-sandbox" : "plain: ",
        lt.local.sandbox ? "" : lt.local.why);
    free(clean);
    if (test_tree(&lt, problem) != 0) {
        judge_error(j, "out_of_memory", "out of memory");
        rc = JUDGE_EXIT_FAILED;
        goto out;
    }

    if (test_build(&lt) != 0) {
        rc = JUDGE_EXIT_FAILED;
        goto out;
    }
    if (lt.custom && !j->json && !j->quiet) {
        printf("the problem's checker runs on the judge only: outputs are "
               "compared here as by the default checker\n");
    }
    json_array_foreach(json_object_get(problem, "stages"), s, stage) {
        json_array_foreach(json_object_get(stage, "tests"), i, test) {
            if (!json_is_true(json_object_get(test, "sample"))) {
                continue;
            }
            tree_status(&lt.tree, -1, "running %s · %zu/%zu done",
                        lt.tree.items[k].name, k, lt.tree.nitems);
            if (!j->json && !j->quiet) {
                tree_draw(&lt.tree);
            }
            test_one(&lt, k++, test,
                     json_string_value(json_object_get(stage, "name")));
            if (judge_interrupted()) {
                rc = JUDGE_EXIT_INTERRUPTED;
                goto out;
            }
        }
    }

    if (lt.tree.nitems == 0) {
        tree_status(&lt.tree, 1, "No public tests; %zu hidden test%s run on "
                    "the judge: judge run", lt.hidden,
                    lt.hidden == 1 ? "" : "s");
    } else if (lt.passed == lt.tree.nitems) {
        tree_status(&lt.tree, 1, "All %zu public test%s passed!%s",
                    lt.tree.nitems, lt.tree.nitems == 1 ? "" : "s",
                    lt.hidden ? " Now the hidden ones: judge run" : "");
    } else {
        tree_status(&lt.tree, 0, "%zu/%zu public tests passed", lt.passed,
                    lt.tree.nitems);
    }
    rc = lt.passed == lt.tree.nitems ? JUDGE_EXIT_OK : JUDGE_EXIT_FAILED;
    if (j->json) {
        out = json_pack("{s:s?,s:s,s:s?,s:I,s:I,s:I,s:O}",
                        "problem", json_string_value(json_object_get(problem,
                                                                     "id")),
                        "runner", lt.local.sandbox ? "sandbox" : "plain",
                        "why", lt.local.why,
                        "passed", (json_int_t) lt.passed,
                        "total", (json_int_t) lt.tree.nitems,
                        "hidden", (json_int_t) lt.hidden,
                        "tests", lt.report);
        judge_print_json(out);
        json_decref(out);
    } else {
        tree_finish(&lt.tree);
    }

out:
    json_decref(lt.report);
    tree_free(&lt.tree);
    local_free(&lt.local);
    json_decref(problem);
    return rc;
}
