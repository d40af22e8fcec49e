/*
 * judge-docker-run: the first process of every run of the Docker backend,
 * bind-mounted read-only into its containers at /judge-run.
 *
 *   judge-docker-run FSIZE_KB NOFILE STACK_KB STDIN STATUS -- PROGRAM ARG...
 *
 * Docker sets resource limits per container, not per exec: this sets the
 * run's (file size, open files, stack; no core files), gives the program
 * the file STDIN as its stdin and runs it.  Once it has ended, the wait
 * status goes to the file STATUS, behind the secret the worker put into
 * JUDGE_RUN_NONCE (taken out of the environment before the program starts,
 * and unreadable by it: this process is not dumpable), so that a program
 * cannot forge its own ending.  Then every other process of the run is
 * killed: a daemonised child ends with the run, and the status says there
 * was one.
 *
 * Status line: "<nonce> <wait status> <exec errno> <maxrss KB> <leftover>".
 */

#include <errno.h>
#include <fcntl.h>
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


int
main(int argc, char **argv)
{
    struct rusage  ru;
    const char    *nonce;
    char           line[256], *secret;
    int            pipefd[2], status = 0, exec_errno = 0, fd, leftover;
    pid_t          pid;
    ssize_t        n;

    if (argc < 8 || strcmp(argv[6], "--") != 0) {
        fprintf(stderr, "judge-docker-run: bad arguments\n");
        return 125;
    }

    (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    nonce = getenv("JUDGE_RUN_NONCE");
    secret = strdup(nonce != NULL ? nonce : "");
    (void) unsetenv("JUDGE_RUN_NONCE");

    fd = open(argv[4], O_RDONLY | O_CLOEXEC);
    if (fd < 0 || dup2(fd, 0) < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
        fprintf(stderr, "judge-docker-run: stdin %s: %s\n", argv[4],
                strerror(errno));
        return 125;
    }
    close(fd);

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
        execvp(argv[7], argv + 7);
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
    (void) unlink(argv[5]);
    fd = open(argv[5], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0600);
    if (fd < 0 || write(fd, line, (size_t) n) != n) {
        return 125;
    }
    close(fd);
    return 0;
}
