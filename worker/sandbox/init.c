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


static void
sbx_init_run(sbx_init_t *ini, const sbx_run_msg_t *m, size_t n, int *fds,
    int nfds)
{
    sbx_done_msg_t   d;
    sbx_parsed_t     r;
    sbx_child_t      c;
    sbx_err_t        err;
    struct rusage    ru0, ru1, ru;
    struct pollfd    pfd[3];
    const char      *payload = NULL;
    void            *map = MAP_FAILED;
    size_t           plen = 0;
    uint64_t         t0, cpu0, cpu1, placed, mem_base;
    pid_t            pid;
    int              pidfd = -1, listener = -1, wstatus = 0, i, k;
    int              out_fds[SBX_MAX_COLLECT], nout = 0;
    sbx_run_msg_t    ctl_msg;
    struct stat      st;

    memset(&d, 0, sizeof(d));
    memset(&r, 0, sizeof(r));
    d.type = SBX_MSG_DONE;
    d.sv_nr = -1;

    if (nfds < 3 + ((m->flags & SBX_RUN_PAYLOAD_FD) ? 1 : 0)) {
        sbx_fail(&err, 0, "run request without its fds");
        goto failed;
    }

    if (m->flags & SBX_RUN_PAYLOAD_FD) {
        if (fstat(fds[3], &st) < 0 || (uint64_t) st.st_size < m->payload_len) {
            sbx_fail(&err, errno, "run payload");
            goto failed;
        }
        plen = m->payload_len;
        map = mmap(NULL, plen ? plen : 1, PROT_READ, MAP_PRIVATE, fds[3], 0);
        if (map == MAP_FAILED) {
            sbx_fail(&err, errno, "mapping the run payload");
            goto failed;
        }
        payload = map;
    } else {
        if (n != sizeof(*m) + m->payload_len) {
            sbx_fail(&err, 0, "truncated run request");
            goto failed;
        }
        payload = (const char *) (m + 1);
        plen = m->payload_len;
    }

    if (sbx_parse(m, payload, plen, &r, &err) < 0
        || sbx_box_prepare(&ini->box, m->box_bytes, m->box_inodes, &err) < 0
        || sbx_place_files(&r, &placed, &err) < 0)
    {
        goto failed;
    }

    memset(&c, 0, sizeof(c));
    c.paths = r.paths;
    c.argv = r.argv;
    c.envp = r.envp;
    c.cwd = r.cwd;
    ctl_msg = *m;
    c.msg = &ctl_msg;
    c.filter = ini->sb->filter.enabled ? &ini->sb->filter : &ini->no_filter;
    c.listener = -1;

    if (ini->last_pid_fd >= 0 && sbx_write_str(ini->last_pid_fd, "1") < 0) {
        sbx_fail(&err, errno, "resetting ns_last_pid");
        goto failed;
    }
    if (sbx_cgroup_run_begin(&ini->sb->cg, m->mem_limit, placed, &mem_base,
                             &err) < 0)
    {
        goto failed;
    }
    if (sbx_write_str(ini->clear_refs_fd, "5") < 0) {
        sbx_fail(&err, errno, "resetting init's peak RSS");
        goto failed;
    }

    /* the program's stdio at 0-2; CLONE_FILES shares this table with it */
    if (dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0 || dup2(fds[2], 2) < 0) {
        sbx_fail(&err, errno, "dup2 of the program's stdio");
        goto failed;
    }

    getrusage(RUSAGE_CHILDREN, &ru0);
    t0 = sbx_now_ns();

    pid = clone(sbx_child_main, ini->stack + SBX_CHILD_STACK,
                CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_NEWIPC
                | CLONE_PIDFD | SIGCHLD, &c, &pidfd);

    /* the child shared our mm and made it dumpable: not init's */
    (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    /* back to /dev/null, so the pipes see EOF once the program is gone */
    dup2(ini->devnull, 0);
    dup2(ini->devnull, 1);
    dup2(ini->devnull, 2);
    for (i = 0; i < 3; i++) {
        sbx_close(&fds[i]);
    }

    if (pid < 0) {
        sbx_fail(&err, errno, "clone of the program");
        goto failed;
    }

    d.started = 1;
    listener = c.listener;

    for ( ;; ) {
        pfd[0].fd = pidfd;
        pfd[0].events = POLLIN;
        pfd[1].fd = ini->ctl;
        pfd[1].events = POLLIN;
        pfd[2].fd = listener;
        pfd[2].events = POLLIN;

        k = poll(pfd, 3, -1);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            (void) kill(-1, SIGKILL);
            break;
        }
        if (pfd[2].revents & POLLIN) {
            sbx_on_notification(listener, &d);
        } else if (pfd[2].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            sbx_close(&listener);           /* no filter user left */
        }
        if (pfd[1].revents) {
            sbx_run_msg_t  a;
            ssize_t        got = sbx_recv(ini->ctl, &a, sizeof(a), NULL, NULL,
                                          0);
            if (got <= 0) {
                ini->worker_gone = 1;
                (void) kill(-1, SIGKILL);
            } else if (a.type == SBX_MSG_ABORT) {
                (void) kill(-1, SIGKILL);
            }
        }
        if (pfd[0].revents & POLLIN) {
            break;
        }
    }

    while (wait4(pid, &wstatus, __WALL, &ru) < 0 && errno == EINTR) {
        /* retry */
    }
    d.wall_us = (sbx_now_ns() - t0) / 1000;
    sbx_reap_all();
    getrusage(RUSAGE_CHILDREN, &ru1);

    cpu0 = (uint64_t) ru0.ru_utime.tv_sec * 1000000 + ru0.ru_utime.tv_usec
           + (uint64_t) ru0.ru_stime.tv_sec * 1000000 + ru0.ru_stime.tv_usec;
    cpu1 = (uint64_t) ru1.ru_utime.tv_sec * 1000000 + ru1.ru_utime.tv_usec
           + (uint64_t) ru1.ru_stime.tv_sec * 1000000 + ru1.ru_stime.tv_usec;
    d.cpu_us = cpu1 - cpu0;
    d.maxrss_kb = ru.ru_maxrss;
    d.mem_peak = sbx_cgroup_run_peak(&ini->sb->cg, mem_base);
    d.wstatus = wstatus;
    d.exec_errno = c.exec_errno;

    if (c.failed_step != NULL) {
        d.fail_errno = c.failed_errno;
        sbx_fail(&err, c.failed_errno, "program set-up: %s",
                 (const char *) c.failed_step);
        snprintf(d.fail_msg, sizeof(d.fail_msg), "%.199s", err.msg);
    }

    sbx_close(&pidfd);
    sbx_close(&listener);

    sbx_collect_files(&r, m, &d, out_fds, &nout);
    if (sbx_send(ini->ctl, &d, sizeof(d), out_fds, nout) < 0) {
        ini->worker_gone = 1;
    }
    for (i = 0; i < nout; i++) {
        close(out_fds[i]);
    }
    goto done;

failed:

    d.fail_errno = EIO;
    snprintf(d.fail_msg, sizeof(d.fail_msg), "%.199s", err.msg);
    if (sbx_send(ini->ctl, &d, sizeof(d), NULL, 0) < 0) {
        ini->worker_gone = 1;
    }

done:

    for (i = 0; i < nfds; i++) {
        sbx_close(&fds[i]);
    }
    sbx_box_release(&ini->box);
    sbx_parsed_free(&r);
    if (map != MAP_FAILED) {
        munmap(map, plen ? plen : 1);
    }
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
