/*
 * seccomp.c: the system call filter, as raw BPF, so a run only pays for
 * loading it.  The main program's rules are in seccomp_rules.c; the build
 * compiles them with libseccomp (gen_seccomp.c) into seccomp_bpf.h, which
 * this file embeds: a cold start does not build the filter (0.2 ms with
 * libseccomp), and t/unit checks that the embedded program is the one
 * libseccomp builds here and now, byte for byte.
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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "internal.h"
#include "seccomp_bpf.h"


#if defined(__x86_64__)
#define SBX_NATIVE_ARCH  AUDIT_ARCH_X86_64
#define SBX_X32_BIT      0x40000000u
#elif defined(__aarch64__)
#define SBX_NATIVE_ARCH  AUDIT_ARCH_AARCH64
#endif


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


/* The main program, a copy of the one the build generated. */
static int
sbx_filter_main(struct sock_fprog *prog, sbx_err_t *err)
{
    prog->filter = malloc(sizeof(sbx_bpf_main));
    if (prog->filter == NULL) {
        return sbx_fail(err, ENOMEM, "allocating the seccomp filter");
    }
    memcpy(prog->filter, sbx_bpf_main, sizeof(sbx_bpf_main));
    prog->len = sizeof(sbx_bpf_main) / sizeof(sbx_bpf_main[0]);
    return 0;
}


int
sbx_filter_build(sbx_filter_t *f, sbx_err_t *err)
{
    memset(f, 0, sizeof(*f));

    if (sbx_filter_main(&f->main, err) < 0
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
