/*
 * What the worker tells the master about its host: cores, memory, load,
 * CPU use, cgroup version, ABI tag, host name.  The parsers take the text
 * of the /proc file so they can be tested on fixed input.
 */

#ifndef JUDGE_WORKER_SYSINFO_H
#define JUDGE_WORKER_SYSINFO_H

#include <stddef.h>
#include <stdint.h>


struct host_facts {
    char      hostname[256];
    uint32_t  cores;
    uint64_t  ram_kb;
    uint32_t  cgroup_version;
};

struct cpu_sample {
    uint64_t  busy;         /* jiffies not idle, all CPUs */
    uint64_t  total;
};


uint32_t sysinfo_cores(void);
int      sysinfo_parse_meminfo(const char *text, uint64_t *total_kb,
                               uint64_t *avail_kb);
int      sysinfo_memory(uint64_t *total_kb, uint64_t *used_kb, char *err,
                        size_t errlen);
int      sysinfo_parse_cpu(const char *text, struct cpu_sample *s);
int      sysinfo_cpu(struct cpu_sample *s, char *err, size_t errlen);
uint32_t sysinfo_cpu_percent(const struct cpu_sample *prev,
                             const struct cpu_sample *cur);
double   sysinfo_load1(void);
uint32_t sysinfo_cgroup_version(const char *root);
void     sysinfo_abi(char *buf, size_t len);
void     sysinfo_hostname(char *buf, size_t len);
int      sysinfo_host(struct host_facts *h, char *err, size_t errlen);


#endif /* JUDGE_WORKER_SYSINFO_H */
