/*
 * exec.c: the program's last steps before execve, in the order that keeps
 * each one possible.  Runs in a CLONE_VM | CLONE_VFORK | CLONE_FILES child
 * of init: no page tables are copied (init is a copy of the worker, which
 * may be large), init sleeps until execve, and init's fd table is shared
 * until execve so the seccomp listener created here lands in init's table.
 * Hence: system calls only, no allocation, no stdio, results written into
 * the sbx_child_t that init reads after the vfork returns.
 *
 * stdin/stdout/stderr are already at fds 0-2 (init put them there); every
 * other fd is close-on-exec, so execve leaves the program exactly 0-2.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "internal.h"


#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC  (1U << 2)
#endif


static int
sbx_child_failed(sbx_child_t *c, const char *step)
{
    c->failed_errno = errno;
    c->failed_step = step;
    _exit(126);
}


int
sbx_child_main(void *arg)
{
    sbx_child_t                     *c = arg;
    const sbx_run_msg_t             *m = c->msg;
    struct __user_cap_header_struct  caph = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct    capd[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
    sigset_t                         none;
    long                             fd;
    int                              i, saved;

    /* init ignores SIGPIPE; ignored signals would survive execve */
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    /*
     * Become the unprivileged uid.  Raw system calls: glibc's wrappers
     * would try to synchronise threads, and this is not a glibc thread.
     * Supplementary groups were cleared once by init.
     */
    if (syscall(SYS_setresgid, SBX_INSIDE_UID, SBX_INSIDE_UID,
                SBX_INSIDE_UID) < 0)
    {
        sbx_child_failed(c, "setresgid");
    }
    if (syscall(SYS_setresuid, SBX_INSIDE_UID, SBX_INSIDE_UID,
                SBX_INSIDE_UID) < 0)
    {
        sbx_child_failed(c, "setresuid");
    }

    /*
     * Init is in the same memory cgroup (it owns the pooled cgroup between
     * runs); make sure the OOM killer always picks the program's tree.
     * Raising one's own oom_score_adj needs no privilege, only write access
     * to the file, which /proc gives to the task's (now mapped) uid once
     * the task is dumpable again; execve recomputes dumpability anyway.
     */
    if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) {
        sbx_child_failed(c, "PR_SET_DUMPABLE");
    }
    fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "1000", 4) != 4) {
        sbx_child_failed(c, "setting oom_score_adj");
    }
    close(fd);

    /*
     * Inside the user namespace uid 0 is not mapped, so setresuid() did not
     * clear the capabilities by itself: drop them all explicitly.
     */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
        sbx_child_failed(c, "clearing ambient capabilities");
    }
    if (syscall(SYS_capset, &caph, capd) < 0) {
        sbx_child_failed(c, "capset");
    }

    if (chdir(c->cwd) < 0) {
        sbx_child_failed(c, "chdir to the working directory");
    }

    /* no setuid or file-capability gains through execve, ever */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        sbx_child_failed(c, "PR_SET_NO_NEW_PRIVS");
    }

    if (c->filter->enabled) {
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
                    &c->filter->persona) < 0)
        {
            sbx_child_failed(c, "loading the abi seccomp filter");
        }

        fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                     SECCOMP_FILTER_FLAG_NEW_LISTENER, &c->filter->main);
        if (fd >= 0) {
            c->listener = (int) fd;
        } else if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
                           &c->filter->main_kill) < 0)
        {
            /* a listener is not available (say, the worker itself runs
             * under one): the kill variant still denies the same calls */
            sbx_child_failed(c, "loading the seccomp filter");
        }
    }

    if (sbx_rlimits_apply(m) < 0) {
        sbx_child_failed(c, "setrlimit");
    }

    /* belt and braces: nothing but 0-2 crosses execve */
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);

    saved = ENOENT;
    for (i = 0; c->paths[i] != NULL; i++) {
        execve(c->paths[i], c->argv, c->envp);
        if (errno != ENOENT && errno != ENOTDIR) {
            saved = errno;
            if (errno != EACCES) {
                break;
            }
        }
    }

    c->exec_errno = saved;
    _exit(127);
}
