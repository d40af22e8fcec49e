# Streams across nginx reloads and crashes, and the zone's memory.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(registered);

sub zone_free { (http_json(GET => '/health'))[1]{zone}{free} }

sub connect_workers {
    my ($n, $prefix) = @_;
    my @w;
    for my $i (1 .. $n) {
        my $w = registered(nginx_port(), 't', id => "$prefix-$i",
                           languages => [['c']]);
        return () unless $w;
        push @w, $w;
    }
    return @w;
}

run_tests();

__DATA__

=== reload: streams are told to reconnect, old processes exit, zone returns to baseline
--- http_config
    judge_zone judge:1m;
    judge_worker_token t;
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my $baseline = zone_free();
my @w = connect_workers(10, 'r');
is(scalar @w, 10, 'ten workers registered');
is((admin_json(GET => '/workers'))[1]{count}, 10, 'listed');
cmp_ok(zone_free(), '<', $baseline, 'records take zone memory');
ok(reload_nginx(), 'reloaded');

for my $w (@w) {
    my ($name, $f) = $w->recv_cmd(5);
    is($name, 'shutdown', 'told to go');
    is($f->{2}[0], 1, 'and to reconnect');
    ok($w->closed_within(5), 'stream closed');
}
ok(old_generation_gone(), 'old worker processes exited');
is((admin_json(GET => '/workers'))[1]{count}, 0, 'registry empty');

@w = connect_workers(10, 'r');
is(scalar @w, 10, 'workers reconnect to the new generation');
my (undef, $l) = admin_json(GET => '/workers');
is(scalar(grep { $_->{nginx}{generation} == 2 } @{ $l->{workers} }), 10,
   'held by the new generation');
$_->close for @w;
ok(wait_until(sub { zone_free() == $baseline }, 5),
   'zone usage back to baseline');
--- no_error_log
[alert]
[crit]


=== a crashed nginx worker process: its workers go at once (not after the heartbeat timeout), its mailbox is reclaimed
--- http_config
    judge_zone judge:1m;
    judge_worker_token t;
    judge_heartbeat_interval 2s;
    judge_heartbeat_timeout 30s;
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my $baseline = zone_free();
my @w = connect_workers(6, 'c');
is(scalar @w, 6, 'registered');
my (undef, $l) = admin_json(GET => '/workers');
my %owners = map { $_->{nginx}{pid} => 1 } @{ $l->{workers} };
my ($victim) = keys %owners;
kill 'KILL', $victim;
ok(wait_until(sub {
    my (undef, $l) = admin_json(GET => '/workers');
    $l && !grep { $_->{nginx}{pid} == $victim } @{ $l->{workers} };
}, 3), 'workers of the killed process leave the registry within seconds');
$_->close for @w;
ok(wait_until(sub { zone_free() == $baseline }, 5),
   'zone usage back to baseline');
--- error_log
worker(s) of a lost nginx process were dropped
--- allow_alerts
exited on signal 9


=== twenty workers are seen from every nginx process
--- http_config
    judge_zone judge:1m;
    judge_worker_token t;
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my @w = connect_workers(20, 'many');
is(scalar @w, 20, 'twenty registered');
my %seen_by;
my %held_by;
for (1 .. 20) {
    my (undef, $h) = http_json(GET => '/health');
    $seen_by{ $h->{pid} } = $h->{workers};
    my (undef, $l) = admin_json(GET => '/workers');
    $held_by{ $_->{nginx}{pid} }++ for @{ $l->{workers} };
}
is(scalar keys %seen_by, 2, 'both nginx processes answered');
is($_, 20, 'each sees all twenty') for values %seen_by;
