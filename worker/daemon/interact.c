/*
 * Interactive tests (see interact.h).  The slot's thread creates the two
 * pipes, starts a thread that runs the interactor in the slot's second
 * sandbox, runs the submission in its own, then joins.  Each sandbox run
 * takes its two pipe ends over, so that once a program is gone its peer
 * sees EOF or EPIPE; both runs are bounded by their own limits, so
 * neither side, nor a deadlock of full pipes, holds the slot longer than
 * the larger wall limit.
 *
 * A third thread tells which of the two ended first: it holds a spare
 * write end of each program's stdin and waits for the first to lose its
 * reader (POLLERR).  While it holds them neither program can see the
 * other's end as EOF, so neither can react to it before it is noted;
 * then it drops both, and the survivor sees EOF.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "argv.h"
#include "interact.h"
#include "text.h"


/* The interactor's run, on a thread of its own. */
struct interact_peer {
    sandbox_t          *sb;
    sandbox_spec_t      spec;
    sandbox_result_t    res;
};

/* Which program ended first, on a thread of its own. */
struct interact_watch {
    int                 interactor;     /* spare write ends of the stdins */
    int                 submission;
    int                 stop;           /* an eventfd: both runs are over */
    int                 interactor_gone;    /* when first seen: its stdin */
    int                 submission_gone;    /* had lost its reader */
};


/*
 * Judges the interactor's run alone (see interact.h): its exit status in
 * its convention, "note" (its message file, may be NULL) or else its
 * stderr the message.
 */
check_verdict_t
interact_interactor_verdict(int kattis, const sandbox_result_t *res,
                            const char *note, size_t note_len, char *msg,
                            size_t msg_size)
{
    if (res->status == SANDBOX_RE && res->signal == SIGPIPE) {
        snprintf(msg, msg_size, "the submission stopped reading its input");
        return CHECK_WA;
    }

    if (res->status != SANDBOX_OK && res->status != SANDBOX_RE) {
        snprintf(msg, msg_size, "the interactor failed: %s %s",
                 sandbox_status_name(res->status), res->message);
        return CHECK_ERROR;
    }

    if (kattis) {
        return checker_kattis_verdict(res->exit_code, res->signal, note,
                                      note_len, msg, msg_size);
    }

    if (res->signal == 0 && res->exit_code > 2) {
        snprintf(msg, msg_size, "the interactor failed with exit code %d",
                 res->exit_code);
        return CHECK_ERROR;
    }

    if (note == NULL || note_len == 0) {
        note = res->err;
        note_len = res->err_len;
    }

    return checker_custom_verdict(res->exit_code, res->signal, note,
                                  note_len, msg, msg_size);
}


/*
 * Whether the interactor ended first (see interact.h), from what the
 * watcher saw gone and, when it saw both at once, how the interactor
 * ended.
 */
int
interact_interactor_first(int interactor_gone, int submission_gone,
                          const sandbox_result_t *interactor)
{
    if (!interactor_gone) {
        return 0;
    }

    if (!submission_gone) {
        return 1;
    }

    if (interactor->status == SANDBOX_RE) {
        return interactor->signal != 0 && interactor->signal != SIGPIPE;
    }

    return interactor->status != SANDBOX_OK;
}


/*
 * The verdict of an interactive test from the submission's run and the
 * interactor's verdict, in the order interact.h gives.
 */
Judge__Status
interact_verdict(const sandbox_result_t *sub, check_verdict_t interactor,
                 int interactor_first)
{
    int  failed;

    if (sub->status == SANDBOX_IE) {
        return JUDGE__STATUS__IE;
    }

    failed = sub->status != SANDBOX_OK
             && !(sub->status == SANDBOX_RE && sub->signal == SIGPIPE);

    if (failed && !(interactor != CHECK_AC && interactor_first)) {
        switch (sub->status) {
        case SANDBOX_TLE: return JUDGE__STATUS__TLE;
        case SANDBOX_WLE: return JUDGE__STATUS__WLE;
        case SANDBOX_MLE: return JUDGE__STATUS__MLE;
        case SANDBOX_OLE: return JUDGE__STATUS__OLE;
        case SANDBOX_SV:  return JUDGE__STATUS__SV;
        default:          return JUDGE__STATUS__RE;
        }
    }

    switch (interactor) {
    case CHECK_WA:
        return JUDGE__STATUS__WA;
    case CHECK_ERROR:
        return JUDGE__STATUS__IE;
    default:
        return sub->status == SANDBOX_OK ? JUDGE__STATUS__AC
                                         : JUDGE__STATUS__RE;
    }
}


/*
 * A pipe whose two ends are above 2 (a sandbox spec's pipes must be) and
 * close on exec.  Returns 0, or -1 with errno set.
 */
static int
interact_pipe(int p[2])
{
    int  i, fd;

    if (pipe2(p, O_CLOEXEC) != 0) {
        return -1;
    }

    for (i = 0; i < 2; i++) {
        if (p[i] > 2) {
            continue;
        }

        fd = fcntl(p[i], F_DUPFD_CLOEXEC, 3);
        if (fd < 0) {
            close(p[0]);
            close(p[1]);
            p[0] = p[1] = -1;
            return -1;
        }

        close(p[i]);
        p[i] = fd;
    }

    return 0;
}


/*
 * Runs the interactor.
 */
static void *
interact_peer_main(void *arg)
{
    struct interact_peer  *p = arg;

    (void) sandbox_run(p->sb, &p->spec, &p->res);

    return NULL;
}


/*
 * Waits until one program's stdin has no reader left (or the runs are
 * over), notes whether it was the interactor's alone, and closes the
 * spare write ends.
 */
static void *
interact_watch_main(void *arg)
{
    struct interact_watch  *w = arg;
    struct pollfd           pfd[3];

    pfd[0].fd = w->interactor;
    pfd[0].events = 0;
    pfd[1].fd = w->submission;
    pfd[1].events = 0;
    pfd[2].fd = w->stop;
    pfd[2].events = POLLIN;

    while (poll(pfd, 3, -1) < 0 && errno == EINTR) {
        /* again */
    }

    w->interactor_gone = pfd[0].revents != 0;
    w->submission_gone = pfd[1].revents != 0;

    close(w->interactor);
    close(w->submission);
    w->interactor = -1;
    w->submission = -1;

    return NULL;
}


/*
 * The interactor's limits: the task's, else the defaults of interact.h,
 * its wall time at least the submission's plus INTERACT_WALL_EXTRA_MS
 * when the task sets none, and never above the INTERACT_MAX_* caps.
 */
static void
interact_limits(const struct test_setup *ts, uint64_t sub_wall_ms,
                size_t placed, sandbox_limits_t *out)
{
    sandbox_limits_t  defaults;

    memset(&defaults, 0, sizeof(defaults));
    defaults.cpu_time_ms = INTERACT_CPU_MS;
    defaults.wall_time_ms = sub_wall_ms + INTERACT_WALL_EXTRA_MS;
    defaults.memory_kb = INTERACT_MEMORY_KB;
    defaults.output_kb = INTERACT_OUTPUT_KB;

    runner_limits(ts->interactor->limits, &defaults,
                  ts->interactor_lang, placed, out);

    if (out->cpu_time_ms > INTERACT_MAX_CPU_MS) {
        out->cpu_time_ms = INTERACT_MAX_CPU_MS;
    }

    if (out->wall_time_ms > INTERACT_MAX_WALL_MS) {
        out->wall_time_ms = INTERACT_MAX_WALL_MS;
    }

    if (out->memory_kb > INTERACT_MAX_MEMORY_KB) {
        out->memory_kb = INTERACT_MAX_MEMORY_KB;
    }

    if (out->stack_kb > out->memory_kb) {
        out->stack_kb = out->memory_kb;
    }
}


/*
 * Sets up the interactor's run in "p": its program, the test's input and
 * answer in its work dir, its argv in its convention, its message file
 * to collect.  "files" and "argv" are allocated for the caller to free.
 * Returns 0, or -1 on ENOMEM.
 */
static int
interact_peer_spec(struct interact_peer *p, const struct test_setup *ts,
                   const Judge__TestCase *tc, uint64_t sub_wall_ms,
                   sandbox_file_t **files, const char ***argv,
                   const char **note)
{
    const struct program   *prog = ts->interactor_prog;
    char *const            *run = ts->interactor_lang->run_argv;
    size_t                  argc, i, n;
    int                     kattis;

    n = prog->n;
    argc = argv_count(run);
    kattis = ts->interactor->kattis;

    *files = calloc(n + 2, sizeof(**files));
    *argv = calloc(argc + 4, sizeof(**argv));

    if (*files == NULL || *argv == NULL) {
        return -1;
    }

    memcpy(*files, prog->files, n * sizeof(**files));
    (*files)[n] = (sandbox_file_t) { "input", runner_bytes(&tc->input),
                                     tc->input.len, 0644 };
    (*files)[n + 1] = (sandbox_file_t) { "answer",
                                         runner_bytes(&tc->expected_output),
                                         tc->expected_output.len, 0644 };

    for (i = 0; i < argc; i++) {
        (*argv)[i] = run[i];
    }

    (*argv)[argc] = "input";
    (*argv)[argc + 1] = kattis ? "answer" : "output";
    (*argv)[argc + 2] = kattis ? "." : "answer";

    *note = kattis ? "judgemessage.txt" : "output";

    p->spec.argv = *argv;
    p->spec.files = *files;
    p->spec.nfiles = n + 2;
    p->spec.collect = note;
    p->spec.ncollect = 1;
    p->spec.collect_max_kb = INTERACT_MESSAGE_KB;

    interact_limits(ts, sub_wall_ms,
                    program_bytes(prog) + tc->input.len
                    + tc->expected_output.len, &p->spec.limits);

    return 0;
}


/*
 * A test that cannot run ("why"): IE, nothing run.
 */
static void
interact_refused(struct test_outcome *out, const char *why)
{
    out->result.status = JUDGE__STATUS__IE;
    out->result.checker_message = (char *) protobuf_c_empty_string;
    out->result.message = strdup(why);
    if (out->result.message == NULL) {
        out->result.message = (char *) protobuf_c_empty_string;
    }
}


/*
 * Fills the TestResult of a test that ran: "status", the interactor's
 * message as the checker message, the submission's message and stderr
 * (its stdout went to the interactor).
 */
static void
interact_result(const struct test_setup *ts, const Judge__TestCase *tc,
                const sandbox_result_t *res, Judge__Status status,
                const char *msg, struct test_outcome *out)
{
    Judge__TestResult  *r = &out->result;
    size_t              cap;

    cap = ts->max_capture ? ts->max_capture : RUNNER_DEFAULT_CAPTURE;

    /* a hidden test: the interactor's words may quote the test */
    if (tc->hidden) {
        cap = 0;
        msg = status == JUDGE__STATUS__WA ? "wrong answer"
              : status == JUDGE__STATUS__IE ? "the interactor failed" : "";
    }

    r->status = status;
    r->checker_message = utf8_clean_copy(msg, strlen(msg), CHECKER_MSG_SIZE);
    r->message = utf8_clean_copy(res->message, strlen(res->message),
                                 sizeof(res->message));

    if (r->checker_message == NULL || r->message == NULL
        || runner_capture(&r->stderr, &r->stderr_truncated, res->err,
                          res->err_len, res->err_truncated, cap,
                          tc->hidden) != 0)
    {
        test_outcome_free(out);
        interact_refused(out, "out of memory on the worker");
    }
}


/*
 * Closes what interact_open() opened and is still open (-1: not open):
 * the pipes, and unless "w" is NULL the watcher's fds.
 */
static void
interact_close(int to_sub[2], int from_sub[2], struct interact_watch *w)
{
    int  *fds[7] = { &to_sub[0], &to_sub[1], &from_sub[0], &from_sub[1],
                     NULL, NULL, NULL };
    int   i;

    if (w != NULL) {
        fds[4] = &w->interactor;
        fds[5] = &w->submission;
        fds[6] = &w->stop;
    }

    for (i = 0; i < 7; i++) {
        if (fds[i] != NULL && *fds[i] >= 0) {
            close(*fds[i]);
            *fds[i] = -1;
        }
    }
}


/*
 * Opens what an interactive test needs: the pipe to the submission, the
 * pipe from it, the watcher's spare write ends and its stop eventfd.
 * Returns 0, or -1 with errno set and nothing left open.
 */
static int
interact_open(int to_sub[2], int from_sub[2], struct interact_watch *w)
{
    int  e;

    to_sub[0] = to_sub[1] = from_sub[0] = from_sub[1] = -1;
    w->interactor = w->submission = w->stop = -1;

    if (interact_pipe(to_sub) == 0 && interact_pipe(from_sub) == 0
        && (w->interactor = fcntl(from_sub[1], F_DUPFD_CLOEXEC, 3)) >= 0
        && (w->submission = fcntl(to_sub[1], F_DUPFD_CLOEXEC, 3)) >= 0
        && (w->stop = eventfd(0, EFD_CLOEXEC)) >= 0)
    {
        return 0;
    }

    e = errno;
    interact_close(to_sub, from_sub, w);
    errno = e;

    return -1;
}


/*
 * Runs interactive test "tc": the submission in "sb", the interactor of
 * "ts" in "peer", at once, and judges it (interact.h).  Fills "out"
 * (always; IE with a message when the judge failed) but for the ids; the
 * usage is the submission's.  With "live", the submission's stderr is
 * passed on while it runs.
 */
void
interact_test(sandbox_t *sb, sandbox_t *peer, const struct test_setup *ts,
              const Judge__TestCase *tc, struct live_output *live,
              struct test_outcome *out)
{
    static const sandbox_limits_t  none;

    struct interact_peer   p;
    struct interact_watch  w;
    sandbox_spec_t         spec;
    sandbox_result_t       res;
    sandbox_file_t        *files;
    check_verdict_t        iv;
    Judge__Status          status;
    pthread_t              peer_thread, watch_thread;
    char                 **argv;
    const char           **env, **peer_argv, *note, *text;
    sandbox_limits_t       batch;
    char                   msg[CHECKER_MSG_SIZE];
    size_t                 len;
    int                    to_sub[2], from_sub[2], rc;

    judge__test_result__init(&out->result);
    out->result.usage = &out->usage;
    judge__usage__init(&out->usage);

    if (ts->interactor_prog == NULL) {
        snprintf(msg, sizeof(msg), "the interactor is not usable: %s",
                 ts->interactor_error);
        interact_refused(out, msg);
        return;
    }

    if (runner_check_args(tc->args, tc->n_args, msg, sizeof(msg)) != 0
        || runner_check_env(tc->env, tc->n_env, msg, sizeof(msg)) != 0)
    {
        interact_refused(out, msg);
        return;
    }

    if (ts->prog->main_error[0] != '\0') {
        interact_refused(out, ts->prog->main_error);
        return;
    }

    memset(&spec, 0, sizeof(spec));
    memset(&p, 0, sizeof(p));
    p.sb = peer;
    files = NULL;
    peer_argv = NULL;

    /* the batch's limits, then the test's own */
    runner_limits(ts->limits, &none, NULL, 0, &batch);
    runner_limits(tc->limits, &batch, ts->lang,
                  program_bytes(ts->prog), &spec.limits);

    argv = language_argv(ts->lang->run_argv, ts->prog->main,
                         spec.limits.memory_kb / 1024,
                         spec.limits.stack_kb / 1024, tc->args, tc->n_args);
    env = tc->n_env > 0 ? runner_test_env(tc) : NULL;

    if (argv == NULL || (tc->n_env > 0 && env == NULL)
        || interact_peer_spec(&p, ts, tc, spec.limits.wall_time_ms, &files,
                              &peer_argv, &note) != 0)
    {
        interact_refused(out, "out of memory on the worker");
        goto done;
    }

    if (interact_open(to_sub, from_sub, &w) != 0) {
        snprintf(msg, sizeof(msg), "pipes for the interactor: %s",
                 strerror(errno));
        interact_refused(out, msg);
        goto done;
    }

    p.spec.stdin_fd = from_sub[0];
    p.spec.stdout_fd = to_sub[1];

    spec.argv = (const char *const *) argv;
    spec.env = env;
    spec.files = ts->prog->files;
    spec.nfiles = ts->prog->n;
    spec.stdin_fd = to_sub[0];
    spec.stdout_fd = from_sub[1];

    if (live != NULL) {
        spec.output = live_sandbox_hook;
        spec.output_data = live;
    }

    w.interactor_gone = 0;
    w.submission_gone = 0;

    rc = pthread_create(&watch_thread, NULL, interact_watch_main, &w);
    if (rc != 0) {
        snprintf(msg, sizeof(msg), "cannot start a thread: %s",
                 strerror(rc));
        interact_refused(out, msg);
        interact_close(to_sub, from_sub, &w);
        goto done;
    }

    rc = pthread_create(&peer_thread, NULL, interact_peer_main, &p);
    if (rc != 0) {
        /* with the pipes closed the watcher sees them gone, and ends */
        interact_close(to_sub, from_sub, NULL);
        pthread_join(watch_thread, NULL);
        close(w.stop);
        snprintf(msg, sizeof(msg), "cannot start a thread: %s",
                 strerror(rc));
        interact_refused(out, msg);
        goto done;
    }

    /* each run closes its pipe ends, whatever happens */
    (void) sandbox_run(sb, &spec, &res);
    pthread_join(peer_thread, NULL);

    /* both runs are over: the watcher has seen a pipe end, or stops now */
    (void) eventfd_write(w.stop, 1);
    pthread_join(watch_thread, NULL);
    close(w.stop);

    if (live != NULL) {
        live_finish(live);
    }

    runner_usage(&res, &out->usage);

    /* a runtime whose own heap filled up ran out of memory */
    if (res.status == SANDBOX_RE && res.signal != SIGPIPE
        && runner_heap_full(ts->lang, &res))
    {
        res.status = SANDBOX_MLE;
    }

    text = runner_collected(&p.res, &len);
    iv = interact_interactor_verdict(ts->interactor->kattis, &p.res, text,
                                     len, msg, sizeof(msg));
    status = interact_verdict(&res, iv,
                              interact_interactor_first(w.interactor_gone,
                                                        w.submission_gone,
                                                        &p.res));

    /* the interactor's word is the checker message when it decided */
    if (status != JUDGE__STATUS__WA && status != JUDGE__STATUS__IE
        && status != JUDGE__STATUS__AC)
    {
        msg[0] = '\0';
    }

    interact_result(ts, tc, &res, status, msg, out);

    sandbox_result_free(&res);
    sandbox_result_free(&p.res);

done:

    free(argv);
    free(env);
    free(peer_argv);
    free(files);
}
