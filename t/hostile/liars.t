# Workers that lie, played by scripted peers (Test::Judge::Wire) against a
# real nginx with the module: statuses outside the protocol, a worker that
# asks for the artifact for ever, heartbeats with numbers that are not
# numbers; and clients that open and drop event streams by the hundred.
# Each must cost the liar its work, never the judge its state.  A new lie
# is a new block.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(registered compile_result_msg test_result_msg
                         batch_result_msg heartbeat_msg pb_decode);
use FindBin;
use IO::Socket::INET;
use JSON::PP;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/../zone/helpers.pl";

run_tests();

__DATA__

=== a TestResult status of 0 or past the protocol's is IE for that test, not a pass
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 1);
my (undef, $job) = submit(py_job(2));
my %status = (0 => 0, 1 => 300);
my $seen = 0;
while ($seen < 2 and my ($id, $task, $n, $b) = next_batch($w)) {
    for my $t (tests_of($b)) {
        my $i = $t->{2}[0] // 0;
        $w->send_msg(test_result_msg(job_id => $id, task_id => $task,
                                     index => $i, status => $status{$i}));
        $seen++;
    }
    $w->send_msg(batch_result_msg(job_id => $id, task_id => $task,
                                  tests_run => $n));
}
my $r = wait_job($job->{id}, 'COMPLETED|FAILED', 5);
is(join(' ', map { $_->{verdict} } @{ $r->{tests} }), 'IE IE',
   'both tests IE');
is($r->{passed}, 0, 'none passed');
is($r->{verdict}, 'IE', 'the job IE');
--- error_log
judge: a worker sent status 0 for test 0
judge: a worker sent status 300 for test 1


=== a compile answered with a test's status (AC) or one past the protocol's is IE, not a compiled program
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_max_attempts 1;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 1);
for my $status ('AC', 300) {
    my (undef, $job) = submit({language => 'cpp', source => "int main(){} // $status",
                               tests => [{input => '', expected_output => ''}]});
    my ($name, $c) = $w->recv_cmd(5);
    is($name, 'compile', "the compile is sent ($status)");
    $w->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0],
                                    status => $status));
    my $r = wait_job($job->{id}, 'COMPLETED|FAILED', 5);
    is("$r->{status} $r->{verdict} $r->{compile}{status}", 'FAILED IE IE',
       "the job fails IE, its compile IE ($status)");
}
--- error_log
judge: a worker sent status 10 for a compile
judge: a worker sent status 300 for a compile


=== a worker that asks for the artifact for ever costs the job its attempts, then IE
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_max_attempts 3;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 2);
my (undef, $job) = submit({language => 'cpp', source => 'int main(){}',
                           tests => [{input => '', expected_output => ''}]});
my ($name, $c) = $w->recv_cmd(5);
is($name, 'compile', 'the compile');
$w->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0],
                                artifact => "\x7fELF" . 'x' x 100));
my $asked = 0;
while (my ($id, $task, $n) = next_batch($w, 3)) {
    $w->send_msg(batch_result_msg(job_id => $id, task_id => $task,
                                  need_artifact => 1));
    last if ++$asked > 10;
}
cmp_ok($asked, '<=', 4, "asked $asked times: the asking is bounded");
my $r = wait_job($job->{id}, 'COMPLETED|FAILED', 10);
is($r->{status}, 'FAILED', 'the job FAILED');
is($r->{verdict}, 'IE', 'with IE');


=== heartbeats with NaN, infinite and huge loads are shown as 0, not cast
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 2);
for my $load (9**9**9, -9**9**9, (9**9**9) / (9**9**9), 1e300, -5) {
    $w->send_msg(heartbeat_msg(load1 => $load, free_slots => 2));
    sleep 0.1;
    my (undef, $l) = http_json(GET => '/workers');
    is($l->{workers}[0]{load}, 0, "load $load shows as 0");
}
$w->send_msg(heartbeat_msg(load1 => 1.5));
ok(wait_until(sub { (http_json(GET => '/workers'))[1]{workers}[0]{load} == 1.5 }, 3),
   'a real load shows');
--- no_error_log
[alert]


=== event streams opened and dropped by the hundred leave no listeners behind
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 2);
my (undef, $job) = submit(py_job(1));
my ($id, $task) = next_batch($w);
for (1 .. 150) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port())
        or die $!;
    print $s "GET /submissions/$job->{id}/events HTTP/1.1\r\nHost: x\r\n\r\n";
    my $head = '';
    while ($head !~ /\r\n\r\n/ && sysread($s, my $buf, 4096)) { $head .= $buf }
    close $s;
}
my $r = http_request(GET => "/submissions/$job->{id}/events", '', [], 1);
like($r->as_string, qr/200 OK|: judge/, 'the 151st stream is served')
    or diag($r->as_string);
my $t0 = time;
my $waiter = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port());
print $waiter "GET /submissions/$job->{id}?wait=true HTTP/1.0\r\n\r\n";
sleep 0.5;
$w->send_msg(test_result_msg(job_id => $id, task_id => $task, index => 0,
                             status => 'AC'));
$w->send_msg(batch_result_msg(job_id => $id, task_id => $task, tests_run => 1));
local $/;
my $answer = <$waiter>;
like($answer, qr/"status":"COMPLETED"/, '?wait=true waited for the end');
cmp_ok(time - $t0, '>=', 0.5, 'rather than answering RUNNING at once');
--- no_error_log
[alert]
