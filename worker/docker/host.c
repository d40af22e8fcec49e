/*
 * host.c: a container seen from the host: its cgroup files (v1 as docker
 * lays them out with the cgroupfs driver, v2 whatever the driver), its
 * files through /proc/<pid>/root, its IPC namespace.
 *
 * Paths inside the container are resolved with openat2(RESOLVE_IN_ROOT):
 * a program's symbolic link to "/etc/shadow" points into the container,
 * never at the host's.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "host.h"


#define HOST_KILL_ROUNDS  200
#define HOST_EMPTY_DEPTH  256


static int
host_read_text(const char *dir, const char *file, char *buf, size_t size)
{
    char     path[HOST_PATH_MAX + 64];
    int      fd;
    ssize_t  n;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0) {
        return -1;
    }
    buf[n] = '\0';
    return 0;
}


static int
host_write_text(const char *dir, const char *file, const char *text)
{
    char     path[HOST_PATH_MAX + 64];
    int      fd;
    ssize_t  n;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    n = write(fd, text, strlen(text));
    close(fd);
    return n < 0 ? -1 : 0;
}


/* The number after "key " in a "key value" file such as memory.events. */
static int
host_read_key(const char *dir, const char *file, const char *key,
    uint64_t *v)
{
    char    buf[4096], *p;
    size_t  klen = strlen(key);

    *v = 0;
    if (host_read_text(dir, file, buf, sizeof(buf)) < 0) {
        return -1;
    }
    for (p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n'),
                                          p = p ? p + 1 : NULL)
    {
        if (strncmp(p, key, klen) == 0 && p[klen] == ' ') {
            *v = strtoull(p + klen + 1, NULL, 10);
            return 0;
        }
    }
    return 0;
}


static int
host_read_u64(const char *dir, const char *file, uint64_t *v)
{
    char  buf[64];

    if (host_read_text(dir, file, buf, sizeof(buf)) < 0) {
        return -1;
    }
    *v = strtoull(buf, NULL, 10);
    return 0;
}


int
host_cgroup_open(host_cgroup_t *cg, pid_t pid, char *err, size_t errlen)
{
    char   path[64], line[HOST_PATH_MAX], *ctl, *rel;
    FILE  *f;

    memset(cg, 0, sizeof(*cg));
    cg->init_pid = pid;
    cg->peak_fd = -1;
    cg->init_fd = (int) syscall(SYS_pidfd_open, pid, 0);
    if (cg->init_fd < 0) {
        snprintf(err, errlen, "pidfd_open %d: %s", (int) pid, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
    f = fopen(path, "re");
    if (f == NULL) {
        snprintf(err, errlen, "open %s: %s", path, strerror(errno));
        return -1;
    }

    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        ctl = strchr(line, ':');
        rel = ctl != NULL ? strchr(ctl + 1, ':') : NULL;
        if (rel == NULL) {
            continue;
        }
        *rel++ = '\0';
        ctl++;
        if (strcmp(line, "0") == 0 && *ctl == '\0') {
            if (cg->version == 0) {
                snprintf(cg->cpu, sizeof(cg->cpu), "/sys/fs/cgroup%.400s",
                         rel);
            }
        } else if (strstr(ctl, "cpuacct") != NULL) {
            cg->version = 1;
            snprintf(cg->cpu, sizeof(cg->cpu), "/sys/fs/cgroup/cpuacct%.400s",
                     rel);
        } else if (strcmp(ctl, "memory") == 0) {
            cg->version = 1;
            snprintf(cg->mem, sizeof(cg->mem), "/sys/fs/cgroup/memory%.400s",
                     rel);
        } else if (strcmp(ctl, "pids") == 0) {
            cg->version = 1;
            snprintf(cg->pids, sizeof(cg->pids), "/sys/fs/cgroup/pids%.400s",
                     rel);
        }
    }
    fclose(f);

    if (cg->version == 0 && cg->cpu[0] != '\0') {
        cg->version = 2;
        memcpy(cg->mem, cg->cpu, sizeof(cg->mem));
        memcpy(cg->pids, cg->cpu, sizeof(cg->pids));
    }
    if (cg->cpu[0] == '\0' || cg->mem[0] == '\0' || cg->pids[0] == '\0'
        || access(cg->mem, F_OK) != 0)
    {
        snprintf(err, errlen, "no cgroup of the container (pid %d) in "
                 "/sys/fs/cgroup: the worker needs the host's", (int) pid);
        return -1;
    }
    if (cg->version == 2) {
        snprintf(line, sizeof(line), "%.400s/memory.peak", cg->mem);
        cg->peak_fd = open(line, O_RDWR | O_CLOEXEC);
    }
    return 0;
}


void
host_cgroup_close(host_cgroup_t *cg)
{
    if (cg->peak_fd >= 0) {
        close(cg->peak_fd);
        cg->peak_fd = -1;
    }
    if (cg->init_fd >= 0) {
        close(cg->init_fd);
        cg->init_fd = -1;
    }
}


int
host_alive(const host_cgroup_t *cg, int wait_ms)
{
    struct pollfd  pfd = { cg->init_fd, POLLIN, 0 };
    int            n;

    if (cg->init_fd < 0) {
        return 0;
    }

    while ((n = poll(&pfd, 1, wait_ms)) < 0 && errno == EINTR) {
        /* again */
    }

    return n == 0;
}


void
host_end(const host_cgroup_t *cg)
{
    if (cg->init_fd >= 0) {
        (void) syscall(SYS_pidfd_send_signal, cg->init_fd, SIGKILL, NULL, 0);
    }
}


void
host_cgroup_reset_peak(const host_cgroup_t *cg)
{
    if (cg->version == 1) {
        (void) host_write_text(cg->mem, "memory.max_usage_in_bytes", "0");
    } else if (cg->peak_fd >= 0) {
        (void) !pwrite(cg->peak_fd, "0", 1, 0);
    }
}


int
host_cgroup_prepare(const host_cgroup_t *cg, uint64_t memory_bytes,
    unsigned pids, uint64_t *cpu_ns, uint64_t *oom_kills, char *err,
    size_t errlen)
{
    char  mem[32], n[32];
    int   ok;

    snprintf(mem, sizeof(mem), "%llu", (unsigned long long) memory_bytes);
    snprintf(n, sizeof(n), "%u", pids);

    if (cg->version == 1) {
        /* the limit with swap may not go below the limit without it, nor
         * that one above the other: one order or the other works */
        (void) host_write_text(cg->mem, "memory.limit_in_bytes", mem);
        (void) host_write_text(cg->mem, "memory.memsw.limit_in_bytes", mem);
        ok = host_write_text(cg->mem, "memory.limit_in_bytes", mem) == 0;
        ok = ok && host_read_key(cg->mem, "memory.oom_control", "oom_kill",
                                 oom_kills) == 0;
        ok = ok && host_read_u64(cg->cpu, "cpuacct.usage", cpu_ns) == 0;
    } else {
        (void) host_write_text(cg->mem, "memory.swap.max", "0");
        ok = host_write_text(cg->mem, "memory.max", mem) == 0
             && host_read_key(cg->mem, "memory.events", "oom_kill",
                              oom_kills) == 0
             && host_cgroup_cpu(cg, cpu_ns) == 0;
    }
    ok = ok && host_write_text(cg->pids, "pids.max", n) == 0;
    host_cgroup_reset_peak(cg);

    if (!ok) {
        snprintf(err, errlen, "setting the limits of cgroup %s: %s", cg->mem,
                 strerror(errno));
        return -1;
    }
    return 0;
}


int
host_cgroup_cpu(const host_cgroup_t *cg, uint64_t *ns)
{
    uint64_t  us;

    if (cg->version == 1) {
        return host_read_u64(cg->cpu, "cpuacct.usage", ns);
    }
    if (host_read_key(cg->cpu, "cpu.stat", "usage_usec", &us) < 0) {
        return -1;
    }
    *ns = us * 1000;
    return 0;
}


int
host_cgroup_finish(const host_cgroup_t *cg, uint64_t *peak_bytes,
    uint64_t *oom_kills)
{
    if (cg->version == 1) {
        return host_read_u64(cg->mem, "memory.max_usage_in_bytes", peak_bytes)
               == 0
               && host_read_key(cg->mem, "memory.oom_control", "oom_kill",
                                oom_kills) == 0 ? 0 : -1;
    }
    if (cg->peak_fd >= 0) {
        char     buf[64];
        ssize_t  n = pread(cg->peak_fd, buf, sizeof(buf) - 1, 0);

        if (n <= 0) {
            return -1;
        }
        buf[n] = '\0';
        *peak_bytes = strtoull(buf, NULL, 10);
    } else if (host_read_u64(cg->mem, "memory.peak", peak_bytes) < 0) {
        return -1;
    }
    return host_read_key(cg->mem, "memory.events", "oom_kill", oom_kills);
}


int
host_cgroup_tasks(const host_cgroup_t *cg)
{
    uint64_t  n;

    if (host_read_u64(cg->pids, "pids.current", &n) < 0) {
        return -1;
    }
    return (int) n;
}


int
host_cgroup_pids(const host_cgroup_t *cg, unsigned pids)
{
    char  n[32];

    snprintf(n, sizeof(n), "%u", pids);
    return host_write_text(cg->pids, "pids.max", n);
}


int
host_only_exe(const host_cgroup_t *cg, const char *exe)
{
    char   buf[4096], path[64], link[HOST_PATH_MAX], *p, *end;
    long   pid, other = 0;
    int    n = 0;
    ssize_t  len;

    if (host_read_text(cg->pids, "cgroup.procs", buf, sizeof(buf)) < 0) {
        return -1;
    }
    for (p = buf; *p != '\0'; p = end) {
        pid = strtol(p, &end, 10);
        if (end == p) {
            break;
        }
        if (pid > 0 && pid != cg->init_pid) {
            other = pid;
            n++;
        }
    }
    if (n != 1) {
        return 0;
    }
    snprintf(path, sizeof(path), "/proc/%ld/exe", other);
    len = readlink(path, link, sizeof(link) - 1);
    if (len < 0) {
        return 0;
    }
    link[len] = '\0';
    return strcmp(link, exe) == 0;
}


/*
 * Round after round, as a fork bomb forks while it is being killed: the
 * process limit bounds it, and a killed process forks no more.
 */
int
host_kill_rest(const host_cgroup_t *cg)
{
    char   buf[16384], *p, *end;
    long   pid;
    int    round, seen, first = -1;

    for (round = 0; round < HOST_KILL_ROUNDS; round++) {
        if (host_read_text(cg->pids, "cgroup.procs", buf, sizeof(buf)) < 0) {
            return -1;
        }
        seen = 0;
        for (p = buf; *p != '\0'; p = end) {
            pid = strtol(p, &end, 10);
            if (end == p) {
                break;
            }
            if (pid > 0 && pid != cg->init_pid) {
                (void) kill((pid_t) pid, SIGKILL);
                seen++;
            }
        }
        if (first < 0) {
            first = seen;
        }
        if (seen == 0) {
            return first;
        }
        usleep(round < 10 ? 1000 : 10000);
    }
    return first;
}


int
host_open_dir(pid_t pid, const char *inside, char *err, size_t errlen)
{
    struct open_how  how;
    char             path[64];
    int              root, fd;

    snprintf(path, sizeof(path), "/proc/%d/root", (int) pid);
    root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) {
        snprintf(err, errlen, "open %s: %s", path, strerror(errno));
        return -1;
    }
    memset(&how, 0, sizeof(how));
    how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    fd = (int) syscall(SYS_openat2, root, inside + 1, &how, sizeof(how));
    if (fd < 0) {
        snprintf(err, errlen, "open %s in the container: %s", inside,
                 strerror(errno));
    }
    close(root);
    return fd;
}


int
host_put_file(int dir, const char *name, const void *data, size_t len,
    unsigned mode, uid_t uid, char *err, size_t errlen)
{
    const char  *p = data;
    ssize_t      n;
    int          fd;

    fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW
                           | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "create %s in the container: %s", name,
                 strerror(errno));
        return -1;
    }
    while (len > 0) {
        n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            snprintf(err, errlen, "write %s in the container: %s", name,
                     n < 0 ? strerror(errno) : "short write");
            close(fd);
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    if (fchown(fd, uid, uid) < 0 || fchmod(fd, mode & 07777) < 0) {
        snprintf(err, errlen, "chown %s in the container: %s", name,
                 strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}


int
host_get_file(int dir, const char *name, size_t max, char **data,
    size_t *len)
{
    struct stat  st;
    ssize_t      n;
    size_t       got = 0;
    char        *buf;
    int          fd, e;

    *data = NULL;
    *len = 0;
    fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    if ((uint64_t) st.st_size > max) {
        close(fd);
        errno = EFBIG;
        return -1;
    }
    buf = malloc((size_t) st.st_size + 1);
    if (buf == NULL) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    while (got < (size_t) st.st_size) {
        n = read(fd, buf + got, (size_t) st.st_size - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t) n;
    }
    e = errno;
    close(fd);
    if (got != (size_t) st.st_size) {
        free(buf);
        errno = e ? e : EIO;
        return -1;
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return 0;
}


/*
 * The recursion is bounded: a run can nest directories deeper than the
 * worker has stack or descriptors, and a /box it leaves that deep cannot
 * be emptied (-1: its container is given up, the daemon removes it).
 */
static int
host_empty_at(int dir, unsigned depth)
{
    DIR            *d;
    struct dirent  *de;
    int             fd, sub, n = 0, r;

    fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        if (unlinkat(fd, de->d_name, 0) == 0) {
            n++;
            continue;
        }
        if (errno != EISDIR) {
            n = -1;
            break;
        }
        sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                                     | O_CLOEXEC);
        r = sub >= 0 && depth < HOST_EMPTY_DEPTH
            ? host_empty_at(sub, depth + 1) : -1;
        if (sub >= 0) {
            close(sub);
        }
        if (r < 0 || unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0) {
            n = -1;
            break;
        }
        n++;
    }
    closedir(d);
    return n;
}


int
host_empty_dir(int dir)
{
    return host_empty_at(dir, 0);
}


/* The objects listed in one /proc/sysvipc file, header line left out. */
static int
host_ipc_count(const char *path)
{
    char   line[512];
    FILE  *f;
    int    n = -1;

    f = fopen(path, "re");
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        n++;
    }
    fclose(f);
    return n < 0 ? 0 : n;
}


/*
 * /proc/sysvipc lists the reading thread's IPC namespace: this thread
 * enters the container's for the reading, then goes back to its own.
 */
int
host_ipc_objects(pid_t pid, char *err, size_t errlen)
{
    char  path[64];
    int   own, theirs, n, total = 0;

    own = open("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC);
    snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int) pid);
    theirs = open(path, O_RDONLY | O_CLOEXEC);
    if (own < 0 || theirs < 0 || setns(theirs, CLONE_NEWIPC) < 0) {
        snprintf(err, errlen, "entering the IPC namespace of pid %d: %s",
                 (int) pid, strerror(errno));
        total = -1;
        goto done;
    }
    n = host_ipc_count("/proc/sysvipc/shm");
    total = n < 0 ? -1 : total + n;
    n = host_ipc_count("/proc/sysvipc/msg");
    total = n < 0 || total < 0 ? -1 : total + n;
    n = host_ipc_count("/proc/sysvipc/sem");
    total = n < 0 || total < 0 ? -1 : total + n;
    if (setns(own, CLONE_NEWIPC) < 0) {
        snprintf(err, errlen, "back to the worker's IPC namespace: %s",
                 strerror(errno));
        total = -1;
    } else if (total < 0) {
        snprintf(err, errlen, "reading /proc/sysvipc in the container");
    }

done:

    if (own >= 0) {
        close(own);
    }
    if (theirs >= 0) {
        close(theirs);
    }
    return total;
}
