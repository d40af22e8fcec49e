/*
 * verdict.c: the limits' part of a run's verdict, shared by the backends:
 * each decides first what only it can tell (a kill on request, a failed
 * start, a forbidden system call), then hands the ended run's figures
 * here.  First match wins, in the order docs/SANDBOX.md gives.
 */

#include <signal.h>
#include <stdio.h>

#include "sandbox.h"


void
sandbox_verdict(const sandbox_limits_t *lim, const sandbox_end_t *end,
    sandbox_result_t *res)
{
    if (end->oom) {
        res->status = SANDBOX_MLE;
        snprintf(res->message, sizeof(res->message),
                 "memory limit %llu KB exceeded",
                 (unsigned long long) lim->memory_kb);
        if (res->memory_kb < lim->memory_kb) {
            res->memory_kb = lim->memory_kb;
        }
    } else if (res->signal == SIGSEGV && end->memory_exact
               && lim->stack_kb >= lim->memory_kb
               && res->memory_kb * 100 >= lim->memory_kb * 97)
    {
        /* a stack that grew into the memory limit: the same thing */
        res->status = SANDBOX_MLE;
        snprintf(res->message, sizeof(res->message),
                 "memory limit %llu KB exceeded (stack)",
                 (unsigned long long) lim->memory_kb);
    } else if (end->kill_reason == SANDBOX_OLE) {
        res->status = SANDBOX_OLE;
        snprintf(res->message, sizeof(res->message),
                 "output limit %llu KB exceeded on %s",
                 (unsigned long long) lim->output_kb,
                 end->out_truncated ? "stdout" : "stderr");
    } else if (end->kill_reason == SANDBOX_TLE) {
        res->status = SANDBOX_TLE;
        snprintf(res->message, sizeof(res->message),
                 "cpu time limit %llu ms exceeded",
                 (unsigned long long) lim->cpu_time_ms);
    } else if (end->kill_reason == SANDBOX_WLE) {
        res->status = SANDBOX_WLE;
        snprintf(res->message, sizeof(res->message),
                 "wall time limit %llu ms exceeded",
                 (unsigned long long) lim->wall_time_ms);
    } else if (res->signal == SIGXFSZ) {
        res->status = SANDBOX_OLE;
        snprintf(res->message, sizeof(res->message),
                 "file size limit %llu KB exceeded",
                 (unsigned long long) lim->file_size_kb);
    } else if (res->signal == SIGXCPU || res->cpu_time_ms > lim->cpu_time_ms) {
        res->status = SANDBOX_TLE;
        snprintf(res->message, sizeof(res->message),
                 "cpu time limit %llu ms exceeded",
                 (unsigned long long) lim->cpu_time_ms);
    } else if (!end->memory_exact && (res->signal != 0 || res->exit_code != 0)
               && end->maxrss_kb * 10 >= lim->memory_kb * 8)
    {
        res->status = SANDBOX_MLE;
        snprintf(res->message, sizeof(res->message),
                 "memory limit %llu KB probably exceeded (address-space "
                 "limit, no memory cgroup)",
                 (unsigned long long) lim->memory_kb);
    } else if (res->signal != 0) {
        res->status = SANDBOX_RE;
        snprintf(res->message, sizeof(res->message), "killed by %s",
                 sandbox_signal_name(res->signal));
    } else if (res->exit_code != 0) {
        res->status = SANDBOX_RE;
        snprintf(res->message, sizeof(res->message), "exit code %d",
                 res->exit_code);
    } else {
        res->status = SANDBOX_OK;
        res->message[0] = '\0';
    }
}
