/*
 * The sandbox's control messages on the running kernel: a peer that sends
 * its last message and exits with one of ours unread leaves a reset
 * pending on our end (SOCK_SEQPACKET reports it before the queue), and
 * sbx_recv() must still read that last message, then EOF.  An init that
 * says why its set-up failed and exits is then read, not "died".
 */

#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "sandbox/internal.h"
#include "tap.h"


int
main(void)
{
    char     buf[16];
    ssize_t  n;
    pid_t    pid;
    int      s[2], status;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, s) < 0) {
        ok(0, "socketpair");
        return done_testing();
    }
    ok(sbx_send(s[0], "cgroup", 6, NULL, 0) == 0, "a message to the peer");

    pid = fork();
    if (pid == 0) {
        close(s[0]);
        _exit(sbx_send(s[1], "failed", 6, NULL, 0) == 0 ? 0 : 1);
    }
    close(s[1]);
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "the peer sent its last message and exited, ours unread");

    n = sbx_recv(s[0], buf, sizeof(buf), NULL, NULL, 0);
    is_int(n, 6, "its last message is read despite the reset");
    ok(n == 6 && memcmp(buf, "failed", 6) == 0, "intact");
    is_int(sbx_recv(s[0], buf, sizeof(buf), NULL, NULL, 0), 0, "then EOF");

    close(s[0]);
    return done_testing();
}
