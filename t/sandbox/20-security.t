# judge-sandbox isolation: forbidden system calls are SV with the call
# named, the host's files and processes are out of reach, nothing gains
# privilege, and nothing outlives the run.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/progs";
use Test::More;
use Time::HiRes qw(sleep);
use SandboxTest;

plan skip_all => "judge-sandbox not built" unless sandbox_cli();
plan skip_all => "needs root (the root path is what is tested)" if $> != 0;

my $dir = prog_dir();
compile($dir, $_) for qw(badsys.c files.c signals.c daemon.c whoami.c);
my @bind = ('--dir', "$dir:/t");

# --- IPv4 and IPv6 sockets fail (there is no network inside); runtimes
# such as the JVM probe them at start-up, so they are not a violation
for my $what (qw(tcp udp connect)) {
    my ($r, $rc, $raw) = run_sandbox([@bind], '/t/badsys', $what);
    is($r->{status}, 'OK', "$what: the program goes on") or diag $raw;
    like($r->{stdout}, $what eq 'connect'
                       ? qr/^survived connect: -1 Bad file descriptor/
                       : qr/^survived $what: -1 Address family not supported/,
         "$what: no socket to be had");
}

# --- forbidden system calls: SV, named
for my $case (['netlink', 'socket'], ['packet', 'socket'],
              ['ptrace', 'ptrace'], ['mount', 'mount'], ['umount', 'umount2'],
              ['unshare', 'unshare'], ['clone', 'clone'],
              ['io_uring', 'io_uring_setup'], ['bpf', 'bpf'],
              ['keyctl', 'keyctl']) {
    my ($what, $call) = @$case;
    my ($r, $rc, $raw) = run_sandbox([@bind], '/t/badsys', $what);
    is($rc, 0, "$what: sandbox exit status 0");
    is($r->{status}, 'SV', "$what: SV") or diag $raw;
    is($r->{message}, "forbidden syscall $call", "$what: names $call");
    unlike($r->{stdout}, qr/survived/, "$what: did not get past the call");
}

# personality changes and the x32 ABI die by SIGSYS (no name available)
for my $what (qw(personality x32)) {
    my ($r, undef, $raw) = run_sandbox([@bind], '/t/badsys', $what);
    is($r->{status}, 'SV', "$what: SV") or diag $raw;
    like($r->{message}, qr/^forbidden syscall/, "$what: message");
}

# the i386 ABI: killed by the filter's bad-arch action, where the kernel
# offers int 0x80 at all (this VM's kernel answers it with SIGSEGV)
{
    system("$dir/badsys", "int80");
    my $host_segv = ($? & 127) == 11;
    my ($r, undef, $raw) = run_sandbox([@bind], '/t/badsys', 'int80');
    if ($host_segv) {
        is($r->{status}, 'RE', 'int 0x80: the kernel refuses it (SIGSEGV)')
            or diag $raw;
        is($r->{signal}, 11, 'int 0x80: SIGSEGV, as on the host');
    } else {
        is($r->{status}, 'SV', 'int 0x80 (i386 ABI): SV') or diag $raw;
    }
    unlike($r->{stdout}, qr/survived/, 'int 0x80: did not get through');
}

# allowed: AF_UNIX sockets and the personality query
{
    my ($r, undef, $raw) = run_sandbox([@bind], '/t/badsys', 'unix');
    is($r->{status}, 'OK', 'AF_UNIX: allowed') or diag $raw;
    is($r->{stdout}, "unix ok\n", 'AF_UNIX: works');
    ($r, undef, $raw) = run_sandbox([@bind], '/t/badsys', 'persona-query');
    is($r->{status}, 'OK', 'personality query: allowed') or diag $raw;
}

# the network namespace has no way out, even with the filter off
{
    my ($r, undef, $raw) = run_sandbox([@bind, '--seccomp', 'off'],
                                       '/t/badsys', 'connect', 22);
    is($r->{status}, 'OK', 'connect without seccomp: runs') or diag $raw;
    like($r->{stdout}, qr/survived connect: -1 Network is unreachable/,
         'connect without seccomp: no route to the host loopback');
}

# --- host files: not visible, not writable
{
    my ($r, undef, $raw) = run_sandbox([@bind], '/t/files');
    is($r->{status}, 'OK', 'files: OK') or diag $raw;
    my $out = $r->{stdout};
    like($out, qr{^read /etc/shadow: ENOENT$}m, '/etc/shadow is not there');
    like($out, qr{^read /root/.bashrc: ENOENT$}m, '/root is not there');
    like($out, qr{^opendir /root: ENOENT$}m, '/root cannot be listed');
    like($out, qr{^read /proc/1/environ: ENOENT$}m, 'init is hidden in /proc');
    like($out, qr{^write /usr/evil: EROFS$}m, '/usr is read-only');
    like($out, qr{^write /etc/passwd: EROFS$}m, '/etc is read-only');
    like($out, qr{^write /evil: EROFS$}m, '/ is read-only');
    like($out, qr{^write /dev/evil: EROFS$}m, '/dev is read-only');
    like($out, qr{^write /proc/sys/kernel/hostname: EACCES$}m,
         '/proc/sys is not writable');
    like($out, qr{^write /box/fine: OK$}m, '/box is writable');
    like($out, qr{^write /tmp/fine2: OK$}m, '/tmp is writable');
    if (open(my $fh, '<', '/etc/shadow')) {
        my $first = <$fh>;
        chomp $first;
        ok(index($out, $first) < 0, 'no line of the host /etc/shadow leaked');
    }
    ok(!-e '/usr/evil' && !-e '/evil', 'nothing was created on the host');
}

# --- signals: kill(-1), init, and the host are out of reach
{
    my ($r, undef, $raw) = run_sandbox([@bind], '/t/signals', $$);
    is($r->{status}, 'OK', 'signals: the program survives') or diag $raw;
    like($r->{stdout}, qr/^kill -1: ESRCH$/m, 'kill(-1): nobody else to kill');
    like($r->{stdout}, qr/^kill 1: EPERM$/m, 'kill(init): refused');
    like($r->{stdout}, qr/^kill host $$: ESRCH$/m,
         'kill(a host pid): not even visible');
    like($r->{stdout}, qr/^alive$/m, 'signals: still alive');
    ok(kill(0, $$), 'the test process is alive');
}

# --- a daemonised child dies with the run
{
    my $out = prog_dir();
    chmod 0777, $out;
    my ($r, undef, $raw) = run_sandbox([@bind, '--dir', "$out:/out:rw"],
                                       '/t/daemon', 300);
    is($r->{status}, 'OK', 'daemon: parent OK') or diag $raw;
    sleep 0.8;
    ok(!-e "$out/marker", 'daemon: the child never wrote its marker');
    is_deeply([host_uid_procs()], [], 'daemon: no process left on the host');
}

# --- no privilege: ids, capabilities, setuid binaries
{
    my ($r, undef, $raw) = run_sandbox([@bind], '/t/whoami');
    is($r->{status}, 'OK', 'whoami: OK') or diag $raw;
    like($r->{stdout}, qr/^uid 1000 euid 1000 gid 1000 egid 1000$/m,
         'runs as uid/gid 1000');
    like($r->{stdout}, qr/^CapEff:\s+0+$/m, 'no effective capabilities');
    like($r->{stdout}, qr/^CapPrm:\s+0+$/m, 'no permitted capabilities');
    like($r->{stdout}, qr/^NoNewPrivs:\s+1$/m, 'no_new_privs is set');
    like($r->{stdout}, qr/^Seccomp:\s+2$/m, 'a seccomp filter is loaded');
    like($r->{stdout}, qr/^Groups:\s*$/m, 'no supplementary groups');

    my $suid = prog_dir();
    system('cp', "$dir/whoami", "$suid/suid") == 0 or die;
    chown 0, 0, "$suid/suid";
    chmod 04755, "$suid/suid" or die;
    ($r, undef, $raw) = run_sandbox(['--dir', "$suid:/s"], '/s/suid');
    is($r->{status}, 'OK', 'setuid root binary: runs') or diag $raw;
    like($r->{stdout}, qr/^uid 1000 euid 1000 /m,
         'setuid root binary: no privilege gained');

    ($r, undef, $raw) = run_sandbox([], '/bin/su', '-c', 'id');
    isnt($r->{status}, 'OK', 'su: does not work');
    unlike($r->{stdout}, qr/uid=0/, 'su: never root');
}

done_testing();
