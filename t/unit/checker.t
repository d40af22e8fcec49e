# judge-worker C unit test: the built-in checkers, assertions and custom
# checker exit codes (worker/tests/test_checker.c, built by "make" into
# $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_checker";

exec $test or die "cannot run $test: $! (build it with make)\n";
