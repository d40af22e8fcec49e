# The hostile-client suite (see regex.t): cancelling work that would hold
# a worker's slots for as long as its limits allow.  A DELETE must stop the
# programs that are running, not only those still queued, so that the
# slots take the next job at once.

use Test::Judge::Nginx;
use FindBin;
use Time::HiRes qw(time);

require "$FindBin::Bin/helpers.pl";

run_tests();

__DATA__

=== DELETE of a job sleeping on both slots frees them within a second or two
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
ok(start_workers(1, slots => 2), 'worker up');
my $id = submit({language => 'python', source => "import time\ntime.sleep(1000)",
                 limits => {cpu_time_ms => 1000, wall_time_ms => 100000},
                 tests => [map { {id => "t$_", input => '',
                                  assertions => [{exitCode => 0}]} } 1 .. 2]});
ok($id, 'the sleeping job is accepted');
ok(running($id, 10), 'and runs on both slots');
my $t0 = time;
my ($code) = http_json(DELETE => "/submissions/$id");
is($code, 200, 'DELETE');
my $r = judge_within(10, {language => 'python', source => 'print("ok")',
    tests => [map { {id => "n$_", input => '', expected_output => "ok\n"} } 1 .. 2]});
my $took = time - $t0;
is($r->{verdict}, 'AC', 'the next job is judged');
cmp_ok($took, '<', 3, sprintf('right after the DELETE (%.1f s)', $took));
is((http_json(GET => "/submissions/$id"))[1]{status}, 'CANCELLED',
   'the first job stays CANCELLED');
