/*
 * runs: many runs through sandbox.h in long-lived instances, one per slot,
 * as the worker makes them.  Read by 60-measure.t.
 *
 *   runs RO_DIR RW_DIR < script
 *
 * RO_DIR is bound read-only at /t and RW_DIR read-write at /w in every
 * instance.  Each script line is one run, tab-separated:
 *
 *   SLOT  MEMORY_KB  FILE_SIZE_KB  BOX_KB  STDIN  ARGV...
 *
 * 0 for a limit is its default, "-" for STDIN is none (else the text and a
 * newline).  Each run prints one JSON line:
 *
 *   {"slot":N,"status":"OK","memory_kb":N,"exit_code":N,"signal":N,
 *    "stdout":"..."}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

#define MAX_SLOTS  8
#define MAX_ARGS   32

static struct { unsigned slot; sandbox_t *sb; } inst[MAX_SLOTS];
static int ninst;
static sandbox_bind_t binds[2] = {
    { NULL, "/t", 0 },
    { NULL, "/w", 1 }
};

static sandbox_t *instance(unsigned slot)
{
    sandbox_config_t cfg = { .binds = binds, .nbinds = 2 };
    char err[256];

    for (int i = 0; i < ninst; i++) {
        if (inst[i].slot == slot) {
            return inst[i].sb;
        }
    }
    if (ninst == MAX_SLOTS) {
        fprintf(stderr, "runs: too many slots\n");
        exit(2);
    }
    cfg.slot = slot;
    inst[ninst].sb = sandbox_create(&cfg, err, sizeof(err));
    if (inst[ninst].sb == NULL) {
        fprintf(stderr, "runs: sandbox_create: %s\n", err);
        exit(1);
    }
    inst[ninst].slot = slot;
    return inst[ninst++].sb;
}

static void print_json_string(const char *s, size_t len)
{
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
        } else if (c < 0x20) {
            printf("\\u%04x", c);
        } else {
            putchar(c);
        }
    }
    putchar('"');
}

int main(int argc, char **argv)
{
    char line[4096], input[4096];

    if (argc != 3) {
        fprintf(stderr, "usage: runs RO_DIR RW_DIR < script\n");
        return 2;
    }
    binds[0].host_path = argv[1];
    binds[1].host_path = argv[2];

    while (fgets(line, sizeof(line), stdin) != NULL) {
        const char *args[MAX_ARGS + 1];
        char *field[MAX_ARGS + 5], *save = NULL, *f;
        sandbox_spec_t spec;
        sandbox_result_t res;
        int n = 0;

        line[strcspn(line, "\n")] = '\0';
        for (f = strtok_r(line, "\t", &save); f != NULL && n < MAX_ARGS + 5;
             f = strtok_r(NULL, "\t", &save))
        {
            field[n++] = f;
        }
        if (n < 6) {
            continue;
        }

        memset(&spec, 0, sizeof(spec));
        spec.limits.memory_kb = strtoull(field[1], NULL, 10);
        spec.limits.file_size_kb = strtoull(field[2], NULL, 10);
        spec.limits.work_dir_kb = strtoull(field[3], NULL, 10);
        spec.limits.cpu_time_ms = 10000;
        if (strcmp(field[4], "-") != 0) {
            snprintf(input, sizeof(input), "%s\n", field[4]);
            spec.stdin_data = input;
            spec.stdin_len = strlen(input);
        }
        for (int i = 5; i < n; i++) {
            args[i - 5] = field[i];
        }
        args[n - 5] = NULL;
        spec.argv = args;

        sandbox_run(instance(strtoul(field[0], NULL, 10)), &spec, &res);
        printf("{\"slot\":%s,\"status\":\"%s\",\"memory_kb\":%llu,"
               "\"exit_code\":%d,\"signal\":%d,\"message\":", field[0],
               sandbox_status_name(res.status),
               (unsigned long long) res.memory_kb, res.exit_code,
               res.signal);
        print_json_string(res.message, strlen(res.message));
        printf(",\"stdout\":");
        print_json_string(res.out ? res.out : "", res.out_len);
        printf("}\n");
        fflush(stdout);
        sandbox_result_free(&res);
    }

    for (int i = 0; i < ninst; i++) {
        sandbox_destroy(inst[i].sb);
    }
    return 0;
}
