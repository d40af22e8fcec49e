# judge-worker C unit test: a compiled artifact over the judge's limit
# (worker/tests/test_runner.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_runner";

exec $test or die "cannot run $test: $! (build it with make)\n";
