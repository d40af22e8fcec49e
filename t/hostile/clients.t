# Hostile and greedy clients against a real nginx with the module, the
# workers played by scripted peers (Test::Judge::Wire) so that every step
# is the test's to take: one client must not hold the fleet (fair shares
# between clients and jobs, judge_client_jobs, judge_max_job_time), the
# admin API is apart and needs its token, and a client that does not read
# its events is let go after send_timeout.  A new attack is a new block:
# the config, then Perl that plays it and says what must hold.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(registered test_result_msg batch_result_msg
                         pb_decode);
use FindBin;
use IO::Socket::INET;
use JSON::PP;
use Socket qw(SOL_SOCKET SO_RCVBUF);
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/../zone/helpers.pl";

# a second listener whose sends block early: a non-reading client is felt
$ENV{TEST_NGINX_SLOW_PORT} = Test::Judge::Nginx::free_port();

sub client_submit {
    my ($client, $body) = @_;
    my $r = http_request(POST => '/submissions', encode_json($body),
                         ['Content-Type: application/json',
                          "X-Client: $client"]);
    return ($r->code, eval { decode_json($r->content) });
}

run_tests();

__DATA__

=== a one-test job goes ahead of a long job's next batch; batches are no larger than the worker's slots
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 2);
my (undef, $long) = submit(py_job(100));
my @out;
for (1 .. 2) {
    my ($job, $task, $n) = next_batch($w);
    push @out, [$job, $task, $n];
}
is(join(',', map { $_->[0] eq $long->{id} ? $_->[2] : 'other' } @out), '2,2',
   'the long job: two batches of two tests (2 slots), the worker full');
my (undef, $short) = submit(py_job(1));
my @none = next_batch($w, 1);
ok(!@none, 'the worker holds twice its slots: nothing more yet');
$w->send_msg(test_result_msg(job_id => $long->{id}, task_id => $out[0][1],
                             index => 0, status => 'AC'));
my ($job, undef, $n) = next_batch($w);
is($job, $short->{id}, 'the next slot goes to the one-test job');
is($n, 1, 'its one test');
--- no_error_log
[alert]


=== clients share the fleet: the one with nothing out goes first, whatever its jobs' age
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_client_key $http_x_client;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 2);
my (undef, $a1) = client_submit('alice', py_job(50));
my @out = map { [next_batch($w)] } 1 .. 2;
is(scalar(grep { $_->[0] eq $a1->{id} } @out), 2, "alice's first job fills the worker");
my (undef, $a2) = client_submit('alice', py_job(50));
my (undef, $b1) = client_submit('bob', py_job(50));
for my $i (0, 1) {
    $w->send_msg(test_result_msg(job_id => $a1->{id}, task_id => $out[$i][1],
                                 index => 2 * $i, status => 'AC'));
}
my @next = map { (next_batch($w))[0] } 1 .. 2;
ok((grep { $_ eq $b1->{id} } @next) >= 1,
   "bob's job gets a batch before alice's second job is ahead of him")
    or diag("sent: @next; alice $a1->{id} $a2->{id}, bob $b1->{id}");
is($next[0], $b1->{id}, 'and gets the first freed slot');
--- no_error_log
[alert]


=== judge_client_jobs: a client's unfinished jobs are bounded (429), others are not held up
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_client_key $http_x_client;
    judge_client_jobs 2;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 2);
my @codes = map { (client_submit('greedy', py_job(1)))[0] } 1 .. 3;
is("@codes", '202 202 429', 'the third unfinished job of one client is refused');
my $r = http_request(POST => '/submissions', encode_json(py_job(1)),
                     ['Content-Type: application/json', 'X-Client: greedy']);
is($r->header('Retry-After'), '1', 'with Retry-After');
like($r->content, qr/"code":"too_many_jobs"/, 'and a JSON error');
is((client_submit('polite', py_job(1)))[0], 202, 'another client still submits');
my %jobs;
while (my ($job, $task, $n) = next_batch($w, 2)) {
    $jobs{$job} = $task;
}
for my $job (keys %jobs) {
    $w->send_msg(test_result_msg(job_id => $job, task_id => $jobs{$job},
                                 index => 0, status => 'AC'));
    $w->send_msg(batch_result_msg(job_id => $job, task_id => $jobs{$job},
                                  tests_run => 1));
}
ok(wait_until(sub { (client_submit('greedy', py_job(1)))[0] == 202 }, 5),
   'once its jobs are done the client submits again');
--- no_error_log
[alert]


=== past half the queue a client gets no more than an equal share: four clients cannot fill it, a fifth finds room
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_client_key $http_x_client;
    judge_client_jobs 0;
    judge_queue_size 16;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 1);
my %took;
for my $round (1 .. 10) {
    for my $c (1 .. 4) {
        $took{$c}++ if (client_submit("c$c", py_job(1)))[0] == 202;
    }
}
my $held = 0;
$held += $_ for values %took;
is($held, 8, 'four clients hold half the queue (16), two each: their share')
    or diag(join ', ', map { "c$_: $took{$_}" } sort keys %took);
my ($code, $r) = client_submit('c1', py_job(1));
is($code, 429, 'one more from them is refused');
is($r->{error}{code}, 'too_many_jobs', 'as too many jobs');
my @late = map { (client_submit("late$_", py_job(1)))[0] } 1 .. 3;
is("@late", '202 202 202', 'clients that come later are taken');
--- no_error_log
[alert]


=== clients that each take all they may, one after the other, still leave room for the next ones
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_client_key $http_x_client;
    judge_queue_size 20;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 1);
my %took;
for my $c ('A' .. 'F') {
    $took{$c} = 0;
    $took{$c}++ while (client_submit($c, py_job(1)))[0] == 202;
}
my $line = join ' ', map { "$_=$took{$_}" } 'A' .. 'F';
ok(!grep({ $took{$_} < 1 } 'A' .. 'F'), "each of six greedy clients got a place ($line)");
cmp_ok($took{A}, '<=', 10, 'the first took half the queue at most');
--- no_error_log
[alert]


=== judge_max_job_time: tests x wall time of one submission is bounded (422)
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_max_job_time 60s;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 2);
my ($code, $r) = submit(py_job(30, limits => {wall_time_ms => 3000}));
is($code, 422, '30 tests of 3 s may take 90 s: refused');
is($r->{error}{code}, 'job_too_long', 'job_too_long');
like($r->{error}{message}, qr/judge_max_job_time/, 'the message names the directive');
($code) = submit(py_job(20, limits => {wall_time_ms => 3000}));
is($code, 202, '20 tests of 3 s is within a minute: accepted');


=== the admin API is apart: its own location, its own token; public fleet details name no one
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('secret-worker-id', slots => 2);
my ($code, $pub) = http_json(GET => '/workers');
is($code, 200, 'public /workers answers');
is($pub->{count}, 1, 'with the count');
is($pub->{workers}[0]{slots}, 2, 'and capacity');
unlike(encode_json($pub), qr/secret-worker-id|"host"|"nginx"|"tags"/,
       'but no id, host, tags or nginx process');
my ($dc, $d) = http_json(POST => '/workers/secret-worker-id/drain');
is($dc, 403, 'drain on the public API: 403');
is($d->{error}{code}, 'admin_only', 'admin_only');
my $r = http_request(POST => '/admin/workers/secret-worker-id/drain');
is($r->code, 401, 'the admin API without the token: 401');
like($r->header('WWW-Authenticate') // '', qr/^Bearer/, 'asking for a bearer token');
$r = http_request(POST => '/admin/workers/secret-worker-id/drain', '',
                  ['Authorization: Bearer admin-secret-of-the-test']);
is($r->code, 401, 'with a wrong token: 401');
my ($ac, $full) = admin_json(GET => '/workers');
is($full->{workers}[0]{id}, 'secret-worker-id', 'the admin API names the worker');
($dc) = admin_json(POST => '/workers/secret-worker-id/drain');
like($dc, qr/^20[02]$/, 'and drains it');
--- error_log
judge: admin request refused: no bearer token
judge: admin request refused: wrong token


=== judge_admin without judge_admin_token_file is refused at start
--- config
    location /admin/ { judge_admin; }
--- http_config
    judge_zone judge:1m;
--- must_die
--- error_log
judge_admin needs judge_admin_token_file


=== a client that does not read its events is let go after send_timeout, while the job runs
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:8m;
    server {
        listen 127.0.0.1:$TEST_NGINX_SLOW_PORT sndbuf=8k;
        send_timeout 1s;
        location / { judge_api; }
    }
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 2);
my (undef, $job) = submit(py_job(1000));
my $slow = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ENV{TEST_NGINX_SLOW_PORT}")
    or die $!;
setsockopt($slow, SOL_SOCKET, SO_RCVBUF, 4096);
print $slow "GET /submissions/$job->{id}/events HTTP/1.1\r\nHost: x\r\n\r\n";
sleep 0.3;
my $sent = 0;
my $deadline = time + 20;
while ($sent < 1000 && time < $deadline) {
    my ($id, $task, $n) = next_batch($w, 2);
    last unless $id;
    for my $i (0 .. $n - 1) {
        $w->send_msg(test_result_msg(job_id => $id, task_id => $task,
                                     index => $sent + $i, status => 'AC',
                                     stdout => 'x' x 16000));
    }
    $sent += $n;
    last if error_log_since() =~ /events client timed out/;
}
ok(wait_until(sub { error_log_since() =~ /events client timed out/ }, 10),
   'the non-reading client is let go');
is(job($job->{id})->{status}, 'RUNNING', 'while the job still runs');
--- no_error_log
[alert]
