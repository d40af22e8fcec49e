# What the pipeline does for the zone and the workers, played step by step
# by scripted workers in this process (Test::Judge::Wire): every running
# task has a deadline, a cancel frees capacity at once, a worker only gets
# frames it announced it takes, artifacts above
# judge_max_artifact_size are CE, and artifacts a worker holds are named by
# hash instead of sent.  Helpers in t/zone/helpers.pl.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(registered compile_result_msg test_result_msg
                         batch_result_msg pb_decode);
use Digest::MD5 qw(md5_hex);
use FindBin;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/helpers.pl";

run_tests();

__DATA__

=== deadline: a batch never answered is cancelled and sent again, then the job fails with IE; the slot is free again
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:1m;
    judge_task_grace 500ms;
    judge_max_attempts 2;
CONF
--- config eval: $::Loc
--- timeout: 30
--- perl
my $w = worker('w1', slots => 1);
my ($code, $r) = submit(py_job(1, limits => {wall_time_ms => 200,
                                            cpu_time_ms => 100}));
is($code, 202, 'accepted');
my $id = $r->{id};
my ($name, $b) = $w->recv_cmd(5);
is($name, 'execute_batch', 'the batch arrives');
my $sent = time;
ok(!$b->{11}[0], 'as attempt 0');

# its deadline: grace 500 ms + ceil((0 queued + 1 test) / 1 slot)
# * (200 ms wall + 2 s) = 2.7 s; the poll timer looks every 200 ms
my ($cn, $c) = $w->recv_cmd(6);
my $late = time - $sent;
is($cn, 'cancel', 'the worker is told to drop it');
is($c->{1}[0], $id, 'the job');
is($c->{2}[0], $b->{2}[0], 'that task');
ok($late > 2.4 && $late < 4.5, sprintf('at the deadline (%.2fs)', $late));
is(job($id)->{status}, 'RUNNING', 'the job still runs');

my ($n2, $b2) = $w->recv_cmd(5);
is($n2, 'execute_batch', 'the batch is sent again');
is($b2->{11}[0], 1, 'as attempt 1');
isnt($b2->{2}[0], $b->{2}[0], 'as a new task');
$sent = time;

my ($cn2, $c2) = $w->recv_cmd(6);
is($cn2, 'cancel', 'silence again: cancelled again');
is($c2->{2}[0], $b2->{2}[0], 'that task');
my $done = wait_job($id, 'FAILED|COMPLETED', 3);
is($done->{status}, 'FAILED', 'after judge_max_attempts the job FAILED');
is($done->{verdict}, 'IE', 'with IE');
is(metric('judge_deadlines_total'), 2, 'metrics: two deadlines');

# the worker's capacity is back: with one slot it holds two tests at
# most, in batches of one (no more tests than it has slots)
my ($c3, $r3) = submit(py_job(2));
my @b3;
while (@b3 < 2 and my ($n3, $b3) = $w->recv_cmd(2)) {
    push @b3, $b3 if $n3 eq 'execute_batch';
}
is(scalar @b3, 2, 'a new job is dispatched at once');
is(join(',', map { scalar tests_of($_) } @b3), '1,1', 'a test in each batch');
for my $i (0, 1) {
    $w->send_msg(test_result_msg(job_id => $r3->{id}, task_id => $b3[$i]{2}[0],
                                 index => $i, status => 'AC'));
    $w->send_msg(batch_result_msg(job_id => $r3->{id},
                                  task_id => $b3[$i]{2}[0], tests_run => 1));
}
is(wait_job($r3->{id}, 'COMPLETED|FAILED', 5)->{status}, 'COMPLETED',
   'and completes when answered');
--- no_error_log
exited on signal


=== DELETE of a running job frees the worker's capacity at once
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:1m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 1);
my (undef, $a) = submit(py_job(2));
my @ba;
while (@ba < 2 and my ($n, $ba) = $w->recv_cmd(5)) {
    push @ba, $ba if $n eq 'execute_batch';
}
is(scalar @ba, 2, "A's batches arrive: the worker is full (2 x 1 slot)");
my (undef, $bj) = submit(py_job(1, source => 'print(2)'));
my ($none) = $w->recv_cmd(1);
ok(!defined $none, 'B waits for room');
my ($dc) = http_json(DELETE => "/submissions/$a->{id}");
is($dc, 200, 'A cancelled');
my $t0 = time;
my %got;
while (my ($name, $m) = $w->recv_cmd(2)) {
    $got{$name} = $m;
    last if $got{execute_batch};
}
is($got{cancel}{1}[0], $a->{id}, 'the worker is told to stop A');
is($got{execute_batch}{1}[0], $bj->{id}, "B's batch is sent");
cmp_ok(time - $t0, '<', 1, 'right away');
--- no_error_log
exited on signal


=== frames fit the worker: max_frame_size 1 MiB, four 400 KB tests and a 300 KB artifact
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:16m;
    judge_batch_size 4;
    judge_no_worker_timeout 2s;
CONF
--- config eval: $::Loc
--- timeout: 30
--- perl
my $limit = 1 << 20;
# the compiling worker goes (drains) before the batches are cut, so the
# runner that announced 1 MiB gets the artifact's bytes with its tests
my $wc = worker('wc', slots => 1, languages => [['cpp', 'C++', '12', 1]]);
my $wr = worker('wr', slots => 4,
                reg => {can_compile => 0, max_frame_size => $limit});
my @inputs = map { my $u = "test $_ " . join('', 'a' .. 'z');
                   substr($u x (400_000 / length($u) + 1), 0, 400_000) } 0 .. 3;
my ($code, $r) = submit({language => 'cpp', source => 'int main(){}',
                         tests => [map { {input => $_, expected_output => ''} }
                                   @inputs]});
is($code, 202, 'accepted');
my ($name, $c) = $wc->recv_cmd(5);
is($name, 'compile', 'the compile goes to the compiling worker');
my ($dc) = admin_json(POST => '/workers/wc/drain');
like($dc, qr/^20[02]$/, 'which then drains');
$wc->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0],
                                 artifact => 'B' x 300_000));
my (@frames, %inputs, $with_artifact);
while (my ($n, $b) = $wr->recv_cmd(3)) {
    next unless $n eq 'execute_batch';
    push @frames, $wr->{last_frame_len};
    $with_artifact++ if defined $b->{4} && length $b->{4}[0] == 300_000;
    for my $t (tests_of($b)) {
        $inputs{ $t->{2}[0] // 0 } = $t->{3}[0];
        $wr->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                                      index => $t->{2}[0] // 0, status => 'AC'));
    }
    $wr->send_msg(batch_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                                   tests_run => scalar tests_of($b)));
    last if keys %inputs == 4;
}
ok(@frames >= 2, scalar(@frames) . ' batches');
is(scalar(grep { $_ > $limit } @frames), 0,
   "every frame is at most 1 MiB (@frames)");
is($with_artifact, 1, 'the artifact travelled (once)');
is(join(',', map { ($inputs{$_} // '') eq $inputs[$_] ? 1 : 0 } 0 .. 3),
   '1,1,1,1', 'all four tests arrived whole');
my $done = wait_job($r->{id}, 'COMPLETED|FAILED', 5);
is("$done->{status} $done->{verdict}", 'COMPLETED AC', 'the job completes');

# a test alone too large for any worker's frame waits for one that takes
# it, as work nobody can run does, then fails saying why
my ($c2, $r2) = submit({language => 'python', source => 'print(1)',
                        tests => [{input => 'x' x (1536 << 10),
                                   expected_output => ''}]});
is($c2, 202, 'a 1.5 MiB test is accepted');
my $f = wait_job($r2->{id}, 'FAILED|COMPLETED', 10);
json_subset_ok($f, {status => 'FAILED', verdict => 'IE',
                    message => '/no worker taking frames of \d+ bytes came/'},
               'and fails with IE after judge_no_worker_timeout, saying why');
my ($none) = $wr->recv_cmd(0.5);
ok(!defined $none, 'nothing was sent for it');
--- no_error_log
exited on signal


=== artifact size limit: judge_max_artifact_size goes with the compile; a larger artifact is CE
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:1m;
    judge_max_artifact_size 1m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1');
my ($code, $r) = submit({language => 'cpp', source => 'int main(){}',
                         tests => [{input => '', expected_output => ''}]});
my ($name, $c) = $w->recv_cmd(5);
is($name, 'compile', 'compile task');
is($c->{8}[0], 1048576, 'max_artifact_size 1048576 with it');
$w->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0],
                                artifact => 'E' x 2_000_000));
my $done = wait_job($r->{id}, 'COMPLETED|FAILED', 5);
json_subset_ok($done, {status => 'COMPLETED', verdict => 'CE',
                       compile => {status => 'CE',
                                   output => '/the judge accepts at most 1048576/'}},
               'COMPLETED with CE, saying why');
my ($none) = $w->recv_cmd(0.5);
ok(!defined $none, 'no batch');
--- no_error_log
exited on signal


=== held artifacts: batches of two artifacts alternating on one worker carry only the hash
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:1m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 4);
my %hash;
my $answer = sub {
    my ($b) = @_;
    $w->send_msg(test_result_msg(job_id => $b->{1}[0], task_id => $b->{2}[0],
                                 index => 0, status => 'AC'));
};
my $cpp = sub { submit({language => 'cpp', source => "int main(){return $_[0];}",
                        tests => [{input => '', expected_output => ''}]}) };
my (undef, $a1) = $cpp->(1);
my (undef, $b1) = $cpp->(2);
for (1 .. 2) {
    my ($name, $c) = $w->recv_cmd(5);
    is($name, 'compile', "compile $_");
    $hash{ pb_decode($c->{4}[0])->{2}[0] } = $c->{7}[0];
    $w->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0],
                                    artifact => "ART$_" x 1000));
}
my ($ha, $hb) = @hash{'int main(){return 1;}', 'int main(){return 2;}'};
my %want = ($a1->{id} => $ha, $b1->{id} => $hb);
my @batches;
for (1 .. 2) {
    my ($name, $b) = $w->recv_cmd(5);
    push @batches, $b;
    $answer->($b);
}
for my $round (1 .. 4) {
    for my $k (1, 2) {
        my (undef, $j) = $cpp->($k);
        $want{ $j->{id} } = $k == 1 ? $ha : $hb;
        my ($name, $b) = $w->recv_cmd(5);
        is($name, 'execute_batch', "round $round: batch of " . ($k == 1 ? 'A' : 'B'));
        push @batches, $b;
        $answer->($b);
    }
}
is(scalar @batches, 10, 'ten batches');
is(scalar(grep { defined $_->{4} } @batches), 0, 'none carries the artifact bytes');
is(scalar(grep { ($_->{5}[0] // '') eq $want{ $_->{1}[0] } } @batches), 10,
   'each names its artifact by hash');

# a worker that says at registration which artifacts it holds
$w->close;
ok(wait_until(sub { workers_live() == 0 }, 5), 'the first worker left');
my $w2 = worker('w2', reg => {cached_artifacts => [$ha]});
my (undef, $j) = $cpp->(1);
my ($name, $b) = $w2->recv_cmd(5);
is($name, 'execute_batch', 'a worker holding A gets its batch');
ok(!defined $b->{4}, 'without the bytes');
is($b->{5}[0], $ha, 'by hash');
$w2->send_msg(test_result_msg(job_id => $j->{id}, task_id => $b->{2}[0],
                              index => 0, status => 'AC'));
(undef, $j) = $cpp->(2);
($name, $b) = $w2->recv_cmd(5);
is($name, 'execute_batch', 'and a batch of B, which it did not name');
is(length($b->{4}[0] // ''), length("ART2" x 1000), 'comes with the bytes');
--- no_error_log
exited on signal
