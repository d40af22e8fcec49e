/*
 * The runner's judgement of a compile against the judge's artifact limit:
 * an artifact over it ends as CE without its bytes, saying why in the
 * message and on the compiler output's last line.  A compiler flag the
 * languages table does not allow is CE before anything runs, and a test
 * whose arguments or environment entries are out of bounds is IE before
 * anything runs.
 */

#include <stdlib.h>

#include "daemon/runner.h"
#include "tap.h"


/* An OK compile with "output" and an artifact of "len" bytes. */
static void
compiled(struct compile_outcome *out, const char *output, size_t len)
{
    memset(out, 0, sizeof(*out));
    judge__usage__init(&out->usage);
    out->status = JUDGE__STATUS__OK;
    out->output = strdup(output);
    out->artifact = calloc(1, len);
    out->artifact_len = len;
}


static void
args_refused(char **args, size_t n, const char *want, const char *name)
{
    char  msg[256];

    msg[0] = '\0';
    if (!ok(runner_check_args(args, n, msg, sizeof(msg)) == -1
            && strcmp(msg, want) == 0, name))
    {
        printf("#   got \"%s\"\n", msg);
    }
}


static void
test_args(void)
{
    static char           big[4097 + 1], small[4000 + 1];
    char                 *args[65], msg[256];
    size_t                i;
    Judge__TestCase       tc = JUDGE__TEST_CASE__INIT;
    struct test_outcome   out;

    for (i = 0; i < 65; i++) {
        args[i] = "a";
    }

    ok(runner_check_args(args, 0, msg, sizeof(msg)) == 0, "args: none");
    ok(runner_check_args(args, 64, msg, sizeof(msg)) == 0, "args: 64");
    args_refused(args, 65, "the test has 65 arguments, more than 64",
                 "args: 65 are too many");

    memset(big, 'x', 4097);
    args[1] = big;
    args_refused(args, 2, "argument 2 of the test is 4097 bytes, more than "
                 "4096", "args: one over 4096 bytes");
    big[4096] = '\0';
    ok(runner_check_args(args, 2, msg, sizeof(msg)) == 0,
       "args: one of 4096 bytes");

    memset(small, 'y', 4000);
    args[0] = small;
    args[1] = small;
    args[2] = small;
    args[3] = small;
    ok(runner_check_args(args, 4, msg, sizeof(msg)) == 0,
       "args: 16000 bytes in all");
    args[4] = big;
    args_refused(args, 5, "the test's arguments are 20096 bytes in all, more "
                 "than 16384", "args: over 16 KiB in all");

    args[0] = "ok";
    args[1] = NULL;
    args_refused(args, 2, "argument 2 of the test holds a NUL byte",
                 "args: one with a NUL byte (left NULL by the decoder)");

    /* no sandbox: refused arguments must not reach one */
    tc.args = args;
    tc.n_args = 2;
    runner_test(NULL, NULL, &tc, NULL, &out);
    is_int(out.result.status, JUDGE__STATUS__IE, "a test with such args: IE");
    is_str(out.result.message, "argument 2 of the test holds a NUL byte",
           "saying why");
    test_outcome_free(&out);
}


static void
env_refused(char **env, size_t n, const char *want, const char *name)
{
    char  msg[256];

    msg[0] = '\0';
    if (!ok(runner_check_env(env, n, msg, sizeof(msg)) == -1
            && strcmp(msg, want) == 0, name))
    {
        printf("#   got \"%s\"\n", msg);
    }
}


static void
test_env(void)
{
    static char           big[4097 + 1];
    char                 *env[65], msg[256];
    size_t                i;
    Judge__TestCase       tc = JUDGE__TEST_CASE__INIT;
    struct test_outcome   out;

    for (i = 0; i < 65; i++) {
        env[i] = malloc(16);
        snprintf(env[i], 16, "V%zu=x", i);
    }

    ok(runner_check_env(env, 0, msg, sizeof(msg)) == 0, "env: none");
    ok(runner_check_env(env, 64, msg, sizeof(msg)) == 0, "env: 64");
    env_refused(env, 65, "the test has 65 environment entries, more than 64",
                "env: 65 are too many");

    for (i = 0; i < 65; i++) {
        free(env[i]);
    }

    env[0] = "_A1=";
    env[1] = "HOME=/box";
    env[2] = "LANG=C";
    env[3] = "X=a=b c";
    ok(runner_check_env(env, 4, msg, sizeof(msg)) == 0,
       "env: an empty value, HOME and LANG replaced, '=' in a value");

    memset(big, 'x', 4097);
    memcpy(big, "BIG=", 4);
    env[1] = big;
    env_refused(env, 2, "environment entry 2 of the test is 4097 bytes, "
                "more than 4096", "env: one over 4096 bytes");
    big[4096] = '\0';
    ok(runner_check_env(env, 2, msg, sizeof(msg)) == 0,
       "env: one of 4096 bytes");

    env[1] = "1X=y";
    env_refused(env, 2, "environment entry 2 of the test is not NAME=value "
                "with a NAME of [A-Za-z_][A-Za-z0-9_]*",
                "env: a name starting with a digit");
    env[1] = "NOEQUALS";
    env_refused(env, 2, "environment entry 2 of the test is not NAME=value "
                "with a NAME of [A-Za-z_][A-Za-z0-9_]*", "env: no '='");
    env[1] = "=x";
    env_refused(env, 2, "environment entry 2 of the test is not NAME=value "
                "with a NAME of [A-Za-z_][A-Za-z0-9_]*", "env: no name");
    env[1] = "A-B=x";
    env_refused(env, 2, "environment entry 2 of the test is not NAME=value "
                "with a NAME of [A-Za-z_][A-Za-z0-9_]*",
                "env: a '-' in the name");
    env[1] = "PATH=/tmp";
    env_refused(env, 2, "environment entry 2 of the test sets PATH, which "
                "the judge keeps: it finds the program to run",
                "env: PATH is the judge's");
    env[1] = "PATHS=x";
    ok(runner_check_env(env, 2, msg, sizeof(msg)) == 0,
       "env: a name that only starts with PATH");
    env[1] = "_A1=again";
    env_refused(env, 2, "environment entry 2 of the test sets _A1 again",
                "env: a name twice");
    env[1] = "_A=x";
    ok(runner_check_env(env, 2, msg, sizeof(msg)) == 0,
       "env: a name that is the start of another");
    env[1] = NULL;
    env_refused(env, 2, "environment entry 2 of the test holds a NUL byte",
                "env: one with a NUL byte (left NULL by the decoder)");

    /* no sandbox: a refused environment must not reach one */
    tc.env = env;
    tc.n_env = 2;
    tc.hidden = 1;
    runner_test(NULL, NULL, &tc, NULL, &out);
    is_int(out.result.status, JUDGE__STATUS__IE, "a test with such env: IE");
    is_str(out.result.message, "environment entry 2 of the test holds a NUL "
           "byte", "saying why");
    test_outcome_free(&out);
}


int
main(void)
{
    struct compile_outcome  out;
    struct language         lang;
    char                   *allowed[] = { "-O2", "-D*", NULL };
    char                   *flags[] = { "-DLOCAL", "-specs=x.specs" };
    char                   *bad[] = { "-D\xff\xfe" };

    /* no sandbox: a refused flag must not reach one */
    memset(&lang, 0, sizeof(lang));
    lang.id = "cpp";
    lang.flags = allowed;
    lang.n_flags = 2;

    runner_compile(NULL, &lang, NULL, flags, 2, NULL, &out);
    is_int(out.status, JUDGE__STATUS__CE, "a flag outside the table: CE");
    is_str(out.message, "compiler flag \"-specs=x.specs\" is not allowed "
           "for cpp", "the message names the flag");
    is_str(out.output, out.message, "so does the output");
    compile_outcome_free(&out);

    lang.n_flags = 1;
    runner_compile(NULL, &lang, NULL, bad, 1, NULL, &out);
    is_str(out.output, "compiler flag \"-D??\" is not allowed for cpp",
           "a flag that is not UTF-8 is shown cleaned");
    compile_outcome_free(&out);

    compiled(&out, "", 21000000);
    compile_outcome_limit_artifact(&out, 8388608);
    is_int(out.status, JUDGE__STATUS__CE, "an artifact over the limit: CE");
    ok(out.artifact == NULL && out.artifact_len == 0, "without the artifact");
    is_str(out.message, "the compiled program is 21000000 bytes; the judge "
           "accepts at most 8388608", "the message gives both sizes");
    is_str(out.output, out.message, "the output, empty before, says it too");
    compile_outcome_free(&out);

    compiled(&out, "main.c:1: warning: unused", 2000);
    compile_outcome_limit_artifact(&out, 1999);
    is_str(out.output, "main.c:1: warning: unused\nthe compiled program is "
           "2000 bytes; the judge accepts at most 1999",
           "after the compiler's warnings, on a line of its own");
    compile_outcome_free(&out);

    compiled(&out, "", 2000);
    compile_outcome_limit_artifact(&out, 2000);
    ok(out.status == JUDGE__STATUS__OK && out.artifact_len == 2000
       && out.message[0] == '\0', "exactly at the limit: OK as it was");
    compile_outcome_free(&out);

    compiled(&out, "", 2000);
    compile_outcome_limit_artifact(&out, 0);
    ok(out.status == JUDGE__STATUS__OK && out.artifact_len == 2000,
       "limit 0: none");
    compile_outcome_free(&out);

    compiled(&out, "error", 0);
    free(out.artifact);
    out.artifact = NULL;
    out.status = JUDGE__STATUS__CE;
    compile_outcome_limit_artifact(&out, 1);
    ok(out.status == JUDGE__STATUS__CE && strcmp(out.output, "error") == 0
       && out.message[0] == '\0', "a failed compile is left alone");
    compile_outcome_free(&out);

    test_args();
    test_env();

    return done_testing();
}
