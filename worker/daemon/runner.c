/*
 * The sandboxed steps of tasks: compiling, running a test, checking its
 * output.  Each function takes the calling thread's sandbox and fills an
 * outcome; nothing here keeps state between calls.
 *
 * Verdicts, in the order they are decided for a test:
 *
 *   1. the sandbox's own: TLE, WLE, MLE, OLE, SV, IE as reported; RE for
 *      a signal, and for a non-zero exit code unless an exitCode
 *      assertion of the test expects exactly that code;
 *   2. the checker, when the run completed: the expected output through
 *      checker_compare() or a custom checker program, then the
 *      assertions; the first that is not AC decides (WA, or IE when the
 *      test or the checker itself is broken).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "checker.h"
#include "runner.h"
#include "text.h"


#define RUNNER_COMPILE_OUTPUT_MAX   (64 * 1024)
#define RUNNER_ARCHIVE_NAME         ".judge-artifact"

/* the compile's limits when the task sets none */
#define RUNNER_COMPILE_CPU_MS       10000
#define RUNNER_COMPILE_WALL_MS      20000
#define RUNNER_COMPILE_MEMORY_KB    (1024 * 1024)
#define RUNNER_COMPILE_PROCESSES    64          /* gcc forks cc1, as, ld */
#define RUNNER_COMPILE_OUTPUT_KB    1024
#define RUNNER_COMPILE_FILE_KB      (256 * 1024)

/* a custom checker's limits: it is trusted code, but still bounded */
#define RUNNER_CHECKER_CPU_MS       10000
#define RUNNER_CHECKER_WALL_MS      20000
#define RUNNER_CHECKER_MEMORY_KB    (512 * 1024)
#define RUNNER_CHECKER_OUTPUT_KB    1024

/* a Kattis validator's message, read from its feedback dir (the work
 * dir); a larger one is not read */
#define RUNNER_JUDGEMESSAGE         "judgemessage.txt"
#define RUNNER_JUDGEMESSAGE_KB      64

/* room in the work dir on top of the files placed and the largest file
 * the program may write */
#define RUNNER_WORK_DIR_SLACK_KB    1024

/* a test's own argument words */
#define RUNNER_MAX_ARGS             64
#define RUNNER_MAX_ARG_LEN          4096
#define RUNNER_MAX_ARGS_TOTAL       (16 * 1024)

/* a test's own environment entries, "NAME=value" */
#define RUNNER_MAX_ENV              64
#define RUNNER_MAX_ENV_LEN          4096


/*
 * The compile step of a language whose artifact is a pattern: the
 * compiler runs, then the files matching the pattern are packed into one
 * archive (archive.h) that the sandbox hands back.  The sandbox collects
 * files by name only, so the packing has to happen inside, and a POSIX
 * shell with printf, wc and cat is what every host has there.  The
 * pattern and the compiler's argv are arguments, never part of the
 * script's text: $1 is the pattern, the rest is the compiler's argv.
 */
static const char  runner_pack_script[] =
    "pattern=$1; shift\n"
    "\"$@\" || exit\n"
    "set -- $pattern\n"
    "if [ ! -f \"$1\" ]; then\n"
    "    echo \"the compiler made no file matching $pattern\" >&2\n"
    "    exit 1\n"
    "fi\n"
    "{\n"
    "    printf 'judge-archive 1\\n'\n"
    "    for f; do\n"
    "        printf '%s %s\\n' \"$(wc -c < \"$f\")\" \"$f\"\n"
    "        cat -- \"$f\"\n"
    "    done\n"
    "} > " RUNNER_ARCHIVE_NAME "\n";


/*
 * The bytes of "b", never NULL: an empty protobuf bytes field may have no
 * buffer, and the sandbox copies file data with memcpy().
 */
const void *
runner_bytes(const ProtobufCBinaryData *b)
{
    return b->data != NULL ? (const void *) b->data : (const void *) "";
}


/*
 * Makes "p" place the artifact "data" of language "l": the one file the
 * table names, executable, or every file of an archive for a pattern.
 * A language with a main name finds it in the archive's
 * RUNNER_MAIN_MEMBER, which is not placed (the table's default when
 * there is none).  "data" must outlive "p".  Returns 0, or -1 with the
 * reason in "err".
 */
int
program_from_artifact(struct program *p, const struct language *l,
                      const uint8_t *data, size_t len, char *err,
                      size_t errlen)
{
    struct archive_file  *f;
    size_t                i;

    memset(p, 0, sizeof(*p));

    if (language_artifact_is_pattern(l)) {
        if (archive_parse(&p->archive, data, len, err, errlen) != 0) {
            return -1;
        }

        p->files = calloc(p->archive.n, sizeof(*p->files));
        if (p->files == NULL) {
            snprintf(err, errlen, "out of memory");
            archive_free(&p->archive);
            return -1;
        }

        if (l->main != LANGUAGE_MAIN_NONE) {
            snprintf(p->main, sizeof(p->main), "%s", l->main_default);
        }

        for (i = 0; i < p->archive.n; i++) {
            f = &p->archive.files[i];

            if (l->main != LANGUAGE_MAIN_NONE
                && strcmp(f->name, RUNNER_MAIN_MEMBER) == 0)
            {
                if (!language_main_ok((const char *) f->data, f->len)) {
                    snprintf(err, errlen, "the artifact's main name is "
                             "broken");
                    program_free(p);
                    return -1;
                }

                memcpy(p->main, f->data, f->len);
                p->main[f->len] = '\0';
                continue;
            }

            p->files[p->n].name = f->name;
            p->files[p->n].data = f->data;
            p->files[p->n].len = f->len;
            p->files[p->n].mode = 0755;
            p->n++;
        }

        return 0;
    }

    p->files = calloc(1, sizeof(*p->files));
    if (p->files == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    p->files[0].name = l->artifact;
    p->files[0].data = data;
    p->files[0].len = len;
    p->files[0].mode = 0755;
    p->n = 1;

    return 0;
}


/*
 * Makes "p" place the source files of a submission in language "l".  A
 * single source without a name takes the table's name for it ("main.cpp",
 * "{main}.java" with the main name); with several, each must be named
 * (the sandbox checks that names are plain file names).  A language with
 * a main name finds it in the first source; one the judge cannot take is
 * left in "main_error" for the compile to refuse (CE) or the tests (IE).
 * The sources must outlive "p".  Returns 0, or -1 with the reason in
 * "err".
 */
int
program_from_sources(struct program *p, const struct language *l,
                     Judge__SourceFile *const *sources, size_t n, char *err,
                     size_t errlen)
{
    size_t  i;

    memset(p, 0, sizeof(*p));

    if (n == 0) {
        snprintf(err, errlen, "no source file");
        return -1;
    }

    if (language_find_main(l, (const char *) sources[0]->content.data,
                           sources[0]->content.len, p->main, sizeof(p->main),
                           p->main_error, sizeof(p->main_error)) != 0)
    {
        snprintf(p->main, sizeof(p->main), "%s", l->main_default);
    }

    p->source_name = language_expand(l->source_file, p->main, 0, 0);
    p->files = calloc(n, sizeof(*p->files));

    if (p->source_name == NULL || p->files == NULL) {
        snprintf(err, errlen, "out of memory");
        program_free(p);
        return -1;
    }

    for (i = 0; i < n; i++) {
        if (sources[i]->name[0] == '\0' && n > 1) {
            snprintf(err, errlen, "source file %zu of %zu has no name",
                     i + 1, n);
            program_free(p);
            return -1;
        }

        p->files[i].name = sources[i]->name[0] != '\0' ? sources[i]->name
                                                       : p->source_name;
        p->files[i].data = runner_bytes(&sources[i]->content);
        p->files[i].len = sources[i]->content.len;
        p->files[i].mode = 0644;
    }

    p->n = n;

    return 0;
}


/*
 * Frees what program_from_*() allocated; a zeroed program is fine.
 */
void
program_free(struct program *p)
{
    free(p->files);
    free(p->source_name);
    archive_free(&p->archive);
    memset(p, 0, sizeof(*p));
}


/*
 * Replaces each limit of "out" that "given" sets (not zero); NULL sets
 * none.
 */
static void
runner_limits_over(const Judge__Limits *given, sandbox_limits_t *out)
{
    if (given != NULL) {
        out->cpu_time_ms = given->cpu_time_ms ? given->cpu_time_ms
                                              : out->cpu_time_ms;
        out->wall_time_ms = given->wall_time_ms ? given->wall_time_ms
                                                : out->wall_time_ms;
        out->memory_kb = given->memory_kb ? given->memory_kb
                                          : out->memory_kb;
        out->stack_kb = given->stack_kb ? given->stack_kb : out->stack_kb;
        out->processes = given->processes ? given->processes
                                          : out->processes;
        out->output_kb = given->output_kb ? given->output_kb
                                          : out->output_kb;
        out->file_size_kb = given->file_size_kb ? given->file_size_kb
                                                : out->file_size_kb;
        out->open_files = given->open_files ? given->open_files
                                            : out->open_files;
    }
}


/*
 * Fills "out" from the task's limits "given" (NULL or zero fields: the
 * step's "defaults", then the sandbox's), never fewer processes and open
 * files than the runtime of language "l" needs (NULL: no floor), and a
 * work dir (the sandbox's default size, or more) big enough for "placed"
 * bytes of files plus the largest file the program may write.
 */
void
runner_limits(const Judge__Limits *given, const sandbox_limits_t *defaults,
              const struct language *l, size_t placed, sandbox_limits_t *out)
{
    uint64_t  need;

    *out = *defaults;
    runner_limits_over(given, out);

    if (l != NULL && out->processes < l->processes) {
        out->processes = l->processes;
    }

    if (l != NULL && out->open_files < l->open_files) {
        out->open_files = l->open_files;
    }

    sandbox_limits_default(out);

    need = placed / 1024 + out->file_size_kb + RUNNER_WORK_DIR_SLACK_KB;

    if (out->work_dir_kb < need) {
        out->work_dir_kb = need;
    }
}


/*
 * The bytes of the files a program places.
 */
size_t
program_bytes(const struct program *p)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < p->n; i++) {
        n += p->files[i].len;
    }

    return n;
}


/*
 * Copies a run's figures into "u".
 */
void
runner_usage(const sandbox_result_t *res, Judge__Usage *u)
{
    judge__usage__init(u);
    u->cpu_time_ms = res->cpu_time_ms;
    u->wall_time_ms = res->wall_time_ms;
    u->memory_kb = res->memory_kb;
    u->exit_code = res->signal == 0 ? res->exit_code : 0;
    u->signal = res->signal;
}


/*
 * The compiler's stdout then stderr as one UTF-8 text of at most
 * RUNNER_COMPILE_OUTPUT_MAX bytes.  NULL on ENOMEM.
 */
static char *
runner_compile_output(const sandbox_result_t *res)
{
    char    *joined, *text;
    size_t   len;

    len = res->out_len + res->err_len;

    joined = malloc(len + 1);
    if (joined == NULL) {
        return NULL;
    }

    if (res->out_len > 0) {
        memcpy(joined, res->out, res->out_len);
    }

    if (res->err_len > 0) {
        memcpy(joined + res->out_len, res->err, res->err_len);
    }

    text = utf8_clean_copy(joined, len, RUNNER_COMPILE_OUTPUT_MAX);
    free(joined);

    return text;
}


/*
 * Takes the compile's artifact out of the sandbox's result into "out":
 * OK with the bytes, CE when the compiler made none, OLE when it was too
 * big to collect, IE when an archive came back broken.  A language with
 * a main name keeps it in the archive (RUNNER_MAIN_MEMBER), so that a
 * run from the artifact alone, cached or sent back by the master, knows
 * it.
 */
static void
runner_take_artifact(const struct language *l, const struct program *src,
                     sandbox_result_t *res, struct compile_outcome *out)
{
    sandbox_collected_t  *f;
    struct archive        ar;
    char                  why[200];

    f = &res->files[0];

    if (f->data == NULL) {
        if (f->error == ENOENT) {
            out->status = JUDGE__STATUS__CE;
            snprintf(out->message, sizeof(out->message), "the compiler "
                     "made no \"%s\"", l->artifact);

        } else if (f->error == EFBIG) {
            out->status = JUDGE__STATUS__OLE;
            snprintf(out->message, sizeof(out->message), "the compiled "
                     "\"%s\" is too large to collect", l->artifact);

        } else {
            out->status = JUDGE__STATUS__IE;
            snprintf(out->message, sizeof(out->message), "collecting "
                     "\"%s\" failed: %s", l->artifact, strerror(f->error));
        }
        return;
    }

    if (language_artifact_is_pattern(l)) {
        if (archive_parse(&ar, (const uint8_t *) f->data, f->len, why,
                          sizeof(why)) != 0)
        {
            out->status = JUDGE__STATUS__IE;
            snprintf(out->message, sizeof(out->message), "the packed "
                     "\"%s\" files are broken: %s", l->artifact, why);
            return;
        }
        archive_free(&ar);
    }

    out->status = JUDGE__STATUS__OK;
    out->artifact = (uint8_t *) f->data;
    out->artifact_len = f->len;

    /* the outcome owns the bytes now */
    f->data = NULL;

    if (l->main != LANGUAGE_MAIN_NONE
        && archive_append(&out->artifact, &out->artifact_len,
                          RUNNER_MAIN_MEMBER, src->main, strlen(src->main))
           != 0)
    {
        out->status = JUDGE__STATUS__IE;
        snprintf(out->message, sizeof(out->message), "out of memory");
    }
}


/*
 * The limits of a compile with language "l": the language's own compile
 * time and memory (the table's "compile_time" and "compile_memory", else
 * RUNNER_COMPILE_*; the wall time is twice the CPU time), each bounded by
 * what the task's "cap" sets (the operator's, from nginx; NULL or zero
 * fields bound nothing).
 */
static void
runner_compile_limits(const struct language *l, const Judge__Limits *cap,
                      sandbox_limits_t *out)
{
    memset(out, 0, sizeof(*out));

    out->cpu_time_ms = l->compile_time != 0
                       ? (uint64_t) l->compile_time * 1000
                       : RUNNER_COMPILE_CPU_MS;
    out->wall_time_ms = 2 * out->cpu_time_ms;
    out->memory_kb = l->compile_memory != 0
                     ? (uint64_t) l->compile_memory * 1024
                     : RUNNER_COMPILE_MEMORY_KB;
    out->processes = RUNNER_COMPILE_PROCESSES;
    out->output_kb = RUNNER_COMPILE_OUTPUT_KB;
    out->file_size_kb = RUNNER_COMPILE_FILE_KB;

    if (cap == NULL) {
        return;
    }

    if (cap->cpu_time_ms != 0 && cap->cpu_time_ms < out->cpu_time_ms) {
        out->cpu_time_ms = cap->cpu_time_ms;
    }

    if (cap->wall_time_ms != 0 && cap->wall_time_ms < out->wall_time_ms) {
        out->wall_time_ms = cap->wall_time_ms;
    }

    if (cap->memory_kb != 0 && cap->memory_kb < out->memory_kb) {
        out->memory_kb = cap->memory_kb;
    }
}


/*
 * True when a run of language "l" that failed ("res", RE) ended because
 * its runtime's own heap, sized from the memory limit (a JVM's -Xmx), was
 * full: its stderr has the language's "memory_error" text.  The message
 * then says so.
 */
bool
runner_heap_full(const struct language *l, sandbox_result_t *res)
{
    if (l->memory_error == NULL || res->err == NULL
        || memmem(res->err, res->err_len, l->memory_error,
                  strlen(l->memory_error)) == NULL)
    {
        return false;
    }

    snprintf(res->message, sizeof(res->message), "the runtime's heap, "
             "sized from the memory limit, is full (\"%.64s\")",
             l->memory_error);

    return true;
}


/*
 * Ends the compiler output of "out", which is what users are shown, with
 * a line of its message.
 */
static void
runner_compile_say(struct compile_outcome *out)
{
    char  *output;

    output = text_append_line(out->output, strlen(out->output),
                              out->message, RUNNER_COMPILE_OUTPUT_MAX);

    /* out of memory: the compiler output stays, the message says it */
    if (output != NULL) {
        free(out->output);
        out->output = output;
    }
}


/*
 * Says in "out" (its message, and a last line of its output, which is
 * what users are shown) which limit the compiler ran out of: "status" is
 * the sandbox's, "lim" what the compile had.
 */
static void
runner_compile_ran_out(struct compile_outcome *out, sandbox_status_t status,
                       const sandbox_limits_t *lim)
{
    switch (status) {

    case SANDBOX_TLE:
        snprintf(out->message, sizeof(out->message), "the compiler ran out "
                 "of time (%" PRIu64 " ms of CPU)", lim->cpu_time_ms);
        break;

    case SANDBOX_WLE:
        snprintf(out->message, sizeof(out->message), "the compiler ran out "
                 "of time (%" PRIu64 " ms of wall time)", lim->wall_time_ms);
        break;

    case SANDBOX_MLE:
        snprintf(out->message, sizeof(out->message), "the compiler ran out "
                 "of memory (%" PRIu64 " KiB)", lim->memory_kb);
        break;

    default:
        snprintf(out->message, sizeof(out->message), "the compiler wrote "
                 "more than %" PRIu64 " KiB", lim->output_kb);
        break;
    }

    runner_compile_say(out);
}


/*
 * Compiles "src" with language "l" in "sb": the table's compile command
 * with "flags" right after the compiler's name, within the language's
 * compile limits bounded by the task's "cap" (runner_compile_limits()).
 * Fills "out" (always; IE when the sandbox failed).  A compiler that
 * exits non-zero or is killed is CE; one that runs out of time, memory
 * or output keeps that status, and its output ends with a line saying
 * so.  A forbidden system call is CE too, its output ending with the
 * sandbox's message: Nim's staticExec, Crystal's macros and Template
 * Haskell run what the submission says while it compiles.
 */
void
runner_compile(sandbox_t *sb, const struct language *l,
               const struct program *src, char *const *flags, size_t nflags,
               const Judge__Limits *cap, struct compile_outcome *out)
{
    sandbox_limits_t   defaults;
    sandbox_spec_t     spec;
    sandbox_result_t   res;
    const char       **argv, *collect;
    char             **words;
    size_t             argc, i, n;
    int                pattern;

    memset(out, 0, sizeof(*out));
    judge__usage__init(&out->usage);
    out->status = JUDGE__STATUS__IE;

    /* the master checks the flags too; what this table refuses never runs */
    for (i = 0; i < nflags; i++) {
        if (!language_flag_allowed(l, flags[i])) {
            out->status = JUDGE__STATUS__CE;
            snprintf(out->message, sizeof(out->message), "compiler flag "
                     "\"%.128s\" is not allowed for %s", flags[i], l->id);

            /* the flag is the submission's: cut, it may not be UTF-8 */
            out->output = utf8_clean_copy(out->message, strlen(out->message),
                                          sizeof(out->message) - 1);
            if (out->output != NULL) {
                strcpy(out->message, out->output);
            }

            return;
        }
    }

    if (src->main_error[0] != '\0') {
        out->status = JUDGE__STATUS__CE;
        snprintf(out->message, sizeof(out->message), "%s", src->main_error);
        out->output = strdup(out->message);
        return;
    }

    runner_compile_limits(l, cap, &defaults);

    pattern = language_artifact_is_pattern(l);
    words = language_argv(l->compile_argv, src->main,
                          defaults.memory_kb / 1024,
                          defaults.memory_kb / 1024, NULL, 0);
    argc = words != NULL ? argv_count(words) : 0;

    argv = calloc(argc + nflags + 6, sizeof(*argv));
    if (words == NULL || argv == NULL) {
        free(words);
        free(argv);
        snprintf(out->message, sizeof(out->message), "out of memory");
        return;
    }

    n = 0;

    if (pattern) {
        argv[n++] = "/bin/sh";
        argv[n++] = "-c";
        argv[n++] = runner_pack_script;
        argv[n++] = "sh";
        argv[n++] = l->artifact;
    }

    argv[n++] = words[0];

    for (i = 0; i < nflags; i++) {
        argv[n++] = flags[i];
    }

    for (i = 1; i < argc; i++) {
        argv[n++] = words[i];
    }

    argv[n] = NULL;

    collect = pattern ? RUNNER_ARCHIVE_NAME : l->artifact;

    memset(&spec, 0, sizeof(spec));
    spec.argv = argv;
    spec.files = src->files;
    spec.nfiles = src->n;
    spec.collect = &collect;
    spec.ncollect = 1;
    spec.build = 1;
    runner_limits(NULL, &defaults, l, program_bytes(src), &spec.limits);

    (void) sandbox_run(sb, &spec, &res);
    free(argv);
    free(words);

    runner_usage(&res, &out->usage);
    snprintf(out->message, sizeof(out->message), "%s", res.message);

    out->output = runner_compile_output(&res);
    if (out->output == NULL) {
        out->status = JUDGE__STATUS__IE;
        snprintf(out->message, sizeof(out->message), "out of memory");
        sandbox_result_free(&res);
        return;
    }

    switch (res.status) {

    case SANDBOX_OK:
        runner_take_artifact(l, src, &res, out);
        break;

    case SANDBOX_RE:
        out->status = JUDGE__STATUS__CE;
        break;

    case SANDBOX_TLE:
    case SANDBOX_WLE:
        out->status = JUDGE__STATUS__TLE;
        runner_compile_ran_out(out, res.status, &spec.limits);
        break;

    case SANDBOX_MLE:
        out->status = JUDGE__STATUS__MLE;
        runner_compile_ran_out(out, res.status, &spec.limits);
        break;

    case SANDBOX_OLE:
        out->status = JUDGE__STATUS__OLE;
        runner_compile_ran_out(out, res.status, &spec.limits);
        break;

    case SANDBOX_SV:
        /* the submission's doing where code runs at compile time */
        out->status = JUDGE__STATUS__CE;
        snprintf(out->message, sizeof(out->message), "the compiler was "
                 "stopped by the sandbox: %.200s", res.message);
        runner_compile_say(out);
        break;

    case SANDBOX_IE:
        out->status = JUDGE__STATUS__IE;
        break;
    }

    sandbox_result_free(&res);
}


/*
 * Turns a compile whose artifact is larger than "max" bytes (the judge's
 * limit; 0 for none) into CE without the artifact.  The message says
 * why, and so does the last line of the compiler output, which is what
 * users are shown.
 */
void
compile_outcome_limit_artifact(struct compile_outcome *out, uint64_t max)
{
    char  *output;

    if (out->status != JUDGE__STATUS__OK || max == 0
        || out->artifact_len <= max)
    {
        return;
    }

    snprintf(out->message, sizeof(out->message), "the compiled program is "
             "%zu bytes; the judge accepts at most %" PRIu64,
             out->artifact_len, max);

    output = text_append_line(out->output, strlen(out->output),
                              out->message, RUNNER_COMPILE_OUTPUT_MAX);

    /* out of memory: the compiler output stays, the message says it */
    if (output != NULL) {
        free(out->output);
        out->output = output;
    }

    free(out->artifact);
    out->artifact = NULL;
    out->artifact_len = 0;
    out->status = JUDGE__STATUS__CE;
}


/*
 * Frees what runner_compile() allocated.
 */
void
compile_outcome_free(struct compile_outcome *out)
{
    free(out->output);
    free(out->artifact);
    out->output = NULL;
    out->artifact = NULL;
}


/*
 * The bytes of the first file a run collected, their length in "len";
 * NULL (and 0) when it is missing or could not be read whole.
 */
const char *
runner_collected(const sandbox_result_t *res, size_t *len)
{
    if (res->nfiles == 0 || res->files[0].data == NULL) {
        *len = 0;
        return NULL;
    }

    *len = res->files[0].len;

    return res->files[0].data;
}


/*
 * Runs the custom checker of "ts" on a test: "checker input output
 * answer" in a fresh sandbox run with the three files in its work dir.
 * Its verdict (checker_custom_verdict) goes back, its stderr is the
 * message.  A Kattis output validator instead runs as "validator input
 * answer ." with the output on its stdin, the work dir its feedback dir:
 * checker_kattis_verdict() of its exit status, judgemessage.txt the
 * message.  A checker that cannot be had or that fails is CHECK_ERROR.
 */
static check_verdict_t
runner_custom_checker(sandbox_t *sb, const struct test_setup *ts,
                      const Judge__TestCase *tc, const char *output,
                      size_t output_len, char *msg, size_t msg_size)
{
    static const sandbox_limits_t  defaults = {
        .cpu_time_ms = RUNNER_CHECKER_CPU_MS,
        .wall_time_ms = RUNNER_CHECKER_WALL_MS,
        .memory_kb = RUNNER_CHECKER_MEMORY_KB,
        .output_kb = RUNNER_CHECKER_OUTPUT_KB
    };

    static char *const  names[] = { "input", "output", "answer" };
    static char *const  kattis_names[] = { "input", "answer", "." };

    sandbox_spec_t      spec;
    sandbox_result_t    res;
    sandbox_file_t     *files;
    char              **argv;
    const char         *feedback, *note;
    size_t              n, placed, note_len;
    check_verdict_t     v;
    int                 kattis;

    if (ts->checker_prog == NULL) {
        snprintf(msg, msg_size, "the custom checker is not usable: %s",
                 ts->checker_error);
        return CHECK_ERROR;
    }

    n = ts->checker_prog->n;
    kattis = ts->checker->kattis;
    feedback = RUNNER_JUDGEMESSAGE;

    /*
     * testlib: "checker input output answer"; Kattis: "validator input
     * answer feedback_dir" with the output on its stdin
     */

    files = calloc(n + 3, sizeof(*files));
    argv = language_argv(ts->checker_lang->run_argv, ts->checker_prog->main,
                         RUNNER_CHECKER_MEMORY_KB / 1024,
                         RUNNER_CHECKER_MEMORY_KB / 1024,
                         kattis ? kattis_names : names, 3);

    if (files == NULL || argv == NULL) {
        free(files);
        free(argv);
        snprintf(msg, msg_size, "out of memory");
        return CHECK_ERROR;
    }

    memcpy(files, ts->checker_prog->files, n * sizeof(*files));

    files[n] = (sandbox_file_t) { "input", runner_bytes(&tc->input),
                                  tc->input.len, 0644 };
    files[n + 1] = (sandbox_file_t) { "output", output != NULL ? output : "",
                                      output_len, 0644 };
    files[n + 2] = (sandbox_file_t) { "answer",
                                      runner_bytes(&tc->expected_output),
                                      tc->expected_output.len, 0644 };

    placed = program_bytes(ts->checker_prog) + tc->input.len + output_len
             + tc->expected_output.len;

    memset(&spec, 0, sizeof(spec));
    spec.argv = (const char *const *) argv;
    spec.files = files;
    spec.nfiles = n + 3;
    runner_limits(NULL, &defaults, ts->checker_lang, placed,
                  &spec.limits);

    if (kattis) {
        spec.stdin_data = output;
        spec.stdin_len = output_len;
        spec.collect = &feedback;
        spec.ncollect = 1;
        spec.collect_max_kb = RUNNER_JUDGEMESSAGE_KB;
    }

    (void) sandbox_run(sb, &spec, &res);
    free(files);
    free(argv);

    if (kattis && (res.status == SANDBOX_OK || res.status == SANDBOX_RE)) {
        note = runner_collected(&res, &note_len);
        v = checker_kattis_verdict(res.exit_code, res.signal, note, note_len,
                                   msg, msg_size);
    } else if (res.status == SANDBOX_OK || res.status == SANDBOX_RE) {
        v = checker_custom_verdict(res.exit_code, res.signal, res.err,
                                   res.err_len, msg, msg_size);
    } else {
        snprintf(msg, msg_size, "the custom checker failed: %s %s",
                 sandbox_status_name(res.status), res.message);
        v = CHECK_ERROR;
    }

    sandbox_result_free(&res);

    return v;
}


/*
 * Checks the assertions of "tc" against a run.  A hidden test's message
 * is checker_hidden_message()'s.
 */
static check_verdict_t
runner_assertions(const Judge__TestCase *tc, const sandbox_result_t *res,
                  char *msg, size_t msg_size)
{
    assertion_t      *a;
    size_t            i, failed;
    check_verdict_t   v;

    a = calloc(tc->n_assertions, sizeof(*a));
    if (a == NULL) {
        snprintf(msg, msg_size, "out of memory");
        return CHECK_ERROR;
    }

    for (i = 0; i < tc->n_assertions; i++) {
        a[i].kind = (assertion_kind_t) tc->assertions[i]->kind;
        a[i].value = tc->assertions[i]->value;
        a[i].value_len = strlen(tc->assertions[i]->value);
        a[i].code = tc->assertions[i]->code;
        a[i].description = tc->assertions[i]->description;
        a[i].description_len = strlen(tc->assertions[i]->description);
    }

    v = checker_assert(a, tc->n_assertions, res->out, res->out_len, res->err,
                       res->err_len, res->exit_code, msg, msg_size, &failed);

    if (tc->hidden) {
        checker_hidden_message(v, failed < tc->n_assertions ? &a[failed]
                                                            : NULL,
                               failed, msg, msg_size);
    }

    free(a);

    return v;
}


/*
 * Judges a run that completed: the expected output (through the batch's
 * checker) and then the assertions.  AC, WA, or IE for a broken test or
 * checker; "msg" says why, for a hidden test in fixed words (or an
 * assertion's description) that quote nothing of the test or the run.
 */
static Judge__Status
runner_judge(sandbox_t *sb, const struct test_setup *ts,
             const Judge__TestCase *tc, const sandbox_result_t *res,
             char *msg, size_t msg_size)
{
    checker_spec_t    spec;
    check_verdict_t   v;
    int               custom;

    v = CHECK_AC;
    msg[0] = '\0';
    custom = ts->checker != NULL
             && ts->checker->kind == JUDGE__CHECKER__KIND__CUSTOM;

    if (custom) {
        v = runner_custom_checker(sb, ts, tc, res->out, res->out_len, msg,
                                  msg_size);

    } else if (tc->has_expected) {
        memset(&spec, 0, sizeof(spec));

        if (ts->checker != NULL) {
            spec.kind = (checker_kind_t) ts->checker->kind;
            spec.abs_tolerance = ts->checker->abs_tolerance;
            spec.rel_tolerance = ts->checker->rel_tolerance;
        }

        v = checker_compare(&spec, res->out, res->out_len,
                            (const char *) tc->expected_output.data,
                            tc->expected_output.len, msg, msg_size);
    }

    if (tc->hidden) {
        checker_hidden_message(v, NULL, 0, msg, msg_size);
    }

    if (v == CHECK_AC && tc->n_assertions > 0) {
        v = runner_assertions(tc, res, msg, msg_size);
    }

    switch (v) {
    case CHECK_AC:
        return JUDGE__STATUS__AC;
    case CHECK_WA:
        return JUDGE__STATUS__WA;
    default:
        return JUDGE__STATUS__IE;
    }
}


/*
 * True when an exitCode assertion of "tc" expects "code": such a run
 * completed as the test wants, it did not crash.
 */
static int
runner_exit_expected(const Judge__TestCase *tc, int code)
{
    size_t  i;

    for (i = 0; i < tc->n_assertions; i++) {
        if (tc->assertions[i]->kind == JUDGE__ASSERTION__KIND__EXIT_CODE
            && tc->assertions[i]->code == code)
        {
            return 1;
        }
    }

    return 0;
}


/*
 * Copies at most "cap" bytes of a stream into "dst"; "truncated" when
 * something was left out, here or by the sandbox's output limit, unless
 * "hidden": a hidden test's result does not even say how long its
 * output was.
 */
int
runner_capture(ProtobufCBinaryData *dst, protobuf_c_boolean *truncated,
               const char *src, size_t len, int sandbox_truncated, size_t cap,
               int hidden)
{
    size_t  n;

    n = len < cap ? len : cap;
    *truncated = !hidden && (len > cap || sandbox_truncated);

    dst->len = 0;
    dst->data = NULL;

    if (n == 0) {
        return 0;
    }

    dst->data = malloc(n);
    if (dst->data == NULL) {
        return -1;
    }

    memcpy(dst->data, src, n);
    dst->len = n;

    return 0;
}


/*
 * Checks a test's argument words, which go to the program after the run
 * command's: at most RUNNER_MAX_ARGS of them, each at most
 * RUNNER_MAX_ARG_LEN bytes, RUNNER_MAX_ARGS_TOTAL in all, none holding a
 * NUL byte (execve() would cut it there; message_decode() leaves such a
 * word NULL).  Returns 0, or -1 with the reason in "msg".
 */
int
runner_check_args(char *const *args, size_t n, char *msg, size_t msg_size)
{
    size_t  i, len, total;

    if (n > RUNNER_MAX_ARGS) {
        snprintf(msg, msg_size, "the test has %zu arguments, more than %d",
                 n, RUNNER_MAX_ARGS);
        return -1;
    }

    total = 0;

    for (i = 0; i < n; i++) {
        if (args[i] == NULL) {
            snprintf(msg, msg_size, "argument %zu of the test holds a NUL "
                     "byte", i + 1);
            return -1;
        }

        len = strlen(args[i]);

        if (len > RUNNER_MAX_ARG_LEN) {
            snprintf(msg, msg_size, "argument %zu of the test is %zu bytes, "
                     "more than %d", i + 1, len, RUNNER_MAX_ARG_LEN);
            return -1;
        }

        total += len;
    }

    if (total > RUNNER_MAX_ARGS_TOTAL) {
        snprintf(msg, msg_size, "the test's arguments are %zu bytes in all, "
                 "more than %d", total, RUNNER_MAX_ARGS_TOTAL);
        return -1;
    }

    return 0;
}


/*
 * Checks a test's environment entries, added to the sandbox's own for
 * its run: at most RUNNER_MAX_ENV of them, each "NAME=value" of at most
 * RUNNER_MAX_ENV_LEN bytes with NAME of [A-Za-z_][A-Za-z0-9_]*, no NAME
 * twice, and none holding a NUL byte (message_decode() leaves such an
 * entry NULL).  PATH is the sandbox's: it finds the run command's
 * program, which the test does not choose; the other names the sandbox
 * sets (HOME, LANG) only concern the program and may be replaced.  The
 * message names an entry by its number only, so that it quotes nothing
 * of a hidden test.  Returns 0, or -1 with the reason in "msg".
 */
int
runner_check_env(char *const *env, size_t n, char *msg, size_t msg_size)
{
    size_t  i, j, len, name;

    if (n > RUNNER_MAX_ENV) {
        snprintf(msg, msg_size, "the test has %zu environment entries, more "
                 "than %d", n, RUNNER_MAX_ENV);
        return -1;
    }

    for (i = 0; i < n; i++) {
        if (env[i] == NULL) {
            snprintf(msg, msg_size, "environment entry %zu of the test "
                     "holds a NUL byte", i + 1);
            return -1;
        }

        len = strlen(env[i]);

        if (len > RUNNER_MAX_ENV_LEN) {
            snprintf(msg, msg_size, "environment entry %zu of the test is "
                     "%zu bytes, more than %d", i + 1, len,
                     RUNNER_MAX_ENV_LEN);
            return -1;
        }

        name = strspn(env[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
                              "rstuvwxyz0123456789_");

        if (name == 0 || env[i][name] != '='
            || (env[i][0] >= '0' && env[i][0] <= '9'))
        {
            snprintf(msg, msg_size, "environment entry %zu of the test is "
                     "not NAME=value with a NAME of [A-Za-z_][A-Za-z0-9_]*",
                     i + 1);
            return -1;
        }

        if (name == 4 && strncmp(env[i], "PATH", 4) == 0) {
            snprintf(msg, msg_size, "environment entry %zu of the test sets "
                     "PATH, which the judge keeps: it finds the program "
                     "to run", i + 1);
            return -1;
        }

        for (j = 0; j < i; j++) {
            if (strncmp(env[j], env[i], name + 1) == 0) {
                snprintf(msg, msg_size, "environment entry %zu of the test "
                         "sets %.*s again", i + 1, (int) name, env[i]);
                return -1;
            }
        }
    }

    return 0;
}


/*
 * The environment of a test's run: the sandbox's own entries but those
 * the test replaces, then the test's (checked by runner_check_env()).
 * NULL on ENOMEM; free() the array only.
 */
const char **
runner_test_env(const Judge__TestCase *tc)
{
    const char *const   *base;
    const char         **env;
    size_t               nbase, n, i, j, name;

    base = sandbox_default_env();

    for (nbase = 0; base[nbase] != NULL; nbase++) {
        /* count */
    }

    env = calloc(nbase + tc->n_env + 1, sizeof(*env));
    if (env == NULL) {
        return NULL;
    }

    n = 0;

    for (i = 0; i < nbase; i++) {
        name = strcspn(base[i], "=") + 1;

        for (j = 0; j < tc->n_env; j++) {
            if (strncmp(tc->env[j], base[i], name) == 0) {
                break;
            }
        }

        if (j == tc->n_env) {
            env[n++] = base[i];
        }
    }

    for (j = 0; j < tc->n_env; j++) {
        env[n++] = tc->env[j];
    }

    return env;
}


/*
 * A test that cannot run as given ("why"): IE, nothing run.
 */
static void
runner_test_refused(struct test_outcome *out, const char *why)
{
    Judge__TestResult  *r = &out->result;

    r->status = JUDGE__STATUS__IE;
    r->checker_message = (char *) protobuf_c_empty_string;
    r->message = strdup(why);
    if (r->message == NULL) {
        r->message = (char *) protobuf_c_empty_string;
    }
}


/*
 * Runs test "tc" of a batch in "sb" and judges it, with the batch's
 * limits but those the test sets itself, and the test's environment
 * entries added.  Fills "out" (always; IE with a message when the judge
 * itself failed or the test's arguments or environment are refused) but
 * for the ids.  With "live", what the program writes is passed on
 * through it while it runs, the rest as soon as it ends (before any
 * custom checker runs).  A hidden test's result carries none of the
 * program's output, and messages that quote nothing (runner_judge()).
 */
void
runner_test(sandbox_t *sb, const struct test_setup *ts,
            const Judge__TestCase *tc, struct live_output *live,
            struct test_outcome *out)
{
    static const sandbox_limits_t  none;

    sandbox_spec_t      spec;
    sandbox_result_t    res;
    sandbox_limits_t    batch, limits;
    Judge__TestResult  *r;
    Judge__Status       status;
    char              **argv;
    const char        **env;
    char                msg[CHECKER_MSG_SIZE];
    size_t              cap;
    int                 completed;

    r = &out->result;
    judge__test_result__init(r);
    r->usage = &out->usage;
    judge__usage__init(&out->usage);

    if (runner_check_args(tc->args, tc->n_args, msg, sizeof(msg)) != 0
        || runner_check_env(tc->env, tc->n_env, msg, sizeof(msg)) != 0)
    {
        runner_test_refused(out, msg);
        return;
    }

    if (ts->prog->main_error[0] != '\0') {
        runner_test_refused(out, ts->prog->main_error);
        return;
    }

    batch = none;
    runner_limits_over(ts->limits, &batch);
    runner_limits(tc->limits, &batch, ts->lang,
                  program_bytes(ts->prog) + tc->input.len, &limits);

    /* the run command's words, then the test's own, never through a shell */
    argv = language_argv(ts->lang->run_argv, ts->prog->main,
                         limits.memory_kb / 1024, limits.stack_kb / 1024,
                         tc->args, tc->n_args);
    env = tc->n_env > 0 ? runner_test_env(tc) : NULL;

    if (argv == NULL || (tc->n_env > 0 && env == NULL)) {
        free(argv);
        free(env);
        runner_test_refused(out, "out of memory on the worker");
        return;
    }

    memset(&spec, 0, sizeof(spec));
    spec.limits = limits;
    spec.argv = (const char *const *) argv;
    spec.env = env;
    spec.files = ts->prog->files;
    spec.nfiles = ts->prog->n;
    spec.stdin_path = ts->input_path;
    spec.stdin_data = tc->input.data;
    spec.stdin_len = tc->input.len;

    if (live != NULL) {
        spec.output = live_sandbox_hook;
        spec.output_data = live;
    }

    (void) sandbox_run(sb, &spec, &res);
    free(argv);
    free(env);

    if (live != NULL) {
        live_finish(live);
    }

    runner_usage(&res, &out->usage);
    msg[0] = '\0';

    completed = res.status == SANDBOX_OK
                || (res.status == SANDBOX_RE && res.signal == 0
                    && runner_exit_expected(tc, res.exit_code));

    if (completed) {
        status = runner_judge(sb, ts, tc, &res, msg, sizeof(msg));

    } else {
        switch (res.status) {
        case SANDBOX_TLE: status = JUDGE__STATUS__TLE; break;
        case SANDBOX_WLE: status = JUDGE__STATUS__WLE; break;
        case SANDBOX_MLE: status = JUDGE__STATUS__MLE; break;
        case SANDBOX_OLE: status = JUDGE__STATUS__OLE; break;
        case SANDBOX_RE:  status = runner_heap_full(ts->lang, &res)
                                   ? JUDGE__STATUS__MLE
                                   : JUDGE__STATUS__RE;
                          break;
        case SANDBOX_SV:  status = JUDGE__STATUS__SV;  break;
        default:          status = JUDGE__STATUS__IE;  break;
        }
    }

    /* nothing of a hidden test's output goes back */
    cap = tc->hidden ? 0
          : ts->max_capture ? ts->max_capture : RUNNER_DEFAULT_CAPTURE;

    r->status = status;
    r->checker_message = utf8_clean_copy(msg, strlen(msg), sizeof(msg));
    r->message = utf8_clean_copy(res.message, strlen(res.message),
                                 sizeof(res.message));

    if (r->checker_message == NULL || r->message == NULL
        || runner_capture(&r->stdout, &r->stdout_truncated, res.out,
                          res.out_len, res.out_truncated, cap,
                          tc->hidden) != 0
        || runner_capture(&r->stderr, &r->stderr_truncated, res.err,
                          res.err_len, res.err_truncated, cap,
                          tc->hidden) != 0)
    {
        test_outcome_free(out);
        r->status = JUDGE__STATUS__IE;
        r->message = strdup("out of memory on the worker");
        if (r->message == NULL) {
            r->message = (char *) protobuf_c_empty_string;
        }
    }

    sandbox_result_free(&res);
}


/*
 * Frees what runner_test() allocated; the result's fields go back to
 * empty.
 */
void
test_outcome_free(struct test_outcome *out)
{
    Judge__TestResult  *r = &out->result;

    if (r->checker_message != protobuf_c_empty_string) {
        free(r->checker_message);
    }

    if (r->message != protobuf_c_empty_string) {
        free(r->message);
    }

    free(r->stdout.data);
    free(r->stderr.data);

    r->checker_message = (char *) protobuf_c_empty_string;
    r->message = (char *) protobuf_c_empty_string;
    r->stdout.data = NULL;
    r->stdout.len = 0;
    r->stderr.data = NULL;
    r->stderr.len = 0;
}
