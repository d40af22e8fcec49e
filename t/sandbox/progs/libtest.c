/*
 * libtest: exercises worker/sandbox/sandbox.h directly, as the worker will.
 * Prints "ok N - text" / "not ok N - text" lines (TAP), read by 40-library.t.
 *   - N threads, each with its own instance, many runs at once;
 *   - stdin from a buffer, files placed and collected, a payload large
 *     enough to go through the memfd path, a run with its own bind;
 *   - a live output hook: the bytes as they come, calls while quiet;
 *   - host info.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox.h"

static int test_no;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void ok(int cond, const char *fmt, const char *arg)
{
    pthread_mutex_lock(&lock);
    printf("%sok %d - ", cond ? "" : "not ", ++test_no);
    printf(fmt, arg);
    printf("\n");
    fflush(stdout);
    pthread_mutex_unlock(&lock);
}

typedef struct { unsigned slot; int runs; int failures; char why[300]; } job_t;

/* What a live output hook saw: the bytes of each stream, when its first
 * and last bytes came, its calls without bytes, and the longest time
 * between two calls. */
typedef struct {
    char      out[8192], err[8192];
    size_t    out_len, err_len;
    double    start, first_out, last_out, last_call, longest_gap;
    int       ticks, bad_calls, delay;
} live_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int live_hook(void *data, unsigned stream, const char *bytes, size_t len)
{
    live_t *lv = data;
    double t = now_s();

    if (t - lv->last_call > lv->longest_gap)
        lv->longest_gap = t - lv->last_call;
    lv->last_call = t;

    if (stream == 0) {
        lv->ticks++;
        lv->bad_calls += len != 0;
    } else if (len == 0 || (stream != SANDBOX_STDOUT && stream != SANDBOX_STDERR)) {
        lv->bad_calls++;
    } else if (stream == SANDBOX_STDOUT && lv->out_len + len <= sizeof(lv->out)) {
        memcpy(lv->out + lv->out_len, bytes, len);
        lv->out_len += len;
        if (lv->first_out == 0)
            lv->first_out = t - lv->start;
        lv->last_out = t - lv->start;
    } else if (stream == SANDBOX_STDERR && lv->err_len + len <= sizeof(lv->err)) {
        memcpy(lv->err + lv->err_len, bytes, len);
        lv->err_len += len;
    }
    return lv->delay;
}

static void *worker(void *arg)
{
    job_t *j = arg;
    sandbox_config_t cfg = { .slot = j->slot };
    char err[256], expect[64];
    sandbox_t *sb = sandbox_create(&cfg, err, sizeof(err));

    if (sb == NULL) {
        j->failures = j->runs;
        snprintf(j->why, sizeof(j->why), "create: %s", err);
        return NULL;
    }
    for (int i = 0; i < j->runs; i++) {
        char input[64];
        const char *argv[] = { "/bin/sh", "-c", "read x; echo \"$x $(id -u)\"", NULL };
        sandbox_spec_t spec = { .argv = argv };
        sandbox_result_t res;

        snprintf(input, sizeof(input), "slot%u-run%d\n", j->slot, i);
        spec.stdin_data = input;
        spec.stdin_len = strlen(input);
        snprintf(expect, sizeof(expect), "slot%u-run%d 1000\n", j->slot, i);
        if (sandbox_run(sb, &spec, &res) != 0 || res.status != SANDBOX_OK
            || res.out == NULL || strcmp(res.out, expect) != 0) {
            j->failures++;
            snprintf(j->why, sizeof(j->why), "%s %s out=%s",
                     sandbox_status_name(res.status), res.message,
                     res.out ? res.out : "");
        }
        sandbox_result_free(&res);
    }
    sandbox_destroy(sb);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *bind_dir = argc > 1 ? argv[1] : "/tmp";
    enum { NT = 4 };
    pthread_t t[NT];
    job_t jobs[NT];
    char err[256];

    /* concurrent instances */
    for (int i = 0; i < NT; i++) {
        jobs[i] = (job_t) { .slot = 80 + i, .runs = 25 };
        pthread_create(&t[i], NULL, worker, &jobs[i]);
    }
    for (int i = 0; i < NT; i++) {
        pthread_join(t[i], NULL);
        ok(jobs[i].failures == 0, "thread with its own instance: 25 runs, all right %s",
           jobs[i].why);
    }

    sandbox_config_t cfg = { .slot = 79 };
    sandbox_t *sb = sandbox_create(&cfg, err, sizeof(err));
    ok(sb != NULL, "create %s", err);
    if (sb == NULL)
        return 1;

    /* files in, files out, big payload (memfd path) */
    {
        size_t big = 3 << 20;
        char *blob = malloc(big);
        for (size_t i = 0; i < big; i++)
            blob[i] = (char) ('a' + i % 26);
        static const char script[] =
            "cp data.bin copy.bin; echo made > note.txt; ln -s /etc/passwd link\n";
        sandbox_file_t files[] = {
            { "data.bin", blob, big, 0644 },
            { "run.sh", script, sizeof(script) - 1, 0755 },
        };
        const char *collect[] = { "copy.bin", "note.txt", "link", "absent" };
        const char *argv2[] = { "/bin/sh", "run.sh", NULL };
        sandbox_spec_t spec = { .argv = argv2, .files = files, .nfiles = 2,
                                .collect = collect, .ncollect = 4 };
        sandbox_result_t res;

        sandbox_run(sb, &spec, &res);
        ok(res.status == SANDBOX_OK, "files: run OK %s", res.message);
        ok(res.nfiles == 4, "files: four results%s", "");
        ok(res.nfiles == 4 && res.files[0].error == 0 && res.files[0].len == big
           && memcmp(res.files[0].data, blob, big) == 0,
           "files: a 3 MiB file placed and collected intact%s", "");
        ok(res.nfiles == 4 && res.files[1].error == 0
           && strcmp(res.files[1].data, "made\n") == 0, "files: note.txt%s", "");
        ok(res.nfiles == 4 && res.files[2].error == ELOOP && res.files[2].data == NULL,
           "files: a symlink is not followed out of the box%s", "");
        ok(res.nfiles == 4 && res.files[3].error != 0, "files: a missing file is an error%s", "");
        sandbox_result_free(&res);
        free(blob);
    }

    /* the work dir is wiped between runs */
    {
        const char *argv3[] = { "/bin/ls", "-A", "/box", NULL };
        sandbox_spec_t spec = { .argv = argv3 };
        sandbox_result_t res;
        sandbox_run(sb, &spec, &res);
        ok(res.status == SANDBOX_OK && res.out_len == 0,
           "the next run starts with an empty work dir (%s)", res.out ? res.out : "");
        sandbox_result_free(&res);
    }

    /* a run with its own bind */
    {
        const char *argv4[] = { "/bin/ls", "/extra", NULL };
        sandbox_bind_t b = { bind_dir, "/extra", 0 };
        sandbox_spec_t spec = { .argv = argv4, .binds = &b, .nbinds = 1 };
        sandbox_result_t res;
        sandbox_run(sb, &spec, &res);
        ok(res.status == SANDBOX_OK, "a run with its own bind: OK %s", res.message);
        sandbox_result_free(&res);

        const char *argv5[] = { "/bin/ls", "/extra", NULL };
        sandbox_spec_t spec2 = { .argv = argv5 };
        sandbox_run(sb, &spec2, &res);
        ok(res.status == SANDBOX_RE, "the bind does not stay for the next run %s",
           sandbox_status_name(res.status));
        sandbox_result_free(&res);
    }

    /* a bad bind target is refused, not IE-by-crash */
    {
        const char *argv6[] = { "/bin/true", NULL };
        sandbox_bind_t b = { bind_dir, "/box/x", 0 };
        sandbox_spec_t spec = { .argv = argv6, .binds = &b, .nbinds = 1 };
        sandbox_result_t res;
        sandbox_run(sb, &spec, &res);
        ok(res.status == SANDBOX_IE && strstr(res.message, "reserved") != NULL,
           "a bind under /box is refused: %s", res.message);
        sandbox_result_free(&res);
    }

    /* a live output hook sees the output while the program runs */
    {
        const char *argv7[] = { "/bin/sh", "-c",
            "echo one; sleep 0.3; echo two >&2; sleep 0.3; echo three", NULL };
        const char *argv8[] = { "/bin/sleep", "0.3", NULL };
        const char *argv9[] = { "/bin/sh", "-c",
            "head -c 5000 /dev/zero | tr '\\0' x", NULL };
        sandbox_spec_t spec = { .argv = argv7, .output = live_hook };
        sandbox_result_t res;
        live_t lv;
        char buf[160];

        memset(&lv, 0, sizeof(lv));
        lv.delay = -1;
        lv.start = lv.last_call = now_s();
        spec.output_data = &lv;
        sandbox_run(sb, &spec, &res);
        ok(res.status == SANDBOX_OK, "live output: run OK %s", res.message);
        ok(res.out != NULL && lv.out_len == res.out_len
           && memcmp(lv.out, res.out, res.out_len) == 0,
           "live output: the stdout ranges make the result's stdout%s", "");
        ok(res.err != NULL && lv.err_len == res.err_len
           && memcmp(lv.err, res.err, res.err_len) == 0,
           "live output: the stderr ranges make the result's stderr%s", "");
        snprintf(buf, sizeof(buf), "first at %.3f s, last at %.3f s",
                 lv.first_out, lv.last_out);
        ok(lv.first_out > 0 && lv.first_out < 0.25 && lv.last_out > 0.5,
           "live output: bytes come as they are written (%s)", buf);
        snprintf(buf, sizeof(buf), "%d calls without bytes, longest gap "
                 "%.0f ms", lv.ticks, lv.longest_gap * 1000);
        ok(lv.ticks >= 8 && lv.longest_gap < 0.09 && lv.bad_calls == 0,
           "live output: called at least every 50 ms while quiet (%s)", buf);
        sandbox_result_free(&res);

        /* a hook asking for calls sooner gets them */
        memset(&lv, 0, sizeof(lv));
        lv.delay = 5;
        lv.start = lv.last_call = now_s();
        spec.argv = argv8;
        sandbox_run(sb, &spec, &res);
        snprintf(buf, sizeof(buf), "%d calls in 0.3 s", lv.ticks);
        ok(res.status == SANDBOX_OK && lv.ticks >= 25,
           "live output: the delay the hook asks for is kept (%s)", buf);
        sandbox_result_free(&res);

        /* only what the output limit keeps */
        memset(&lv, 0, sizeof(lv));
        lv.delay = -1;
        lv.start = lv.last_call = now_s();
        spec.argv = argv9;
        spec.limits.output_kb = 1;
        sandbox_run(sb, &spec, &res);
        snprintf(buf, sizeof(buf), "%zu bytes", lv.out_len);
        ok(res.status == SANDBOX_OLE && lv.out_len == 1024
           && res.out_len == 1024,
           "live output: no byte past the output limit (%s)", buf);
        sandbox_result_free(&res);
    }

    /* host info */
    {
        sandbox_host_info_t info;
        char buf[64];
        sandbox_host_info(sb, &info);
        snprintf(buf, sizeof(buf), "%d", info.cgroup_version);
        ok(strcmp(info.backend, "native") == 0 && info.cgroup_version >= 1
           && info.memory_exact && info.cpu_exact && info.syscall_names,
           "host info: native, cgroup v%s, exact memory and cpu", buf);
        ok(strcmp(sandbox_signal_name(11), "SIGSEGV") == 0
           && strcmp(sandbox_status_name(SANDBOX_WLE), "WLE") == 0,
           "names of signals and statuses%s", "");
    }

    sandbox_destroy(sb);
    printf("1..%d\n", test_no);
    return 0;
}
