# What a run is told it used is its own: the same program reports the same
# peak memory in every slot and after any earlier run (a compile, a full
# work dir, page cache left behind), within 1 MB of what /usr/bin/time
# says; its limit is the one asked for; files written count as output or
# fill the work dir, never as MLE; no run sees how many processes an
# earlier one made.  progs/runs.c drives long-lived instances through the
# library, as the worker does.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/progs";
use Test::More;
use JSON::PP;
use SandboxTest;

plan skip_all => "judge-sandbox not built" unless sandbox_cli();
plan skip_all => "needs root" if $> != 0;
plan skip_all => "/usr/bin/time not installed" unless -x '/usr/bin/time';

my $build = $ENV{JUDGE_BUILD} || "$ROOT/build";
my $lib = "$build/libsandbox.a";
plan skip_all => "$lib not built" unless -f $lib;

my $dir = prog_dir();
my $rw = prog_dir();
chmod 0777, $rw or die "chmod $rw: $!";
compile($dir, $_) for qw(sum.cpp writefile.c memhog.c);
system('cp', "$PROGS/intlist.py", "$PROGS/sum.cpp", $dir) == 0 or die;
my @san = $build =~ /asan/ ? ('-fsanitize=address,undefined') : ();
system('gcc', '-O1', '-g', @san, '-pthread', "-I$ROOT/worker/sandbox", '-o',
       "$dir/runs", "$PROGS/runs.c", $lib, '-lseccomp') == 0
    or die "building runs";

# Slots 84 and 85 (uids 60084, 60085): clear of the other sandbox tests.
my ($A, $B) = (84, 85);

# runs([slot, memory_kb, file_kb, box_kb, stdin, argv...], ...) -> results
sub runs {
    my @lines = map { join("\t", @$_) . "\n" } @_;
    my $script = "$dir/script";
    open(my $fh, '>', $script) or die;
    print $fh @lines;
    close $fh;
    open(my $out, '-|', "$dir/runs $dir $rw < $script") or die;
    my @r = map { decode_json($_) } <$out>;
    close $out;
    is(scalar @r, scalar @lines, 'every run answered') or diag explain \@r;
    return @r;
}

# The reference: /usr/bin/time's maxrss, with the sandbox's environment.
sub maxrss {
    my ($stdin, @argv) = @_;
    my @kb;
    for (1 .. 3) {
        my $cmd = join(' ', 'env -i PATH=/usr/local/bin:/usr/bin:/bin',
                       'HOME=/tmp LANG=C.UTF-8 /usr/bin/time -f %M', @argv,
                       "<<< '$stdin' 2>&1 >/dev/null");
        my $o = `bash -c "$cmd"`;
        push @kb, $o =~ /(\d+)\s*$/ ? $1 : die "time: $o";
    }
    return (sort { $a <=> $b } @kb)[1];
}

my $sum_kb = maxrss('1 2', "$dir/sum");
my $py_kb = maxrss('', 'python3', "$dir/intlist.py");
note("/usr/bin/time: a+b $sum_kb KB, python list $py_kb KB");

my @sum = (0, 0, 0, '1 2', '/t/sum');
my @py = (1048576, 0, 0, '-', 'python3', '/t/intlist.py');
my @cc = (1048576, 0, 0, '-', 'g++', '-O2', '-o', '/box/sum', '/t/sum.cpp');
my @fill = (262144, 65536, 65536, '-', '/t/writefile', '/box/fill', 48);
my @cache = (262144, 0, 0, '-', '/t/writefile', '/w/cache', 48);

my @r = runs((map { ([$A, @sum], [$B, @sum]) } 1 .. 3),
             [$A, @cc],
             (map { ([$A, @sum], [$B, @sum]) } 1 .. 3),
             (map { ([$A, @py], [$B, @py]) } 1 .. 2),
             [$B, @fill],
             (map { ([$A, @sum], [$B, @sum]) } 1 .. 2),
             [$A, @cache],
             (map { ([$A, @sum], [$B, @sum]) } 1 .. 2),
             [$A, @py]);

my (@sum_r, @py_r);
for my $r (@r) {
    if ($r->{stdout} eq "3\n") {
        push @sum_r, $r;
    } elsif ($r->{stdout} eq "10000000\n") {
        push @py_r, $r;
    }
}
is(scalar @sum_r, 20, 'every a+b run answered 3');
is(scalar @py_r, 5, 'every python run answered');
is($r[6]{status}, 'OK', 'the compile succeeded') or diag explain $r[6];
like($r[17]{stdout}, qr/^wrote 48 MiB/, 'a run filled 48 MiB of /box')
    or diag explain $r[17];
like($r[22]{stdout}, qr/^wrote 48 MiB/, 'a run left 48 MiB of page cache')
    or diag explain $r[22];

for my $set (['a+b', $sum_kb, \@sum_r], ['python list', $py_kb, \@py_r]) {
    my ($name, $ref, $list) = @$set;
    SKIP: {
        # a figure never falls below init's resident size, and init is a
        # copy of the library's caller: under ASan, several MiB of shadow
        skip "$name: under ASan init alone is larger", 2
            if @san && $ref < 16 * 1024;
        my @kb = map { $_->{memory_kb} } @$list;
        my @off = grep { abs($_ - $ref) > 1024 } @kb;
        is_deeply(\@off, [], "$name: every peak within 1 MB of $ref KB, in "
                             . "both slots, after a compile, a full /box, "
                             . "page cache")
            or diag "peaks: @kb";
        my ($lo, $hi) = (sort { $a <=> $b } @kb)[0, -1];
        cmp_ok($hi - $lo, '<=', 1024, "$name: peaks stable ($lo..$hi KB)");
    }
}

# --- the limit is the one asked for, whatever earlier runs left charged
{
    my @r = runs([$A, @cache], [$A, 65536, 0, 0, '-', '/t/memhog', 'malloc',
                                56],
                 [$A, @cache], [$A, 65536, 0, 0, '-', '/t/memhog', 'malloc',
                                72],
                 [$A, @fill], [$A, 65536, 0, 0, '-', '/t/memhog', 'malloc',
                               56]);
    is($r[1]{status}, 'OK', '56 MiB under 64 MiB after 48 MiB of page cache: '
                            . 'OK') or diag explain $r[1];
    is($r[3]{status}, 'MLE', '72 MiB under 64 MiB after 48 MiB of page '
                             . 'cache: MLE') or diag explain $r[3];
    is($r[5]{status}, 'OK', '56 MiB under 64 MiB after a full /box: OK')
        or diag explain $r[5];
}

# --- a file bomb is OLE (file size) or ENOSPC (box full), never MLE
{
    my ($r, undef, $raw) = run_sandbox(['--dir', "$dir:/t", '--memory',
                                        65536], '/t/writefile', '/box/out',
                                       100);
    is($r->{status}, 'OLE', '100 MiB file under 64 MiB of memory: OLE')
        or diag $raw;
    is($r->{signal}, 25, '100 MiB file: SIGXFSZ');

    ($r, undef, $raw) = run_sandbox(['--dir', "$dir:/t", '--memory', 65536,
                                     '--file-size', 262144], '/t/writefile',
                                    '/box/out', 100);
    is($r->{status}, 'RE', 'a file size limit above memory: the box fills, '
                           . 'RE with the program\'s own status') or diag $raw;
    is($r->{exit_code}, 4, 'box full: exit code 4');
    like($r->{stdout}, qr/^write: No space left on device after 3\d MiB/,
         'box full: ENOSPC at half the memory limit');
}

# --- no run sees how many processes an earlier one made
{
    my @pid = (0, 0, 0, '-', '/bin/sh', '-c',
               'echo $$ $(cat /proc/sys/kernel/ns_last_pid)');
    my @forks = (0, 0, 0, '-', '/bin/sh', '-c',
                 'for i in 1 2 3 4 5 6 7 8; do /bin/true; done');
    my @r = runs([$A, @pid], [$A, @forks], [$A, @pid], [$A, @cc], [$A, @pid],
                 [$B, @pid]);
    my @seen = map { $_->{stdout} } @r[0, 2, 4, 5];
    is($seen[0], "2 3\n", 'the program is pid 2, its child pid 3')
        or diag explain \@seen;
    is_deeply(\@seen, [("2 3\n") x 4],
              'the same pid and ns_last_pid after other runs, in every slot');
}

is_deeply([host_uid_procs()], [], 'no process left');

done_testing();
