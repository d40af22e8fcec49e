/*
 * judge-docker-run: the first process of every run of the Docker backend,
 * bind-mounted read-only into its containers at /judge-run.
 *
 *   judge-docker-run FSIZE_KB NOFILE STACK_KB PIDS STDIN STATUS -- PROG ARG...
 *
 * Docker sets resource limits per container, not per exec: this sets the
 * run's (file size, open files, stack; no core files), gives the program
 * the file STDIN as its stdin and runs it.
 *
 * The exec's own start (runc's init, a Go program with its threads) runs
 * in the container's cgroup, so the worker sets the run's process limit
 * only once this process is all there is of the exec: the program is not
 * started before the container's pids.max is down to PIDS.
 *
 * Once the program has ended, its wait status goes to the file STATUS,
 * behind the secret the worker put into JUDGE_RUN_NONCE (taken out of the
 * environment before the program starts, and unreadable by it: this
 * process is not dumpable), so that a program cannot forge its ending.
 * Then every other process of the run is killed: a daemonised child ends
 * with the run, and the status says there was one.
 *
 * Status line: "<nonce> <wait status> <exec errno> <maxrss KB> <leftover>".
 * Exit status 125: this process failed before the program started (the
 * sandbox's fault); 124: the status could not be written (the program
 * filled /tmp or took the file's place).
 */

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>


static void
set_limit(int resource, unsigned long long v)
{
    struct rlimit  rl;

    rl.rlim_cur = rl.rlim_max = v;
    (void) setrlimit(resource, &rl);
}


/* The container's process limit, as its cgroup shows it inside. */
static long
pids_max(void)
{
    static const char *const  paths[] = {
        "/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max"
    };
    char     buf[32];
    ssize_t  n;
    size_t   i;
    int      fd;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0) {
            buf[n] = '\0';
            return strcmp(buf, "max\n") == 0 ? -1 : atol(buf);
        }
    }
    return 0;
}


static int
wait_pids_max(long want)
{
    struct timespec  pause = { 0, 100000 };
    long             have;
    int              i;

    for (i = 0; i < 50000; i++) {
        have = pids_max();
        if (have == 0) {
            return -1;
        }
        if (have > 0 && have <= want) {
            return 0;
        }
        nanosleep(&pause, NULL);
    }
    return -1;
}


int
main(int argc, char **argv)
{
    struct rusage  ru;
    const char    *nonce;
    char           line[256], *secret;
    int            pipefd[2], status = 0, exec_errno = 0, fd, leftover;
    pid_t          pid;
    ssize_t        n;

    if (argc < 9 || strcmp(argv[7], "--") != 0) {
        fprintf(stderr, "judge-docker-run: bad arguments\n");
        return 125;
    }

    (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    nonce = getenv("JUDGE_RUN_NONCE");
    secret = strdup(nonce != NULL ? nonce : "");
    (void) unsetenv("JUDGE_RUN_NONCE");

    fd = open(argv[5], O_RDONLY | O_CLOEXEC);
    if (fd < 0 || dup2(fd, 0) < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
        fprintf(stderr, "judge-docker-run: stdin %s: %s\n", argv[5],
                strerror(errno));
        return 125;
    }
    close(fd);

    if (wait_pids_max(atol(argv[4])) < 0) {
        fprintf(stderr, "judge-docker-run: the process limit was not set\n");
        return 125;
    }

    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "judge-docker-run: fork: %s\n", strerror(errno));
        return 125;
    }
    if (pid == 0) {
        close(pipefd[0]);
        set_limit(RLIMIT_FSIZE, strtoull(argv[1], NULL, 10) * 1024);
        set_limit(RLIMIT_NOFILE, strtoull(argv[2], NULL, 10));
        set_limit(RLIMIT_STACK, strtoull(argv[3], NULL, 10) * 1024);
        set_limit(RLIMIT_CORE, 0);
        execvp(argv[8], argv + 8);
        exec_errno = errno;
        n = write(pipefd[1], &exec_errno, sizeof(exec_errno));
        _exit(n < 0 ? 126 : 127);
    }

    close(pipefd[1]);
    n = read(pipefd[0], &exec_errno, sizeof(exec_errno));
    if (n != sizeof(exec_errno)) {
        exec_errno = 0;
    }
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            memset(&ru, 0, sizeof(ru));
            break;
        }
    }

    /* everything the run left behind: this process is not one of its,
     * nor is the container's first */
    leftover = kill(-1, SIGKILL) == 0;

    n = snprintf(line, sizeof(line), "%s %d %d %ld %d\n", secret, status,
                 exec_errno, ru.ru_maxrss, leftover);
    /* whatever the run put there in its place (a FIFO would block) goes */
    (void) unlink(argv[6]);
    fd = open(argv[6], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0600);
    if (fd < 0 || write(fd, line, (size_t) n) != n) {
        return 124;
    }
    close(fd);
    return 0;
}
