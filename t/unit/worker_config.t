# judge-worker C unit test: flags, config file, token and worker id
# (worker/tests/test_config.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_config";

exec $test or die "cannot run $test: $! (build it with make)\n";
