# The library interface the worker uses (sandbox.h): concurrent instances
# in threads, stdin buffers, files in and out, per-run binds, host info.
# progs/libtest.c prints TAP; each of its lines becomes a test here.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/progs";
use Test::More;
use SandboxTest;

plan skip_all => "judge-sandbox not built" unless sandbox_cli();
plan skip_all => "needs root" if $> != 0;

my $build = $ENV{JUDGE_BUILD} || "$ROOT/build";
my $lib = "$build/libsandbox.a";
plan skip_all => "$lib not built" unless -f $lib;

my $dir = prog_dir();
my @san = $build =~ /asan/ ? ('-fsanitize=address,undefined') : ();
system('gcc', '-O1', '-g', @san, '-pthread', "-I$ROOT/worker/sandbox", '-o',
       "$dir/libtest", "$PROGS/libtest.c", $lib, '-lseccomp') == 0
    or die "building libtest";

open(my $fh, '-|', "$dir/libtest", $dir) or die;
my $plan;
while (my $line = <$fh>) {
    chomp $line;
    if ($line =~ /^(not )?ok \d+ - (.*)$/) {
        ok(!$1, $2);
    } elsif ($line =~ /^1\.\.(\d+)$/) {
        $plan = $1;
    } else {
        diag $line;
    }
}
close $fh;
is($? >> 8, 0, 'libtest exited 0');
ok(defined $plan && $plan >= 14, 'libtest ran to the end');
is_deeply([host_uid_procs()], [], 'no process left');

done_testing();
