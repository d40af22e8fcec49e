# judge-worker's test data cache against a scripted master: a real
# judge-worker dials in to this test, which plays nginx's part frame by
# frame.  Tests that name their input and expected output by hash make the
# worker ask for the files it lacks (one DataRequest, each file once
# however many batches want it), take the TestData pieces, check them and
# keep the files in <state-dir>/data; a missing or wrong file fails the
# batches that need it with system_error.  Then the worker starts again
# with a tiny --data-cache-size, and the least recently used files go.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Digest::SHA qw(sha256_hex);
use Test::Judge::Wire qw(pb_field_varint pb_field_bytes limits_msg
                         test_data_cmd);
use Test::Judge::Master qw(need_worker languages_table val %STATUS_NAME);

need_worker('python3');

my $w = Test::Judge::Master->new(id => 'w-data', prefix => 'judge-data',
                                 languages => languages_table('python'));
my $dir = $w->dir;

# The worker's next connection, registered and welcomed: 1, or () when
# the worker does not dial in or does not register
sub accept_worker {
    my ($kind) = $w->accept_worker;
    return () unless ($kind // '') eq 'register';
    $w->welcome(500);
    return 1;
}

my $echo = "import sys\nsys.stdout.write(sys.stdin.read())\n";
my $count = "import sys\nprint(len(sys.stdin.buffer.read()))\n";

# A test naming its input and expected output by hash only
sub test_case {
    my ($i, $in, $out) = @_;
    return pb_field_bytes(1, "t$i") . pb_field_varint(2, $i)
         . pb_field_varint(5, 1)
         . pb_field_bytes(8, sha256_hex($in)) . pb_field_varint(9, length $in)
         . pb_field_bytes(10, sha256_hex($out))
         . pb_field_varint(11, length $out);
}

sub batch {
    my ($job, $task, $src, @tests) = @_;
    $w->execute_batch(job => $job, task => $task, lang => 'python',
                      src_name => 'main.py', src => $src, tests => \@tests,
                      limits => limits_msg(cpu => 5000, wall => 10000,
                                           memory => 262144, processes => 1));
}

# Sends "bytes" as the file of its hash, in pieces of "size"
sub send_file {
    my ($bytes, $size) = @_;
    my $total = length $bytes;
    my $off = 0;
    do {
        my $n = $total - $off < $size ? $total - $off : $size;
        $w->send_frame(test_data_cmd(hash => sha256_hex($bytes),
                                     offset => $off, total => $total,
                                     data => substr($bytes, $off, $n)));
        $off += $n;
    } while ($off < $total);
}

# Every message up to the end of task "task": (data requests [hashes],
# verdicts by index, batch end)
sub collect {
    my ($task, $timeout) = @_;
    my $r = $w->collect(task => $task, timeout => $timeout);
    my %verdict = map { (val($_, 4) // 0) => $STATUS_NAME{ val($_, 5) } }
                      @{ $r->{tests} };
    return ($r->{requests}, \%verdict, $r->{end});
}

# The next DataRequest's hashes, sorted, or undef
sub next_request {
    my $m = $w->expect('data_request', shift);
    return $m ? [sort @{ $m->{1} // [] }] : undef;
}

$w->start('--data-cache-size', '64m');
ok(accept_worker(), 'the worker registers');

# --- a batch whose files the worker lacks
my ($a, $b, $c) = ("1 2 3\n" x 1000, "hello\n", "bye\n");
batch('j1', 1, $echo, test_case(0, $a, $a), test_case(1, $b, $c));
is_deeply(next_request(), [sort map { sha256_hex($_) } $a, $b, $c],
          'one DataRequest with exactly the three files (one asked once)');
send_file($a, 4096);
send_file($b, 4096);
send_file($c, 4096);
my ($req, $v, $end) = collect(1);
is_deeply($v, { 0 => 'AC', 1 => 'WA' }, 'echo: AC, then WA where the '
          . 'expected output differs');
ok($end && !val($end, 4), 'the batch ends without system_error');
ok(-f "$dir/data/" . sha256_hex($a), 'the file is kept under its hash');
is(-s "$dir/data/" . sha256_hex($a), length $a, 'whole');

# --- the same files again: nothing asked
batch('j2', 2, $echo, test_case(0, $a, $a), test_case(1, $b, $c));
($req, $v, $end) = collect(2);
is(scalar @$req, 0, 'files held: no DataRequest');
is_deeply($v, { 0 => 'AC', 1 => 'WA' }, 'and the same verdicts');

# --- two batches wanting one new file at once: asked once
my $d = "42\n";
batch('j3', 3, $echo, test_case(0, $d, $d));
batch('j4', 4, $echo, test_case(0, $d, $d), test_case(1, $b, $b));
is_deeply(next_request(), [sha256_hex($d)], 'one DataRequest for the file');
send_file($d, 10);
my %ended;
my @more;
while (keys %ended < 2) {
    my ($n, $m) = $w->next_msg;
    last unless $n;
    push @more, $n if $n eq 'data_request';
    $ended{ val($m, 2) } = $m if $n eq 'batch_result';
}
is(scalar @more, 0, 'and no second one');
ok($ended{3} && $ended{4} && !val($ended{3}, 4) && !val($ended{4}, 4),
   'both batches run');

# --- the master lacks the file
my $e = "nowhere\n";
batch('j5', 5, $echo, test_case(0, $e, $e));
is_deeply(next_request(), [sha256_hex($e)], 'asked for');
$w->send_frame(test_data_cmd(hash => sha256_hex($e), missing => 1));
($req, $v, $end) = collect(5);
ok($end && val($end, 4), 'missing: system_error');
like(val($end, 5) // '', qr/no test file \Q@{[sha256_hex($e)]}\E/,
     'saying which file');
is(scalar keys %$v, 0, 'no TestResult');

# --- bytes that do not hash to the name, a wrong size, a piece out of order
# or empty
my $f = "the right bytes\n";
batch('j6', 6, $echo, test_case(0, $f, $f));
is_deeply(next_request(), [sha256_hex($f)], 'asked for');
$w->send_frame(test_data_cmd(hash => sha256_hex($f), total => length $f,
                             data => "the wrong bytes\n"));
($req, $v, $end) = collect(6);
ok($end && val($end, 4), 'wrong bytes: system_error');
like(val($end, 5) // '', qr/SHA-256/, 'the SHA-256 is named');
is(scalar keys %$v, 0, 'no TestResult');
opendir my $dh, "$dir/data" or die;
ok(!(grep { /\Q@{[sha256_hex($f)]}\E/ } readdir $dh), 'no file kept');
closedir $dh;

batch('j7', 7, $echo, test_case(0, $f, $f));
is_deeply(next_request(), [sha256_hex($f)], 'asked for again');
$w->send_frame(test_data_cmd(hash => sha256_hex($f), total => 1 + length $f,
                             data => $f));
($req, $v, $end) = collect(7);
ok($end && val($end, 4), 'a size other than the test\'s: system_error');
like(val($end, 5) // '', qr/bytes on the master/, 'saying so');

batch('j8', 8, $echo, test_case(0, $f, $f));
next_request();
$w->send_frame(test_data_cmd(hash => sha256_hex($f), offset => 3,
                             total => length $f, data => substr($f, 3)));
($req, $v, $end) = collect(8);
ok($end && val($end, 4), 'a piece out of order: system_error');
like(val($end, 5) // '', qr/offset 3, 0 expected/, 'saying so');

batch('j8e', 80, $echo, test_case(0, $f, $f));
next_request();
$w->send_frame(test_data_cmd(hash => sha256_hex($f), total => length $f,
                             data => ''));
($req, $v, $end) = collect(80);
ok($end && val($end, 4), 'an empty piece of a non-empty file: system_error');
like(val($end, 5) // '', qr/an empty piece/, 'saying so');

# --- cancel of a batch waiting for its files
batch('j9', 9, $echo, test_case(0, $f, $f));
next_request();
$w->cancel('j9');
($req, $v, $end) = collect(9, 5);
ok($end && !val($end, 4), 'a waiting batch cancelled ends at once');
is(scalar keys %$v, 0, 'no test run');
send_file($f, 100);

# --- a reconnect drops what was asked
my $g = "after the reconnect\n";
batch('j10', 10, $echo, test_case(0, $g, $g));
is_deeply(next_request(), [sha256_hex($g)], 'asked for');
$w->hang_up;
ok(accept_worker(), 'the worker comes back');
batch('j11', 11, $echo, test_case(0, $g, $g));
is_deeply(next_request(), [sha256_hex($g)],
          'and asks again: the fetch went with the stream');
send_file($g, 100);
($req, $v, $end) = collect(11);
is_deeply($v, { 0 => 'AC' }, 'then runs');

# --- 20 MB of input, in 1 MiB pieces
my $big = join '', map { chr(65 + $_ % 26) x 1023 . "\n" } 1 .. 20480;
batch('j12', 12, $count, test_case(0, $big, length($big) . "\n"));
is_deeply(next_request(), [sort map { sha256_hex($_) } $big,
                                                       length($big) . "\n"],
          '20 MB input asked for');
send_file($big, 1 << 20);
send_file(length($big) . "\n", 100);
($req, $v, $end) = collect(12, 60);
is_deeply($v, { 0 => 'AC' }, 'the program reads all 20 MB from its stdin');

# --- a tiny cache: least recently used files go, those in use stay
$w->stop;
$w->hang_up;
$w->start('--data-cache-size', '3k');
ok(accept_worker(), 'the worker starts again with a 3k cache');
opendir $dh, "$dir/data" or die;
my @left = grep { !/^\./ } readdir $dh;
closedir $dh;
ok(!(grep { $_ eq sha256_hex($big) } @left),
   'the 20 MB file is gone at start');

my @k = map { sprintf("%03d\n", $_) . ('x' x 996) } 1 .. 7;   # 1000 bytes
for my $i (0 .. 3) {
    batch("k$i", 20 + $i, $echo, test_case(0, $k[$i], $k[$i]));
    next_request();
    send_file($k[$i], 4096);
    collect(20 + $i);
}
ok(!-e "$dir/data/" . sha256_hex($k[0]), 'the fourth file evicts the first');
ok(-e "$dir/data/" . sha256_hex($k[$_]), "file $_ stays") for 1 .. 3;

batch('k1again', 30, $echo, test_case(0, $k[1], $k[1]));
($req, $v) = collect(30);
is(scalar @$req, 0, 'the second file is used again');
batch('k4', 31, $echo, test_case(0, $k[4], $k[4]));
next_request();
send_file($k[4], 4096);
collect(31);
ok(!-e "$dir/data/" . sha256_hex($k[2]), 'the next file evicts the least '
   . 'recently used (the third)');
ok(-e "$dir/data/" . sha256_hex($k[1]), 'not the second, used since');

# --- a file used by a waiting batch is not evicted while it waits
batch('k5', 32, $echo, test_case(0, $k[1], $k[1]), test_case(1, $k[0], $k[0]));
is_deeply(next_request(), [sha256_hex($k[0])], 'only the evicted file asked');
batch('k6', 33, $echo, test_case(0, $k[5], $k[5]), test_case(1, $k[6], $k[6]));
is_deeply(next_request(), [sort map { sha256_hex($_) } @k[5, 6]],
          'two new files asked');
send_file($k[5], 4096);
send_file($k[6], 4096);
collect(33);
ok(-e "$dir/data/" . sha256_hex($k[1]), 'the file a waiting batch holds '
   . 'stays, though least recently used');
send_file($k[0], 4096);
($req, $v) = collect(32);
is_deeply($v, { 0 => 'AC', 1 => 'AC' }, 'and the waiting batch runs');

done_testing();
