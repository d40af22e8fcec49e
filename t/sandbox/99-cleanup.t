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

# instance dirs are "<pid>-<slot>-<random>": one of the slots these files
# use (50 for the CLI, 79-83 for libtest) whose process is gone is a leak;
# workers of other test files, running at the same time, use slots from 0
# and are checked by their own files
sub leaked {
    my ($base) = @_;
    return grep { m{/(\d+)-(?:50|79|8[0-3])-\w+$} && !kill(0, $1) }
           glob("$base/*");
}
for my $ctl (qw(memory pids cpuacct unified)) {
    my $base = "/sys/fs/cgroup/$ctl/judge-sandbox";
    is_deeply([leaked($base)], [], "no instance cgroup left under $base");
}
is_deeply([leaked("/sys/fs/cgroup/judge-sandbox")], [],
          "no v2 instance cgroup left");

is_deeply([host_uid_procs()], [], 'no process of a sandbox uid is left');

open(my $mi, '<', '/proc/self/mountinfo') or die;
my @ours = grep { (split / /)[4] eq "/box" } <$mi>;
is_deeply(\@ours, [], 'no sandbox mount in the host namespace');

done_testing();
