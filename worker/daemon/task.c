/*
 * Task bookkeeping and the completion queue between the executor's
 * threads and the main loop.  This file owns the count of tasks out and
 * done, whether new ones are taken (not while draining), the stream each
 * belongs to, and the queue and eventfd that carry their results to the
 * main loop in order.  The executor (executor.c), which it creates and
 * drives, owns running them; it reports back only through the hook
 * registered here (tasks_report()) and never calls this file by name.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "message.h"
#include "task.h"


static int tasks_report(void *data, const Judge__WorkerMessage *msg,
    bool last, uint64_t session);
static struct task_result *task_result_new(const ProtobufCMessage *msg,
    bool last, uint64_t session);
static void tasks_complete(struct tasks *t, struct task_result *r);


/*
 * Prepares the completion queue, then the executor with "slots" threads
 * running the tasks of the "languages" table.  Returns 0, or -1 with the
 * reason in "err" and nothing to free (t->executor NULL).
 */
int
tasks_init(struct tasks *t, uint32_t slots, const struct languages *languages,
           struct log *lg, char *err, size_t errlen)
{
    int  rc;

    memset(t, 0, sizeof(*t));
    t->event_fd = -1;
    t->accepting = true;
    t->n_slots = slots;

    rc = pthread_mutex_init(&t->lock, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "pthread_mutex_init() failed: %s",
                 strerror(rc));
        return -1;
    }

    t->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (t->event_fd == -1) {
        snprintf(err, errlen, "eventfd() failed: %s", strerror(errno));
        pthread_mutex_destroy(&t->lock);
        return -1;
    }

    t->executor = executor_create(slots, languages, tasks_report, t, lg, err,
                                  errlen);
    if (t->executor == NULL) {
        (void) close(t->event_fd);
        t->event_fd = -1;
        pthread_mutex_destroy(&t->lock);
        return -1;
    }

    return 0;
}


/*
 * Stops the executor (running units finish first), then releases
 * everything, results not collected included.
 */
void
tasks_free(struct tasks *t)
{
    struct task_result  *r, *next;

    executor_destroy(t->executor);

    for (r = t->head; r != NULL; r = next) {
        next = r->next;
        task_result_free(r);
    }

    if (t->event_fd != -1) {
        (void) close(t->event_fd);
    }

    pthread_mutex_destroy(&t->lock);
    memset(t, 0, sizeof(*t));
    t->event_fd = -1;
}


/*
 * The stream is gone.  Its tasks are cancelled at once, so that their
 * queued tests stop taking slots: the master reassigns them when it loses
 * the stream.  What the running ones still report belongs to the old
 * stream and is dropped by tasks_collect().
 */
void
tasks_end_session(struct tasks *t)
{
    t->session++;
    (void) executor_cancel(t->executor, NULL, 0);
}


/*
 * The executor's report hook: packs "msg" into a result record and hands
 * it to the main loop.  Safe from any thread.  Returns 0, or -1 on
 * ENOMEM (the result is lost).
 */
static int
tasks_report(void *data, const Judge__WorkerMessage *msg, bool last,
             uint64_t session)
{
    struct tasks        *t = data;
    struct task_result  *r;

    r = task_result_new(&msg->base, last, session);
    if (r == NULL) {
        return -1;
    }

    tasks_complete(t, r);

    return 0;
}


/*
 * Wraps a packed WorkerMessage in a result record; "last" when it is the
 * final result of its task.  Safe from any thread.  NULL on ENOMEM.
 */
static struct task_result *
task_result_new(const ProtobufCMessage *msg, bool last, uint64_t session)
{
    struct task_result  *r;

    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return NULL;
    }

    r->len = protobuf_c_message_get_packed_size(msg);
    r->payload = malloc(r->len ? r->len : 1);
    if (r->payload == NULL) {
        free(r);
        return NULL;
    }

    protobuf_c_message_pack(msg, r->payload);
    r->last = last;
    r->session = session;

    return r;
}


/*
 * Accepts a CompileTask or ExecuteBatchTask and hands "cmd" over to the
 * executor, which frees it.  The executor queues it even when every slot
 * is busy; only a draining worker answers at once with an error result.
 * Returns 0, or -1 when not even an answer could be made (out of memory).
 */
int
tasks_dispatch(struct tasks *t, Judge__MasterCommand *cmd, struct log *lg)
{
    const char  *job_id;
    uint64_t     task_id;
    int          rc;

    if (cmd->body_case == JUDGE__MASTER_COMMAND__BODY_COMPILE) {
        job_id = cmd->compile->job_id;
        task_id = cmd->compile->task_id;
    } else {
        job_id = cmd->execute_batch->job_id;
        task_id = cmd->execute_batch->task_id;
    }

    t->active++;

    if (t->accepting) {
        rc = executor_submit(t->executor, cmd, t->session);

    } else {
        log_info(lg, "task %s/%" PRIu64 " handed back: the worker is "
                 "draining", job_id, task_id);
        rc = executor_return(t->executor, cmd, t->session);
    }

    if (rc != 0) {
        t->active--;
        return -1;
    }

    return 0;
}


/*
 * Slots that would start a unit of work at once.
 */
uint32_t
tasks_free_slots(struct tasks *t)
{
    return executor_free_slots(t->executor);
}


/*
 * The hashes of at most "max" artifacts this worker holds, most recently
 * used first, as one block to free(); "*n" of them.  NULL on ENOMEM.
 */
char **
tasks_artifact_keys(struct tasks *t, size_t max, size_t *n)
{
    return executor_artifact_keys(t->executor, max, n);
}


/*
 * Forgets the artifact under "hash": the master was told the compile
 * failed, so later Registers must not list it.
 */
void
tasks_forget_artifact(struct tasks *t, const char *hash)
{
    executor_forget_artifact(t->executor, hash);
}


/*
 * Hands a finished task's result to the main loop.  Safe from any thread.
 */
static void
tasks_complete(struct tasks *t, struct task_result *r)
{
    uint64_t  one = 1;
    ssize_t   n;

    r->next = NULL;

    pthread_mutex_lock(&t->lock);

    if (t->tail != NULL) {
        t->tail->next = r;
    } else {
        t->head = r;
    }
    t->tail = r;

    pthread_mutex_unlock(&t->lock);

    /* EAGAIN means the counter is saturated: the loop is woken anyway */
    do {
        n = write(t->event_fd, &one, sizeof(one));
    } while (n == -1 && errno == EINTR);
}


/*
 * The worker drains: the tasks none of whose tests started go back to the
 * master at once.  Returns how many.
 */
unsigned
tasks_return_unstarted(struct tasks *t)
{
    return executor_return_unstarted(t->executor);
}


/*
 * Cancels the tasks of "job_id" (all of them when "task_id" is 0): their
 * tests not started yet are dropped, the running ones finish, and the
 * final results still come.  Returns how many tasks were cancelled.
 */
unsigned
tasks_cancel(struct tasks *t, const char *job_id, uint64_t task_id)
{
    return executor_cancel(t->executor, job_id, task_id);
}


/*
 * Takes every result off the queue, counts the tasks they end, and
 * returns the results of the current stream as a list in queue order
 * (results of an older stream are dropped here).  Call when the eventfd
 * is readable.
 */
struct task_result *
tasks_collect(struct tasks *t, struct log *lg)
{
    struct task_result  *list, *r, *next, *keep, **tail;
    uint64_t             count;
    ssize_t              n;

    do {
        n = read(t->event_fd, &count, sizeof(count));
    } while (n == -1 && errno == EINTR);

    if (n == -1 && errno != EAGAIN) {
        log_error(lg, "reading the task eventfd failed: %s", strerror(errno));
    }

    pthread_mutex_lock(&t->lock);
    list = t->head;
    t->head = NULL;
    t->tail = NULL;
    pthread_mutex_unlock(&t->lock);

    keep = NULL;
    tail = &keep;

    for (r = list; r != NULL; r = next) {
        next = r->next;
        r->next = NULL;

        if (r->last) {
            t->active--;
            t->done++;
        }

        if (r->session != t->session) {
            log_info(lg, "dropping a result for an earlier stream");
            task_result_free(r);
            continue;
        }

        *tail = r;
        tail = &r->next;
    }

    return keep;
}


/*
 * Frees a result record; NULL is fine.
 */
void
task_result_free(struct task_result *r)
{
    if (r != NULL) {
        free(r->payload);
        free(r);
    }
}
