/*
 * libFuzzer target: one frame's payload as session_command() gets it,
 * decoded into a MasterCommand (message_decode()), and what the worker
 * works out from it before anything runs, with the pure functions
 * executor_submit() and the slot threads use:
 *
 *   CompileTask       the language, its flags (language_flag_allowed()),
 *                     the sources placed (program_from_sources())
 *   ExecuteBatchTask  the language, the program: sources, or the artifact
 *                     filed in and taken from an artifact cache under its
 *                     hash and placed (program_from_artifact(), which
 *                     unpacks a multi-file archive); a custom checker's
 *                     program; for the first tests their arguments and
 *                     environment (runner_check_args(),
 *                     runner_check_env()), the checker and the
 *                     assertions (and a hidden test's message), with the
 *                     test's input standing in for the program's output
 *   the others        their names and texts, as the log shows them
 *
 * The languages table is fixed: "c" (one artifact file), "java" (an
 * archive of "*.class" files) and "python" (interpreted).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/artifact.h"
#include "daemon/checker.h"
#include "daemon/languages.h"
#include "daemon/message.h"
#include "daemon/runner.h"


/* tests whose checker and assertions run: a regex may take the whole of
 * its CPU budget, which stays well inside libFuzzer's timeout */
#define FUZZ_TESTS_CHECKED  4

#define FUZZ_CACHE_BYTES    (1024 * 1024)


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const char  fuzz_languages_conf[] =
    "[c]\n"
    "name = C {version}\n"
    "version = gcc -dumpfullversion\n"
    "source = main.c\n"
    "compile = gcc -O2 -o main main.c\n"
    "artifact = main\n"
    "run = ./main\n"
    "flags = -O0 -O2 -std=* -D*\n"
    "\n"
    "[java]\n"
    "name = Java {version}\n"
    "version = javac -version\n"
    "source = Main.java\n"
    "compile = javac Main.java\n"
    "artifact = *.class\n"
    "run = java Main\n"
    "processes = 32\n"
    "\n"
    "[python]\n"
    "name = Python {version}\n"
    "version = python3 --version\n"
    "source = main.py\n"
    "run = python3 main.py\n";


/* the table, made once by LLVMFuzzerInitialize() and only read after */
static struct languages  fuzz_languages;


/*
 * Parses the table and marks every language offered, as a successful
 * version probe would.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    size_t  i;
    char    err[512];

    (void) argc;
    (void) argv;

    if (languages_parse(&fuzz_languages, fuzz_languages_conf, "fuzz.conf",
                        err, sizeof(err)) != 0)
    {
        fprintf(stderr, "fuzz_command: %s\n", err);
        abort();
    }

    for (i = 0; i < fuzz_languages.n; i++) {
        fuzz_languages.items[i].version = strdup("1.0");
        if (fuzz_languages.items[i].version == NULL) {
            abort();
        }
    }

    return 0;
}


/*
 * Places the sources of a task as the sandbox would get them.
 */
static void
fuzz_sources(const struct language *l, Judge__SourceFile *const *sources,
             size_t n)
{
    struct program  prog;
    char            err[512];

    if (program_from_sources(&prog, l, sources, n, err, sizeof(err)) == 0) {
        program_free(&prog);
    }
}


/*
 * Places an artifact as the batch's program; with a hash it is filed in
 * "cache" first and placed from there, as exec_prepare_batch() does.
 */
static void
fuzz_artifact(struct artifact_cache *cache, const struct language *l,
              const ProtobufCBinaryData *bytes, const char *hash)
{
    struct program    prog;
    struct artifact  *a;
    const uint8_t    *p;
    size_t            len;
    char              err[512];

    a = NULL;
    p = bytes->data;
    len = bytes->len;

    if (hash[0] != '\0') {
        a = len > 0 ? artifact_put(cache, hash, p, len)
                    : artifact_get(cache, hash);
        if (a == NULL) {
            return;
        }

        p = a->data;
        len = a->len;
    }

    if (program_from_artifact(&prog, l, p, len, err, sizeof(err)) == 0) {
        program_free(&prog);
    }

    artifact_release(cache, a);
}


/*
 * The custom checker's program, as exec_prepare_checker() places it (a
 * checker's source that would be compiled is not).
 */
static void
fuzz_custom_checker(const Judge__Checker *c)
{
    const struct language  *l;
    Judge__SourceFile       src = JUDGE__SOURCE_FILE__INIT;
    Judge__SourceFile      *srcp = &src;
    struct program          prog;
    char                    err[512];

    l = languages_find(&fuzz_languages, c->language);
    if (l == NULL) {
        return;
    }

    if (c->artifact.len > 0 && l->artifact != NULL) {
        if (program_from_artifact(&prog, l, c->artifact.data, c->artifact.len,
                                  err, sizeof(err)) == 0)
        {
            program_free(&prog);
        }

    } else if (c->source.len > 0 && l->compile_argv == NULL) {
        src.content = c->source;
        fuzz_sources(l, &srcp, 1);
    }
}


/*
 * Judges test "tc" as runner_judge() does, the test's input standing in
 * for the program's stdout and stderr.
 */
static void
fuzz_judge(const Judge__ExecuteBatchTask *b, const Judge__TestCase *tc)
{
    checker_spec_t   spec;
    assertion_t     *a;
    size_t           i, failed;
    char             msg[CHECKER_MSG_SIZE];

    if (tc->has_expected
        && (b->checker == NULL
            || b->checker->kind != JUDGE__CHECKER__KIND__CUSTOM))
    {
        memset(&spec, 0, sizeof(spec));

        if (b->checker != NULL) {
            spec.kind = (checker_kind_t) b->checker->kind;
            spec.abs_tolerance = b->checker->abs_tolerance;
            spec.rel_tolerance = b->checker->rel_tolerance;
        }

        (void) checker_compare(&spec, (const char *) tc->input.data,
                               tc->input.len,
                               (const char *) tc->expected_output.data,
                               tc->expected_output.len, msg, sizeof(msg));
    }

    (void) runner_check_args(tc->args, tc->n_args, msg, sizeof(msg));
    (void) runner_check_env(tc->env, tc->n_env, msg, sizeof(msg));

    if (tc->n_assertions == 0) {
        return;
    }

    a = calloc(tc->n_assertions, sizeof(*a));
    if (a == NULL) {
        return;
    }

    for (i = 0; i < tc->n_assertions; i++) {
        a[i].kind = (assertion_kind_t) tc->assertions[i]->kind;
        a[i].value = tc->assertions[i]->value;
        a[i].value_len = strlen(tc->assertions[i]->value);
        a[i].code = tc->assertions[i]->code;
        a[i].description = tc->assertions[i]->description;
        a[i].description_len = strlen(tc->assertions[i]->description);
    }

    (void) checker_assert(a, tc->n_assertions, (const char *) tc->input.data,
                          tc->input.len, (const char *) tc->input.data,
                          tc->input.len, 0, msg, sizeof(msg), &failed);
    checker_hidden_message(CHECK_WA, failed < tc->n_assertions ? &a[failed]
                                                               : NULL,
                           failed, msg, sizeof(msg));
    free(a);
}


/*
 * A CompileTask: what exec_prepare_compile() and runner_compile() look
 * at before the compiler runs.
 */
static void
fuzz_compile(const Judge__CompileTask *c)
{
    const struct language  *l;
    size_t                  i;

    l = languages_find(&fuzz_languages, c->language);
    if (l == NULL || l->compile_argv == NULL) {
        return;
    }

    for (i = 0; i < c->n_compiler_flags; i++) {
        (void) language_flag_allowed(l, c->compiler_flags[i]);
    }

    fuzz_sources(l, c->sources, c->n_sources);
}


/*
 * An ExecuteBatchTask, prepared as exec_prepare_batch() does, then its
 * custom checker and the judging of its first tests.
 */
static void
fuzz_batch(const Judge__ExecuteBatchTask *b)
{
    const struct language  *l;
    struct artifact_cache   cache;
    size_t                  i;
    char                    err[512];

    l = languages_find(&fuzz_languages, b->language);
    if (l == NULL) {
        return;
    }

    if (l->compile_argv == NULL) {
        fuzz_sources(l, b->sources, b->n_sources);

    } else {
        if (artifact_cache_init(&cache, FUZZ_CACHE_BYTES, err, sizeof(err))
            != 0)
        {
            abort();
        }

        fuzz_artifact(&cache, l, &b->artifact, b->artifact_hash);
        artifact_cache_free(&cache);
    }

    if (b->checker != NULL
        && b->checker->kind == JUDGE__CHECKER__KIND__CUSTOM)
    {
        fuzz_custom_checker(b->checker);
    }

    for (i = 0; i < b->n_tests && i < FUZZ_TESTS_CHECKED; i++) {
        fuzz_judge(b, b->tests[i]);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Judge__MasterCommand  *cmd;
    char                   line[256];

    cmd = message_decode(data, size);
    if (cmd == NULL) {
        return 0;
    }

    switch (cmd->body_case) {

    case JUDGE__MASTER_COMMAND__BODY_COMPILE:
        fuzz_compile(cmd->compile);
        break;

    case JUDGE__MASTER_COMMAND__BODY_EXECUTE_BATCH:
        fuzz_batch(cmd->execute_batch);
        break;

    case JUDGE__MASTER_COMMAND__BODY_WELCOME:
        snprintf(line, sizeof(line), "%s welcomed \"%s\"",
                 message_command_name(cmd), cmd->welcome->worker_id);
        break;

    case JUDGE__MASTER_COMMAND__BODY_CANCEL:
        snprintf(line, sizeof(line), "%s %s", message_command_name(cmd),
                 cmd->cancel->job_id);
        break;

    case JUDGE__MASTER_COMMAND__BODY_DRAIN:
        snprintf(line, sizeof(line), "%s (%s)", message_command_name(cmd),
                 cmd->drain->reason);
        break;

    case JUDGE__MASTER_COMMAND__BODY_SHUTDOWN:
        snprintf(line, sizeof(line), "%s (%s)", message_command_name(cmd),
                 cmd->shutdown->reason);
        break;

    default:
        snprintf(line, sizeof(line), "%s", message_command_name(cmd));
        break;
    }

    message_free(cmd);

    return 0;
}
