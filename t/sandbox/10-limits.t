# judge-sandbox limits: each hostile program gets exactly its verdict, CPU
# is enforced tightly over all threads, and nothing outlives the run.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/progs";
use Test::More;
use SandboxTest;

plan skip_all => "judge-sandbox not built" unless sandbox_cli();
plan skip_all => "needs root (the root path is what is tested)" if $> != 0;

my $dir = prog_dir();
compile($dir, $_) for qw(spin.c block.c memhog.c flood.c filltmp.c
                         forkbomb.c fds.c);
my @bind = ('--dir', "$dir:/t");

# --- CPU: TLE near the limit, counting every thread
for my $case ([1, 300], [2, 300], [4, 200]) {
    my ($threads, $limit) = @$case;
    my ($r, $rc, $raw) = run_sandbox([@bind, '--cpu-time', $limit,
                                      '--wall-time', 5000], '/t/spin',
                                     $threads);
    is($rc, 0, "spin x$threads: sandbox exit status 0");
    is($r->{status}, 'TLE', "spin x$threads: TLE") or diag $raw;
    cmp_ok($r->{cpu_time_ms}, '>=', $limit, "spin x$threads: cpu >= limit");
    cmp_ok($r->{cpu_time_ms}, '<=', $limit + 25,
           "spin x$threads: killed within 25 ms of CPU past the limit");
    is($r->{message}, "cpu time limit $limit ms exceeded",
       "spin x$threads: message");
    SKIP: {
        skip "the machine is too busy to run threads in parallel", 1
            if $threads == 1 || $r->{wall_time_ms} >= $limit * 0.95
               && `cat /proc/loadavg` !~ /^0\./;
        cmp_ok($r->{wall_time_ms}, '<', $limit * 0.95,
               "spin x$threads: CPU of all threads counted (wall < cpu)");
    }
}

# --- wall time: WLE, distinct from TLE
for my $how (qw(sleep pipe)) {
    my ($r, undef, $raw) = run_sandbox([@bind, '--wall-time', 300,
                                        '--cpu-time', 1000], '/t/block',
                                       $how);
    is($r->{status}, 'WLE', "block $how: WLE") or diag $raw;
    cmp_ok($r->{wall_time_ms}, '>=', 300, "block $how: wall >= limit");
    cmp_ok($r->{wall_time_ms}, '<', 600, "block $how: killed promptly");
    cmp_ok($r->{cpu_time_ms}, '<', 100, "block $how: no CPU used");
}

# --- memory bombs: MLE every time, never RE
for my $how (qw(malloc mmap stack threads)) {
    my ($r, undef, $raw) = run_sandbox([@bind, '--memory', 32768,
                                        '--processes', 32], '/t/memhog',
                                       $how, 256);
    is($r->{status}, 'MLE', "memhog $how: MLE") or diag $raw;
    is($r->{message}, 'memory limit 32768 KB exceeded',
       "memhog $how: message");
    cmp_ok($r->{memory_kb}, '>=', 32768, "memhog $how: peak at the limit");
}
{
    # a stack limit below the memory limit: overflowing it is a crash
    my ($r, undef, $raw) = run_sandbox([@bind, '--memory', 65536, '--stack',
                                        8192], '/t/memhog', 'stack');
    is($r->{status}, 'RE', 'stack 8 MiB of 64 MiB: overflow is RE') or diag $raw;
    is($r->{signal}, 11, 'stack overflow: SIGSEGV');
}
{
    # under the limit: OK, and the peak is about what was touched
    my ($r, undef, $raw) = run_sandbox([@bind, '--memory', 65536],
                                       '/t/memhog', 'malloc', 16);
    is($r->{status}, 'OK', 'memhog 16 MiB under 64 MiB: OK') or diag $raw;
    cmp_ok($r->{memory_kb}, '>=', 16 * 1024, 'memhog 16 MiB: peak >= 16 MiB');
    cmp_ok($r->{memory_kb}, '<', 24 * 1024, 'memhog 16 MiB: peak < 24 MiB');
}

# --- output: OLE on stdout, on stderr, and through the file size limit
for my $stream (qw(stdout stderr)) {
    my ($r, undef, $raw) = run_sandbox([@bind, '--output', 64], '/t/flood',
                                       $stream);
    is($r->{status}, 'OLE', "flood $stream: OLE") or diag substr($raw, 0, 300);
    is(length($r->{$stream}), 64 * 1024, "flood $stream: kept exactly 64 KiB");
    ok($r->{"${stream}_truncated"}, "flood $stream: truncated flag");
    like($r->{message}, qr/output limit 64 KB exceeded on $stream/,
         "flood $stream: message");
}
{
    my ($r, undef, $raw) = run_sandbox([@bind, '--file-size', 1024],
                                       '/t/flood', 'file');
    is($r->{status}, 'OLE', 'huge file: OLE') or diag $raw;
    is($r->{signal}, 25, 'huge file: SIGXFSZ');
    is($r->{message}, 'file size limit 1024 KB exceeded', 'huge file: message');
}

# --- filling the work dir tmpfs is the program's problem, not IE
{
    my ($r, undef, $raw) = run_sandbox([@bind, '--box-size', 4096,
                                        '--file-size', 65536], '/t/filltmp');
    is($r->{status}, 'OK', 'fill tmpfs: OK (the program saw ENOSPC)')
        or diag $raw;
    like($r->{stdout}, qr/No space left on device after 40\d\d KiB/,
         'fill tmpfs: stopped at the 4 MiB size');
}

# --- fork bomb: a clean verdict and nothing left behind
{
    my ($r, undef, $raw) = run_sandbox([@bind, '--processes', 16],
                                       '/t/forkbomb');
    is($r->{status}, 'RE', 'fork bomb: RE (its own exit code)') or diag $raw;
    is($r->{exit_code}, 7, 'fork bomb: exit code 7');
    like($r->{stdout}, qr/^forked (\d+)$/m, 'fork bomb: reports its count');
    my ($n) = $r->{stdout} =~ /forked (\d+)/;
    cmp_ok($n // 99, '<', 16, 'fork bomb: stopped by the process limit');
    is_deeply([host_uid_procs()], [], 'fork bomb: no process left');
}

# --- open files
{
    my ($r, undef, $raw) = run_sandbox([@bind, '--files', 20], '/t/fds');
    is($r->{status}, 'OK', 'fd exhaustion: OK') or diag $raw;
    is($r->{stdout}, "opened 17 then EMFILE\n",
       'fd exhaustion: stops at the limit (20 minus stdio)');
}

done_testing();
