# judge-worker C unit test: master URL parsing
# (worker/tests/test_url.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_url";

exec $test or die "cannot run $test: $! (build it with make)\n";
