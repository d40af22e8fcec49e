# judge-worker C unit test: the artifact cache (LRU, pinning, threads) and SHA-256
# (worker/tests/test_artifact.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_artifact";

exec $test or die "cannot run $test: $! (build it with make)\n";
