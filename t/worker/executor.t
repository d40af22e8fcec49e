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
use Digest::SHA qw(sha256_hex);
use Time::HiRes qw(time sleep);
use Test::Judge::Wire qw(pb_field_varint pb_field_bytes pb_decode
                         limits_msg test_case_msg);
use Test::Judge::Master qw(need_worker languages_table val %STATUS_NAME);

need_worker(qw(gcc python3));

# A table of its own: two real languages and "parts", whose compile leaves
# two files behind, so the archive of a multi-file artifact is exercised
# on any host.
my $w = Test::Judge::Master->new(id => 'w-exec', prefix => 'judge-exec',
                                 languages => languages_table('c') . "\n"
                                              . <<'CONF');
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
$w->start('--max-frame', '4m');

# --- the upgrade and Register, as nginx would take them
my ($name, $reg) = $w->accept_worker or BAIL_OUT('the worker does not dial in');
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

$w->welcome(200);

# --- commands
sub test_case {
    my ($i, $in, $out, @assert) = @_;
    return test_case_msg(index => $i, input => $in, expected => $out,
                         assertions => \@assert);
}

sub test_with_args {
    my ($i, @args) = @_;
    return test_case_msg(index => $i, args => \@args);
}

# Sends an ExecuteBatchTask with this test's limits: cpu (ms, 1000 by
# default) and wall (ms, 3000), 256 MiB, one process
sub send_batch {
    my (%o) = @_;
    my $limits = limits_msg(cpu => delete $o{cpu} // 1000,
                            wall => delete $o{wall} // 3000,
                            memory => 262144, processes => 1);
    $w->execute_batch(%o, limits => $limits);
}

# Every message of one task up to its final one: (tests, end, output
# chunks); a chunk or test result also gets the time it came at (key "at")
sub collect_batch {
    my ($job, $task) = @_;
    my $r = $w->collect(job => $job, task => $task);
    return ($r->{tests}, $r->{end}, $r->{chunks});
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
$w->compile(task => 1, lang => 'c', src => $sum_c, hash => $hash);
($name, my $cr) = $w->next_msg(60);
is($name, 'compile_result', 'CompileResult');
is($STATUS_NAME{ val($cr, 3) }, 'OK', 'compiled OK');
my $artifact = val($cr, 5) // '';
like($artifact, qr/^\x7fELF/, 'the artifact is the executable');
is(val($cr, 7), sha256_hex($artifact), 'artifact_sha256 is its SHA-256');
is(val($cr, 6), $hash, 'artifact_hash echoed');
ok(pb_decode(val($cr, 8))->{2}, 'usage reported');

# --- a batch naming the artifact by hash only: the worker holds it
send_batch(job => 'j1', task => 2, lang => 'c', hash => $hash,
           tests => [test_case(0, "1 2\n", "3\n"),
                     test_case(1, "2 2\n", "5\n"),
                     test_case(2, "x\n", "0\n"),
                     test_case(3, "40 2\n", "42\n")]);
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
send_batch(job => 'j2', task => 3, lang => 'c', hash => 'b' x 64,
           tests => [test_case(0, "1 2\n", "3\n")]);
($tests, $end) = collect_batch('j2', 3);
is(scalar @$tests, 0, 'unknown hash: no test run');
ok($end && val($end, 6), 'need_artifact asked for');

# --- the artifact sent inline under a new hash, then reused by hash
send_batch(job => 'j3', task => 4, lang => 'c', hash => 'c' x 64,
           artifact => $artifact,
           tests => [test_case(0, "5 5\n", "10\n")]);
($tests) = collect_batch('j3', 4);
is(verdicts($tests), 'AC', 'inline artifact runs');
send_batch(job => 'j3', task => 5, lang => 'c', hash => 'c' x 64,
           tests => [test_case(0, "6 5\n", "11\n")]);
($tests) = collect_batch('j3', 5);
is(verdicts($tests), 'AC', 'and is kept under its hash');

# --- a compile error
$w->compile(task => 6, lang => 'c', src => "int main(){return x;}",
            hash => 'd' x 64);
(undef, $cr) = $w->next_msg(60);
is($STATUS_NAME{ val($cr, 3) }, 'CE', 'CE');
like(val($cr, 4), qr/error/, 'with the compiler\'s output');
ok(!defined val($cr, 5), 'and no artifact');

# --- several files as one artifact
$w->compile(task => 7, lang => 'parts', src => "abcdef\n", hash => 'e' x 64);
(undef, $cr) = $w->next_msg(60);
is($STATUS_NAME{ val($cr, 3) }, 'OK', 'a two-file artifact compiles');
like(val($cr, 5), qr/^judge-archive 1\n4 a.part\nabc\n4 b.part\ndef\n\z/,
     'packed as an archive');
send_batch(job => 'j4', task => 8, lang => 'parts', hash => 'e' x 64,
           tests => [test_case(0, '', "abc\ndef\n")]);
($tests) = collect_batch('j4', 8);
is(verdicts($tests), 'AC', 'both files are placed for the run');

# --- one batch on both slots, more tests than slots queued
my $sleepy = "import time\ntime.sleep(0.4)\nprint(input())\n";
my $t0 = time;
send_batch(job => 'j5', task => 9, lang => 'python', src => $sleepy,
           tests => [map { test_case($_, "$_\n", "$_\n") } 0 .. 5]);
$w->{heartbeats} = [];
($tests, $end) = collect_batch('j5', 9);
my $took = time - $t0;
is(verdicts($tests), 'AC AC AC AC AC AC', 'six tests of 0.4 s on two slots');
ok($took < 6 * 0.4, sprintf('ran in parallel (%.2f s)', $took));
ok((grep { ($_->{6}[0] // 0) == 0 && ($_->{5}[0] // 0) == 1 }
         @{ $w->{heartbeats} }),
   'heartbeat while busy: no free slot, one active task');

# --- a job sent behind another's batch takes the next free slot, not the
# place after every queued test of the first
send_batch(job => 'j6a', task => 10, lang => 'python', src => $sleepy,
           tests => [map { test_case($_, "$_\n", "$_\n") } 0 .. 5]);
send_batch(job => 'j6b', task => 11, lang => 'python', src => $sleepy,
           tests => [test_case(0, "7\n", "7\n")]);
my (@order, %done);
while (keys %done < 2 and my ($n, $m) = $w->next_msg) {
    push @order, val($m, 1) if $n eq 'test_result';
    $done{ val($m, 1) } = 1 if $n eq 'batch_result';
}
my ($ahead) = grep { $order[$_] eq 'j6b' } 0 .. $#order;
ok(defined $ahead && $ahead <= 3,
   "the one-test job ran after at most one round of the other's tests (@order)");

# --- assertions and stop_on_first_failure
send_batch(job => 'j6', task => 10, lang => 'python',
           src => "import sys\nprint('hi')\nsys.exit(3)\n",
           tests => [test_case(0, '', undef,
                               pb_field_varint(1, 4)
                               . pb_field_varint(3, 3),
                               pb_field_bytes(2, 'hi'))]);
($tests) = collect_batch('j6', 10);
is(verdicts($tests), 'AC', 'an exitCode assertion makes exit 3 expected');

# the passing tests take 0.5 s and the failing one none, so the WA comes
# long before the rest could run even when one slot starts late
send_batch(job => 'j7', task => 11, lang => 'python',
           src => "import time\nn = int(input())\nif n == 1:\n"
                  . "    time.sleep(0.5)\nprint(n * 2)\n", stop => 1,
           tests => [test_case(0, "1\n", "2\n"),
                     test_case(1, "2\n", "5\n"),
                     map { test_case($_, "1\n", "2\n") } 2 .. 9]);
($tests, $end) = collect_batch('j7', 11);
ok(@$tests < 10 && (grep { $STATUS_NAME{ val($_, 5) } eq 'WA' } @$tests),
   'stop_on_first_failure: the rest is skipped after the WA ('
   . scalar(@$tests) . ' run)');
is(val($end, 3), scalar @$tests, 'tests_run counts what ran');

# --- empty source, empty input, no expected output; a custom checker
send_batch(job => 'j12', task => 16, lang => 'python', src => '',
           tests => [test_case(0, '', undef),
                     test_case(1, '', '')]);
($tests) = collect_batch('j12', 16);
is(verdicts($tests), 'AC AC', 'an empty program with empty input runs');

my $checker = "import sys\nout = open(sys.argv[2]).read().split()\n"
            . "ans = open(sys.argv[3]).read().split()\n"
            . "sys.stderr.write('%s vs %s' % (out, ans))\n"
            . "sys.exit(0 if out == ans else 1)\n";
send_batch(job => 'j13', task => 17, lang => 'python',
           src => "print(input())\n",
           checker => pb_field_varint(1, 4)
                      . pb_field_bytes(4, 'python')
                      . pb_field_bytes(5, $checker),
           tests => [test_case(0, "7\n", " 7 \n"),
                     test_case(1, "8\n", "9\n"),
                     test_case(2, "\n", undef)]);
($tests) = collect_batch('j13', 17);
my %cm = map { (val($_, 4) // 0) => $_ } @$tests;
is(join(' ', map { $STATUS_NAME{ val($cm{$_}, 5) } } 0 .. 2), 'AC WA AC',
   'custom checker: its exit status is the verdict');
is(val($cm{1}, 11), "['8'] vs ['9']", 'its stderr is the checker message');

# --- max_capture
send_batch(job => 'j8', task => 12, lang => 'python',
           src => "print('x' * 1000)\n", max_capture => 10,
           tests => [test_case(0, '', undef)]);
($tests) = collect_batch('j8', 12);
is(val($tests->[0], 7), 'x' x 10, 'stdout capped to max_capture');
ok(val($tests->[0], 9), 'and flagged truncated');

# --- cancel: queued tests dropped, running ones killed, neither reported;
# the end still comes
send_batch(job => 'j9', task => 13, lang => 'python', src => $sleepy,
           tests => [map { test_case($_, "$_\n", "$_\n") } 0 .. 9]);
$w->compile(job => 'j10', task => 14, lang => 'c', src => $sum_c,
            hash => 'f' x 64);
sleep 0.2;
$w->cancel('j9');
$w->cancel('j10', 14);
my (%ends, @j9tests);
while (keys %ends < 2 and my ($n, $m) = $w->next_msg) {
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
send_batch(job => 'j18', task => 24, lang => 'python',
           src => "import time\ntime.sleep(60)\n", wall => 60000,
           tests => [test_case(0, '', undef)]);
sleep 0.5;
$t0 = time;
$w->cancel('j18', 24);
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
send_batch(job => 'j20', task => 30, lang => 'python',
           src => $chatty, stream => 1,
           tests => [test_case(1, '', undef)]);
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
send_batch(job => 'j21', task => 31, lang => 'python',
           src => $chatty, tests => [test_case(0, '', undef)]);
($tests, $end, $chunks) = collect_batch('j21', 31);
is(verdicts($tests), 'AC', 'the same test without stream_output');
is(scalar @$chunks, 0, 'sends no chunk');
like(val($tests->[0], 7), qr/^line 0\n.*line 4\n\z/s, 'its output whole');

# ... and max_capture caps the chunks as it caps the TestResult
send_batch(job => 'j22', task => 32, lang => 'python',
           src => "import sys\nfor i in range(50):\n"
                . "    print('x' * 99, flush=True)\n",
           max_capture => 1000, stream => 1,
           tests => [test_case(0, '', undef)]);
($tests, $end, $chunks) = collect_batch('j22', 32);
($in_order, $joined) = stream_of($chunks, 0, 1);
ok($in_order && length($joined) == 1000,
   'max_capture 1000: 1000 bytes of chunks, ' . length($joined) . ' sent');
is($joined, val($tests->[0], 7), 'the TestResult\'s capped stdout');
ok(val($tests->[0], 9), 'which says it is cut');

# ... a cancelled test's chunks stop with it
send_batch(job => 'j23', task => 33, lang => 'python',
           src => "import time\nfor i in range(100):\n"
                . "    print(i, flush=True)\n"
                . "    time.sleep(0.05)\n",
           wall => 20000, stream => 1,
           tests => [test_case(0, '', undef)]);
my @early;
while (my ($n, $m) = $w->next_msg(5)) {
    push @early, $m if $n eq 'output';
    last if @early >= 3;
}
$w->cancel('j23');
($tests, $end, $chunks) = collect_batch('j23', 33);
my @late;
while (my ($n, $m) = $w->next_msg(0.5)) {
    push @late, $m if $n eq 'output';
}
ok(@early >= 3, 'a streaming test sends chunks');
ok(!@$tests && !@late, 'cancelled: no TestResult, no chunk after its end');

# --- a test's args come after the run command's words, as they are
my $argv_py = "import sys\nprint(sys.argv[1:])\n";
send_batch(job => 'j24', task => 34, lang => 'python', src => $argv_py,
           tests => [test_with_args(0, 'a b', '$HOME', '*', ''),
                     test_with_args(1),
                     test_with_args(2, ('x') x 65),
                     test_with_args(3, 'y' x 4097),
                     test_with_args(4, 'ok', "nul\0byte"),
                     test_with_args(5, ('z' x 4000) x 5)]);
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
send_batch(job => 'j11', task => 15, lang => 'cobol', src => 'x',
           tests => [test_case(0, '', '')]);
($tests, $end) = collect_batch('j11', 15);
ok(val($end, 4), 'unknown language: system_error');
like(val($end, 5), qr/cobol/, 'naming it');

# --- an artifact over the judge's max_artifact_size: CE, saying why
my $big_c = "static char a[20 << 20] = {1};\n"
          . "int main(int argc, char **argv) { (void) argv; "
          . "return a[argc] - 1; }\n";
my $limit_msg = qr/the compiled program is (\d+) bytes; /
              . qr/the judge accepts at most 8388608/;
$w->compile(job => 'j15', task => 20, lang => 'c', src => $big_c,
            hash => '1' x 64, max_artifact => 8 << 20);
(undef, $cr) = $w->next_msg(60);
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
$w->compile(job => 'j15', task => 21, lang => 'c', src => $big_c,
            hash => '2' x 64);
(undef, $cr) = $w->next_msg(60);
is(val($cr, 2), 21, 'a CompileResult too big for a frame is answered');
is($STATUS_NAME{ val($cr, 3) }, 'CE', 'as CE');
my $frame_msg = qr/too large for the judge's frames of at most 4194304 bytes/;
like(val($cr, 9), qr/^the compiled program is \d+ bytes, $frame_msg\z/,
     'saying why');
like(val($cr, 4), qr/$frame_msg\z/, 'in the output too');
ok(!defined val($cr, 5), 'without the artifact');

# ... and a test's output is cut to share the frame
send_batch(job => 'j16', task => 22, lang => 'python',
           src => "import sys\nsys.stdout.write('o' * 3000000)\n"
                . "sys.stderr.write('e' * 3000000)\n",
           max_capture => 8 << 20,
           tests => [test_case(0, '', undef)]);
($tests, $end) = collect_batch('j16', 22);
is(verdicts($tests), 'AC', 'a TestResult too big for a frame is sent');
my ($so, $se) = map { length(val($tests->[0], $_) // '') } 7, 8;
ok($so + $se < 4 << 20 && $so > 1.9e6 && $se > 1.9e6,
   "stdout and stderr cut to half the frame each ($so, $se)");
ok(val($tests->[0], 9) && val($tests->[0], 10), 'both flagged truncated');
is(val($end, 3), 1, 'and the batch ends');

my $logged = $w->worker_log;
my $over = qr/is \d+ bytes, over the master's frame limit of 4194304/;
like($logged, qr{CompileResult of j15/21 $over: artifact of \d+ bytes left},
     'the cut compile is logged with its sizes');
like($logged, qr{TestResult of j16/22, test t0 $over: stdout cut to \d+ of},
     'the cut test too');

# --- a reconnect: Register states the frame limit again and lists the
# artifacts held, most recently used first; not the one the master was
# told is CE
$w->send_cmd(shutdown => pb_field_bytes(1, 'nginx reload')
                         . pb_field_varint(2, 1));
($name, $reg) = $w->accept_worker;
is($name, 'register', 'after Shutdown{reconnect} the worker registers again');
is(val($reg, 12), 4 << 20, 'with max_frame_size');
is_deeply($reg->{11}, ['e' x 64, 'c' x 64, $hash],
          'and cached_artifacts, the most recently used first');
$w->welcome(200);

send_batch(job => 'j17', task => 23, lang => 'c', hash => $hash,
           tests => [test_case(0, "20 22\n", "42\n")]);
($tests) = collect_batch('j17', 23);
is(verdicts($tests), 'AC', 'a listed artifact runs by its hash alone');

# --- drain: the worker says goodbye and exits 0
$w->send_cmd(drain => pb_field_bytes(1, 'test over'));
($name, my $leaving) = $w->next_msg(10);
is($name, 'leaving', 'Leaving after the drain');
ok(val($leaving, 2), 'drained');

my $pid = $w->pid;
my ($reaped, $status) = $w->wait_exit(10);
is($reaped, $pid, 'the worker exits');
is($status >> 8, 0, 'with status 0');

my $out = $w->output;
unlike($out, qr/Sanitizer|runtime error/, 'no sanitizer report') or diag $out;

done_testing();
