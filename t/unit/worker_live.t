# judge-worker C unit test: live output coalescing
# (worker/tests/test_live.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_live";

exec $test or die "cannot run $test: $! (build it with make)\n";
