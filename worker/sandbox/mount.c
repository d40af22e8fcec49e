/*
 * mount.c: the program's view of the file system, built once per instance
 * by init inside its own mount namespace, plus the per-run work dir.
 *
 *   /                 tmpfs, read-only after set-up
 *   /usr /bin /lib*   read-only binds of the host's (symlinks on
 *   /sbin             merged-/usr systems are copied as symlinks)
 *   /etc              a few files written here (passwd, group, hosts,
 *                     nsswitch.conf) and read-only binds of what runtimes
 *                     need (ld.so.cache, alternatives, ssl, localtime, ...)
 *   /dev              binds of null, zero, random, urandom; fd/std* links
 *   /proc             a fresh procfs of the sandbox's pid namespace,
 *                     hidepid=invisible so init is not even listed
 *   /box              the work dir: a size-limited tmpfs per run, owned by
 *                     the program's uid, the only writable place
 *   /tmp              symlink to /box (compilers want a /tmp)
 *   extra binds       from the config (every run) or a run's spec
 *
 * Nothing under the old root survives pivot_root, so host paths that were
 * not bound in are simply absent (ENOENT), /etc/shadow included.
 */

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/mount.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "internal.h"


#define SBX_NEWROOT  "/tmp"     /* staging point, private to our mount ns */


/* Top-level host directories bound read-only (or copied as symlinks). */
static const char *const  sbx_top_dirs[] = {
    "usr", "bin", "sbin", "lib", "lib64", "lib32", "libx32", NULL
};

/* /etc entries runtimes read; fnmatch patterns, missing ones are skipped. */
static const char *const  sbx_etc_globs[] = {
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "ssl",
    "ca-certificates", "ca-certificates.conf", "localtime", "timezone",
    "mime.types", "protocols", "services", "gai.conf", "os-release",
    "python3*", "perl", "java-*", "fpc*.cfg", "mono", "gprofng.rc",
    NULL
};

static const char *const  sbx_dev_nodes[] = {
    "null", "zero", "random", "urandom", NULL
};


static const char  sbx_passwd[] =
    "root:x:0:0:root:/root:/bin/sh\n"
    "sandbox:x:1000:1000:sandbox:/box:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

static const char  sbx_group[] =
    "root:x:0:\n"
    "sandbox:x:1000:\n"
    "nogroup:x:65534:\n";

static const char  sbx_hosts[] =
    "127.0.0.1\tlocalhost\n"
    "::1\tlocalhost\n";

static const char  sbx_nsswitch[] =
    "passwd: files\n"
    "group: files\n"
    "hosts: files\n";


/* One thing to bind, with its source opened before privileges shrink. */
typedef struct {
    int         fd;             /* O_PATH of the host source */
    int         is_dir;
    int         writable;
    int         dev;            /* a device node: keep it usable */
    char        inside[PATH_MAX];
} sbx_src_t;


/* A host symlink copied as it is, its target read with the sources. */
typedef struct {
    char        inside[PATH_MAX];
    char        target[PATH_MAX];
} sbx_link_t;


typedef struct {
    sbx_src_t  *v;
    size_t      n, cap;
    sbx_link_t *lv;
    size_t      ln, lcap;
    sbx_err_t  *err;
} sbx_srcs_t;

#define SBX_MAX_SRCS   (SBX_MAX_BINDS * 2 + 128)
#define SBX_MAX_LINKS  64


static int
sbx_srcs_add(sbx_srcs_t *s, const char *host, const char *inside,
    int writable, int dev, sbx_err_t *err)
{
    struct stat  st;
    sbx_src_t   *e;
    int          fd;

    fd = open(host, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        return sbx_fail(err, errno, "opening bind source %s", host);
    }
    if (fstat(fd, &st) < 0) {
        int  e2 = errno;
        close(fd);
        return sbx_fail(err, e2, "stat bind source %s", host);
    }

    if (s->n == s->cap) {
        close(fd);
        return sbx_fail(err, 0, "too many binds");
    }

    e = &s->v[s->n++];
    e->fd = fd;
    e->is_dir = S_ISDIR(st.st_mode);
    e->writable = writable;
    e->dev = dev;
    snprintf(e->inside, sizeof(e->inside), "%s", inside);
    return 0;
}


/* Creates a mount point: a directory (or finds one), or an empty file. */
static int
sbx_mkpoint(const char *path, int is_file)
{
    int  fd;

    if (!is_file) {
        return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    return 0;
}


/*
 * Makes a mount point under the new root (the path is absolute inside),
 * and its parents only when they are missing: most binds go into /etc and
 * /dev, which exist by then.
 */
static int
sbx_mkdirs(const char *inside, int last_is_file, sbx_err_t *err)
{
    char   path[PATH_MAX + 8];
    char  *p;

    snprintf(path, sizeof(path), SBX_NEWROOT "%s", inside);

    if (sbx_mkpoint(path, last_is_file) == 0) {
        return 0;
    }
    if (errno != ENOENT) {
        return sbx_fail(err, errno, "creating mount point %s", path);
    }

    for (p = path + sizeof(SBX_NEWROOT); *p != '\0'; p++) {
        if (*p != '/') {
            continue;
        }
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
            return sbx_fail(err, errno, "mkdir %s", path);
        }
        *p = '/';
    }

    if (sbx_mkpoint(path, last_is_file) < 0) {
        return sbx_fail(err, errno, "creating mount point %s", path);
    }
    return 0;
}


static int
sbx_write_new(const char *name, const char *text, sbx_err_t *err)
{
    char     path[PATH_MAX];
    int      fd;
    size_t   len = strlen(text);

    snprintf(path, sizeof(path), SBX_NEWROOT "/%s", name);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        return sbx_fail(err, errno, "creating %s", path);
    }
    if (write(fd, text, len) != (ssize_t) len) {
        int  e = errno;
        close(fd);
        return sbx_fail(err, e, "writing %s", path);
    }
    close(fd);
    return 0;
}


/*
 * Binds one source: a clone of its mount tree taken from the fd
 * (open_tree), the flags set on the clone, then moved into place.
 * Recursive because mounts copied from a more privileged namespace are
 * locked together with their submounts.  nosuid everywhere: with
 * no_new_privs it is redundant, and cheap.  Cloning from the fd saves the
 * /proc/self/fd lookup that mount(2) would need for it: about a third of
 * a bind's cost, 0.1 ms of a cold start.
 */
static int
sbx_bind(const sbx_src_t *s, sbx_err_t *err)
{
    char               dst[PATH_MAX + 8];
    struct mount_attr  attr;
    int                tree;

    if (sbx_mkdirs(s->inside, !s->is_dir, err) < 0) {
        return -1;
    }
    snprintf(dst, sizeof(dst), SBX_NEWROOT "%s", s->inside);

    tree = (int) syscall(SYS_open_tree, s->fd, "",
                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE
                         | AT_EMPTY_PATH);
    if (tree < 0) {
        return sbx_fail(err, errno, "cloning the mount for %s", s->inside);
    }

    memset(&attr, 0, sizeof(attr));
    attr.attr_set = MOUNT_ATTR_NOSUID;
    if (s->dev) {
        attr.attr_set |= MOUNT_ATTR_NOEXEC;
    } else {
        attr.attr_set |= MOUNT_ATTR_NODEV;
        if (!s->writable) {
            attr.attr_set |= MOUNT_ATTR_RDONLY;
        }
    }

    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
                &attr, sizeof(attr)) < 0)
    {
        close(tree);
        return sbx_fail(err, errno, "setting mount flags on %s", s->inside);
    }
    if (syscall(SYS_move_mount, tree, "", AT_FDCWD, dst,
                MOVE_MOUNT_F_EMPTY_PATH) < 0)
    {
        close(tree);
        return sbx_fail(err, errno, "bind mount onto %s", s->inside);
    }
    close(tree);
    return 0;
}


/* Reads a host symlink, to be made the same under the new root. */
static int
sbx_links_add(sbx_srcs_t *s, const char *host, sbx_err_t *err)
{
    sbx_link_t  *l;
    ssize_t      n;

    if (s->ln == s->lcap) {
        return sbx_fail(err, 0, "too many symlinks to copy");
    }
    l = &s->lv[s->ln];
    n = readlink(host, l->target, sizeof(l->target) - 1);
    if (n < 0) {
        return sbx_fail(err, errno, "readlink %s", host);
    }
    l->target[n] = '\0';
    snprintf(l->inside, sizeof(l->inside), "%s", host);
    s->ln++;
    return 0;
}


/* Is an /etc entry one of sbx_etc_globs?  (They all start with a letter.) */
static int
sbx_etc_wanted(const char *name)
{
    size_t  i;

    for (i = 0; sbx_etc_globs[i] != NULL; i++) {
        if (sbx_etc_globs[i][0] == name[0]
            && fnmatch(sbx_etc_globs[i], name, 0) == 0)
        {
            return 1;
        }
    }
    return 0;
}


/* One /etc entry: a bind source, or a symlink to copy. */
static int
sbx_etc_entry(const char *name, void *arg)
{
    sbx_srcs_t   *srcs = arg;
    char          path[PATH_MAX];
    struct stat   st;

    if (!sbx_etc_wanted(name)) {
        return 0;
    }
    snprintf(path, sizeof(path), "/etc/%s", name);
    if (lstat(path, &st) < 0) {
        return 0;
    }
    if (S_ISLNK(st.st_mode)) {
        return sbx_links_add(srcs, path, srcs->err);
    }
    return sbx_srcs_add(srcs, path, path, 0, 0, srcs->err);
}


/*
 * Top-level dirs and /etc entries: binds, or symlinks to replicate.  One
 * pass, as host root, before init's fs uid changes.
 */
static int
sbx_collect_host(sbx_srcs_t *srcs, sbx_err_t *err)
{
    char            host[PATH_MAX];
    struct stat     st;
    size_t          i;

    for (i = 0; sbx_top_dirs[i] != NULL; i++) {
        snprintf(host, sizeof(host), "/%s", sbx_top_dirs[i]);
        if (lstat(host, &st) < 0) {
            continue;                       /* absent */
        }
        if (S_ISLNK(st.st_mode) ? sbx_links_add(srcs, host, err) < 0
                                : sbx_srcs_add(srcs, host, host, 0, 0, err) < 0)
        {
            return -1;
        }
    }

    srcs->err = err;
    if (sbx_dir_each("/etc", sbx_etc_entry, srcs) != 0) {
        return err->msg[0] ? -1 : sbx_fail(err, errno, "reading /etc");
    }

    for (i = 0; sbx_dev_nodes[i] != NULL; i++) {
        snprintf(host, sizeof(host), "/dev/%s", sbx_dev_nodes[i]);
        if (sbx_srcs_add(srcs, host, host, 1, 1, err) < 0) {
            return -1;
        }
    }
    return 0;
}


static int
sbx_links(sbx_srcs_t *srcs, sbx_err_t *err)
{
    static const char *const  dev_links[][2] = {
        { "/proc/self/fd", "/dev/fd" },
        { "/proc/self/fd/0", "/dev/stdin" },
        { "/proc/self/fd/1", "/dev/stdout" },
        { "/proc/self/fd/2", "/dev/stderr" },
        { SBX_BOX, "/tmp" },
    };
    char          path[PATH_MAX + 8];
    size_t        i;

    /*
     * merged-/usr: /bin -> usr/bin and friends, and /etc symlinks such as
     * localtime -> /usr/share/zoneinfo/..., copied as they are
     */
    for (i = 0; i < srcs->ln; i++) {
        snprintf(path, sizeof(path), SBX_NEWROOT "%s", srcs->lv[i].inside);
        if (symlink(srcs->lv[i].target, path) < 0) {
            return sbx_fail(err, errno, "symlink %s", path);
        }
    }

    for (i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
        snprintf(path, sizeof(path), SBX_NEWROOT "%s", dev_links[i][1]);
        if (symlink(dev_links[i][0], path) < 0) {
            return sbx_fail(err, errno, "symlink %s", path);
        }
    }
    return 0;
}


static int
sbx_bind_target_ok(const char *inside, sbx_err_t *err)
{
    static const char *const  reserved[] = {
        "/", "/box", "/proc", "/dev", "/tmp", NULL
    };
    size_t  i, n;

    if (inside[0] != '/' || strstr(inside, "..") != NULL) {
        return sbx_fail(err, 0, "bind target \"%s\" must be an absolute "
                        "path without \"..\"", inside);
    }
    for (i = 0; reserved[i] != NULL; i++) {
        n = strlen(reserved[i]);
        if (strcmp(inside, reserved[i]) == 0
            || (n > 1 && strncmp(inside, reserved[i], n) == 0
                && inside[n] == '/'))
        {
            return sbx_fail(err, 0, "bind target \"%s\" is reserved",
                            inside);
        }
    }
    return 0;
}


/*
 * Builds the root and pivots into it.  Runs once in init, which holds
 * every capability of its new user namespace.  In root mode init's own
 * uid (host root) is not mapped inside, so host paths are opened first,
 * as host root, and only then does init switch its fs uid to the
 * program's uid, which it needs to create anything in its own tmpfs.
 */
int
sbx_root_build(const sandbox_t *sb, const sbx_bind_t *extra, size_t nextra,
    sbx_err_t *err)
{
    sbx_srcs_t   srcs;
    sbx_arena_t  arena;
    size_t       i;
    int          rc = -1;

    memset(&srcs, 0, sizeof(srcs));
    if (sbx_arena_init(&arena, SBX_MAX_SRCS * sizeof(sbx_src_t)
                               + SBX_MAX_LINKS * sizeof(sbx_link_t) + 32) < 0)
    {
        return sbx_fail(err, errno, "mmap for the bind list");
    }
    srcs.v = sbx_arena_alloc(&arena, SBX_MAX_SRCS * sizeof(sbx_src_t));
    srcs.cap = SBX_MAX_SRCS;
    srcs.lv = sbx_arena_alloc(&arena, SBX_MAX_LINKS * sizeof(sbx_link_t));
    srcs.lcap = SBX_MAX_LINKS;
    err->msg[0] = '\0';

    /* nothing we mount may propagate back to the host, or in from it */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        return sbx_fail(err, errno, "making / private");
    }

    if (sbx_collect_host(&srcs, err) < 0) {
        goto done;
    }
    for (i = 0; i < sb->nbinds + nextra; i++) {
        const sbx_bind_t  *b = i < sb->nbinds ? &sb->binds[i]
                                              : &extra[i - sb->nbinds];
        if (sbx_bind_target_ok(b->inside, err) < 0
            || sbx_srcs_add(&srcs, b->host, b->inside, b->writable, 0, err)
               < 0)
        {
            goto done;
        }
    }

    if (setfsgid(SBX_INSIDE_UID) < 0 || setfsuid(SBX_INSIDE_UID) < 0) {
        sbx_fail(err, errno, "setfsuid");
        goto done;
    }

    if (mount("tmpfs", SBX_NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV,
              "size=1m,nr_inodes=4096,mode=0755") < 0)
    {
        sbx_fail(err, errno, "mounting the root tmpfs");
        goto done;
    }

    if (sbx_mkdirs("/etc", 0, err) < 0 || sbx_mkdirs("/dev", 0, err) < 0
        || sbx_mkdirs("/proc", 0, err) < 0 || sbx_mkdirs(SBX_BOX, 0, err) < 0
        || sbx_write_new("etc/passwd", sbx_passwd, err) < 0
        || sbx_write_new("etc/group", sbx_group, err) < 0
        || sbx_write_new("etc/hosts", sbx_hosts, err) < 0
        || sbx_write_new("etc/nsswitch.conf", sbx_nsswitch, err) < 0
        || sbx_write_new("etc/hostname", "sandbox\n", err) < 0
        || sbx_links(&srcs, err) < 0)
    {
        goto done;
    }

    for (i = 0; i < srcs.n; i++) {
        if (sbx_bind(&srcs.v[i], err) < 0) {
            goto done;
        }
    }

    /*
     * procfs of our pid namespace (allowed because our user namespace owns
     * it).  hidepid=invisible: the program sees only its own processes.
     */
    if (mount("proc", SBX_NEWROOT "/proc", "proc",
              MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible") < 0)
    {
        sbx_fail(err, errno, "mounting /proc");
        goto done;
    }

    /* pivot_root(".", "."): the old root ends up on top, detach it */
    if (chdir(SBX_NEWROOT) < 0) {
        sbx_fail(err, errno, "chdir to the new root");
        goto done;
    }
    if (syscall(SYS_pivot_root, ".", ".") < 0) {
        sbx_fail(err, errno, "pivot_root");
        goto done;
    }
    if (umount2(".", MNT_DETACH) < 0) {
        sbx_fail(err, errno, "detaching the old root");
        goto done;
    }
    if (chdir("/") < 0) {
        sbx_fail(err, errno, "chdir /");
        goto done;
    }

    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
              NULL) < 0)
    {
        sbx_fail(err, errno, "remounting / read-only");
        goto done;
    }

    rc = 0;

done:

    for (i = 0; i < srcs.n; i++) {
        close(srcs.v[i].fd);
    }
    sbx_arena_free(&arena);
    return rc;
}


static int
sbx_box_stat(sbx_box_t *box, int record)
{
    struct statx  stx;

    if (statx(AT_FDCWD, SBX_BOX, AT_SYMLINK_NOFOLLOW, STATX_CTIME, &stx) < 0) {
        return -1;
    }
    if (record) {
        box->ctime_sec = stx.stx_ctime.tv_sec;
        box->ctime_nsec = stx.stx_ctime.tv_nsec;
        return 0;
    }
    return box->ctime_sec == stx.stx_ctime.tv_sec
           && box->ctime_nsec == stx.stx_ctime.tv_nsec;
}


/*
 * Was the work dir left exactly as mounted?  No file in it (one inode, no
 * blocks) and its root never changed (chmod, utimes, xattrs all move
 * ctime).  Then there is nothing to wipe and remounting can be skipped.
 */
static int
sbx_box_pristine(sbx_box_t *box)
{
    struct statfs  sf;

    if (statfs(SBX_BOX, &sf) < 0) {
        return 0;
    }
    if (sf.f_files - sf.f_ffree > 1 || sf.f_blocks != sf.f_bfree) {
        return 0;
    }
    return sbx_box_stat(box, 0) == 1;
}


/* A fresh work dir of the requested size, unless the last one is unused. */
int
sbx_box_prepare(sbx_box_t *box, uint64_t bytes, uint64_t inodes,
    sbx_err_t *err)
{
    char  opts[160];

    if (box->mounted) {
        if (box->bytes == bytes && box->inodes == inodes
            && sbx_box_pristine(box))
        {
            return 0;
        }
        (void) umount2(SBX_BOX, MNT_DETACH);
        box->mounted = 0;
    }

    snprintf(opts, sizeof(opts),
             "size=%llu,nr_inodes=%llu,mode=0755,uid=%d,gid=%d",
             (unsigned long long) bytes, (unsigned long long) inodes,
             SBX_INSIDE_UID, SBX_INSIDE_UID);

    if (mount("tmpfs", SBX_BOX, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
        return sbx_fail(err, errno, "mounting the work dir tmpfs");
    }

    box->mounted = 1;
    box->bytes = bytes;
    box->inodes = inodes;
    if (sbx_box_stat(box, 1) < 0) {
        return sbx_fail(err, errno, "statx " SBX_BOX);
    }
    return 0;
}


/* Wipes the work dir (its memory is freed when the last fd goes). */
void
sbx_box_release(sbx_box_t *box)
{
    if (box->mounted && !sbx_box_pristine(box)) {
        (void) umount2(SBX_BOX, MNT_DETACH);
        box->mounted = 0;
    }
}
