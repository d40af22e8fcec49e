# Hostile programs against the Docker backend, end to end (nginx with the
# module, a real judge-worker --backend docker with one slot, its warm
# containers): each gets the verdict the native sandbox gives it
# (t/sandbox/10-limits.t, 20-security.t), and the host is left as it was:
# no process of a run outlives it, no container beyond the pool's, none
# at all once the worker has stopped.  What a run leaves in its container
# (a process, a file in /tmp or /dev/shm, a POSIX message queue, a SysV
# IPC object) is not seen by the next run: the container is replaced, as it is after --docker-uses runs.  A
# worker killed by SIGKILL leaves its containers to its successor, which
# removes them; a daemon that does not answer makes the worker give up
# within its timeout, not hang.
#
# Skipped without a docker daemon holding ngx-judge/runner:bookworm,
# unless JUDGE_DOCKER is set (then that is a failure).

use FindBin;
use IO::Socket::UNIX;
use Test::Judge::Nginx;
use JSON::PP;

require "$FindBin::Bin/helpers.pl";

docker_gate();

our $C = "#define _GNU_SOURCE\n#include <errno.h>\n#include <fcntl.h>\n#include <sched.h>\n"
       . "#include <stdio.h>\n"
       . "#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n"
       . "#include <arpa/inet.h>\n#include <dirent.h>\n#include <sys/ipc.h>\n"
       . "#include <sys/mount.h>\n#include <sys/prctl.h>\n#include <sys/ptrace.h>\n"
       . "#include <sys/shm.h>\n#include <sys/socket.h>\n#include <mqueue.h>\n";

# the processes a run names, looked for on the host afterwards
my @Names = qw(jdkbomb jdkdaemon);

# [title, source, limits, verdict, stdout (undef: not looked at), message]
our @Cases = (
    ['a fork bomb: its forks fail at the process limit, it spins: TLE',
     $C . "int main(void) { prctl(PR_SET_NAME, \"jdkbomb\"); for (;;) fork(); }\n",
     {processes => 8}, 'TLE'],
    ['a memory bomb: MLE',
     $C . "int main(void) { for (;;) { char *p = malloc(1 << 20); memset(p, 1, 1 << 20); } }\n",
     {memory_kb => 64 * 1024}, 'MLE', undef, qr/^memory limit 65536 KB exceeded/],
    ['a CPU spin: TLE', $C . "int main(void) { for (;;); }\n",
     {cpu_time_ms => 300}, 'TLE', undef, qr/^cpu time limit 300 ms exceeded$/],
    ['a sleeper: WLE', $C . "int main(void) { pause(); }\n",
     {wall_time_ms => 1000}, 'WLE', undef, qr/^wall time limit 1000 ms exceeded$/],
    ['an output flood: OLE',
     $C . "int main(void) { char b[65536]; memset(b, 'x', sizeof(b)); for (;;) fwrite(b, 1, sizeof(b), stdout); }\n",
     {output_kb => 128}, 'OLE', undef, qr/^output limit 128 KB exceeded on stdout$/],
    ['a file-size bomb: OLE',
     $C . "int main(void) { char b[65536]; int fd = open(\"big\", O_WRONLY | O_CREAT, 0600);"
        . " memset(b, 'x', sizeof(b)); for (;;) if (write(fd, b, sizeof(b)) < 0) return 3; }\n",
     {memory_kb => 128 * 1024}, 'OLE', undef, qr/^file size limit 32768 KB exceeded$/],
    ['no network: a connect fails',
     $C . "int main(void) { struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(80) };"
        . " int s = socket(AF_INET, SOCK_STREAM, 0); a.sin_addr.s_addr = inet_addr(\"1.1.1.1\");"
        . " puts(s < 0 || connect(s, (void *) &a, sizeof(a)) < 0 ? \"x\" : \"connected\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['host files are out of reach: /etc/shadow, the worker\'s state dir',
     $C . "int main(void) { int a = open(\"/etc/shadow\", O_RDONLY);"
        . " int b = open(\"STATE/worker-id\", O_RDONLY);"
        . " puts(a < 0 && b < 0 ? \"x\" : \"read\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['nothing outside /box and /tmp is writable',
     $C . "int main(void) { const char *p[] = { \"/etc/x\", \"/usr/x\", \"/x\", \"/judge-run\", \"/proc/sys/kernel/ns_last_pid\" };"
        . " for (int i = 0; i < 5; i++) if (open(p[i], O_WRONLY | O_CREAT, 0600) >= 0) { puts(p[i]); return 0; }"
        . " puts(\"x\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['ptrace: SV', $C . "int main(void) { ptrace(PTRACE_TRACEME, 0, 0, 0); puts(\"survived\"); return 0; }\n",
     undef, 'SV', ''],
    ['mount: SV', $C . "int main(void) { mount(\"none\", \"/box\", \"tmpfs\", 0, 0); puts(\"survived\"); return 0; }\n",
     undef, 'SV', ''],
    ['unshare: SV', $C . "int main(void) { unshare(CLONE_NEWUSER); puts(\"survived\"); return 0; }\n",
     undef, 'SV', ''],
    ['a daemonised child outlives the run: killed with it',
     $C . "int main(void) { if (fork() == 0) { setsid(); prctl(PR_SET_NAME, \"jdkdaemon\");"
        . " for (;;) { int fd = open(\"/tmp/alive\", O_WRONLY | O_CREAT, 0600); close(fd); sleep(1); } }"
        . " usleep(200000); puts(\"x\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['... and the next run sees no process of it, nor its file',
     $C . "int main(void) { DIR *d = opendir(\"/proc\"); struct dirent *e; int n = 0;"
        . " while ((e = readdir(d))) n += e->d_name[0] >= '1' && e->d_name[0] <= '9';"
        . " printf(\"%s\\n\", n == 3 && access(\"/tmp/alive\", F_OK) < 0 ? \"x\" : \"seen\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['a SysV shared memory segment left behind',
     $C . "int main(void) { puts(shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600) >= 0 ? \"x\" : \"no shm\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['... is not seen by the next run',
     $C . "int main(void) { FILE *f = fopen(\"/proc/sysvipc/shm\", \"r\"); char l[512]; int n = 0;"
        . " while (fgets(l, sizeof(l), f)) n++; puts(n == 1 ? \"x\" : \"seen\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['a program that kills the wrapper running it: its own fault, RE, not IE',
     $C . "#include <signal.h>\nint main(void) { kill(getppid(), SIGKILL); puts(\"x\"); return 0; }\n",
     undef, 'RE', undef, qr/^the program's end was not reported/],
    ['ns_last_pid can be read, not written',
     $C . "int main(void) { int fd = open(\"/proc/sys/kernel/ns_last_pid\", O_RDWR);"
        . " int r = open(\"/proc/sys/kernel/ns_last_pid\", O_RDONLY);"
        . " puts(fd < 0 && r >= 0 ? \"x\" : \"writable\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['a file left in /dev/shm',
     $C . "int main(void) { int fd = open(\"/dev/shm/jdkleft\", O_WRONLY | O_CREAT, 0600);"
        . " puts(fd < 0 || write(fd, \"y\", 1) == 1 ? \"x\" : \"no write\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['... is not seen by the next run',
     $C . "int main(void) { puts(access(\"/dev/shm/jdkleft\", F_OK) < 0 ? \"x\" : \"seen\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['a POSIX message queue left behind',
     $C . "int main(void) { mq_open(\"/jdkq\", O_CREAT | O_RDWR, 0600, NULL); puts(\"x\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['... is not seen by the next run',
     $C . "int main(void) { puts(mq_open(\"/jdkq\", O_RDONLY) < 0 ? \"x\" : \"seen\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['a directory tree 5000 deep left in /box',
     $C . "#include <sys/stat.h>\nint main(void) { int i; for (i = 0; i < 5000; i++)"
        . " if (mkdir(\"d\", 0700) < 0 || chdir(\"d\") < 0) break; puts(i == 5000 ? \"x\" : \"shallow\"); return 0; }\n",
     undef, 'AC', "x\n"],
    ['... is not seen by the next run',
     $C . "int main(void) { puts(access(\"/box/d\", F_OK) < 0 ? \"x\" : \"seen\"); return 0; }\n",
     undef, 'AC', "x\n"],
);

# the host's processes named $name
sub host_procs {
    my ($name) = @_;
    my @pids;
    for my $comm (glob '/proc/[0-9]*/comm') {
        open my $fh, '<', $comm or next;
        my $c = <$fh> // '';
        chomp $c;
        push @pids, $comm =~ m{/proc/(\d+)/} if $c eq $name;
    }
    return @pids;
}

run_tests();

__DATA__

=== hostile programs: the native sandbox's verdicts, the host untouched
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 300
--- perl
my $pid = docker_worker('w1');
my $state = servroot() . '/w1';
my $json = JSON::PP->new->canonical->pretty;

for my $c (@::Cases) {
    my ($title, $src, $limits, $verdict, $stdout, $message) = @$c;
    $src =~ s/STATE/$state/;
    my $r = judged({language => 'c', source => $src,
                    tests => [{input => '', expected_output => "x\n"}],
                    ($limits ? (limits => $limits) : ())});
    is($r->{verdict}, $verdict, "$title: $verdict") or diag($json->encode($r));
    is($r->{tests}[0]{stdout}, $stdout, "$title: its output") if defined $stdout;
    like($r->{tests}[0]{message}, $message, "$title: the message") if $message;
}

# a container given up is ended with the run's result, before the daemon
# removes it: its processes (and zombies) are gone within the moment
# its shim needs to reap them
for my $name (@::Names) {
    ok(wait_until(sub { !::host_procs($name) }, 2),
       "no $name process is left on the host")
        or diag(join ' ', ::host_procs($name));
}
ok(wait_until(sub { owned_containers($state) == 2 }, 60),
   'the pool is back to its two containers, a runner and a builder')
    or diag(join ' ', owned_containers($state));

# a worker killed outright leaves its containers; the next one started
# with the same state dir removes them before it makes its own
my @left = owned_containers($state);
kill 'KILL', $pid;
waitpid $pid, 0;
is(scalar(@left), 2, 'a worker killed by SIGKILL leaves its two containers');
$pid = docker_worker('w1', '--docker-uses', 2);
my %old = map { $_ => 1 } @left;
ok(wait_until(sub { !grep { $old{$_} } owned_containers($state) }, 60),
   'its successor removes them');
ok(wait_until(sub { owned_containers($state) == 2 }, 60),
   'and has its own two');

# with --docker-uses 2, a runner serves two runs, then is replaced
my ($runner) = owned_containers($state, 'runner');
my $hello = {language => 'c', source => $::C . "int main(void) { puts(\"x\"); return 0; }\n",
             tests => [{input => '', expected_output => "x\n"}]};
is(judged($hello)->{verdict}, 'AC', 'a first run');
is_deeply([owned_containers($state, 'runner')], [$runner],
          'in the runner, which stays');
is(judged($hello)->{verdict}, 'AC', 'a second run');
ok(wait_until(sub { my @r = owned_containers($state, 'runner');
                    @r == 1 && $r[0] ne $runner }, 60),
   'then the runner is replaced by a new one');
ok(stop_worker($pid), 'the worker stops on TERM');
is_deeply([owned_containers($state)], [], 'and its containers are gone');

=== a daemon that does not answer: the worker gives up within its timeout
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my $path = servroot() . '/hung.sock';
my $hung = IO::Socket::UNIX->new(Local => $path, Type => SOCK_STREAM,
                                 Listen => 5) or die "listen $path: $!";
my $t0 = time;
my $pid = spawn_worker('w1', args => ['--backend', 'docker',
                                      '--docker-socket', $path]);
ok(wait_until(sub { waitpid($pid, 1) == $pid }, 30),
   'the worker exits instead of hanging');
is($? >> 8, 1, 'with status 1');
cmp_ok(time - $t0, '<', 25, 'within its 10 s timeout and start-up');
like(Test::Judge::Nginx::slurp(servroot() . '/logs/worker-w1.log'),
     qr/no docker daemon at \Q$path\E: GET \/version: Timeout/,
     'saying which daemon did not answer');
