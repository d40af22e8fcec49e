/*
 * A program run on this machine for "judge test", the way the judge would
 * run it where that can be done here.
 *
 * In judge-sandbox (found next to judge, then on PATH) when a trial run
 * works: the current directory is bound read-only at /src and the command
 * runs there through /bin/sh with the problem's CPU time, wall time and
 * memory; the program may write in /box and /tmp only, as on the judge.
 * Otherwise as a plain child of this process, in its own process group,
 * killed at the wall time; its CPU time and peak memory are read from
 * wait4(), nothing limits its memory, and it can touch what you can.
 * Its run ends when it exits: what it wrote by then is read, the rest of
 * its process group is killed, and a process that left the group while
 * holding its output open is not waited for.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "judge.h"


#define LOCAL_INSIDE      "/src"
#define LOCAL_OUTPUT_MAX  (8 * 1024 * 1024)     /* kept of each stream */


/* "name" next to this executable, then on PATH; a new string or NULL */
static char *
local_find(const char *name)
{
    char         self[PATH_MAX], *slash, *path, *p, *dir, *save;
    const char  *env;
    ssize_t      n;

    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash != NULL) {
            *slash = '\0';
            path = judge_format("%s/%s", self, name);
            if (path != NULL && access(path, X_OK) == 0) {
                return path;
            }
            free(path);
        }
    }
    env = getenv("PATH");
    p = strdup(env ? env : "/usr/local/bin:/usr/bin:/bin");
    for (dir = p ? strtok_r(p, ":", &save) : NULL; dir != NULL;
         dir = strtok_r(NULL, ":", &save))
    {
        path = judge_format("%s/%s", dir, name);
        if (path != NULL && access(path, X_OK) == 0) {
            free(p);
            return path;
        }
        free(path);
    }
    free(p);
    return NULL;
}


/* reads all of "fd" into a new string (NUL-terminated); -1 on error */
static int
read_all(int fd, char **data, size_t *len)
{
    size_t    cap = 4096, n = 0;
    ssize_t   r;
    char     *d = malloc(cap), *nd;

    if (d == NULL) {
        return -1;
    }
    for ( ;; ) {
        if (n + 1 == cap) {
            nd = realloc(d, cap *= 2);
            if (nd == NULL) {
                free(d);
                return -1;
            }
            d = nd;
        }
        r = read(fd, d + n, cap - n - 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        n += r;
    }
    d[n] = '\0';
    *data = d;
    *len = n;
    return 0;
}


/*
 * Runs argv with stdin from "in" (a file descriptor, or -1 for /dev/null)
 * and returns what it printed on stdout in "out"; its exit status in
 * "status".  Returns 0, or -1 when it could not be started.
 */
static int
local_capture(char *const argv[], int in, char **out, size_t *out_len,
              int *status)
{
    int     fds[2], devnull;
    pid_t   pid;

    if (pipe2(fds, O_CLOEXEC) != 0) {
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        devnull = open("/dev/null", O_RDONLY);
        dup2(in >= 0 ? in : devnull, STDIN_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        signal(SIGINT, SIG_DFL);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    if (read_all(fds[0], out, out_len) != 0) {
        *out = NULL;
    }
    close(fds[0]);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
        /* Ctrl-C reaches the child too: wait for it */
    }
    return *out ? 0 : -1;
}


/* judge-sandbox's JSON answer into "res"; -1 when it is not one */
static int
local_sandbox_result(const char *text, size_t len, local_result_t *res)
{
    json_t      *v;
    const char  *s;
    size_t       n;

    v = json_loadb(text, len, 0, NULL);
    if (v == NULL || !json_is_string(json_object_get(v, "status"))) {
        json_decref(v);
        return -1;
    }
    res->status = strdup(json_string_value(json_object_get(v, "status")));
    res->exit_code = json_integer_value(json_object_get(v, "exit_code"));
    res->signal = json_integer_value(json_object_get(v, "signal"));
    res->cpu_time_ms = json_integer_value(json_object_get(v,
                                                          "cpu_time_ms"));
    res->wall_time_ms = json_integer_value(json_object_get(v,
                                                           "wall_time_ms"));
    res->memory_kb = json_integer_value(json_object_get(v, "memory_kb"));
    s = json_string_value(json_object_get(v, "stdout"));
    n = json_string_length(json_object_get(v, "stdout"));
    res->out = malloc(n + 1);
    if (res->out != NULL) {
        memcpy(res->out, s ? s : "", n);
        res->out[n] = '\0';
        res->out_len = n;
    }
    s = json_string_value(json_object_get(v, "stderr"));
    n = json_string_length(json_object_get(v, "stderr"));
    res->err = malloc(n + 1);
    if (res->err != NULL) {
        memcpy(res->err, s ? s : "", n);
        res->err[n] = '\0';
        res->err_len = n;
    }
    s = json_string_value(json_object_get(v, "message"));
    res->message = strdup(s ? s : "");
    json_decref(v);
    return res->status && res->out && res->err && res->message ? 0 : -1;
}


static int
local_sandbox(const local_t *l, const char *command, int in,
              const local_limits_t *lim, local_result_t *res)
{
    char     cpu[32], wall[32], mem[32], *dir, *out = NULL;
    size_t   out_len = 0;
    int      status, rc;

    snprintf(cpu, sizeof(cpu), "%lu", lim->cpu_time_ms);
    snprintf(wall, sizeof(wall), "%lu", lim->wall_time_ms);
    snprintf(mem, sizeof(mem), "%lu", lim->memory_kb);
    dir = judge_format("%s:" LOCAL_INSIDE, l->dir);
    if (dir == NULL) {
        return -1;
    }
    {
        char  *argv[] = {
            l->sandbox, "--cpu-time", cpu, "--wall-time", wall,
            "--memory", mem, "--stdin", "/dev/stdin", "--dir", dir,
            "--workdir", LOCAL_INSIDE,
            "--", "/bin/sh", "-c", (char *) command, NULL
        };

        rc = local_capture(argv, in, &out, &out_len, &status);
    }
    free(dir);
    if (rc != 0) {
        return -1;
    }
    rc = local_sandbox_result(out, out_len, res);
    free(out);
    return rc;
}


static long
elapsed_ms(const struct timespec *since)
{
    struct timespec  now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000
           + (now.tv_nsec - since->tv_nsec) / 1000000;
}


/* keeps up to LOCAL_OUTPUT_MAX of a stream, reads and drops the rest */
static int
drain(int fd, char **buf, size_t *len, size_t *cap)
{
    char      tmp[65536], *nb;
    ssize_t   r;
    size_t    keep;

    r = read(fd, tmp, sizeof(tmp));
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
        return 1;
    }
    if (r <= 0) {
        return 0;
    }
    keep = *len + r > LOCAL_OUTPUT_MAX ? LOCAL_OUTPUT_MAX - *len : (size_t) r;
    if (keep > 0) {
        if (*len + keep + 1 > *cap) {
            *cap = (*len + keep + 1) * 2;
            nb = realloc(*buf, *cap);
            if (nb == NULL) {
                return 0;
            }
            *buf = nb;
        }
        memcpy(*buf + *len, tmp, keep);
        *len += keep;
        (*buf)[*len] = '\0';
    }
    return 1;
}


static int
local_plain(const local_t *l, const char *command, int in,
            const local_limits_t *lim, local_result_t *res)
{
    int              out[2], err[2], open_fds, killed = 0, exited = 0;
    int              status, ready;
    size_t           out_cap = 1, err_cap = 1;
    pid_t            pid;
    struct pollfd    pfd[2];
    struct timespec  start;
    struct rusage    ru;
    long             left;

    if (pipe2(out, O_CLOEXEC) != 0) {
        return -1;
    }
    if (pipe2(err, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        return -1;
    }
    res->out = calloc(1, 1);
    res->err = calloc(1, 1);
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid = res->out && res->err ? fork() : -1;
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        if (chdir(l->dir) != 0) {
            _exit(127);
        }
        dup2(in, STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        execl("/bin/sh", "sh", "-c", command, (char *) NULL);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        close(out[0]);
        close(err[0]);
        return -1;
    }
    setpgid(pid, pid);

    pfd[0].fd = out[0];
    pfd[1].fd = err[0];
    pfd[0].events = pfd[1].events = POLLIN;
    open_fds = 2;
    while (open_fds > 0) {
        left = (long) lim->wall_time_ms - elapsed_ms(&start);
        if (left <= 0 || judge_interrupted()) {
            kill(-pid, SIGKILL);
            killed = 1;
            break;
        }
        ready = poll(pfd, 2, exited ? 0 : left > 100 ? 100 : (int) left);
        if (ready < 0 && errno != EINTR) {
            break;
        }
        if (exited && ready == 0) {
            break;
        }
        if (pfd[0].fd >= 0 && (pfd[0].revents & (POLLIN | POLLHUP))
            && !drain(out[0], &res->out, &res->out_len, &out_cap))
        {
            pfd[0].fd = -1;
            open_fds--;
        }
        if (pfd[1].fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP))
            && !drain(err[0], &res->err, &res->err_len, &err_cap))
        {
            pfd[1].fd = -1;
            open_fds--;
        }
        if (!exited && wait4(pid, &status, WNOHANG, &ru) == pid) {
            kill(-pid, SIGKILL);
            exited = 1;
        }
    }
    close(out[0]);
    close(err[0]);
    while (!exited && wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    kill(-pid, SIGKILL);

    res->wall_time_ms = elapsed_ms(&start);
    res->cpu_time_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000
                       + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
    res->memory_kb = ru.ru_maxrss;
    res->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (killed) {
        res->status = strdup("WLE");
        res->message = judge_format("killed at the wall time, %lu ms",
                                    lim->wall_time_ms);
    } else if (res->cpu_time_ms > lim->cpu_time_ms) {
        res->status = strdup("TLE");
        res->message = judge_format("%lu ms of CPU time, more than %lu",
                                    res->cpu_time_ms, lim->cpu_time_ms);
    } else if (res->signal != 0) {
        res->status = strdup("RE");
        res->message = judge_format("killed by signal %d (%s)", res->signal,
                                    strsignal(res->signal));
    } else if (res->exit_code != 0) {
        res->status = strdup("RE");
        res->message = judge_format("exit code %d", res->exit_code);
    } else {
        res->status = strdup("OK");
        res->message = strdup("");
    }
    return res->status && res->message ? 0 : -1;
}


/*
 * Chooses how programs run here: in judge-sandbox when it is found and a
 * trial run in it works (unless "plain"), otherwise plainly, with the
 * reason in l->why.  Returns 0, or -1 when the current directory cannot
 * be read.
 */
int
local_init(local_t *l, int plain)
{
    local_limits_t   lim = { 1000, 5000, 65536 };
    local_result_t   res;
    char             cwd[PATH_MAX];

    memset(l, 0, sizeof(*l));
    if (getcwd(cwd, sizeof(cwd)) == NULL || (l->dir = strdup(cwd)) == NULL)
    {
        return -1;
    }
    if (plain) {
        l->why = strdup("--plain");
        return 0;
    }
    l->sandbox = local_find("judge-sandbox");
    if (l->sandbox == NULL) {
        l->why = strdup("judge-sandbox is not installed");
        return 0;
    }
    memset(&res, 0, sizeof(res));
    if (local_sandbox(l, "exit 0", -1, &lim, &res) != 0
        || strcmp(res.status, "OK") != 0)
    {
        l->why = judge_format("judge-sandbox does not work here: %s",
                              res.message && *res.message ? res.message
                              : "no result");
        free(l->sandbox);
        l->sandbox = NULL;
    }
    local_result_free(&res);
    return 0;
}


/*
 * Runs "command" with "input" on stdin and the limits "lim"; fills "res"
 * (status as the sandbox names it: OK, RE, TLE, WLE, MLE, OLE, SV, IE).
 * Returns 0, or -1 when it could not be run at all.
 */
int
local_run(const local_t *l, const char *command, const char *input,
          size_t input_len, const local_limits_t *lim, local_result_t *res)
{
    char     path[] = "/tmp/judge-input-XXXXXX";
    int      fd, rc;
    size_t   off = 0;
    ssize_t  w;

    memset(res, 0, sizeof(*res));
    fd = mkstemp(path);
    if (fd < 0) {
        return -1;
    }
    unlink(path);
    while (off < input_len) {
        w = write(fd, input + off, input_len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += w;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return -1;
    }
    rc = l->sandbox ? local_sandbox(l, command, fd, lim, res)
                    : local_plain(l, command, fd, lim, res);
    close(fd);
    return rc;
}


void
local_result_free(local_result_t *res)
{
    free(res->status);
    free(res->out);
    free(res->err);
    free(res->message);
    memset(res, 0, sizeof(*res));
}


void
local_free(local_t *l)
{
    free(l->sandbox);
    free(l->why);
    free(l->dir);
    memset(l, 0, sizeof(*l));
}
