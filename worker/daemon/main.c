/*
 * judge-worker: dials in to an ngx_judge master (nginx with
 * ngx_http_judge_module), registers, heartbeats and runs the tasks it is
 * sent.  main() sets up, then loops: one stream (session.c) at a time,
 * to one of the frontends (frontends.h says which), with jittered
 * exponential backoff between rounds of failed ones.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "conn.h"
#include "session.h"
#include "signals.h"
#include "util.h"
#include "version.h"
#include "worker.h"


#define WORKER_PROBE_TIMEOUT     5000     /* ms per language version probe */
#define WORKER_BACKOFF_BASE      100      /* ms */
#define WORKER_BACKOFF_CAP       10000    /* ms */
#define WORKER_BACKOFF_FLOOR     50       /* ms */
#define WORKER_HEALTHY_STREAM    10000    /* ms up that resets the backoff */
#define WORKER_RECONNECT_MIN     100      /* ms after Shutdown/Drain */
#define WORKER_RECONNECT_SPREAD  900      /* ms of jitter on top */


/*
 * Reads every pending signal: SIGHUP reopens the log at once, SIGTERM and
 * SIGINT are counted for the loops to act on (first: drain and leave,
 * second: leave now).
 */
void
worker_take_signals(struct worker *w)
{
    int   signo;
    char  err[512];

    while ((signo = signals_next(w->signal_fd)) != 0) {
        switch (signo) {

        case SIGHUP:
            if (log_reopen(&w->log, err, sizeof(err)) != 0) {
                log_error(&w->log, "SIGHUP: %s", err);
            } else {
                log_info(&w->log, "SIGHUP: log reopened");
            }
            break;

        case SIGTERM:
        case SIGINT:
            w->stop_requests++;
            log_info(&w->log, "%s received", strsignal(signo));
            break;
        }
    }
}


/*
 * Sleeps "ms" between streams, waking for signals.  Results of tasks that
 * belonged to the lost stream are collected (and dropped) meanwhile.
 * Returns early when a stop is requested.
 */
static void
worker_sleep(struct worker *w, uint32_t ms)
{
    struct pollfd        pfd[2];
    int64_t              deadline, left;
    struct task_result  *r, *next;

    deadline = now_ms() + ms;

    while (w->stop_requests == 0) {
        left = deadline - now_ms();
        if (left <= 0) {
            return;
        }

        pfd[0].fd = w->signal_fd;
        pfd[0].events = POLLIN;
        pfd[1].fd = w->tasks.event_fd;
        pfd[1].events = POLLIN;

        if (poll(pfd, 2, (int) left) == -1) {
            if (errno == EINTR) {
                continue;
            }
            log_error(&w->log, "poll() failed: %s", strerror(errno));
            return;
        }

        if (pfd[0].revents != 0) {
            worker_take_signals(w);
        }

        if (pfd[1].revents != 0) {
            for (r = tasks_collect(&w->tasks, &w->log); r != NULL; r = next) {
                next = r->next;
                task_result_free(r);
            }
        }
    }
}


/*
 * Detaches from the terminal: fork, new session, fork again (so the
 * daemon can never reacquire a controlling terminal), cwd "/", standard
 * descriptors on /dev/null.  The log must already be a file.
 *
 * The original process waits until the daemon reports that it is up (pid
 * file written, signals set up) through "*ready_fd", and exits 0 then, or
 * 1 when the daemon failed first: whoever started the worker gets a
 * meaningful exit status and a pid file that is already there.
 */
static int
daemonize(int *ready_fd, char *err, size_t errlen)
{
    pid_t    pid;
    int      fd, pipefd[2];
    char     c;
    ssize_t  n;

    if (pipe2(pipefd, O_CLOEXEC) == -1) {
        snprintf(err, errlen, "pipe2() failed: %s", strerror(errno));
        return -1;
    }

    pid = fork();
    if (pid == -1) {
        snprintf(err, errlen, "fork() failed: %s", strerror(errno));
        return -1;
    }

    if (pid > 0) {
        (void) close(pipefd[1]);

        do {
            n = read(pipefd[0], &c, 1);
        } while (n == -1 && errno == EINTR);

        if (n != 1) {
            fprintf(stderr, "judge-worker: failed to start, see the log\n");
        }

        _exit(n == 1 ? 0 : 1);
    }

    (void) close(pipefd[0]);

    if (setsid() == -1) {
        snprintf(err, errlen, "setsid() failed: %s", strerror(errno));
        return -1;
    }

    pid = fork();
    if (pid == -1) {
        snprintf(err, errlen, "fork() failed: %s", strerror(errno));
        return -1;
    }

    if (pid > 0) {
        _exit(0);
    }

    if (chdir("/") == -1) {
        snprintf(err, errlen, "chdir(\"/\") failed: %s", strerror(errno));
        return -1;
    }

    fd = open("/dev/null", O_RDWR);
    if (fd == -1) {
        snprintf(err, errlen, "cannot open /dev/null: %s", strerror(errno));
        return -1;
    }

    if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1
        || dup2(fd, STDERR_FILENO) == -1)
    {
        snprintf(err, errlen, "dup2() failed: %s", strerror(errno));
        (void) close(fd);
        return -1;
    }

    if (fd > STDERR_FILENO) {
        (void) close(fd);
    }

    *ready_fd = pipefd[1];

    return 0;
}


/*
 * Tells the waiting parent (see daemonize()) that the daemon is up.
 */
static void
daemon_ready(struct worker *w, int ready_fd)
{
    char     c = 1;
    ssize_t  n;

    do {
        n = write(ready_fd, &c, 1);
    } while (n == -1 && errno == EINTR);

    if (n != 1) {
        log_warn(&w->log, "cannot tell the starting process we are up: %s",
                 strerror(errno));
    }

    if (close(ready_fd) == -1) {
        log_warn(&w->log, "close() of the start-up pipe failed: %s",
                 strerror(errno));
    }
}


/*
 * Writes the pid file (written whole, then renamed into place).
 */
static int
pid_file_write(const char *path, char *err, size_t errlen)
{
    char  tmp[4096];
    FILE *f;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int) sizeof(tmp)) {
        snprintf(err, errlen, "pid file path too long");
        return -1;
    }

    f = fopen(tmp, "we");
    if (f == NULL) {
        snprintf(err, errlen, "cannot write pid file \"%s.tmp\": %s", path,
                 strerror(errno));
        return -1;
    }

    if (fprintf(f, "%d\n", (int) getpid()) < 0) {
        snprintf(err, errlen, "cannot write pid file \"%s.tmp\": %s", path,
                 strerror(errno));
        (void) fclose(f);
        (void) unlink(tmp);
        return -1;
    }

    if (fclose(f) != 0 || rename(tmp, path) == -1) {
        snprintf(err, errlen, "cannot write pid file \"%s\": %s", path,
                 strerror(errno));
        (void) unlink(tmp);
        return -1;
    }

    return 0;
}


/*
 * Probes the languages: those whose toolchain answers are offered (and a
 * worker offering a compiled one compiles, see message.c).
 */
static int
worker_languages(struct worker *w, char *err, size_t errlen)
{
    size_t  i, offered;

    if (languages_load(&w->languages, w->cfg.languages, err, errlen) != 0) {
        return -1;
    }

    languages_probe(&w->languages, &w->log, WORKER_PROBE_TIMEOUT);

    offered = 0;

    for (i = 0; i < w->languages.n; i++) {
        if (w->languages.items[i].version != NULL) {
            offered++;
        }
    }

    if (offered == 0) {
        log_warn(&w->log, "no language of %s has its toolchain on this host",
                 w->cfg.languages);
    }

    return 0;
}


/*
 * True when one of the frontends is dialled over TLS.
 */
static bool
worker_uses_tls(const struct worker *w)
{
    size_t  i;

    for (i = 0; i < w->cfg.n_frontends; i++) {
        if (w->cfg.frontends[i].url.tls) {
            return true;
        }
    }

    return false;
}


/*
 * The docker backend's pools log through the worker's log, from their
 * own thread too.
 */
static void
worker_docker_log(void *data, int error, const char *msg)
{
    struct worker  *w = data;

    if (error) {
        log_error(&w->log, "%s", msg);
    } else {
        log_info(&w->log, "%s", msg);
    }
}


/*
 * --backend docker: the warm containers, labelled with this host and
 * state dir, so that a worker restarted there removes what its killed
 * predecessor left.  The state dir is named as realpath() resolves it
 * (once it exists), so that "/x/", "/x" and a symbolic link to it are
 * one owner.  Opened after the fork to the background: the pools have
 * a thread.
 */
static int
worker_docker(struct worker *w, char *err, size_t errlen)
{
    docker_config_t  dc;
    char             owner[PATH_MAX + 300], dir[PATH_MAX];

    snprintf(owner, sizeof(owner), "%s:%s", w->host.hostname,
             realpath(w->cfg.state_dir, dir) != NULL ? dir
                                                     : w->cfg.state_dir);

    memset(&dc, 0, sizeof(dc));
    dc.socket_path = w->cfg.docker_socket;
    dc.image = w->cfg.docker_image;
    dc.owner = owner;
    dc.wrapper = w->cfg.docker_wrapper;
    dc.runners = w->cfg.slots;
    dc.builders = w->cfg.docker_builders;
    dc.uses = w->cfg.docker_uses;
    dc.idle_s = (w->cfg.docker_idle_ms + 999) / 1000;
    dc.timeout_ms = DOCKER_DEFAULT_TIMEOUT;
    dc.log = worker_docker_log;
    dc.log_data = w;

    w->docker = docker_open(&dc, err, errlen);
    return w->docker != NULL ? 0 : -1;
}


/*
 * Everything before the first dial, in an order that reports errors on
 * the terminal while there still is one.
 */
static int
worker_setup(struct worker *w, char *err, size_t errlen)
{
    int   ready_fd = -1;
    char  data_dir[PATH_MAX];

    if (!w->cfg.foreground && w->cfg.log_file == NULL) {
        w->cfg.log_file = strdup(CONFIG_DAEMON_LOG);
        if (w->cfg.log_file == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }

    if (log_open(&w->log, w->cfg.log_file,
                 w->cfg.verbose > 0 ? LOG_DEBUG : LOG_INFO, err, errlen) != 0)
    {
        return -1;
    }

    log_info(&w->log, "judge-worker %s starting: id \"%s\", %u slot(s), "
             "ABI %s, master %s", JUDGE_WORKER_VERSION, w->cfg.id,
             w->cfg.slots, w->cfg.abi, w->cfg.master);

    if (sysinfo_host(&w->host, err, errlen) != 0) {
        return -1;
    }

    if (sysinfo_cpu(&w->cpu_prev, err, errlen) != 0) {
        return -1;
    }

    if (worker_languages(w, err, errlen) != 0) {
        return -1;
    }

    if (worker_uses_tls(w)) {
        w->tls = conn_tls_context(w->cfg.ca_file, !w->cfg.insecure, err,
                                  errlen);
        if (w->tls == NULL) {
            return -1;
        }

        if (w->cfg.insecure) {
            log_warn(&w->log, "--insecure: the master's certificate is not "
                     "verified");
        }
    }

    if (!w->cfg.foreground && daemonize(&ready_fd, err, errlen) != 0) {
        return -1;
    }

    if (w->cfg.pid_file != NULL
        && pid_file_write(w->cfg.pid_file, err, errlen) != 0)
    {
        return -1;
    }

    w->signal_fd = signals_open(err, errlen);
    if (w->signal_fd == -1) {
        return -1;
    }

    if (snprintf(data_dir, sizeof(data_dir), "%s/data", w->cfg.state_dir)
        >= (int) sizeof(data_dir))
    {
        snprintf(err, errlen, "state dir path too long");
        return -1;
    }

    if (w->cfg.backend != NULL && strcmp(w->cfg.backend, "docker") == 0
        && worker_docker(w, err, errlen) != 0)
    {
        return -1;
    }

    if (tasks_init(&w->tasks, w->cfg.slots, &w->languages, data_dir,
                   w->cfg.data_cache_size,
                   w->docker != NULL ? &docker_backend : NULL, w->docker,
                   &w->log, err, errlen) != 0)
    {
        return -1;
    }

    backoff_init(&w->backoff, WORKER_BACKOFF_BASE, WORKER_BACKOFF_CAP,
                 WORKER_BACKOFF_FLOOR);
    rotation_init(&w->rotation, w->cfg.n_frontends);

    if (ready_fd != -1) {
        daemon_ready(w, ready_fd);
    }

    return 0;
}


/*
 * One stream after another until told to stop.  A master that asks the
 * worker to reconnect is dialled again after a short pause; a failed
 * stream sends the worker on to the next frontend at once, and only a
 * round of failures (every frontend in turn) waits for the backoff.  A
 * stream that stayed up long enough starts the backoff and the round
 * over.
 */
static void
worker_loop(struct worker *w)
{
    enum session_end  end;
    int64_t           lived;
    uint32_t          delay;

    while (w->stop_requests == 0) {
        end = session_run(w, &w->cfg.frontends[w->rotation.current], &lived);

        if (end == SESSION_EXIT || w->stop_requests > 0) {
            return;
        }

        if (end == SESSION_RECONNECT) {
            backoff_reset(&w->backoff);
            rotation_settled(&w->rotation);
            delay = WORKER_RECONNECT_MIN
                    + (uint32_t) (random_u64() % WORKER_RECONNECT_SPREAD);

        } else {
            if (lived > WORKER_HEALTHY_STREAM) {
                backoff_reset(&w->backoff);
                rotation_settled(&w->rotation);
            }

            if (!rotation_failed(&w->rotation)) {
                log_info(&w->log, "trying the next master, %s",
                         w->cfg.frontends[w->rotation.current].text);
                continue;
            }

            delay = backoff_next(&w->backoff, random_u64());
        }

        log_info(&w->log, "reconnecting in %u ms", delay);
        worker_sleep(w, delay);
    }
}


/*
 * Exit status: 0 after a clean stop (signal, or the master said stay
 * away), 1 when the configuration or start-up failed.
 */
int
main(int argc, char **argv)
{
    struct worker  w;
    char           err[1024];
    int            status;

    memset(&w, 0, sizeof(w));
    w.signal_fd = -1;
    w.log.fd = STDERR_FILENO;
    w.log.level = LOG_INFO;
    w.tasks.event_fd = -1;
    config_init(&w.cfg);

    switch (config_parse_args(&w.cfg, argc, argv, err, sizeof(err))) {

    case CONFIG_HELP:
        config_usage(stdout, argv[0]);
        config_free(&w.cfg);
        return 0;

    case CONFIG_VERSION:
        printf("judge-worker %s\n", JUDGE_WORKER_VERSION);
        config_free(&w.cfg);
        return 0;

    case CONFIG_ERROR:
        fprintf(stderr, "judge-worker: %s (see --help)\n", err);
        config_free(&w.cfg);
        return 1;

    case CONFIG_RUN:
        break;
    }

    status = 0;

    if (config_finish(&w.cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "judge-worker: %s\n", err);
        status = 1;

    } else if (worker_setup(&w, err, sizeof(err)) != 0) {
        log_error(&w.log, "%s", err);
        if (w.log.path != NULL && w.cfg.foreground) {
            fprintf(stderr, "judge-worker: %s\n", err);
        }
        status = 1;

    } else {
        worker_loop(&w);
        log_info(&w.log, "judge-worker exits");
    }

    if (w.cfg.pid_file != NULL && status == 0 && unlink(w.cfg.pid_file) == -1)
    {
        log_warn(&w.log, "cannot remove pid file \"%s\": %s",
                 w.cfg.pid_file, strerror(errno));
    }

    if (w.tasks.executor != NULL) {
        tasks_free(&w.tasks);
    }

    docker_close(w.docker);

    if (w.signal_fd != -1) {
        (void) close(w.signal_fd);
    }

    SSL_CTX_free(w.tls);
    languages_free(&w.languages);
    log_close(&w.log);
    config_free(&w.cfg);

    return status;
}
