/* Daemonises a child that writes /out/marker after DELAY ms; the parent
 * exits at once. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int ms = argc > 1 ? atoi(argv[1]) : 500;

    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            usleep(ms * 1000);
            int fd = open("/out/marker", O_WRONLY | O_CREAT, 0644);
            if (fd >= 0)
                write(fd, "alive\n", 6);
            for (;;)
                pause();
        }
        _exit(0);
    }
    printf("parent done\n");
    return 0;
}
