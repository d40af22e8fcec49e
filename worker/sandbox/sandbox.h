/*
 * sandbox.h: run one untrusted program under limits, get a verdict back.
 *
 * The interface is backend-neutral: a run spec goes in, a result comes out.
 * Nothing here names a namespace, a cgroup or a container: the native
 * backend lives in the other files of this directory (docs/SANDBOX.md says
 * how it works), and another one (the Docker backend of worker/docker/,
 * docs/DOCKER.md) plugs in through sandbox_backend_t.
 *
 * Usage: one sandbox_t per slot, created once (it pre-creates what can be
 * reused), then any number of sandbox_run() calls, one at a time.  Distinct
 * instances may be used concurrently from different threads.
 */

#ifndef SANDBOX_H
#define SANDBOX_H

#include <stddef.h>
#include <stdint.h>


typedef enum {
    SANDBOX_OK = 0,   /* ran to completion (any exit code is RE, see below) */
    SANDBOX_TLE,      /* CPU time limit (whole process tree) */
    SANDBOX_WLE,      /* wall time limit */
    SANDBOX_MLE,      /* memory limit */
    SANDBOX_OLE,      /* output limit or file size limit */
    SANDBOX_RE,       /* non-zero exit code or killed by a signal */
    SANDBOX_SV,       /* forbidden system call */
    SANDBOX_IE        /* the sandbox itself failed; never the program's fault */
} sandbox_status_t;


/* A host path made visible inside ("volume"); read-only unless writable. */
typedef struct {
    const char  *host_path;
    const char  *inside_path;       /* absolute; not under the work dir */
    int          writable;
} sandbox_bind_t;


/* A file placed into the work dir before the run. */
typedef struct {
    const char  *name;              /* relative, no "/" and no ".." */
    const void  *data;
    size_t       len;
    unsigned     mode;              /* e.g. 0644, 0755 */
} sandbox_file_t;


/* A file taken from the work dir after the run. */
typedef struct {
    char        *name;
    char        *data;              /* NULL when missing */
    size_t       len;
    int          error;             /* errno when missing, 0 when found */
} sandbox_collected_t;


/*
 * Limits.  Zero means "the default" (see sandbox_limits_default), never
 * "unlimited": a judge has no business running anything unbounded.
 */
typedef struct {
    uint64_t     cpu_time_ms;       /* CPU of every process and thread */
    uint64_t     wall_time_ms;
    uint64_t     memory_kb;         /* peak resident memory, whole tree */
    uint64_t     stack_kb;          /* default: memory_kb */
    uint64_t     output_kb;         /* each of stdout and stderr */
    uint64_t     file_size_kb;      /* largest file the program may write */
    uint64_t     work_dir_kb;       /* size of the writable work dir */
    uint32_t     processes;         /* processes and threads */
    uint32_t     open_files;
} sandbox_limits_t;


/* The streams a live output hook is given. */
#define SANDBOX_STDOUT          1
#define SANDBOX_STDERR          2

/* The longest a live output hook waits for a call while the run lasts. */
#define SANDBOX_OUTPUT_TICK_MS  50

/*
 * Live output: called in sandbox_run()'s thread while the program runs,
 * with each range of stdout (SANDBOX_STDOUT) or stderr (SANDBOX_STDERR)
 * as soon as it is read, in order and without gaps, only the bytes the
 * result keeps (the output limit's); "bytes" is valid during the call
 * only.  Also called with stream 0 and no bytes when the time it asked
 * for has come, so that it can pass on what it holds although the program
 * has gone quiet.  Returns the milliseconds after which it wants such a
 * call, -1 for no need; the supervisor calls it at least every
 * SANDBOX_OUTPUT_TICK_MS in any case.  The last bytes come before
 * sandbox_run() returns, which is the caller's cue to pass on the rest.
 * The hook must not call into the sandbox; the result carries the whole
 * output as without it.
 */
typedef int (*sandbox_output_pt)(void *data, unsigned stream,
    const char *bytes, size_t len);


typedef struct {
    const char *const      *argv;       /* argv[0]: path, or name in PATH */
    const char *const      *env;        /* NULL: a minimal fixed env */
    const char             *cwd;        /* NULL: the work dir, "/box" */
    sandbox_limits_t        limits;

    /* stdin: stdin_path (a host file), else stdin_data, else empty */
    const char             *stdin_path;
    const void             *stdin_data;
    size_t                  stdin_len;

    /*
     * Pipes of the caller's in place of stdin and of the captured stdout,
     * for a program that talks to another one: descriptors above 2, or 0
     * for none.  sandbox_run() takes them over: they are closed when it
     * returns, whatever the outcome, and while the program runs only it
     * holds them, so that its peer sees EOF (or EPIPE) once it is gone.
     * With stdout_fd, res->out stays empty and output_kb does not bound
     * stdout.
     */
    int                     stdin_fd;
    int                     stdout_fd;

    const sandbox_bind_t   *binds;      /* extra binds for this run only */
    size_t                  nbinds;
    const sandbox_file_t   *files;      /* placed before the run */
    size_t                  nfiles;
    const char *const      *collect;    /* names taken back after the run */
    size_t                  ncollect;
    uint64_t                collect_max_kb;  /* per file; 0: 64 MiB */

    sandbox_output_pt       output;     /* NULL: output only at the end */
    void                   *output_data;

    int                     build;      /* a compile: a backend may run it
                                           apart from the programs */
} sandbox_spec_t;


typedef struct {
    sandbox_status_t        status;
    int                     exit_code;      /* valid when signal == 0 */
    int                     signal;         /* terminating signal, or 0 */
    uint64_t                cpu_time_ms;
    uint64_t                wall_time_ms;
    uint64_t                memory_kb;      /* peak */

    char                   *out;            /* NUL-terminated for convenience */
    size_t                  out_len;
    int                     out_truncated;
    char                   *err;
    size_t                  err_len;
    int                     err_truncated;

    sandbox_collected_t    *files;
    size_t                  nfiles;

    char                    message[256];   /* e.g. "killed by SIGSEGV" */
} sandbox_result_t;


typedef enum {
    SANDBOX_FILTER_DEFAULT = 0,     /* deny dangerous system calls */
    SANDBOX_FILTER_OFF              /* for debugging only */
} sandbox_filter_t;


typedef struct sandbox_backend_s  sandbox_backend_t;


typedef struct {
    unsigned                slot;       /* distinct per concurrent instance */
    unsigned                uid_base;   /* outside uid = uid_base + slot;
                                           0: 60000 (ignored when rootless) */
    const sandbox_bind_t   *binds;      /* extra binds for every run */
    size_t                  nbinds;
    sandbox_filter_t        filter;
    const char             *cgroup_parent;  /* NULL: "judge-sandbox" at the
                                               hierarchy root */
    const sandbox_backend_t *backend;   /* NULL: the native one */
    void                   *backend_data;   /* the backend's, shared */
} sandbox_config_t;


/* What this host gives us, for the worker's register message. */
typedef struct {
    const char             *backend;        /* "native", "docker" */
    int                     cgroup_version; /* 2, 1, or 0 (none: rlimits) */
    int                     memory_exact;   /* tree memory limit and peak */
    int                     cpu_exact;      /* tree CPU, sub-ms enforcement */
    int                     rootless;       /* running without root */
    int                     syscall_names;  /* SV names the system call */
} sandbox_host_info_t;


typedef struct sandbox_s  sandbox_t;


/*
 * Another backend: the calls below, on an instance of its own made by
 * "create" from the config's backend_data.  sandbox_create() and the
 * other public calls dispatch to it; "kill" must stay one write(2).
 */
struct sandbox_backend_s {
    const char  *name;
    void      *(*create)(const sandbox_config_t *config, char *err,
                         size_t errlen);
    int        (*run)(void *instance, const sandbox_spec_t *spec,
                      sandbox_result_t *res);
    void       (*kill)(void *instance);
    void       (*kill_clear)(void *instance);
    void       (*destroy)(void *instance);
    void       (*host_info)(const void *instance, sandbox_host_info_t *info);
};


/*
 * Creates an instance.  On failure returns NULL and writes the reason, with
 * errno text, into err.
 */
sandbox_t *sandbox_create(const sandbox_config_t *config, char *err,
    size_t errlen);

/*
 * Runs spec.  Always fills res (status IE with a message when the sandbox
 * failed); returns 0, or -1 when res->status is SANDBOX_IE.  Free res with
 * sandbox_result_free().
 */
int sandbox_run(sandbox_t *sb, const sandbox_spec_t *spec,
    sandbox_result_t *res);

void sandbox_result_free(sandbox_result_t *res);

/*
 * Asks that the run in progress on sb end now, from any thread (or a
 * signal handler: it is one write(2)).  The run is killed within a poll
 * cycle and sandbox_run() returns SANDBOX_IE with the message "killed on
 * request"; a run that had already ended keeps its result.  The request
 * stays until sandbox_kill_clear(): every run started meanwhile returns
 * at once the same way, so a kill cannot fall between two runs.
 */
void sandbox_kill(sandbox_t *sb);

/* Drops a kill request, before sb is used for new work. */
void sandbox_kill_clear(sandbox_t *sb);

/* Kills whatever still runs and releases every resource of the instance. */
void sandbox_destroy(sandbox_t *sb);

void sandbox_host_info(const sandbox_t *sb, sandbox_host_info_t *info);

/* Fills the defaults for every zero field. */
void sandbox_limits_default(sandbox_limits_t *limits);

/*
 * The minimal fixed environment a run gets when its spec gives none
 * (PATH, HOME, LANG), NULL-terminated: a caller that adds to it starts
 * from this.
 */
const char *const *sandbox_default_env(void);

/*
 * For backends: how a run ended, beside the exit status and figures
 * already in the result.
 */
typedef struct {
    sandbox_status_t        kill_reason;    /* TLE, WLE or OLE: killed by
                                               the backend for it; else OK */
    int                     oom;            /* the memory limit killed */
    int                     out_truncated;  /* stdout (else stderr) over */
    int                     memory_exact;   /* tree memory counted */
    uint64_t                maxrss_kb;      /* the program's own peak */
} sandbox_end_t;

/*
 * Sets res->status and res->message from the limits' side of a run that
 * ended (exit_code, signal, cpu_time_ms and memory_kb filled): MLE, OLE,
 * TLE, WLE, RE or OK, first match wins.
 */
void sandbox_verdict(const sandbox_limits_t *lim, const sandbox_end_t *end,
    sandbox_result_t *res);

const char *sandbox_status_name(sandbox_status_t status);   /* "TLE" */
const char *sandbox_signal_name(int sig);                   /* "SIGSEGV" */


#endif /* SANDBOX_H */
