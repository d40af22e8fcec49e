/*
 * The executor: one thread per slot, each with its own sandbox, taking
 * work from one FIFO queue.  A unit of work is a compile or a single test,
 * so the tests of one batch spread over every idle slot.
 *
 *   main loop                         executor threads (one per slot)
 *   ---------                         -------------------------------
 *   executor_submit(task)  ──queue──►  take the next test or compile
 *   executor_cancel(job)   ──kill───►  run it in the thread's sandbox
 *   executor_free_slots()              report(result)  ──► the owner's hook
 *
 * A cancel drops the task's queued units and kills the sandbox runs of
 * its running ones (sandbox_kill()); neither is reported.
 *
 * A batch whose tests name files of the test data cache (datacache.h)
 * pins those it finds when it is submitted; for each one missing the
 * want hook is called, and the batch waits, live but not queued (taking
 * no slot), until executor_data_ready() brings the last of them, or
 * executor_data_failed() fails it.  A waiting batch is cancelled or
 * handed back like a queued one.
 *
 * The executor names none of its users: results leave through the report
 * hook its owner (task.c) gives executor_create().
 *
 * Each task's results reach the hook in the order they are made:
 * one TestResult per test as soon as it is judged, and the batch's
 * BatchExecutionResult only after the last of them (or the CompileResult
 * of a compile).  The last result of a task is flagged so the main loop
 * knows the task is over.
 */

#ifndef JUDGE_WORKER_EXECUTOR_H
#define JUDGE_WORKER_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "judge.pb-c.h"

#include "datacache.h"
#include "languages.h"
#include "log.h"
#include "sandbox.h"


struct executor;

/*
 * Takes one result, called on the thread that made it: "msg" for the
 * task that came with "session", "last" when it ends the task.  "msg"
 * and what it points to are the caller's again once it returns.  Returns
 * 0, or -1 when the result could not be kept (out of memory).
 */
typedef int (*executor_report_pt)(void *data, const Judge__WorkerMessage *msg,
                                  bool last, uint64_t session);


/*
 * A submitted batch needs the test file "hash" of "size" bytes, which
 * the data cache lacks; called on the main loop's thread, from
 * executor_submit().  Returns 0, or -1 when it cannot be fetched (out
 * of memory).
 */
typedef int (*executor_want_pt)(void *data, const char *hash, uint64_t size);


struct executor *executor_create(uint32_t threads,
                                 const struct languages *languages,
                                 struct data_cache *data,
                                 const sandbox_backend_t *backend,
                                 void *backend_data,
                                 executor_report_pt report,
                                 executor_want_pt want,
                                 void *report_data, struct log *lg,
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
void      executor_data_ready(struct executor *ex, const char *hash,
                              struct artifact *file);
void      executor_data_failed(struct executor *ex, const char *hash,
                               const char *why);
void      executor_destroy(struct executor *ex);


#endif /* JUDGE_WORKER_EXECUTOR_H */
