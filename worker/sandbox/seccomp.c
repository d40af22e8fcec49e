/*
 * seccomp.c: the system call filter, built once per instance with
 * libseccomp and exported as raw BPF, so a run only pays for loading it.
 *
 * Two programs are stacked in the child:
 *
 *   main     default allow; the deny list returns SECCOMP_RET_USER_NOTIF.
 *            Init holds the listener, so when the program makes a denied
 *            call init learns the syscall number, kills the run and the
 *            verdict names the call ("forbidden syscall socket").  A kill
 *            variant (SECCOMP_RET_KILL_PROCESS) is kept for kernels or
 *            parents where a listener cannot be had.
 *   abi      written by hand because libseccomp cannot compare one
 *            argument twice: kills x32 syscall numbers and personality()
 *            with anything but PER_LINUX or the 0xffffffff query.  Its
 *            kills surface as SIGSYS, reported as a forbidden syscall
 *            without a name.
 *
 * Non-native ABIs (i386 int 0x80 on x86_64) hit libseccomp's bad-arch
 * action, KILL_PROCESS.
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <seccomp.h>

#include "internal.h"


#if defined(__x86_64__)
#define SBX_NATIVE_ARCH  AUDIT_ARCH_X86_64
#define SBX_X32_BIT      0x40000000u
#elif defined(__aarch64__)
#define SBX_NATIVE_ARCH  AUDIT_ARCH_AARCH64
#endif


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


static int
sbx_filter_libseccomp(uint32_t deny, struct sock_fprog *prog, sbx_err_t *err)
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


/* The hand-written "abi" program, see the top of the file. */
static int
sbx_filter_abi(struct sock_fprog *prog, sbx_err_t *err)
{
    struct sock_filter  code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SBX_NATIVE_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef SBX_X32_BIT
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, SBX_X32_BIT, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_personality, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* the kernel reads personality's argument as 32 bits */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                 offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };

    prog->filter = malloc(sizeof(code));
    if (prog->filter == NULL) {
        return sbx_fail(err, ENOMEM, "allocating the abi filter");
    }
    memcpy(prog->filter, code, sizeof(code));
    prog->len = sizeof(code) / sizeof(code[0]);
    return 0;
}


/*
 * The kill variant of main: the same program with every return of
 * SECCOMP_RET_USER_NOTIF made SECCOMP_RET_KILL_PROCESS.  A copy costs
 * nothing; a second libseccomp build costs about 0.1 ms of a cold start.
 */
static int
sbx_filter_kill_variant(const struct sock_fprog *notif,
    struct sock_fprog *kill, sbx_err_t *err)
{
    size_t  i;

    kill->filter = malloc(notif->len * sizeof(struct sock_filter));
    if (kill->filter == NULL) {
        return sbx_fail(err, ENOMEM, "allocating the seccomp filter");
    }
    memcpy(kill->filter, notif->filter,
           notif->len * sizeof(struct sock_filter));
    kill->len = notif->len;

    for (i = 0; i < kill->len; i++) {
        if (kill->filter[i].code == (BPF_RET | BPF_K)
            && kill->filter[i].k == SECCOMP_RET_USER_NOTIF)
        {
            kill->filter[i].k = SECCOMP_RET_KILL_PROCESS;
        }
    }
    return 0;
}


int
sbx_filter_build(sbx_filter_t *f, sbx_err_t *err)
{
    memset(f, 0, sizeof(*f));

    if (sbx_filter_libseccomp(SCMP_ACT_NOTIFY, &f->main, err) < 0
        || sbx_filter_kill_variant(&f->main, &f->main_kill, err) < 0
        || sbx_filter_abi(&f->persona, err) < 0)
    {
        sbx_filter_free(f);
        return -1;
    }

    f->enabled = 1;
    return 0;
}


void
sbx_filter_free(sbx_filter_t *f)
{
    free(f->main.filter);
    free(f->main_kill.filter);
    free(f->persona.filter);
    memset(f, 0, sizeof(*f));
}


const char *
sbx_syscall_name(int nr, uint32_t arch, char *buf, size_t size)
{
    char  *name;

    name = seccomp_syscall_resolve_num_arch(arch, nr);
    if (name != NULL) {
        snprintf(buf, size, "%s", name);
        free(name);
    } else {
        snprintf(buf, size, "#%d", nr);
    }
    return buf;
}
