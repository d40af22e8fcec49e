# judge-worker C unit test: frontend list and the order they are dialled in
# (worker/tests/test_frontends.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_frontends";

exec $test or die "cannot run $test: $! (build it with make)\n";
