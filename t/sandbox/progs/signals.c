/* signals HOSTPID: kill(-1), kill(init), kill(a host pid); prints results
 * and survives. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    pid_t host = argc > 1 ? atoi(argv[1]) : 1;
    int r;

    r = kill(-1, SIGKILL);
    printf("kill -1: %s\n", r < 0 ? strerrorname_np(errno) : "0");
    r = kill(1, SIGKILL);
    printf("kill 1: %s\n", r < 0 ? strerrorname_np(errno) : "0");
    r = kill(getppid(), SIGKILL);
    printf("kill ppid %d: %s\n", getppid(), r < 0 ? strerrorname_np(errno) : "0");
    r = kill(host, SIGTERM);
    printf("kill host %d: %s\n", host, r < 0 ? strerrorname_np(errno) : "0");
    printf("alive\n");
    return 0;
}
