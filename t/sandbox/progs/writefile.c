/* writefile PATH MiB: writes MiB of data to PATH; exit 4 when a write fails. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static char buf[1 << 20];
    long mib = argc > 2 ? atol(argv[2]) : 100;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: writefile PATH [MiB]\n");
        return 2;
    }
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        printf("open: %s\n", strerror(errno));
        return 3;
    }
    memset(buf, 'z', sizeof(buf));
    for (long i = 0; i < mib; i++) {
        /* a short write at the end of the space; the next one fails */
        if (write(fd, buf, sizeof(buf)) < 0) {
            printf("write: %s after %ld MiB\n", strerror(errno), i);
            return 4;
        }
    }
    printf("wrote %ld MiB\n", mib);
    return 0;
}
