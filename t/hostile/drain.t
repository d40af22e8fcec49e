# The hostile-client suite (see regex.t): stopping a worker whose tests
# would run for as long as their limits allow.  SIGTERM drains, but only
# for --drain-timeout: then the running tests are killed, the worker
# leaves, and the master has another worker judge them; a second SIGTERM
# does the same at once.

use Test::Judge::Nginx;
use FindBin;
use Time::HiRes qw(time);

require "$FindBin::Bin/helpers.pl";

our $Sleepy = {language => 'python',
               source => "import time\ntime.sleep(6)\nprint('ok')",
               limits => {cpu_time_ms => 1000, wall_time_ms => 60000},
               tests => [map { {id => "t$_", input => '',
                                expected_output => "ok\n"} } 1 .. 2]};

run_tests();

__DATA__

=== SIGTERM: the worker leaves at the drain timeout, the job completes on another worker
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1, slots => 2, args => ['--drain-timeout', '1']),
   'w1 up, drain timeout 1 s');
my $id = submit($::Sleepy);
ok(running($id, 10), 'its two tests sleep on w1');
ok(start_workers(1, slots => 2), 'w2 up');
kill 'TERM', $::Pid{w1};
my $took = exits_within($::Pid{w1}, 10);
ok(defined $took && $took < 2.5,
   sprintf('w1 exits at the drain timeout (%.1f s)', $took // -1));
my $r = finished_within(30, $id);
is($r->{status}, 'COMPLETED', 'the job completes');
is($r->{verdict}, 'AC', 'AC');
is(join(',', map { $_->{worker} } @{ $r->{tests} // [] }), 'w2,w2',
   'both tests judged by w2');
my $log = do { local (@ARGV, $/) = servroot() . '/logs/worker-w1.log'; <> };
like($log, qr/cancel: 2 running unit\(s\) killed/, 'w1 kills both tests');
ok(index($log, 'leaving the master (worker stopped by signal; 2 unfinished '
              . 'task(s) cancelled at the drain timeout, tasks abandoned)')
   >= 0, 'and says why it left undrained');


=== a second SIGTERM leaves at once, the running tests killed
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1, slots => 2), 'w1 up, drain timeout 30 s');
my $id = submit($::Sleepy);
ok(running($id, 10), 'its two tests sleep on w1');
ok(start_workers(1, slots => 2), 'w2 up');
kill 'TERM', $::Pid{w1};
ok(!defined exits_within($::Pid{w1}, 1), 'the first SIGTERM drains');
kill 'TERM', $::Pid{w1};
my $took = exits_within($::Pid{w1}, 10);
ok(defined $took && $took < 1.5,
   sprintf('the second leaves at once (%.1f s)', $took // -1));
my $r = finished_within(30, $id);
is($r->{verdict}, 'AC', 'the job completes, AC');
is(join(',', map { $_->{worker} } @{ $r->{tests} // [] }), 'w2,w2',
   'judged by w2');


=== a drain that ends in time is not cut short
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1, slots => 2, args => ['--drain-timeout', '20']),
   'w1 up, drain timeout 20 s');
my $id = submit($::Sleepy);
ok(running($id, 10), 'its two tests sleep on w1');
kill 'TERM', $::Pid{w1};
my $r = finished_within(30, $id);
is($r->{verdict}, 'AC', 'the job completes, AC');
is(join(',', map { $_->{worker} } @{ $r->{tests} // [] }), 'w1,w1',
   'on w1, which drained');
ok(defined exits_within($::Pid{w1}, 5), 'w1 exits');
my $log = do { local (@ARGV, $/) = servroot() . '/logs/worker-w1.log'; <> };
like($log, qr/leaving the master \(worker stopped by signal, drained\)/,
     'drained');


=== a draining worker gets no new work: a job that comes during the drain waits for another worker, its compile and tests intact
--- http_config eval: $::Http . "    judge_max_attempts 2;\n"
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1, slots => 1, args => ['--drain-timeout', '20']),
   'w1 up, one slot, drain timeout 20 s');
my $id = submit({%$::Sleepy, tests => [$::Sleepy->{tests}[0]]});
ok(running($id, 10), 'a test sleeps on w1');
kill 'TERM', $::Pid{w1};
sleep 0.5;
my $c = submit({language => 'c', source => "#include <stdio.h>\nint main(void){puts(\"7\");return 0;}\n",
                tests => [{input => '', expected_output => "7\n"}]});
my $py = submit({language => 'python', source => 'print(8)',
                 tests => [{input => '', expected_output => "8\n"}]});
sleep 2;
for my $j ($c, $py) {
    my (undef, $s) = http_json(GET => "/submissions/$j");
    like($s->{status}, qr/^(QUEUED|COMPILING|RUNNING)$/,
         "a job that came during the drain waits ($s->{status})");
}
is((http_json(GET => '/health'))[1]{free_slots}, 0,
   'the draining worker\'s slot is counted out once');
ok(start_workers(1, slots => 2), 'w2 up');
ok(wait_until(sub { (http_json(GET => '/health'))[1]{free_slots} <= 2 }, 3),
   'free slots stay within the fleet\'s');
my $r = finished_within(30, $c);
is($r->{verdict}, 'AC', 'the C job is compiled and judged AC');
$r = finished_within(30, $py);
is($r->{verdict}, 'AC', 'the Python job is judged AC');
is(join(',', map { $_->{worker} } @{ $r->{tests} }), 'w2', 'by w2');
$r = finished_within(30, $id);
is($r->{verdict}, 'AC', 'and the drained job completes on w1 all the same');


=== a draining worker hands back at once the batches it had not started; another worker runs them while it finishes its own
--- http_config eval: $::Http . "    judge_max_attempts 2;\n"
--- config eval: $::Config
--- timeout: 90
--- perl
ok(start_workers(1, slots => 1, args => ['--drain-timeout', '20']),
   'w1 up, one slot');
my $id = submit($::Sleepy);
ok(running($id, 10), 'one test sleeps on w1, the other waits in its queue');
ok(start_workers(1, slots => 1), 'w2 up');
my $t0 = time;
kill 'TERM', $::Pid{w1};
my $r = finished_within(30, $id);
is($r->{verdict}, 'AC', 'the job completes AC');
is(join(',', sort map { $_->{worker} } @{ $r->{tests} }), 'w1,w2',
   'one test on each worker');
cmp_ok(time - $t0, '<', 6.5, sprintf('in about one test\'s time (%.1f s)', time - $t0));
my $log = do { local (@ARGV, $/) = servroot() . '/logs/worker-w1.log'; <> };
like($log, qr/draining: 1 task\(s\) not started handed back/, 'w1 says so');


=== an idle worker that drains leaves the fleet's free slots as they should be
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 30
--- perl
ok(start_workers(2, slots => 2), 'w1 and w2 up');
ok(wait_until(sub { (http_json(GET => '/health'))[1]{free_slots} == 4 }, 5),
   'four free slots');
kill 'TERM', $::Pid{w1};
ok(defined exits_within($::Pid{w1}, 5), 'w1 drains and leaves');
ok(wait_until(sub { (http_json(GET => '/health'))[1]{workers} == 1 }, 5),
   'one worker left');
is((http_json(GET => '/health'))[1]{free_slots}, 2, 'with its two free slots');
