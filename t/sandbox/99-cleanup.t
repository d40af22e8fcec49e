# After the sandbox suite: no cgroup, no process, no mount left behind.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/progs";
use Test::More;
use SandboxTest;

plan skip_all => "judge-sandbox not built" unless sandbox_cli();
plan skip_all => "needs root" if $> != 0;

# one more run, so that this file also checks its own clean-up
my ($r) = run_sandbox([], '/bin/true');
is($r->{status}, 'OK', 'a last run');

for my $ctl (qw(memory pids cpuacct unified)) {
    my $base = "/sys/fs/cgroup/$ctl/judge-sandbox";
    my @left = grep { -d } glob("$base/*");
    is_deeply(\@left, [], "no instance cgroup left under $base");
}
{
    my $base = "/sys/fs/cgroup/judge-sandbox";
    my @left = -d $base ? grep { -d } glob("$base/*") : ();
    is_deeply(\@left, [], "no v2 instance cgroup left");
}

is_deeply([host_uid_procs()], [], 'no process of a sandbox uid is left');

open(my $mi, '<', '/proc/self/mountinfo') or die;
my @ours = grep { (split / /)[4] eq "/box" } <$mi>;
is_deeply(\@ours, [], 'no sandbox mount in the host namespace');

done_testing();
