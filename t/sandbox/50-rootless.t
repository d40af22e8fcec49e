# judge-sandbox without root: an unprivileged user gets the namespaces
# (user namespaces need no privilege), rlimits instead of cgroups, and the
# same verdicts for the basic cases.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/progs";
use File::Copy qw(copy);
use Test::More;
use SandboxTest;

plan skip_all => "judge-sandbox not built" unless sandbox_cli();
plan skip_all => "needs root to become an unprivileged user" if $> != 0;
plan skip_all => "no runuser" unless -x '/usr/sbin/runuser' || -x '/sbin/runuser';

my $dir = prog_dir();
copy(sandbox_cli(), "$dir/judge-sandbox") or die "copy: $!";
chmod 0755, "$dir/judge-sandbox";
compile($dir, $_) for qw(spin.c badsys.c);

sub as_nobody {
    my @argv = @_;
    open(my $fh, '-|', 'runuser', '-u', 'nobody', '--', "$dir/judge-sandbox",
         @argv) or die "runuser: $!";
    my $raw = do { local $/; <$fh> };
    close $fh;
    return (eval { JSON::PP->new->decode($raw) } // {}, $raw);
}

my ($r, $raw) = as_nobody('--', '/bin/echo', 'hi');
plan skip_all => "unprivileged user namespaces are off here"
    if ($r->{status} // '') eq 'IE' && ($r->{message} // '') =~ /user namespace|EPERM|Operation not permitted/;

is($r->{status}, 'OK', 'rootless: OK') or diag $raw;
is($r->{stdout}, "hi\n", 'rootless: output');

($r, $raw) = as_nobody('--cpu-time', 300, '--copy-in', "$dir/spin", '--', './spin');
is($r->{status}, 'TLE', 'rootless: TLE') or diag $raw;
cmp_ok($r->{cpu_time_ms}, '<', 400, 'rootless: CPU limit still tight');

($r, $raw) = as_nobody('--copy-in', "$dir/badsys", '--', './badsys', 'ptrace');
is($r->{status}, 'SV', 'rootless: forbidden syscall') or diag $raw;

($r, $raw) = as_nobody('--', '/bin/cat', '/etc/shadow');
is($r->{status}, 'RE', 'rootless: host secrets out of reach') or diag $raw;
unlike($r->{stdout}, qr/root:/, 'rootless: nothing leaked');

done_testing();
