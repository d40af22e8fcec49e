# Problems on Redis (judge_redis): a version stored through one frontend
# is published to Redis and brought into every other frontend's own
# directory within seconds; a frontend that lost its directory gets every
# problem back, and judges against it.

use Test::Judge::Nginx;
use FindBin;
use JSON::PP;
use File::Path qw(remove_tree);

require "$FindBin::Bin/helpers.pl";

if (!redis_available()) {
    Test::More::plan(skip_all => 'redis-server is not installed');
}

our $Admin = <<'CONF';
    $TEST_NGINX_ADMIN
CONF

our %Problem = (title => 'Echo', stages => [
    { name => 'samples', tests => [
        { name => 's', sample => JSON::PP::true, stdin => "a\n",
          expected_output => "a\n" } ] },
    { name => 'hidden', tests => [
        { name => 'h', stdin => "SECRET\n", expected_output => "SECRET\n" } ] },
]);

run_tests();

__DATA__

=== a problem stored on A is read on B, and comes back to A from Redis
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis();
--- http_config eval: $::Http
--- config eval: $::Config . $::Admin
--- timeout: 120
--- perl
ok(start_workers(1), 'a worker on A');
my ($bport) = spawn_frontend('b');
ok(redis_ready($bport), 'B is on Redis');

my ($c, $j) = admin_json(PUT => '/problems/echo', \%::Problem);
is($c, 201, 'stored on A');

my $bj;
ok(wait_until(sub {
    ($c, $bj) = on_port($bport, sub { http_json(GET => '/problems/echo') });
    $c == 200;
}, 10), 'B has it within seconds');
is($bj->{version}, 1, 'version 1');
is($bj->{stages}[0]{tests}[0]{stdin}, "a\n", 'with its sample');

($c, $j) = admin_json(PUT => '/problems/echo', \%::Problem);
is($j->{version}, 2, 'version 2 on A');
ok(wait_until(sub {
    ($c, $bj) = on_port($bport, sub { http_json(GET => '/problems/echo') });
    ($bj->{version} // 0) == 2;
}, 10), 'B follows to version 2');

# A loses its directory: it comes back from Redis
Test::Judge::Nginx::stop_nginx();
remove_tree(servroot() . '/judge_problems');
Test::Judge::Nginx::start_nginx();
ok(wait_until(sub { (http_json(GET => '/problems/echo'))[0] == 200 }, 15),
   'A has it again, from Redis');
($c, $j) = http_json(GET => '/problems/echo');
is($j->{version}, 2, 'at its latest version');

ok(wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 },
              20), 'the worker is back');
($c, $j) = http_json(POST => '/problems/echo/submissions?wait=true',
                     {language => 'python', source => 'print(input())'});
is($j->{verdict}, 'AC', 'judged against it, its files from Redis')
    or diag(encode_json($j));
is($j->{problem}{version}, 2, 'version 2');
