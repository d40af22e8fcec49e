/*
 * bench/sandbox/bench.c: per-run cost of starting a program, measured the
 * way research/sandbox.md section 2 did: interleaved rounds (every mode in
 * every round, a settle pause between blocks) so host noise hits all modes
 * alike; pooled median and p99 per mode, ratios to bare from the same run.
 *
 *   bench DIR ROUNDS RUNS WARMUP [CLI]
 *
 * DIR holds a static "true".  Modes:
 *   bare   fork + execve + waitpid of DIR/true
 *   warm   sandbox_run() on one instance created up front (the worker's case)
 *   cold   sandbox_create() + sandbox_run() + sandbox_destroy() per run
 *   cli    fork + exec of judge-sandbox (a cold run plus JSON), if CLI given
 *   bwrap  bwrap --unshare-all ... DIR/true as uid 61000, if installed
 */

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sandbox.h"


enum { M_BARE, M_WARM, M_COLD, M_CLI, M_BWRAP, M_N };

static const char *const  mode_name[M_N] = {
    "bare", "warm", "cold", "cli", "bwrap"
};


static uint64_t
now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + ts.tv_nsec;
}


static int
spawn_wait(char *const argv[], uid_t uid)
{
    pid_t  pid;
    int    st, fd;

    pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        fd = open("/dev/null", O_RDWR);
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (uid != 0 && (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0
                         || setresuid(uid, uid, uid) < 0))
        {
            _exit(126);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        /* retry */
    }
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}


static int
cmp_u64(const void *a, const void *b)
{
    uint64_t  x = *(const uint64_t *) a, y = *(const uint64_t *) b;

    return x < y ? -1 : x > y;
}


int
main(int argc, char **argv)
{
    char               truep[512], bind[600];
    int                rounds, runs, warmup, r, m, i, have[M_N] = { 0 };
    uint64_t          *samples[M_N], n[M_N] = { 0 }, t0, med[M_N];
    sandbox_config_t   cfg;
    sandbox_bind_t     b;
    sandbox_spec_t     spec;
    sandbox_result_t   res;
    sandbox_t         *warm;
    char               err[256];
    const char        *targv[] = { "/b/true", NULL };
    char              *bare_argv[2], *cli_argv[8], *bw_argv[32];

    if (argc < 5) {
        fprintf(stderr, "usage: bench DIR ROUNDS RUNS WARMUP [CLI]\n");
        return 2;
    }
    rounds = atoi(argv[2]);
    runs = atoi(argv[3]);
    warmup = atoi(argv[4]);
    snprintf(truep, sizeof(truep), "%s/true", argv[1]);
    snprintf(bind, sizeof(bind), "%s:/b", argv[1]);

    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    memset(&cfg, 0, sizeof(cfg));
    b.host_path = argv[1];
    b.inside_path = "/b";
    b.writable = 0;
    cfg.binds = &b;
    cfg.nbinds = 1;
    cfg.slot = 90;

    memset(&spec, 0, sizeof(spec));
    spec.argv = targv;

    bare_argv[0] = truep;
    bare_argv[1] = NULL;

    cli_argv[0] = argc > 5 ? argv[5] : NULL;
    cli_argv[1] = "--slot";
    cli_argv[2] = "91";
    cli_argv[3] = "--dir";
    cli_argv[4] = bind;
    cli_argv[5] = "--";
    cli_argv[6] = "/b/true";
    cli_argv[7] = NULL;

    i = 0;
    bw_argv[i++] = "/usr/bin/bwrap";
    bw_argv[i++] = "--unshare-all";
    bw_argv[i++] = "--ro-bind"; bw_argv[i++] = "/usr"; bw_argv[i++] = "/usr";
    bw_argv[i++] = "--symlink"; bw_argv[i++] = "usr/lib"; bw_argv[i++] = "/lib";
    bw_argv[i++] = "--symlink"; bw_argv[i++] = "usr/lib64";
    bw_argv[i++] = "/lib64";
    bw_argv[i++] = "--symlink"; bw_argv[i++] = "usr/bin"; bw_argv[i++] = "/bin";
    bw_argv[i++] = "--ro-bind"; bw_argv[i++] = argv[1]; bw_argv[i++] = "/b";
    bw_argv[i++] = "--proc"; bw_argv[i++] = "/proc";
    bw_argv[i++] = "--dev"; bw_argv[i++] = "/dev";
    bw_argv[i++] = "/b/true";
    bw_argv[i] = NULL;

    have[M_BARE] = have[M_WARM] = have[M_COLD] = 1;
    have[M_CLI] = cli_argv[0] != NULL && access(cli_argv[0], X_OK) == 0;
    have[M_BWRAP] = access(bw_argv[0], X_OK) == 0;

    warm = sandbox_create(&cfg, err, sizeof(err));
    if (warm == NULL) {
        fprintf(stderr, "sandbox_create: %s\n", err);
        return 1;
    }

    for (m = 0; m < M_N; m++) {
        samples[m] = calloc((size_t) rounds * runs, sizeof(uint64_t));
    }

    for (r = 0; r < rounds; r++) {
        for (m = 0; m < M_N; m++) {
            if (!have[m]) {
                continue;
            }
            usleep(200000);                     /* settle */
            for (i = -warmup; i < runs; i++) {
                int  ok = 0;

                t0 = now_ns();
                switch (m) {
                case M_BARE:
                    ok = spawn_wait(bare_argv, 0) == 0;
                    break;
                case M_WARM:
                    ok = sandbox_run(warm, &spec, &res) == 0
                         && res.status == SANDBOX_OK;
                    if (!ok) {
                        fprintf(stderr, "warm: %s %s\n",
                                sandbox_status_name(res.status), res.message);
                    }
                    sandbox_result_free(&res);
                    break;
                case M_COLD: {
                    sandbox_t  *sb = sandbox_create(&cfg, err, sizeof(err));
                    ok = sb != NULL && sandbox_run(sb, &spec, &res) == 0
                         && res.status == SANDBOX_OK;
                    if (sb != NULL) {
                        sandbox_result_free(&res);
                    }
                    sandbox_destroy(sb);
                    break;
                }
                case M_CLI:
                    ok = spawn_wait(cli_argv, 0) == 0;
                    break;
                case M_BWRAP:
                    ok = spawn_wait(bw_argv, 61000) == 0;
                    break;
                }
                if (!ok) {
                    fprintf(stderr, "%s: run failed\n", mode_name[m]);
                    return 1;
                }
                if (i >= 0) {
                    samples[m][n[m]++] = now_ns() - t0;
                }
            }
        }
        fprintf(stderr, "round %d/%d done\n", r + 1, rounds);
    }

    sandbox_destroy(warm);

    printf("%-6s %8s %10s %10s %10s %8s %8s\n", "mode", "runs", "median_us",
           "p10_us", "p99_us", "x_bare", "p99_x");
    for (m = 0; m < M_N; m++) {
        uint64_t  *s = samples[m];

        if (!have[m] || n[m] == 0) {
            continue;
        }
        qsort(s, n[m], sizeof(uint64_t), cmp_u64);
        med[m] = s[n[m] / 2];
    }
    for (m = 0; m < M_N; m++) {
        uint64_t  *s = samples[m];
        uint64_t   p99, p10;

        if (!have[m] || n[m] == 0) {
            continue;
        }
        p10 = s[n[m] / 10];
        p99 = s[(n[m] * 99) / 100];
        printf("%-6s %8llu %10.0f %10.0f %10.0f %8.2f %8.2f\n", mode_name[m],
               (unsigned long long) n[m], med[m] / 1e3, p10 / 1e3, p99 / 1e3,
               (double) med[m] / med[M_BARE],
               (double) p99 / samples[M_BARE][(n[M_BARE] * 99) / 100]);
    }
    return 0;
}
