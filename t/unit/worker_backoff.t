# judge-worker C unit test: reconnect backoff and jitter bounds
# (worker/tests/test_backoff.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_backoff";

exec $test or die "cannot run $test: $! (build it with make)\n";
