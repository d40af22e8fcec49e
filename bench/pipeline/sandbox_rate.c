/*
 * sandbox_rate: the sandbox alone, as fast as it goes.  THREADS warm
 * sandbox instances (one per thread, as judge-worker runs its slots) run
 * PROGRAM with a small input RUNS times in all, and the rate is printed.
 * This is the baseline bench/pipeline/run compares the whole pipeline to.
 *
 *   sandbox_rate PROGRAM RUNS THREADS
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox.h"


typedef struct {
    unsigned      slot;
    const char   *program;
    unsigned      runs;
    unsigned      failures;
} bench_thread_t;


static void *
bench_thread(void *arg)
{
    bench_thread_t    *t = arg;
    sandbox_t         *sb;
    sandbox_spec_t     spec;
    sandbox_result_t   res;
    sandbox_config_t   config;
    char               err[256];
    const char        *argv[] = { "./prog", NULL };
    sandbox_file_t     file;
    FILE              *f;
    char              *image;
    size_t             len;
    unsigned           i;

    f = fopen(t->program, "rb");
    if (f == NULL) {
        perror(t->program);
        exit(1);
    }

    image = malloc(16 << 20);
    if (image == NULL) {
        exit(1);
    }

    len = fread(image, 1, 16 << 20, f);
    fclose(f);

    memset(&config, 0, sizeof(config));
    config.slot = 100 + t->slot;

    sb = sandbox_create(&config, err, sizeof(err));
    if (sb == NULL) {
        fprintf(stderr, "sandbox_create: %s\n", err);
        exit(1);
    }

    file.name = "prog";
    file.data = image;
    file.len = len;
    file.mode = 0755;

    for (i = 0; i < t->runs; i++) {
        memset(&spec, 0, sizeof(spec));
        spec.argv = argv;
        spec.stdin_data = "21\n";
        spec.stdin_len = 3;
        spec.files = &file;
        spec.nfiles = 1;
        spec.limits.cpu_time_ms = 1000;
        spec.limits.wall_time_ms = 3000;
        spec.limits.memory_kb = 262144;
        spec.limits.processes = 1;

        if (sandbox_run(sb, &spec, &res) != 0
            || res.status != SANDBOX_OK || strcmp(res.out, "42\n") != 0)
        {
            t->failures++;
        }

        sandbox_result_free(&res);
    }

    sandbox_destroy(sb);
    free(image);

    return NULL;
}


int
main(int argc, char **argv)
{
    unsigned          i, runs, threads, failures;
    double            secs;
    pthread_t        *tid;
    bench_thread_t   *t;
    struct timespec   a, b;

    if (argc != 4) {
        fprintf(stderr, "usage: %s PROGRAM RUNS THREADS\n", argv[0]);
        return 2;
    }

    runs = (unsigned) atoi(argv[2]);
    threads = (unsigned) atoi(argv[3]);

    tid = calloc(threads, sizeof(pthread_t));
    t = calloc(threads, sizeof(bench_thread_t));
    if (tid == NULL || t == NULL) {
        return 1;
    }

    clock_gettime(CLOCK_MONOTONIC, &a);

    for (i = 0; i < threads; i++) {
        t[i].slot = i;
        t[i].program = argv[1];
        t[i].runs = runs / threads;
        pthread_create(&tid[i], NULL, bench_thread, &t[i]);
    }

    failures = 0;

    for (i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        failures += t[i].failures;
    }

    clock_gettime(CLOCK_MONOTONIC, &b);

    secs = (double) (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;

    printf("%.1f %u\n", (runs / threads) * threads / secs, failures);

    free(tid);
    free(t);

    return failures ? 1 : 0;
}
