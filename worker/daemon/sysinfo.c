/*
 * Host facts and load figures, from sysconf(3), /proc and /sys.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sysinfo.h"
#include "util.h"


/*
 * Cores online now; at least 1.
 */
uint32_t
sysinfo_cores(void)
{
    long  n;

    n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (uint32_t) n : 1;
}


/*
 * Finds "key:" at the start of a line of /proc/meminfo text and reads its
 * kB value.  Returns 0, or -1 when the key is absent.
 */
static int
meminfo_value(const char *text, const char *key, uint64_t *value)
{
    const char  *p;
    size_t       key_len;

    key_len = strlen(key);

    p = text;

    while (p != NULL) {
        if (strncmp(p, key, key_len) == 0 && p[key_len] == ':') {
            return sscanf(p + key_len + 1, "%" SCNu64, value) == 1 ? 0 : -1;
        }

        p = strchr(p, '\n');
        if (p != NULL) {
            p++;
        }
    }

    return -1;
}


/*
 * Total and available memory from /proc/meminfo text.  Kernels before
 * 3.14 have no MemAvailable; free + buffers + page cache approximates it.
 * Returns 0, or -1 when MemTotal cannot be found.
 */
int
sysinfo_parse_meminfo(const char *text, uint64_t *total_kb, uint64_t *avail_kb)
{
    uint64_t  free_kb, buffers_kb, cached_kb;

    if (meminfo_value(text, "MemTotal", total_kb) != 0) {
        return -1;
    }

    if (meminfo_value(text, "MemAvailable", avail_kb) == 0) {
        return 0;
    }

    free_kb = buffers_kb = cached_kb = 0;
    (void) meminfo_value(text, "MemFree", &free_kb);
    (void) meminfo_value(text, "Buffers", &buffers_kb);
    (void) meminfo_value(text, "Cached", &cached_kb);

    *avail_kb = free_kb + buffers_kb + cached_kb;
    if (*avail_kb > *total_kb) {
        *avail_kb = *total_kb;
    }

    return 0;
}


/*
 * Total RAM and RAM in use (total - available), in kB.
 */
int
sysinfo_memory(uint64_t *total_kb, uint64_t *used_kb, char *err,
               size_t errlen)
{
    char      *text;
    uint64_t   avail_kb;
    int        rc;

    text = read_small_file("/proc/meminfo", 64 * 1024, err, errlen);
    if (text == NULL) {
        return -1;
    }

    rc = sysinfo_parse_meminfo(text, total_kb, &avail_kb);
    free(text);

    if (rc != 0) {
        snprintf(err, errlen, "/proc/meminfo has no MemTotal line");
        return -1;
    }

    *used_kb = *total_kb > avail_kb ? *total_kb - avail_kb : 0;

    return 0;
}


/*
 * Reads the aggregate "cpu" line of /proc/stat text: user nice system idle
 * iowait irq softirq steal (guest time is already inside user).  Idle and
 * iowait count as not busy.  Returns 0, or -1 on malformed text.
 */
int
sysinfo_parse_cpu(const char *text, struct cpu_sample *s)
{
    uint64_t  v[8];
    int       n, i;

    memset(v, 0, sizeof(v));

    if (strncmp(text, "cpu ", 4) != 0) {
        return -1;
    }

    n = sscanf(text + 4, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
               " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
               &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    if (n < 4) {
        return -1;
    }

    s->total = 0;
    for (i = 0; i < 8; i++) {
        s->total += v[i];
    }

    s->busy = s->total - v[3] - v[4];

    return 0;
}


/*
 * Samples the CPU counters now.
 */
int
sysinfo_cpu(struct cpu_sample *s, char *err, size_t errlen)
{
    char  *text;
    int    rc;

    text = read_small_file("/proc/stat", 1024 * 1024, err, errlen);
    if (text == NULL) {
        return -1;
    }

    rc = sysinfo_parse_cpu(text, s);
    free(text);

    if (rc != 0) {
        snprintf(err, errlen, "/proc/stat does not start with a cpu line");
        return -1;
    }

    return 0;
}


/*
 * Busy share of all CPUs between two samples, 0-100.  A sample that went
 * backwards (counter reset) or no elapsed time gives 0.
 */
uint32_t
sysinfo_cpu_percent(const struct cpu_sample *prev, const struct cpu_sample *cur)
{
    uint64_t  busy, total;

    if (cur->total <= prev->total || cur->busy < prev->busy) {
        return 0;
    }

    busy = cur->busy - prev->busy;
    total = cur->total - prev->total;

    if (busy >= total) {
        return 100;
    }

    return (uint32_t) ((busy * 100 + total / 2) / total);
}


/*
 * The 1-minute load average; 0 when the kernel does not say.
 */
double
sysinfo_load1(void)
{
    double  load[1];

    if (getloadavg(load, 1) != 1) {
        return 0.0;
    }

    return load[0];
}


/*
 * Which cgroup hierarchy the sandbox can use under "root" (normally
 * /sys/fs/cgroup): 2 when the unified hierarchy offers the memory
 * controller, 1 when a v1 memory hierarchy is mounted, 0 for neither
 * (rlimits only).
 */
uint32_t
sysinfo_cgroup_version(const char *root)
{
    char         path[4096], err[256], *text, *tok, *save;
    struct stat  st;
    uint32_t     version;

    version = 0;

    snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
    text = read_small_file(path, 4096, err, sizeof(err));

    if (text != NULL) {
        for (tok = strtok_r(text, " \t\n", &save); tok != NULL;
             tok = strtok_r(NULL, " \t\n", &save))
        {
            if (strcmp(tok, "memory") == 0) {
                version = 2;
                break;
            }
        }

        free(text);

        if (version != 0) {
            return version;
        }
    }

    snprintf(path, sizeof(path), "%s/memory", root);

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        return 1;
    }

    return 0;
}


/*
 * The ABI tag artifacts are matched on: machine and C library, as in the
 * GNU triplet ("x86_64-linux-gnu", "aarch64-linux-musl").  A compiled
 * artifact only goes to workers with the same tag.
 */
void
sysinfo_abi(char *buf, size_t len)
{
    struct utsname  u;
    const char     *libc;

#if defined(__GLIBC__)
    libc = "gnu";
#else
    libc = "musl";      /* musl defines no identifying macro on purpose */
#endif

    if (uname(&u) == -1) {
        snprintf(buf, len, "unknown-linux-%s", libc);
        return;
    }

    snprintf(buf, len, "%s-linux-%s", u.machine, libc);
}


/*
 * The host's name, or "localhost" when it cannot be read.
 */
void
sysinfo_hostname(char *buf, size_t len)
{
    if (gethostname(buf, len) == -1) {
        snprintf(buf, len, "localhost");
        return;
    }

    buf[len - 1] = '\0';
}


/*
 * The facts Register reports, gathered once at start-up.
 */
int
sysinfo_host(struct host_facts *h, char *err, size_t errlen)
{
    uint64_t  used_kb;

    sysinfo_hostname(h->hostname, sizeof(h->hostname));
    h->cores = sysinfo_cores();
    h->cgroup_version = sysinfo_cgroup_version("/sys/fs/cgroup");

    return sysinfo_memory(&h->ram_kb, &used_kb, err, errlen);
}
