# Test files by hash, as a worker sees nginx answer for them: a scripted
# worker sends DataRequest, and the TestData frames must put the files of
# judge_problems_path/d/<sha256> together again, in pieces that fit its
# frames; a file nginx lacks comes back "missing"; a request that is not
# hex SHA-256 hashes, or names too many, closes the stream.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(registered data_request_msg);
use Digest::SHA qw(sha256_hex);

our $Http = <<'CONF';
    judge_zone judge:4m;
    judge_worker_token t;
    judge_problems_path $TEST_NGINX_SERVROOT/problems;
CONF

sub worker {
    my (%o) = @_;
    my $w;
    wait_until(sub {
        $w = registered(nginx_port(), 't', id => $o{id} // 'd1', slots => 2,
                        languages => [['python', 'Python', '3']],
                        max_frame_size => $o{max_frame});
    }, 5);
    return $w // die "not welcomed\n";
}

# writes $bytes as a test file of the problems directory; returns its hash
sub test_file {
    my ($bytes) = @_;
    my $dir = servroot() . '/problems/d';
    mkdir servroot() . '/problems';
    mkdir $dir;
    my $hash = sha256_hex($bytes);
    open my $fh, '>', "$dir/$hash" or die "$dir/$hash: $!";
    print $fh $bytes;
    close $fh;
    return $hash;
}

# The TestData frames that come for the next $n files, put together:
# hash => {bytes, total, missing, pieces, largest frame, in order}
sub receive {
    my ($w, $n) = @_;
    my %f;
    my $open = $n;
    while ($open > 0) {
        my ($name, $m) = $w->recv_cmd(10);
        last unless defined $name;
        next unless $name eq 'data';
        my $h = $m->{1}[0];
        my $x = $f{$h} //= {bytes => '', pieces => 0, largest => 0,
                            in_order => 1};
        if ($m->{5}[0]) {
            $x->{missing} = 1;
            $open--;
            next;
        }
        $x->{in_order} = 0 if ($m->{2}[0] // 0) != length $x->{bytes};
        $x->{bytes} .= $m->{4}[0] // '';
        $x->{total} = $m->{3}[0] // 0;
        $x->{pieces}++;
        $x->{largest} = $w->{last_frame_len}
            if $w->{last_frame_len} > $x->{largest};
        $open-- if length $x->{bytes} >= $x->{total};
    }
    return \%f;
}

run_tests();

__DATA__

=== files answered in pieces that put them together, missing when absent
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker();
my $small = "1 2\n";
my $empty = '';
my $h1 = test_file($small);
my $h0 = test_file($empty);
my $absent = sha256_hex("not there\n");
$w->send_msg(data_request_msg($h1, $absent, $h0));
my $f = receive($w, 3);
is($f->{$h1}{bytes}, $small, 'a small file in one piece');
is($f->{$h1}{total}, length $small, 'its total');
is($f->{$h1}{pieces}, 1, 'one piece');
ok($f->{$absent}{missing}, 'an absent file: missing');
ok(exists $f->{$h0} && !$f->{$h0}{missing} && $f->{$h0}{bytes} eq ''
   && $f->{$h0}{pieces} == 1, 'an empty file: one empty piece');
like(error_log_since(), qr/worker "d1" asked for test file \Q$absent\E/,
     'the absent file is logged with the worker');

# 20 MB in pieces of at most the worker's frame size
$w->close;
$w = worker(id => 'd2', max_frame => 256 * 1024);
my $big = join '', map { chr(65 + $_ % 26) x 1023 . "\n" } 1 .. 20480;
my $hb = test_file($big);
$w->send_msg(data_request_msg($hb));
$f = receive($w, 1);
ok($f->{$hb}{bytes} eq $big, '20 MB put together');
ok($f->{$hb}{in_order}, 'pieces in order');
ok($f->{$hb}{pieces} >= 80, "in $f->{$hb}{pieces} pieces");
ok($f->{$hb}{largest} <= 256 * 1024, "none over the worker's 256k frames "
   . "($f->{$hb}{largest})");

# two files at once take turns
$w->send_msg(data_request_msg($hb, $h1));
my @order;
while (@order < 100) {
    my ($name, $m) = $w->recv_cmd(10);
    last unless defined $name;
    push @order, $m->{1}[0];
    last if $m->{1}[0] eq $h1;
}
ok(@order < 5 && $order[-1] eq $h1,
   'the small file is not held up by the big one (' . scalar(@order)
   . ' frames)');
while (my ($name, $m) = $w->recv_cmd(10)) {
    last if ($m->{2}[0] // 0) + length($m->{4}[0] // '') == length $big;
}

# the stream lives on
$w->send_msg(data_request_msg($h1));
$f = receive($w, 1);
is($f->{$h1}{bytes}, $small, 'asked again, sent again');


=== a request that is not hex SHA-256 hashes closes the stream
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker();
$w->send_msg(data_request_msg('../../etc/passwd'));
ok($w->closed_within(5), 'a path: closed');
like(error_log_since(), qr/worker "d1" asked for a test file by something/,
     'logged');

$w = worker(id => 'd2');
$w->send_msg(data_request_msg(uc sha256_hex('x')));
ok($w->closed_within(5), 'upper case: closed');

$w = worker(id => 'd3');
$w->send_msg(data_request_msg(sha256_hex('x') . '0'));
ok($w->closed_within(5), '65 digits: closed');

$w = worker(id => 'd4');
$w->send_msg(data_request_msg(map { sha256_hex($_) } 1 .. 65));
ok($w->closed_within(5), '65 hashes in one request: closed');
like(error_log_since(), qr/asked for 65 test files at once, more than 64/,
     'logged');

# a big file asked for again and again, its pieces not read: they stay
# in flight
my $hb = test_file('z' x (20 << 20));
$w = worker(id => 'd5');
$w->send_msg(data_request_msg(($hb) x 64)) for 1 .. 5;
ok($w->closed_within(10), 'more than 256 asked at once: closed');
like(error_log_since(), qr/asked for 64 more test files with 256 not sent yet/,
     'logged');
