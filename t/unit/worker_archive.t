# judge-worker C unit test: the archive format of multi-file artifacts
# (worker/tests/test_archive.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_archive";

exec $test or die "cannot run $test: $! (build it with make)\n";
