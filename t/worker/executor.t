# judge-worker's executor against a scripted master: a real judge-worker
# dials in to this test, which plays nginx's part of the judge/1 protocol
# frame by frame.  What only the wire shows is checked here: results
# streamed per test and before their batch's end, artifacts kept by hash
# (need_artifact when not), a batch spread over both slots, queueing past
# the slots, a job behind another's batch taking the next free slot, cancel of queued and running work, results too big for a
# frame, the
# artifacts listed in Register after a reconnect, drain.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use IO::Select;
use IO::Socket::INET;
use File::Temp qw(tempdir);
use Digest::SHA qw(sha256_hex);
use Time::HiRes qw(time sleep);
use POSIX qw(WNOHANG);
use Test::Judge::Wire qw(pb_field_varint pb_field_bytes pb_decode frame
                         %STATUS);

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $worker_bin = "$build/judge-worker";

plan skip_all => "judge-worker not built" unless -x $worker_bin;
plan skip_all => "needs root (the sandbox's root path)" if $> != 0;
plan skip_all => "needs gcc and python3"
    unless -x '/usr/bin/gcc' && -x '/usr/bin/python3';

my %NAME = (1 => 'register', 2 => 'heartbeat', 3 => 'compile_result',
            4 => 'batch_result', 5 => 'test_result', 6 => 'leaving',
            7 => 'output');
my %STATUS_NAME = reverse %STATUS;
$STATUS_NAME{12} = 'CANCELLED';

# A table of its own: two real languages and "parts", whose compile leaves
# two files behind, so the archive of a multi-file artifact is exercised
# on any host.
my $dir = tempdir('judge-exec-XXXXXX', TMPDIR => 1, CLEANUP => 1);
open my $fh, '>', "$dir/languages.conf" or die;
print $fh <<'CONF';
[c]
name    = C
version = gcc -dumpfullversion
source  = main.c
compile = gcc -O2 -static -o main main.c
artifact = main
run     = ./main

[python]
name    = Python
version = /usr/bin/python3 --version
source  = main.py
run     = /usr/bin/python3 -S main.py
template = print("Hello, world!")\n

[parts]
name    = Parts
version = echo 1.0
source  = src.txt
compile = /bin/sh -c 'cut -c1-3 src.txt > a.part && cut -c4- src.txt > b.part'
artifact = *.part
run     = /bin/cat a.part b.part
CONF
close $fh;

my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1:0', Listen => 1,
                                   ReuseAddr => 1) or die "listen: $!";
my $port = $listen->sockport;

my $pid = fork // die "fork: $!";
if ($pid == 0) {
    open STDIN, '<', '/dev/null';
    open STDOUT, '>>', "$dir/worker.out";
    open STDERR, '>&', \*STDOUT;
    exec $worker_bin, '--foreground', '--master',
         "http://127.0.0.1:$port/worker", '--token', 't', '--id', 'w-exec',
         '--slots', 2, '--state-dir', $dir, '--languages',
         "$dir/languages.conf", '--log', "$dir/worker.log",
         '--max-frame', '4m';
    exit 127;
}

END {
    if ($pid) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
    }
}

my ($sock, $buf);
my @heartbeats;

# The worker's next connection, taken as nginx would: the upgrade, then
# its first message (Register), returned as recv_msg() does; () when the
# worker does not dial in.  The Welcome is the caller's.
sub accept_worker {
    return () unless IO::Select->new($listen)->can_read(10);
    $sock = $listen->accept;
    $buf = '';
    while (index($buf, "\r\n\r\n") < 0) {
        IO::Select->new($sock)->can_read(5) or BAIL_OUT('no upgrade request');
        sysread($sock, $buf, 65536, length $buf) or BAIL_OUT('eof');
    }
    $buf = substr($buf, index($buf, "\r\n\r\n") + 4);
    syswrite $sock, "HTTP/1.1 101 Switching Protocols\r\n"
                  . "Upgrade: judge/1\r\nConnection: Upgrade\r\n\r\n";
    return recv_msg();
}

sub send_cmd {
    my ($field, $body) = @_;
    syswrite $sock, frame(pb_field_bytes($field, $body));
}

# The next WorkerMessage but heartbeats (kept in @heartbeats), as
# (name, fields) with nested messages decoded one level; () on timeout.
sub recv_msg {
    my $timeout = shift // 20;
    my $deadline = time + $timeout;
    while (1) {
        if (length $buf >= 4) {
            my $len = unpack 'N', $buf;
            if (length $buf >= 4 + $len) {
                my $m = pb_decode(substr(substr($buf, 0, 4 + $len, ''), 4));
                my ($f) = keys %$m;
                my $body = pb_decode($m->{$f}[0]);
                if ($NAME{$f} eq 'heartbeat') {
                    push @heartbeats, { time => time, %$body };
                    next;
                }
                return ($NAME{$f}, $body);
            }
        }
        my $left = $deadline - time;
        return () if $left <= 0 || !IO::Select->new($sock)->can_read($left);
        sysread($sock, $buf, 65536, length $buf) or return ();
    }
}

sub val { my ($m, $f) = @_; $m->{$f} ? $m->{$f}[0] : undef }

# --- the upgrade and Register, as nginx would take them
my ($name, $reg) = accept_worker() or BAIL_OUT('the worker does not dial in');
is($name, 'register', 'Register first');
is(val($reg, 8), 2, 'two slots');
my @langs = sort map { val(pb_decode($_), 1) } @{ $reg->{7} };
is_deeply(\@langs, [qw(c parts python)], 'the table\'s languages offered');
is(val($reg, 12), 4 << 20, 'max_frame_size: the worker\'s --max-frame');
ok(!$reg->{11}, 'no cached artifacts on a first start');
my %lang = map { my $l = pb_decode($_); (val($l, 1) => $l) } @{ $reg->{7} };
is(join(' ', map { val($lang{$_}, 10) // '' } qw(c parts python)),
   'gcc echo python3',
   'every language has its runtime: the version command\'s first word');
is(val($lang{python}, 9), qq{print("Hello, world!")\n},
   'a template as text, its escape turned into a newline');
ok(!defined val($lang{c}, 9), 'none for a language without one');

send_cmd(1, pb_field_bytes(1, 'w-exec') . pb_field_varint(2, 200));

# --- commands
sub source { my ($name, $text) = @_;
             pb_field_bytes(1, $name // '') . pb_field_bytes(2, $text) }

sub compile_task {
    my (%o) = @_;
    return pb_field_bytes(1, $o{job} // '') . pb_field_varint(2, $o{task})
         . pb_field_bytes(3, $o{lang}) . pb_field_bytes(4, source(undef, $o{src}))
         . pb_field_bytes(7, $o{hash})
         . (defined $o{max_artifact} ? pb_field_varint(8, $o{max_artifact})
                                     : '');
}

sub test_case {
    my ($i, $in, $out, @assert) = @_;
    return pb_field_bytes(7, pb_field_bytes(1, "t$i") . pb_field_varint(2, $i)
                             . pb_field_bytes(3, $in)
                             . (defined $out ? pb_field_bytes(4, $out)
                                               . pb_field_varint(5, 1) : '')
                             . join('', map { pb_field_bytes(6, $_) } @assert));
}

sub test_with_args {
    my ($i, @args) = @_;
    return pb_field_bytes(7, pb_field_bytes(1, "t$i") . pb_field_varint(2, $i)
                             . join('', map { pb_field_bytes(7, $_) } @args));
}

sub batch_task {
    my (%o) = @_;
    my $limits = pb_field_varint(1, $o{cpu} // 1000)
               . pb_field_varint(2, $o{wall} // 3000)
               . pb_field_varint(3, 262144) . pb_field_varint(5, 1);
    return pb_field_bytes(1, $o{job}) . pb_field_varint(2, $o{task})
         . pb_field_bytes(3, $o{lang})
         . (defined $o{artifact} ? pb_field_bytes(4, $o{artifact}) : '')
         . (defined $o{hash} ? pb_field_bytes(5, $o{hash}) : '')
         . (defined $o{src} ? pb_field_bytes(6, source(undef, $o{src})) : '')
         . join('', @{ $o{tests} })
         . pb_field_bytes(8, $limits)
         . (defined $o{checker} ? pb_field_bytes(9, $o{checker}) : '')
         . ($o{stop} ? pb_field_varint(10, 1) : '')
         . (defined $o{max_capture} ? pb_field_varint(12, $o{max_capture}) : '')
         . ($o{stream} ? pb_field_varint(13, 1) : '');
}

# Every message of one task up to its final one: (tests, end, output
# chunks); a chunk or test result also gets the time it came at (key "at")
sub collect_batch {
    my ($job, $task) = @_;
    my (@tests, $end, @chunks);
    while (my ($n, $m) = recv_msg()) {
        next unless val($m, 1) eq $job && val($m, 2) == $task;
        if ($n eq 'test_result' || $n eq 'output') {
            $m->{at} = time;
            push @{ $n eq 'output' ? \@chunks : \@tests }, $m;
            next;
        }
        $end = $m if $n eq 'batch_result';
        last;
    }
    return (\@tests, $end, \@chunks);
}

# The chunks of one stream (1 stdout, 2 stderr) of test "index": whether
# their offsets follow on from 0, and their bytes joined
sub stream_of {
    my ($chunks, $index, $stream) = @_;
    my ($next, $joined) = (0, '');
    for my $c (grep { (val($_, 3) // 0) == $index
                      && (val($_, 4) // 0) == $stream } @$chunks) {
        return (0, $joined) if (val($c, 5) // 0) != $next;
        $joined .= val($c, 6) // '';
        $next += length(val($c, 6) // '');
    }
    return (1, $joined);
}

sub verdicts { join ' ', map { $STATUS_NAME{ val($_, 5) // 0 } } @{ $_[0] } }

my $sum_c = "#include <stdio.h>\nint main(void){long a,b;"
          . "if(scanf(\"%ld %ld\",&a,&b)!=2)return 1;printf(\"%ld\\n\",a+b);"
          . "return 0;}\n";
my $hash = 'a' x 64;

# --- a compile: the artifact, its SHA-256, the hash echoed
send_cmd(2, compile_task(task => 1, lang => 'c', src => $sum_c,
                         hash => $hash));
($name, my $cr) = recv_msg(60);
is($name, 'compile_result', 'CompileResult');
is($STATUS_NAME{ val($cr, 3) }, 'OK', 'compiled OK');
my $artifact = val($cr, 5) // '';
like($artifact, qr/^\x7fELF/, 'the artifact is the executable');
is(val($cr, 7), sha256_hex($artifact), 'artifact_sha256 is its SHA-256');
is(val($cr, 6), $hash, 'artifact_hash echoed');
ok(pb_decode(val($cr, 8))->{2}, 'usage reported');

# --- a batch naming the artifact by hash only: the worker holds it
send_cmd(3, batch_task(job => 'j1', task => 2, lang => 'c', hash => $hash,
                       tests => [test_case(0, "1 2\n", "3\n"),
                                 test_case(1, "2 2\n", "5\n"),
                                 test_case(2, "x\n", "0\n"),
                                 test_case(3, "40 2\n", "42\n")]));
my ($tests, $end) = collect_batch('j1', 2);
is(scalar @$tests, 4, 'one TestResult per test, all before the end');
my %by = map { (val($_, 4) // 0) => $_ } @$tests;   # 0 is not on the wire
is(join(' ', map { $STATUS_NAME{ val($by{$_}, 5) } } 0 .. 3), 'AC WA RE AC',
   'AC, WA, RE (exit 1), AC by index');
is(val($by{0}, 7), "3\n", 'stdout sent back');
like(val($by{1}, 11), qr/expected "5", got "4"/, 'checker message');
is(pb_decode(val($by{2}, 6))->{4}[0], 1, 'exit code in usage');
is(val($by{3}, 3), 't3', 'test id echoed');
ok($end && val($end, 3) == 4, 'BatchExecutionResult: tests_run 4');

# --- an artifact hash the worker does not hold
send_cmd(3, batch_task(job => 'j2', task => 3, lang => 'c', hash => 'b' x 64,
                       tests => [test_case(0, "1 2\n", "3\n")]));
($tests, $end) = collect_batch('j2', 3);
is(scalar @$tests, 0, 'unknown hash: no test run');
ok($end && val($end, 6), 'need_artifact asked for');

# --- the artifact sent inline under a new hash, then reused by hash
send_cmd(3, batch_task(job => 'j3', task => 4, lang => 'c', hash => 'c' x 64,
                       artifact => $artifact,
                       tests => [test_case(0, "5 5\n", "10\n")]));
($tests) = collect_batch('j3', 4);
is(verdicts($tests), 'AC', 'inline artifact runs');
send_cmd(3, batch_task(job => 'j3', task => 5, lang => 'c', hash => 'c' x 64,
                       tests => [test_case(0, "6 5\n", "11\n")]));
($tests) = collect_batch('j3', 5);
is(verdicts($tests), 'AC', 'and is kept under its hash');

# --- a compile error
send_cmd(2, compile_task(task => 6, lang => 'c', src => "int main(){return x;}",
                         hash => 'd' x 64));
(undef, $cr) = recv_msg(60);
is($STATUS_NAME{ val($cr, 3) }, 'CE', 'CE');
like(val($cr, 4), qr/error/, 'with the compiler\'s output');
ok(!defined val($cr, 5), 'and no artifact');

# --- several files as one artifact
send_cmd(2, compile_task(task => 7, lang => 'parts', src => "abcdef\n",
                         hash => 'e' x 64));
(undef, $cr) = recv_msg(60);
is($STATUS_NAME{ val($cr, 3) }, 'OK', 'a two-file artifact compiles');
like(val($cr, 5), qr/^judge-archive 1\n4 a.part\nabc\n4 b.part\ndef\n\z/,
     'packed as an archive');
send_cmd(3, batch_task(job => 'j4', task => 8, lang => 'parts',
                       hash => 'e' x 64,
                       tests => [test_case(0, '', "abc\ndef\n")]));
($tests) = collect_batch('j4', 8);
is(verdicts($tests), 'AC', 'both files are placed for the run');

# --- one batch on both slots, more tests than slots queued
my $sleepy = "import time\ntime.sleep(0.4)\nprint(input())\n";
my $t0 = time;
send_cmd(3, batch_task(job => 'j5', task => 9, lang => 'python', src => $sleepy,
                       tests => [map { test_case($_, "$_\n", "$_\n") } 0 .. 5]));
@heartbeats = ();
($tests, $end) = collect_batch('j5', 9);
my $took = time - $t0;
is(verdicts($tests), 'AC AC AC AC AC AC', 'six tests of 0.4 s on two slots');
ok($took < 6 * 0.4, sprintf('ran in parallel (%.2f s)', $took));
ok((grep { ($_->{6}[0] // 0) == 0 && ($_->{5}[0] // 0) == 1 } @heartbeats),
   'heartbeat while busy: no free slot, one active task');

# --- a job sent behind another's batch takes the next free slot, not the
# place after every queued test of the first
send_cmd(3, batch_task(job => 'j6a', task => 10, lang => 'python', src => $sleepy,
                       tests => [map { test_case($_, "$_\n", "$_\n") } 0 .. 5]));
send_cmd(3, batch_task(job => 'j6b', task => 11, lang => 'python', src => $sleepy,
                       tests => [test_case(0, "7\n", "7\n")]));
my (@order, %done);
while (keys %done < 2 and my ($n, $m) = recv_msg()) {
    push @order, val($m, 1) if $n eq 'test_result';
    $done{ val($m, 1) } = 1 if $n eq 'batch_result';
}
my ($ahead) = grep { $order[$_] eq 'j6b' } 0 .. $#order;
ok(defined $ahead && $ahead <= 3,
   "the one-test job ran after at most one round of the other's tests (@order)");

# --- assertions and stop_on_first_failure
send_cmd(3, batch_task(job => 'j6', task => 10, lang => 'python',
                       src => "import sys\nprint('hi')\nsys.exit(3)\n",
                       tests => [test_case(0, '', undef,
                                           pb_field_varint(1, 4)
                                           . pb_field_varint(3, 3),
                                           pb_field_bytes(2, 'hi'))]));
($tests) = collect_batch('j6', 10);
is(verdicts($tests), 'AC', 'an exitCode assertion makes exit 3 expected');

send_cmd(3, batch_task(job => 'j7', task => 11, lang => 'python',
                       src => "print(int(input()) * 2)\n", stop => 1,
                       tests => [test_case(0, "1\n", "2\n"),
                                 test_case(1, "2\n", "5\n"),
                                 map { test_case($_, "1\n", "2\n") } 2 .. 9]));
($tests, $end) = collect_batch('j7', 11);
ok(@$tests < 10 && (grep { $STATUS_NAME{ val($_, 5) } eq 'WA' } @$tests),
   'stop_on_first_failure: the rest is skipped after the WA ('
   . scalar(@$tests) . ' run)');
is(val($end, 3), scalar @$tests, 'tests_run counts what ran');

# --- empty source, empty input, no expected output; a custom checker
send_cmd(3, batch_task(job => 'j12', task => 16, lang => 'python', src => '',
                       tests => [test_case(0, '', undef),
                                 test_case(1, '', '')]));
($tests) = collect_batch('j12', 16);
is(verdicts($tests), 'AC AC', 'an empty program with empty input runs');

my $checker = "import sys\nout = open(sys.argv[2]).read().split()\n"
            . "ans = open(sys.argv[3]).read().split()\n"
            . "sys.stderr.write('%s vs %s' % (out, ans))\n"
            . "sys.exit(0 if out == ans else 1)\n";
send_cmd(3, batch_task(job => 'j13', task => 17, lang => 'python',
                       src => "print(input())\n",
                       checker => pb_field_varint(1, 4)
                                  . pb_field_bytes(4, 'python')
                                  . pb_field_bytes(5, $checker),
                       tests => [test_case(0, "7\n", " 7 \n"),
                                 test_case(1, "8\n", "9\n"),
                                 test_case(2, "\n", undef)]));
($tests) = collect_batch('j13', 17);
my %cm = map { (val($_, 4) // 0) => $_ } @$tests;
is(join(' ', map { $STATUS_NAME{ val($cm{$_}, 5) } } 0 .. 2), 'AC WA AC',
   'custom checker: its exit status is the verdict');
is(val($cm{1}, 11), "['8'] vs ['9']", 'its stderr is the checker message');

# --- max_capture
send_cmd(3, batch_task(job => 'j8', task => 12, lang => 'python',
                       src => "print('x' * 1000)\n", max_capture => 10,
                       tests => [test_case(0, '', undef)]));
($tests) = collect_batch('j8', 12);
is(val($tests->[0], 7), 'x' x 10, 'stdout capped to max_capture');
ok(val($tests->[0], 9), 'and flagged truncated');

# --- cancel: queued tests dropped, running ones killed, neither reported;
# the end still comes
send_cmd(3, batch_task(job => 'j9', task => 13, lang => 'python', src => $sleepy,
                       tests => [map { test_case($_, "$_\n", "$_\n") } 0 .. 9]));
send_cmd(2, compile_task(job => 'j10', task => 14, lang => 'c', src => $sum_c,
                         hash => 'f' x 64));
sleep 0.2;
send_cmd(4, pb_field_bytes(1, 'j9'));
send_cmd(4, pb_field_bytes(1, 'j10') . pb_field_varint(2, 14));
my (%ends, @j9tests);
while (keys %ends < 2 and my ($n, $m) = recv_msg()) {
    push @j9tests, $m if $n eq 'test_result';
    $ends{ val($m, 1) } = [$n, $m] unless $n eq 'test_result';
}
is($ends{j10}[0], 'compile_result', 'the queued compile answers');
is($STATUS_NAME{ val($ends{j10}[1], 3) }, 'CANCELLED', 'as CANCELLED');
is(scalar @j9tests, 0, 'cancelled batch: no test reported, not even the '
   . 'two that were running');
is(val($ends{j9}[1], 3) // 0, 0, 'its end counts none');

# --- Cancel{job, task} (a task past its deadline on the master): the
# task's running test is killed at once, not left to its wall limit
send_cmd(3, batch_task(job => 'j18', task => 24, lang => 'python',
                       src => "import time\ntime.sleep(60)\n", wall => 60000,
                       tests => [test_case(0, '', undef)]));
sleep 0.5;
$t0 = time;
send_cmd(4, pb_field_bytes(1, 'j18') . pb_field_varint(2, 24));
($tests, $end) = collect_batch('j18', 24);
$took = time - $t0;
ok($end && $took < 2,
   sprintf('a test sleeping for a minute is killed at once (%.3f s)', $took));
is(scalar @$tests, 0, 'and not reported');
is(val($end, 3) // 0, 0, 'its end counts no test run');

# --- stream_output: what a test writes comes as it writes it, stdout and
# stderr each in order from offset 0, before the TestResult
my $chatty = "import sys, time\n"
           . "for i in range(5):\n"
           . "    print('line %d' % i, flush=True)\n"
           . "    sys.stderr.write('err %d\\n' % i)\n"
           . "    sys.stderr.flush()\n"
           . "    time.sleep(0.3)\n";
$t0 = time;
send_cmd(3, batch_task(job => 'j20', task => 30, lang => 'python',
                       src => $chatty, stream => 1,
                       tests => [test_case(1, '', undef)]));
($tests, $end, my $chunks) = collect_batch('j20', 30);
is(verdicts($tests), 'AC', 'a test streaming its output runs');
my @out = grep { (val($_, 4) // 0) == 1 } @$chunks;
my @err = grep { (val($_, 4) // 0) == 2 } @$chunks;
ok(@out >= 4 && @err >= 4,
   sprintf('stdout and stderr chunks as the program writes (%d, %d)',
           scalar @out, scalar @err));
my @spread = map { $_->{at} - $t0 } @out;
ok(@out && $spread[-1] - $spread[0] > 0.9,
   sprintf('they come spread over the run (%s s)',
           join(' ', map { sprintf '%.2f', $_ } @spread)));
ok(@out && $tests->[0]{at} - $out[0]{at} > 0.9,
   'the first long before the TestResult');
ok(!(grep { $_->{at} > $tests->[0]{at} } @$chunks),
   'none after the TestResult');
my ($in_order, $joined) = stream_of($chunks, 1, 1);
ok($in_order, 'stdout offsets follow on from 0');
is($joined, join('', map { "line $_\n" } 0 .. 4),
   'stdout chunks joined: the TestResult\'s stdout');
is($joined, val($tests->[0], 7), 'byte for byte');
($in_order, $joined) = stream_of($chunks, 1, 2);
ok($in_order, 'stderr offsets follow on from 0');
is($joined, val($tests->[0], 8), 'stderr chunks joined: its stderr');
ok(!(grep { val($_, 1) ne 'j20' || val($_, 2) != 30 } @$chunks),
   'every chunk names the job and task');

# ... without stream_output no chunk comes
send_cmd(3, batch_task(job => 'j21', task => 31, lang => 'python',
                       src => $chatty, tests => [test_case(0, '', undef)]));
($tests, $end, $chunks) = collect_batch('j21', 31);
is(verdicts($tests), 'AC', 'the same test without stream_output');
is(scalar @$chunks, 0, 'sends no chunk');
like(val($tests->[0], 7), qr/^line 0\n.*line 4\n\z/s, 'its output whole');

# ... and max_capture caps the chunks as it caps the TestResult
send_cmd(3, batch_task(job => 'j22', task => 32, lang => 'python',
                       src => "import sys\nfor i in range(50):\n"
                            . "    print('x' * 99, flush=True)\n",
                       max_capture => 1000, stream => 1,
                       tests => [test_case(0, '', undef)]));
($tests, $end, $chunks) = collect_batch('j22', 32);
($in_order, $joined) = stream_of($chunks, 0, 1);
ok($in_order && length($joined) == 1000,
   'max_capture 1000: 1000 bytes of chunks, ' . length($joined) . ' sent');
is($joined, val($tests->[0], 7), 'the TestResult\'s capped stdout');
ok(val($tests->[0], 9), 'which says it is cut');

# ... a cancelled test's chunks stop with it
send_cmd(3, batch_task(job => 'j23', task => 33, lang => 'python',
                       src => "import time\nfor i in range(100):\n"
                            . "    print(i, flush=True)\n"
                            . "    time.sleep(0.05)\n",
                       wall => 20000, stream => 1,
                       tests => [test_case(0, '', undef)]));
my @early;
while (my ($n, $m) = recv_msg(5)) {
    push @early, $m if $n eq 'output';
    last if @early >= 3;
}
send_cmd(4, pb_field_bytes(1, 'j23'));
($tests, $end, $chunks) = collect_batch('j23', 33);
my @late;
while (my ($n, $m) = recv_msg(0.5)) {
    push @late, $m if $n eq 'output';
}
ok(@early >= 3, 'a streaming test sends chunks');
ok(!@$tests && !@late, 'cancelled: no TestResult, no chunk after its end');

# --- a test's args come after the run command's words, as they are
my $argv_py = "import sys\nprint(sys.argv[1:])\n";
send_cmd(3, batch_task(job => 'j24', task => 34, lang => 'python',
                       src => $argv_py,
                       tests => [test_with_args(0, 'a b', '$HOME', '*', ''),
                                 test_with_args(1),
                                 test_with_args(2, ('x') x 65),
                                 test_with_args(3, 'y' x 4097),
                                 test_with_args(4, 'ok', "nul\0byte"),
                                 test_with_args(5, ('z' x 4000) x 5)]));
($tests) = collect_batch('j24', 34);
my %args = map { (val($_, 4) // 0) => $_ } @$tests;
is(val($args{0}, 7), "['a b', '\$HOME', '*', '']\n",
   'args reach the program as words, nothing expanded');
is(val($args{1}, 7), "[]\n", 'none: the run command alone');
is(join(' ', map { $STATUS_NAME{ val($args{$_}, 5) // 0 } } 2 .. 5),
   'IE IE IE IE', 'bad args: IE, not a crash');
like(val($args{2}, 12), qr/65 arguments, more than 64/, '65 args');
like(val($args{3}, 12), qr/argument 1 .* 4097 bytes, more than 4096/,
     'an arg over 4 KiB');
like(val($args{4}, 12), qr/argument 2 of the test holds a NUL byte/,
     'an arg with a NUL byte');
like(val($args{5}, 12), qr/20000 bytes in all, more than 16384/,
     'over 16 KiB in all');

# --- a language the worker does not have
send_cmd(3, batch_task(job => 'j11', task => 15, lang => 'cobol', src => 'x',
                       tests => [test_case(0, '', '')]));
($tests, $end) = collect_batch('j11', 15);
ok(val($end, 4), 'unknown language: system_error');
like(val($end, 5), qr/cobol/, 'naming it');

# --- an artifact over the judge's max_artifact_size: CE, saying why
my $big_c = "static char a[20 << 20] = {1};\n"
          . "int main(int argc, char **argv) { (void) argv; "
          . "return a[argc] - 1; }\n";
my $limit_msg = qr/the compiled program is (\d+) bytes; /
              . qr/the judge accepts at most 8388608/;
send_cmd(2, compile_task(job => 'j15', task => 20, lang => 'c', src => $big_c,
                         hash => '1' x 64, max_artifact => 8 << 20));
(undef, $cr) = recv_msg(60);
is($STATUS_NAME{ val($cr, 3) }, 'CE',
   '20 MB artifact, max_artifact_size 8 MiB: CE');
like(val($cr, 9), qr/^$limit_msg\z/, 'the message gives both sizes');
my ($program_size) = (val($cr, 9) // '') =~ $limit_msg;
ok(($program_size // 0) > 20 << 20, 'the program\'s size, over 20 MiB');
like(val($cr, 4), qr/(?:^|\n)$limit_msg\z/,
     'the compiler output ends with it too');
ok(!defined val($cr, 5) && !defined val($cr, 7), 'no artifact, no SHA-256');

# --- a result over the frame limit (--max-frame 4m, none in the Welcome)
# does not vanish: the compile comes back CE without its artifact
send_cmd(2, compile_task(job => 'j15', task => 21, lang => 'c', src => $big_c,
                         hash => '2' x 64));
(undef, $cr) = recv_msg(60);
is(val($cr, 2), 21, 'a CompileResult too big for a frame is answered');
is($STATUS_NAME{ val($cr, 3) }, 'CE', 'as CE');
my $frame_msg = qr/too large for the judge's frames of at most 4194304 bytes/;
like(val($cr, 9), qr/^the compiled program is \d+ bytes, $frame_msg\z/,
     'saying why');
like(val($cr, 4), qr/$frame_msg\z/, 'in the output too');
ok(!defined val($cr, 5), 'without the artifact');

# ... and a test's output is cut to share the frame
send_cmd(3, batch_task(job => 'j16', task => 22, lang => 'python',
                       src => "import sys\nsys.stdout.write('o' * 3000000)\n"
                            . "sys.stderr.write('e' * 3000000)\n",
                       max_capture => 8 << 20,
                       tests => [test_case(0, '', undef)]));
($tests, $end) = collect_batch('j16', 22);
is(verdicts($tests), 'AC', 'a TestResult too big for a frame is sent');
my ($so, $se) = map { length(val($tests->[0], $_) // '') } 7, 8;
ok($so + $se < 4 << 20 && $so > 1.9e6 && $se > 1.9e6,
   "stdout and stderr cut to half the frame each ($so, $se)");
ok(val($tests->[0], 9) && val($tests->[0], 10), 'both flagged truncated');
is(val($end, 3), 1, 'and the batch ends');

open my $wlog, '<', "$dir/worker.log" or die;
my $logged = do { local $/; <$wlog> };
my $over = qr/is \d+ bytes, over the master's frame limit of 4194304/;
like($logged, qr{CompileResult of j15/21 $over: artifact of \d+ bytes left},
     'the cut compile is logged with its sizes');
like($logged, qr{TestResult of j16/22, test t0 $over: stdout cut to \d+ of},
     'the cut test too');

# --- a reconnect: Register states the frame limit again and lists the
# artifacts held, most recently used first; not the one the master was
# told is CE
send_cmd(6, pb_field_bytes(1, 'nginx reload') . pb_field_varint(2, 1));
($name, $reg) = accept_worker();
is($name, 'register', 'after Shutdown{reconnect} the worker registers again');
is(val($reg, 12), 4 << 20, 'with max_frame_size');
is_deeply($reg->{11}, ['e' x 64, 'c' x 64, $hash],
          'and cached_artifacts, the most recently used first');
send_cmd(1, pb_field_bytes(1, 'w-exec') . pb_field_varint(2, 200));

send_cmd(3, batch_task(job => 'j17', task => 23, lang => 'c', hash => $hash,
                       tests => [test_case(0, "20 22\n", "42\n")]));
($tests) = collect_batch('j17', 23);
is(verdicts($tests), 'AC', 'a listed artifact runs by its hash alone');

# --- drain: the worker says goodbye and exits 0
send_cmd(5, pb_field_bytes(1, 'test over'));
($name, my $leaving) = recv_msg(10);
is($name, 'leaving', 'Leaving after the drain');
ok(val($leaving, 2), 'drained');

my $deadline = time + 10;
my $reaped = 0;
while (time < $deadline) {
    $reaped = waitpid($pid, WNOHANG);
    last if $reaped == $pid;
    sleep 0.05;
}
is($reaped, $pid, 'the worker exits');
is($? >> 8, 0, 'with status 0');
$pid = 0;

open my $log, '<', "$dir/worker.out";
my $out = do { local $/; <$log> // '' };
unlike($out, qr/Sanitizer|runtime error/, 'no sanitizer report') or diag $out;

done_testing();
