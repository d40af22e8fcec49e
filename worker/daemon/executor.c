/*
 * The executor (see executor.h) owns the slot threads and their
 * sandboxes, the queue of units of work they take from, the tasks while
 * they run (live list, counters, cancels), the artifact and checker
 * caches, and the bookkeeping that turns tests finishing on any thread
 * into an ordered stream of results per task.  It knows nothing of the
 * stream or the main loop: every result leaves through the report hook
 * given to executor_create() (task.c's, which queues it for the main
 * loop).
 *
 * Life of a task:
 *
 *   1. executor_submit() (main loop) checks what can be checked at once
 *      and answers errors right there: an unknown language, an artifact
 *      hash the cache does not hold (need_artifact), a broken artifact.
 *      Otherwise the task becomes live and joins the queue's tail with
 *      n_items units of work: its tests, or 1 for a compile.  A batch
 *      whose test files are not all in the data cache waits first, live
 *      but not queued (its units are not pending), until the main loop
 *      brings them (executor_data_ready()) or gives up on one
 *      (executor_data_failed(): the batch ends with system_error).
 *   2. Threads take units from the queued task whose job has the fewest
 *      units running (the first queued on a tie), in order within a
 *      task; the task leaves the queue when its last unit is handed out.  Each
 *      unit's result is completed before the unit is counted as done.
 *   3. A failed test under stop_on_first_failure takes the task's units
 *      that have not started out of the queue; those that run finish and
 *      report.  A cancel does the same, and also kills the sandbox runs
 *      of the units that are running (sandbox_kill()): they end at once
 *      and, like the units never started, are not reported.
 *   4. When no unit of the task is left or running, whoever noticed it
 *      (a thread, or the main loop in a cancel) sends the final result
 *      and frees the task.
 *
 * Locking: "lock" guards the queue, the live list, every task's counters
 * and which task each thread runs; it is never held while a sandbox runs
 * or a result is built (sandbox_kill() is one write, fine under it).
 * "checker_lock" serialises the preparation of custom checkers and
 * interactors, which may compile one.  The caches have locks of their own.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artifact.h"
#include "executor.h"
#include "interact.h"
#include "live.h"
#include "message.h"
#include "runner.h"


#define EXECUTOR_ARTIFACT_CACHE   (256 * 1024 * 1024)
#define EXECUTOR_CHECKER_CACHE    (64 * 1024 * 1024)
#define EXECUTOR_MAX_BINDS        32        /* the languages' binds */

#define EXECUTOR_DRAINING         "the worker is draining"


enum checker_state {
    CHECKER_UNPREPARED,
    CHECKER_READY,
    CHECKER_FAILED
};

/* A batch's custom checker or interactor: under checker_lock until READY
 * or FAILED */
struct exec_tool {
    enum checker_state      state;
    struct artifact        *artifact;   /* pinned, when compiled */
    struct program          prog;
    char                    error[300];
};

/* How a task ends when no compile of its own reports it */
enum exec_end {
    EXEC_END_DONE,          /* a batch whose tests ran (or that had none) */
    EXEC_END_CANCELLED,     /* cancelled, before or while it ran */
    EXEC_END_ERROR,         /* it cannot run on this worker */
    EXEC_END_NEED_ARTIFACT, /* a batch naming an artifact not held here */
    EXEC_END_RETURNED       /* handed back unstarted: the worker drains */
};

/* How a unit of work ended */
enum unit_end {
    UNIT_PASSED,            /* a test reported AC, or a compile */
    UNIT_FAILED,            /* a test reported, not AC */
    UNIT_DROPPED            /* a test not reported: its task was cancelled */
};

struct exec_task {
    struct exec_task                *next_live;
    struct exec_task                *next_queued;
    Judge__MasterCommand            *cmd;           /* owned */
    const char                      *job_id;        /* in cmd */
    uint64_t                         task_id;
    char                             label[96];     /* for the log */
    uint64_t                         session;
    const struct language           *lang;

    /* compile: cmd->compile; batch: cmd->execute_batch */
    const Judge__CompileTask        *compile;
    const Judge__ExecuteBatchTask   *batch;

    struct program                   prog;      /* sources or artifact */
    struct artifact                 *artifact;  /* pinned, when cached */
    struct test_setup                setup;

    /* a batch's test files: [2i] test i's input, [2i + 1] its expected
     * output, pinned; NULL for none, or (under the lock) not here yet */
    struct artifact                **files;
    size_t                           missing;   /* waiting for these */
    char                             failed[300];   /* why it cannot run */

    struct exec_tool                 checker;       /* a custom one */
    struct exec_tool                 interactor;

    /* under the executor's lock */
    size_t                           n_items;
    size_t                           next_item;
    unsigned                         running;
    uint32_t                         tests_run;
    bool                             queued;
    bool                             cancelled;
    bool                             started;
    bool                             returned;  /* handed back unstarted */
};

/* A test file mapped for reading */
struct exec_map {
    void                    *data;
    size_t                   len;
};

/* A test whose output is streamed while it runs */
struct exec_live {
    struct live_output       out;
    struct executor         *ex;
    struct exec_task        *t;
    const Judge__TestCase   *tc;
};

struct exec_thread {
    struct executor     *ex;
    unsigned             slot;
    sandbox_t           *sb;
    sandbox_t           *peer;      /* an interactor's, beside sb's run */
    struct exec_task    *task;      /* whose unit runs now, under the lock */
    pthread_t            id;
    bool                 started;
};

struct executor {
    pthread_mutex_t          lock;
    pthread_cond_t           wake;
    struct exec_task        *live;
    struct exec_task        *queue_head;
    struct exec_task        *queue_tail;
    size_t                   pending;           /* units not started */
    uint32_t                 running;           /* units on threads */
    bool                     stopping;

    pthread_mutex_t          checker_lock;
    struct artifact_cache    artifacts;         /* by the master's hash */
    struct artifact_cache    checkers;          /* by language + source */
    struct data_cache       *data;              /* test files, shared */
    executor_want_pt         want;

    uint32_t                 n_threads;
    struct exec_thread      *threads;
    const struct languages  *languages;
    executor_report_pt       report;
    void                    *report_data;
    struct log              *log;
};


static void exec_queue_locked(struct executor *ex, struct exec_task *t);
static int exec_wait_files(struct executor *ex, struct exec_task *t);


/* ------------------------------------------------------------ results */


/*
 * "AC", "CE", ... for the log.
 */
static const char *
exec_status_name(Judge__Status status)
{
    const ProtobufCEnumValue  *v;

    v = protobuf_c_enum_descriptor_get_value(&judge__status__descriptor,
                                             (int) status);

    return v != NULL ? v->name : "?";
}


/*
 * Hands "msg" to the report hook.  "last" ends the task.  A result that
 * cannot be kept is logged and lost (-1): the master times the task out.
 */
static int
exec_send(struct executor *ex, const struct exec_task *t,
          Judge__WorkerMessage *msg, bool last)
{
    if (ex->report(ex->report_data, msg, last, t->session) != 0) {
        log_error(ex->log, "%s: out of memory for a result", t->label);
        return -1;
    }

    return 0;
}


/*
 * Sends the result that ends "t" when no compile of its own reports it,
 * "message" saying why: for a compile a CompileResult, IE when it cannot
 * run here and CANCELLED otherwise; for a batch a BatchExecutionResult
 * with the tests run so far.  A task handed back is flagged "returned",
 * so that the master gives the work to another worker without counting
 * it as a failed attempt.
 */
static int
exec_send_end(struct executor *ex, const struct exec_task *t,
              enum exec_end how, const char *message)
{
    Judge__WorkerMessage          msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__CompileResult          res = JUDGE__COMPILE_RESULT__INIT;
    Judge__BatchExecutionResult   end = JUDGE__BATCH_EXECUTION_RESULT__INIT;

    if (t->compile != NULL) {
        res.job_id = (char *) t->job_id;
        res.task_id = t->task_id;
        res.status = how == EXEC_END_ERROR ? JUDGE__STATUS__IE
                                           : JUDGE__STATUS__CANCELLED;
        res.artifact_hash = t->compile->artifact_hash;
        res.message = (char *) message;
        res.returned = how == EXEC_END_RETURNED;

        msg.body_case = JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT;
        msg.compile_result = &res;

    } else {
        end.job_id = (char *) t->job_id;
        end.task_id = t->task_id;
        end.tests_run = t->tests_run;
        end.system_error = how == EXEC_END_ERROR;
        end.need_artifact = how == EXEC_END_NEED_ARTIFACT;
        end.returned = how == EXEC_END_RETURNED;
        end.message = (char *) message;

        msg.body_case = JUDGE__WORKER_MESSAGE__BODY_BATCH_RESULT;
        msg.batch_result = &end;
    }

    return exec_send(ex, t, &msg, true);
}


/* ------------------------------------------------------------ tasks */


/*
 * A task record for "cmd" (a CompileTask or ExecuteBatchTask), which it
 * owns from now on; nothing is checked or prepared yet.  NULL on ENOMEM,
 * "cmd" then still the caller's.
 */
static struct exec_task *
exec_task_new(Judge__MasterCommand *cmd, uint64_t session)
{
    struct exec_task  *t;

    t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }

    t->cmd = cmd;
    t->session = session;

    if (cmd->body_case == JUDGE__MASTER_COMMAND__BODY_COMPILE) {
        t->compile = cmd->compile;
        t->job_id = t->compile->job_id;
        t->task_id = t->compile->task_id;
        snprintf(t->label, sizeof(t->label), "compile %" PRIu64 " (%s, "
                 "artifact %.12s)", t->task_id, t->compile->language,
                 t->compile->artifact_hash);
    } else {
        t->batch = cmd->execute_batch;
        t->job_id = t->batch->job_id;
        t->task_id = t->batch->task_id;
        snprintf(t->label, sizeof(t->label), "batch %.32s/%" PRIu64 " (%s)",
                 t->job_id, t->task_id, t->batch->language);
    }

    return t;
}


/*
 * Frees a task that is over (or never started).
 */
static void
exec_task_free(struct executor *ex, struct exec_task *t)
{
    size_t  i;

    if (t->files != NULL) {
        for (i = 0; i < 2 * t->batch->n_tests; i++) {
            data_cache_release(ex->data, t->files[i]);
        }
        free(t->files);
    }

    program_free(&t->prog);
    program_free(&t->checker.prog);
    program_free(&t->interactor.prog);
    artifact_release(&ex->artifacts, t->artifact);
    artifact_release(&ex->checkers, t->checker.artifact);
    artifact_release(&ex->checkers, t->interactor.artifact);
    message_free(t->cmd);
    free(t);
}


/*
 * True when nothing of "t" is left to run or running.  Called with the
 * lock held.
 */
static bool
exec_task_over(const struct exec_task *t)
{
    return t->running == 0 && t->next_item == t->n_items;
}


/*
 * Takes "t" out of the live list.  Called with the lock held.
 */
static void
exec_unlink_live(struct executor *ex, struct exec_task *t)
{
    struct exec_task  **pp;

    for (pp = &ex->live; *pp != NULL; pp = &(*pp)->next_live) {
        if (*pp == t) {
            *pp = t->next_live;
            break;
        }
    }

    t->next_live = NULL;
}


/*
 * Drops the units of "t" that have not started: out of the queue, and
 * counted as handed out.  Called with the lock held.
 */
static void
exec_stop_locked(struct executor *ex, struct exec_task *t)
{
    struct exec_task  **pp, *prev;

    if (t->queued) {
        prev = NULL;

        for (pp = &ex->queue_head; *pp != NULL; pp = &(*pp)->next_queued) {
            if (*pp == t) {
                *pp = t->next_queued;
                if (ex->queue_tail == t) {
                    ex->queue_tail = prev;
                }
                break;
            }
            prev = *pp;
        }

        t->next_queued = NULL;
        t->queued = false;
    }

    /* a batch waiting for test files has nothing pending yet */
    if (t->missing == 0) {
        ex->pending -= t->n_items - t->next_item;
    }

    t->missing = 0;
    t->next_item = t->n_items;
}


/*
 * Kills the sandbox runs of the units of "t" that are running; "t" NULL:
 * of every unit.  Returns how many.  Called with the lock held.
 */
static unsigned
exec_kill_running_locked(struct executor *ex, const struct exec_task *t)
{
    struct exec_thread  *th;
    unsigned             n;
    uint32_t             i;

    n = 0;

    for (i = 0; i < ex->n_threads; i++) {
        th = &ex->threads[i];

        if (th->task != NULL && (t == NULL || th->task == t)) {
            sandbox_kill(th->sb);
            sandbox_kill(th->peer);
            n++;
        }
    }

    return n;
}


/*
 * Whether "t" was cancelled: what its units made is then not reported.
 */
static bool
exec_cancelled(struct executor *ex, const struct exec_task *t)
{
    bool  cancelled;

    pthread_mutex_lock(&ex->lock);
    cancelled = t->cancelled;
    pthread_mutex_unlock(&ex->lock);

    return cancelled;
}


/*
 * Sends the final result of a task that is over and frees it.  Called
 * without the lock, the task already out of the live list.
 */
static void
exec_finish(struct executor *ex, struct exec_task *t)
{
    if (t->returned) {
        exec_send_end(ex, t, EXEC_END_RETURNED, EXECUTOR_DRAINING);
        log_info(ex->log, "%s handed back unstarted: the worker drains",
                 t->label);

    } else if (t->failed[0] != '\0') {
        exec_send_end(ex, t, EXEC_END_ERROR, t->failed);
        log_warn(ex->log, "%s: %s", t->label, t->failed);

    } else if (t->batch != NULL) {
        exec_send_end(ex, t, t->cancelled ? EXEC_END_CANCELLED : EXEC_END_DONE,
                      t->cancelled ? "cancelled" : "");
        log_info(ex->log, "%s done: %" PRIu32 " of %zu test(s) run%s",
                 t->label, t->tests_run, t->n_items,
                 t->cancelled ? ", cancelled" : "");

    } else if (!t->started) {
        exec_send_end(ex, t, EXEC_END_CANCELLED,
                      "cancelled before it started");
        log_info(ex->log, "%s cancelled before it started", t->label);
    }

    /* a compile that ran has sent its CompileResult already */

    exec_task_free(ex, t);
}


/* ------------------------------------------------------------ units */


/*
 * Runs a CompileTask and sends its CompileResult, which ends the task.
 * An artifact that compiled is filed in the cache under the task's hash;
 * one over the task's max_artifact_size is CE and kept nowhere.  A
 * compile cancelled while it ran answers CANCELLED, whatever it made.
 */
static void
exec_compile(struct exec_thread *th, struct exec_task *t)
{
    struct executor          *ex = th->ex;
    Judge__WorkerMessage      msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__CompileResult      res = JUDGE__COMPILE_RESULT__INIT;
    struct compile_outcome    out;
    struct iovec              part;
    struct artifact          *a;
    char                      sha[SHA256_HEX_LEN + 1];

    runner_compile(th->sb, t->lang, &t->prog, t->compile->compiler_flags,
                   t->compile->n_compiler_flags, t->compile->limits, &out);

    if (exec_cancelled(ex, t)) {
        exec_send_end(ex, t, EXEC_END_CANCELLED, "cancelled while it ran");
        log_info(ex->log, "%s cancelled while it ran (slot %u)", t->label,
                 th->slot);
        compile_outcome_free(&out);
        return;
    }

    compile_outcome_limit_artifact(&out, t->compile->max_artifact_size);

    sha[0] = '\0';

    if (out.status == JUDGE__STATUS__OK) {
        part.iov_base = out.artifact;
        part.iov_len = out.artifact_len;

        if (sha256_hex(&part, 1, sha) != 0) {
            out.status = JUDGE__STATUS__IE;
            snprintf(out.message, sizeof(out.message), "SHA-256 of the "
                     "artifact failed");

        } else if (t->compile->artifact_hash[0] != '\0') {
            a = artifact_put(&ex->artifacts, t->compile->artifact_hash,
                             out.artifact, out.artifact_len);
            if (a == NULL) {
                log_warn(ex->log, "%s: no memory to cache the artifact",
                         t->label);
            }
            artifact_release(&ex->artifacts, a);
        }
    }

    log_info(ex->log, "%s: %s in %" PRIu64 " ms (slot %u)%s%s", t->label,
             exec_status_name(out.status), out.usage.wall_time_ms, th->slot,
             out.message[0] ? ": " : "", out.message);

    res.job_id = (char *) t->job_id;
    res.task_id = t->task_id;
    res.status = out.status;
    res.output = out.output != NULL ? out.output : (char *) "";
    res.artifact_hash = t->compile->artifact_hash;
    res.usage = &out.usage;
    res.message = out.message;

    if (out.status == JUDGE__STATUS__OK) {
        res.artifact.data = out.artifact;
        res.artifact.len = out.artifact_len;
        res.artifact_sha256 = sha;
    }

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT;
    msg.compile_result = &res;

    exec_send(ex, t, &msg, true);
    compile_outcome_free(&out);
}


/*
 * The sources of a program of the problem's (a checker, an interactor)
 * as "l" runs them: copies of "files" whose first takes the language's
 * source file name ("main.cpp") when none has it, so that a header keeps
 * its own name beside the main source; *ptrs points at each copy.
 * Returns 0, or -1 with the reason in "err"; free() *copies and *ptrs
 * after use.
 */
static int
exec_tool_sources(const struct language *l, Judge__SourceFile *const *files,
                  size_t n, Judge__SourceFile **copies,
                  Judge__SourceFile ***ptrs, char *err, size_t errlen)
{
    size_t  i;
    bool    named;

    if (n == 0) {
        snprintf(err, errlen, "no source or artifact given");
        return -1;
    }

    *copies = calloc(n, sizeof(**copies));
    *ptrs = calloc(n, sizeof(**ptrs));

    if (*copies == NULL || *ptrs == NULL) {
        free(*copies);
        free(*ptrs);
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    named = false;

    for (i = 0; i < n; i++) {
        (*copies)[i] = *files[i];
        (*ptrs)[i] = &(*copies)[i];
        named = named || strcmp(files[i]->name, l->source_file) == 0;
    }

    if (!named) {
        (*copies)[0].name = l->source_file;
    }

    return 0;
}


/*
 * Compiles the sources "src" (n of them) of a program of the problem's
 * in "th"'s sandbox, or takes it from the checker cache, keyed by the
 * SHA-256 of the language and every file's name and content, and pins
 * it in *artifact.  "what" names it in the log.  Returns 0, or -1 with
 * the reason in "err".  Called with checker_lock held.
 */
static int
exec_tool_compiled(struct exec_thread *th, const struct language *l,
                   Judge__SourceFile *const *src, size_t n, const char *what,
                   struct artifact **artifact, char *err, size_t errlen)
{
    struct executor         *ex = th->ex;
    struct iovec            *parts;
    struct program           prog;
    struct compile_outcome   out;
    char                     key[SHA256_HEX_LEN + 1];
    size_t                   i;
    int                      rc;

    parts = calloc(2 + 3 * n, sizeof(*parts));
    if (parts == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    parts[0].iov_base = (void *) l->id;
    parts[0].iov_len = strlen(l->id);
    parts[1].iov_base = (void *) "";
    parts[1].iov_len = 1;

    /* name, its NUL, the content's length, the content: no two sets of
     * files hash alike */
    for (i = 0; i < n; i++) {
        parts[2 + 3 * i].iov_base = src[i]->name;
        parts[2 + 3 * i].iov_len = strlen(src[i]->name) + 1;
        parts[3 + 3 * i].iov_base = (void *) &src[i]->content.len;
        parts[3 + 3 * i].iov_len = sizeof(src[i]->content.len);
        parts[4 + 3 * i].iov_base = src[i]->content.data;
        parts[4 + 3 * i].iov_len = src[i]->content.len;
    }

    rc = sha256_hex(parts, 2 + 3 * n, key);
    free(parts);

    if (rc != 0) {
        snprintf(err, errlen, "SHA-256 of the %s failed", what);
        return -1;
    }

    *artifact = artifact_get(&ex->checkers, key);
    if (*artifact != NULL) {
        return 0;
    }

    if (program_from_sources(&prog, l, src, n, err, errlen) != 0) {
        return -1;
    }

    runner_compile(th->sb, l, &prog, NULL, 0, NULL, &out);
    program_free(&prog);

    if (out.status != JUDGE__STATUS__OK) {
        snprintf(err, errlen, "it does not compile (%s): %.200s",
                 exec_status_name(out.status),
                 out.output != NULL && out.output[0] != '\0' ? out.output
                                                             : out.message);
        compile_outcome_free(&out);
        return -1;
    }

    *artifact = artifact_put(&ex->checkers, key, out.artifact,
                             out.artifact_len);
    compile_outcome_free(&out);

    if (*artifact == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    log_info(ex->log, "%s in %s compiled (slot %u)", what, l->id, th->slot);

    return 0;
}


/*
 * Makes a program of the problem's ready to run in "prog": from the
 * compiled "artifact" when one is given (len > 0), else from the source
 * "files": an interpreted language runs them, a compiled one compiles
 * them once (exec_tool_compiled) and pins the result in *cached.
 * Returns the language, or NULL with the reason in "err".  Called with
 * checker_lock held.
 */
static const struct language *
exec_tool_prepare(struct exec_thread *th, const char *language,
                  const ProtobufCBinaryData *artifact,
                  Judge__SourceFile *const *files, size_t n,
                  const char *what, struct program *prog,
                  struct artifact **cached, char *err, size_t errlen)
{
    const struct language  *l;
    Judge__SourceFile      *copies, **src;
    int                     rc;

    l = languages_find(th->ex->languages, language);

    if (l == NULL) {
        snprintf(err, errlen, "language \"%s\" is not offered by this "
                 "worker", language);
        return NULL;
    }

    if (artifact != NULL && artifact->len > 0 && l->artifact != NULL) {
        rc = program_from_artifact(prog, l, artifact->data, artifact->len,
                                   err, errlen);
        return rc == 0 ? l : NULL;
    }

    if (exec_tool_sources(l, files, n, &copies, &src, err, errlen) != 0) {
        return NULL;
    }

    if (l->compile_argv == NULL) {
        /* names and bytes outlive the copies: the message's, the table's */
        rc = program_from_sources(prog, l, src, n, err, errlen);

    } else {
        rc = exec_tool_compiled(th, l, src, n, what, cached, err, errlen);
        if (rc == 0) {
            rc = program_from_artifact(prog, l, (*cached)->data,
                                       (*cached)->len, err, errlen);
        }
    }

    free(src);
    free(copies);

    return rc == 0 ? l : NULL;
}


/*
 * Makes one of the batch's tools ready to run, once per task, and points
 * the task's setup at it: "lang" and "prog" when it is ready, "error"
 * with the reason when not, which makes every test of the batch IE.
 * "what" names the tool in the log.
 */
static void
exec_prepare_tool(struct exec_thread *th, struct exec_task *t,
                  struct exec_tool *tool, const char *language,
                  const ProtobufCBinaryData *artifact,
                  Judge__SourceFile *const *files, size_t n,
                  const char *what, const struct language **lang,
                  const struct program **prog, const char **error)
{
    struct executor          *ex = th->ex;
    const struct language    *l;

    pthread_mutex_lock(&ex->checker_lock);

    if (tool->state != CHECKER_UNPREPARED) {
        pthread_mutex_unlock(&ex->checker_lock);
        return;
    }

    l = exec_tool_prepare(th, language, artifact, files, n, what,
                          &tool->prog, &tool->artifact, tool->error,
                          sizeof(tool->error));

    if (l != NULL) {
        *lang = l;
        *prog = &tool->prog;
        tool->state = CHECKER_READY;

    } else {
        *error = tool->error;
        tool->state = CHECKER_FAILED;
        log_warn(ex->log, "%s: %s not usable: %s", t->label, what,
                 tool->error);
    }

    pthread_mutex_unlock(&ex->checker_lock);
}


/*
 * Makes the batch's custom checker ready to run: an interpreted checker
 * runs from its source (or files), a compiled one from the artifact the
 * master sent or from the checker cache.
 */
static void
exec_prepare_checker(struct exec_thread *th, struct exec_task *t)
{
    const Judge__Checker   *c = t->batch->checker;
    Judge__SourceFile       src = JUDGE__SOURCE_FILE__INIT;
    Judge__SourceFile      *srcp = &src;

    src.content = c->source;

    exec_prepare_tool(th, t, &t->checker, c->language, &c->artifact,
                      c->n_files > 0 ? c->files : &srcp,
                      c->n_files > 0 ? c->n_files
                                     : (c->source.len > 0 ? 1 : 0),
                      "custom checker", &t->setup.checker_lang,
                      &t->setup.checker_prog, &t->setup.checker_error);
}


/*
 * Makes the batch's interactor ready to run, from its files, as a custom
 * checker is.
 */
static void
exec_prepare_interactor(struct exec_thread *th, struct exec_task *t)
{
    const Judge__Interactor  *ia = t->batch->interactor;

    exec_prepare_tool(th, t, &t->interactor, ia->language, NULL, ia->files,
                      ia->n_files, "interactor", &t->setup.interactor_lang,
                      &t->setup.interactor_prog,
                      &t->setup.interactor_error);
}


/*
 * Sends a chunk of a running test's output as an OutputChunk, from the
 * slot's thread as a TestResult goes, so that it reaches the stream
 * before the test's TestResult.  A cancelled task's chunk is not sent,
 * and -1 stops the test's chunks.
 */
static int
exec_send_output(void *data, unsigned stream, uint64_t offset,
                 const uint8_t *bytes, size_t len)
{
    struct exec_live      *lv = data;
    Judge__WorkerMessage   msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__OutputChunk     chunk = JUDGE__OUTPUT_CHUNK__INIT;

    if (exec_cancelled(lv->ex, lv->t)) {
        return -1;
    }

    chunk.job_id = (char *) lv->t->job_id;
    chunk.task_id = lv->t->task_id;
    chunk.index = lv->tc->index;
    chunk.stream = stream;
    chunk.offset = offset;
    chunk.data.data = (uint8_t *) bytes;
    chunk.data.len = len;

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_OUTPUT;
    msg.output = &chunk;

    return exec_send(lv->ex, lv->t, &msg, false);
}


/*
 * Maps the test file of "a" for reading into "m" (nothing for an empty
 * file), its path into "path".  Returns 0, or -1 with the reason in
 * "err".
 */
static int
exec_map_file(struct executor *ex, const struct artifact *a, char *path,
              size_t pathlen, struct exec_map *m, char *err, size_t errlen)
{
    struct stat  st;
    int          fd;

    if (data_cache_path(ex->data, a->key, path, pathlen) != 0) {
        snprintf(err, errlen, "the path of test file %.64s is too long",
                 a->key);
        return -1;
    }

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        snprintf(err, errlen, "cannot open test file %s: %s", path,
                 strerror(errno));
        return -1;
    }

    if (fstat(fd, &st) != 0 || (uint64_t) st.st_size != a->len) {
        snprintf(err, errlen, "test file %s is not the %zu bytes it was",
                 path, a->len);
        (void) close(fd);
        return -1;
    }

    if (a->len > 0) {
        m->data = mmap(NULL, a->len, PROT_READ, MAP_PRIVATE, fd, 0);

        if (m->data == MAP_FAILED) {
            m->data = NULL;
            snprintf(err, errlen, "cannot map test file %s: %s", path,
                     strerror(errno));
            (void) close(fd);
            return -1;
        }

        m->len = a->len;
    }

    (void) close(fd);

    return 0;
}


/*
 * Test "i" as it runs: "view" is the test with its input and expected
 * output taken from its cached files, if it names any, mapped into
 * "maps" (unmap them with exec_unmap_files()), and "setup" the batch's
 * with the input file as the program's stdin.  Returns 0, or -1 with the
 * reason in "err".
 */
static int
exec_test_files(struct executor *ex, const struct exec_task *t, size_t i,
                Judge__TestCase *view, struct test_setup *setup,
                char *input_path, size_t pathlen, struct exec_map maps[2],
                char *err, size_t errlen)
{
    char  path[4096];

    *view = *t->batch->tests[i];
    *setup = t->setup;
    memset(maps, 0, 2 * sizeof(*maps));

    if (t->files == NULL) {
        return 0;
    }

    if (t->files[2 * i] != NULL) {
        if (exec_map_file(ex, t->files[2 * i], input_path, pathlen, &maps[0],
                          err, errlen) != 0)
        {
            return -1;
        }

        view->input.data = maps[0].data;
        view->input.len = maps[0].len;
        setup->input_path = input_path;
    }

    if (t->files[2 * i + 1] != NULL) {
        if (exec_map_file(ex, t->files[2 * i + 1], path, sizeof(path),
                          &maps[1], err, errlen) != 0)
        {
            return -1;
        }

        view->expected_output.data = maps[1].data;
        view->expected_output.len = maps[1].len;
        view->has_expected = true;
    }

    return 0;
}


/*
 * Unmaps what exec_test_files() mapped.
 */
static void
exec_unmap_files(struct exec_map maps[2])
{
    int  i;

    for (i = 0; i < 2; i++) {
        if (maps[i].data != NULL) {
            (void) munmap(maps[i].data, maps[i].len);
        }
    }
}


/*
 * Fills "out" as a test that could not run: IE, "why" its message.
 */
static void
exec_test_unrun(struct test_outcome *out, const char *why)
{
    judge__test_result__init(&out->result);
    judge__usage__init(&out->usage);
    out->result.usage = &out->usage;
    out->result.status = JUDGE__STATUS__IE;
    out->result.message = strdup(why);

    if (out->result.message == NULL) {
        out->result.message = (char *) protobuf_c_empty_string;
    }
}


/*
 * Runs test number "i" of a batch and sends its TestResult, unless the
 * task was cancelled meanwhile (its run was killed, or it does not
 * matter any more).  With stream_output, OutputChunks of what the
 * program writes go first, while it runs, unless the test is hidden.
 */
static enum unit_end
exec_test(struct exec_thread *th, struct exec_task *t, size_t i)
{
    struct executor          *ex = th->ex;
    const Judge__TestCase    *tc = t->batch->tests[i];
    Judge__WorkerMessage      msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__TestCase           view;
    struct test_setup         setup;
    struct test_outcome       out;
    struct exec_live         *lv;
    struct exec_map           maps[2];
    enum unit_end             end;
    char                      input_path[4096], why[512];

    if (t->batch->checker != NULL
        && t->batch->checker->kind == JUDGE__CHECKER__KIND__CUSTOM)
    {
        exec_prepare_checker(th, t);
    }

    if (t->batch->interactor != NULL) {
        exec_prepare_interactor(th, t);
    }

    lv = NULL;

    /* nothing of a hidden test's output goes back, not even live */
    if (t->batch->stream_output && !tc->hidden) {
        lv = malloc(sizeof(*lv));

        if (lv == NULL) {
            log_warn(ex->log, "%s: test %s: no memory to stream its output",
                     t->label, tc->id);

        } else {
            lv->ex = ex;
            lv->t = t;
            lv->tc = tc;
            live_init(&lv->out, t->setup.max_capture ? t->setup.max_capture
                                                     : RUNNER_DEFAULT_CAPTURE,
                      exec_send_output, lv);
        }
    }

    if (exec_test_files(ex, t, i, &view, &setup, input_path,
                        sizeof(input_path), maps, why, sizeof(why)) != 0)
    {
        exec_test_unrun(&out, why);

    } else if (t->batch->interactor != NULL) {
        interact_test(th->sb, th->peer, &setup, &view,
                      lv != NULL ? &lv->out : NULL, &out);

    } else {
        runner_test(th->sb, &setup, &view, lv != NULL ? &lv->out : NULL,
                    &out);
    }

    exec_unmap_files(maps);
    free(lv);

    if (exec_cancelled(ex, t)) {
        log_debug(ex->log, "%s: test %s not reported: cancelled (slot %u)",
                  t->label, tc->id, th->slot);
        test_outcome_free(&out);
        return UNIT_DROPPED;
    }

    out.result.job_id = (char *) t->job_id;
    out.result.task_id = t->task_id;
    out.result.test_id = tc->id;
    out.result.index = tc->index;

    log_debug(ex->log, "%s: test %s: %s in %" PRIu64 " ms (slot %u)",
              t->label, tc->id, exec_status_name(out.result.status),
              out.usage.cpu_time_ms, th->slot);

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_TEST_RESULT;
    msg.test_result = &out.result;

    exec_send(ex, t, &msg, false);

    end = out.result.status == JUDGE__STATUS__AC ? UNIT_PASSED : UNIT_FAILED;
    test_outcome_free(&out);

    return end;
}


/* units of the job "job_id" running now, over all its tasks */
static unsigned
exec_job_running_locked(struct executor *ex, const char *job_id)
{
    unsigned           n;
    struct exec_task  *t;

    n = 0;

    for (t = ex->live; t != NULL; t = t->next_live) {
        if (strcmp(t->job_id, job_id) == 0) {
            n += t->running;
        }
    }

    return n;
}


/*
 * The queued task to take a unit from: the one whose job has the fewest
 * units running here, the first queued on a tie.  A job sent behind a
 * long job's batch so starts at the next free slot.  "link" is where the
 * task is linked from, "prev" the task queued before it (NULL: none).
 */
static struct exec_task *
exec_next_locked(struct executor *ex, struct exec_task ***link,
    struct exec_task **prev)
{
    unsigned           n, least;
    struct exec_task  *t, *before, *best, **pp;

    best = NULL;
    least = 0;
    before = NULL;
    *link = &ex->queue_head;
    *prev = NULL;

    for (pp = &ex->queue_head; *pp != NULL; pp = &(*pp)->next_queued) {
        t = *pp;
        n = exec_job_running_locked(ex, t->job_id);

        if (best == NULL || n < least) {
            best = t;
            least = n;
            *link = pp;
            *prev = before;
        }

        before = t;
    }

    return best;
}


/*
 * A slot's thread: takes units from the queue until the executor stops.
 */
static void *
exec_thread_main(void *arg)
{
    struct exec_thread  *th = arg;
    struct executor     *ex = th->ex;
    struct exec_task    *t, *prev, **link;
    size_t               item;
    enum unit_end        end;

    pthread_mutex_lock(&ex->lock);

    for ( ;; ) {
        while (!ex->stopping && ex->queue_head == NULL) {
            pthread_cond_wait(&ex->wake, &ex->lock);
        }

        if (ex->stopping) {
            break;
        }

        t = exec_next_locked(ex, &link, &prev);
        item = t->next_item++;

        if (t->next_item == t->n_items) {
            *link = t->next_queued;
            if (ex->queue_tail == t) {
                ex->queue_tail = prev;
            }
            t->next_queued = NULL;
            t->queued = false;
        }

        ex->pending--;
        ex->running++;
        t->running++;
        t->started = true;

        /* a kill meant for this slot's previous unit must not hit this one */
        sandbox_kill_clear(th->sb);
        sandbox_kill_clear(th->peer);
        th->task = t;

        pthread_mutex_unlock(&ex->lock);

        if (t->batch != NULL) {
            end = exec_test(th, t, item);
        } else {
            exec_compile(th, t);
            end = UNIT_PASSED;
        }

        pthread_mutex_lock(&ex->lock);

        th->task = NULL;
        ex->running--;
        t->running--;

        if (t->batch != NULL && end != UNIT_DROPPED) {
            t->tests_run++;

            if (end == UNIT_FAILED && t->batch->stop_on_first_failure) {
                exec_stop_locked(ex, t);
            }
        }

        if (exec_task_over(t)) {
            exec_unlink_live(ex, t);
            pthread_mutex_unlock(&ex->lock);

            exec_finish(ex, t);
            pthread_mutex_lock(&ex->lock);
        }
    }

    pthread_mutex_unlock(&ex->lock);

    return NULL;
}


/* ------------------------------------------------------------ submit */


/*
 * Prepares a CompileTask.  Returns 0, or -1 with the reason in "err"
 * (the task cannot run on this worker).
 */
static int
exec_prepare_compile(struct exec_task *t, char *err, size_t errlen)
{
    if (t->lang->compile_argv == NULL) {
        snprintf(err, errlen, "language \"%s\" is not compiled",
                 t->lang->id);
        return -1;
    }

    t->n_items = 1;

    return program_from_sources(&t->prog, t->lang, t->compile->sources,
                                t->compile->n_sources, err, errlen);
}


/*
 * Pins the test files a batch's tests name (input_hash, expected_hash)
 * that the data cache holds at their size; t->missing counts the others.
 * A file held at another size is not what its name says (a crash cut
 * it): it is dropped and fetched again.  Returns 0, or -1 with the reason
 * in "err" (a name that is not a hex SHA-256, a file larger than the
 * whole cache).
 */
static int
exec_pin_files(struct executor *ex, struct exec_task *t, char *err,
               size_t errlen)
{
    const Judge__ExecuteBatchTask  *b = t->batch;
    const char                     *hash;
    struct artifact                *a;
    uint64_t                        size;
    size_t                          i;

    for (i = 0; i < 2 * b->n_tests; i++) {
        hash = i % 2 ? b->tests[i / 2]->expected_hash
                     : b->tests[i / 2]->input_hash;
        size = i % 2 ? b->tests[i / 2]->expected_size
                     : b->tests[i / 2]->input_size;

        if (hash[0] == '\0') {
            continue;
        }

        if (!sha256_hex_ok(hash)) {
            snprintf(err, errlen, "test %s: the %s hash is not a hex "
                     "SHA-256", b->tests[i / 2]->id,
                     i % 2 ? "expected output" : "input");
            return -1;
        }

        if (size > data_cache_max(ex->data)) {
            snprintf(err, errlen, "test %s: its %s of %" PRIu64 " bytes is "
                     "larger than the worker's data cache (%" PRIu64 ")",
                     b->tests[i / 2]->id,
                     i % 2 ? "expected output" : "input", size,
                     data_cache_max(ex->data));
            return -1;
        }

        if (t->files == NULL) {
            t->files = calloc(2 * b->n_tests, sizeof(*t->files));
            if (t->files == NULL) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        }

        a = data_cache_get(ex->data, hash);

        if (a != NULL && a->len != size) {
            log_warn(ex->log, "%s: test file %.12s is %zu bytes here, the "
                     "test says %" PRIu64 ": fetched again", t->label, hash,
                     a->len, size);
            data_cache_release(ex->data, a);
            data_cache_forget(ex->data, hash);
            a = NULL;
        }

        t->files[i] = a;
        t->missing += a == NULL;
    }

    return 0;
}


/*
 * Prepares an ExecuteBatchTask: the program every test places (the
 * artifact, from the message or the cache, or the sources), the test
 * files held here (exec_pin_files()) and the test set-up.  Returns 0; 1
 * when the artifact is only named by a hash the cache lacks; -1 with the
 * reason in "err".
 */
static int
exec_prepare_batch(struct executor *ex, struct exec_task *t, char *err,
                   size_t errlen)
{
    const Judge__ExecuteBatchTask  *b = t->batch;
    const uint8_t                  *data;
    size_t                          len;

    t->n_items = b->n_tests;

    t->setup.lang = t->lang;
    t->setup.prog = &t->prog;
    t->setup.limits = b->limits;
    t->setup.checker = b->checker;
    t->setup.max_capture = b->max_capture;
    t->setup.interactor = b->interactor;

    if (exec_pin_files(ex, t, err, errlen) != 0) {
        return -1;
    }

    if (t->lang->compile_argv == NULL) {
        return program_from_sources(&t->prog, t->lang, b->sources,
                                    b->n_sources, err, errlen);
    }

    if (b->artifact.len > 0) {
        data = b->artifact.data;
        len = b->artifact.len;

        if (b->artifact_hash[0] != '\0') {
            t->artifact = artifact_put(&ex->artifacts, b->artifact_hash,
                                       data, len);
            if (t->artifact == NULL) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            data = t->artifact->data;
            len = t->artifact->len;
        }

    } else if (b->artifact_hash[0] != '\0') {
        t->artifact = artifact_get(&ex->artifacts, b->artifact_hash);
        if (t->artifact == NULL) {
            return 1;
        }
        data = t->artifact->data;
        len = t->artifact->len;

    } else {
        snprintf(err, errlen, "no artifact and no artifact hash for the "
                 "compiled language \"%s\"", t->lang->id);
        return -1;
    }

    if (program_from_artifact(&t->prog, t->lang, data, len, err, errlen)
        != 0)
    {
        return -1;
    }

    return 0;
}


/*
 * Takes a CompileTask or ExecuteBatchTask.  The executor owns "cmd" from
 * now on (even when the answer is an immediate error result).  Tasks are
 * queued whatever the number of idle slots.  Returns 0, or -1 when not
 * even an answer could be made (out of memory; "cmd" is then freed too).
 */
int
executor_submit(struct executor *ex, Judge__MasterCommand *cmd,
                uint64_t session)
{
    struct exec_task  *t;
    const char        *language;
    char               err[512];
    int                rc;

    t = exec_task_new(cmd, session);
    if (t == NULL) {
        message_free(cmd);
        return -1;
    }

    language = t->compile != NULL ? t->compile->language
                                  : t->batch->language;
    t->lang = languages_find(ex->languages, language);

    if (t->lang == NULL) {
        snprintf(err, sizeof(err), "language \"%s\" is not offered by this "
                 "worker", language);
        rc = -1;

    } else if (t->compile != NULL) {
        rc = exec_prepare_compile(t, err, sizeof(err));

    } else {
        rc = exec_prepare_batch(ex, t, err, sizeof(err));
    }

    if (rc != 0) {
        if (rc == 1) {
            log_info(ex->log, "%s: artifact %s not held here, asking for "
                     "it", t->label, t->batch->artifact_hash);
            exec_send_end(ex, t, EXEC_END_NEED_ARTIFACT,
                          "artifact not in this worker's cache");

        } else {
            log_warn(ex->log, "%s: %s", t->label, err);
            exec_send_end(ex, t, EXEC_END_ERROR, err);
        }

        exec_task_free(ex, t);
        return 0;
    }

    if (t->n_items == 0) {
        exec_send_end(ex, t, EXEC_END_DONE, "");
        exec_task_free(ex, t);
        return 0;
    }

    if (t->missing > 0) {
        return exec_wait_files(ex, t);
    }

    log_debug(ex->log, "%s: %zu unit(s) queued%s", t->label, t->n_items,
              t->batch != NULL && t->batch->attempt > 0 ? ", a retry" : "");

    pthread_mutex_lock(&ex->lock);

    t->next_live = ex->live;
    ex->live = t;
    exec_queue_locked(ex, t);

    pthread_mutex_unlock(&ex->lock);

    return 0;
}


/*
 * Puts a live task at the queue's tail with its units pending, and wakes
 * the threads.  Called with the lock held.
 */
static void
exec_queue_locked(struct executor *ex, struct exec_task *t)
{
    if (ex->queue_tail != NULL) {
        ex->queue_tail->next_queued = t;
    } else {
        ex->queue_head = t;
    }
    ex->queue_tail = t;
    t->queued = true;
    ex->pending += t->n_items;

    pthread_cond_broadcast(&ex->wake);
}


/*
 * A batch lacking test files: the want hook asks for each, and the batch
 * waits in the live list, not queued.  Returns 0, or -1 when not even an
 * answer could be made (out of memory; "t" is then freed).
 */
static int
exec_wait_files(struct executor *ex, struct exec_task *t)
{
    const Judge__TestCase  *tc;
    size_t                  i;
    int                     rc;

    for (i = 0; i < 2 * t->batch->n_tests; i++) {
        tc = t->batch->tests[i / 2];

        if (t->files[i] != NULL
            || (i % 2 ? tc->expected_hash : tc->input_hash)[0] == '\0')
        {
            continue;
        }

        if (ex->want(ex->report_data, i % 2 ? tc->expected_hash
                                            : tc->input_hash,
                     i % 2 ? tc->expected_size : tc->input_size) != 0)
        {
            rc = exec_send_end(ex, t, EXEC_END_ERROR, "out of memory");
            exec_task_free(ex, t);
            return rc;
        }
    }

    log_info(ex->log, "%s: waiting for %zu test file(s)", t->label,
             t->missing);

    pthread_mutex_lock(&ex->lock);
    t->next_live = ex->live;
    ex->live = t;
    pthread_mutex_unlock(&ex->lock);

    return 0;
}


/*
 * The test file "hash" came into the data cache as "file" (pinned by the
 * caller): the waiting batches that need it pin it too, and those that
 * now have every file are queued.  One whose test gave another size
 * fails.
 */
void
executor_data_ready(struct executor *ex, const char *hash,
                    struct artifact *file)
{
    struct exec_task        *t, *over, *next, **pp;
    const Judge__TestCase   *tc;
    const char              *want;
    uint64_t                 size;
    size_t                   i;

    over = NULL;

    pthread_mutex_lock(&ex->lock);

    pp = &ex->live;

    while ((t = *pp) != NULL) {
        for (i = 0; t->missing > 0 && i < 2 * t->batch->n_tests; i++) {
            tc = t->batch->tests[i / 2];
            want = i % 2 ? tc->expected_hash : tc->input_hash;
            size = i % 2 ? tc->expected_size : tc->input_size;

            if (t->files[i] != NULL || strcmp(want, hash) != 0) {
                continue;
            }

            if (size != file->len) {
                snprintf(t->failed, sizeof(t->failed), "test %s: test file "
                         "%.64s is %zu bytes, the test says %" PRIu64,
                         tc->id, hash, file->len, size);
                break;
            }

            t->files[i] = data_cache_get(ex->data, hash);
            t->missing--;
        }

        if (t->failed[0] != '\0') {
            exec_stop_locked(ex, t);
            *pp = t->next_live;
            t->next_live = over;
            over = t;
            continue;
        }

        if (t->missing == 0 && !t->queued && t->next_item == 0
            && !t->cancelled)
        {
            log_debug(ex->log, "%s: test files here, %zu unit(s) queued",
                      t->label, t->n_items);
            exec_queue_locked(ex, t);
        }

        pp = &t->next_live;
    }

    pthread_mutex_unlock(&ex->lock);

    for (t = over; t != NULL; t = next) {
        next = t->next_live;
        t->next_live = NULL;
        exec_finish(ex, t);
    }
}


/*
 * The test file "hash" will not come ("why"): every batch waiting for it
 * ends with system_error, no test run.
 */
void
executor_data_failed(struct executor *ex, const char *hash, const char *why)
{
    struct exec_task        *t, *over, *next, **pp;
    const Judge__TestCase   *tc;
    size_t                   i;

    over = NULL;

    pthread_mutex_lock(&ex->lock);

    pp = &ex->live;

    while ((t = *pp) != NULL) {
        for (i = 0; t->missing > 0 && i < 2 * t->batch->n_tests; i++) {
            tc = t->batch->tests[i / 2];

            if (t->files[i] == NULL
                && strcmp(i % 2 ? tc->expected_hash : tc->input_hash, hash)
                   == 0)
            {
                snprintf(t->failed, sizeof(t->failed), "test %s: %s",
                         tc->id, why);
                break;
            }
        }

        if (t->failed[0] == '\0') {
            pp = &t->next_live;
            continue;
        }

        exec_stop_locked(ex, t);
        *pp = t->next_live;
        t->next_live = over;
        over = t;
    }

    pthread_mutex_unlock(&ex->lock);

    for (t = over; t != NULL; t = next) {
        next = t->next_live;
        t->next_live = NULL;
        exec_finish(ex, t);
    }
}


/*
 * Hands "cmd" (a CompileTask or ExecuteBatchTask) back at once instead of
 * running it (the worker drains), and frees it.  Returns 0, or -1 when
 * not even the answer could be made (out of memory).
 */
int
executor_return(struct executor *ex, Judge__MasterCommand *cmd,
                uint64_t session)
{
    struct exec_task  *t;
    int                rc;

    t = exec_task_new(cmd, session);
    if (t == NULL) {
        message_free(cmd);
        return -1;
    }

    rc = exec_send_end(ex, t, EXEC_END_RETURNED, EXECUTOR_DRAINING);
    exec_task_free(ex, t);

    return rc;
}


/*
 * Takes the live tasks of "job_id" (of every job when NULL), only
 * "task_id" unless it is 0, that are not cancelled yet; with "hand_back"
 * only those none of whose units started, which go back to the master
 * as "returned".  Their units that have not started are dropped, the
 * sandbox runs of those running are killed, and neither is reported;
 * then the final result goes as usual, once the killed units are back
 * (at once for a task none of whose units runs).  Returns how many tasks
 * were taken.
 */
static unsigned
exec_withdraw(struct executor *ex, const char *job_id, uint64_t task_id,
              bool hand_back)
{
    struct exec_task   *t, *next, *over, **pp;
    unsigned            n, killed;

    n = 0;
    killed = 0;
    over = NULL;

    pthread_mutex_lock(&ex->lock);

    pp = &ex->live;

    while ((t = *pp) != NULL) {
        if (t->cancelled
            || (hand_back && t->started)
            || (job_id != NULL && strcmp(t->job_id, job_id) != 0)
            || (task_id != 0 && t->task_id != task_id))
        {
            pp = &t->next_live;
            continue;
        }

        t->cancelled = true;
        t->returned = hand_back;
        exec_stop_locked(ex, t);
        killed += exec_kill_running_locked(ex, t);
        n++;

        if (exec_task_over(t)) {
            *pp = t->next_live;
            t->next_live = over;
            over = t;
        } else {
            pp = &t->next_live;
        }
    }

    pthread_mutex_unlock(&ex->lock);

    if (killed > 0) {
        log_info(ex->log, "cancel: %u running unit(s) killed", killed);
    }

    for (t = over; t != NULL; t = next) {
        next = t->next_live;
        t->next_live = NULL;
        exec_finish(ex, t);
    }

    return n;
}


/*
 * Hands back every task none of whose units started (the worker drains),
 * so that the master gives them to other workers at once.  Returns how
 * many.
 */
unsigned
executor_return_unstarted(struct executor *ex)
{
    return exec_withdraw(ex, NULL, 0, true);
}


/*
 * Cancels the tasks of "job_id" (every task when NULL), only "task_id"
 * unless it is 0: see exec_withdraw().  Returns how many tasks were
 * cancelled.
 */
unsigned
executor_cancel(struct executor *ex, const char *job_id, uint64_t task_id)
{
    return exec_withdraw(ex, job_id, task_id, false);
}


/*
 * Slots that would start work at once if given some: threads neither
 * running a unit nor spoken for by one already queued.
 */
uint32_t
executor_free_slots(struct executor *ex)
{
    uint64_t  busy;
    uint32_t  free_slots;

    pthread_mutex_lock(&ex->lock);

    busy = (uint64_t) ex->running + ex->pending;
    free_slots = busy >= ex->n_threads ? 0
                                       : ex->n_threads - (uint32_t) busy;

    pthread_mutex_unlock(&ex->lock);

    return free_slots;
}


/*
 * The hashes of at most "max" artifacts in the cache, most recently used
 * first: see artifact_cache_keys().  NULL on ENOMEM.
 */
char **
executor_artifact_keys(struct executor *ex, size_t max, size_t *n)
{
    return artifact_cache_keys(&ex->artifacts, max, n);
}


/*
 * Drops the artifact under "hash" from the cache: the master was not
 * given it, so the worker must not claim to hold it.
 */
void
executor_forget_artifact(struct executor *ex, const char *hash)
{
    artifact_remove(&ex->artifacts, hash);
}


/* ------------------------------------------------------------ life */


/*
 * Creates the executor: the caches, one sandbox per slot (slot numbers
 * 0..threads-1) and a thread for each, of "backend" with "backend_data"
 * (NULL: the native sandbox).  Test files are taken from "data"
 * (the caller's, shared); results go to "report" and missing test files
 * to "want", both called with "report_data".  Returns NULL with the
 * reason in "err"; nothing is left running then.
 */
struct executor *
executor_create(uint32_t threads, const struct languages *languages,
                struct data_cache *data, const sandbox_backend_t *backend,
                void *backend_data, executor_report_pt report,
                executor_want_pt want, void *report_data, struct log *lg,
                char *err, size_t errlen)
{
    struct executor     *ex;
    struct exec_thread  *th;
    sandbox_config_t     cfg;
    sandbox_bind_t       binds[EXECUTOR_MAX_BINDS];
    const char          *paths[EXECUTOR_MAX_BINDS];
    size_t               nbinds, npaths, j;
    uint32_t             i;
    int                  rc;
    char                 why[512];

    ex = calloc(1, sizeof(*ex));
    if (ex == NULL) {
        snprintf(err, errlen, "out of memory for the executor");
        return NULL;
    }

    ex->languages = languages;
    ex->data = data;
    ex->want = want;
    ex->report = report;
    ex->report_data = report_data;
    ex->log = lg;

    ex->threads = calloc(threads, sizeof(*ex->threads));
    if (ex->threads == NULL) {
        snprintf(err, errlen, "out of memory for %u executor threads",
                 threads);
        free(ex);
        return NULL;
    }

    if ((rc = pthread_mutex_init(&ex->lock, NULL)) != 0
        || (rc = pthread_mutex_init(&ex->checker_lock, NULL)) != 0
        || (rc = pthread_cond_init(&ex->wake, NULL)) != 0)
    {
        snprintf(err, errlen, "pthread init failed: %s", strerror(rc));
        free(ex->threads);
        free(ex);
        return NULL;
    }

    if (artifact_cache_init(&ex->artifacts, EXECUTOR_ARTIFACT_CACHE, err,
                            errlen) != 0
        || artifact_cache_init(&ex->checkers, EXECUTOR_CHECKER_CACHE, err,
                               errlen) != 0)
    {
        executor_destroy(ex);
        return NULL;
    }

    /* the host paths the offered toolchains read outside /usr, seen
     * read-only at the same place by every run; a missing one is left out
     * (its language fails its runs, not the worker) */
    nbinds = 0;
    npaths = languages_binds(languages, paths, EXECUTOR_MAX_BINDS);

    if (npaths > EXECUTOR_MAX_BINDS) {
        snprintf(err, errlen, "the languages name more than %d binds",
                 EXECUTOR_MAX_BINDS);
        executor_destroy(ex);
        return NULL;
    }

    for (j = 0; j < npaths; j++) {
        if (access(paths[j], F_OK) != 0) {
            log_warn(lg, "bind %s of a language: %s; left out", paths[j],
                     strerror(errno));
            continue;
        }

        binds[nbinds].host_path = paths[j];
        binds[nbinds].inside_path = paths[j];
        binds[nbinds].writable = 0;
        nbinds++;
    }

    /* every sandbox before the first thread: setting one up may unshare
     * a user namespace, which a multi-threaded process cannot do */
    for (i = 0; i < threads; i++) {
        th = &ex->threads[i];
        th->ex = ex;
        th->slot = i;

        memset(&cfg, 0, sizeof(cfg));
        cfg.slot = i;
        cfg.binds = binds;
        cfg.nbinds = nbinds;
        cfg.backend = backend;
        cfg.backend_data = backend_data;

        th->sb = sandbox_create(&cfg, why, sizeof(why));
        if (th->sb == NULL) {
            snprintf(err, errlen, "sandbox for slot %u: %s", i, why);
            executor_destroy(ex);
            return NULL;
        }

        /* the slot's second sandbox, an interactor's: numbers above the
         * slots' */
        cfg.slot = threads + i;

        th->peer = sandbox_create(&cfg, why, sizeof(why));
        if (th->peer == NULL) {
            snprintf(err, errlen, "second sandbox for slot %u: %s", i, why);
            sandbox_destroy(th->sb);
            executor_destroy(ex);
            return NULL;
        }

        ex->n_threads++;
    }

    for (i = 0; i < threads; i++) {
        th = &ex->threads[i];

        rc = pthread_create(&th->id, NULL, exec_thread_main, th);
        if (rc != 0) {
            snprintf(err, errlen, "cannot start the thread of slot %u: %s",
                     i, strerror(rc));
            executor_destroy(ex);
            return NULL;
        }

        th->started = true;
    }

    log_info(lg, "executor: %u slot(s), each with its own %s sandbox",
             threads, backend != NULL ? backend->name : "native");

    return ex;
}


/*
 * Stops the threads (the sandbox runs of the units they run are killed),
 * drops every task still queued without answering it, and frees
 * everything.
 */
void
executor_destroy(struct executor *ex)
{
    struct exec_task  *t, *next;
    uint32_t           i;

    pthread_mutex_lock(&ex->lock);
    ex->stopping = true;
    (void) exec_kill_running_locked(ex, NULL);
    pthread_cond_broadcast(&ex->wake);
    pthread_mutex_unlock(&ex->lock);

    for (i = 0; i < ex->n_threads; i++) {
        if (ex->threads[i].started) {
            pthread_join(ex->threads[i].id, NULL);
        }
    }

    for (t = ex->live; t != NULL; t = next) {
        next = t->next_live;
        exec_task_free(ex, t);
    }

    for (i = 0; i < ex->n_threads; i++) {
        sandbox_destroy(ex->threads[i].sb);
        sandbox_destroy(ex->threads[i].peer);
    }

    artifact_cache_free(&ex->artifacts);
    artifact_cache_free(&ex->checkers);
    pthread_cond_destroy(&ex->wake);
    pthread_mutex_destroy(&ex->checker_lock);
    pthread_mutex_destroy(&ex->lock);
    free(ex->threads);
    free(ex);
}
