# The pipeline as a worker sees it, played from Perl so that every step
# (and every failure) is under the test's control: compile once, batches,
# results, verdicts, reassignment when a worker dies.  t/pipeline/*.t with
# real judge-worker processes check the same through the real thing.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(registered compile_result_msg test_result_msg
                         batch_result_msg pb_decode);
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:4m;
    judge_worker_token t;
CONF

sub worker {
    my ($id, %o) = @_;
    my $w;
    # a process of an older generation may take the dial after a reload
    # and send it on (Shutdown), as it would a real worker: dial again
    wait_until(sub {
        $w = registered(nginx_port(), 't', id => $id,
                        slots => $o{slots} // 2, tags => ['fast'],
                        languages => [['cpp', 'C++', '12', 1, ['-O2']],
                                      ['python', 'Python', '3']]);
    }, 5);
    return $w // die "not welcomed\n";
}

# waits until submission $id has $status; returns it as it then stands
sub finished {
    my ($id, $status) = @_;
    my $s;
    wait_until(sub { (undef, $s) = http_json(GET => "/submissions/$id");
                     $s->{status} eq $status }, 10);
    return $s;
}

sub submit {
    my ($body, $query) = @_;
    my ($code, $r, $resp) = http_json(POST => '/submissions' . ($query // ''),
                                      encode_json($body));
    return ($code, $r, $resp);
}

# A 1 MiB tmpfs as the cache directory (a disk smaller than max_size),
# unmounted when the test ends; undef when it cannot be mounted.
our $SmallCache = "    judge_cache_path \$TEST_NGINX_SERVROOT/small max_size=64m;\n";
our @Mounted;

sub small_disk {
    my $dir = servroot() . '/small';
    mkdir $dir or die "$dir: $!";
    return undef if system('mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs',
                           $dir) != 0;
    push @Mounted, $dir;
    return $dir;
}

END { system('umount', '-l', $_) for @Mounted }

sub tests_of { map { pb_decode($_) } @{ $_[0]->{7} // [] } }

# a one-test Python submission that worker $w judges AC with $stdout
sub judged_ac {
    my ($w, $stdout) = @_;
    my (undef, $r) = submit({language => 'python', source => 'print(1)',
                             tests => [{input => '', expected_output => "1\n"}]});
    my (undef, $b) = $w->recv_cmd(5);
    $w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                                 index => 0, status => 'AC', stdout => $stdout));
    finished($r->{id}, 'COMPLETED');
    return $r;
}

# runs the nginx binary of the block's server root with more arguments;
# returns its exit status
sub run_nginx {
    my ($args) = @_;
    local $ENV{LD_PRELOAD} = $ENV{TEST_NGINX_PRELOAD} if $ENV{TEST_NGINX_PRELOAD};
    my $nginx = $ENV{TEST_NGINX_BINARY} // '/usr/sbin/nginx';
    return system("$nginx -p " . servroot() . '/ -c conf/nginx.conf -e '
                  . servroot() . "/logs/error.log $args 2>/dev/null");
}

run_tests();

__DATA__

=== compile once, run the batch, verdict from the first failing test
--- http_config eval: $::Http . "    judge_batch_size 2;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('p1');
my ($code, $r, $resp) = submit({language => 'cpp', source => 'int main(){}',
    compiler_flags => ['-O2'],
    tests => [{id => 'a', input => "1\n", expected_output => "1\n"},
              {id => 'b', input => "2\n", expected_output => "2\n"}]});
is($code, 202, 'accepted');
like($resp->header('Location'), qr{^/submissions/[0-9a-f]{24}$}, 'Location');
my $id = $r->{id};

my ($name, $c) = $w->recv_cmd(5);
is($name, 'compile', 'compile task');
my $src = pb_decode($c->{4}[0]);
is($src->{2}[0], 'int main(){}', 'with the source');
is($c->{5}[0], '-O2', 'and the flags');
is($c->{3}[0], 'cpp', 'and the language');
like($c->{7}[0], qr/^[0-9a-f]{64}$/, 'named by its hash');
my (undef, $s) = http_json(GET => "/submissions/$id");
is($s->{status}, 'COMPILING', 'compiling');

$w->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0],
                                artifact => 'BINARY', output => 'warning: x'));
my ($bn, $b) = $w->recv_cmd(5);
is($bn, 'execute_batch', 'batch task');
is($b->{1}[0], $id, 'for the job');
ok(!defined $b->{4}, 'the compiling worker has the artifact: not sent');
is($b->{5}[0], $c->{7}[0], 'named by its hash');
my @t = tests_of($b);
is(scalar @t, 2, 'both tests');
is($t[1]{3}[0], "2\n", 'inputs travel');
is($t[1]{1}[0], 'b', 'ids travel');

$w->send_msg(test_result_msg(job_id => $id, task_id => $b->{2}[0], index => 1,
                             test_id => 'b', status => 'WA', stdout => "3\n"));
$w->send_msg(test_result_msg(job_id => $id, task_id => $b->{2}[0], index => 0,
                             test_id => 'a', status => 'AC', stdout => "1\n"));
$w->send_msg(batch_result_msg(job_id => $id, task_id => $b->{2}[0], tests_run => 2));

my $done;
$done = finished($id, 'COMPLETED');
is($done->{status}, 'COMPLETED', 'completed');
json_subset_ok($done, {verdict => 'WA', passed => 1, total => 2,
    score => '/^0\.5/', language => 'cpp',
    compile => {status => 'OK', output => 'warning: x', cached => JSON::PP::false,
                worker => 'p1'},
    created_at => '/^\d{4}-\d\d-\d\dT/', finished_at => '/Z$/'}, 'verdict');
is(join(',', map { "$_->{id}:$_->{verdict}:$_->{worker}" } @{ $done->{tests} }),
   'a:AC:p1,b:WA:p1', 'tests in test order, with the worker');

# the same source again: no compile, the cached artifact
($code, $r) = submit({language => 'cpp', source => 'int main(){}',
    compiler_flags => ['-O2'], tests => [{input => "1\n", expected_output => "1\n"}]});
($name, $b) = $w->recv_cmd(5);
is($name, 'execute_batch', 'straight to the batch');
ok(!defined $b->{4}, 'the worker holds the artifact: not sent again');
$w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                             index => 0, status => 'AC'));
$done = finished($r->{id}, 'COMPLETED');
is($done->{status}, 'COMPLETED', 'completed');
is($done->{compile}{cached}, JSON::PP::true, 'cached');
is($done->{verdict}, 'AC', 'AC');
my $m = http_get('/metrics')->content;
like($m, qr/^judge_compiles_total 1$/m, 'metrics: one compile');
like($m, qr/^judge_cache_hits_total 1$/m, 'metrics: one cache hit');
like($m, qr/^judge_verdicts_total\{verdict="WA"\} 1$/m, 'metrics: one WA');
like($m, qr/^judge_tests_total 3$/m, 'metrics: three tests');


=== a compile error ends the job with CE and the compiler output
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('p1');
my ($code, $r) = submit({language => 'cpp', source => 'oops',
                         tests => [{input => '', expected_output => ''}]});
my ($name, $c) = $w->recv_cmd(5);
$w->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0],
                                status => 'CE', output => "main.cpp:1: error\n",
                                artifact => ''));
my $done;
$done = finished($r->{id}, 'COMPLETED');
is($done->{status}, 'COMPLETED', 'completed');
json_subset_ok($done, {verdict => 'CE', passed => 0,
                       compile => {status => 'CE', output => "main.cpp:1: error\n"}},
               'CE with output');
like(http_get('/metrics')->content, qr/^judge_verdicts_total\{verdict="CE"\} 1$/m,
     'metrics count it as CE');


=== ten identical submissions at once compile once
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('p1', slots => 8);
my @ids;
for (1 .. 10) {
    my ($code, $r) = submit({language => 'cpp', source => 'same',
                             tests => [{input => '', expected_output => ''}]});
    push @ids, $r->{id};
}
my ($name, $c) = $w->recv_cmd(5);
is($name, 'compile', 'one compile');
my ($again) = $w->recv_cmd(1);
ok(!defined $again, 'and no second one');
$w->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0]));
my %batches;
while (my ($n, $b) = $w->recv_cmd(2)) {
    $batches{ $b->{1}[0] } = $b;
    last if keys %batches == 10;
}
is(scalar keys %batches, 10, 'ten batches after one compile');
for my $id (keys %batches) {
    $w->send_msg(test_result_msg(job_id => $id, task_id => $batches{$id}{2}[0],
                                 index => 0, status => 'AC'));
}
ok(wait_until(sub { !grep { (http_json(GET => "/submissions/$_"))[1]{status} ne 'COMPLETED' } @ids }, 5),
   'all ten completed');
my $cached = grep { (http_json(GET => "/submissions/$_"))[1]{compile}{cached} } @ids;
is($cached, 9, 'nine of them used the cached artifact');


=== a worker that dies mid-batch: the batch goes to another, every test judged once
--- http_config eval: $::Http . "    judge_batch_size 3;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w1 = worker('w1', slots => 1);
my ($code, $r) = submit({language => 'python', source => 'print(1)',
    tests => [map { {input => "$_", expected_output => "1\n"} } 1 .. 3]});
my ($name, $b) = $w1->recv_cmd(5);
is($name, 'execute_batch', 'w1 got the batch');
is($b->{6} ? pb_decode($b->{6}[0])->{2}[0] : '', 'print(1)', 'interpreted: the source travels');
$w1->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                              index => 0, status => 'AC'));
sleep 0.3;
$w1->close;
my $w2 = worker('w2', slots => 1);
my ($n2, $b2) = $w2->recv_cmd(5);
is($n2, 'execute_batch', 'w2 got the batch again');
is($b2->{11}[0], 1, 'as attempt 1');
for my $i (0 .. 2) {
    $w2->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b2->{2}[0],
                                  index => $i, status => 'AC'));
}
my $done;
$done = finished($r->{id}, 'COMPLETED');
is($done->{status}, 'COMPLETED', 'completed');
is($done->{verdict}, 'AC', 'AC');
is(scalar @{ $done->{tests} }, 3, 'three results, each test once');
is(join(',', map { $_->{worker} } @{ $done->{tests} }), 'w1,w2,w2',
   'the one judged before the death is kept');


=== a batch that keeps failing ends the job FAILED with IE after judge_max_attempts
--- http_config eval: $::Http . "    judge_max_attempts 2;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my ($code, $r) = submit({language => 'python', source => 'x',
                         tests => [{input => '', expected_output => ''}]});
for (1 .. 2) {
    my ($name, $b) = $w->recv_cmd(5);
    is($name, 'execute_batch', "attempt $_");
    $w->send_msg(batch_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                                  system_error => 1,
                                  message => "reason $_ \xff"));
}
my $done;
$done = finished($r->{id}, 'FAILED');
is($done->{status}, 'FAILED', 'failed');
is($done->{verdict}, 'IE', 'IE');
like($done->{message}, qr/gave up on 1 tests after 2 failed attempts/,
     'saying why');
like($done->{message}, qr/; the last said: reason 2 \?\z/,
     'with the last worker\'s words, made UTF-8');
like(error_log_since(0), qr/job \Q$r->{id}\E failed: the judge gave up on 1 tests after 2 failed attempts/,
     'and the log says so too');


=== reloads let workers go without counting it against their batches: three reloads under judge_max_attempts 2, and the job still completes
--- http_config eval: $::Http . "    judge_max_attempts 2;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my ($code, $r) = submit({language => 'python', source => 'x',
                         tests => [{input => '', expected_output => "1\n"}]});
my ($name, $b);
for my $n (1 .. 3) {
    ($name, $b) = $w->recv_cmd(5);
    is($name, 'execute_batch', "the batch is out ($n)");
    ok(!$b->{11}[0], 'as attempt 0');
    ok(reload_nginx(), "reload $n");
    my ($bye) = $w->recv_cmd(5);
    is($bye, 'shutdown', 'the worker is let go');
    $w->close;
    # a process of the old generation takes connections until it hears
    # of the reload: one that took this worker would let it go again
    ok(old_generation_gone(), 'the old generation has exited');
    $w = worker('w1');
}
($name, $b) = $w->recv_cmd(5);
is($name, 'execute_batch', 'out again after the last reload');
$w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                             index => 0, status => 'AC', stdout => "1\n"));
my $done = finished($r->{id}, 'COMPLETED');
is($done->{verdict}, 'AC', 'and it completes AC');


=== wait=true holds the request until the verdict, across processes
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my $pid = fork // die;
if ($pid == 0) {
    my ($name, $b) = $w->recv_cmd(5);
    my $job = $b->{1}[0];
    sleep 0.3;
    $w->send_msg(test_result_msg(job_id => $job, task_id => $b->{2}[0],
                                 index => 0, status => 'AC'));
    sleep 0.5;
    POSIX::_exit(0);
}
my ($code, $r) = submit({language => 'python', source => 'x',
                         tests => [{input => '', expected_output => ''}]}, '?wait=true');
is($code, 200, '200 when done');
is($r->{status}, 'COMPLETED', 'completed');
is($r->{verdict}, 'AC', 'AC');
waitpid $pid, 0;


=== Server-Sent Events: one per test as it finishes, then the verdict; late join replays
--- http_config eval: $::Http . "    judge_batch_size 10;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my ($code, $r) = submit({language => 'python', source => 'x',
    tests => [map { {id => "t$_", input => '', expected_output => ''} } 1 .. 3]});
my ($name, $b) = $w->recv_cmd(5);
my $pid = fork // die;
if ($pid == 0) {
    for my $i (2, 0, 1) {
        sleep 0.2;
        $w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                                     index => $i, test_id => "t" . ($i + 1),
                                     status => $i == 0 ? 'WA' : 'AC'));
    }
    sleep 0.5;
    POSIX::_exit(0);
}
my $resp = http_request('GET', "/submissions/$r->{id}/events");
waitpid $pid, 0;
is($resp->code, 200, 'stream');
is($resp->header('Content-Type'), 'text/event-stream', 'event stream');
my @events = $resp->content =~ /^event: (\w+)\ndata: (.*)$/mg;
my @tests = map { decode_json($events[2 * $_ + 1])->{id} }
            grep { $events[2 * $_] eq 'test' } 0 .. $#events / 2;
is(join(',', @tests), 't3,t1,t2', 'tests in finishing order');
is($events[-2], 'verdict', 'verdict last');
is(decode_json($events[-1])->{verdict}, 'WA', 'verdict WA');

my $late = http_request('GET', "/submissions/$r->{id}/events");
my @again = $late->content =~ /^event: (\w+)$/mg;
is(join(',', @again), 'test,test,test,verdict', 'a late client gets it all');


=== cancel tells the worker and ends the job
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my ($code, $r) = submit({language => 'python', source => 'x',
                         tests => [{input => '', expected_output => ''}]});
my ($name, $b) = $w->recv_cmd(5);
my ($dc, $d) = http_json(DELETE => "/submissions/$r->{id}");
is($dc, 200, 'cancelled');
is($d->{status}, 'CANCELLED', 'status CANCELLED');
my ($cn, $cancel) = $w->recv_cmd(5);
is($cn, 'cancel', 'the worker is told');
is($cancel->{1}[0], $r->{id}, 'which job');
my ($again) = http_json(DELETE => "/submissions/$r->{id}");
is($again, 409, 'cancelling again: 409');
like(http_get('/metrics')->content, qr/^judge_verdicts_total\{verdict="CANCELLED"\} 1$/m,
     'metrics count it as CANCELLED');


=== a task called back before its mail reached the stream's process is not sent: only the cancel arrives
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my (undef, $l) = admin_json(GET => '/workers');
my $owner = $l->{workers}[0]{nginx}{pid};
ok($owner, "the stream is held by process $owner");
# stopped, that process takes no requests and reads no mail: the other
# one takes the submission and mails it the batch, then takes the cancel
kill 'STOP', $owner;
# a process not yet stopped may still take the connection's wakeup from
# the other (EPOLLEXCLUSIVE) and then stop with it unaccepted
ok(wait_until(sub {
       open my $f, '<', "/proc/$owner/stat" or return 0;
       return ((<$f> // '') =~ /^\d+ \(.*\) (\S)/)[0] eq 'T';
   }, 5), 'it is stopped');
my ($code, $r) = submit({language => 'python', source => 'x',
                         tests => [{input => '', expected_output => ''}]});
is($code, 202, 'accepted by the other process');
my ($dc) = http_json(DELETE => "/submissions/$r->{id}");
is($dc, 200, 'and cancelled there');
kill 'CONT', $owner;
my ($name) = $w->recv_cmd(5);
is($name, 'cancel', 'the worker hears of the cancel');
ok(!defined(($w->recv_cmd(1))[0]), 'and of nothing else: no batch');
my ($c2, $r2) = submit({language => 'python', source => 'x',
                        tests => [{input => '', expected_output => "1\n"}]});
my ($n2, $b2) = $w->recv_cmd(5);
is($n2, 'execute_batch', 'the next job goes to the worker');
$w->send_msg(test_result_msg(job_id => $r2->{id}, task_id => $b2->{2}[0],
                             index => 0, status => 'AC', stdout => "1\n"));
is(finished($r2->{id}, 'COMPLETED')->{verdict}, 'AC', 'and is judged');


=== a full language's queue does not hold up another's: twenty Python jobs wait, a Bash job goes at once
--- http_config eval: $::Http . "    judge_client_jobs 0;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $py = registered(nginx_port(), 't', id => 'py', slots => 1,
                    languages => [['python', 'Python', '3']]) // die;
my $sh = registered(nginx_port(), 't', id => 'sh', slots => 1,
                    languages => [['bash', 'Bash', '5']]) // die;
my @ids;
for (1 .. 22) {
    my ($c, $r) = submit({language => 'python', source => "print($_)",
                          tests => [{input => '', expected_output => ''}]});
    push @ids, $r->{id};
}
my $n = 0;
$n++ while ($py->recv_cmd(1))[0];
is($n, 2, 'the Python worker holds two batches (twice its slot), twenty wait');
my ($c, $r) = submit({language => 'bash', source => 'echo 1',
                      tests => [{input => '', expected_output => "1\n"}]});
my ($name, $b) = $sh->recv_cmd(5);
is($name, 'execute_batch', 'the Bash job goes to its worker at once');
$sh->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                              index => 0, status => 'AC', stdout => "1\n"));
is(finished($r->{id}, 'COMPLETED')->{verdict}, 'AC', 'and is judged');
like((http_json(GET => "/submissions/$ids[-1]"))[1]{status}, qr/^(QUEUED|RUNNING)$/,
     'while the last Python job still waits');


=== jobs no worker can ever take do not hold up the ones it can: ten Python jobs too large for any frame, then a small one goes at once
--- http_config eval: $::Http . "    judge_client_jobs 0;\n    judge_client_key \$http_x_client;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $py = registered(nginx_port(), 't', id => 'py', slots => 2,
                    max_frame_size => 262144,
                    languages => [['python', 'Python', '3']]) // die;
for (1 .. 10) {
    my $r = http_request(POST => '/submissions',
        encode_json({language => 'python', source => "print($_)",
                     tests => [{input => 'x' x 300000, expected_output => ''}]}),
        ['Content-Type: application/json', 'X-Client: big']);
    is($r->code, 202, "a job too large for the worker's frames ($_)");
}
my $r = http_request(POST => '/submissions',
    encode_json({language => 'python', source => 'print(1)',
                 tests => [{input => '', expected_output => "1\n"}]}),
    ['Content-Type: application/json', 'X-Client: small']);
my $id = decode_json($r->content)->{id};
my ($name, $b) = $py->recv_cmd(3);
is($name, 'execute_batch', 'the small job goes to the worker at once');
is($b->{1}[0], $id, 'that one');


=== a submission while the workers reconnect waits for them
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
$w->close;
ok(wait_until(sub { (http_json(GET => '/health'))[1]{workers} == 0 }, 5), 'gone');
my ($code, $r) = submit({language => 'python', source => 'x',
                         tests => [{input => '', expected_output => ''}]});
is($code, 202, 'taken all the same: its workers left moments ago');
my $w2 = worker('w2');
my ($name, $b) = $w2->recv_cmd(5);
is($name, 'execute_batch', 'the worker that comes back gets it');
$w2->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                              index => 0, status => 'AC'));
my $done;
$done = finished($r->{id}, 'COMPLETED');
is($done->{status}, 'COMPLETED', 'completed');


=== when no worker comes back, the submission fails after judge_no_worker_timeout
--- http_config eval: $::Http . "    judge_no_worker_timeout 1s;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
$w->close;
ok(wait_until(sub { (http_json(GET => '/health'))[1]{workers} == 0 }, 5), 'gone');
my ($c1, $py) = submit({language => 'python', source => 'x',
                        tests => [{input => '', expected_output => ''}]});
my ($c2, $cc) = submit({language => 'cpp', source => 'int main(){}',
                        tests => [{input => '', expected_output => ''}]});
is("$c1 $c2", '202 202', 'both taken');
my ($a, $b);
ok(wait_until(sub { (undef, $a) = http_json(GET => "/submissions/$py->{id}");
                    (undef, $b) = http_json(GET => "/submissions/$cc->{id}");
                    $a->{status} eq 'FAILED' && $b->{status} eq 'FAILED' }, 5),
   'both failed');
json_subset_ok($a, {verdict => 'IE', message => '/no worker able to run python/'},
               'interpreted: IE, saying why');
json_subset_ok($b, {verdict => 'IE', compile => {status => 'IE',
                    message => '/no worker able to compile cpp/'}},
               'compiled: IE, saying why');
my $w2 = worker('w2');
my ($c3, $again) = submit({language => 'cpp', source => 'int main(){}',
                           tests => [{input => '', expected_output => ''}]});
my ($name) = $w2->recv_cmd(5);
is($name, 'compile', 'a failed compile is not cached: compiled afresh');


=== bulk bytes live in the cache directory: a 512k zone carries a 270 KiB test and a 1 MiB artifact
--- http_config
    judge_zone judge:512k;
    judge_worker_token t;
    judge_batch_size 2;
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my $input = join '', map { chr(65 + $_ % 26) } 1 .. (270 << 10);
my ($code, $r) = submit({language => 'cpp', source => 'big',
                         tests => [{input => $input, expected_output => 'x'},
                                   {input => $input, expected_output => 'y'}]});
is($code, 202, 'accepted');
my ($name, $c) = $w->recv_cmd(5);
is($name, 'compile', 'compile task');
my $artifact = 'A' x (1 << 20);
$w->send_msg(compile_result_msg(task_id => $c->{2}[0], hash => $c->{7}[0],
                                artifact => $artifact));
my ($bn, $b) = $w->recv_cmd(5);
is($bn, 'execute_batch', 'the batch arrives');
my @t = tests_of($b);
is(scalar @t, 2, 'with both tests');
ok($t[0]{3}[0] eq $input && $t[1]{3}[0] eq $input, 'inputs whole');
for my $i (0, 1) {
    $w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                                 index => $i, status => 'AC', stdout => 'o' x 100000));
}
my $done = finished($r->{id}, 'COMPLETED');
is($done->{verdict}, 'AC', 'judged');
is(length $done->{tests}[1]{stdout}, 16384,
   'results come back from the files, a worker\'s output cut to judge_max_capture');
ok($done->{tests}[1]{stdout_truncated}, 'and flagged as cut');
my $m = http_get('/metrics')->content;
my ($files) = $m =~ /^judge_cache_files (\d+)$/m;
ok($files >= 4, "the cache directory holds them ($files files)");


=== stop_on_first_failure: a later test failing first waits for the earlier ones
--- http_config eval: $::Http . "    judge_batch_size 1;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1', slots => 4);
my ($code, $r) = submit({language => 'python', source => 'x', stop_on_first_failure => JSON::PP::true,
    tests => [map { {id => "t$_", input => '', expected_output => ''} } 1 .. 6]});
my %task;
while (my ($n, $b) = $w->recv_cmd(1)) {
    my ($t) = map { pb_decode($_) } @{ $b->{7} };
    $task{ $t->{2}[0] // 0 } = $b->{2}[0];
}
ok(exists $task{0} && exists $task{2}, 'tests 1 and 3 are out');
$w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $task{2}, index => 2,
                             test_id => 't3', status => 'WA'));
sleep 0.3;
my (undef, $s) = http_json(GET => "/submissions/$r->{id}");
is($s->{status}, 'RUNNING', 'test 3 failed, but tests 1 and 2 are not in yet');
$w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $task{0}, index => 0,
                             test_id => 't1', status => 'AC'));
$w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $task{1}, index => 1,
                             test_id => 't2', status => 'TLE'));
my $done;
$done = finished($r->{id}, 'COMPLETED');
is($done->{status}, 'COMPLETED', 'completed');
is($done->{verdict}, 'TLE', 'the verdict is the first failure in test order');
is($done->{passed}, 1, 'one passed');


=== "nginx -t", "nginx -s reload" and a second nginx that fails to start leave the running instance's cache directory alone
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my $r = judged_ac($w, "kept\n");
my @files = glob(servroot() . '/judge_cache/[br]-*');
ok(@files >= 3, 'the cache directory holds the job\'s files');
is(run_nginx('-t -q'), 0, 'nginx -t');
is(run_nginx('-s reload'), 0, 'nginx -s reload');
isnt(run_nginx(''), 0,
     'a second nginx on the same configuration fails (the port is taken)');
sleep 0.5;
is(scalar(() = glob(servroot() . '/judge_cache/[br]-*')), scalar @files,
   'the files are all there');
my (undef, $s) = http_json(GET => "/submissions/$r->{id}");
is($s->{tests}[0]{stdout}, "kept\n", 'the result is read from them');
--- allow_alerts
Address already in use
still could not bind


=== a restart starts a new instance and sweeps the files of the one before
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
judged_ac($w, "gone\n");
my $dir = servroot() . '/judge_cache';
my @old = glob("$dir/[br]-*");
ok(scalar(grep { m{/b-} } @old), 'blobs in the cache directory');
ok(scalar(grep { m{/r-} } @old), 'and results');
$w->close;
ok(restart_nginx(), 'nginx restarted');
my @left = grep { -e } @old;
is(scalar @left, 0, 'nothing of the instance before is left') or diag("@left");
$w = worker('w2');
my $r = judged_ac($w, "new\n");
my (undef, $s) = http_json(GET => "/submissions/$r->{id}");
is($s->{tests}[0]{stdout}, "new\n", 'the new instance judges');


=== judge_cache_path changes with a restart, not a reload: the reload is refused and the judge goes on
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my $r = judged_ac($w, "kept\n");
my $conf = servroot() . '/conf/nginx.conf';
open my $in, '<', $conf or die $!;
my $text = do { local $/; <$in> };
close $in;
$text =~ s/judge_zone /judge_cache_path elsewhere;\n    judge_zone /;
open my $out, '>', $conf or die $!;
print $out $text;
close $out;
run_nginx('-s reload');
ok(wait_until(sub { error_log_since(0) =~ /judge_cache_path changes with a restart/ }, 5),
   'the reload is refused, saying why');
my (undef, $s) = http_json(GET => "/submissions/$r->{id}");
is($s->{tests}[0]{stdout}, "kept\n", 'the result is still read from the files');
--- allow_alerts
judge_cache_path changes with a restart


=== a full disk under the cache directory: new submissions get 503 cache_full, a job whose result cannot be kept fails saying so, and the log is not flooded
--- setup
$main::Small = small_disk();
--- http_config eval
$::Http . $::SmallCache . "    judge_max_attempts 2;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
SKIP: {
skip 'a tmpfs cannot be mounted here (not root?)', 12 unless $main::Small;
my $dir = $main::Small;
my $w = worker('w1');
my ($code, $r) = submit({language => 'python', source => 'print(1)',
                         tests => [{input => '', expected_output => "1\n"}]});
is($code, 202, 'taken while there is room');
my (undef, $b) = $w->recv_cmd(5);
# someone else fills the disk
system("dd if=/dev/zero of=$dir/filler bs=64k 2>/dev/null");
my ($c2, $r2) = submit({language => 'python', source => 'print(2)',
                        tests => [{input => '', expected_output => "2\n"}]});
is($c2, 503, 'a new submission: 503');
is($r2->{error}{code}, 'cache_full', 'cache_full, not a broken cache');
$w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                             index => 0, status => 'AC',
                             stdout => 'x' x 20000));
$w->send_msg(batch_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                              tests_run => 1));
my $done = finished($r->{id}, 'FAILED');
is($done->{status}, 'FAILED', 'the result does not fit: the job fails');
like($done->{message}, qr/the results of 1 tests could not be kept: the disk of the judge's cache directory is full/,
     'saying why');
ok(!defined(($w->recv_cmd(1))[0]), 'the worker is not made to run it again');
unlike(error_log_since(0), qr/failed on the worker/, 'nor blamed');
my @full = error_log_since(0) =~ /the cache directory's disk is full/g;
ok(@full >= 1 && @full <= 2, 'the full disk is logged, not at every write ('
   . scalar(@full) . ')');
unlink "$dir/filler";
my ($c3, $r3) = submit({language => 'python', source => 'print(3)',
                        tests => [{input => '', expected_output => "3\n"}]});
is($c3, 202, 'room again: taken');
my (undef, $b3) = $w->recv_cmd(5);
$w->send_msg(test_result_msg(job_id => $r3->{id}, task_id => $b3->{2}[0],
                             index => 0, status => 'AC', stdout => "3\n"));
is(finished($r3->{id}, 'COMPLETED')->{verdict}, 'AC', 'and judged');
}
--- no_error_log
[crit]


=== a disk smaller than max_size fills with results: finished jobs past their minimum make room, and the judge goes on
--- setup
$main::Small = small_disk();
--- http_config eval
$::Http . $::SmallCache . "    judge_result_min_ttl 0;\n    judge_max_capture 256k;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
SKIP: {
skip 'a tmpfs cannot be mounted here (not root?)', 4 unless $main::Small;
my $dir = $main::Small;
my $w = worker('w1');
my (@ids, @bad);
for my $n (1 .. 12) {
    my ($code, $r) = submit({language => 'python', source => "print($n)",
                             tests => [{input => '', expected_output => ''}]});
    push(@bad, "$n: $code"), next unless $code == 202;
    my (undef, $b) = $w->recv_cmd(5);
    $w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                                 index => 0, status => 'AC',
                                 stdout => chr(64 + $n) x 200000));
    my $s = finished($r->{id}, 'COMPLETED');
    push @bad, "$n: $s->{status}" unless $s->{status} eq 'COMPLETED';
    push @ids, $r->{id};
}
is("@bad", '', 'twelve jobs of 200 KB results on a 1 MB disk all taken and completed');
my (undef, $last) = http_json(GET => "/submissions/$ids[-1]");
is(length($last->{tests}[0]{stdout} // ''), 200000, 'the last one\'s result whole');
my ($first) = http_json(GET => "/submissions/$ids[0]");
is($first, 404, 'the first one made room');
}
--- no_error_log
[crit]


=== a job whose files someone removed is still shown, saying its results are gone
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my $r = judged_ac($w, "1\n");
unlink glob(servroot() . '/judge_cache/r-*');
my ($c, $s) = http_json(GET => "/submissions/$r->{id}");
is($c, 200, 'found');
json_subset_ok($s, {status => 'COMPLETED', verdict => 'AC', passed => 1,
                    message => 'the results are gone from the cache directory'},
               'what the zone knows, and why the tests are missing');
is(scalar @{ $s->{tests} }, 0, 'no tests');


=== a finished job's answer, read again and again, shows its results file as it stands: rewritten, removed, put back
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my $r = judged_ac($w, "one\n");
my ($file) = glob(servroot() . '/judge_cache/r-*');
sub outputs {
    join ' ', map { my (undef, $s) = http_json(GET => "/submissions/$r->{id}");
                    $s->{tests}[0]{stdout} // $s->{message} } 1 .. 6;
}
is(outputs(), join(' ', ("one\n") x 6), 'read six times');
open my $fh, '<', $file or die $!;
my $was = do { local $/; <$fh> };
close $fh;
(my $now = $was) =~ s/one/two/;
open $fh, '+<', $file or die $!;
print $fh $now;
close $fh;
is(outputs(), join(' ', ("two\n") x 6), 'rewritten in place: what it says now');
unlink $file;
is(outputs(), join(' ', ('the results are gone from the cache directory') x 6),
   'removed: gone');
open $fh, '>', $file or die $!;
print $fh $was;
close $fh;
is(outputs(), join(' ', ("one\n") x 6), 'put back: read again');


=== event-stream clients that leave give their place back: 100 open-and-close cycles, then one more is served
--- http_config eval: $::Http
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
use IO::Socket::INET;
my $w = worker('w1');
my ($code, $r) = submit({language => 'python', source => 'print(1)',
                         tests => [{input => '', expected_output => "1\n"}]});
my ($name, $b) = $w->recv_cmd(5);
my $served = 0;
for (1 .. 100) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port(),
                                  Timeout => 5) or next;
    print $s "GET /submissions/$r->{id}/events HTTP/1.1\r\nHost: x\r\n\r\n";
    my $head = '';
    while ($head !~ /: judge/) {
        sysread($s, my $chunk, 4096) or last;
        $head .= $chunk;
    }
    $served++ if $head =~ m{^HTTP/1.1 200};
    close $s;
}
is($served, 100, 'every one was served');
sleep 0.3;
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port(), Timeout => 5);
print $s "GET /submissions/$r->{id}/events HTTP/1.1\r\nHost: x\r\n\r\n";
sysread($s, my $head, 4096);
like($head, qr{^HTTP/1.1 200}, 'and the next one too');
$w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                             index => 0, status => 'AC', stdout => "1\n"));
my $all = $head;
while ($all !~ /event: verdict/) {
    sysread($s, my $chunk, 65536) or last;
    $all .= $chunk;
}
like($all, qr/event: verdict/, 'which gets the verdict');


=== a test result whose status is no verdict counts as the judge's failure, never as passed
--- http_config eval: $::Http . "    judge_batch_size 3;\n"
--- config
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
--- perl
my $w = worker('w1');
my ($code, $r) = submit({language => 'python', source => 'print(1)',
                         tests => [map { {input => '', expected_output => "1\n"} } 1 .. 3]});
my ($name, $b) = $w->recv_cmd(5);
my @status = (256, 0, 1);
for my $i (0 .. 2) {
    $w->send_msg(test_result_msg(job_id => $r->{id}, task_id => $b->{2}[0],
                                 index => $i, status => $status[$i]));
}
my $done = finished($r->{id}, 'COMPLETED');
json_subset_ok($done, {verdict => 'IE', passed => 0}, 'IE, none passed');
is(join(',', map { $_->{verdict} } @{ $done->{tests} }), 'IE,IE,IE',
   'statuses 256, 0 and OK are no verdicts');
