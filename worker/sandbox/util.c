/*
 * util.c: small helpers shared by the sandbox files: error text, cgroup
 * style one-value files, and the control socket's fd-passing messages.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "internal.h"


/*
 * Formats "what was being done: errno text" into err and returns -1, so a
 * failing step reads "return sbx_fail(err, errno, "mount %s", path);".
 * errnum 0 leaves the errno text out.
 */
int
sbx_fail(sbx_err_t *err, int errnum, const char *fmt, ...)
{
    va_list  ap;
    size_t   n;
    char     ebuf[128];

    if (err == NULL) {
        return -1;
    }

    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);

    if (errnum != 0) {
        n = strlen(err->msg);
        snprintf(err->msg + n, sizeof(err->msg) - n, ": %s",
                 strerror_r(errnum, ebuf, sizeof(ebuf)));
    }

    return -1;
}


uint64_t
sbx_now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}


/* Writes s at offset 0: cgroup and /proc files want one write per value. */
int
sbx_write_str(int fd, const char *s)
{
    size_t   len = strlen(s);
    ssize_t  n;

    n = pwrite(fd, s, len, 0);
    if (n < 0) {
        return -1;
    }
    if ((size_t) n != len) {
        errno = EIO;
        return -1;
    }
    return 0;
}


int
sbx_read_text(int fd, char *buf, size_t size)
{
    ssize_t  n;

    n = pread(fd, buf, size - 1, 0);
    if (n < 0) {
        return -1;
    }
    buf[n] = '\0';
    return (int) n;
}


int
sbx_read_u64(int fd, uint64_t *v)
{
    char   buf[64];
    char  *end;

    if (sbx_read_text(fd, buf, sizeof(buf)) < 0) {
        return -1;
    }
    if (strncmp(buf, "max", 3) == 0) {
        *v = UINT64_MAX;
        return 0;
    }
    errno = 0;
    *v = strtoull(buf, &end, 10);
    if (errno != 0 || end == buf) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}


/* Writes s to a file by path, e.g. /proc/PID/uid_map. */
int
sbx_write_file(const char *path, const char *s)
{
    int  fd, rc, saved;

    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    /* plain write: /proc/PID/uid_map refuses pwrite */
    rc = write(fd, s, strlen(s)) == (ssize_t) strlen(s) ? 0 : -1;
    saved = errno;
    close(fd);
    errno = saved;
    return rc;
}


/* Sends one message with up to 16 fds attached (SCM_RIGHTS). */
int
sbx_send(int sock, const void *msg, size_t len, const int *fds, int nfds)
{
    struct msghdr    mh;
    struct iovec     iov;
    struct cmsghdr  *cm;
    ssize_t          n;
    union {
        char             buf[CMSG_SPACE(sizeof(int) * 40)];
        struct cmsghdr   align;
    } cbuf;

    if (nfds > 40) {
        errno = EINVAL;
        return -1;
    }

    memset(&mh, 0, sizeof(mh));
    iov.iov_base = (void *) msg;
    iov.iov_len = len;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;

    if (nfds > 0) {
        memset(&cbuf, 0, sizeof(cbuf));
        mh.msg_control = cbuf.buf;
        mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        cm = CMSG_FIRSTHDR(&mh);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
    }

    do {
        n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);

    if (n < 0) {
        return -1;
    }
    if ((size_t) n != len) {
        errno = EMSGSIZE;
        return -1;
    }
    return 0;
}


/*
 * Receives one message; fds arrive close-on-exec.  Returns the length, 0 on
 * EOF, -1 on error.  Fds beyond maxfds are closed.
 */
ssize_t
sbx_recv(int sock, void *msg, size_t len, int *fds, int *nfds, int maxfds)
{
    struct msghdr    mh;
    struct iovec     iov;
    struct cmsghdr  *cm;
    ssize_t          n;
    int              i, k, got, *p, reset = 0;
    union {
        char             buf[CMSG_SPACE(sizeof(int) * 40)];
        struct cmsghdr   align;
    } cbuf;

    if (nfds != NULL) {
        *nfds = 0;
    }

    memset(&mh, 0, sizeof(mh));
    iov.iov_base = msg;
    iov.iov_len = len;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf.buf;
    mh.msg_controllen = sizeof(cbuf.buf);

    /*
     * A peer that exits with a message of ours unread leaves the reset
     * pending on this end, reported (once) before what the peer sent
     * first: an init that says why it failed and exits is read, not lost.
     */
    do {
        n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && (errno == EINTR || (errno == ECONNRESET && !reset++)));

    if (n < 0) {
        return -1;
    }

    k = 0;
    for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        got = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        p = (int *) CMSG_DATA(cm);
        for (i = 0; i < got; i++) {
            if (fds != NULL && k < maxfds) {
                fds[k++] = p[i];
            } else {
                close(p[i]);
            }
        }
    }

    if (nfds != NULL) {
        *nfds = k;
    }
    if (mh.msg_flags & MSG_TRUNC) {
        errno = EMSGSIZE;
        return -1;
    }
    return n;
}


void
sbx_close(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}


char *
sbx_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}


/*
 * Arenas and directory walks without malloc: init is forked from a
 * multithreaded worker, and only glibc's allocator is made safe for that
 * (an instrumented or replacement malloc may be locked by another thread
 * forever in the child).  So init takes its memory straight from mmap.
 */
int
sbx_arena_init(sbx_arena_t *a, size_t cap)
{
    a->used = 0;
    a->cap = (cap + 4095) & ~(size_t) 4095;
    a->base = mmap(NULL, a->cap, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a->base == MAP_FAILED) {
        a->base = NULL;
        return -1;
    }
    return 0;
}


/* Zeroed (fresh mmap pages), 16-byte aligned; NULL when full. */
void *
sbx_arena_alloc(sbx_arena_t *a, size_t n)
{
    void  *p;

    n = (n + 15) & ~(size_t) 15;
    if (a->base == NULL || n > a->cap - a->used) {
        errno = ENOMEM;
        return NULL;
    }
    p = a->base + a->used;
    a->used += n;
    return p;
}


void
sbx_arena_free(sbx_arena_t *a)
{
    if (a->base != NULL) {
        munmap(a->base, a->cap);
        a->base = NULL;
    }
}


/* Calls fn for each entry of path but "." and ".."; stops when fn fails. */
int
sbx_dir_each(const char *path, int (*fn)(const char *name, void *arg),
    void *arg)
{
    char     buf[8192];
    long     n, off;
    int      fd, rc = 0;
    struct {
        uint64_t        ino;
        int64_t         off;
        unsigned short  reclen;
        unsigned char   type;
        char            name[];
    } *de;

    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    while (rc == 0 && (n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
        for (off = 0; rc == 0 && off < n; off += de->reclen) {
            de = (void *) (buf + off);
            if (strcmp(de->name, ".") != 0 && strcmp(de->name, "..") != 0) {
                rc = fn(de->name, arg);
            }
        }
    }
    close(fd);
    return rc;
}
