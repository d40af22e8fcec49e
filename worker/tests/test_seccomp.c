/*
 * The sandbox's seccomp programs on the running kernel: each case loads
 * the abi program and one variant of the main program in a child (with
 * no_new_privs, as the sandbox does), makes one call and reports how it
 * went.  The kill variant, derived from the notifying one, must deny what
 * the notifying one denies, by SIGSYS instead of a notification, and let
 * the rest through unchanged.  The main program is embedded at build time:
 * it must be, byte for byte, what libseccomp builds from the rules now.
 */

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <seccomp.h>

#include "sandbox/internal.h"
#include "tap.h"


enum { CALL_GETPID, CALL_UNIX, CALL_INET, CALL_NETLINK, CALL_UNSHARE_NS,
       CALL_UNSHARE_FILES, CALL_CLONE3, CALL_UMOUNT, CALL_PERSONALITY };


/* Makes one call; the result is errno (0 for success) as exit status. */
static int
call(int which)
{
    long  rc;

    switch (which) {
    case CALL_GETPID:
        rc = syscall(SYS_getpid);
        break;
    case CALL_UNIX:
        rc = socket(AF_UNIX, SOCK_STREAM, 0);
        break;
    case CALL_INET:
        rc = socket(AF_INET, SOCK_STREAM, 0);
        break;
    case CALL_NETLINK:
        rc = socket(AF_NETLINK, SOCK_RAW, 0);
        break;
    case CALL_UNSHARE_NS:
        rc = unshare(CLONE_NEWNS);
        break;
    case CALL_UNSHARE_FILES:
        rc = unshare(CLONE_FILES);
        break;
    case CALL_CLONE3:
        rc = syscall(SYS_clone3, NULL, 0);
        break;
    case CALL_UMOUNT:
        rc = syscall(SYS_umount2, "/nonexistent-sandbox-test", 0);
        break;
    default:
        rc = syscall(SYS_personality, 0x0008);     /* PER_BSD */
        break;
    }
    return rc < 0 ? errno : 0;
}


/*
 * Runs call(which) in a child under the abi program and prog.  Returns
 * the errno it saw (>= 0), or minus the signal that ended it.
 */
static int
run_under(const struct sock_fprog *abi, const struct sock_fprog *prog,
    int which)
{
    pid_t  pid;
    int    st;

    pid = fork();
    if (pid < 0) {
        return -1000;
    }
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
            || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, abi) < 0
            || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0)
        {
            _exit(200);
        }
        _exit(call(which));
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        /* retry */
    }
    return WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
}


/* Counts the returns of one action in a program. */
static int
returns_of(const struct sock_fprog *prog, uint32_t action)
{
    int  i, n = 0;

    for (i = 0; i < prog->len; i++) {
        if (prog->filter[i].code == (BPF_RET | BPF_K)
            && prog->filter[i].k == action)
        {
            n++;
        }
    }
    return n;
}


int
main(void)
{
    static const struct {
        int          which;
        int          want;          /* errno, or -SIGSYS: denied */
        const char  *name;
    } cases[] = {
        { CALL_GETPID, 0, "getpid allowed" },
        { CALL_UNIX, 0, "AF_UNIX socket allowed" },
        { CALL_INET, EAFNOSUPPORT, "AF_INET socket fails, EAFNOSUPPORT" },
        { CALL_NETLINK, -SIGSYS, "AF_NETLINK socket denied" },
        { CALL_UNSHARE_NS, -SIGSYS, "unshare(CLONE_NEWNS) denied" },
        { CALL_UNSHARE_FILES, 0, "unshare(CLONE_FILES) allowed" },
        { CALL_CLONE3, ENOSYS, "clone3 answers ENOSYS" },
        { CALL_UMOUNT, -SIGSYS, "umount2 denied" },
        { CALL_PERSONALITY, -SIGSYS, "personality(PER_BSD) denied (abi)" },
    };
    sbx_filter_t       f;
    sbx_err_t          err;
    struct sock_fprog  built;
    size_t             i;
    int                notif, got;

    if (!ok(sbx_filter_build(&f, &err) == 0, "the filters build")) {
        printf("# %s\n", err.msg);
        return done_testing();
    }

    if (ok(sbx_filter_rules(SCMP_ACT_NOTIFY, &built, &err) == 0,
           "libseccomp builds the rules at run time"))
    {
        is_int(f.main.len, built.len, "the embedded program is as long");
        ok(f.main.len == built.len
           && memcmp(f.main.filter, built.filter,
                     built.len * sizeof(struct sock_filter)) == 0,
           "the embedded program is the one libseccomp builds");
        free(built.filter);
    } else {
        printf("# %s\n", err.msg);
    }

    notif = returns_of(&f.main, SECCOMP_RET_USER_NOTIF);
    ok(notif > 0, "the main program notifies");
    is_int(f.main_kill.len, f.main.len, "the kill variant is as long");
    is_int(returns_of(&f.main_kill, SECCOMP_RET_USER_NOTIF), 0,
           "the kill variant never notifies");
    is_int(returns_of(&f.main_kill, SECCOMP_RET_KILL_PROCESS),
           returns_of(&f.main, SECCOMP_RET_KILL_PROCESS) + notif,
           "it kills where the main program notifies");

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        got = run_under(&f.persona, &f.main_kill, cases[i].which);
        is_int(got, cases[i].want, cases[i].name);
    }

    sbx_filter_free(&f);
    return done_testing();
}
