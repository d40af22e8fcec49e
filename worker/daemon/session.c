/*
 * One stream's life.  session_run() dials, registers and then loops in
 * poll() over three descriptors:
 *
 *     the socket      frames from the master; queued frames out
 *     the signalfd    SIGTERM/SIGINT drain and leave, SIGHUP reopens logs
 *     the task fd     finished tasks' results, sent as they come
 *
 * with a timer for heartbeats (and for the Welcome, drain and closing
 * deadlines).
 * It returns how the stream ended; main() decides when to dial again.
 */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "frame.h"
#include "message.h"
#include "session.h"
#include "util.h"


#define SESSION_DIAL_TIMEOUT      10000   /* ms: connect + TLS + upgrade */
#define SESSION_WELCOME_TIMEOUT   10000   /* ms from Register to Welcome */
#define SESSION_CLOSE_TIMEOUT     3000    /* ms to flush the last frames */
#define SESSION_READ_CHUNK        65536

/* artifact hashes listed in Register: 256 of 64 bytes keep it near 17 KiB,
 * far below any frame limit that can carry an artifact at all */
#define SESSION_REGISTER_ARTIFACTS  256


enum session_state {
    STATE_ACTIVE,
    STATE_DRAINING,         /* no new tasks; leave when the running end */
    STATE_CLOSING           /* flushing the last frames, then close */
};

struct session {
    struct worker        *w;
    const struct frontend *fe;
    struct conn           conn;
    struct frame_reader   in;
    struct frame_writer   out;

    enum session_state    state;
    enum session_end      end;          /* once draining or closing */
    bool                  welcomed;
    size_t                peer_max_frame;
    uint32_t              heartbeat_ms;
    int64_t               next_heartbeat;
    int64_t               deadline;     /* Welcome, or closing flush */
    int64_t               drain_deadline;   /* running tasks killed then */
    unsigned              stops_seen;   /* w->stop_requests handled */
    char                  leave_reason[128];
};


static int session_heartbeat(struct session *s);


/*
 * Dials the session's frontend until connected, the dial fails, or a stop
 * is requested.  A SIGHUP interrupting the dial only reopens the log and
 * dials again.
 */
static int
session_dial(struct session *s)
{
    struct worker          *w = s->w;
    const struct frontend  *fe = s->fe;
    struct conn_request     req;

    req.url = &fe->url;
    req.token = w->cfg.token;
    req.worker_id = w->cfg.id;
    req.tls = fe->url.tls ? w->tls : NULL;
    req.verify = !w->cfg.insecure;
    req.abort_fd = w->signal_fd;

    for ( ;; ) {
        req.deadline = now_ms() + SESSION_DIAL_TIMEOUT;

        log_debug(&w->log, "dialling %s", fe->text);

        if (conn_open(&s->conn, &req) == 0) {
            return 0;
        }

        if (!s->conn.aborted) {
            if (s->conn.http_status != 0) {
                log_error(&w->log, "master %s: %s", fe->text, s->conn.err);
            } else {
                log_warn(&w->log, "cannot reach master %s: %s", fe->text,
                         s->conn.err);
            }
            return -1;
        }

        worker_take_signals(w);

        if (w->stop_requests > 0) {
            return -1;
        }
    }
}


/*
 * Starts draining: no new tasks, and those not started yet go back to the
 * master at once, as does a heartbeat that says so; once the running
 * ones have reported, or at the latest after --drain-timeout, the stream
 * closes with "end" ("reason" goes into Leaving when the worker exits).
 */
static void
session_drain(struct session *s, enum session_end end, const char *reason)
{
    unsigned  n;

    s->state = STATE_DRAINING;
    s->end = end;
    s->drain_deadline = now_ms() + s->w->cfg.drain_timeout_ms;
    s->w->tasks.accepting = false;
    snprintf(s->leave_reason, sizeof(s->leave_reason), "%s", reason);

    n = tasks_return_unstarted(&s->w->tasks);
    if (n > 0) {
        log_info(&s->w->log, "draining: %u task(s) not started handed back",
                 n);
    }

    if (s->welcomed) {
        (void) session_heartbeat(s);
    }
}


/*
 * Moves to closing: queues Leaving when the worker is going away, then
 * gives the frames a few seconds to get out.
 */
static void
session_close(struct session *s, enum session_end end, bool drained)
{
    struct worker  *w = s->w;

    s->state = STATE_CLOSING;
    s->end = end;
    s->deadline = now_ms() + SESSION_CLOSE_TIMEOUT;

    if (end == SESSION_EXIT) {
        if (message_put_leaving(&s->out, s->peer_max_frame, s->leave_reason,
                                drained) != 0)
        {
            log_error(&w->log, "cannot queue Leaving: %s", strerror(errno));
        }

        log_info(&w->log, "leaving the master (%s, %s)", s->leave_reason,
                 drained ? "drained" : "tasks abandoned");
    }
}


/*
 * The drain outlasted --drain-timeout: the tasks still running are
 * killed (tasks_cancel()) and the stream closes without waiting for their
 * results, as after a second SIGTERM.  The master hands their work to
 * another worker once the stream is gone.
 */
static void
session_drain_expired(struct session *s)
{
    struct worker  *w = s->w;
    unsigned        n;
    size_t          len;

    n = tasks_cancel(&w->tasks, NULL, 0);

    log_warn(&w->log, "drain timeout of %" PRIu32 " ms passed: %u "
             "unfinished task(s) cancelled", w->cfg.drain_timeout_ms, n);

    len = strlen(s->leave_reason);
    snprintf(s->leave_reason + len, sizeof(s->leave_reason) - len,
             "; %u unfinished task(s) cancelled at the drain timeout", n);

    session_close(s, s->end, false);
}


/*
 * Applies SIGTERM/SIGINT counted by worker_take_signals(): the first
 * drains, a second one leaves without waiting for tasks.
 */
static void
session_check_stop(struct session *s)
{
    struct worker  *w = s->w;

    if (w->stop_requests == s->stops_seen) {
        return;
    }

    s->stops_seen = w->stop_requests;

    if (s->state == STATE_ACTIVE) {
        log_info(&w->log, "stopping: draining %u running task(s)",
                 w->tasks.active);
        session_drain(s, SESSION_EXIT, "worker stopped by signal");

    } else if (s->state == STATE_DRAINING) {
        log_info(&w->log, "stopping now: %u task(s) killed and abandoned",
                 w->tasks.active);
        snprintf(s->leave_reason, sizeof(s->leave_reason),
                 "worker stopped by signal");
        session_close(s, SESSION_EXIT, false);
    }
}


/*
 * Queues a Heartbeat with the host's figures now.
 */
static int
session_heartbeat(struct session *s)
{
    struct worker      *w = s->w;
    Judge__Heartbeat    hb = JUDGE__HEARTBEAT__INIT;
    struct cpu_sample   cpu;
    char                err[256];

    hb.load1 = sysinfo_load1();

    if (sysinfo_cpu(&cpu, err, sizeof(err)) == 0) {
        hb.cpu_percent = sysinfo_cpu_percent(&w->cpu_prev, &cpu);
        w->cpu_prev = cpu;
    } else {
        log_warn(&w->log, "heartbeat without CPU figure: %s", err);
    }

    if (sysinfo_memory(&hb.ram_total_kb, &hb.ram_used_kb, err, sizeof(err))
        != 0)
    {
        log_warn(&w->log, "heartbeat without memory figures: %s", err);
    }

    hb.active_tasks = w->tasks.active;
    hb.free_slots = w->tasks.accepting ? tasks_free_slots(&w->tasks) : 0;
    hb.draining = !w->tasks.accepting;
    hb.tasks_done = w->tasks.done;

    if (message_put_heartbeat(&s->out, s->peer_max_frame, &hb) != 0) {
        log_error(&w->log, "cannot queue a heartbeat: %s", strerror(errno));
        return -1;
    }

    log_debug(&w->log, "heartbeat: load %.2f, cpu %u%%, ram %" PRIu64 "/%"
              PRIu64 " kB, %u active, %u free, %" PRIu64 " done",
              hb.load1, hb.cpu_percent, hb.ram_used_kb, hb.ram_total_kb,
              hb.active_tasks, hb.free_slots, hb.tasks_done);

    return 0;
}


/*
 * Welcome: the master has us in its registry and may set the heartbeat
 * interval and its frame limit.
 */
static int
session_welcome(struct session *s, const Judge__Welcome *welcome)
{
    struct worker  *w = s->w;

    if (welcome->worker_id[0] != '\0'
        && strcmp(welcome->worker_id, w->cfg.id) != 0)
    {
        log_warn(&w->log, "master welcomed \"%s\", this worker is \"%s\"",
                 welcome->worker_id, w->cfg.id);
    }

    if (welcome->heartbeat_interval_ms != 0) {
        s->heartbeat_ms = welcome->heartbeat_interval_ms < 100
                          ? 100 : welcome->heartbeat_interval_ms;

        if (conn_keepalive(&s->conn, s->heartbeat_ms) != 0) {
            log_warn(&w->log, "%s", s->conn.err);
        }
    }

    if (welcome->max_frame_size != 0) {
        s->peer_max_frame = welcome->max_frame_size;
    }

    s->welcomed = true;

    log_info(&w->log, "registered with %s as \"%s\": %u slot(s), heartbeat "
             "every %u ms", s->fe->text, w->cfg.id, w->tasks.n_slots,
             s->heartbeat_ms);

    /* the first heartbeat right away: the master learns the load now */
    s->next_heartbeat = now_ms() + s->heartbeat_ms;

    return session_heartbeat(s);
}


/*
 * Acts on a command that is not a task.  Returns 0 to go on, -1 when the
 * stream must be dropped (s->end says how to go on).
 */
static int
session_control(struct session *s, const Judge__MasterCommand *cmd)
{
    struct worker  *w = s->w;
    unsigned        n;
    char            reason[128];

    switch (cmd->body_case) {

    case JUDGE__MASTER_COMMAND__BODY_WELCOME:
        return session_welcome(s, cmd->welcome);

    case JUDGE__MASTER_COMMAND__BODY_CANCEL:
        n = tasks_cancel(&w->tasks, cmd->cancel->job_id,
                         cmd->cancel->task_id);
        log_info(&w->log, "cancel %s/%" PRIu64 ": %u task(s) cancelled",
                 cmd->cancel->job_id, cmd->cancel->task_id, n);
        return 0;

    case JUDGE__MASTER_COMMAND__BODY_DATA:
        tasks_data(&w->tasks, cmd->data, &w->log);
        return 0;

    case JUDGE__MASTER_COMMAND__BODY_DRAIN:
        log_info(&w->log, "master asks to drain (%s), then %s",
                 cmd->drain->reason,
                 cmd->drain->reconnect ? "reconnect" : "stay away");

        if (s->state == STATE_ACTIVE) {
            snprintf(reason, sizeof(reason), "drained by the master: %s",
                     cmd->drain->reason);
            session_drain(s, cmd->drain->reconnect ? SESSION_RECONNECT
                                                   : SESSION_EXIT, reason);
        }
        return 0;

    case JUDGE__MASTER_COMMAND__BODY_SHUTDOWN:
        log_info(&w->log, "master closes the stream (%s), then %s",
                 cmd->shutdown->reason,
                 cmd->shutdown->reconnect ? "reconnect" : "stay away");
        s->end = cmd->shutdown->reconnect ? SESSION_RECONNECT : SESSION_EXIT;
        return -1;

    default:
        /* a newer master's command: ignoring it keeps old workers usable */
        log_debug(&w->log, "ignoring a command this worker does not know");
        return 0;
    }
}


/*
 * Acts on one command from the master and frees it (a task goes to the
 * executor, which frees it when done).  Returns 0 to go on, -1 when the
 * stream must be dropped (s->end says how to go on).
 */
static int
session_command(struct session *s, Judge__MasterCommand *cmd)
{
    struct worker  *w = s->w;
    int             rc;

    log_debug(&w->log, "command %s", message_command_name(cmd));

    if (cmd->body_case == JUDGE__MASTER_COMMAND__BODY_COMPILE
        || cmd->body_case == JUDGE__MASTER_COMMAND__BODY_EXECUTE_BATCH)
    {
        if (tasks_dispatch(&w->tasks, cmd, &w->log) != 0) {
            log_error(&w->log, "cannot take a task: out of memory");
            s->end = SESSION_FAILED;
            return -1;
        }
        return 0;
    }

    rc = session_control(s, cmd);
    message_free(cmd);

    return rc;
}


/*
 * Reads what the socket has, decodes every whole frame and acts on it.
 * Returns 0 to go on, -1 when the stream must be dropped.
 */
static int
session_read(struct session *s)
{
    struct worker         *w = s->w;
    uint8_t                buf[SESSION_READ_CHUNK];
    const uint8_t         *payload;
    size_t                 len;
    ssize_t                n;
    enum frame_status      st;
    Judge__MasterCommand  *cmd;
    int                    rc;

    for ( ;; ) {
        n = conn_read(&s->conn, buf, sizeof(buf));

        if (n == CONN_AGAIN) {
            return 0;
        }

        if (n == 0) {
            log_warn(&w->log, "master %s closed the stream", s->fe->text);
            s->end = SESSION_FAILED;
            return -1;
        }

        if (n < 0) {
            log_warn(&w->log, "stream read failed: %s", s->conn.err);
            s->end = SESSION_FAILED;
            return -1;
        }

        if (frame_reader_feed(&s->in, buf, (size_t) n) != FRAME_OK) {
            log_error(&w->log, "out of memory buffering frames");
            s->end = SESSION_FAILED;
            return -1;
        }

        while ((st = frame_reader_next(&s->in, &payload, &len)) == FRAME_OK) {
            cmd = message_decode(payload, len);

            if (cmd == NULL) {
                log_error(&w->log, "undecodable frame of %zu bytes from the "
                          "master", len);
                s->end = SESSION_FAILED;
                return -1;
            }

            rc = session_command(s, cmd);

            if (rc != 0) {
                return -1;
            }

            if (s->state == STATE_CLOSING) {
                return 0;
            }
        }

        if (st == FRAME_TOO_BIG) {
            log_error(&w->log, "frame of %zu bytes from the master exceeds "
                      "--max-frame %zu", frame_reader_pending_length(&s->in),
                      s->in.max_frame);
            s->end = SESSION_FAILED;
            return -1;
        }
    }
}


/*
 * Writes queued frames until done or the socket is full.  Returns 0, or
 * -1 when the stream failed.
 */
static int
session_flush(struct session *s)
{
    ssize_t  n;

    while (frame_writer_pending(&s->out) > 0) {
        n = conn_write(&s->conn, frame_writer_data(&s->out),
                       frame_writer_pending(&s->out));

        if (n == CONN_AGAIN) {
            return 0;
        }

        if (n < 0) {
            log_warn(&s->w->log, "stream write failed: %s", s->conn.err);
            s->end = SESSION_FAILED;
            return -1;
        }

        frame_writer_consume(&s->out, (size_t) n);
    }

    return 0;
}


/*
 * Queues one task result.  One over the master's frame limit cannot go
 * as it is (the master would close the stream), and dropping it would
 * leave its task waiting on the master; it is remade to fit instead
 * (message_fit_result(): a compile's artifact left out and CE, a test's
 * output cut), and the cut is logged.  A compile's artifact the master
 * was not given is forgotten too, so that no later Register lists it.
 * A chunk of live output (up to 16 KiB of data) over a small limit goes
 * in several frames instead (message_put_output()), nothing cut.
 */
static void
session_send_result(struct session *s, const struct task_result *r)
{
    struct worker       *w = s->w;
    struct message_fit   fit;

    if (frame_writer_put_packed(&s->out, r->payload, r->len,
                                s->peer_max_frame) == 0)
    {
        return;
    }

    if (errno != EMSGSIZE) {
        log_error(&w->log, "cannot queue a task result of %zu bytes: %s",
                  r->len, strerror(errno));
        return;
    }

    if (message_put_output(&s->out, r->payload, r->len, s->peer_max_frame)
        == 0)
    {
        return;
    }

    if (errno != EINVAL) {
        log_error(&w->log, "cannot queue an OutputChunk of %zu bytes in "
                  "frames of at most %zu: %s", r->len, s->peer_max_frame,
                  strerror(errno));
        return;
    }

    if (message_fit_result(r->payload, r->len, s->peer_max_frame, &fit)
        != 0)
    {
        log_error(&w->log, "%s is %zu bytes, over the master's frame limit "
                  "of %zu, and cannot be cut to fit: %s", fit.label, r->len,
                  s->peer_max_frame, strerror(errno));
        return;
    }

    if (frame_writer_put_packed(&s->out, fit.payload, fit.len,
                                s->peer_max_frame) != 0)
    {
        log_error(&w->log, "cannot queue a task result of %zu bytes: %s",
                  fit.len, strerror(errno));

    } else {
        log_warn(&w->log, "%s is %zu bytes, over the master's frame limit "
                 "of %zu: %s; %zu bytes sent", fit.label, r->len,
                 s->peer_max_frame, fit.what, fit.len);

        if (fit.dropped_artifact[0] != '\0') {
            tasks_forget_artifact(&w->tasks, fit.dropped_artifact);
        }
    }

    free(fit.payload);
}


/*
 * Queues the results of finished tasks, in the order they were made.
 */
static void
session_results(struct session *s)
{
    struct worker       *w = s->w;
    struct task_result  *r, *next;

    for (r = tasks_collect(&w->tasks, &w->log); r != NULL; r = next) {
        next = r->next;

        if (s->state != STATE_CLOSING) {
            session_send_result(s, r);
        }

        task_result_free(r);
    }
}


/*
 * Queues Register with the hashes of the artifacts this worker holds,
 * most recently used first, so that after a reconnect the master does
 * not send them again.  Returns 0 or -1 with errno set.
 */
static int
session_register(struct session *s)
{
    struct worker  *w = s->w;
    char          **cached;
    size_t          n;
    int             rc, saved;

    cached = tasks_artifact_keys(&w->tasks, SESSION_REGISTER_ARTIFACTS, &n);
    if (cached == NULL) {
        errno = ENOMEM;
        return -1;
    }

    rc = message_put_register(&s->out, s->peer_max_frame, &w->cfg,
                              &w->languages, &w->host, cached, n);
    saved = errno;

    free(cached);
    errno = saved;

    return rc;
}


/*
 * The poll() timeout until the next timer: the closing or Welcome
 * deadline while there is one, else the heartbeat; the drain deadline
 * or a test file fetch's when it comes first.
 */
static int
session_timeout(const struct session *s, int64_t now)
{
    int64_t  at;

    at = s->state == STATE_CLOSING || !s->welcomed ? s->deadline
                                                   : s->next_heartbeat;

    if (s->state == STATE_DRAINING && s->drain_deadline < at) {
        at = s->drain_deadline;
    }

    if (s->state != STATE_CLOSING
        && tasks_fetch_deadline(&s->w->tasks) < at)
    {
        at = tasks_fetch_deadline(&s->w->tasks);
    }

    return at <= now ? 0 : (int) (at - now);
}


/*
 * Runs the timers and the drain check.  Returns 0 to go on, -1 when the
 * stream ends now.
 */
static int
session_tick(struct session *s)
{
    struct worker  *w = s->w;
    int64_t         now;

    now = now_ms();

    if (s->state == STATE_CLOSING) {
        if (frame_writer_pending(&s->out) == 0) {
            return -1;
        }

        if (now >= s->deadline) {
            log_warn(&w->log, "closing with %zu bytes unsent",
                     frame_writer_pending(&s->out));
            return -1;
        }

        return 0;
    }

    tasks_expire_fetches(&w->tasks, now, &w->log);

    if (!s->welcomed && now >= s->deadline) {
        log_error(&w->log, "no Welcome from the master within %d ms",
                  SESSION_WELCOME_TIMEOUT);
        s->end = SESSION_FAILED;
        return -1;
    }

    if (s->state == STATE_DRAINING && w->tasks.active == 0) {
        log_info(&w->log, "drained");
        session_close(s, s->end, true);
        return 0;
    }

    if (s->state == STATE_DRAINING && now >= s->drain_deadline) {
        session_drain_expired(s);
        return 0;
    }

    if (s->welcomed && now >= s->next_heartbeat) {
        s->next_heartbeat = now + s->heartbeat_ms;

        if (session_heartbeat(s) != 0) {
            s->end = SESSION_FAILED;
            return -1;
        }
    }

    return 0;
}


/*
 * The loop of a connected stream.  Returns when it ends; s->end says how.
 */
static void
session_loop(struct session *s)
{
    struct worker  *w = s->w;
    struct pollfd   pfd[3];
    int             n;

    for ( ;; ) {
        session_check_stop(s);

        if (session_tick(s) != 0 || session_flush(s) != 0) {
            return;
        }

        if (s->state == STATE_CLOSING && frame_writer_pending(&s->out) == 0) {
            return;
        }

        pfd[0].fd = s->conn.fd;
        pfd[0].events = s->state == STATE_CLOSING ? 0 : s->conn.read_wait;
        if (frame_writer_pending(&s->out) > 0) {
            pfd[0].events |= s->conn.write_wait;
        }
        pfd[1].fd = w->signal_fd;
        pfd[1].events = POLLIN;
        pfd[2].fd = w->tasks.event_fd;
        pfd[2].events = POLLIN;

        n = poll(pfd, 3, session_timeout(s, now_ms()));

        if (n == -1) {
            if (errno == EINTR) {
                continue;
            }
            log_error(&w->log, "poll() failed: %s", strerror(errno));
            s->end = SESSION_FAILED;
            return;
        }

        if (pfd[1].revents != 0) {
            worker_take_signals(w);
        }

        if (pfd[2].revents != 0) {
            session_results(s);
        }

        if (pfd[0].revents != 0 && s->state != STATE_CLOSING
            && session_read(s) != 0)
        {
            return;
        }

        if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)
            && s->state == STATE_CLOSING)
        {
            log_warn(&w->log, "stream failed while closing");
            return;
        }
    }
}


/*
 * Dials frontend "fe" and runs one stream until it ends.  "*lived_ms"
 * gets how long the stream was up (0 if it never was), for the backoff.
 * Coming up on another frontend than the last stream's is logged as a
 * move from that one.
 */
enum session_end
session_run(struct worker *w, const struct frontend *fe, int64_t *lived_ms)
{
    struct session  s;
    int64_t         started;

    memset(&s, 0, sizeof(s));
    s.w = w;
    s.fe = fe;
    s.end = SESSION_FAILED;
    s.state = STATE_ACTIVE;
    s.heartbeat_ms = w->cfg.heartbeat_ms;
    s.peer_max_frame = w->cfg.max_frame;
    s.stops_seen = w->stop_requests;
    *lived_ms = 0;

    if (session_dial(&s) != 0) {
        return SESSION_FAILED;
    }

    started = now_ms();

    if (w->connected_to != NULL && w->connected_to != fe) {
        log_info(&w->log, "moved from master %s to %s",
                 w->connected_to->text, fe->text);
    } else {
        log_info(&w->log, "connected to %s", fe->text);
    }

    w->connected_to = fe;

    frame_reader_init(&s.in, w->cfg.max_frame);
    frame_writer_init(&s.out);
    w->tasks.accepting = true;

    if (conn_keepalive(&s.conn, s.heartbeat_ms) != 0) {
        log_warn(&w->log, "%s", s.conn.err);
    }

    if (session_register(&s) != 0) {
        log_error(&w->log, "cannot build Register: %s", strerror(errno));

    } else {
        s.deadline = started + SESSION_WELCOME_TIMEOUT;

        /* frames that came with the 101 are read first: poll() cannot
         * announce them, they are no longer in the socket */
        if (s.conn.readahead_len == 0 || session_read(&s) == 0) {
            session_loop(&s);
        }
    }

    conn_close(&s.conn);
    frame_reader_free(&s.in);
    frame_writer_free(&s.out);
    w->tasks.accepting = false;
    tasks_end_session(&w->tasks);

    *lived_ms = now_ms() - started;

    return s.end;
}
