/*
 * profile.c: the seccomp profile of the containers: an allowlist in the
 * manner of docker's default profile, stricter, and a kill list.
 *
 * The calls the native sandbox's filter kills (ptrace and
 * process_vm_readv/writev, mount and umount2, unshare and setns, keyctl,
 * add_key and request_key, bpf, perf_event_open, userfaultfd, io_uring,
 * the kernel module, kexec, reboot and swap calls, chroot, pivot_root,
 * acct, quotactl, name_to_handle_at/open_by_handle_at, kcmp, fanotify,
 * the clock-setting calls, the new mount API) kill the process here too
 * (SCMP_ACT_KILL_PROCESS): SIGSYS, which the backend reports as SV,
 * without the call's name, which docker does not pass on.
 *
 * Anything else not listed fails with EPERM (the profile's default
 * action), as do personality changes (only the query is allowed) and
 * clone with a namespace flag: a program sees an error it may handle,
 * and the verdict is whatever it makes of it.  clone3 fails with ENOSYS,
 * as docker has it, so that the C library falls back to clone, whose
 * flags the filter can see.
 */

#include <stdlib.h>

#include <jansson.h>

#include "profile.h"


/* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET, CLONE_NEWTIME
 * being 0x80 */
#define PROFILE_CLONE_NS  0x7E020080


static const char *const  profile_killed[] = {
    "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2",
    "unshare", "setns", "keyctl", "add_key", "request_key", "bpf",
    "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "init_module", "finit_module", "delete_module",
    "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff",
    "chroot", "pivot_root", "acct", "quotactl", "name_to_handle_at",
    "open_by_handle_at", "kcmp", "fanotify_init", "fanotify_mark",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "syslog",
    "iopl", "ioperm", "vhangup", "mount_setattr", "move_mount", "open_tree",
    "fsopen", "fsconfig", "fsmount", "fspick", "pidfd_getfd",
    NULL
};


static const char *const  profile_allowed[] = {
    "accept", "accept4", "access", "alarm", "arch_prctl", "bind", "brk",
    "capget", "chdir", "chmod", "chown", "clock_getres", "clock_gettime",
    "clock_nanosleep", "close", "close_range", "connect", "copy_file_range",
    "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
    "epoll_ctl", "epoll_pwait", "epoll_pwait2", "epoll_wait", "eventfd",
    "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat",
    "faccessat2", "fadvise64", "fallocate", "fchdir", "fchmod", "fchmodat",
    "fchown", "fchownat", "fcntl", "fdatasync", "fgetxattr", "flistxattr",
    "flock", "fork", "fstat", "fstatfs", "fsync", "ftruncate", "futex",
    "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents",
    "getdents64", "getegid", "geteuid", "getgid", "getgroups",
    "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid",
    "getpriority", "getrandom", "getresgid", "getresuid", "getrlimit",
    "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt",
    "gettid", "gettimeofday", "getuid", "getxattr", "inotify_add_watch",
    "inotify_init", "inotify_init1", "inotify_rm_watch", "ioctl",
    "ioprio_get", "kill", "lchown", "lgetxattr", "link", "linkat",
    "listen", "listxattr", "llistxattr", "lseek", "lstat", "madvise",
    "membarrier", "memfd_create", "mincore", "mkdir", "mkdirat", "mknod",
    "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mprotect",
    "mq_getsetattr",
    "mq_notify", "mq_open", "mq_timedreceive", "mq_timedsend", "mq_unlink",
    "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock",
    "munlockall", "munmap", "nanosleep", "newfstatat", "open", "openat",
    "openat2", "pause", "pipe", "pipe2", "poll", "ppoll", "prctl", "pread64",
    "preadv", "preadv2", "prlimit64", "pselect6", "pwrite64", "pwritev",
    "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv",
    "recvfrom", "recvmmsg", "recvmsg", "remap_file_pages", "rename",
    "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
    "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
    "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_tgsigqueueinfo",
    "sched_getaffinity", "sched_getattr", "sched_getparam",
    "sched_get_priority_max", "sched_get_priority_min",
    "sched_getscheduler", "sched_rr_get_interval", "sched_setaffinity",
    "sched_yield", "select", "semctl", "semget", "semop", "semtimedop",
    "sendfile", "sendmmsg", "sendmsg", "sendto", "setitimer", "setpgid",
    "setpriority", "setrlimit", "set_robust_list", "setsid", "setsockopt",
    "set_tid_address", "shmat", "shmctl", "shmdt", "shmget", "shutdown",
    "sigaltstack", "signalfd", "signalfd4", "socket", "socketpair", "splice",
    "stat", "statfs", "statx", "symlink", "symlinkat", "sync",
    "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time",
    "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
    "timer_settime", "timerfd_create", "timerfd_gettime", "timerfd_settime",
    "times", "tkill", "truncate", "umask", "uname", "unlink", "unlinkat",
    "utime", "utimensat", "utimes", "vfork", "vmsplice", "wait4", "waitid",
    "write", "writev",
    NULL
};


static json_t *
profile_names(const char *const *list)
{
    json_t  *names = json_array();

    for (; *list != NULL && names != NULL; list++) {
        json_array_append_new(names, json_string(*list));
    }
    return names;
}


char *
profile_build(void)
{
    json_t  *profile;
    char    *text;

    profile = json_pack(
        "{s:s, s:[s,s,s], s:[{s:o, s:s}, {s:o, s:s},"
        " {s:[s], s:s, s:[{s:i, s:I, s:s}]},"
        " {s:[s], s:s, s:[{s:i, s:I, s:I, s:s}]}, {s:[s], s:s, s:i}]}",
        "defaultAction", "SCMP_ACT_ERRNO",
        "architectures", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
        "syscalls",
        "names", profile_names(profile_allowed), "action", "SCMP_ACT_ALLOW",
        "names", profile_names(profile_killed),
        "action", "SCMP_ACT_KILL_PROCESS",
        "names", "personality", "action", "SCMP_ACT_ALLOW",
        "args", "index", 0, "value", (json_int_t) 0xffffffff,
        "op", "SCMP_CMP_EQ",
        "names", "clone", "action", "SCMP_ACT_ALLOW",
        "args", "index", 0, "value", (json_int_t) PROFILE_CLONE_NS,
        "valueTwo", (json_int_t) 0, "op", "SCMP_CMP_MASKED_EQ",
        "names", "clone3", "action", "SCMP_ACT_ERRNO", "errnoRet", 38);
    if (profile == NULL) {
        return NULL;
    }
    text = json_dumps(profile, JSON_COMPACT);
    json_decref(profile);
    return text;
}
