# judge-worker C unit test: the frame codec (partial, oversized frames)
# (worker/tests/test_frame.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_frame";

exec $test or die "cannot run $test: $! (build it with make)\n";
