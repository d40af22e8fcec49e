/*
 * Host figures from /proc text: memory in use, CPU percent between two
 * samples, cgroup version from a fake /sys/fs/cgroup.
 */

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/sysinfo.h"
#include "tap.h"


int
main(void)
{
    uint64_t           total, avail;
    struct cpu_sample  a, b;
    char               root[] = "/tmp/judge-sysinfo-XXXXXX", path[256];
    FILE              *f;

    ok(sysinfo_parse_meminfo("MemTotal:       16000000 kB\n"
                             "MemFree:         1000000 kB\n"
                             "MemAvailable:    9000000 kB\n",
                             &total, &avail) == 0
       && total == 16000000 && avail == 9000000, "MemTotal and MemAvailable");

    ok(sysinfo_parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\n"
                             "Buffers: 50 kB\nCached: 250 kB\n",
                             &total, &avail) == 0 && avail == 400,
       "old kernels: free + buffers + cached");

    ok(sysinfo_parse_meminfo("MemFree: 100 kB\n", &total, &avail) == -1,
       "no MemTotal is an error");

    ok(sysinfo_parse_meminfo("XMemTotal: 5 kB\nMemTotal: 7 kB\n"
                             "MemAvailable: 1 kB\n", &total, &avail) == 0
       && total == 7, "keys match whole names at line starts");

    ok(sysinfo_parse_cpu("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n",
                         &a) == 0 && a.total == 1000 && a.busy == 200,
       "busy excludes idle and iowait");
    ok(sysinfo_parse_cpu("cpu  400 0 200 1200 200 0 0 0 0 0\n", &b) == 0,
       "second sample");
    is_int(sysinfo_cpu_percent(&a, &b), 40, "CPU percent between samples");
    is_int(sysinfo_cpu_percent(&b, &a), 0, "counters going back give 0");
    is_int(sysinfo_cpu_percent(&a, &a), 0, "no time elapsed gives 0");
    ok(sysinfo_parse_cpu("intr 1 2 3\n", &a) == -1, "no cpu line is an "
       "error");

    if (mkdtemp(root) == NULL) {
        ok(0, "mkdtemp");
        return done_testing();
    }

    is_int(sysinfo_cgroup_version(root), 0, "no cgroup fs: version 0");

    snprintf(path, sizeof(path), "%s/memory", root);
    mkdir(path, 0755);
    is_int(sysinfo_cgroup_version(root), 1, "memory hierarchy: version 1");

    snprintf(path, sizeof(path), "%s/cgroup.controllers", root);
    f = fopen(path, "w");
    fputs("cpuset cpu io pids\n", f);
    fclose(f);
    is_int(sysinfo_cgroup_version(root), 1, "v2 without memory: still 1");

    f = fopen(path, "w");
    fputs("cpuset cpu io memory pids\n", f);
    fclose(f);
    is_int(sysinfo_cgroup_version(root), 2, "v2 with memory: version 2");

    unlink(path);
    snprintf(path, sizeof(path), "%s/memory", root);
    rmdir(path);
    rmdir(root);

    ok(sysinfo_cores() >= 1, "at least one core");

    return done_testing();
}
