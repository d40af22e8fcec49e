/* badsys WHAT: tries one forbidden thing, prints what happened if it
 * survives.  Expected: killed (SV) before "survived" is printed; the
 * IPv4/IPv6 cases instead survive with a failed call (no network). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    long r = 0;

    fflush(stdout);
    if (strcmp(what, "tcp") == 0) {
        r = socket(AF_INET, SOCK_STREAM, 0);
    } else if (strcmp(what, "udp") == 0) {
        r = socket(AF_INET6, SOCK_DGRAM, 0);
    } else if (strcmp(what, "connect") == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET,
                                 .sin_port = htons(argc > 2 ? atoi(argv[2]) : 80) };
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        r = connect(s, (struct sockaddr *) &a, sizeof(a));
    } else if (strcmp(what, "netlink") == 0) {
        r = socket(AF_NETLINK, SOCK_RAW, 0);
    } else if (strcmp(what, "packet") == 0) {
        r = socket(AF_PACKET, SOCK_RAW, 0);
    } else if (strcmp(what, "unix") == 0) {
        /* allowed: AF_UNIX sockets work */
        int sv[2];
        r = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        r = r == 0 ? socket(AF_UNIX, SOCK_DGRAM, 0) : r;
        printf("unix %s\n", r >= 0 ? "ok" : strerror(errno));
        return 0;
    } else if (strcmp(what, "ptrace") == 0) {
        r = ptrace(PTRACE_TRACEME, 0, 0, 0);
    } else if (strcmp(what, "mount") == 0) {
        r = mount("none", "/box", "tmpfs", 0, NULL);
    } else if (strcmp(what, "umount") == 0) {
        r = umount2("/proc", MNT_DETACH);
    } else if (strcmp(what, "unshare") == 0) {
        r = unshare(CLONE_NEWUSER);
    } else if (strcmp(what, "clone") == 0) {
        r = syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0);
        if (r == 0)
            _exit(0);
    } else if (strcmp(what, "io_uring") == 0) {
        char params[120] = { 0 };
        r = syscall(SYS_io_uring_setup, 4, params);
    } else if (strcmp(what, "bpf") == 0) {
        r = syscall(SYS_bpf, 0, 0, 0);
    } else if (strcmp(what, "keyctl") == 0) {
        r = syscall(SYS_keyctl, 0, 0, 0, 0, 0);
    } else if (strcmp(what, "personality") == 0) {
        r = personality(ADDR_NO_RANDOMIZE);
    } else if (strcmp(what, "persona-query") == 0) {
        /* allowed: the query and PER_LINUX */
        r = personality(0xffffffff);
        r = personality(PER_LINUX);
        printf("personality ok\n");
        return 0;
    } else if (strcmp(what, "int80") == 0) {
        /* the i386 ABI on x86_64: getpid via int $0x80 */
        long ret;
        __asm__ volatile ("int $0x80" : "=a"(ret) : "a"(20) : "memory");
        r = ret;
    } else if (strcmp(what, "x32") == 0) {
        r = syscall(39 | 0x40000000);       /* getpid, x32 numbering */
    } else {
        fprintf(stderr, "unknown test %s\n", what);
        return 2;
    }
    printf("survived %s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
    return 0;
}
