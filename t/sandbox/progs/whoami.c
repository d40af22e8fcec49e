/* Prints real/effective ids and capabilities (for the setuid test). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");

    printf("uid %d euid %d gid %d egid %d\n", getuid(), geteuid(), getgid(),
           getegid());
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "Cap", 3) == 0 || strncmp(line, "NoNewPrivs", 10) == 0
            || strncmp(line, "Groups", 6) == 0 || strncmp(line, "Seccomp:", 8) == 0)
            fputs(line, stdout);
    return 0;
}
