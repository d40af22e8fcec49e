/*
 * The runner's judgement of a compile against the judge's artifact limit:
 * an artifact over it ends as CE without its bytes, saying why in the
 * message and on the compiler output's last line.  A compiler flag the
 * languages table does not allow is CE before anything runs.
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

    return done_testing();
}
