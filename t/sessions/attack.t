# Code sessions and their runs under attack: workers that lie in their
# OutputChunk frames (gaps, overlaps, other tasks, huge offsets, a byte at
# a time, chunks of jobs that are not runs, chunks after the TestResult),
# sessions whose stdin is as large as a body may be, sessions that go
# while a run of theirs is followed, deleted sessions with more runs than
# their history, malformed runs against the rate, and the conditional
# saves of If-Match.  Each must cost the attacker, never the judge its
# state nor another client its session.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(registered test_result_msg batch_result_msg
                         pb_field_bytes pb_field_varint pb_decode);
use FindBin;
use IO::Socket::INET;
use JSON::PP;
use Time::HiRes qw(time sleep);
use Encode ();
use IO::Select;
use POSIX ();

require "$FindBin::Bin/../zone/helpers.pl";

our $Sessions = <<'CONF';
    judge_session_rate off;
    judge_session_max_failures off;
CONF


sub session {
    my (%o) = @_;
    my ($code, $s) = http_json(POST => '/code-sessions',
                         {language => 'python', source_code => 'print(1)', %o});
    return $code == 201 ? $s->{session_id} : undef;
}

# an OutputChunk frame (WorkerMessage field 7)
sub chunk_msg {
    my (%o) = @_;
    return pb_field_bytes(7, pb_field_bytes(1, $o{job_id})
                             . pb_field_varint(2, $o{task_id})
                             . pb_field_varint(3, $o{index} // 0)
                             . pb_field_varint(4, $o{stream} // 1)
                             . pb_field_varint(5, $o{offset})
                             . pb_field_bytes(6, $o{data}));
}

# the events of an execution read for a while (or until "done")
sub events_of {
    my ($id, $timeout) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port())
        or die "connect: $!";
    print $s "GET /executions/$id/events HTTP/1.0\r\n\r\n";
    my ($buf, $sel) = ('', IO::Select->new($s));
    my $deadline = time + ($timeout // 3);
    while ((my $left = $deadline - time) > 0) {
        last unless $sel->can_read($left);
        last unless sysread $s, my $c, 65536;
        $buf .= $c;
        last if $buf =~ /event: done\n/;
    }
    my (undef, $body) = split /\r\n\r\n/, $buf, 2;
    my @ev;
    for (split /\n\n/, $body // '') {
        push @ev, [$1, eval { decode_json($2) } // $2]
            if /^event: (\w+)\ndata: (.*)$/s;
    }
    return @ev;
}

run_tests();

__DATA__

=== a lying worker's OutputChunks: only what follows what was taken, of the task out to it, of a run not yet answered
--- http_config eval
$::Http . $::Sessions . <<'CONF';
    judge_zone judge:4m;
    judge_max_capture 64;
CONF
--- config eval: $::Loc
--- timeout: 60
--- perl
my $w = worker('w1', slots => 1);
my @pids = sort(live_pids());
my $sid = session();
my ($code, $run) = http_json(POST => "/code-sessions/$sid/run", {});
is($code, 202, 'run accepted');
my $exec = $run->{execution_id};
my ($id, $task, $n, $b) = next_batch($w, 5);
is($id, $exec, 'the run is sent');
ok($b->{13}[0], 'asking for its output as it comes');
my @lies = (
    [offset => 5, data => 'gap'],                          # a gap
    [offset => 0, data => 'abc'],                          # the start
    [offset => 1, data => 'bcde'],                         # overlaps: "de"
    [offset => 5, data => 'x', task_id => $task + 1000],   # another task
    [offset => 5, data => 'x', index => 7],                # no such test
    [offset => 5, data => 'x', stream => 3],               # no such stream
    [offset => 5, data => 'x', job_id => 'z' x 24],        # no such job
    [offset => 5, data => 'x', job_id => 'short'],
    [offset => 2**64 - 2, data => 'xyz'],                  # wraps
    [offset => 5, data => ''],                             # nothing
    [offset => 5, data => "\xe2\x82"],                     # half a character
    [offset => 7, data => "\xac!"],                        # its rest
);
for my $l (@lies) {
    my %o = (job_id => $id, task_id => $task, @$l);
    $w->send_msg(chunk_msg(%o));
}
# a byte at a time past judge_max_capture
$w->send_msg(chunk_msg(job_id => $id, task_id => $task, offset => 9 + $_,
                       data => 'y'))
    for 0 .. 199;
sleep 0.5;
my @ev = events_of($exec, 1);
my @out = map { $_->[1] } grep { $_->[0] eq 'output' } @ev;
my $text = join '', map { $_->{data} } @out;
is(substr($text, 0, 8), "abcde\x{20ac}!y", 'what follows, once, whole characters');
is(length($text), 7 + 64 - 9, 'no more than judge_max_capture');
my $at = 0;
for my $o (@out) {
    is($o->{offset}, $at, "an event at $at") or last;
    $at += length Encode::encode_utf8($o->{data});
}
$w->send_msg(test_result_msg(job_id => $id, task_id => $task, index => 0,
                             stdout => 'final'));
$w->send_msg(chunk_msg(job_id => $id, task_id => $task, offset => $at,
                       data => 'after the result'));
$w->send_msg(batch_result_msg(job_id => $id, task_id => $task, tests_run => 1));
my (undef, $e) = http_json(GET => "/executions/$exec?wait=true");
is($e->{status}, 'COMPLETED', 'completed');
is($e->{stdout}, 'final', 'its output is the result\'s');
@ev = events_of($exec, 2);
is(scalar(grep { $_->[0] eq 'output' && $_->[1]{data} =~ /after/ } @ev), 0,
   'nothing taken after the result');
# chunks of a submission that is not a run
my (undef, $sub) = submit(py_job(1));
($id, $task) = next_batch($w, 5);
is($id, $sub->{id}, 'a submission is sent');
$w->send_msg(chunk_msg(job_id => $id, task_id => $task, offset => 0,
                       data => 'not a run'));
$w->send_msg(test_result_msg(job_id => $id, task_id => $task, index => 0));
$w->send_msg(batch_result_msg(job_id => $id, task_id => $task, tests_run => 1));
my $r = wait_job($sub->{id}, 'COMPLETED|FAILED', 5);
is($r->{verdict}, 'AC', 'the submission is judged as ever');
is_deeply([sort(live_pids())], \@pids, 'the same nginx worker processes');
my $log = error_log_since(0);
crashes_ok($log);
unlike($log, qr/\[(?:alert|crit|emerg)\]/, 'no alert');


=== a session's stdin is held to judge_max_source_size as its source is
--- http_config eval
$::Http . $::Sessions . <<'CONF';
    judge_zone judge:4m;
    judge_max_source_size 64k;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1');
my ($code, $j) = http_json(POST => '/code-sessions',
                     {language => 'python', stdin => 'a' x (1024 * 1024)});
is($code, 413, 'a new session with 1 MiB of stdin: 413');
my $sid = session();
($code) = http_json(PATCH => "/code-sessions/$sid", {stdin => 'b' x (1024 * 1024)});
is($code, 413, 'a save of 1 MiB of stdin: 413');


=== sessions with large stdins do not evict another client's session from the cache directory
--- http_config eval
$::Http . $::Sessions . <<'CONF';
    judge_zone judge:4m;
    judge_cache_path $TEST_NGINX_SERVROOT/cache max_size=48m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1');
my $victim = session(source_code => 'my work');
ok($victim, 'a session');
my @codes;
for my $i (1 .. 12) {
    my ($code) = http_json(POST => '/code-sessions',
                     {language => 'python',
                      stdin => join('', map { sprintf '%08x', rand 2**32 }
                                        1 .. 512 * 1024)});
    push @codes, $code;
}
Test::More::note("sessions of 4 MiB of stdin: @codes");
my ($code) = http_json(GET => "/code-sessions/$victim");
is($code, 200, 'the other session is still there');


=== a session whose run is under way does not expire under it; the run's end is its activity
--- http_config eval
$::Http . $::Sessions . <<'CONF';
    judge_zone judge:4m;
    judge_session_ttl 1s;
CONF
--- config eval: $::Loc
--- timeout: 30
--- perl
my $w = worker('w1', slots => 1);
my $sid = session();
my (undef, $run) = http_json(POST => "/code-sessions/$sid/run", {});
my ($id, $task) = next_batch($w, 5);
$w->send_msg(chunk_msg(job_id => $id, task_id => $task, offset => 0,
                       data => "tick\n"));
sleep 2.5;
my ($code) = http_json(GET => "/executions/$run->{execution_id}");
is($code, 200, 'past its ttl, the run under way is there');
($code) = http_json(GET => "/code-sessions/$sid");
is($code, 200, 'and so is its session');
$w->send_msg(test_result_msg(job_id => $id, task_id => $task, index => 0,
                             stdout => "tick\n"));
my @ev = events_of($run->{execution_id}, 4);
my ($done) = grep { $_->[0] eq 'done' } @ev;
is($done ? $done->[0] : '', 'done', 'the run ends with "done"');
ok(wait_until(sub { http_get('/metrics')->content
                    =~ /^judge_sessions_expired_total 1$/m }, 10),
   'then, idle, the session expires');
($code) = http_json(GET => "/code-sessions/$sid");
is($code, 404, 'and is gone');


=== a session deleted while its run is followed: the follower gets "done" (cancelled)
--- http_config eval
$::Http . $::Sessions . <<'CONF';
    judge_zone judge:4m;
CONF
--- config eval: $::Loc
--- timeout: 30
--- perl
my $w = worker('w1', slots => 1);
my $sid = session();
my (undef, $run) = http_json(POST => "/code-sessions/$sid/run", {});
my ($id, $task) = next_batch($w, 5);
$w->send_msg(chunk_msg(job_id => $id, task_id => $task, offset => 0,
                       data => "tick\n"));
my $pid = fork // die "fork: $!";
if ($pid == 0) {
    sleep 0.5;
    http_json(DELETE => "/code-sessions/$sid");
    POSIX::_exit(0);
}
my @ev = events_of($run->{execution_id}, 4);
waitpid $pid, 0;
ok(scalar(grep { $_->[0] eq 'output' } @ev), 'its output was followed');
my ($done) = grep { $_->[0] eq 'done' } @ev;
is($done->[1]{reason} // '', 'cancelled', 'the stream ends with "done", cancelled');


=== If-Match: * is any revision (RFC 9110); a list is refused
--- http_config eval
$::Http . $::Sessions . <<'CONF';
    judge_zone judge:4m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1');
my $sid = session();
my ($code) = http_json(PATCH => "/code-sessions/$sid", {stdin => 'a'}, 'If-Match: *');
is($code, 200, 'If-Match: * saves');
($code) = http_json(PATCH => "/code-sessions/$sid", {stdin => 'b'}, 'If-Match: "1", "2"');
is($code, 400, 'a list of revisions: 400 (one revision, or *)');


=== a run refused as malformed (400) costs the session none of its judge_session_rate
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_session_rate 2r/m;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1');
my $sid = session();
my @codes = map { (http_json(POST => "/code-sessions/$sid/run", {bogus => 1}))[0] } 1 .. 2;
is_deeply(\@codes, [400, 400], 'two malformed runs: 400');
my ($code) = http_json(POST => "/code-sessions/$sid/run", {});
is($code, 202, 'a good run is still admitted');


=== deleting a session cancels every run of it not ended, not only those its history holds
--- http_config eval
$::Http . $::Sessions . <<'CONF';
    judge_zone judge:4m;
    judge_session_history 2;
CONF
--- config eval: $::Loc
--- perl
my $w = worker('w1', slots => 1);
my $sid = session();
my @ids = map { (http_json(POST => "/code-sessions/$sid/run", {}))[1]{execution_id} } 1 .. 6;
my ($id) = next_batch($w, 5);
is($id, $ids[0], 'the first run is out');
my ($code) = http_json(DELETE => "/code-sessions/$sid");
is($code, 204, 'deleted');
like(error_log_since(0), qr/deleted, 6 runs cancelled/, 'its six runs cancelled');
