# judge-worker C unit test: the verdicts of interactive tests and of
# Kattis output validators (worker/tests/test_interact.c, built by "make"
# into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_interact";

exec $test or die "cannot run $test: $! (build it with make)\n";
