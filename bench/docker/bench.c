/*
 * bench/docker/bench.c: per-test overhead of the Docker backend against
 * the native sandbox and a bare fork + exec, for a static hello-world C
 * program, all measured in the same run: interleaved rounds (every mode
 * in every round), medians per mode, ratios to bare and to native.  Then
 * where a Docker run's time goes, from the backend's own counters.
 *
 *   bench DIR ROUNDS RUNS WRAPPER
 *
 * DIR holds the static "hello".  Modes:
 *   bare    fork + execve + waitpid of DIR/hello, stdout to a pipe
 *   native  sandbox_run() on one native instance created up front
 *   docker  sandbox_run() on one Docker instance, a warm container
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "docker.h"
#include "sandbox.h"


enum { M_BARE, M_NATIVE, M_DOCKER, M_N };

static const char *const  mode_name[M_N] = { "bare", "native", "docker" };


static uint64_t
now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + ts.tv_nsec;
}


static int
bare_run(char *const argv[])
{
    char   buf[256];
    pid_t  pid;
    int    st, p[2];

    if (pipe(p) < 0) {
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    while (read(p[0], buf, sizeof(buf)) > 0) {
        /* drain */
    }
    close(p[0]);
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


static char *
slurp(const char *path, size_t *len)
{
    struct stat  st;
    char        *buf;
    int          fd;

    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0) {
        return NULL;
    }
    buf = malloc(st.st_size);
    if (buf == NULL || read(fd, buf, st.st_size) != st.st_size) {
        return NULL;
    }
    close(fd);
    *len = st.st_size;
    return buf;
}


static void
docker_log(void *data, int error, const char *msg)
{
    (void) data;
    fprintf(stderr, "%s%s\n", error ? "error: " : "", msg);
}


/* One run on the native sandbox sb, or the docker instance "inst". */
static int
sandboxed_run(sandbox_t *sb, void *inst, const sandbox_spec_t *spec)
{
    sandbox_result_t  res;
    int               ok;

    if (inst != NULL) {
        (void) docker_backend.run(inst, spec, &res);
    } else {
        (void) sandbox_run(sb, spec, &res);
    }
    ok = res.status == SANDBOX_OK && res.out_len == 14;
    if (!ok) {
        fprintf(stderr, "run failed: %s %s (stdout %zu bytes, stderr "
                "\"%s\")\n", sandbox_status_name(res.status), res.message,
                res.out_len, res.err != NULL ? res.err : "");
    }
    sandbox_result_free(&res);
    return ok ? 0 : -1;
}


int
main(int argc, char **argv)
{
    static const char *const  run_argv[] = { "./hello", NULL };
    const docker_times_t     *dt;
    docker_times_t            base;
    sandbox_config_t          cfg;
    docker_config_t           dc;
    sandbox_spec_t            spec;
    sandbox_file_t            file;
    sandbox_t                *native;
    void                     *inst;
    docker_t                 *d;
    uint64_t                 *t[M_N], t0, med[M_N];
    char                      path[4096], err[512], owner[300];
    char                      host[256] = "";
    char                     *bare_argv[2];
    int                       rounds, runs, r, i, m, n;
    double                    per;

    if (argc != 5) {
        fprintf(stderr, "usage: bench DIR ROUNDS RUNS WRAPPER\n");
        return 2;
    }
    rounds = atoi(argv[2]);
    runs = atoi(argv[3]);
    snprintf(path, sizeof(path), "%s/hello", argv[1]);
    bare_argv[0] = path;
    bare_argv[1] = NULL;

    file.name = "hello";
    file.mode = 0755;
    file.data = slurp(path, &file.len);
    if (file.data == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }

    memset(&cfg, 0, sizeof(cfg));
    native = sandbox_create(&cfg, err, sizeof(err));
    if (native == NULL) {
        fprintf(stderr, "native sandbox: %s\n", err);
        return 1;
    }

    /* one owner per host: a run killed halfway is cleaned up by the next */
    gethostname(host, sizeof(host) - 1);
    snprintf(owner, sizeof(owner), "bench-docker:%s", host);
    memset(&dc, 0, sizeof(dc));
    dc.socket_path = DOCKER_DEFAULT_SOCKET;
    dc.image = DOCKER_DEFAULT_IMAGE;
    dc.owner = owner;
    dc.wrapper = argv[4];
    dc.runners = 1;
    dc.builders = 0;
    dc.uses = 1000000;
    dc.timeout_ms = DOCKER_DEFAULT_TIMEOUT;
    dc.log = docker_log;
    d = docker_open(&dc, err, sizeof(err));
    if (d == NULL) {
        fprintf(stderr, "docker: %s\n", err);
        return 1;
    }
    cfg.backend = &docker_backend;
    cfg.backend_data = d;
    inst = docker_backend.create(&cfg, err, sizeof(err));
    if (inst == NULL) {
        fprintf(stderr, "docker sandbox: %s\n", err);
        docker_close(d);
        return 1;
    }

    memset(&spec, 0, sizeof(spec));
    spec.argv = run_argv;
    spec.files = &file;
    spec.nfiles = 1;

    /* the warm-up: the first docker run waits for its container */
    for (i = 0; i < 5; i++) {
        if (bare_run(bare_argv) < 0 || sandboxed_run(native, NULL, &spec) < 0
            || sandboxed_run(NULL, inst, &spec) < 0)
        {
            goto failed;
        }
    }
    dt = docker_instance_times(inst);
    base = *dt;

    n = rounds * runs;
    for (m = 0; m < M_N; m++) {
        t[m] = calloc(n, sizeof(uint64_t));
    }
    for (r = 0; r < rounds; r++) {
        for (m = 0; m < M_N; m++) {
            for (i = 0; i < runs; i++) {
                t0 = now_ns();
                if ((m == M_BARE ? bare_run(bare_argv)
                     : sandboxed_run(native, m == M_DOCKER ? inst : NULL,
                                     &spec)) < 0)
                {
                    goto failed;
                }
                t[m][r * runs + i] = now_ns() - t0;
            }
        }
    }

    printf("%-8s %12s %10s %10s\n", "mode", "median ms", "x bare",
           "x native");
    for (m = 0; m < M_N; m++) {
        qsort(t[m], n, sizeof(uint64_t), cmp_u64);
        med[m] = t[m][n / 2];
    }
    for (m = 0; m < M_N; m++) {
        printf("%-8s %12.3f %10.1f %10.2f\n", mode_name[m], med[m] / 1e6,
               (double) med[m] / med[M_BARE],
               (double) med[m] / med[M_NATIVE]);
    }

    per = 1000.0 * (dt->runs - base.runs);
    printf("\ndocker run breakdown, mean ms per run over %llu runs:\n",
           (unsigned long long) (dt->runs - base.runs));
    printf("  %-34s %8.3f\n", "waiting for a warm container",
           (dt->acquire_us - base.acquire_us) / per);
    printf("  %-34s %8.3f\n", "files + stdin in (/proc/PID/root)",
           (dt->files_in_us - base.files_in_us) / per);
    printf("  %-34s %8.3f\n", "cgroup limits set, counters read",
           (dt->cgroup_us - base.cgroup_us) / per);
    printf("  %-34s %8.3f\n", "exec create (POST)",
           (dt->exec_create_us - base.exec_create_us) / per);
    printf("  %-34s %8.3f\n", "exec start: attach, run, stream end",
           (dt->exec_start_us - base.exec_start_us) / per);
    printf("  %-34s %8.3f\n", "  of which until the wrapper ran",
           (dt->exec_ready_us - base.exec_ready_us) / per);
    printf("  %-34s %8.3f\n", "exec inspect (GET)",
           (dt->exec_inspect_us - base.exec_inspect_us) / per);
    printf("  %-34s %8.3f\n", "status + collected files out",
           (dt->files_out_us - base.files_out_us) / per);
    printf("  %-34s %8.3f\n", "leftover checks, work dir emptied",
           (dt->cleanup_us - base.cleanup_us) / per);
    printf("  %-34s %8.3f\n", "total", (dt->total_us - base.total_us) / per);

    docker_backend.destroy(inst);
    sandbox_destroy(native);
    docker_close(d);
    return 0;

failed:

    /* the container goes in any case */
    docker_backend.destroy(inst);
    docker_close(d);
    return 1;
}
