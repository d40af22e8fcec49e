# The scheduler's bookkeeping against orderings a fleet can make happen:
# every job must end, or be sent, or be waiting on a timer or an event
# that will come.  Scripted workers (Test::Judge::Wire) give the
# orderings; a new one is a new block.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(registered compile_result_msg test_result_msg
                         batch_result_msg pb_decode);
use FindBin;
use JSON::PP;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/../zone/helpers.pl";

# A C++ job of three one-test batches: two go out, then a large Python
# job takes the cache directory past max_size and the artifact goes; one
# batch is answered, and the compile comes again.  Returns the worker, the
# job, the compile sent again, how a batch is answered and the batch still
# out (job id, task id).
sub evicted_and_compiled_again {
    my $w = worker('w1', slots => 1);
    my (undef, $a) = submit({language => 'cpp', source => 'int main(){}',
                             tests => [map { {input => "$_", expected_output => ''} }
                                       1 .. 3]});
    my ($name, $c) = $w->recv_cmd(5);
    is($name, 'compile', 'the compile');
    $w->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0],
                                    artifact => 'A' x 500_000));
    my @out;
    for (1 .. 2) {
        my ($id, $task) = next_batch($w);
        push @out, [$id, $task];
    }
    is(scalar(grep { defined $_->[0] && $_->[0] eq $a->{id} } @out), 2,
       'two batches of one test out (the worker holds two)');
    # a job whose tests take the cache directory past max_size: the artifact,
    # done with as far as the cache knows, goes
    my ($code, $b) = submit({language => 'python', source => 'x=1',
                          tests => [{input => 'x' x 600_000,
                                     expected_output => ''}]});
    is($code, 202, 'a job with a large test is taken');
    my $answer = sub {
        my ($id, $task, $index) = @_;
        $w->send_msg(test_result_msg(job_id => $id, task_id => $task,
                                     index => $index, status => 'AC'));
        $w->send_msg(batch_result_msg(job_id => $id, task_id => $task,
                                      tests_run => 1));
    };
    $answer->(@{ $out[0] }, 0);
    # the compile again comes, with the python jobs' batches (answered)
    my $again;
    my $t0 = time;
    while (!$again && time - $t0 < 10) {
        my ($n, $m) = $w->recv_cmd(1) or next;
        if ($n eq 'compile') {
            $again = $m;
        } elsif ($n eq 'execute_batch') {
            $answer->($m->{1}[0], $m->{2}[0], pb_decode($m->{7}[0])->{2}[0] // 0);
        }
    }
    ok($again, 'the evicted artifact is compiled again');
    return ($w, $a, $again, $answer, $out[1]);
}

run_tests();

__DATA__

=== an artifact evicted while its job runs is compiled again; the job's other batches go once it is, though none of them is out
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_cache_path $TEST_NGINX_SERVROOT/cache max_size=1m;
CONF
--- config eval: $::Loc
--- perl
my ($w, $a, $again, $answer, @out) = evicted_and_compiled_again();
# the last batch out ends before the compile does
$answer->(@{ $out[0] }, 1);
sleep 0.5;
$w->send_msg(compile_result_msg(task_id => $again->{2}[0],
                                hash => $again->{7}[0],
                                artifact => 'A' x 1000));
my ($id, $task);
my $t0 = time;
while (time - $t0 < 5 and ($id, $task, undef, my $m) = next_batch($w, 5)) {
    last if $id eq $a->{id};
    $answer->($id, $task, pb_decode($m->{7}[0])->{2}[0] // 0);
    $id = undef;
}
is($id, $a->{id}, 'its third batch goes once the compile is in');
$answer->($id, $task, 2) if $id;
my $done = wait_job($a->{id}, 'COMPLETED|FAILED', 5);
is($done->{status}, "COMPLETED", "the job completes") or diag(encode_json($done));
--- no_error_log
exited on signal


=== an artifact evicted while its job runs and compiled again with IE: the job fails IE, its compile shows that answer, not the first
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_cache_path $TEST_NGINX_SERVROOT/cache max_size=1m;
CONF
--- config eval: $::Loc
--- perl
my ($w, $a, $again, $answer, @out) = evicted_and_compiled_again();
$answer->(@{ $out[0] }, 1);
sleep 0.5;
$w->send_msg(compile_result_msg(task_id => $again->{2}[0],
                                hash => $again->{7}[0], status => 'IE',
                                output => 'the compiler was lost'));
my $r = wait_job($a->{id}, 'COMPLETED|FAILED', 5);
is("$r->{status} $r->{verdict}", 'FAILED IE', 'the job fails IE');
is($r->{compile}{status}, 'IE', 'its compile says IE');


=== a client whose batches hold several tests is not starved by one that keeps the worker topped up with one-test jobs
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_client_key $http_x_client;
CONF
--- config eval: $::Loc
--- perl
my $submit = sub {
    my ($client, $body) = @_;
    my $r = http_request(POST => '/submissions', encode_json($body),
                         ['Content-Type: application/json',
                          "X-Client: $client"]);
    return eval { decode_json($r->content) } // {};
};
my $w = worker('w1', slots => 2);
my %mine;
$mine{ $submit->('flood', py_job(1))->{id} } = 1 for 1 .. 4;
my @out = map { [next_batch($w)] } 1 .. 4;
is(scalar(grep { $mine{ $_->[0] // '' } } @out), 4,
   'the flooding client fills the worker (twice its slots)');
my $x = $submit->('patient', py_job(4))->{id};
my $got;
for my $round (1 .. 10) {
    # one of the flood's tests ends; it sends another at once
    my $o = shift @out;
    $w->send_msg(test_result_msg(job_id => $o->[0], task_id => $o->[1],
                                 index => 0, status => 'AC'));
    $mine{ $submit->('flood', py_job(1))->{id} } = 1;
    while (my ($id, $task, $n) = next_batch($w, 0.5)) {
        if ($id eq $x) {
            $got = $round;
            last;
        }
        push @out, [$id, $task, $n];
    }
    last if $got;
}
ok($got, 'the patient client, with nothing out, gets a batch'
         . ($got ? " (after $got of the flood's results)" : ''));
--- no_error_log
[alert]


=== a batch's result sent again (a failure, or asking for the artifact) once the batch is done does not send it again
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 1);
my (undef, $j) = submit(py_job(2));
my @out = map { [next_batch($w)] } 1 .. 2;
is(scalar(grep { ($_->[0] // '') eq $j->{id} } @out), 2, 'two batches of one test');
my ($id, $task) = @{ $out[0] };
$w->send_msg(test_result_msg(job_id => $id, task_id => $task, index => 0,
                             status => 'AC'));
$w->send_msg(batch_result_msg(job_id => $id, task_id => $task, tests_run => 1));
$w->send_msg(batch_result_msg(job_id => $id, task_id => $task,
                              system_error => 1));
$w->send_msg(batch_result_msg(job_id => $id, task_id => $task,
                              need_artifact => 1));
my @again = next_batch($w, 1.5);
ok(!@again, 'the done batch is not sent again');
$w->send_msg(test_result_msg(job_id => $id, task_id => $out[1][1], index => 1,
                             status => 'AC'));
my $done = wait_job($id, 'COMPLETED|FAILED', 5);
is($done->{status}, 'COMPLETED', 'the job completes');
--- no_error_log
[alert]
