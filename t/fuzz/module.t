# The module's libFuzzer targets (ngx_judge_module/fuzz/): the submission
# parser and the worker-frame decoder, each run for JUDGE_FUZZ_SECONDS
# (default 20) seconds from its seed corpus.  A crash, a sanitizer report,
# a leak or a broken invariant of the target fails the test; the input
# that did it is kept and named.  "make fuzz-module" builds them first.

use strict;
use warnings;
use FindBin;
use File::Path qw(remove_tree);
use File::Temp qw(tempdir);
use Test::More;

my $root = "$FindBin::Bin/../..";
my $out = "$root/build/module-tests";
my $seconds = $ENV{JUDGE_FUZZ_SECONDS} || 20;

my $made = system('make', '-s', '-C', $root, 'fuzz-module');
is($made, 0, 'make fuzz-module') or BAIL_OUT('the fuzz targets did not build');

my %targets = (
    fuzz_submit => ["$root/ngx_judge_module/fuzz/corpus/submit",
                    "-dict=$root/ngx_judge_module/fuzz/submit.dict"],
    fuzz_frame  => ["$out/corpus/frame"],
);

for my $name (sort keys %targets) {
    my ($seeds, @flags) = @{ $targets{$name} };
    my $tmp = tempdir("judge-$name-XXXXXX", TMPDIR => 1);
    my $log = "$tmp/log";

    mkdir "$tmp/corpus" or die "$tmp/corpus: $!";

    my $rc = system("$out/$name -max_total_time=$seconds -timeout=10 "
                    . "-print_final_stats=1 -artifact_prefix=$tmp/ "
                    . join(' ', @flags) . " $tmp/corpus $seeds > $log 2>&1");

    open my $fh, '<', $log or die "$log: $!";
    my $text = do { local $/; <$fh> };
    close $fh;

    my ($runs) = $text =~ /stat::number_of_executed_units:\s*(\d+)/;
    my ($speed) = $text =~ /stat::average_exec_per_sec:\s*(\d+)/;
    my ($cov) = $text =~ /DONE\s+cov: (\d+)/;

    if (is($rc, 0, "$name: $seconds s without a finding")) {
        diag(sprintf('%s: %d runs, %d/s, %d coverage points', $name,
                     $runs // 0, $speed // 0, $cov // 0));
        remove_tree($tmp);
        next;
    }

    my @found = glob("$tmp/crash-* $tmp/leak-* $tmp/timeout-* $tmp/oom-*");
    my @report = grep { /ERROR|SUMMARY|runtime error|#\d+ 0x/ }
                 split /\n/, $text;
    diag("$name: $_") for @report[0 .. ($#report < 15 ? $#report : 15)];
    diag("$name: the input is in $_ (reproduce: $out/$name $_)") for @found;
    diag("$name: the whole log is $log");
}

done_testing();
