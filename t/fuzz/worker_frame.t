# The worker's libFuzzer targets (worker/fuzz/), built with clang and run
# for a bounded time each from their seed corpus: the frame reader fed a
# stream cut into reads of every size (fuzz_frame), one frame's
# MasterCommand and what the worker works out from it before running
# anything (fuzz_command), and a result remade to fit the master's frame
# limit (fuzz_fit).  Any crash, leak, undefined behaviour, timeout or
# failed check fails the test; the inputs that did it are kept in
# $JUDGE_BUILD/fuzz/findings/ (replay one: build/fuzz/TARGET FILE).
#
#   JUDGE_FUZZ_SECONDS   how long each target runs (default 20)

use strict;
use warnings;
use Cwd qw(abs_path);
use File::Basename qw(basename);
use File::Copy qw(copy);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use FindBin;
use Test::More;

my $root = abs_path("$FindBin::Bin/../..");
my $build = abs_path($ENV{JUDGE_BUILD} || "$root/build");
my $seconds = $ENV{JUDGE_FUZZ_SECONDS} // 20;

die "JUDGE_FUZZ_SECONDS must be a whole number of seconds\n"
    unless $seconds =~ /^[1-9][0-9]*$/;

my %seeds = (fuzz_frame => 'frame', fuzz_command => 'command',
             fuzz_fit => 'fit');

my $tmp = tempdir('judge-fuzz-XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub tail_of {
    my ($file, $lines) = @_;
    open my $fh, '<', $file or return "(no $file)";
    my @all = <$fh>;
    splice @all, 0, @all - $lines if @all > $lines;
    return join '', @all;
}

# --- the targets and their seeds build with clang
{
    # a make of our own, not a part of the caller's jobserver
    local $ENV{MAKEFLAGS};
    local $ENV{MAKELEVEL};
    my $rc = system("make -C '$root/worker' -j2 fuzz BUILD='$build' "
                    . "> '$tmp/build.log' 2>&1");
    ok($rc == 0, 'make fuzz builds the targets and the seed corpus')
        or do { diag tail_of("$tmp/build.log", 30); done_testing(); exit };
}

for my $target (sort keys %seeds) {
    my $bin = "$build/fuzz/$target";
    my $seed_dir = "$build/fuzz/seeds/$seeds{$target}";
    my $corpus = "$tmp/corpus-$target";
    my $log = "$tmp/$target.log";

    mkdir $corpus or die "mkdir $corpus: $!";
    my @seeds = glob "$seed_dir/*";
    ok(@seeds >= 3, "$target: a seed corpus of valid inputs (" . @seeds
                    . ")");

    # new inputs go to the empty first directory, the seeds are only read;
    # "timeout" is a last resort should libFuzzer itself stop answering
    local $ENV{ASAN_OPTIONS} = 'detect_leaks=1:abort_on_error=0';
    local $ENV{UBSAN_OPTIONS} = 'print_stacktrace=1';
    my @cmd = ('timeout', '-k', '10', $seconds + 120, $bin,
               "-max_total_time=$seconds", '-timeout=25',
               '-rss_limit_mb=2048', '-print_final_stats=1',
               "-artifact_prefix=$tmp/$target-", $corpus, $seed_dir);

    my $rc = system(join(' ', map { "'$_'" } @cmd) . " > '$log' 2>&1");
    my $out = do { local (@ARGV, $/) = ($log); <> } // '';
    my @found;
    for my $input (glob "$tmp/$target-*") {
        make_path("$build/fuzz/findings");
        my $kept = "$build/fuzz/findings/" . basename($input);
        copy($input, $kept) or die "copy $input: $!";
        push @found, $kept;
    }

    ok($rc == 0 && !@found, "$target: ran $seconds s without a finding")
        or diag "exit status $rc; kept: @found\n" . tail_of($log, 60);

    unlike($out, qr/ERROR: (?:AddressSanitizer|LeakSanitizer|libFuzzer)
                    |runtime\ error:|SUMMARY:\ /x,
           "$target: no sanitizer or libFuzzer report");

    my ($runs) = $out =~ /stat::number_of_executed_units:\s*(\d+)/;
    my ($speed) = $out =~ /stat::average_exec_per_sec:\s*(\d+)/;
    my ($new) = $out =~ /stat::new_units_added:\s*(\d+)/;

    ok(defined $runs && $runs > 0, "$target: inputs were run");
    note sprintf '%s: %d runs in %d s, %d exec/s, %d new inputs',
                 $target, $runs // 0, $seconds, $speed // 0, $new // 0;
}

done_testing();
