# judge-worker C unit test: commands split into argv without a shell
# (worker/tests/test_argv.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_argv";

exec $test or die "cannot run $test: $! (build it with make)\n";
