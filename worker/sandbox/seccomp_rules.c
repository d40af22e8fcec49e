/*
 * seccomp_rules.c: the rules of the main seccomp program (see seccomp.c),
 * compiled to BPF by libseccomp.  The build runs it once, through
 * gen_seccomp.c, and the library embeds the program it exports; the tests
 * build it again here to check that the embedded one is the same.
 */

#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <seccomp.h>

#include "internal.h"


/*
 * Denied outright.  The reasons, briefly: escaping or reshaping the
 * sandbox (mount family, pivot_root, chroot, setns, unshare with namespace
 * flags), reading or steering other processes (ptrace, process_vm_*,
 * kcmp, pidfd_getfd), kernel attack surface that a judged program never
 * needs (bpf, perf_event_open, userfaultfd, io_uring, keyrings, modules,
 * kexec, fanotify, open_by_handle_at), and host-wide state (clock, swap,
 * reboot, hostname, accounting, quotas).
 */
static const char *const  sbx_denied[] = {
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "pidfd_getfd",
    "mount", "umount", "umount2", "pivot_root", "chroot", "setns",
    "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
    "mount_setattr",
    "kexec_load", "kexec_file_load", "init_module", "finit_module",
    "delete_module", "reboot", "swapon", "swapoff", "acct",
    "bpf", "perf_event_open", "userfaultfd",
    "keyctl", "add_key", "request_key",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "sethostname", "setdomainname", "syslog", "vhangup",
    "open_by_handle_at", "name_to_handle_at", "fanotify_init",
    "quotactl", "quotactl_fd", "lookup_dcookie", "nfsservctl",
    "iopl", "ioperm", "uselib",
    NULL
};


/* Namespace flags a program may not ask clone() or unshare() for. */
static const unsigned long  sbx_ns_flags[] = {
    CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC,
    CLONE_NEWUTS, CLONE_NEWCGROUP,
#ifdef CLONE_NEWTIME
    CLONE_NEWTIME,
#endif
};


static int
sbx_filter_export(scmp_filter_ctx ctx, struct sock_fprog *prog,
    sbx_err_t *err)
{
    int          fd, rc;
    struct stat  st;
    void        *buf;

    fd = memfd_create("sbx-bpf", MFD_CLOEXEC);
    if (fd < 0) {
        return sbx_fail(err, errno, "memfd_create for the seccomp filter");
    }

    rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0) {
        close(fd);
        return sbx_fail(err, -rc, "seccomp_export_bpf");
    }

    if (fstat(fd, &st) < 0) {
        rc = errno;
        close(fd);
        return sbx_fail(err, rc, "fstat seccomp filter");
    }

    buf = malloc(st.st_size);
    if (buf == NULL || pread(fd, buf, st.st_size, 0) != st.st_size) {
        free(buf);
        close(fd);
        return sbx_fail(err, ENOMEM, "reading back the seccomp filter");
    }
    close(fd);

    prog->filter = buf;
    prog->len = st.st_size / sizeof(struct sock_filter);
    return 0;
}


/*
 * Builds the main program with libseccomp, deny being the action of the
 * deny list (SCMP_ACT_NOTIFY for the sandbox's), into prog (malloc'ed).
 */
int
sbx_filter_rules(uint32_t deny, struct sock_fprog *prog, sbx_err_t *err)
{
    scmp_filter_ctx  ctx;
    int              nr, rc;
    size_t           i;

    ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL) {
        return sbx_fail(err, ENOMEM, "seccomp_init");
    }

    rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc < 0) {
        goto failed;
    }
    /* no_new_privs is set by the child itself, before loading */
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (rc < 0) {
        goto failed;
    }

    for (i = 0; sbx_denied[i] != NULL; i++) {
        nr = seccomp_syscall_resolve_name(sbx_denied[i]);
        if (nr == __NR_SCMP_ERROR) {
            continue;               /* not on this architecture */
        }
        rc = seccomp_rule_add(ctx, deny, nr, 0);
        if (rc < 0) {
            goto failed;
        }
    }

    /*
     * sockets: AF_UNIX only.  IPv4 and IPv6 sockets fail with
     * EAFNOSUPPORT instead of ending the run: runtimes probe them at
     * start-up (the JVM does, for javac and for any program using NIO),
     * and there is no network inside to reach anyway.  Every other
     * family (netlink, packet, ...) is a forbidden call.
     */
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket),
                          1, SCMP_A0(SCMP_CMP_EQ, AF_INET));
    if (rc < 0) {
        goto failed;
    }
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket),
                          1, SCMP_A0(SCMP_CMP_EQ, AF_INET6));
    if (rc < 0) {
        goto failed;
    }
    rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 1,
                          SCMP_A0(SCMP_CMP_GT, AF_INET6));
    if (rc < 0) {
        goto failed;
    }
    rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 1,
                          SCMP_A0(SCMP_CMP_EQ, AF_UNSPEC));
    if (rc < 0) {
        goto failed;
    }
    for (i = AF_INET + 1; i < AF_INET6; i++) {
        rc = seccomp_rule_add(ctx, deny, SCMP_SYS(socket), 1,
                              SCMP_A0(SCMP_CMP_EQ, i));
        if (rc < 0) {
            goto failed;
        }
    }

    /* no nested namespaces: one rule per flag, rules for a call are ORed */
    for (i = 0; i < sizeof(sbx_ns_flags) / sizeof(sbx_ns_flags[0]); i++) {
        rc = seccomp_rule_add(ctx, deny, SCMP_SYS(clone), 1,
                 SCMP_A0(SCMP_CMP_MASKED_EQ, sbx_ns_flags[i],
                         sbx_ns_flags[i]));
        if (rc < 0) {
            goto failed;
        }
        rc = seccomp_rule_add(ctx, deny, SCMP_SYS(unshare), 1,
                 SCMP_A0(SCMP_CMP_MASKED_EQ, sbx_ns_flags[i],
                         sbx_ns_flags[i]));
        if (rc < 0) {
            goto failed;
        }
    }

    /*
     * clone3 passes its flags in memory where BPF cannot look: answer
     * ENOSYS and glibc falls back to clone(), which the rules above see.
     */
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    if (rc < 0) {
        goto failed;
    }

    rc = sbx_filter_export(ctx, prog, err);
    seccomp_release(ctx);
    return rc;

failed:

    seccomp_release(ctx);
    return sbx_fail(err, -rc, "building the seccomp filter");
}
