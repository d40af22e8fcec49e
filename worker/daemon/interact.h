/*
 * An interactive test: the submission and the problem's interactor run
 * at once, each in a sandbox of its own, the interactor's stdout the
 * submission's stdin and the submission's stdout the interactor's stdin.
 *
 * The interactor follows one of two conventions (Interactor.kattis):
 *
 *   Kattis:   interactor input answer feedback_dir   exit 42 accepted,
 *             43 wrong answer; feedback_dir/judgemessage.txt its message
 *   testlib:  interactor input output answer          exit 0 accepted,
 *             1 wrong answer, 2 presentation error (wrong answer); the
 *             file "output" its message (else its stderr)
 *
 * Any other exit, a signal but SIGPIPE, or a limit of its own exceeded is
 * the interactor's failure.  Killed by SIGPIPE, it wrote to a submission
 * that had stopped reading: wrong answer.
 *
 * The test's verdict (interact_verdict), in this order:
 *
 *   1. the sandbox failed for the submission: IE;
 *   2. the submission exceeded a limit (TLE, WLE, MLE, OLE) or crashed
 *      (RE, SV; not SIGPIPE, which only follows the interactor's end),
 *      unless the interactor ended first with wrong answer or a failure
 *      of its own (which the submission's may only follow): that;
 *   3. the interactor reports wrong answer: WA;
 *   4. the interactor failed: IE;
 *   5. the interactor accepts: AC if the submission exited 0, else RE.
 *
 * "First": the interactor's stdin lost its reader while the
 * submission's still had one; until that is noted neither program reads
 * EOF from the other.  A write to a program already gone is not held
 * back, though: a submission's write may end it (SIGPIPE, or an error
 * exit where a runtime ignores SIGPIPE) before the interactor's end is
 * noted, and the other way round.  So when both are seen gone at once,
 * the interactor counts as having ended first when it ended on its own
 * (a limit of its own, or a signal but SIGPIPE, which no end of the
 * submission can cause), and the submission otherwise.
 */

#ifndef JUDGE_WORKER_INTERACT_H
#define JUDGE_WORKER_INTERACT_H

#include "checker.h"
#include "judge.pb-c.h"
#include "live.h"
#include "runner.h"
#include "sandbox.h"


/* the interactor's limits when the task sets none; its wall time is the
 * submission's plus INTERACT_WALL_EXTRA_MS, so that the submission's
 * limit ends a silent pair */
#define INTERACT_CPU_MS             10000
#define INTERACT_WALL_EXTRA_MS      2000
#define INTERACT_MEMORY_KB          (512 * 1024)
#define INTERACT_OUTPUT_KB          1024

/* the most a task may give it */
#define INTERACT_MAX_CPU_MS         60000
#define INTERACT_MAX_WALL_MS        120000
#define INTERACT_MAX_MEMORY_KB      (4 * 1024 * 1024)

/* its message file, read whole up to this size */
#define INTERACT_MESSAGE_KB         64


void             interact_test(sandbox_t *sb, sandbox_t *peer,
                               const struct test_setup *ts,
                               const Judge__TestCase *tc,
                               struct live_output *live,
                               struct test_outcome *out);

check_verdict_t  interact_interactor_verdict(int kattis,
                                             const sandbox_result_t *res,
                                             const char *note,
                                             size_t note_len, char *msg,
                                             size_t msg_size);

int              interact_interactor_first(int interactor_gone,
                                           int submission_gone,
                                           const sandbox_result_t
                                           *interactor);

Judge__Status    interact_verdict(const sandbox_result_t *sub,
                                  check_verdict_t interactor,
                                  int interactor_first);


#endif /* JUDGE_WORKER_INTERACT_H */
