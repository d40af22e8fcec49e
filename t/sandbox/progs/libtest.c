/*
 * libtest: exercises worker/sandbox/sandbox.h directly, as the worker will.
 * Prints "ok N - text" / "not ok N - text" lines (TAP), read by 40-library.t.
 *   - N threads, each with its own instance, many runs at once;
 *   - stdin from a buffer, files placed and collected, a payload large
 *     enough to go through the memfd path, a run with its own bind;
 *   - host info.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
