/*
 * rlimit.c: the per-process limits.  The supervisor plans them (it knows
 * the host's hard limits and whether a memory cgroup exists); the child
 * applies them just before execve.
 *
 * Which limit does what:
 *   RLIMIT_CPU     backstop only: 1 s granularity, per process.  The tree's
 *                  CPU limit is enforced by the supervisor (supervise.c).
 *   RLIMIT_FSIZE   largest file; exceeding it raises SIGXFSZ -> OLE.
 *   RLIMIT_STACK   main thread stack (and glibc's default thread stack).
 *                  When it is the whole memory limit (the default), it is
 *                  set 64 MiB above so that the cgroup's OOM kill (MLE)
 *                  ends a runaway recursion first.
 *   RLIMIT_NOFILE  open files.
 *   RLIMIT_NPROC   processes and threads of the program's uid.  Counted per
 *                  user namespace, so only the run's own tasks count.
 *   RLIMIT_CORE    0: no core dumps into the work dir.
 *   RLIMIT_AS      only without a memory cgroup (the fallback): it breaks
 *                  JIT runtimes that reserve address space (node needs
 *                  1 GiB or more), and a cgroup measures what is really used.
 *
 * Root here lacks CAP_SYS_RESOURCE, so a limit can only be lowered: each
 * value is clamped to the hard limit the worker inherited.
 */

#include <errno.h>
#include <sys/resource.h>

#include "internal.h"


static uint64_t
sbx_clamp(uint64_t v, rlim_t hard)
{
    if (hard != RLIM_INFINITY && v > hard) {
        return hard;
    }
    return v;
}


void
sbx_rlimits_plan(const sandbox_t *sb, const sandbox_limits_t *lim,
    sbx_run_msg_t *msg)
{
    /* the supervisor kills at the limit; this only catches a stuck one */
    msg->rl_cpu_s = (lim->cpu_time_ms + 999) / 1000 + 1;
    msg->rl_fsize = lim->file_size_kb * 1024;
    msg->rl_stack = lim->stack_kb * 1024;
    if (sb->cg.version != 0 && lim->stack_kb >= lim->memory_kb) {
        /*
         * The stack may use all the memory: let the memory cgroup end a
         * runaway recursion (MLE), not a SIGSEGV racing it at the same size.
         */
        msg->rl_stack += 64ull << 20;
    }
    msg->rl_stack = sbx_clamp(msg->rl_stack, sb->hard_stack);
    msg->rl_nofile = sbx_clamp(lim->open_files, sb->hard_nofile);
    msg->rl_nproc = sbx_clamp(lim->processes, sb->hard_nproc);
    msg->rl_as = 0;

    if (sb->cg.version == 0) {
        msg->flags |= SBX_RUN_RLIMIT_AS;
        msg->rl_as = lim->memory_kb * 1024;
    }
}


static int
sbx_setrlimit(int resource, uint64_t soft, uint64_t hard)
{
    struct rlimit  rl;

    rl.rlim_cur = soft;
    rl.rlim_max = hard;
    return setrlimit(resource, &rl);
}


/*
 * Runs in the CLONE_VM child: only system calls, no allocation.  Returns 0
 * or -1 with errno set.
 */
int
sbx_rlimits_apply(const sbx_run_msg_t *msg)
{
    if (sbx_setrlimit(RLIMIT_CPU, msg->rl_cpu_s, msg->rl_cpu_s + 1) < 0
        || sbx_setrlimit(RLIMIT_FSIZE, msg->rl_fsize, msg->rl_fsize) < 0
        || sbx_setrlimit(RLIMIT_STACK, msg->rl_stack, msg->rl_stack) < 0
        || sbx_setrlimit(RLIMIT_NOFILE, msg->rl_nofile, msg->rl_nofile) < 0
        || sbx_setrlimit(RLIMIT_NPROC, msg->rl_nproc, msg->rl_nproc) < 0
        || sbx_setrlimit(RLIMIT_CORE, 0, 0) < 0)
    {
        return -1;
    }

    if ((msg->flags & SBX_RUN_RLIMIT_AS)
        && sbx_setrlimit(RLIMIT_AS, msg->rl_as, msg->rl_as) < 0)
    {
        return -1;
    }

    return 0;
}
