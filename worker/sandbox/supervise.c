/*
 * supervise.c: the supervisor's side of one run, in the caller's thread.
 *
 * One ppoll() loop over init's control socket and the program's stdout and
 * stderr pipes, with a timeout that is the earliest of:
 *
 *   - the wall deadline (WLE);
 *   - the next CPU check.  CPU is checked against the whole tree's counter
 *     (cgroup cpuacct.usage or cpu.stat): the tree cannot burn more than
 *     ncpu seconds per second, so the earliest moment it could reach the
 *     limit is now + remaining / ncpu.  Sleep exactly that long, read,
 *     repeat with the shrinking remainder (at least 1 ms apart).  A
 *     program that blocks costs a handful of wake-ups; one that spins is
 *     caught within about ncpu ms of CPU past its limit.  Nothing polls
 *     at a fixed rate.
 *
 * Output beyond the limit ends the run (OLE), and so does a sandbox_kill()
 * from another thread: its eventfd is polled with the pipes.  Every kill
 * is a single ABORT to init, which kills the whole namespace and answers
 * DONE.
 *
 * A run with a live output hook gives it each range read from a pipe at
 * once, and wakes when the hook asked for a call, at the latest after
 * SANDBOX_OUTPUT_TICK_MS, so that it can pass on what it holds while the
 * program is quiet.  Without a hook none of that happens.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"


#define SBX_ABORT_GRACE_NS  (5ull * 1000000000ull)  /* init must answer */


/* Without a CPU cgroup: sum utime+stime (+ waited-for children) over
 * init's children from /proc (10 ms ticks, misses running grandchildren). */
static int
sbx_proc_cpu_ns(pid_t init_pid, uint64_t *ns)
{
    char      path[96], buf[4096], stat[1024];
    char     *p, *end, *rp;
    int       fd, n, k;
    long      pid;
    uint64_t  sum = 0, v;
    long      tick = sysconf(_SC_CLK_TCK);

    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int) init_pid,
             (int) init_pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    n = sbx_read_text(fd, buf, sizeof(buf));
    close(fd);
    if (n < 0) {
        return -1;
    }

    for (p = buf; *p; p = end) {
        pid = strtol(p, &end, 10);
        if (end == p) {
            break;
        }
        snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        k = sbx_read_text(fd, stat, sizeof(stat));
        close(fd);
        if (k <= 0 || (rp = strrchr(stat, ')')) == NULL) {
            continue;
        }
        /* fields after ")": state is 3; utime..cstime are 14..17 */
        {
            int    field = 2;
            char  *q = rp + 1;
            while (*q && field < 14) {
                if (*q++ == ' ') {
                    field++;
                }
            }
            for (field = 14; field <= 17; field++) {
                v = strtoull(q, &q, 10);
                sum += v;
            }
        }
    }

    *ns = sum * (1000000000ull / (uint64_t) tick);
    return 0;
}


static int
sbx_tree_cpu_ns(sandbox_t *sb, uint64_t *ns)
{
    if (sb->cg.cpu_usage_fd >= 0) {
        return sbx_cgroup_cpu_ns(sb, ns);
    }
    return sbx_proc_cpu_ns(sb->init_pid, ns);
}


/*
 * Reads what a pipe has.  Keeps up to limit bytes; past it, flags the
 * stream truncated and returns 1 (the run must end).  Returns -1 on EOF.
 */
static int
sbx_drain(int fd, char **buf, size_t *len, size_t *cap, size_t limit,
    int *truncated)
{
    char     tmp[65536];
    ssize_t  n;
    size_t   keep, ncap;
    char    *nb;

    for ( ;; ) {
        n = read(fd, tmp, sizeof(tmp));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 0;                       /* EAGAIN */
        }
        if (n == 0) {
            return -1;
        }

        keep = (size_t) n;
        if (*len + keep > limit) {
            keep = limit - *len;
            *truncated = 1;
        }
        if (keep > 0) {
            if (*len + keep + 1 > *cap) {
                ncap = *cap ? *cap : 4096;
                while (ncap < *len + keep + 1) {
                    ncap *= 2;
                }
                nb = realloc(*buf, ncap);
                if (nb == NULL) {
                    *truncated = 1;
                    return 1;
                }
                *buf = nb;
                *cap = ncap;
            }
            memcpy(*buf + *len, tmp, keep);
            *len += keep;
        }
        if (*truncated) {
            return 1;
        }
    }
}


/*
 * Calls the live output hook with what the last read added to "stream"
 * (from byte "from" on), or with nothing (stream 0) when it asked for a
 * call, and keeps when it wants the next one in "*at".
 */
static void
sbx_output(sbx_watch_t *w, unsigned stream, size_t from, uint64_t *at)
{
    const char  *buf;
    size_t       len;
    int          ms;

    buf = stream == SANDBOX_STDOUT ? w->out
          : stream == SANDBOX_STDERR ? w->err : NULL;
    len = stream == SANDBOX_STDOUT ? w->out_len
          : stream == SANDBOX_STDERR ? w->err_len : 0;

    if (stream != 0 && len == from) {
        return;
    }

    /* a stream nothing was read from has no buffer to point into */
    ms = w->output(w->output_data, stream, buf != NULL ? buf + from : NULL,
                   len - from);
    if (ms < 0 || ms > SANDBOX_OUTPUT_TICK_MS) {
        ms = SANDBOX_OUTPUT_TICK_MS;
    }

    *at = sbx_now_ns() + (uint64_t) ms * 1000000ull;
}


static void
sbx_abort(sandbox_t *sb, sbx_watch_t *w, sandbox_status_t why,
    uint64_t *abort_at)
{
    sbx_run_msg_t  a;

    if (w->kill_reason != SANDBOX_OK) {
        return;
    }
    w->kill_reason = why;
    sbx_cgroup_kill(sb);
    memset(&a, 0, sizeof(a));
    a.type = SBX_MSG_ABORT;
    (void) sbx_send(sb->ctl, &a, sizeof(a), NULL, 0);
    *abort_at = sbx_now_ns();
}


/* Whether a sandbox_kill() waits to be cleared. */
int
sbx_kill_pending(const sandbox_t *sb)
{
    struct pollfd  pfd;

    pfd.fd = sb->kill_fd;
    pfd.events = POLLIN;

    return poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}


int
sbx_supervise(sandbox_t *sb, const sandbox_limits_t *lim, int out_r,
    int err_r, sbx_watch_t *w, sbx_err_t *err)
{
    struct pollfd    pfd[4];
    struct timespec  ts;
    uint64_t         start, now, wall_deadline, next_check, wake, used;
    uint64_t         cpu_limit, abort_at = 0, step, output_at;
    uint32_t         npar;
    size_t           out_limit = lim->output_kb * 1024, from;
    int              got_done = 0, k, i, nfds;
    ssize_t          n;

    start = sbx_now_ns();
    wall_deadline = start + lim->wall_time_ms * 1000000ull;
    cpu_limit = lim->cpu_time_ms * 1000000ull;
    npar = (uint32_t) sb->ncpus;
    if (lim->processes < npar) {
        npar = lim->processes;
    }
    if (npar == 0) {
        npar = 1;
    }
    next_check = start + cpu_limit / npar;
    output_at = start + SANDBOX_OUTPUT_TICK_MS * 1000000ull;

    while (!got_done) {
        now = sbx_now_ns();

        if (w->output != NULL && now >= output_at) {
            sbx_output(w, 0, 0, &output_at);
        }

        if (w->kill_reason == SANDBOX_OK) {
            if (now >= wall_deadline) {
                sbx_abort(sb, w, SANDBOX_WLE, &abort_at);

            } else if (now >= next_check) {
                if (sbx_tree_cpu_ns(sb, &used) < 0) {
                    used = 0;
                }
                if (used >= cpu_limit) {
                    w->cpu_at_kill_ns = used;
                    sbx_abort(sb, w, SANDBOX_TLE, &abort_at);
                } else {
                    step = (cpu_limit - used) / npar;
                    if (step < 1000000) {
                        step = 1000000;
                    }
                    next_check = now + step;
                }
            }
        } else if (now - abort_at > SBX_ABORT_GRACE_NS) {
            return sbx_fail(err, 0, "sandbox init did not answer an abort");
        }

        if (w->kill_reason == SANDBOX_OK) {
            wake = next_check < wall_deadline ? next_check : wall_deadline;
        } else {
            wake = abort_at + SBX_ABORT_GRACE_NS;
        }
        if (w->output != NULL && output_at < wake) {
            wake = output_at;
        }
        wake = wake > now ? wake - now : 0;
        ts.tv_sec = wake / 1000000000ull;
        ts.tv_nsec = wake % 1000000000ull;

        pfd[0].fd = sb->ctl;
        pfd[0].events = POLLIN;
        pfd[1].fd = out_r;
        pfd[1].events = POLLIN;
        pfd[2].fd = err_r;
        pfd[2].events = POLLIN;
        /* the request stays readable: watched only until it is acted on */
        pfd[3].fd = w->kill_reason == SANDBOX_OK ? sb->kill_fd : -1;
        pfd[3].events = POLLIN;

        k = ppoll(pfd, 4, &ts, NULL);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return sbx_fail(err, errno, "ppoll");
        }
        if (k == 0) {
            continue;
        }

        if (pfd[3].revents) {
            sbx_abort(sb, w, SBX_KILL_REQUESTED, &abort_at);
        }

        if (pfd[1].revents) {
            from = w->out_len;
            k = sbx_drain(out_r, &w->out, &w->out_len, &w->out_cap, out_limit,
                          &w->out_truncated);
            if (w->output != NULL) {
                sbx_output(w, SANDBOX_STDOUT, from, &output_at);
            }
            if (k == 1) {
                sbx_abort(sb, w, SANDBOX_OLE, &abort_at);
            }
            if (k != 0) {
                out_r = -1;                 /* EOF or done with it */
            }
        }
        if (pfd[2].revents) {
            from = w->err_len;
            k = sbx_drain(err_r, &w->err, &w->err_len, &w->err_cap, out_limit,
                          &w->err_truncated);
            if (w->output != NULL) {
                sbx_output(w, SANDBOX_STDERR, from, &output_at);
            }
            if (k == 1) {
                sbx_abort(sb, w, SANDBOX_OLE, &abort_at);
            }
            if (k != 0) {
                err_r = -1;
            }
        }

        if (pfd[0].revents) {
            nfds = 0;
            n = sbx_recv(sb->ctl, &w->done, sizeof(w->done), w->collected_fds,
                         &nfds, SBX_MAX_COLLECT);
            w->ncollected = nfds;
            if (n <= 0) {
                return sbx_fail(err, n < 0 ? errno : 0,
                                "sandbox init exited during a run");
            }
            if (n != sizeof(w->done) || w->done.type != SBX_MSG_DONE) {
                for (i = 0; i < nfds; i++) {
                    close(w->collected_fds[i]);
                }
                w->ncollected = 0;
                return sbx_fail(err, 0, "sandbox init: protocol error");
            }
            got_done = 1;
        }
    }

    w->wall_ns = sbx_now_ns() - start;

    /*
     * Every writer is dead now: take what is left in the pipes without
     * waiting for EOF (a descriptor parked in a unix socket could delay it).
     */
    if (out_r >= 0) {
        from = w->out_len;
        if (sbx_drain(out_r, &w->out, &w->out_len, &w->out_cap, out_limit,
                      &w->out_truncated) == 1
            && w->kill_reason == SANDBOX_OK)
        {
            w->kill_reason = SANDBOX_OLE;
        }
        if (w->output != NULL) {
            sbx_output(w, SANDBOX_STDOUT, from, &output_at);
        }
    }
    if (err_r >= 0) {
        from = w->err_len;
        if (sbx_drain(err_r, &w->err, &w->err_len, &w->err_cap, out_limit,
                      &w->err_truncated) == 1
            && w->kill_reason == SANDBOX_OK)
        {
            w->kill_reason = SANDBOX_OLE;
        }
        if (w->output != NULL) {
            sbx_output(w, SANDBOX_STDERR, from, &output_at);
        }
    }
    return 0;
}
