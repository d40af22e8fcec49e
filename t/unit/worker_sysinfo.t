# judge-worker C unit test: host figures from /proc text, cgroup detection
# (worker/tests/test_sysinfo.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_sysinfo";

exec $test or die "cannot run $test: $! (build it with make)\n";
