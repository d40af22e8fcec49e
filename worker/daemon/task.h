/*
 * Tasks from the master (CompileTask, ExecuteBatchTask) and their results,
 * as the main loop sees them.
 *
 *   main loop (session.c)                     executor (executor.c)
 *   ---------------------                     ---------------------
 *   tasks_dispatch(cmd)  ───────────────────►  executor_submit()
 *   tasks_cancel(), tasks_return_unstarted()►  executor_cancel(), ...
 *   tasks_collect()  ◄── eventfd ◄── queue ◄──  report hook, any thread
 *
 * The main loop hands each task to the executor with tasks_dispatch()
 * (never refused for want of a free slot: the executor queues it).  The
 * executor's threads report through the hook tasks_init() registers,
 * which packs the result, queues it and wakes the main loop through an
 * eventfd; a task sends any number of results, the last one flagged.
 * The main loop then calls tasks_collect() and sends the results in the
 * order they were queued.  Calls go one way: this file drives the
 * executor, which does not know it.
 *
 * Test files a batch lacks are fetched here (fetch.h): the executor's
 * want hook lists them, a DataRequest for them joins the result queue
 * (so it goes out as results do), the main loop hands each TestData to
 * tasks_data(), and a file that came, or will not, is passed on to the
 * executor, which starts or fails the batches waiting for it.
 */

#ifndef JUDGE_WORKER_TASK_H
#define JUDGE_WORKER_TASK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "judge.pb-c.h"

#include "datacache.h"
#include "executor.h"
#include "fetch.h"
#include "languages.h"
#include "log.h"


struct task_result {
    struct task_result  *next;
    bool                 last;        /* the task's final result */
    uint64_t             session;     /* stream the task came on */
    uint8_t             *payload;     /* a packed WorkerMessage */
    size_t               len;
};

struct tasks {
    uint32_t             n_slots;
    struct executor     *executor;
    uint32_t             active;      /* dispatched, final result not in */
    uint64_t             done;
    bool                 accepting;
    uint64_t             session;     /* bumped for every new stream */
    struct data_cache    data;        /* test files on disk */
    struct fetches       fetches;     /* the main loop's only */

    pthread_mutex_t      lock;        /* guards the queue below */
    struct task_result  *head;
    struct task_result  *tail;
    int                  event_fd;    /* readable while results wait */
};


int   tasks_init(struct tasks *t, uint32_t slots,
                 const struct languages *languages, const char *data_dir,
                 uint64_t data_max, const sandbox_backend_t *backend,
                 void *backend_data, struct log *lg, char *err,
                 size_t errlen);
void  tasks_free(struct tasks *t);
void  tasks_end_session(struct tasks *t);
int   tasks_dispatch(struct tasks *t, Judge__MasterCommand *cmd,
                     struct log *lg);
uint32_t tasks_free_slots(struct tasks *t);
char **tasks_artifact_keys(struct tasks *t, size_t max, size_t *n);
void  tasks_forget_artifact(struct tasks *t, const char *hash);
unsigned tasks_cancel(struct tasks *t, const char *job_id, uint64_t task_id);
unsigned tasks_return_unstarted(struct tasks *t);
void  tasks_data(struct tasks *t, const Judge__TestData *d, struct log *lg);
void  tasks_expire_fetches(struct tasks *t, int64_t now, struct log *lg);
int64_t tasks_fetch_deadline(const struct tasks *t);
struct task_result *tasks_collect(struct tasks *t, struct log *lg);
void  task_result_free(struct task_result *r);


#endif /* JUDGE_WORKER_TASK_H */
