/* Fills the work dir with 1 MiB files until the tmpfs is full. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    static char buf[1 << 20];
    char name[64];
    long total = 0;

    memset(buf, 'y', sizeof(buf));
    for (int i = 0;; i++) {
        snprintf(name, sizeof(name), "/tmp/fill%d", i);
        int fd = open(name, O_WRONLY | O_CREAT, 0644);
        if (fd < 0) {
            printf("open: %s after %ld KiB\n", strerror(errno), total >> 10);
            return 0;
        }
        ssize_t n = write(fd, buf, sizeof(buf));
        close(fd);
        if (n < 0) {
            printf("write: %s after %ld KiB\n", strerror(errno), total >> 10);
            return 0;
        }
        total += n;
        if (n < (ssize_t) sizeof(buf)) {
            printf("short write after %ld KiB\n", total >> 10);
            return 0;
        }
    }
}
