# judge-worker C unit test: UTF-8 cleaning and cutting of result text
# (worker/tests/test_text.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_text";

exec $test or die "cannot run $test: $! (build it with make)\n";
