/*
 * cgroup.c: memory, pids and CPU accounting for the whole process tree.
 *
 * One pooled cgroup per instance, created in sandbox_create() and kept:
 * per-run mkdir/rmdir costs about 0.3 ms, resetting counters a few us.
 * It is made while the new init builds its root, handed to init over the
 * control socket, and init moves itself in before it reports ready: every
 * process of a run starts inside without an attach step.  The memory side
 * of a run is init's (sbx_cgroup_run_begin and sbx_cgroup_run_peak, through
 * descriptors handed to it with the cgroup): just before the spawn, with
 * the run's files placed, what the cgroup holds is the run's baseline,
 * added to the limit and subtracted from the peak.
 * Page cache left by earlier runs is reclaimed first, so it neither hides
 * in the baseline nor stretches the limit while it is evicted.
 *
 * cgroup v2 is used when the unified hierarchy has the memory controller,
 * otherwise v1 with memory, pids and cpuacct as separate hierarchies (as on
 * the build machine), otherwise nothing: sandbox.c then falls back to
 * rlimits (RLIMIT_AS for memory, per-process CPU) and says so in
 * sandbox_host_info().  That is what happens without root and without a
 * delegated subtree.
 *
 * The instance directory is "<parent>/<pid>-<slot>-<random>"; directories
 * of dead worker processes found under <parent> are removed on setup.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "internal.h"


static void
sbx_cg_init(sbx_cgroup_t *cg)
{
    memset(cg, 0, sizeof(*cg));
    cg->mem.procs_fd = cg->pids.procs_fd = cg->cpu.procs_fd = -1;
    cg->mem_limit_fd = cg->memsw_limit_fd = cg->mem_peak_fd = -1;
    cg->mem_usage_fd = cg->mem_oom_fd = cg->pids_max_fd = -1;
    cg->mem_reclaim_fd = cg->cpu_usage_fd = cg->tasks_fd = -1;
}


/* Does the comma-separated list opts hold word? */
static int
sbx_has_word(const char *opts, const char *word)
{
    size_t       n = strlen(word);
    const char  *p = opts;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'
                                         || p[n] == ' '))
        {
            return 1;
        }
        p = strpbrk(p, ", ");
        if (p != NULL) {
            p++;
        }
    }
    return 0;
}


/*
 * Finds where the hierarchies are mounted, from /proc/self/mountinfo:
 * "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - FSTYPE SOURCE SUPEROPTS".
 */
static void
sbx_cg_find_mounts(char *v2, char *mem, char *pids, char *cpu, size_t size)
{
    FILE    *f;
    char     line[4096], mnt[1024], fstype[64], super[1024], path[1100];
    char     buf[512];
    char    *dash;
    int      fd;

    v2[0] = mem[0] = pids[0] = cpu[0] = '\0';

    f = fopen("/proc/self/mountinfo", "re");
    if (f == NULL) {
        return;
    }

    while (fgets(line, sizeof(line), f) != NULL) {
        dash = strstr(line, " - ");
        if (dash == NULL
            || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1
            || sscanf(dash + 3, "%63s %*s %1023s", fstype, super) != 2)
        {
            continue;
        }

        if (strcmp(fstype, "cgroup2") == 0 && v2[0] == '\0') {
            snprintf(path, sizeof(path), "%s/cgroup.controllers", mnt);
            fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                if (sbx_read_text(fd, buf, sizeof(buf)) > 0
                    && sbx_has_word(buf, "memory"))
                {
                    snprintf(v2, size, "%.500s", mnt);
                }
                close(fd);
            }

        } else if (strcmp(fstype, "cgroup") == 0) {
            if (sbx_has_word(super, "memory") && mem[0] == '\0') {
                snprintf(mem, size, "%.500s", mnt);
            }
            if (sbx_has_word(super, "pids") && pids[0] == '\0') {
                snprintf(pids, size, "%.500s", mnt);
            }
            if (sbx_has_word(super, "cpuacct") && cpu[0] == '\0') {
                snprintf(cpu, size, "%.500s", mnt);
            }
        }
    }

    fclose(f);
}


/* Which version sbx_cgroup_setup() would use here (for host info). */
int
sbx_cgroup_probe(void)
{
    char  v2[512], mem[512], pids[512], cpu[512];

    sbx_cg_find_mounts(v2, mem, pids, cpu, sizeof(v2));
    return v2[0] ? 2 : mem[0] ? 1 : 0;
}


/* Removes "<pid>-*" directories under base whose worker process is gone. */
static void
sbx_cg_sweep(const char *base)
{
    DIR            *d;
    struct dirent  *de;
    char            path[1024];
    long            pid;

    d = opendir(base);
    if (d == NULL) {
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (!isdigit((unsigned char) de->d_name[0])
            || strchr(de->d_name, '-') == NULL)
        {
            continue;
        }
        pid = strtol(de->d_name, NULL, 10);
        if (pid > 0 && kill((pid_t) pid, 0) < 0 && errno == ESRCH) {
            snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
            (void) rmdir(path);
        }
    }
    closedir(d);
}


static int
sbx_cg_open(const sbx_cgdir_t *dir, const char *file, int flags)
{
    char  path[600];

    snprintf(path, sizeof(path), "%s/%s", dir->path, file);
    return open(path, flags | O_CLOEXEC);
}


/* mkdir <mount>/<parent>/<name> and open the file that moves a task in. */
static int
sbx_cg_make(sbx_cgroup_t *cg, sbx_cgdir_t *dir, const char *mnt,
    const char *parent, int v2, sbx_err_t *err)
{
    char         base[512];
    const char  *file;

    snprintf(base, sizeof(base), "%s/%s", mnt, parent);
    if (mkdir(base, 0755) < 0 && errno != EEXIST) {
        return sbx_fail(err, errno, "mkdir %s", base);
    }
    sbx_cg_sweep(base);

    if (v2) {
        /* children of base get the controllers; cpu is optional */
        char  path[600];
        int   fd;

        snprintf(path, sizeof(path), "%s/cgroup.subtree_control", base);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            return sbx_fail(err, errno, "open %s", path);
        }
        if (sbx_write_str(fd, "+memory") < 0) {
            int  e = errno;
            close(fd);
            return sbx_fail(err, e, "enabling memory in %s", path);
        }
        (void) sbx_write_str(fd, "+pids");
        (void) sbx_write_str(fd, "+cpu");
        close(fd);
    }

    snprintf(dir->path, sizeof(dir->path), "%.400s/%.95s", base, cg->name);
    if (mkdir(dir->path, 0755) < 0) {
        return sbx_fail(err, errno, "mkdir %s", dir->path);
    }

    /*
     * Init, which joins, is single-threaded, so moving its one thread
     * (v1 "tasks") moves the process.  Writing to cgroup.procs moves a
     * thread group and takes the kernel's global threadgroup lock for
     * writing, which waits for an RCU grace period (0.1 ms on average,
     * up to 16 ms, measured here); the writer moving its own thread alone
     * does not take it.  v2 moves threads only inside threaded subtrees.
     */
    file = v2 ? "cgroup.procs" : "tasks";
    dir->procs_fd = sbx_cg_open(dir, file, O_WRONLY);
    if (dir->procs_fd < 0) {
        return sbx_fail(err, errno, "open %s/%s", dir->path, file);
    }
    return 0;
}


static int
sbx_cg_setup_v1(sandbox_t *sb, const char *mem, const char *pids,
    const char *cpu, sbx_err_t *err)
{
    sbx_cgroup_t  *cg = &sb->cg;
    int            fd;

    if (sbx_cg_make(cg, &cg->mem, mem, sb->cgroup_parent, 0, err) < 0) {
        return -1;
    }
    cg->mem_limit_fd = sbx_cg_open(&cg->mem, "memory.limit_in_bytes",
                                   O_RDWR);
    cg->memsw_limit_fd = sbx_cg_open(&cg->mem, "memory.memsw.limit_in_bytes",
                                     O_RDWR);
    cg->mem_peak_fd = sbx_cg_open(&cg->mem, "memory.max_usage_in_bytes",
                                  O_RDWR);
    cg->mem_usage_fd = sbx_cg_open(&cg->mem, "memory.usage_in_bytes",
                                   O_RDONLY);
    cg->mem_oom_fd = sbx_cg_open(&cg->mem, "memory.oom_control", O_RDONLY);
    cg->tasks_fd = sbx_cg_open(&cg->mem, "cgroup.procs", O_RDONLY);
    if (cg->mem_limit_fd < 0 || cg->mem_peak_fd < 0 || cg->mem_usage_fd < 0
        || cg->mem_oom_fd < 0)
    {
        return sbx_fail(err, errno, "opening files in %s", cg->mem.path);
    }
    cg->peak_resettable = 1;

    /*
     * Reclaim between runs (sbx_cg_reclaim) takes page cache only: on a
     * host with swap it would otherwise page init out (the memsw limit
     * keeps a run from gaining anything by swapping anyway).
     */
    fd = sbx_cg_open(&cg->mem, "memory.swappiness", O_WRONLY);
    if (fd >= 0) {
        (void) sbx_write_str(fd, "0");
        close(fd);
    }

    if (pids[0] != '\0') {
        if (sbx_cg_make(cg, &cg->pids, pids, sb->cgroup_parent, 0, err) < 0) {
            return -1;
        }
        cg->pids_max_fd = sbx_cg_open(&cg->pids, "pids.max", O_RDWR);
        if (cg->pids_max_fd < 0) {
            return sbx_fail(err, errno, "open %s/pids.max", cg->pids.path);
        }
    }

    if (cpu[0] != '\0') {
        if (sbx_cg_make(cg, &cg->cpu, cpu, sb->cgroup_parent, 0, err) < 0) {
            return -1;
        }
        cg->cpu_usage_fd = sbx_cg_open(&cg->cpu, "cpuacct.usage", O_RDWR);
        if (cg->cpu_usage_fd < 0) {
            return sbx_fail(err, errno, "open %s/cpuacct.usage",
                            cg->cpu.path);
        }
    }

    cg->version = 1;
    return 0;
}


static int
sbx_cg_setup_v2(sandbox_t *sb, const char *mnt, sbx_err_t *err)
{
    sbx_cgroup_t  *cg = &sb->cg;
    int            fd;

    if (sbx_cg_make(cg, &cg->mem, mnt, sb->cgroup_parent, 1, err) < 0) {
        return -1;
    }
    cg->pids = cg->mem;
    cg->cpu = cg->mem;
    cg->pids.procs_fd = cg->cpu.procs_fd = -1;     /* one fd, in mem */

    cg->mem_limit_fd = sbx_cg_open(&cg->mem, "memory.max", O_RDWR);
    cg->mem_peak_fd = sbx_cg_open(&cg->mem, "memory.peak", O_RDWR);
    cg->mem_usage_fd = sbx_cg_open(&cg->mem, "memory.current", O_RDONLY);
    cg->mem_oom_fd = sbx_cg_open(&cg->mem, "memory.events", O_RDONLY);
    cg->mem_reclaim_fd = sbx_cg_open(&cg->mem, "memory.reclaim", O_WRONLY);
    cg->pids_max_fd = sbx_cg_open(&cg->mem, "pids.max", O_RDWR);
    cg->cpu_usage_fd = sbx_cg_open(&cg->mem, "cpu.stat", O_RDONLY);
    cg->tasks_fd = sbx_cg_open(&cg->mem, "cgroup.procs", O_RDONLY);
    if (cg->mem_limit_fd < 0 || cg->mem_usage_fd < 0 || cg->mem_oom_fd < 0
        || cg->cpu_usage_fd < 0)
    {
        return sbx_fail(err, errno, "opening files in %s", cg->mem.path);
    }

    /* no swapping past the limit, and reclaim takes page cache only */
    fd = sbx_cg_open(&cg->mem, "memory.swap.max", O_WRONLY);
    if (fd >= 0) {
        (void) sbx_write_str(fd, "0");
        close(fd);
    }

    /* since 6.12 a write resets the peak seen through this fd */
    cg->peak_resettable = cg->mem_peak_fd >= 0
                          && sbx_write_str(cg->mem_peak_fd, "reset") == 0;

    cg->version = 2;
    return 0;
}


/*
 * Creates the instance's cgroup(s).  A failure is not fatal: it leaves
 * version 0 and the reason in err for sandbox_host_info() and the docs.
 */
int
sbx_cgroup_setup(sandbox_t *sb, sbx_err_t *err)
{
    char      v2[512], mem[512], pids[512], cpu[512];
    uint32_t  rnd = 0;

    sbx_cg_init(&sb->cg);

    if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0) {
        rnd = (uint32_t) sbx_now_ns();
    }
    snprintf(sb->cg.name, sizeof(sb->cg.name), "%ld-%u-%08x",
             (long) getpid(), sb->slot, rnd);

    sbx_cg_find_mounts(v2, mem, pids, cpu, sizeof(v2));

    if (v2[0] != '\0') {
        if (sbx_cg_setup_v2(sb, v2, err) == 0) {
            return 0;
        }
    } else if (mem[0] != '\0') {
        if (sbx_cg_setup_v1(sb, mem, pids, cpu, err) == 0) {
            return 0;
        }
    } else {
        sbx_fail(err, 0, "no memory cgroup controller mounted");
    }

    sbx_cgroup_teardown(sb);
    return -1;
}


static void
sbx_cg_remove(sbx_cgdir_t *dir)
{
    int  i;

    sbx_close(&dir->procs_fd);
    if (dir->path[0] == '\0') {
        return;
    }
    /* the last task may still be leaving the cgroup: retry briefly */
    for (i = 0; i < 50; i++) {
        if (rmdir(dir->path) == 0 || errno == ENOENT) {
            break;
        }
        if (errno != EBUSY) {
            break;
        }
        usleep(2000);
    }
    /* the shared parent goes too when this was its last instance */
    {
        char  *slash = strrchr(dir->path, '/');
        if (slash != NULL) {
            *slash = '\0';
            (void) rmdir(dir->path);
        }
    }
    dir->path[0] = '\0';
}


void
sbx_cgroup_teardown(sandbox_t *sb)
{
    sbx_cgroup_t  *cg = &sb->cg;

    sbx_close(&cg->mem_limit_fd);
    sbx_close(&cg->memsw_limit_fd);
    sbx_close(&cg->mem_peak_fd);
    sbx_close(&cg->mem_usage_fd);
    sbx_close(&cg->mem_oom_fd);
    sbx_close(&cg->mem_reclaim_fd);
    sbx_close(&cg->pids_max_fd);
    sbx_close(&cg->cpu_usage_fd);
    sbx_close(&cg->tasks_fd);

    if (cg->version == 2) {
        sbx_cg_remove(&cg->mem);
        cg->pids.path[0] = cg->cpu.path[0] = '\0';
    } else {
        sbx_cg_remove(&cg->mem);
        sbx_cg_remove(&cg->pids);
        sbx_cg_remove(&cg->cpu);
    }
    cg->version = 0;
}


/*
 * The descriptors init gets, in this order: the three that move a task
 * in, then those it uses for the memory side of each run.  A missing one
 * (-1) is left out of the message; the mask says which were sent.
 */
static int *
sbx_cg_init_fd(sbx_cgroup_t *cg, int i)
{
    int  *fds[SBX_CG_MSG_FDS] = {
        &cg->mem.procs_fd, &cg->pids.procs_fd, &cg->cpu.procs_fd,
        &cg->mem_limit_fd, &cg->mem_usage_fd, &cg->memsw_limit_fd,
        &cg->mem_peak_fd, &cg->mem_reclaim_fd
    };

    return fds[i];
}


/*
 * The supervisor's side of the hand-over: sends init the cgroup made
 * while it built its root (version 0: none, the rlimits take over).
 */
int
sbx_cgroup_send(sandbox_t *sb)
{
    sbx_cg_msg_t  m;
    int           fds[SBX_CG_MSG_FDS], n = 0, i, fd;

    memset(&m, 0, sizeof(m));
    m.type = SBX_MSG_CGROUP;
    m.version = sb->cg.version;
    m.peak_resettable = sb->cg.peak_resettable;

    for (i = 0; sb->cg.version != 0 && i < SBX_CG_MSG_FDS; i++) {
        fd = *sbx_cg_init_fd(&sb->cg, i);
        if (fd >= 0) {
            m.mask |= 1u << i;
            fds[n++] = fd;
        }
    }
    return sbx_send(sb->ctl, &m, sizeof(m), fds, n);
}


/*
 * Init's side, once its root is built and before it reports ready:
 * receives the cgroup and moves itself in (writing "0" moves the writer,
 * and init is single-threaded: see sbx_cg_make), so that everything it
 * forks for a run starts inside.  Its copy of the cgroup then holds the
 * memory descriptors only.
 */
int
sbx_cgroup_join(sbx_cgroup_t *cg, int ctl, sbx_err_t *err)
{
    sbx_cg_msg_t  m;
    ssize_t       n;
    int           fds[SBX_CG_MSG_FDS], nfds, i, k, rc = 0;

    n = sbx_recv(ctl, &m, sizeof(m), fds, &nfds, SBX_CG_MSG_FDS);
    if (n != sizeof(m) || m.type != SBX_MSG_CGROUP) {
        for (i = 0; i < nfds; i++) {
            close(fds[i]);
        }
        return sbx_fail(err, n < 0 ? errno : 0, "no cgroup from the worker");
    }

    sbx_cg_init(cg);
    cg->version = m.version;
    cg->peak_resettable = m.peak_resettable;
    for (i = 0, k = 0; i < SBX_CG_MSG_FDS && k < nfds; i++) {
        if (m.mask & (1u << i)) {
            *sbx_cg_init_fd(cg, i) = fds[k++];
        }
    }

    for (i = 0; i < 3; i++) {
        int  *fd = sbx_cg_init_fd(cg, i);

        if (*fd >= 0 && rc == 0 && sbx_write_str(*fd, "0") < 0) {
            rc = sbx_fail(err, errno, "joining the instance cgroup");
        }
        sbx_close(fd);
    }
    return rc;
}


static int
sbx_cg_set_mem_limit(sbx_cgroup_t *cg, uint64_t bytes)
{
    char  buf[32];

    snprintf(buf, sizeof(buf), "%llu", (unsigned long long) bytes);

    if (cg->memsw_limit_fd < 0) {
        return sbx_write_str(cg->mem_limit_fd, buf);
    }

    /*
     * v1 keeps memsw >= limit at every moment: raise memsw first, lower the
     * limit first.  When the current values are unknown (a new init), try
     * one order and then the other.
     */
    if (cg->mem_limit != 0 && bytes > cg->mem_limit) {
        if (sbx_write_str(cg->memsw_limit_fd, buf) == 0
            && sbx_write_str(cg->mem_limit_fd, buf) == 0)
        {
            return 0;
        }
    } else if (sbx_write_str(cg->mem_limit_fd, buf) == 0
               && sbx_write_str(cg->memsw_limit_fd, buf) == 0)
    {
        return 0;
    }
    if (sbx_write_str(cg->memsw_limit_fd, buf) < 0) {
        return -1;
    }
    return sbx_write_str(cg->mem_limit_fd, buf);
}


static int
sbx_cg_counter(int fd, const char *key, uint64_t *v)
{
    char         buf[2048];
    const char  *p;
    size_t       n = strlen(key);

    if (sbx_read_text(fd, buf, sizeof(buf)) < 0) {
        return -1;
    }
    for (p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1
                                                                   : NULL)
    {
        if (strncmp(p, key, n) == 0 && p[n] == ' ') {
            *v = strtoull(p + n + 1, NULL, 10);
            return 0;
        }
    }
    *v = 0;
    return 0;
}


/* The supervisor's part before a run: process limit, CPU counter. */
int
sbx_cgroup_prepare_run(sandbox_t *sb, const sandbox_limits_t *lim,
    sbx_err_t *err)
{
    sbx_cgroup_t  *cg = &sb->cg;
    uint64_t       pids, usage;
    char           buf[32];

    if (cg->version == 0) {
        return 0;
    }

    pids = (uint64_t) lim->processes + 1;          /* + init */
    if (cg->pids_max_fd >= 0 && pids != cg->pids_max) {
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long) pids);
        if (sbx_write_str(cg->pids_max_fd, buf) < 0) {
            return sbx_fail(err, errno, "setting pids.max of %s",
                            cg->pids.path);
        }
        cg->pids_max = pids;
    }

    if (cg->version == 1) {
        if (cg->cpu_usage_fd >= 0 && sbx_write_str(cg->cpu_usage_fd, "0") < 0)
        {
            return sbx_fail(err, errno, "resetting cpuacct.usage of %s",
                            cg->cpu.path);
        }
    } else {
        if (sbx_cg_counter(cg->cpu_usage_fd, "usage_usec", &usage) < 0) {
            return sbx_fail(err, errno, "reading cpu.stat of %s",
                            cg->cpu.path);
        }
        cg->cpu_base_ns = usage * 1000;
    }

    return 0;
}


/*
 * Reclaims what earlier runs left charged here, down to floor bytes if it
 * can.  v1: the limit set to floor makes the kernel reclaim until usage
 * fits (EBUSY when it cannot: fine); memsw is left above it.  v2: lowering
 * memory.max would end in the OOM killer, memory.reclaim asks for the
 * surplus instead (EAGAIN when less could go: fine).  Both take page cache
 * only (swappiness 0, swap.max 0) and cost what they reclaim.
 */
static void
sbx_cg_reclaim(sbx_cgroup_t *cg, uint64_t usage, uint64_t floor)
{
    char  buf[32];

    if (cg->version == 1) {
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long) floor);
        if (sbx_write_str(cg->mem_limit_fd, buf) == 0) {
            cg->mem_limit = floor;
        }
    } else if (cg->mem_reclaim_fd >= 0) {
        snprintf(buf, sizeof(buf), "%llu",
                 (unsigned long long) (usage - floor));
        (void) sbx_write_str(cg->mem_reclaim_fd, buf);
    }
}


/*
 * Init's part, just before it spawns the program, with the work dir made
 * and placed bytes of the run's files in it (tmpfs, charged here).  What
 * the cgroup holds then is the run's baseline: the run may add limit
 * bytes to it, and its peak is measured from it (*base).
 *
 * Whatever an earlier run left charged (page cache of the files it read
 * or compiled) would sit in that baseline: the peak would still be right,
 * but the program could grow past its limit while that cache is evicted
 * for it.  So when the cgroup holds more than init's idle charge (taken
 * at the first run), the placed files and SBX_CG_SLACK, it is reclaimed
 * first.  What could not go (slab still in use) becomes the idle charge,
 * so that a cgroup that cannot shrink is not reclaimed on every run.
 */
int
sbx_cgroup_run_begin(sbx_cgroup_t *cg, uint64_t limit, uint64_t placed,
    uint64_t *base, sbx_err_t *err)
{
    uint64_t  usage, floor;

    *base = 0;

    if (cg->version == 0) {
        return 0;
    }

    if (sbx_read_u64(cg->mem_usage_fd, &usage) < 0) {
        return sbx_fail(err, errno, "reading the memory usage");
    }
    floor = cg->idle + placed;
    if (cg->idle != 0 && usage > floor + SBX_CG_SLACK) {
        sbx_cg_reclaim(cg, usage, floor);
        if (sbx_read_u64(cg->mem_usage_fd, &usage) < 0) {
            return sbx_fail(err, errno, "reading the memory usage");
        }
    }
    if (cg->idle == 0 || usage > floor + SBX_CG_SLACK) {
        cg->idle = usage > placed ? usage - placed : usage;
    }

    if (limit + usage != cg->mem_limit) {
        if (sbx_cg_set_mem_limit(cg, limit + usage) < 0) {
            return sbx_fail(err, errno, "setting the memory limit");
        }
        cg->mem_limit = limit + usage;
    }

    /* v1 resets max_usage to the current usage, v2 this fd's peak */
    if (cg->peak_resettable
        && sbx_write_str(cg->mem_peak_fd, cg->version == 1 ? "0" : "reset")
           < 0)
    {
        return sbx_fail(err, errno, "resetting the memory peak");
    }

    *base = usage;
    return 0;
}


/*
 * After the run, its processes reaped: the most the run held above its
 * baseline.  0 when the peak cannot be reset (cgroup v2 before 6.12): the
 * caller then has the processes' own peak RSS only.
 */
uint64_t
sbx_cgroup_run_peak(const sbx_cgroup_t *cg, uint64_t base)
{
    uint64_t  v;

    if (cg->version == 0 || !cg->peak_resettable
        || sbx_read_u64(cg->mem_peak_fd, &v) < 0)
    {
        return 0;
    }
    return v > base ? v - base : 0;
}


int
sbx_cgroup_cpu_ns(sandbox_t *sb, uint64_t *ns)
{
    sbx_cgroup_t  *cg = &sb->cg;
    uint64_t       v;

    if (cg->cpu_usage_fd < 0) {
        errno = ENOENT;
        return -1;
    }
    if (cg->version == 1) {
        return sbx_read_u64(cg->cpu_usage_fd, ns);
    }
    if (sbx_cg_counter(cg->cpu_usage_fd, "usage_usec", &v) < 0) {
        return -1;
    }
    *ns = v * 1000 > cg->cpu_base_ns ? v * 1000 - cg->cpu_base_ns : 0;
    return 0;
}


/*
 * After a run (the tree is gone): whether the OOM killer fired during the
 * run, the tree's CPU in the cgroup.
 */
int
sbx_cgroup_finish_run(sandbox_t *sb, int *oom_killed, uint64_t *cpu_ns)
{
    sbx_cgroup_t  *cg = &sb->cg;
    uint64_t       kills;

    *oom_killed = 0;
    *cpu_ns = 0;

    if (cg->version == 0) {
        return 0;
    }

    if (sbx_cg_counter(cg->mem_oom_fd, "oom_kill", &kills) < 0) {
        return -1;
    }
    *oom_killed = kills > cg->oom_kills;
    cg->oom_kills = kills;

    (void) sbx_cgroup_cpu_ns(sb, cpu_ns);
    return 0;
}


/*
 * SIGKILL to every process of the run, straight from the supervisor: a
 * limit hit on a busy machine should not wait for init to be scheduled.
 * Init itself is spared (it reports the run); it also kills what a fork
 * race may have added, on the ABORT that follows.
 */
void
sbx_cgroup_kill(sandbox_t *sb)
{
    char   buf[8192], *p, *end;
    long   pid;
    int    n;

    if (sb->cg.tasks_fd < 0) {
        return;
    }
    n = sbx_read_text(sb->cg.tasks_fd, buf, sizeof(buf));
    if (n <= 0) {
        return;
    }
    for (p = buf; *p != '\0'; p = end) {
        pid = strtol(p, &end, 10);
        if (end == p) {
            break;
        }
        if (pid > 0 && pid != sb->init_pid) {
            (void) kill((pid_t) pid, SIGKILL);
        }
    }
}
