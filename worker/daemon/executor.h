/*
 * The executor: one thread per slot, each with its own sandbox, taking
 * work from one FIFO queue.  A unit of work is a compile or a single test,
 * so the tests of one batch spread over every idle slot.
 *
 *   main loop                         executor threads (one per slot)
 *   ---------                         -------------------------------
 *   executor_submit(task)  ──queue──►  take the next test or compile
 *   executor_cancel(job)   ──kill───►  run it in the thread's sandbox
 *   executor_free_slots()              tasks_complete(result)  ──► eventfd
 *
 * A cancel drops the task's queued units and kills the sandbox runs of
 * its running ones (sandbox_kill()); neither is reported.
 *
 * Each task's results reach tasks_complete() in the order they are made:
 * one TestResult per test as soon as it is judged, and the batch's
 * BatchExecutionResult only after the last of them (or the CompileResult
 * of a compile).  The last result of a task is flagged so the main loop
 * knows the task is over.
 */

#ifndef JUDGE_WORKER_EXECUTOR_H
#define JUDGE_WORKER_EXECUTOR_H

#include <stddef.h>
#include <stdint.h>

#include "judge.pb-c.h"

#include "languages.h"
#include "log.h"


struct executor;
struct tasks;


struct executor *executor_create(uint32_t threads,
                                 const struct languages *languages,
                                 struct tasks *tasks, struct log *lg,
                                 char *err, size_t errlen);
int       executor_submit(struct executor *ex, Judge__MasterCommand *cmd,
                          uint64_t session);
int       executor_return(struct executor *ex, Judge__MasterCommand *cmd,
                          uint64_t session);
unsigned  executor_return_unstarted(struct executor *ex);
unsigned  executor_cancel(struct executor *ex, const char *job_id,
                          uint64_t task_id);
uint32_t  executor_free_slots(struct executor *ex);
char    **executor_artifact_keys(struct executor *ex, size_t max, size_t *n);
void      executor_forget_artifact(struct executor *ex, const char *hash);
void      executor_destroy(struct executor *ex);


#endif /* JUDGE_WORKER_EXECUTOR_H */
