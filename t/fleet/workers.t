# The fleet with real judge-worker processes: they dial in, register and
# heartbeat; nginx sees them from every process; killed ones go within the
# heartbeat timeout; reloads and restarts bring them back by themselves.

use Test::Judge::Nginx;

our $Http = <<'CONF';
    judge_zone judge:4m;
    judge_worker_token t;
    judge_heartbeat_interval 300ms;
    judge_heartbeat_timeout 1500ms;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
CONF

our %Pid;

sub start_workers {
    my ($from, $to) = @_;
    for my $i ($from .. $to) {
        $Pid{"w$i"} = spawn_worker("w$i",
            languages => repo_root() . '/t/fleet/bash-only.conf');
    }
}

sub count { (http_json(GET => '/health'))[1]{workers} // -1 }

run_tests();

__DATA__

=== two, then twenty real workers; each nginx process sees them all
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
start_workers(1, 2);
ok(wait_until(sub { count() == 2 }, 20), 'two registered');
my (undef, $l) = admin_json(GET => '/workers');
json_subset_ok($l->{workers}[0], {slots => 1, abi => '/linux/',
    languages => [{id => 'bash', version => '/^\d+\.\d+/'}],
    sandbox => {backend => 'native'}}, 'capacity and languages');
start_workers(3, 20);
ok(wait_until(sub { count() == 20 }, 30), 'twenty registered');
my %seen;
for (1 .. 30) {
    my (undef, $h) = http_json(GET => '/health');
    $seen{ $h->{pid} } = $h->{workers};
}
is(scalar keys %seen, 2, 'asked both nginx processes');
is((grep { $_ == 20 } values %seen), 2, 'both see twenty');
ok(wait_until(sub {
    my (undef, $l) = admin_json(GET => '/workers');
    !grep { $_->{heartbeat_age_ms} > 1000 } @{ $l->{workers} };
}, 5), 'all heartbeating');


=== killed and frozen workers are gone within the heartbeat timeout; a stopped one says goodbye
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
start_workers(1, 3);
ok(wait_until(sub { count() == 3 }, 20), 'three registered');
kill 'KILL', $::Pid{w1};
ok(wait_until(sub { count() == 2 }, 3), 'SIGKILL: dropped within the timeout');
kill 'STOP', $::Pid{w3};
ok(wait_until(sub { count() == 1 }, 4), 'a frozen worker: dropped at the timeout');
kill 'CONT', $::Pid{w3};
kill 'TERM', $::Pid{w2};
ok(wait_until(sub { count() <= 1 && !grep { $_->{id} eq 'w2' } @{ (admin_json(GET => '/workers'))[1]{workers} } }, 5),
   'SIGTERM: left at once');
--- error_log
judge: worker "w1" disconnected
judge: worker "w3" silent for 1500 ms, closing
judge: worker "w2" is leaving


=== nginx reload with connected workers: they come back, old processes exit
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
start_workers(1, 4);
ok(wait_until(sub { count() == 4 }, 20), 'four registered');
ok(reload_nginx(), 'reloaded');
ok(old_generation_gone(), 'old worker processes exited');
ok(wait_until(sub {
    my (undef, $l) = admin_json(GET => '/workers');
    $l->{count} == 4 && !grep { $_->{nginx}{generation} != 2 } @{ $l->{workers} };
}, 15), 'all four back, held by the new generation');
--- no_error_log
[alert]


=== nginx restarted while workers run: they come back on their own
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
start_workers(1, 3);
ok(wait_until(sub { count() == 3 }, 20), 'three registered');
Test::Judge::Nginx::stop_nginx();
sleep 1;
ok(Test::Judge::Nginx::start_nginx(), 'nginx started again');
ok(wait_until(sub { count() == 3 }, 20), 'the workers reconnected');


=== over TLS: the worker verifies nginx's certificate and registers
--- http_config eval: $::Http
--- config eval: $::Config . "    listen 127.0.0.1:\$TEST_NGINX_TLS_PORT ssl;\n    ssl_certificate \$TEST_NGINX_SERVROOT/cert.pem;\n    ssl_certificate_key \$TEST_NGINX_SERVROOT/key.pem;\n"
--- timeout: 60
--- setup
my $dir = servroot();
system("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
       . "-addext subjectAltName=DNS:localhost -keyout $dir/key.pem "
       . "-out $dir/cert.pem 2>/dev/null") == 0
    or die "openssl failed\n";
--- perl
my $dir = servroot();
my $port = $ENV{TEST_NGINX_TLS_PORT};
# spawned by hand: spawn_worker's plain --master would be one more frontend
sub tls_worker {
    my ($id, $url) = @_;
    mkdir "$dir/$id";
    spawn([build_dir() . '/judge-worker', '--foreground', '--master', $url,
           '--ca-file', "$dir/cert.pem", '--token', 't', '--id', $id,
           '--slots', 1,
           '--languages', repo_root() . '/t/fleet/bash-only.conf',
           '--state-dir', "$dir/$id", '--log', "$dir/logs/worker-$id.log"]);
}
tls_worker('tls1', "https://localhost:$port/worker");
ok(wait_until(sub { count() == 1 }, 20), 'registered over TLS');
tls_worker('wrongname', "https://127.0.0.2:$port/worker");
sleep 2;
is(count(), 1, 'a certificate for another name is refused by the worker');
