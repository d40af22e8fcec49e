# judge-worker C unit test: the languages table parser, version probes
# (worker/tests/test_languages.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_languages";

exec $test or die "cannot run $test: $! (build it with make)\n";
