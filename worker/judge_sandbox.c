/*
 * judge-sandbox: run one program in the native sandbox and print the
 * result as one JSON object.  A thin shell over worker/sandbox/sandbox.h.
 *
 *   judge-sandbox [--cpu-time MS] [--wall-time MS] [--memory KB]
 *                 [--processes N] [--output KB] [--stdin FILE]
 *                 [--dir HOST:INSIDE[:rw]]... [--workdir DIR]
 *                 [--slot N] [--env K=V]... [--stack KB] [--files N]
 *                 [--file-size KB] [--box-size KB] [--seccomp off|default]
 *                 [--copy-in HOST[:NAME]]... [--copy-out NAME[:HOST]]...
 *                 -- PROGRAM [ARGS...]
 *
 * Exit status 0 when the sandbox worked, whatever the program did; 1 for
 * an internal error (status IE); 2 for a usage error.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "sandbox.h"


#define MAX_LIST  64


static void
usage(void)
{
    fprintf(stderr,
        "usage: judge-sandbox [options] -- PROGRAM [ARGS...]\n"
        "  --cpu-time MS        CPU time of the whole tree (1000)\n"
        "  --wall-time MS       wall time (2 x cpu + 1000)\n"
        "  --memory KB          memory of the whole tree (262144)\n"
        "  --stack KB           stack (= memory)\n"
        "  --processes N        processes and threads (64)\n"
        "  --output KB          stdout and stderr, each (8192)\n"
        "  --file-size KB       largest file written (memory / 4, <= 65536)\n"
        "  --box-size KB        size of /box (memory / 2, <= 65536)\n"
        "  --files N            open files (64)\n"
        "  --stdin FILE         stdin from a host file (default empty)\n"
        "  --dir HOST:IN[:rw]   bind a host path inside (read-only)\n"
        "  --workdir DIR        working directory inside (/box)\n"
        "  --env K=V            add to the minimal environment\n"
        "  --copy-in HOST[:NAME]   put a host file into /box\n"
        "  --copy-out NAME[:HOST]  take a file from /box afterwards\n"
        "  --slot N             instance slot (uid 60000+N)\n"
        "  --seccomp off|default\n");
}


static uint64_t
num(const char *opt, const char *s)
{
    char                *end;
    unsigned long long   v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0') {
        fprintf(stderr, "judge-sandbox: %s: not a number: %s\n", opt, s);
        exit(2);
    }
    return v;
}


/* JSON string: UTF-8 passes through, invalid bytes become U+FFFD. */
static void
json_str(FILE *f, const char *s, size_t len)
{
    const unsigned char  *p = (const unsigned char *) s;
    size_t                i = 0, n, k;
    unsigned              c;

    fputc('"', f);
    while (i < len) {
        c = p[i];
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
            i++;
        } else if (c == '\n') {
            fputs("\\n", f);
            i++;
        } else if (c == '\t') {
            fputs("\\t", f);
            i++;
        } else if (c == '\r') {
            fputs("\\r", f);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            fputc(c, f);
            i++;
        } else {
            n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2
                                                                        : 0;
            if (c >= 0xf5) {
                n = 0;
            }
            for (k = 1; n && k < n; k++) {
                if (i + k >= len || (p[i + k] & 0xc0) != 0x80) {
                    n = 0;
                }
            }
            if (n == 0) {
                fputs("\\ufffd", f);
                i++;
            } else {
                fwrite(p + i, 1, n, f);
                i += n;
            }
        }
    }
    fputc('"', f);
}


static char *
read_file(const char *path, size_t *len)
{
    FILE    *f = fopen(path, "rb");
    char    *buf = NULL;
    long     n;

    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(n + 1)) != NULL
        && fread(buf, 1, n, f) == (size_t) n)
    {
        *len = n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}


int
main(int argc, char **argv)
{
    static const struct option  opts[] = {
        { "cpu-time",  required_argument, NULL, 'c' },
        { "wall-time", required_argument, NULL, 'w' },
        { "memory",    required_argument, NULL, 'm' },
        { "processes", required_argument, NULL, 'p' },
        { "output",    required_argument, NULL, 'o' },
        { "stdin",     required_argument, NULL, 'i' },
        { "dir",       required_argument, NULL, 'd' },
        { "workdir",   required_argument, NULL, 'W' },
        { "slot",      required_argument, NULL, 's' },
        { "env",       required_argument, NULL, 'e' },
        { "stack",     required_argument, NULL, 'S' },
        { "files",     required_argument, NULL, 'f' },
        { "file-size", required_argument, NULL, 'F' },
        { "box-size",  required_argument, NULL, 'B' },
        { "seccomp",   required_argument, NULL, 'x' },
        { "copy-in",   required_argument, NULL, 'I' },
        { "copy-out",  required_argument, NULL, 'O' },
        { "help",      no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    static const char *const    base_env[] = {
        "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8"
    };

    sandbox_config_t     cfg;
    sandbox_spec_t       spec;
    sandbox_result_t     res;
    sandbox_bind_t       binds[MAX_LIST];
    sandbox_file_t       files[MAX_LIST];
    const char          *collect[MAX_LIST], *collect_to[MAX_LIST];
    const char          *env[MAX_LIST + 4];
    char                 errbuf[256], *colon, *s;
    size_t               nbinds = 0, nfiles = 0, ncollect = 0, nenv, i, k;
    sandbox_t           *sb;
    int                  c, rc;
    FILE                *out = stdout;

    memset(&cfg, 0, sizeof(cfg));
    memset(&spec, 0, sizeof(spec));

    nenv = 3;
    for (i = 0; i < nenv; i++) {
        env[i] = base_env[i];
    }

    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': spec.limits.cpu_time_ms = num("--cpu-time", optarg); break;
        case 'w': spec.limits.wall_time_ms = num("--wall-time", optarg); break;
        case 'm': spec.limits.memory_kb = num("--memory", optarg); break;
        case 'p': spec.limits.processes = num("--processes", optarg); break;
        case 'o': spec.limits.output_kb = num("--output", optarg); break;
        case 'S': spec.limits.stack_kb = num("--stack", optarg); break;
        case 'f': spec.limits.open_files = num("--files", optarg); break;
        case 'F': spec.limits.file_size_kb = num("--file-size", optarg); break;
        case 'B': spec.limits.work_dir_kb = num("--box-size", optarg); break;
        case 's': cfg.slot = num("--slot", optarg); break;
        case 'i': spec.stdin_path = optarg; break;
        case 'W': spec.cwd = optarg; break;

        case 'x':
            if (strcmp(optarg, "off") == 0) {
                cfg.filter = SANDBOX_FILTER_OFF;
            } else if (strcmp(optarg, "default") != 0) {
                fprintf(stderr, "judge-sandbox: --seccomp off|default\n");
                return 2;
            }
            break;

        case 'd':
            if (nbinds == MAX_LIST || (colon = strchr(optarg, ':')) == NULL) {
                fprintf(stderr, "judge-sandbox: --dir HOST:INSIDE[:rw]\n");
                return 2;
            }
            *colon = '\0';
            binds[nbinds].host_path = optarg;
            binds[nbinds].inside_path = colon + 1;
            binds[nbinds].writable = 0;
            s = strchr(colon + 1, ':');
            if (s != NULL) {
                *s = '\0';
                if (strcmp(s + 1, "rw") == 0) {
                    binds[nbinds].writable = 1;
                } else if (strcmp(s + 1, "ro") != 0) {
                    fprintf(stderr, "judge-sandbox: --dir: rw or ro\n");
                    return 2;
                }
            }
            nbinds++;
            break;

        case 'e':
            if (strchr(optarg, '=') == NULL || nenv >= MAX_LIST) {
                fprintf(stderr, "judge-sandbox: --env K=V\n");
                return 2;
            }
            k = strchr(optarg, '=') - optarg + 1;
            for (i = 0; i < nenv; i++) {
                if (strncmp(env[i], optarg, k) == 0) {
                    break;
                }
            }
            env[i] = optarg;
            if (i == nenv) {
                nenv++;
            }
            break;

        case 'I': {
            size_t   len;
            char    *data;

            if (nfiles == MAX_LIST) {
                return 2;
            }
            colon = strchr(optarg, ':');
            if (colon != NULL) {
                *colon = '\0';
            }
            data = read_file(optarg, &len);
            if (data == NULL) {
                fprintf(stderr, "judge-sandbox: --copy-in %s: %s\n", optarg,
                        strerror(errno));
                return 2;
            }
            {
                struct stat  st;
                files[nfiles].mode = stat(optarg, &st) == 0
                                     ? (st.st_mode & 0777) : 0644;
            }
            files[nfiles].data = data;
            files[nfiles].len = len;
            s = strrchr(optarg, '/');
            files[nfiles].name = colon ? colon + 1 : s ? s + 1 : optarg;
            nfiles++;
            break;
        }

        case 'O':
            if (ncollect == MAX_LIST) {
                return 2;
            }
            colon = strchr(optarg, ':');
            if (colon != NULL) {
                *colon = '\0';
            }
            collect[ncollect] = optarg;
            collect_to[ncollect] = colon ? colon + 1 : optarg;
            ncollect++;
            break;

        case 'h':
            usage();
            return 0;

        default:
            usage();
            return 2;
        }
    }

    if (optind >= argc) {
        usage();
        return 2;
    }

    env[nenv] = NULL;
    spec.argv = (const char *const *) argv + optind;
    spec.env = env;
    spec.files = files;
    spec.nfiles = nfiles;
    spec.collect = collect;
    spec.ncollect = ncollect;

    /* the binds of a one-shot CLI belong to the instance, not the run */
    cfg.binds = binds;
    cfg.nbinds = nbinds;

    /* orphans of anything we start come back to us, not to a lazy PID 1 */
    (void) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    sb = sandbox_create(&cfg, errbuf, sizeof(errbuf));
    if (sb == NULL) {
        memset(&res, 0, sizeof(res));
        res.status = SANDBOX_IE;
        snprintf(res.message, sizeof(res.message), "%s", errbuf);
        rc = -1;
    } else {
        rc = sandbox_run(sb, &spec, &res);
    }

    fprintf(out, "{\"status\": \"%s\", \"exit_code\": %d, \"signal\": %d, "
            "\"cpu_time_ms\": %llu, \"wall_time_ms\": %llu, "
            "\"memory_kb\": %llu, \"stdout\": ",
            sandbox_status_name(res.status), res.exit_code, res.signal,
            (unsigned long long) res.cpu_time_ms,
            (unsigned long long) res.wall_time_ms,
            (unsigned long long) res.memory_kb);
    json_str(out, res.out ? res.out : "", res.out_len);
    fputs(", \"stderr\": ", out);
    json_str(out, res.err ? res.err : "", res.err_len);
    fprintf(out, ", \"stdout_truncated\": %s, \"stderr_truncated\": %s",
            res.out_truncated ? "true" : "false",
            res.err_truncated ? "true" : "false");
    if (res.signal != 0) {
        fprintf(out, ", \"signal_name\": \"%s\"",
                sandbox_signal_name(res.signal));
    }

    if (ncollect > 0) {
        fputs(", \"files\": {", out);
        for (i = 0; i < ncollect; i++) {
            const char  *status = "missing";
            char         ebuf[128];

            if (i < res.nfiles && res.files[i].error == 0) {
                int  fd = open(collect_to[i], O_WRONLY | O_CREAT | O_TRUNC
                                              | O_CLOEXEC, 0755);
                if (fd >= 0 && write(fd, res.files[i].data, res.files[i].len)
                               == (ssize_t) res.files[i].len)
                {
                    status = "ok";
                } else {
                    snprintf(ebuf, sizeof(ebuf), "writing %s: %s",
                             collect_to[i], strerror(errno));
                    status = ebuf;
                }
                if (fd >= 0) {
                    close(fd);
                }
            } else if (i < res.nfiles) {
                snprintf(ebuf, sizeof(ebuf), "%s",
                         strerror(res.files[i].error));
                status = ebuf;
            }
            fprintf(out, "%s", i ? ", " : "");
            json_str(out, collect[i], strlen(collect[i]));
            fputs(": ", out);
            json_str(out, status, strlen(status));
        }
        fputs("}", out);
    }

    fputs(", \"message\": ", out);
    json_str(out, res.message, strlen(res.message));
    fputs("}\n", out);
    fflush(out);

    sandbox_result_free(&res);
    sandbox_destroy(sb);
    for (i = 0; i < nfiles; i++) {
        free((void *) files[i].data);
    }
    return rc < 0 || res.status == SANDBOX_IE ? 1 : 0;
}
