/* flood stdout|stderr|file: writes forever to a stream, or to /box/big. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "stdout";
    char buf[65536];
    int fd = 1;

    memset(buf, 'x', sizeof(buf));
    if (strcmp(how, "stderr") == 0)
        fd = 2;
    if (strcmp(how, "file") == 0) {
        fd = open("/box/big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            perror("open");
            return 2;
        }
    }
    for (;;) {
        if (write(fd, buf, sizeof(buf)) < 0) {
            perror("write");
            return 3;
        }
    }
}
