/*
 * init.c: the instance's init, PID 1 of the sandbox's pid namespace.
 *
 * Built once (ns.c starts it, mount.c gives it its root), it then serves
 * runs over the control socket until the worker closes it:
 *
 *   RUN    fresh work dir, place files, start the run's accounting (the pid
 *          counter back to 1, the memory baseline in cgroup.c), spawn the
 *          program (exec.c) as a CLONE_VM|CLONE_VFORK child in a new ipc
 *          namespace, then wait for whichever comes first: the program's exit,
 *          a seccomp notification (a forbidden call: kill, remember its
 *          number), or ABORT from the supervisor (a limit: kill).  Then
 *          kill(-1) and reap until no child is left, collect files, answer
 *          DONE.
 *   ABORT  outside a run: a late one, ignored.
 *   EOF    the worker is gone: exit, and the kernel kills the namespace.
 *
 * The run ends when the program's main process ends: a daemonised child
 * dies with it.  Being PID 1, init also reaps every orphan, and signals
 * sent from inside the namespace cannot reach it (it sets no handlers).
 * The tree's CPU time is init's RUSAGE_CHILDREN before and after the run:
 * it includes every process of the run, killed or not, and nothing else.
 *
 * Every run starts from the same pid counter: the program is pid 2 and
 * its children follow, so neither its pid nor ns_last_pid tells how many
 * processes earlier runs made.  The namespace is empty but for init when
 * the counter is set, so no pid is taken twice.
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "internal.h"


#define SBX_CHILD_STACK  (256 * 1024)

#ifndef CLONE_PIDFD
#define CLONE_PIDFD  0x00001000
#endif


typedef struct {
    sandbox_t      *sb;
    int             ctl;
    int             devnull;
    int             last_pid_fd;    /* /proc/sys/kernel/ns_last_pid, or -1 */
    int             clear_refs_fd;  /* /proc/self/clear_refs */
    sbx_box_t       box;
    char           *stack;
    int             worker_gone;
    sbx_filter_t    no_filter;
} sbx_init_t;


typedef struct {
    const char     *cwd;
    char          **argv;
    char          **envp;
    char          **paths;
    uint32_t        nfiles;
    const char     *files;          /* the file records, see sandbox.c */
    const char    **collect;
    uint32_t        ncollect;
    sbx_arena_t     arena;          /* every pointer array above */
} sbx_parsed_t;


/* One run in init, from its RUN request to the DONE answer. */
typedef struct {
    const sbx_run_msg_t  *msg;
    int                  *fds;          /* stdin, stdout, stderr[, payload] */
    int                   nfds;
    const char           *payload;
    size_t                payload_len;
    void                 *payload_map;  /* MAP_FAILED unless in a memfd */
    sbx_parsed_t          req;
    uint64_t              placed;       /* what the run's files take */
    uint64_t              mem_base;     /* the cgroup's charge at the start */
    sbx_run_msg_t         child_msg;    /* the request, as the child reads it */
    sbx_child_t           child;
    struct rusage         ru_start;     /* init's RUSAGE_CHILDREN at spawn */
    uint64_t              start_ns;
    pid_t                 pid;
    int                   pidfd;
    int                   listener;     /* seccomp notifications, or -1 */
    sbx_done_msg_t        done;
} sbx_run_t;


static void
sbx_parsed_free(sbx_parsed_t *p)
{
    sbx_arena_free(&p->arena);
}


/* Takes the next NUL-terminated string from [*p, end). */
static const char *
sbx_take_str(const char **p, const char *end)
{
    const char  *s = *p;
    const char  *z = memchr(s, '\0', end - s);

    if (z == NULL) {
        return NULL;
    }
    *p = z + 1;
    return s;
}


static char **
sbx_take_strv(sbx_arena_t *a, const char **p, const char *end, uint32_t n)
{
    char      **v;
    uint32_t    i;

    v = sbx_arena_alloc(a, ((size_t) n + 1) * sizeof(char *));
    if (v == NULL) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        v[i] = (char *) sbx_take_str(p, end);
        if (v[i] == NULL) {
            return NULL;
        }
    }
    return v;
}


/* execve candidates: argv[0] itself, or each PATH entry of the run's env. */
static char **
sbx_exec_paths(sbx_arena_t *a, char *const *argv, char *const *envp)
{
    const char  *path = "/usr/local/bin:/usr/bin:/bin", *p, *colon;
    char       **v;
    size_t       n = 1, i = 0, len;

    if (strchr(argv[0], '/') != NULL) {
        v = sbx_arena_alloc(a, 2 * sizeof(char *));
        if (v != NULL) {
            v[0] = argv[0];
        }
        return v;
    }

    for (i = 0; envp[i] != NULL; i++) {
        if (strncmp(envp[i], "PATH=", 5) == 0) {
            path = envp[i] + 5;
        }
    }
    for (p = path; *p; p++) {
        n += *p == ':';
    }

    v = sbx_arena_alloc(a, (n + 1) * sizeof(char *));
    if (v == NULL) {
        return NULL;
    }
    i = 0;
    for (p = path; ; p = colon + 1) {
        colon = strchrnul(p, ':');
        len = colon - p;
        if (len > 0 && len < 4000) {
            v[i] = sbx_arena_alloc(a, len + strlen(argv[0]) + 2);
            if (v[i] == NULL) {
                return NULL;
            }
            memcpy(v[i], p, len);
            v[i][len] = '/';
            strcpy(v[i] + len + 1, argv[0]);
            i++;
        }
        if (*colon == '\0') {
            break;
        }
    }
    return v;
}


static int
sbx_parse(const sbx_run_msg_t *m, const char *payload, size_t len,
    sbx_parsed_t *out, sbx_err_t *err)
{
    const char  *p = payload, *end = payload + len;
    uint64_t     hdr[2];
    uint32_t     i;

    memset(out, 0, sizeof(*out));

    if (m->argc == 0 || m->argc > 65536 || m->envc > 65536
        || m->ncollect > SBX_MAX_COLLECT)
    {
        return sbx_fail(err, 0, "bad run request");
    }

    /* pointer arrays, and PATH candidates (each shorter than the payload) */
    if (sbx_arena_init(&out->arena, 3 * len + 16 * ((size_t) m->argc
                                     + m->envc + m->ncollect + 16)) < 0)
    {
        return sbx_fail(err, errno, "mmap for the run request");
    }

    out->cwd = sbx_take_str(&p, end);
    out->argv = sbx_take_strv(&out->arena, &p, end, m->argc);
    out->envp = out->argv ? sbx_take_strv(&out->arena, &p, end, m->envc)
                          : NULL;
    if (out->cwd == NULL || out->argv == NULL || out->envp == NULL) {
        return sbx_fail(err, 0, "bad run request: argv/env");
    }

    /* files: { u64 mode, u64 size } name\0 data, see sbx_payload_build */
    out->files = p;
    out->nfiles = m->nfiles;
    for (i = 0; i < m->nfiles; i++) {
        if ((size_t) (end - p) < sizeof(hdr)) {
            return sbx_fail(err, 0, "bad run request: files");
        }
        memcpy(hdr, p, sizeof(hdr));
        p += sizeof(hdr);
        if (sbx_take_str(&p, end) == NULL || (uint64_t) (end - p) < hdr[1]) {
            return sbx_fail(err, 0, "bad run request: files");
        }
        p += hdr[1];
    }

    out->collect = sbx_arena_alloc(&out->arena,
                                   (m->ncollect + 1) * sizeof(char *));
    if (out->collect == NULL) {
        return sbx_fail(err, ENOMEM, "parsing the run request");
    }
    out->ncollect = m->ncollect;
    for (i = 0; i < m->ncollect; i++) {
        out->collect[i] = sbx_take_str(&p, end);
        if (out->collect[i] == NULL) {
            return sbx_fail(err, 0, "bad run request: collect");
        }
    }

    out->paths = sbx_exec_paths(&out->arena, out->argv, out->envp);
    if (out->paths == NULL) {
        return sbx_fail(err, ENOMEM, "resolving the program path");
    }
    return 0;
}


static int
sbx_name_ok(const char *name)
{
    return name[0] != '\0' && strchr(name, '/') == NULL
           && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}


/*
 * Writes the run's files into the fresh work dir, owned by the program;
 * *placed: the bytes they hold in the tmpfs, in whole pages.
 */
static int
sbx_place_files(const sbx_parsed_t *r, uint64_t *placed, sbx_err_t *err)
{
    const char  *p = r->files, *name;
    uint64_t     hdr[2];
    uint32_t     i;
    size_t       off;
    ssize_t      n;
    int          fd, dir;

    *placed = 0;

    if (r->nfiles == 0) {
        return 0;
    }

    dir = open(SBX_BOX, O_DIRECTORY | O_PATH | O_CLOEXEC);
    if (dir < 0) {
        return sbx_fail(err, errno, "open " SBX_BOX);
    }

    for (i = 0; i < r->nfiles; i++) {
        memcpy(hdr, p, sizeof(hdr));
        p += sizeof(hdr);
        name = p;
        p += strlen(name) + 1;

        if (!sbx_name_ok(name)) {
            close(dir);
            return sbx_fail(err, 0, "bad file name \"%s\"", name);
        }
        fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
                               | O_CLOEXEC, 0600);
        if (fd < 0) {
            int  e = errno;
            close(dir);
            return sbx_fail(err, e, "creating %s/%s", SBX_BOX, name);
        }
        for (off = 0; off < hdr[1]; off += n) {
            n = write(fd, p + off, hdr[1] - off);
            if (n < 0) {
                int  e = errno;
                close(fd);
                close(dir);
                return sbx_fail(err, e, "writing %s/%s", SBX_BOX, name);
            }
        }
        if (fchmod(fd, (mode_t) hdr[0] & 07777 & ~06000) < 0) {
            int  e = errno;
            close(fd);
            close(dir);
            return sbx_fail(err, e, "chmod %s/%s", SBX_BOX, name);
        }
        close(fd);
        p += hdr[1];
        *placed += (hdr[1] + 4095) & ~(uint64_t) 4095;
    }

    close(dir);
    return 0;
}


/*
 * Opens the files to hand back.  The program controlled the work dir, so
 * no symlink, no magic link, no other mount, regular files only, and
 * O_NONBLOCK so that a FIFO cannot stall us.
 */
static void
sbx_collect_files(const sbx_parsed_t *r, const sbx_run_msg_t *m,
    sbx_done_msg_t *d, int *fds, int *nfds)
{
    struct open_how  how;
    struct stat      st;
    uint32_t         i;
    int              dir, fd;

    *nfds = 0;
    d->ncollect = r->ncollect;
    if (r->ncollect == 0) {
        return;
    }

    dir = open(SBX_BOX, O_DIRECTORY | O_PATH | O_CLOEXEC);

    for (i = 0; i < r->ncollect; i++) {
        if (dir < 0) {
            d->collect_errno[i] = ENOENT;
            continue;
        }
        if (!sbx_name_ok(r->collect[i])) {
            d->collect_errno[i] = EINVAL;
            continue;
        }
        memset(&how, 0, sizeof(how));
        how.flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
                      | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
        fd = (int) syscall(SYS_openat2, dir, r->collect[i], &how,
                           sizeof(how));
        if (fd < 0) {
            d->collect_errno[i] = errno;
            continue;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
            d->collect_errno[i] = EINVAL;
            close(fd);
            continue;
        }
        if ((uint64_t) st.st_size > m->collect_max) {
            d->collect_errno[i] = EFBIG;
            close(fd);
            continue;
        }
        d->collect_errno[i] = 0;
        fds[(*nfds)++] = fd;
    }

    if (dir >= 0) {
        close(dir);
    }
}


/* Kills whatever is left in the namespace and reaps until none is left. */
static void
sbx_reap_all(void)
{
    pid_t  r;

    (void) kill(-1, SIGKILL);

    for ( ;; ) {
        r = waitpid(-1, NULL, __WALL | WNOHANG);
        if (r > 0) {
            continue;
        }
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;                         /* ECHILD: nobody left */
        }
        /* someone still dying (or forked under the wire): again, blocking */
        (void) kill(-1, SIGKILL);
        r = waitpid(-1, NULL, __WALL);
        if (r < 0 && errno == ECHILD) {
            return;
        }
    }
}


static void
sbx_on_notification(int listener, sbx_done_msg_t *d)
{
    char                  buf[256];
    struct seccomp_notif *req = (struct seccomp_notif *) buf;

    memset(buf, 0, sizeof(buf));
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
        return;                             /* the caller died meanwhile */
    }
    if (d->sv_nr < 0) {
        d->sv_nr = req->data.nr;
        d->sv_arch = req->data.arch;
    }
    /* no answer: killing the tree also cancels the pending call */
    (void) kill(-1, SIGKILL);
}


/* A message from the supervisor during a run: ABORT or EOF kills the tree. */
static void
sbx_on_control(sbx_init_t *ini)
{
    sbx_run_msg_t  msg;
    ssize_t        got;

    got = sbx_recv(ini->ctl, &msg, sizeof(msg), NULL, NULL, 0);
    if (got <= 0) {
        ini->worker_gone = 1;
        (void) kill(-1, SIGKILL);
    } else if (msg.type == SBX_MSG_ABORT) {
        (void) kill(-1, SIGKILL);
    }
}


/* User and system CPU time of a struct rusage, in microseconds. */
static uint64_t
sbx_rusage_cpu_us(const struct rusage *ru)
{
    return (uint64_t) ru->ru_utime.tv_sec * 1000000 + ru->ru_utime.tv_usec
           + (uint64_t) ru->ru_stime.tv_sec * 1000000 + ru->ru_stime.tv_usec;
}


/*
 * Checks that the request came with its fds and finds its payload: inline
 * after the request, or in the memfd sent as fds[3], mapped read-only.
 */
static int
sbx_find_payload(sbx_run_t *run, size_t n, sbx_err_t *err)
{
    const sbx_run_msg_t  *m = run->msg;
    struct stat           st;

    if (run->nfds < 3 + ((m->flags & SBX_RUN_PAYLOAD_FD) ? 1 : 0)) {
        return sbx_fail(err, 0, "run request without its fds");
    }

    if (m->flags & SBX_RUN_PAYLOAD_FD) {
        if (fstat(run->fds[3], &st) < 0
            || (uint64_t) st.st_size < m->payload_len)
        {
            return sbx_fail(err, errno, "run payload");
        }
        run->payload_len = m->payload_len;
        run->payload_map = mmap(NULL, run->payload_len ? run->payload_len : 1,
                                PROT_READ, MAP_PRIVATE, run->fds[3], 0);
        if (run->payload_map == MAP_FAILED) {
            return sbx_fail(err, errno, "mapping the run payload");
        }
        run->payload = run->payload_map;

    } else {
        if (n != sizeof(*m) + m->payload_len) {
            return sbx_fail(err, 0, "truncated run request");
        }
        run->payload = (const char *) (m + 1);
        run->payload_len = m->payload_len;
    }

    return 0;
}


/*
 * Starts the run's accounting: the pid counter back to 1, the memory
 * baseline (cgroup.c), init's peak RSS down to its resident size.
 */
static int
sbx_start_accounting(sbx_init_t *ini, sbx_run_t *run, sbx_err_t *err)
{
    if (ini->last_pid_fd >= 0 && sbx_write_str(ini->last_pid_fd, "1") < 0) {
        return sbx_fail(err, errno, "resetting ns_last_pid");
    }
    if (sbx_cgroup_run_begin(&ini->sb->cg, run->msg->mem_limit, run->placed,
                             &run->mem_base, err) < 0)
    {
        return -1;
    }
    if (sbx_write_str(ini->clear_refs_fd, "5") < 0) {
        return sbx_fail(err, errno, "resetting init's peak RSS");
    }
    return 0;
}


/*
 * Spawns the program (exec.c) with the run's stdio, and closes init's
 * copies of it.  The clock and init's children's rusage start here.
 */
static int
sbx_spawn_program(sbx_init_t *ini, sbx_run_t *run, sbx_err_t *err)
{
    sbx_child_t  *c = &run->child;
    int           i;

    c->paths = run->req.paths;
    c->argv = run->req.argv;
    c->envp = run->req.envp;
    c->cwd = run->req.cwd;
    run->child_msg = *run->msg;
    c->msg = &run->child_msg;
    c->filter = ini->sb->filter.enabled ? &ini->sb->filter : &ini->no_filter;
    c->listener = -1;

    /* the program's stdio at 0-2; CLONE_FILES shares this table with it */
    if (dup2(run->fds[0], 0) < 0 || dup2(run->fds[1], 1) < 0
        || dup2(run->fds[2], 2) < 0)
    {
        return sbx_fail(err, errno, "dup2 of the program's stdio");
    }

    getrusage(RUSAGE_CHILDREN, &run->ru_start);
    run->start_ns = sbx_now_ns();

    run->pid = clone(sbx_child_main, ini->stack + SBX_CHILD_STACK,
                     CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_NEWIPC
                     | CLONE_PIDFD | SIGCHLD, c, &run->pidfd);

    /* the child shared our mm and made it dumpable: not init's */
    (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    /* back to /dev/null, so the pipes see EOF once the program is gone */
    dup2(ini->devnull, 0);
    dup2(ini->devnull, 1);
    dup2(ini->devnull, 2);
    for (i = 0; i < 3; i++) {
        sbx_close(&run->fds[i]);
    }

    if (run->pid < 0) {
        return sbx_fail(err, errno, "clone of the program");
    }

    run->done.started = 1;
    run->listener = c->listener;
    return 0;
}


/*
 * Waits for the program's main process to end.  Meanwhile a seccomp
 * notification (a forbidden call), ABORT or EOF from the worker kill the
 * tree, and so does a failing poll.
 */
static void
sbx_wait_program(sbx_init_t *ini, sbx_run_t *run)
{
    struct pollfd  pfd[3];

    for ( ;; ) {
        pfd[0].fd = run->pidfd;
        pfd[0].events = POLLIN;
        pfd[1].fd = ini->ctl;
        pfd[1].events = POLLIN;
        pfd[2].fd = run->listener;
        pfd[2].events = POLLIN;

        if (poll(pfd, 3, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            (void) kill(-1, SIGKILL);
            return;
        }
        if (pfd[2].revents & POLLIN) {
            sbx_on_notification(run->listener, &run->done);
        } else if (pfd[2].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            sbx_close(&run->listener);      /* no filter user left */
        }
        if (pfd[1].revents) {
            sbx_on_control(ini);
        }
        if (pfd[0].revents & POLLIN) {
            return;
        }
    }
}


/*
 * Reaps the program, then everything left in the namespace, and writes
 * the run's figures and the child's set-up failure, if any, into DONE.
 */
static void
sbx_reap_program(sbx_init_t *ini, sbx_run_t *run, sbx_err_t *err)
{
    sbx_done_msg_t  *d = &run->done;
    struct rusage    ru, ru_end;
    int              wstatus = 0;

    while (wait4(run->pid, &wstatus, __WALL, &ru) < 0 && errno == EINTR) {
        /* retry */
    }
    d->wall_us = (sbx_now_ns() - run->start_ns) / 1000;
    sbx_reap_all();
    getrusage(RUSAGE_CHILDREN, &ru_end);

    d->cpu_us = sbx_rusage_cpu_us(&ru_end) - sbx_rusage_cpu_us(&run->ru_start);
    d->maxrss_kb = ru.ru_maxrss;
    d->mem_peak = sbx_cgroup_run_peak(&ini->sb->cg, run->mem_base);
    d->wstatus = wstatus;
    d->exec_errno = run->child.exec_errno;

    if (run->child.failed_step != NULL) {
        d->fail_errno = run->child.failed_errno;
        sbx_fail(err, run->child.failed_errno, "program set-up: %s",
                 (const char *) run->child.failed_step);
        snprintf(d->fail_msg, sizeof(d->fail_msg), "%.199s", err->msg);
    }

    sbx_close(&run->pidfd);
    sbx_close(&run->listener);
}


/* Answers DONE for a run that ended, with the fds of the files collected. */
static void
sbx_answer_done(sbx_init_t *ini, sbx_run_t *run)
{
    int  fds[SBX_MAX_COLLECT], nfds, i;

    sbx_collect_files(&run->req, run->msg, &run->done, fds, &nfds);
    if (sbx_send(ini->ctl, &run->done, sizeof(run->done), fds, nfds) < 0) {
        ini->worker_gone = 1;
    }
    for (i = 0; i < nfds; i++) {
        close(fds[i]);
    }
}


/* Answers DONE for a run that init could not set up or start. */
static void
sbx_answer_failed(sbx_init_t *ini, sbx_done_msg_t *d, const sbx_err_t *err)
{
    d->fail_errno = EIO;
    snprintf(d->fail_msg, sizeof(d->fail_msg), "%.199s", err->msg);
    if (sbx_send(ini->ctl, d, sizeof(*d), NULL, 0) < 0) {
        ini->worker_gone = 1;
    }
}


/* Closes the fds the run came with, wipes the work dir, frees the rest. */
static void
sbx_release_run(sbx_init_t *ini, sbx_run_t *run)
{
    int  i;

    for (i = 0; i < run->nfds; i++) {
        sbx_close(&run->fds[i]);
    }
    sbx_box_release(&ini->box);
    sbx_parsed_free(&run->req);
    if (run->payload_map != MAP_FAILED) {
        munmap(run->payload_map, run->payload_len ? run->payload_len : 1);
    }
}


/*
 * One RUN request, answered with DONE.  fds: the program's stdin, stdout
 * and stderr, then the payload's memfd unless the payload is inline; all
 * are closed here.
 */
static void
sbx_init_run(sbx_init_t *ini, const sbx_run_msg_t *m, size_t n, int *fds,
    int nfds)
{
    sbx_run_t  run;
    sbx_err_t  err;

    memset(&run, 0, sizeof(run));
    run.msg = m;
    run.fds = fds;
    run.nfds = nfds;
    run.payload_map = MAP_FAILED;
    run.pidfd = -1;
    run.listener = -1;
    run.done.type = SBX_MSG_DONE;
    run.done.sv_nr = -1;

    if (sbx_find_payload(&run, n, &err) < 0
        || sbx_parse(m, run.payload, run.payload_len, &run.req, &err) < 0
        || sbx_box_prepare(&ini->box, m->box_bytes, m->box_inodes, &err) < 0
        || sbx_place_files(&run.req, &run.placed, &err) < 0
        || sbx_start_accounting(ini, &run, &err) < 0
        || sbx_spawn_program(ini, &run, &err) < 0)
    {
        sbx_answer_failed(ini, &run.done, &err);

    } else {
        sbx_wait_program(ini, &run);
        sbx_reap_program(ini, &run, &err);
        sbx_answer_done(ini, &run);
    }

    sbx_release_run(ini, &run);
}


static void __attribute__((noreturn))
sbx_init_fail(int ctl, const sbx_err_t *err)
{
    sbx_done_msg_t  d;

    memset(&d, 0, sizeof(d));
    d.type = SBX_MSG_READY;
    d.fail_errno = EIO;
    snprintf(d.fail_msg, sizeof(d.fail_msg), "%.199s", err->msg);
    (void) sbx_send(ctl, &d, sizeof(d), NULL, 0);
    _exit(1);
}


void
sbx_init_main(sandbox_t *sb, int ctl, const sbx_bind_t *extra, size_t nextra)
{
    sbx_init_t      ini;
    sbx_done_msg_t  ready;
    sbx_err_t       err;
    char           *buf;
    int             fds[8], nfds, i;
    ssize_t         n;

    memset(&ini, 0, sizeof(ini));
    ini.sb = sb;
    ini.ctl = ctl;

    /* no controlling terminal: ^C at the worker's terminal is not ours */
    (void) setsid();
    signal(SIGPIPE, SIG_IGN);
    umask(022);

    /* root mode: drop the worker's supplementary groups (see ns.c) */
    if (!sb->rootless && setgroups(0, NULL) < 0) {
        sbx_fail(&err, errno, "setgroups");
        sbx_init_fail(ctl, &err);
    }
    if (sethostname("sandbox", 7) < 0) {
        sbx_fail(&err, errno, "sethostname");
        sbx_init_fail(ctl, &err);
    }

    /*
     * The program is spawned on init's memory (CLONE_VM) and execve
     * records that memory's high-water mark as the program's maxrss: it
     * is brought down to init's resident size before every spawn.  The
     * file is opened now, while init's fs uid still owns it.
     */
    ini.clear_refs_fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (ini.clear_refs_fd < 0) {
        sbx_fail(&err, errno, "open /proc/self/clear_refs");
        sbx_init_fail(ctl, &err);
    }

    if (sbx_root_build(sb, extra, nextra, &err) < 0) {
        sbx_init_fail(ctl, &err);
    }

    ini.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (ini.devnull < 0) {
        sbx_fail(&err, errno, "open /dev/null inside");
        sbx_init_fail(ctl, &err);
    }
    dup2(ini.devnull, 0);
    dup2(ini.devnull, 1);
    dup2(ini.devnull, 2);

    /*
     * The pid counter of our namespace, reset before every run.  Kernels
     * without checkpoint/restore have no such file: pids then go on
     * counting from run to run.
     */
    ini.last_pid_fd = open("/proc/sys/kernel/ns_last_pid",
                           O_WRONLY | O_CLOEXEC);
    if (ini.last_pid_fd < 0 && errno != ENOENT) {
        sbx_fail(&err, errno, "open /proc/sys/kernel/ns_last_pid");
        sbx_init_fail(ctl, &err);
    }

    /* nobody may ptrace or read the memory of init (a copy of the worker) */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        sbx_fail(&err, errno, "PR_SET_DUMPABLE");
        sbx_init_fail(ctl, &err);
    }

    ini.stack = mmap(NULL, SBX_CHILD_STACK, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    buf = mmap(NULL, sizeof(sbx_run_msg_t) + SBX_MAX_INLINE,
               PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ini.stack == MAP_FAILED || buf == MAP_FAILED) {
        sbx_fail(&err, ENOMEM, "init buffers");
        sbx_init_fail(ctl, &err);
    }

    if (sbx_cgroup_join(&sb->cg, ctl, &err) < 0) {
        sbx_init_fail(ctl, &err);
    }

    memset(&ready, 0, sizeof(ready));
    ready.type = SBX_MSG_READY;
    if (sbx_send(ctl, &ready, sizeof(ready), NULL, 0) < 0) {
        _exit(1);
    }

    while (!ini.worker_gone) {
        n = sbx_recv(ctl, buf, sizeof(sbx_run_msg_t) + SBX_MAX_INLINE, fds,
                     &nfds, 8);
        if (n <= 0) {
            break;                          /* EOF: the worker is gone */
        }
        if ((size_t) n >= sizeof(sbx_run_msg_t)
            && ((sbx_run_msg_t *) buf)->type == SBX_MSG_RUN)
        {
            sbx_init_run(&ini, (sbx_run_msg_t *) buf, n, fds, nfds);
            continue;
        }
        for (i = 0; i < nfds; i++) {
            close(fds[i]);
        }
    }

    _exit(0);
}
