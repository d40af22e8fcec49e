
/*
 * Copyright (C) ngx_judge authors
 */


/*
 * Writes fuzz_frame's seed corpus into the folder it is given: what a
 * well-behaved worker sends, packed by the generated protobuf-c code.
 * Each file is fuzz_frame's input: a byte saying whether the stream has
 * registered, then frames.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.pb-c.h"


typedef struct {
    unsigned char  *data;
    size_t          len;
} seed_t;


static void
seed_frame(seed_t *seed, Judge__WorkerMessage *msg)
{
    size_t  len;

    len = judge__worker_message__get_packed_size(msg);

    seed->data = realloc(seed->data, seed->len + 4 + len);
    if (seed->data == NULL) {
        perror("seed_frames: realloc");
        exit(1);
    }

    seed->data[seed->len] = (unsigned char) (len >> 24);
    seed->data[seed->len + 1] = (unsigned char) (len >> 16);
    seed->data[seed->len + 2] = (unsigned char) (len >> 8);
    seed->data[seed->len + 3] = (unsigned char) len;

    judge__worker_message__pack(msg, seed->data + seed->len + 4);
    seed->len += 4 + len;
}


static void
seed_register(seed_t *seed)
{
    Judge__Language       cpp = JUDGE__LANGUAGE__INIT;
    Judge__Language       python = JUDGE__LANGUAGE__INIT;
    Judge__Language      *langs[2];
    Judge__Register       reg = JUDGE__REGISTER__INIT;
    Judge__SandboxInfo    sandbox = JUDGE__SANDBOX_INFO__INIT;
    Judge__WorkerMessage  msg = JUDGE__WORKER_MESSAGE__INIT;

    static char  *tags[] = { "can_compile", "x86" };
    static char  *flags[] = { "-O2", "-std=*", "-D*" };
    static char  *cached[] = {
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    };

    cpp.id = "cpp";
    cpp.name = "C++ (GCC 12.2.0)";
    cpp.version = "12.2.0";
    cpp.compiled = 1;
    cpp.n_allowed_flags = 3;
    cpp.allowed_flags = flags;

    python.id = "python";
    python.name = "Python 3";
    python.version = "3.11.2";

    langs[0] = &cpp;
    langs[1] = &python;

    sandbox.backend = "native";
    sandbox.cgroup_version = 2;
    sandbox.exact_memory = 1;

    reg.worker_id = "w1";
    reg.hostname = "judge-1.example";
    reg.cores = 8;
    reg.ram_kb = 16 << 20;
    reg.n_tags = 2;
    reg.tags = tags;
    reg.abi = "x86_64-linux-gnu";
    reg.n_languages = 2;
    reg.languages = langs;
    reg.slots = 4;
    reg.version = "1.0.0";
    reg.sandbox = &sandbox;
    reg.n_cached_artifacts = 1;
    reg.cached_artifacts = cached;
    reg.max_frame_size = 16 << 20;

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_REGISTER;
    msg.register_ = &reg;

    seed_frame(seed, &msg);
}


static void
seed_heartbeat(seed_t *seed)
{
    Judge__Heartbeat      hb = JUDGE__HEARTBEAT__INIT;
    Judge__WorkerMessage  msg = JUDGE__WORKER_MESSAGE__INIT;

    hb.load1 = 1.25;
    hb.cpu_percent = 40;
    hb.ram_used_kb = 1 << 20;
    hb.ram_total_kb = 16 << 20;
    hb.active_tasks = 2;
    hb.free_slots = 2;
    hb.tasks_done = 17;

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_HEARTBEAT;
    msg.heartbeat = &hb;

    seed_frame(seed, &msg);
}


static void
seed_results(seed_t *seed)
{
    Judge__Usage                 usage = JUDGE__USAGE__INIT;
    Judge__TestResult            test = JUDGE__TEST_RESULT__INIT;
    Judge__CompileResult         compile = JUDGE__COMPILE_RESULT__INIT;
    Judge__WorkerMessage         msg = JUDGE__WORKER_MESSAGE__INIT;
    Judge__BatchExecutionResult  batch = JUDGE__BATCH_EXECUTION_RESULT__INIT;

    usage.cpu_time_ms = 12;
    usage.wall_time_ms = 15;
    usage.memory_kb = 3000;

    compile.job_id = "6f1c2a";
    compile.task_id = 1;
    compile.status = JUDGE__STATUS__OK;
    compile.output = "";
    compile.artifact.data = (uint8_t *) "\177ELF";
    compile.artifact.len = 4;
    compile.artifact_hash =
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    compile.usage = &usage;

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_COMPILE_RESULT;
    msg.compile_result = &compile;
    seed_frame(seed, &msg);

    test.job_id = "6f1c2a";
    test.task_id = 2;
    test.test_id = "1";
    test.status = JUDGE__STATUS__AC;
    test.usage = &usage;
    test.stdout.data = (uint8_t *) "3\n";
    test.stdout.len = 2;

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_TEST_RESULT;
    msg.test_result = &test;
    seed_frame(seed, &msg);

    batch.job_id = "6f1c2a";
    batch.task_id = 2;
    batch.tests_run = 1;

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_BATCH_RESULT;
    msg.batch_result = &batch;
    seed_frame(seed, &msg);
}


static void
seed_leaving(seed_t *seed)
{
    Judge__Leaving        bye = JUDGE__LEAVING__INIT;
    Judge__WorkerMessage  msg = JUDGE__WORKER_MESSAGE__INIT;

    bye.reason = "SIGTERM";
    bye.drained = 1;

    msg.body_case = JUDGE__WORKER_MESSAGE__BODY_LEAVING;
    msg.leaving = &bye;

    seed_frame(seed, &msg);
}


static void
seed_write(const char *dir, const char *name, seed_t *seed)
{
    char   path[4096];
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);

    f = fopen(path, "wb");
    if (f == NULL
        || fwrite(seed->data, 1, seed->len, f) != seed->len
        || fclose(f) != 0)
    {
        perror(path);
        exit(1);
    }

    free(seed->data);
    seed->data = NULL;
    seed->len = 0;
}


static void
seed_state(seed_t *seed, unsigned char registered)
{
    seed->data = malloc(1);
    if (seed->data == NULL) {
        perror("seed_frames: malloc");
        exit(1);
    }

    seed->data[0] = registered;
    seed->len = 1;
}


int
main(int argc, char **argv)
{
    seed_t  seed;

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }

    seed_state(&seed, 0);
    seed_register(&seed);
    seed_write(argv[1], "register", &seed);

    seed_state(&seed, 1);
    seed_heartbeat(&seed);
    seed_write(argv[1], "heartbeat", &seed);

    seed_state(&seed, 1);
    seed_results(&seed);
    seed_write(argv[1], "results", &seed);

    seed_state(&seed, 0);
    seed_register(&seed);
    seed_heartbeat(&seed);
    seed_results(&seed);
    seed_leaving(&seed);
    seed_write(argv[1], "session", &seed);

    return 0;
}
