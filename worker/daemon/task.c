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
#include "util.h"


static int tasks_report(void *data, const Judge__WorkerMessage *msg,
    bool last, uint64_t session);
static int tasks_want(void *data, const char *hash, uint64_t size);
static void tasks_ask(struct tasks *t, struct log *lg);
static struct task_result *task_result_new(const ProtobufCMessage *msg,
    bool last, uint64_t session);
static void tasks_complete(struct tasks *t, struct task_result *r);


/*
 * Prepares the completion queue, the test data cache in "data_dir" of at
 * most "data_max" bytes, then the executor with "slots" threads running
 * the tasks of the "languages" table.  Returns 0, or -1 with the reason
 * in "err" and nothing to free (t->executor NULL).
 */
int
tasks_init(struct tasks *t, uint32_t slots, const struct languages *languages,
           const char *data_dir, uint64_t data_max,
           const sandbox_backend_t *backend, void *backend_data,
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

    if (data_cache_open(&t->data, data_dir, data_max, lg, err, errlen) != 0) {
        (void) close(t->event_fd);
        t->event_fd = -1;
        pthread_mutex_destroy(&t->lock);
        return -1;
    }

    fetches_init(&t->fetches, &t->data);

    t->executor = executor_create(slots, languages, &t->data, backend,
                                  backend_data, tasks_report, tasks_want, t,
                                  lg, err, errlen);
    if (t->executor == NULL) {
        data_cache_close(&t->data);
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
    fetches_reset(&t->fetches);
    data_cache_close(&t->data);

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
 * stream and is dropped by tasks_collect().  The test files asked for on
 * it will not come: their fetches go.
 */
void
tasks_end_session(struct tasks *t)
{
    t->session++;
    (void) executor_cancel(t->executor, NULL, 0);
    fetches_reset(&t->fetches);
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

    tasks_ask(t, lg);

    return 0;
}


/*
 * The executor's want hook: a batch lacks the test file "hash".  Called
 * on the main loop's thread.  Returns 0, or -1 on ENOMEM.
 */
static int
tasks_want(void *data, const char *hash, uint64_t size)
{
    struct tasks  *t = data;

    return fetch_want(&t->fetches, hash, size);
}


/*
 * Queues DataRequests for the test files wanted and not asked for yet,
 * as many as the bounds on what is asked at once allow.
 */
static void
tasks_ask(struct tasks *t, struct log *lg)
{
    Judge__WorkerMessage   msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__DataRequest     req = JUDGE__DATA_REQUEST__INIT;
    struct task_result    *r;
    char                  *hashes[FETCH_MAX_PER_REQUEST];
    size_t                 n;

    while ((n = fetch_next_request(&t->fetches, hashes,
                                   FETCH_MAX_PER_REQUEST, now_ms())) > 0)
    {
        req.hashes = hashes;
        req.n_hashes = n;
        msg.body_case = JUDGE__WORKER_MESSAGE__BODY_DATA_REQUEST;
        msg.data_request = &req;

        r = task_result_new(&msg.base, false, t->session);
        if (r == NULL) {
            log_error(lg, "out of memory for a DataRequest: %zu test "
                      "file(s) will time out", n);
            return;
        }

        log_info(lg, "asking the master for %zu test file(s)", n);
        tasks_complete(t, r);
    }
}


/*
 * A piece of a test file from the master.  The file complete, the
 * batches waiting for it may start; a fetch that failed fails them.
 * Either way, room is made for the next files to be asked for.
 */
void
tasks_data(struct tasks *t, const Judge__TestData *d, struct log *lg)
{
    struct artifact     *file;
    enum fetch_status    st;
    char                 err[512];

    st = fetch_piece(&t->fetches, d, &file, err, sizeof(err));

    switch (st) {

    case FETCH_MORE:
        return;

    case FETCH_UNKNOWN:
        log_debug(lg, "ignoring a piece of test file %.12s, not asked for",
                  d->hash);
        return;

    case FETCH_DONE:
        log_info(lg, "test file %.12s fetched: %zu bytes", d->hash,
                 file->len);
        executor_data_ready(t->executor, d->hash, file);
        data_cache_release(&t->data, file);
        break;

    case FETCH_FAILED:
        log_warn(lg, "fetching a test file failed: %s", err);
        executor_data_failed(t->executor, d->hash, err);
        break;
    }

    tasks_ask(t, lg);
}


/*
 * Fails the fetches that got no piece for too long, and the batches
 * waiting for them.
 */
void
tasks_expire_fetches(struct tasks *t, int64_t now, struct log *lg)
{
    char  hash[SHA256_HEX_LEN + 1], why[160];
    bool  any;

    any = false;

    while (fetch_expired(&t->fetches, now, hash)) {
        snprintf(why, sizeof(why), "test file %.64s did not come from the "
                 "master within %d s", hash, FETCH_IDLE_TIMEOUT / 1000);
        log_warn(lg, "%s", why);
        executor_data_failed(t->executor, hash, why);
        any = true;
    }

    if (any) {
        tasks_ask(t, lg);
    }
}


/*
 * When tasks_expire_fetches() has work next: INT64_MAX for never.
 */
int64_t
tasks_fetch_deadline(const struct tasks *t)
{
    return fetch_deadline(&t->fetches);
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
