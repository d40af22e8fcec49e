/*
 * The verdicts of interactive tests (interact.h): the interactor's run
 * judged in either convention, then together with the submission's run,
 * in the order of precedence interact.h gives; and the Kattis exit codes
 * of output validators.
 */

#include <signal.h>
#include <stdlib.h>

#include "daemon/interact.h"
#include "tap.h"


/* A run that ended as "status" with "code" (or "sig" when non-zero). */
static sandbox_result_t
run(sandbox_status_t status, int code, int sig)
{
    sandbox_result_t  r;

    memset(&r, 0, sizeof(r));
    r.status = status;
    r.exit_code = code;
    r.signal = sig;

    return r;
}


/* The interactor's verdict and message for a run, in one convention. */
static check_verdict_t
interactor(int kattis, sandbox_result_t r, const char *note, char *msg)
{
    return interact_interactor_verdict(kattis, &r, note,
                                       note != NULL ? strlen(note) : 0, msg,
                                       CHECKER_MSG_SIZE);
}


static void
test_interactor(void)
{
    char  msg[CHECKER_MSG_SIZE];

    ok(interactor(1, run(SANDBOX_RE, 42, 0), NULL, msg) == CHECK_AC,
       "Kattis: 42 accepts");
    ok(interactor(1, run(SANDBOX_RE, 43, 0), "too many guesses\n", msg)
       == CHECK_WA, "Kattis: 43 is wrong answer");
    is_str(msg, "too many guesses", "... judgemessage.txt the message");
    ok(interactor(1, run(SANDBOX_OK, 0, 0), NULL, msg) == CHECK_ERROR,
       "Kattis: 0 is the interactor's failure");
    ok(interactor(1, run(SANDBOX_RE, 0, SIGSEGV), NULL, msg) == CHECK_ERROR,
       "Kattis: a crash is its failure");

    ok(interactor(0, run(SANDBOX_OK, 0, 0), "ok found\n", msg) == CHECK_AC,
       "testlib: 0 accepts");
    ok(interactor(0, run(SANDBOX_RE, 1, 0), "wrong guess", msg)
       == CHECK_WA, "testlib: 1 is wrong answer");
    is_str(msg, "wrong guess", "... its output file the message");
    ok(interactor(0, run(SANDBOX_RE, 2, 0), NULL, msg) == CHECK_WA,
       "testlib: 2 (presentation error) is wrong answer");
    ok(interactor(0, run(SANDBOX_RE, 3, 0), NULL, msg) == CHECK_ERROR,
       "testlib: 3 is its failure");
    ok(interactor(0, run(SANDBOX_RE, 4, 0), NULL, msg) == CHECK_ERROR,
       "testlib: 4 is its failure too");

    ok(interactor(0, run(SANDBOX_RE, 0, SIGPIPE), NULL, msg) == CHECK_WA,
       "killed by SIGPIPE: the submission stopped reading");
    ok(interactor(1, run(SANDBOX_WLE, 0, SIGKILL), NULL, msg)
       == CHECK_ERROR, "its own wall limit: its failure");
    ok(strstr(msg, "interactor failed: WLE") != NULL, "... said so");
    ok(interactor(1, run(SANDBOX_MLE, 0, SIGKILL), NULL, msg)
       == CHECK_ERROR, "its own memory limit: its failure");
}


static void
verdict_is(sandbox_result_t sub, check_verdict_t iv, int first,
           Judge__Status want, const char *name)
{
    Judge__Status  got;

    got = interact_verdict(&sub, iv, first);
    if (!ok(got == want, name)) {
        printf("#   got %d, want %d\n", (int) got, (int) want);
    }
}


static void
test_verdict(void)
{
    verdict_is(run(SANDBOX_OK, 0, 0), CHECK_AC, 0, JUDGE__STATUS__AC,
               "accepted, the submission exited 0: AC");
    verdict_is(run(SANDBOX_OK, 0, 0), CHECK_AC, 1, JUDGE__STATUS__AC,
               "... whichever ended first");
    verdict_is(run(SANDBOX_RE, 1, 0), CHECK_AC, 1, JUDGE__STATUS__RE,
               "accepted, then the submission exited 1: RE");
    verdict_is(run(SANDBOX_RE, 0, SIGPIPE), CHECK_AC, 1, JUDGE__STATUS__RE,
               "accepted, then the submission wrote on: RE");
    verdict_is(run(SANDBOX_OK, 0, 0), CHECK_WA, 0, JUDGE__STATUS__WA,
               "wrong answer: WA");
    verdict_is(run(SANDBOX_OK, 0, 0), CHECK_ERROR, 0, JUDGE__STATUS__IE,
               "the interactor failed: IE");

    verdict_is(run(SANDBOX_TLE, 0, SIGKILL), CHECK_WA, 0,
               JUDGE__STATUS__TLE, "TLE, then the interactor's WA: TLE");
    verdict_is(run(SANDBOX_WLE, 0, SIGKILL), CHECK_WA, 0,
               JUDGE__STATUS__WLE, "WLE, then WA: WLE");
    verdict_is(run(SANDBOX_MLE, 0, SIGKILL), CHECK_WA, 0,
               JUDGE__STATUS__MLE, "MLE, then WA: MLE");
    verdict_is(run(SANDBOX_OLE, 0, SIGXFSZ), CHECK_WA, 0,
               JUDGE__STATUS__OLE, "OLE, then WA: OLE");
    verdict_is(run(SANDBOX_RE, 0, SIGSEGV), CHECK_WA, 0, JUDGE__STATUS__RE,
               "a crash, then WA: RE");
    verdict_is(run(SANDBOX_SV, 0, SIGSYS), CHECK_WA, 0, JUDGE__STATUS__SV,
               "a forbidden call, then WA: SV");
    verdict_is(run(SANDBOX_RE, 0, SIGSEGV), CHECK_ERROR, 0,
               JUDGE__STATUS__RE, "a crash, then the interactor fails: RE");

    verdict_is(run(SANDBOX_TLE, 0, SIGKILL), CHECK_WA, 1, JUDGE__STATUS__WA,
               "WA first, then the submission's TLE: WA");
    verdict_is(run(SANDBOX_RE, 1, 0), CHECK_WA, 1, JUDGE__STATUS__WA,
               "WA first, then the submission's exit 1: WA");
    verdict_is(run(SANDBOX_RE, 0, SIGPIPE), CHECK_WA, 0, JUDGE__STATUS__WA,
               "WA, the submission killed by SIGPIPE: WA");
    verdict_is(run(SANDBOX_RE, 1, 0), CHECK_ERROR, 1, JUDGE__STATUS__IE,
               "the interactor failed first, then the submission: IE");
    verdict_is(run(SANDBOX_TLE, 0, SIGKILL), CHECK_AC, 1,
               JUDGE__STATUS__TLE, "accepted first, then TLE: TLE");

    verdict_is(run(SANDBOX_IE, 0, 0), CHECK_AC, 0, JUDGE__STATUS__IE,
               "the sandbox failed for the submission: IE");
    verdict_is(run(SANDBOX_IE, 0, 0), CHECK_WA, 1, JUDGE__STATUS__IE,
               "... whatever the interactor said");
}


static void
test_kattis_validator(void)
{
    char  msg[CHECKER_MSG_SIZE];

    ok(checker_kattis_verdict(42, 0, NULL, 0, msg, sizeof(msg)) == CHECK_AC
       && msg[0] == '\0', "validator: 42 accepts, no message");
    ok(checker_kattis_verdict(43, 0, "off by 2\n", 9, msg, sizeof(msg))
       == CHECK_WA, "validator: 43 is wrong answer");
    is_str(msg, "off by 2", "... judgemessage.txt, trimmed");
    ok(checker_kattis_verdict(43, 0, NULL, 0, msg, sizeof(msg)) == CHECK_WA,
       "validator: 43 without a message");
    is_str(msg, "wrong answer (validator exit code 43)", "... says the code");
    ok(checker_kattis_verdict(1, 0, "bad\tinput", 9, msg, sizeof(msg))
       == CHECK_ERROR, "validator: 1 is its failure");
    is_str(msg, "validator failed with exit code 1: bad\\tinput",
           "... its message escaped");
    ok(checker_kattis_verdict(0, 0, NULL, 0, msg, sizeof(msg))
       == CHECK_ERROR, "validator: 0 is its failure");
    ok(checker_kattis_verdict(42, SIGKILL, NULL, 0, msg, sizeof(msg))
       == CHECK_ERROR, "validator: a signal is its failure");
}


static void
test_first(void)
{
    sandbox_result_t  r;

    r = run(SANDBOX_RE, 0, SIGSEGV);
    ok(interact_interactor_first(1, 0, &r), "the interactor seen gone alone: "
       "first");
    ok(!interact_interactor_first(0, 1, &r), "the submission seen gone "
       "alone: first");
    ok(interact_interactor_first(1, 1, &r), "both at once, the interactor "
       "crashed: first (the submission's end may be its failed write)");
    r = run(SANDBOX_WLE, 0, SIGKILL);
    ok(interact_interactor_first(1, 1, &r), "both at once, the interactor "
       "over a limit of its own: first");
    r = run(SANDBOX_RE, 0, SIGPIPE);
    ok(!interact_interactor_first(1, 1, &r), "both at once, the interactor "
       "killed by SIGPIPE: the submission first");
    r = run(SANDBOX_RE, 1, 0);
    ok(!interact_interactor_first(1, 1, &r), "both at once, the interactor "
       "exited 1 (a runtime's failed write): the submission first");
    r = run(SANDBOX_OK, 0, 0);
    ok(!interact_interactor_first(1, 1, &r), "both at once, the interactor "
       "exited 0: the submission first");
}


int
main(void)
{
    test_interactor();
    test_verdict();
    test_first();
    test_kattis_validator();

    return done_testing();
}
