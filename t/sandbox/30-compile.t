# Compilers run inside the sandbox too: a normal compile works and hands
# the binary back, and hostile sources fail cleanly within the limits.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/progs";
use Test::More;
use SandboxTest;

plan skip_all => "judge-sandbox not built" unless sandbox_cli();
plan skip_all => "needs root (the root path is what is tested)" if $> != 0;

my $out = prog_dir();
my @compile = ('--dir', "$PROGS:/src", '--memory', 524288, '--cpu-time',
               10000, '--wall-time', 20000, '--processes', 32);

# --- gcc inside, binary collected, then run in a second sandbox
{
    my ($r, $rc, $raw) = run_sandbox(
        [@compile, '--copy-out', "a.out:$out/a.out"],
        'gcc', '-O2', '-o', 'a.out', '/src/hello.c');
    is($r->{status}, 'OK', 'gcc hello.c: OK') or diag $raw;
    is($r->{files}{'a.out'}, 'ok', 'gcc hello.c: a.out collected');
    ok(-s "$out/a.out", 'a.out is on the host');

    ($r, $rc, $raw) = run_sandbox(['--copy-in', "$out/a.out:prog"], './prog');
    is($r->{status}, 'OK', 'the compiled program runs') or diag $raw;
    is($r->{stdout}, "hello, world\n", 'the compiled program prints');
}

# --- g++ inside
{
    my ($r, undef, $raw) = run_sandbox(
        [@compile, '--copy-out', "b.out:$out/b.out"],
        'g++', '-O2', '-o', 'b.out', '/src/hello.cpp');
    is($r->{status}, 'OK', 'g++ hello.cpp: OK') or diag $raw;
    ($r, undef, $raw) = run_sandbox(['--copy-in', "$out/b.out:prog"], './prog');
    is($r->{stdout}, "sum 6 keys 2\n", 'the C++ program runs');
}

# --- #include "/etc/shadow": the file is not there, a clean compile error
{
    my ($r, $rc, $raw) = run_sandbox([@compile], 'gcc', '-c', '-o', 'x.o',
                                     '/src/shadow.c');
    is($rc, 0, 'shadow include: sandbox exit status 0');
    is($r->{status}, 'RE', 'shadow include: compile error (RE)') or diag $raw;
    is($r->{exit_code}, 1, 'shadow include: gcc exit code 1');
    like($r->{stderr}, qr{/etc/shadow: No such file or directory},
         'shadow include: gcc says the file is missing');
    if (open(my $fh, '<', '/etc/shadow')) {
        my $first = <$fh>;
        chomp $first;
        ok(index($r->{stderr} . $r->{stdout}, $first) < 0,
           'shadow include: nothing of the host file leaked');
    }
}

# --- #include "/dev/urandom": endless input, ended by a limit, not a hang
{
    my ($r, $rc, $raw) = run_sandbox(['--dir', "$PROGS:/src", '--memory',
                                      131072, '--cpu-time', 2000,
                                      '--wall-time', 4000, '--output', 256],
                                     'gcc', '-c', '-o', 'x.o',
                                     '/src/urandom.c');
    is($rc, 0, 'urandom include: sandbox exit status 0');
    like($r->{status}, qr/^(MLE|TLE|OLE|RE)$/,
         "urandom include: ended by a limit ($r->{status})")
        or diag substr($raw, 0, 400);
    cmp_ok($r->{wall_time_ms}, '<=', 4500, 'urandom include: within the wall limit');
}

done_testing();
