# A Redis that misbehaves (judge_redis pointed at the wrong service, a
# Redis in trouble, or someone between): nginx's processes live through
# it, every request is answered within judge_redis_timeout or little more,
# and the log says what went wrong without being flooded.  The Redis is
# fake_redis.pl, answering as each block asks.

use Test::Judge::Nginx;
use FindBin;
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

# Starts fake_redis.pl with "@args" (a mode, a delay); its port is
# TEST_NGINX_REDIS_PORT
sub fake_redis {
    my (@args) = @_;
    $ENV{TEST_NGINX_REDIS_PORT} = free_port();
    spawn([$^X, "$FindBin::Bin/fake_redis.pl", $ENV{TEST_NGINX_REDIS_PORT},
           @args], log => servroot() . '/logs/fake-redis.log');
    wait_until(sub {
        my $s = IO::Socket::INET->new(
            PeerAddr => "127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT}");
        close $s if $s;
        $s ? 1 : 0;
    }, 5);
}

# "$n" submissions of "$sub" sent at once; the status of each and the
# seconds it took, in the order they were answered
sub submit_at_once {
    my ($n, $sub, $timeout) = @_;
    my $body = JSON::PP->new->canonical->encode($sub);
    my $req = "POST /submissions HTTP/1.1\r\nHost: localhost\r\n"
              . "Connection: close\r\nContent-Type: application/json\r\n"
              . "Content-Length: " . length($body) . "\r\n\r\n$body";
    my $t0 = time;
    my $sel = IO::Select->new;
    my %got;
    for (1 .. $n) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port())
            or die "connect: $!";
        print $s $req;
        $sel->add($s);
        $got{$s} = '';
    }
    my @answers;
    while ($sel->count && time - $t0 < $timeout) {
        for my $s ($sel->can_read(0.05)) {
            my $k = sysread $s, my $chunk, 65536;
            if ($k) {
                $got{$s} .= $chunk;
                next;
            }
            my ($code) = $got{$s} =~ m{\AHTTP/1\.1 (\d+)};
            push @answers, [$code // 0, time - $t0];
            $sel->remove($s);
            close $s;
        }
    }
    push @answers, [0, $timeout] for $sel->handles;
    return @answers;
}

# How many connections the fake Redis took
sub fake_accepted {
    open my $fh, '<', servroot() . '/logs/fake-redis.log' or return 0;
    my @n = map { /accepted (\d+)/ ? $1 : () } <$fh>;
    return @n ? $n[-1] : 0;
}

# One command to the block's real Redis, binary-safe both ways; its
# reply (an array as a list reference)
sub redis_raw {
    my (@args) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$::RedisPort")
        or die "redis: $!";
    print $s '*' . @args . "\r\n"
             . join('', map { '$' . length($_) . "\r\n$_\r\n" } @args);
    my $reply = redis_reply($s);
    close $s;
    return $reply;
}

sub redis_reply {
    my ($s) = @_;
    my $line = <$s> // die 'redis: no reply';
    $line =~ s/\r\n\z//;
    my ($type, $v) = (substr($line, 0, 1), substr($line, 1));
    return [map { redis_reply($s) } 1 .. $v] if $type eq '*';
    return undef if $type eq '$' && $v < 0;
    if ($type eq '$') {
        read $s, my $data, $v + 2;
        return substr($data, 0, $v);
    }
    die "redis: $v" if $type eq '-';
    return $v;
}

# A record like that of the submission "$id", with "%change" (a field
# undef: left out), of a frontend that is gone, among its jobs; its id
sub damaged_record {
    my ($id, %change) = @_;
    my %rec = @{ redis_raw('HGETALL', job_key($id)) };
    @rec{keys %change} = values %change;
    $rec{owner} = 'ffffffff';
    my $new = join '', map { sprintf '%02x', int rand 256 } 1 .. 12;
    redis_raw('HSET', job_key($new),
              map { defined $rec{$_} ? ($_, $rec{$_}) : () } sort keys %rec);
    redis_raw('ZADD', 'judge:{o:ffffffff}', $rec{created}, $new);
    redis_raw('SADD', 'judge:{owners}', 'ffffffff');
    return $new;
}

our $Sleepy = {language => 'python',
               source => "import time\ntime.sleep(1)\nprint(input())",
               limits => {wall_time_ms => 10000},
               tests => [map { {id => "t$_", input => "$_\n",
                                expected_output => "$_\n"} } 1 .. 2]};

run_tests();

__DATA__

=== a Redis that speaks before it is asked: the connection is dropped, no process dies
--- setup: fake_redis('banner');
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
my ($c, $e) = http_json(POST => '/submissions', $::Echo);
is($c, 503, 'nothing is accepted');
is($e->{error}{code}, 'store_unavailable', 'the store is unavailable');
sleep 1;
like(error_log_since(),
     qr/judge: redis \S+ is unreachable: a reply to no command/,
     'the log says why');
unlike(error_log_since(), qr/exited on signal/, 'no process died');

=== a Redis that turns connections away: the log says what it said
--- setup: fake_redis('refuse');
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
sleep 1;
like(error_log_since(0),
     qr/judge: redis \S+ is unreachable: (it refused the connection's set-up: )?ERR max number of clients reached/,
     'the log says why');

=== a set-up refused, then no answer: the connection is given up all the same
--- setup
fake_redis('deaf');
open my $fh, '>', servroot() . '/conf/redis.pass' or die $!;
print $fh "pw\n";
close $fh;
--- http_config eval
(my $h = $::Http) =~ s{judge_redis (\S+);}{judge_redis $1 db=1 password_file=redis.pass;};
$h
--- config eval: $::Config
--- worker_processes: 1
--- timeout: 30
--- perl
sleep 2;
my $n = fake_accepted();
cmp_ok($n, '>=', 4, "connections made in 2 s: $n");

=== a unix socket that is not there: the log says so
--- http_config eval
(my $h = $::Http) =~ s{judge_redis (\S+);}{judge_redis unix:\$TEST_NGINX_SERVROOT/no.sock;};
$h
--- config eval: $::Config
--- timeout: 30
--- perl
my ($c, $e) = http_json(POST => '/submissions', $::Echo);
ok($c == 503 || $c == 422, "nothing is accepted ($c)");
like(error_log_since(0),
     qr/judge: redis unix:\S+ is unreachable: No such file or directory;/,
     'the log says why');

=== a Redis that answers twice: the connection is dropped, no process dies
--- setup: fake_redis('extra');
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
sleep 1;
my ($c) = http_json(POST => '/submissions', $::Echo);
ok($c == 202 || $c == 503, "a submission is answered ($c)");
like(error_log_since(),
     qr/judge: redis \S+ is unreachable: a reply to no command/,
     'the log says why');
unlike(error_log_since(), qr/exited on signal/, 'no process died');

=== a Redis that answers each command slowly: each request still within judge_redis_timeout
--- setup: fake_redis('slow', 0.2);
--- http_config eval: $::Http
--- config eval: $::Config
--- worker_processes: 1
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
sleep 1;
my @a = submit_at_once(10, $::Echo, 10);
is(scalar(grep { $_->[0] == 202 || $_->[0] == 503 } @a), 10,
   'each submission is answered, accepted or refused')
    or diag(join ' ', map { $_->[0] } @a);
my $last = (sort { $a <=> $b } map { $_->[1] } @a)[-1];
cmp_ok($last, '<', 1, sprintf('the last within judge_redis_timeout (%.2f s)',
                              $last));
like(error_log_since(), qr/no answer within judge_redis_timeout/,
     'the log says the connection was given up');

=== a reload while submissions wait for Redis: the old process answers them before it goes
--- setup: fake_redis('slow', 0.5);
--- http_config eval
(my $h = $::Http) =~ s{judge_redis_timeout \S+;}{judge_redis_timeout 3s;};
$h
--- config eval: $::Config
--- worker_processes: 1
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
sleep 1.5;
my $body = JSON::PP->new->encode($::Echo);
my @s = map {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port());
    print $s "POST /submissions HTTP/1.1\r\nHost: localhost\r\n"
             . "Connection: close\r\nContent-Type: application/json\r\n"
             . "Content-Length: " . length($body) . "\r\n\r\n$body";
    $s;
} 1 .. 3;
sleep 0.2;
ok(reload_nginx(), 'nginx reloaded');
for my $s (@s) {
    my $sel = IO::Select->new($s);
    my $answer = '';
    while ($sel->can_read(5)) {
        sysread($s, my $chunk, 65536) or last;
        $answer .= $chunk;
    }
    like($answer, qr{\AHTTP/1\.1 202 }, 'a submission waiting is accepted');
}
unlike(error_log_since(), qr/open socket #\d+ left/,
       'no request is left behind');

=== a Redis refusing every command (loading its data): each submission 503, one line logged
--- setup: fake_redis('loading');
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(1), 'a worker is up');
my @a = submit_at_once(20, $::Echo, 10);
is(scalar(grep { $_->[0] == 503 } @a), 20, 'each submission is refused');
my $lines = () = error_log_since(0) =~ /redis (refuses|\S+ is unreachable: it refused the connection's set-up: LOADING)/g;
ok($lines >= 1 && $lines <= 2, "lines logged: $lines (one a process)");

=== a Redis that takes connections and fails each at its first command: tried again less and less often
--- setup: fake_redis('close');
--- http_config eval: $::Http
--- config eval: $::Config
--- worker_processes: 1
--- timeout: 30
--- perl
sleep 4;
my $n = fake_accepted();
cmp_ok($n, '<=', 10, "connections made in 4 s: $n (backoff 0.1 s doubling)");
my $lines = () = error_log_since() =~ /judge: redis \S+ is unreachable/g;
cmp_ok($lines, '<=', 10, "lines logged: $lines");

=== damaged records in Redis are not run, harm nothing, and leave the jobs not ended
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker is up');
my ($code, $r) = http_json(POST => '/submissions', $::Sleepy);
is($code, 202, 'a submission is accepted');
my $id = $r->{id};
my $tests = redis_raw('HGET', job_key($id), 'tests');
my $n = length $tests;
my %bad = (
    'a language no submission may name' => [lang => 'x' x 100000],
    'test offsets past the tests' => [ntests => 2, tests => $tests x 2,
                                      toff => pack('Q<3', 0, 1000, 2 * $n)],
    'test offsets going back' => [ntests => 2, tests => $tests x 2,
                                  toff => pack('Q<3', 9, 0, 2 * $n)],
    'a count of tests its offsets wrap to' => [ntests => 2 ** 61,
                                                toff => pack('Q<', $n)],
    'no test offsets' => [toff => undef],
);
my %ids = map { $_ => damaged_record($id, @{ $bad{$_} }) } sort keys %bad;
ok(wait_until(sub { !grep { is_active($_) } values %ids }, 10),
   'they leave the jobs not ended');
sleep 3;
my $log = error_log_since();
for my $what (sort keys %ids) {
    my $lines = () = $log =~ /submission $ids{$what} .*damaged/g;
    is($lines, 1, "$what: said once");
}
unlike($log, qr/taken over/, 'none is run');
is(finished_within(20, $id)->{verdict}, 'AC',
   'the submission that was accepted is judged');
($code, $r) = http_json(POST => '/submissions', $::Echo);
is(finished_within(20, $r->{id})->{verdict}, 'AC', 'and the next one');

=== a key of another kind among a frontend's jobs: the others are still taken over
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1), 'a worker is up');
my ($code, $r) = http_json(POST => '/submissions', $::Sleepy);
is($code, 202, 'a submission is accepted');
my $junk = join '', map { sprintf '%02x', int rand 256 } 1 .. 12;
redis('SET', job_key($junk), 'not a record');
redis('ZADD', 'judge:{o:ffffffff}', 1, $junk);
redis('SADD', 'judge:{owners}', 'ffffffff');
my $orphan = damaged_record($r->{id});
ok(wait_until(sub { error_log_since() =~ /submission $orphan taken over/ },
              15), 'a job of a frontend that is gone is taken over');
is(finished_within(20, $orphan)->{verdict}, 'AC', 'and judged');
ok(!is_active($junk), 'the key that is no record left the jobs not ended');

=== records changed behind the module's back: a GET of them still answers as the contract says
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
my %rec = (
    'a status that is not one' => [status => 'QUEUED","verdict":"AC',
                                   ntests => 3, lang => 'python',
                                   created => 1],
    'a count of tests that is not a number' => [status => 'QUEUED',
                                                ntests => 'many',
                                                lang => 'python',
                                                created => 1],
);
for my $what (sort keys %rec) {
    my $id = join '', map { sprintf '%02x', int rand 256 } 1 .. 12;
    redis('HSET', job_key($id), @{ $rec{$what} });
    my ($code, $r) = http_json(GET => "/submissions/$id");
    is($code, 404, "$what: not found");
    is($r->{error}{code}, 'submission_not_found', 'with its code');
}
