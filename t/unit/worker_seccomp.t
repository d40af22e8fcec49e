# judge-worker C unit test: the sandbox's seccomp programs on the running
# kernel, the kill variant denying what the notifying one does
# (worker/tests/test_seccomp.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_seccomp";

exec $test or die "cannot run $test: $! (build it with make)\n";
