# judge-sandbox: ordinary programs get OK with the right output, crashes
# get RE with the signal named, and the result is the documented JSON.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/progs";
use Test::More;
use SandboxTest;

plan skip_all => "judge-sandbox not built" unless sandbox_cli();
plan skip_all => "needs root (the root path is what is tested)" if $> != 0;

my $dir = prog_dir();
compile($dir, $_) for qw(hello.c crash.c block.c);
my @bind = ('--dir', "$dir:/t");

# --- a normal C program: OK, exact output, plausible resources
{
    my ($r, $rc, $raw) = run_sandbox([@bind], '/t/hello', 'a b', 'c');
    is($rc, 0, 'exit status 0 when the sandbox worked');
    is($r->{status}, 'OK', 'hello: OK') or diag $raw;
    is($r->{stdout}, "hello, world\narg a b\narg c\n", 'hello: exact stdout');
    is($r->{stderr}, '', 'hello: empty stderr');
    is($r->{exit_code}, 0, 'hello: exit code 0');
    is($r->{signal}, 0, 'hello: no signal');
    cmp_ok($r->{memory_kb}, '<', 16 * 1024, 'hello: peak memory below 16 MiB');
    cmp_ok($r->{cpu_time_ms}, '<', 200, 'hello: little CPU');
    ok($r->{wall_time_ms} < 2000, 'hello: quick');
    for my $k (qw(status exit_code signal cpu_time_ms wall_time_ms memory_kb
                  stdout stderr message stdout_truncated stderr_truncated)) {
        ok(exists $r->{$k}, "JSON has $k");
    }
}

# --- C++ (dynamic libstdc++ through the read-only /usr)
{
    # the C++ binary has the same base name: compile it under another
    system('g++', '-O2', '-o', "$dir/hellocpp", "$PROGS/hello.cpp") == 0
        or die 'g++';
    my ($r, undef, $raw) = run_sandbox([@bind], '/t/hellocpp');
    is($r->{status}, 'OK', 'C++: OK') or diag $raw;
    is($r->{stdout}, "sum 6 keys 2\n", 'C++: output');
}

# --- Python, found through the minimal PATH
{
    my ($r, undef, $raw) = run_sandbox(['--dir', "$PROGS:/p"], 'python3',
                                       '/p/hello.py');
    is($r->{status}, 'OK', 'python: OK') or diag $raw;
    is($r->{stdout}, "hello from python 3\n", 'python: output');
}

# --- the environment is minimal and fixed, never the caller's
{
    local $ENV{SECRET_TOKEN} = 'leak-me';
    my ($r) = run_sandbox([], '/usr/bin/env');
    is($r->{status}, 'OK', 'env: OK');
    is(join(',', sort split /\n/, $r->{stdout}),
       'HOME=/tmp,LANG=C.UTF-8,PATH=/usr/local/bin:/usr/bin:/bin',
       'env: only PATH, HOME, LANG');
    ($r) = run_sandbox(['--env', 'FOO=bar'], '/usr/bin/env');
    like($r->{stdout}, qr/^FOO=bar$/m, 'env: --env adds a variable');
}

# --- crashes: RE with the signal named
for my $case (['segv', 11, 'SIGSEGV'], ['fpe', 8, 'SIGFPE'],
              ['abort', 6, 'SIGABRT']) {
    my ($how, $sig, $name) = @$case;
    my ($r, $rc, $raw) = run_sandbox([@bind], '/t/crash', $how);
    is($rc, 0, "$how: sandbox exit status 0");
    is($r->{status}, 'RE', "$how: RE") or diag $raw;
    is($r->{signal}, $sig, "$how: signal $sig");
    is($r->{message}, "killed by $name", "$how: message names $name");
}
{
    my ($r) = run_sandbox([@bind], '/t/crash', 'exit', 42);
    is($r->{status}, 'RE', 'exit 42: RE');
    is($r->{exit_code}, 42, 'exit 42: exit code');
    is($r->{message}, 'exit code 42', 'exit 42: message');
}

# --- stdin: empty by default (never the terminal), or a host file
{
    my ($r) = run_sandbox([@bind], '/t/block', 'stdin');
    is($r->{status}, 'OK', 'stdin: empty stdin is EOF, no block');
    is($r->{stdout}, "eof\n", 'stdin: read saw EOF');
    open(my $fh, '>', "$dir/input.txt") or die;
    print $fh "42 17\n";
    close $fh;
    ($r) = run_sandbox([@bind, '--stdin', "$dir/input.txt"], '/t/block',
                       'stdin');
    is($r->{stdout}, "read: 42 17\n", 'stdin: from a host file');
}

# --- copy-in and copy-out through the work dir
{
    my ($r, undef, $raw) = run_sandbox(
        ['--copy-in', "$PROGS/hello.py:in.py", '--copy-out', "out.txt:$dir/out.txt"],
        '/bin/sh', '-c', 'cat in.py > out.txt; ls -l in.py');
    is($r->{status}, 'OK', 'copy: OK') or diag $raw;
    like($r->{stdout}, qr/^-rw-r--r-- 1 sandbox sandbox .* in\.py$/m,
         'copy-in: owned by the sandbox uid, mode kept');
    is($r->{files}{'out.txt'}, 'ok', 'copy-out: collected');
    open(my $fh, '<', "$dir/out.txt") or die "out.txt: $!";
    like(do { local $/; <$fh> }, qr/hello from python/, 'copy-out: content');
}

# --- a missing program is the caller's mistake: IE, non-zero exit status
{
    my ($r, $rc) = run_sandbox([], '/no/such/program');
    is($r->{status}, 'IE', 'missing program: IE');
    isnt($rc, 0, 'missing program: exit status non-zero');
    like($r->{message}, qr/No such file/, 'missing program: says why');
}

done_testing();
