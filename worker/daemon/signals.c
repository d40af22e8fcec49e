/*
 * SIGTERM, SIGINT and SIGHUP are blocked and read from a signalfd, so they
 * are handled in the main loop like any other event.  SIGPIPE is ignored:
 * a write to a closed stream must come back as EPIPE, not kill the worker.
 * Children (probes, later the sandbox) reset their mask and dispositions
 * when they start.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "signals.h"


/*
 * Blocks the handled signals and returns a non-blocking signalfd for
 * them, or -1 with the reason in "err".  Call before starting threads so
 * that they inherit the mask.
 */
int
signals_open(char *err, size_t errlen)
{
    sigset_t          set;
    struct sigaction  sa;
    int               fd;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;

    if (sigaction(SIGPIPE, &sa, NULL) == -1) {
        snprintf(err, errlen, "sigaction(SIGPIPE) failed: %s",
                 strerror(errno));
        return -1;
    }

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);

    if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
        snprintf(err, errlen, "sigprocmask() failed: %s", strerror(errno));
        return -1;
    }

    fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd == -1) {
        snprintf(err, errlen, "signalfd() failed: %s", strerror(errno));
        return -1;
    }

    return fd;
}


/*
 * The next pending signal's number, or 0 when none is pending.
 */
int
signals_next(int fd)
{
    struct signalfd_siginfo  si;
    ssize_t                  n;

    do {
        n = read(fd, &si, sizeof(si));
    } while (n == -1 && errno == EINTR);

    if (n != (ssize_t) sizeof(si)) {
        return 0;
    }

    return (int) si.ssi_signo;
}
