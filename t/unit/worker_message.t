# judge-worker C unit test: Register's frame limit and cached artifacts, and
# results too big for the master's frames remade to fit
# (worker/tests/test_message.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_message";

exec $test or die "cannot run $test: $! (build it with make)\n";
