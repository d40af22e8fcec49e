/* files: tries to read host secrets and write outside the work dir;
 * prints one line per attempt with the errno name. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void try_read(const char *path)
{
    char buf[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("read %s: %s\n", path, strerrorname_np(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n < 0) {
        printf("read %s: %s\n", path, strerrorname_np(errno));
    } else {
        buf[n] = 0;
        printf("read %s: OK\n%s\n", path, buf);
    }
    close(fd);
}

static void try_write(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    printf("write %s: %s\n", path, fd < 0 ? strerrorname_np(errno) : "OK");
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    try_read("/etc/shadow");
    try_read("/root/.bashrc");
    {
        DIR *d = opendir("/root");
        printf("opendir /root: %s\n", d ? "OK" : strerrorname_np(errno));
    }
    try_read("/proc/1/environ");
    try_write("/usr/evil");
    try_write("/etc/passwd");
    try_write("/evil");
    try_write("/dev/evil");
    try_write("/proc/sys/kernel/hostname");
    try_write("/box/fine");
    try_write("/tmp/fine2");
    return 0;
}
