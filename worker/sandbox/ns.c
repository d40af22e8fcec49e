/*
 * ns.c: starting an instance's init in fresh namespaces.
 *
 *   worker thread ──fork()──► helper ──unshare(user, mnt, ipc, uts, net,
 *        │                      │      pid)
 *        │  writes uid/gid maps ◄┤ "unshared"
 *        ├─────────────────────►│ "go"
 *        │                      ├──clone(CLONE_PARENT)──► init (PID 1)
 *        │  ◄── init's pid ─────┤ exits          │ builds its root
 *        ├─ reaps the helper; init is now        │
 *        │  the worker's own child; makes the    │
 *        │  cgroup ───── its fds ──────────────► │ joins it
 *        └─ ◄──────────── ready ─────────────────┘
 *
 * Why a helper: fork() is the one safe way to leave a multithreaded worker
 * (glibc resets its locks in the child), and the helper, single-threaded,
 * may then create namespaces.  unshare(CLONE_NEWPID) only affects children,
 * so init is the helper's child, re-parented to the worker at birth with
 * CLONE_PARENT so that the worker can wait for it and no zombie is left to
 * the host's PID 1 (which reaps lazily here).
 *
 * A single-threaded caller (judge-sandbox) needs no helper: it clones init
 * itself with the namespace flags, writes its maps and sends "go", which
 * spares a fork.  The cgroup is made and handed over the same way.
 *
 * The network namespace is created here, once per instance: a new one per
 * run costs about 0.8 ms, and an existing one cannot be joined from inside
 * a new user namespace (EPERM).  It holds only a loopback that is down.
 *
 * Ids: the program runs as uid/gid 1000 inside, mapped to uid_base + slot
 * outside (root) or to the caller's own ids (rootless, the only mapping an
 * unprivileged process may write).  Init's own uid stays unmapped in root
 * mode: it holds capabilities over its namespaces only.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/single_threaded.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "internal.h"


#define SBX_NS_FLAGS  (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC \
                       | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID)


typedef struct {
    char    tag;            /* 'U' unshared, 'P' init's pid, 'E' error */
    int     value;
    char    msg[200];
} sbx_sync_t;


static void __attribute__((noreturn))
sbx_helper_fail(int sync, const char *what)
{
    sbx_sync_t  m;
    sbx_err_t   e;

    memset(&m, 0, sizeof(m));
    m.tag = 'E';
    sbx_fail(&e, errno, "%s", what);
    snprintf(m.msg, sizeof(m.msg), "%.199s", e.msg);
    (void) send(sync, &m, sizeof(m), MSG_NOSIGNAL);
    _exit(1);
}


/* Closes every fd from 3 up but the n in keep (the worker's are not ours). */
static void
sbx_close_all_but(int *keep, int n)
{
    int  i, j, fd, from;

    for (i = 1; i < n; i++) {
        fd = keep[i];
        for (j = i; j > 0 && keep[j - 1] > fd; j--) {
            keep[j] = keep[j - 1];
        }
        keep[j] = fd;
    }

    from = 3;
    for (i = 0; i < n; i++) {
        if (keep[i] > from) {
            syscall(SYS_close_range, from, keep[i] - 1, 0);
        }
        if (keep[i] + 1 > from) {
            from = keep[i] + 1;
        }
    }
    syscall(SYS_close_range, from, ~0U, 0);
}


static void __attribute__((noreturn))
sbx_helper(sandbox_t *sb, int ctl, int sync, const sbx_bind_t *extra,
    size_t nextra)
{
    sbx_sync_t  m;
    pid_t       pid;
    int         keep[2];

    keep[0] = ctl;
    keep[1] = sync;
    sbx_close_all_but(keep, 2);

    if (unshare(SBX_NS_FLAGS) < 0) {
        sbx_helper_fail(sync, "unshare(user, mnt, ipc, uts, net, pid)");
    }

    memset(&m, 0, sizeof(m));
    m.tag = 'U';
    if (send(sync, &m, sizeof(m), MSG_NOSIGNAL) < 0) {
        _exit(1);
    }
    if (recv(sync, &m, sizeof(m), 0) != sizeof(m) || m.tag != 'G') {
        _exit(1);                       /* the worker gave up */
    }

    /*
     * Raw clone: fork-like (no new stack), and CLONE_PARENT makes the
     * worker init's parent.  The helper is single-threaded, so glibc's
     * state is consistent in the child.
     */
    pid = (pid_t) syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL,
                          NULL, NULL);
    if (pid < 0) {
        sbx_helper_fail(sync, "clone of the sandbox init");
    }
    if (pid == 0) {
        close(sync);
        sbx_init_main(sb, ctl, extra, nextra);
    }

    m.tag = 'P';
    m.value = pid;
    (void) send(sync, &m, sizeof(m), MSG_NOSIGNAL);
    _exit(0);
}


static int
sbx_write_maps(const sandbox_t *sb, pid_t pid, sbx_err_t *err)
{
    char  path[64], map[64];

    snprintf(map, sizeof(map), "%d %u 1\n", SBX_INSIDE_UID,
             (unsigned) sb->uid_out);
    snprintf(path, sizeof(path), "/proc/%d/uid_map", (int) pid);
    if (sbx_write_file(path, map) < 0) {
        return sbx_fail(err, errno, "writing %s", path);
    }

    /*
     * An unprivileged writer must deny setgroups before writing gid_map.
     * Root leaves it allowed so that init can clear the supplementary
     * groups it inherited (root's group 0 would otherwise stay).
     */
    if (sb->rootless) {
        snprintf(path, sizeof(path), "/proc/%d/setgroups", (int) pid);
        if (sbx_write_file(path, "deny") < 0) {
            return sbx_fail(err, errno, "writing %s", path);
        }
    }

    snprintf(map, sizeof(map), "%d %u 1\n", SBX_INSIDE_UID,
             (unsigned) sb->gid_out);
    snprintf(path, sizeof(path), "/proc/%d/gid_map", (int) pid);
    if (sbx_write_file(path, map) < 0) {
        return sbx_fail(err, errno, "writing %s", path);
    }
    return 0;
}


static int
sbx_sync_recv(int sync, sbx_sync_t *m, char want, sbx_err_t *err)
{
    ssize_t  n;

    do {
        n = recv(sync, m, sizeof(*m), 0);
    } while (n < 0 && errno == EINTR);

    if (n != sizeof(*m)) {
        return sbx_fail(err, n < 0 ? errno : 0,
                        "sandbox helper died during set-up");
    }
    if (m->tag == 'E') {
        return sbx_fail(err, 0, "sandbox set-up: %s", m->msg);
    }
    if (m->tag != want) {
        return sbx_fail(err, 0, "sandbox set-up: protocol error");
    }
    return 0;
}


/*
 * The child of a direct clone (see sbx_init_spawn): waits until its id
 * maps are written, then becomes init.
 */
static void __attribute__((noreturn))
sbx_init_direct(sandbox_t *sb, int ctl, int sync, const sbx_bind_t *extra,
    size_t nextra)
{
    sbx_sync_t  m;
    int         keep[2];

    keep[0] = ctl;
    keep[1] = sync;
    sbx_close_all_but(keep, 2);

    if (recv(sync, &m, sizeof(m), 0) != sizeof(m) || m.tag != 'G') {
        _exit(1);                       /* the caller gave up */
    }
    close(sync);
    sbx_init_main(sb, ctl, extra, nextra);
}


/*
 * Clones init straight into its namespaces and writes its id maps.
 * Returns init's pid, or -1.  Closes ctl[1] and sync[1] either way.
 */
static pid_t
sbx_spawn_direct(sandbox_t *sb, int *ctl, int *sync, const sbx_bind_t *extra,
    size_t nextra, sbx_err_t *err)
{
    sbx_sync_t  m;
    pid_t       pid;
    int         e, status;

    pid = (pid_t) syscall(SYS_clone, SBX_NS_FLAGS | SIGCHLD, NULL, NULL,
                          NULL, NULL);
    if (pid < 0) {
        e = errno;
        close(ctl[1]);
        close(sync[1]);
        return sbx_fail(err, e, "clone of the sandbox init");
    }
    if (pid == 0) {
        sbx_init_direct(sb, ctl[1], sync[1], extra, nextra);
    }
    close(ctl[1]);
    close(sync[1]);

    if (sbx_write_maps(sb, pid, err) < 0) {
        goto failed;
    }
    memset(&m, 0, sizeof(m));
    m.tag = 'G';
    if (send(sync[0], &m, sizeof(m), MSG_NOSIGNAL) < 0) {
        sbx_fail(err, errno, "releasing the sandbox init");
        goto failed;
    }
    return pid;

failed:

    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { /* */ }
    return -1;
}


/*
 * Forks the helper, which unshares and clones init (see the top of the
 * file).  Returns init's pid, or -1.  Closes ctl[1] and sync[1] either
 * way.
 */
static pid_t
sbx_spawn_helper(sandbox_t *sb, int *ctl, int *sync, const sbx_bind_t *extra,
    size_t nextra, sbx_err_t *err)
{
    sbx_sync_t  m;
    pid_t       helper;
    int         e, status;

    helper = fork();
    if (helper < 0) {
        e = errno;
        close(ctl[1]);
        close(sync[1]);
        return sbx_fail(err, e, "fork of the sandbox helper");
    }
    if (helper == 0) {
        sbx_helper(sb, ctl[1], sync[1], extra, nextra);
    }
    close(ctl[1]);
    close(sync[1]);

    if (sbx_sync_recv(sync[0], &m, 'U', err) < 0
        || sbx_write_maps(sb, helper, err) < 0)
    {
        goto failed;
    }

    m.tag = 'G';
    if (send(sync[0], &m, sizeof(m), MSG_NOSIGNAL) < 0) {
        sbx_fail(err, errno, "releasing the sandbox helper");
        goto failed;
    }
    if (sbx_sync_recv(sync[0], &m, 'P', err) < 0) {
        goto failed;
    }

    while (waitpid(helper, &status, 0) < 0 && errno == EINTR) { /* */ }
    return m.value;

failed:

    kill(helper, SIGKILL);
    while (waitpid(helper, &status, 0) < 0 && errno == EINTR) { /* */ }
    return -1;
}


/*
 * Starts init and waits until it reports ready (root built, pivoted, in
 * the instance's cgroup).  extra: binds for this init only (a run whose
 * spec has its own binds).  new_cgroup: the instance has no cgroup yet,
 * make it now.
 */
int
sbx_init_spawn(sandbox_t *sb, const sbx_bind_t *extra, size_t nextra,
    int new_cgroup, sbx_err_t *err)
{
    int             ctl[2], sync[2], sent;
    pid_t           pid;
    sbx_done_msg_t  ready;
    ssize_t         n;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0) {
        return sbx_fail(err, errno, "socketpair for the sandbox init");
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
        int  e = errno;
        close(ctl[0]);
        close(ctl[1]);
        return sbx_fail(err, e, "socketpair for set-up");
    }

    /*
     * A single-threaded caller (judge-sandbox) clones init itself: one
     * copy of its memory instead of two (the helper's fork, the helper's
     * clone), and no helper to reap.  Threads were made at some point
     * (the worker): the helper.
     */
    if (__libc_single_threaded) {
        pid = sbx_spawn_direct(sb, ctl, sync, extra, nextra, err);
    } else {
        pid = sbx_spawn_helper(sb, ctl, sync, extra, nextra, err);
    }
    close(sync[0]);
    sb->ctl = ctl[0];
    if (pid < 0) {
        sbx_close(&sb->ctl);
        return -1;
    }
    sb->init_pid = pid;

    sb->init_pidfd = (int) syscall(SYS_pidfd_open, sb->init_pid, 0);
    if (sb->init_pidfd < 0) {
        sbx_fail(err, errno, "pidfd_open of the sandbox init");
        goto failed;
    }

    /*
     * The cgroup is made while init builds its root (mkdirs and opens
     * that took 0.4 ms of a cold start before init was forked), and no
     * cgroup is not an error: the rlimit fallback takes over.
     */
    if (new_cgroup) {
        (void) sbx_cgroup_setup(sb, NULL);
    }
    sent = sbx_cgroup_send(sb) == 0 ? 0 : errno;

    /* an init that failed to build its root says why before it exits */
    n = sbx_recv(sb->ctl, &ready, sizeof(ready), NULL, NULL, 0);
    if (n == sizeof(ready) && ready.type == SBX_MSG_READY
        && (ready.fail_errno != 0 || ready.fail_msg[0] != '\0'))
    {
        sbx_fail(err, 0, "sandbox init: %s", ready.fail_msg);
        goto failed;
    }
    if (sent != 0) {
        sbx_fail(err, sent, "handing the cgroup to the sandbox init");
        goto failed;
    }
    if (n != sizeof(ready) || ready.type != SBX_MSG_READY) {
        sbx_fail(err, n < 0 ? errno : 0, "sandbox init died during set-up");
        goto failed;
    }
    return 0;

failed:

    sbx_init_kill(sb);
    return -1;
}


/* Kills init (the kernel then kills its whole pid namespace) and reaps it. */
void
sbx_init_kill(sandbox_t *sb)
{
    siginfo_t  si;

    sbx_close(&sb->ctl);

    if (sb->init_pid > 0) {
        if (sb->init_pidfd >= 0) {
            syscall(SYS_pidfd_send_signal, sb->init_pidfd, SIGKILL, NULL, 0);
        } else {
            kill(sb->init_pid, SIGKILL);
        }
        while (waitid(P_PID, sb->init_pid, &si, WEXITED) < 0
               && errno == EINTR)
        {
            /* retry */
        }
    }
    sbx_close(&sb->init_pidfd);
    sb->init_pid = 0;
}
