# Code sessions with real workers: a run's output on its SSE stream as
# the program writes it (and to a client that joins late), a run whose
# worker is killed mid-run finishing on another, a new session starting
# with its language's template, idle sessions expiring.

use Test::Judge::Nginx;
use JSON::PP;
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time sleep);

our $Http = <<'CONF';
    judge_zone judge:16m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
    judge_session_rate 600r/m;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

sub workers_up {
    my $n = shift;
    return wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == $n }, 20);
}

# The events of a stream, each [time since the start, name, data]; the
# stream is read to its end (or for "$limit" seconds).
sub events {
    my ($uri, $limit) = @_;
    my $start = time;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port(),
                                  Proto => 'tcp') or die "connect: $!";
    print $s "GET $uri HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    my $sel = IO::Select->new($s);
    my ($buf, @ev, $head) = ('');
    while (time - $start < ($limit // 20)) {
        last unless $sel->can_read(0.5) || 1;
        my $n = sysread $s, my $chunk, 65536;
        last if defined $n && $n == 0;
        next unless $n;
        $buf .= $chunk;
        unless ($head) {
            next unless $buf =~ s/^(.*?)\r\n\r\n//s;
            $head = $1;
        }
        # chunked framing: drop the size lines
        while ($buf =~ /\r\n/) {
            last unless $buf =~ s/^([0-9a-fA-F]+)\r\n//;
            my $len = hex $1;
            if (length($buf) < $len + 2) { $buf = sprintf("%x\r\n", $len) . $buf; last }
            my $data = substr($buf, 0, $len, '');
            $buf =~ s/^\r\n//;
            $ev[0] .= $data;
            while ($ev[0] =~ s/^(.*?)\n\n//s) {
                my $e = $1;
                next if $e =~ /^:/;
                my ($name) = $e =~ /^event: (.*)$/m;
                my ($d) = $e =~ /^data: (.*)$/m;
                push @ev, [time - $start, $name, decode_json($d)];
            }
        }
    }
    shift @ev;
    return @ev;
}

run_tests();

__DATA__

=== a run's output shows up on its event stream as the program writes it
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
spawn_worker('w1', slots => 1);
ok(workers_up(1), 'worker up');

my (undef, $s) = http_json(POST => '/code-sessions', {language => 'python',
    source_code => "import sys, time\nfor i in range(5):\n    print('line', i, flush=True)\n"
                 . "    print('warn', i, file=sys.stderr, flush=True)\n    time.sleep(0.4)\n"});
my $sid = $s->{session_id};
my ($c, $q) = http_json(POST => "/code-sessions/$sid/run", {});
is($c, 202, 'queued');

my @ev = events("/executions/$q->{execution_id}/events");
my @out = grep { $_->[1] eq 'output' && $_->[2]{stream} eq 'stdout' } @ev;
my @err = grep { $_->[1] eq 'output' && $_->[2]{stream} eq 'stderr' } @ev;
my ($done) = grep { $_->[1] eq 'done' } @ev;
my @status = map { $_->[2]{status} } grep { $_->[1] eq 'status' } @ev;

ok($done, 'a done event ends the stream');
is($done->[2]{status}, 'COMPLETED', 'the run completed');
is(join('', map { $_->[2]{data} } @out), $done->[2]{stdout},
   'the stdout pieces make the whole stdout');
is(join('', map { $_->[2]{data} } @err), $done->[2]{stderr},
   'the stderr pieces make the whole stderr');
ok(@out >= 3, 'stdout came in several pieces (' . scalar(@out) . ')');
ok($out[0] && $done && $done->[0] - $out[0][0] > 1.0,
   sprintf('the first line came %.2f s before the end', $out[0] ? $done->[0] - $out[0][0] : 0));
my $at = 0;
for my $o (@out) {
    $at = -1, last if $o->[2]{offset} != $at;
    $at += length $o->[2]{data};
}
ok($at >= 0, 'offsets follow one another');
is($status[-1], 'COMPLETED', 'the last status is the end');
ok((grep { $_ eq 'RUNNING' } @status), 'RUNNING was told');
is($out[0][2]{attempt}, 1, 'the first attempt');

# a client that comes after the end gets all of it at once
my @late = events("/executions/$q->{execution_id}/events");
is(join('', map { $_->[2]{data} } grep { $_->[1] eq 'output' && $_->[2]{stream} eq 'stdout' } @late),
   $done->[2]{stdout}, 'a late client gets what was written');
is($late[-1][1], 'done', 'then the end');

($c, $s) = http_json(GET => '/executions/0123456789abcdef01234567/events');
is($c, 404, 'events of no run: 404');


=== a run whose worker is killed mid-run is handed to another and finishes
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my $w1 = spawn_worker('w1', slots => 1);
ok(workers_up(1), 'worker up');

my (undef, $s) = http_json(POST => '/code-sessions', {language => 'python',
    source_code => "import time\nprint('start', flush=True)\ntime.sleep(1.5)\nprint('end')\n"});
my ($c, $q) = http_json(POST => "/code-sessions/$s->{session_id}/run", {});
ok(wait_until(sub { (http_json(GET => "/executions/$q->{execution_id}"))[1]{status} eq 'RUNNING' }, 10),
   'running on w1');
sleep 0.5;
kill 'KILL', $w1;
spawn_worker('w2', slots => 1);

my (undef, $e) = http_json(GET => "/executions/$q->{execution_id}?wait=true");
is($e->{status}, 'COMPLETED', 'it completed');
is($e->{stdout}, "start\nend\n", 'with the output of the attempt that finished');
is($e->{attempts}, 2, 'on the second attempt');


=== a new session starts with its language's template; languages say what sessions need
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
spawn_worker('w1', slots => 1);
ok(workers_up(1), 'worker up');

my ($c, $l) = http_json(GET => '/languages/python');
is($c, 200, 'python is offered');
like($l->{template_code}, qr/Hello, world!/, 'with a template');
is($l->{file_name}, 'main.py', 'its file name');
is($l->{runtime}, 'python3', 'its runtime');
is($l->{language_id}, 'python', 'language_id');
is($l->{default_time_limit_ms}, 1000, 'the default time limit');
is($l->{default_memory_mb}, 256, 'the default memory');

my (undef, $all) = http_json(GET => '/languages');
is($all->{total}, scalar @{ $all->{languages} }, 'total counts them');
ok(!exists $all->{languages}[0]{template_code}, 'the list leaves templates out');

my $s;
($c, $s) = http_json(POST => '/code-sessions', {language_id => 'python'});
is($c, 201, 'created by language_id');
is($s->{source_code}, $l->{template_code}, 'with the template');
my ($rc, $q) = http_json(POST => "/code-sessions/$s->{session_id}/run?wait=true", {});
is($rc, 200, 'run and waited for');
is($q->{stdout}, "Hello, world!\n", 'the template runs');


=== an idle session expires after judge_session_ttl
--- http_config eval: $::Http . "    judge_session_ttl 1s;\n"
--- config eval: $::Config
--- timeout: 30
--- perl
spawn_worker('w1', slots => 1);
ok(workers_up(1), 'worker up');
my ($c, $s) = http_json(POST => '/code-sessions', {language => 'python', source_code => 'x'});
SKIP: {
    skip 'python is not offered here', 4 unless $c == 201;
    my $id = $s->{session_id};
    ($c) = http_json(GET => "/code-sessions/$id");
    is($c, 200, 'there at first');
    # a read touches a session: the metrics say when it went
    ok(wait_until(sub { http_get('/metrics')->content
                        =~ /^judge_sessions_expired_total 1$/m }, 10),
       'it expires once idle for its ttl');
    ($c) = http_json(GET => "/code-sessions/$id");
    is($c, 404, 'and is gone');
    ok(1, 'expiry did not take the server down');
}


=== a full cache directory refuses new bytes (503 cache_full) and takes no session; old saves go at once
--- http_config eval: $::Http . "    judge_max_source_size 200k;\n    judge_cache_path \$TEST_NGINX_SERVROOT/cache max_size=1m;\n"
--- config eval: $::Config
--- timeout: 60
--- perl
spawn_worker('w1', slots => 1);
ok(workers_up(1), 'worker up');
my $metric = sub {
    my ($name) = @_;
    my ($v) = http_get('/metrics')->content =~ /^\Q$name\E (\d+)$/m;
    return $v // -1;
};

my (undef, $s) = http_json(POST => '/code-sessions', {language => 'python', source_code => 'print(0)'});
my $first = $s->{session_id};

# autosave: each revision's bytes replace the last's in the directory
my $files = $metric->('judge_cache_files');
for my $n (1 .. 50) {
    http_json(PATCH => "/code-sessions/$first", {source_code => "print($n)"});
}
ok($metric->('judge_cache_files') <= $files + 1,
   'fifty saves leave no fifty files behind (' . $metric->('judge_cache_files') . ')');

my @codes;
for my $n (1 .. 12) {
    my ($c) = http_json(POST => '/code-sessions',
                        {language => 'python', source_code => ('#' . $n x 150_000)});
    push @codes, $c;
}
ok((grep { $_ == 503 } @codes), 'sessions past the directory get 503: ' . join(' ', @codes));
my ($c, $j) = http_json(POST => '/code-sessions',
                        {language => 'python', source_code => 'x' x 150_000});
is($j->{error}{code}, 'cache_full', 'cache_full');
($c, $s) = http_json(GET => "/code-sessions/$first");
is($c, 200, 'the first session is still there');
is($s->{source_code}, 'print(50)', 'with its last save');
is($metric->('judge_sessions_evicted_total'), 0, 'no session was evicted');


=== a run in flight over a reload is run again, as its next attempt
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
spawn_worker('w1', slots => 1);
ok(workers_up(1), 'worker up');
my (undef, $s) = http_json(POST => '/code-sessions', {language => 'python',
    source_code => "import time\nprint('start', flush=True)\ntime.sleep(2)\nprint('end')\n"});
my ($c, $q) = http_json(POST => "/code-sessions/$s->{session_id}/run", {});
ok(wait_until(sub { (http_json(GET => "/executions/$q->{execution_id}"))[1]{status} eq 'RUNNING' }, 10),
   'running');
sleep 0.5;
reload_nginx();
my (undef, $e) = http_json(GET => "/executions/$q->{execution_id}?wait=true");
is($e->{status}, 'COMPLETED', 'it completes');
ok($e->{attempts} >= 1, "attempts: $e->{attempts}");
my @ev = events("/executions/$q->{execution_id}/events");
my @att = map { $_->[2]{attempt} } grep { $_->[1] eq 'output' } @ev;
my %seen;
my @starts = grep { $_->[1] eq 'output' && $_->[2]{offset} == 0
                    && $_->[2]{stream} eq 'stdout' } @ev;
is(scalar(@starts), $e->{attempts}, 'its output started over once an attempt');
is($att[-1], $e->{attempts}, 'the last output is of the last attempt');
