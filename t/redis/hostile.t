# A Redis that misbehaves (judge_redis pointed at the wrong service, a
# Redis in trouble, or someone between): nginx's processes live through
# it, every request is answered within judge_redis_timeout or little more,
# and the log says what went wrong without being flooded.  The Redis is
# fake_redis.pl, answering as each block asks.

use Test::Judge::Nginx;
use FindBin;
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
like(error_log_since(), qr/judge: redis \S+ is unreachable: a reply to no command/,
     'the log says why');
unlike(error_log_since(), qr/exited on signal/, 'no process died');

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
like(error_log_since(), qr/judge: redis \S+ is unreachable: a reply to no command/,
     'the log says why');
unlike(error_log_since(), qr/exited on signal/, 'no process died');
