# judge-worker C unit test: the sandbox's control messages on the running
# kernel, a peer's last message read though it exited with ours unread
# (worker/tests/test_sbxmsg.c, built by "make" into $JUDGE_BUILD/tests/).

use strict;
use warnings;
use FindBin;

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $test = "$build/tests/test_sbxmsg";

exec $test or die "cannot run $test: $! (build it with make)\n";
