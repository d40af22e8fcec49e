# The Judge0 and Piston dialects run as an operator runs them: hundreds of
# clients at once against small judge_client_jobs and judge_queue_size,
# a reload and a stop while waits are open, a judge-worker killed
# mid-run, judge_wait_timeout reached, Piston clients that go before the
# end, a token read on another frontend of one Redis and after a
# restart, a token past judge_result_ttl, and a judge0 location whose
# language table is missing.

use Test::Judge::Nginx;
use FindBin;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use Time::HiRes qw(time sleep);

require "$FindBin::Bin/../redis/helpers.pl";

our $Http = <<'CONF';
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
    judge_client_key $http_x_client;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location /judge0/ {
        judge_api judge0 languages=$TEST_NGINX_REPO/conf/judge0_languages.conf;
    }
    location /api/v2/ { judge_api piston; }
    location = /worker { judge_worker_endpoint; }
CONF

our $RedisHttp = $Http . <<'CONF';
    judge_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    judge_redis_timeout 300ms;
CONF

# a Python program that sleeps "secs" and then echoes its input's line
sub sleepy { "import time\ntime.sleep($_[0])\nprint(input())" }

sub judge0_body {
    my ($source, $stdin) = @_;
    return encode_json({language_id => 71, source_code => $source,
                        stdin => $stdin, wall_time_limit => 20});
}

sub piston_body {
    my ($source, $stdin) = @_;
    return encode_json({language => 'python', version => '3.x',
                        files => [{content => $source}], stdin => $stdin,
                        run_timeout => 20000});
}

# one raw HTTP/1.0 request, sent now and answered later (see answers())
sub send_request {
    my ($method, $path, $body, $client) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . nginx_port())
        or return undef;
    $body //= '';
    print $s "$method $path HTTP/1.0\r\nContent-Type: application/json\r\n"
           . "X-Client: " . ($client // 'c') . "\r\n"
           . "Content-Length: " . length($body) . "\r\n\r\n$body";
    return $s;
}

# The answers to the sent requests, in order: [status, JSON or undef,
# Retry-After or undef];
# status 0 for a request not answered within "secs" (or not sent).
sub answers {
    my ($secs, @socks) = @_;
    my %raw;
    my %open = map { ($_ => $socks[$_]) } grep { $socks[$_] } 0 .. $#socks;
    my $sel = IO::Select->new(values %open);
    my %index = map { (fileno($open{$_}) => $_) } keys %open;
    my $deadline = time + $secs;
    while ($sel->count && time < $deadline) {
        for my $s ($sel->can_read($deadline - time)) {
            my $i = $index{fileno $s};
            my $n = sysread $s, my $chunk, 65536;
            if ($n) {
                $raw{$i} .= $chunk;
                next;
            }
            $sel->remove($s);
            close $s;
            delete $open{$i};
        }
    }
    close $_ for values %open;
    return map {
        my $r = exists $open{$_} ? '' : $raw{$_} // '';
        my ($code, $head, $json)
            = $r =~ m{^HTTP/1\.\d (\d+)(.*?)\r\n\r\n(.*)$}s;
        my ($retry) = ($head // '') =~ /^Retry-After: *(\d+)/mi;
        [$code // 0, eval { decode_json($json // '') }, $retry];
    } 0 .. $#socks;
}

# at least "n" workers are registered (within "secs", 20)
sub workers_up {
    my ($n, $secs) = @_;
    return wait_until(sub {
        (((http_json(GET => '/health'))[1] // {})->{workers} // 0) >= $n
    }, $secs // 20);
}

sub spawn_workers {
    my ($n, %o) = @_;
    spawn_worker("w$_", %o) for 1 .. $n;
    return workers_up($n);
}

# the native API's active submissions (/metrics)
sub active {
    my $r = http_request(GET => '/metrics');
    return ($r->content // '') =~ /^judge_submissions_active\S* (\d+)/m
           ? $1 : -1;
}

# How the answers of one dialect went: ok (judged, the right output),
# refused (the dialect's 429 or 503, with Retry-After), and what else
# came, as text
sub tally {
    my ($dialect, $want, @answers) = @_;
    my %t = (ok => 0, refused => 0, other => []);
    for my $a (@answers) {
        my ($code, $j) = @$a;
        if ($dialect eq 'judge0' && $code == 201 && ref $j eq 'HASH'
            && ($j->{status}{id} // 0) == 3 && ($j->{stdout} // '') eq $want)
        {
            $t{ok}++;
        } elsif ($dialect eq 'piston' && $code == 200 && ref $j eq 'HASH'
                 && ($j->{run}{stdout} // '') eq $want)
        {
            $t{ok}++;
        } elsif (($code == 429 || $code == 503) && ref $j eq 'HASH'
                 && keys %$j == 1 && ($a->[2] // 0) >= 1
                 && defined $j->{$dialect eq 'judge0' ? 'error' : 'message'})
        {
            $t{refused}++;
        } else {
            push @{ $t{other} }, "$code " . encode_json($j // 'no JSON');
        }
    }
    return \%t;
}

run_tests();

__DATA__

=== hundreds of Piston executes and Judge0 waits on small shares and a small queue: judged, or the dialect's 429/503
--- http_config eval: $::Http . "    judge_client_jobs 2;\n    judge_queue_size 8;\n    judge_wait_timeout 60s;\n"
--- config eval: $::Config
--- timeout: 120
--- perl
ok(spawn_workers(1, slots => 2), 'a worker with two slots');
my @socks;
for my $i (0 .. 299) {
    push @socks, $i % 2
        ? send_request(POST => '/api/v2/execute',
                       piston_body(sleepy(0.05), "p$i"), "c" . $i % 30)
        : send_request(POST => '/judge0/submissions?wait=true',
                       judge0_body(sleepy(0.05), "j$i"), "c" . $i % 30);
}
my @batches = map {
    send_request(POST => '/judge0/submissions/batch', encode_json({
        submissions => [map { decode_json(judge0_body(sleepy(0), "b$_")) }
                        1 .. 5]}), "b$_")
} 1 .. 20;
my $t0 = time;
my @a = answers(90, @socks);
diag(sprintf '300 requests answered in %.1f s', time - $t0);
my @b = answers(30, @batches);
my ($tokens, $errors, @odd) = (0, 0);
for my $b (@b) {
    my ($code, $j) = @$b;
    my @items = ref $j eq 'ARRAY' ? @$j : ();
    push @odd, encode_json($b) unless $code == 201 && @items == 5;
    for my $item (@items) {
        if (defined $item->{token}) { $tokens++ }
        elsif (defined $item->{error}) { $errors++ }
        else { push @odd, encode_json($item) }
    }
}
is(scalar @odd, 0, 'each batch is 201 with a token or an error an item')
    or diag(join "\n", @odd[0 .. ($#odd < 9 ? $#odd : 9)]);
diag("batches under load: $tokens filed, $errors refused");
my (@j, @p);
for my $i (0 .. 299) { push @{ $i % 2 ? \@p : \@j }, [$i, $a[$i]] }
my (%ok, %refused);
for my $set (['judge0', \@j], ['piston', \@p]) {
    my ($dialect, $list) = @$set;
    my @other;
    for my $e (@$list) {
        my ($i, $a) = @$e;
        my $t = tally($dialect, ($dialect eq 'judge0' ? 'j' : 'p') . "$i\n",
                      $a);
        $ok{$dialect} += $t->{ok};
        $refused{$dialect} += $t->{refused};
        push @other, @{ $t->{other} };
    }
    is(scalar @other, 0, "every $dialect answer is a judging or a refusal")
        or diag(join "\n", @other[0 .. ($#other < 9 ? $#other : 9)]);
    cmp_ok($ok{$dialect}, '>', 0, "$dialect: $ok{$dialect} judged");
    cmp_ok($refused{$dialect}, '>', 0, "$dialect: $refused{$dialect} refused");
}
ok(wait_until(sub { active() == 0 }, 20), 'nothing is left active');
# the refused ones come back until each is judged
my %left = map { ($_ => 1) } 0 .. 299;
delete $left{$_} for grep {
    tally($_ % 2 ? 'piston' : 'judge0', ($_ % 2 ? 'p' : 'j') . "$_\n",
          $a[$_])->{ok}
} 0 .. 299;
my ($rounds, @bad) = (0);
$t0 = time;
while (%left && time - $t0 < 90 && !@bad) {
    my @i = sort { $a <=> $b } keys %left;
    my @back = answers(60, map {
        $_ % 2 ? send_request(POST => '/api/v2/execute',
                              piston_body(sleepy(0.05), "p$_"), "c" . $_ % 30)
               : send_request(POST => '/judge0/submissions?wait=true',
                              judge0_body(sleepy(0.05), "j$_"), "c" . $_ % 30)
    } @i);
    for my $k (0 .. $#i) {
        my $t = tally($i[$k] % 2 ? 'piston' : 'judge0',
                      ($i[$k] % 2 ? 'p' : 'j') . "$i[$k]\n", $back[$k]);
        delete $left{$i[$k]} if $t->{ok};
        push @bad, @{ $t->{other} };
    }
    $rounds++;
    sleep 0.2;
}
is(scalar keys %left, 0, "sent again while refused, each is judged in the end")
    or diag(join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)]);
diag(sprintf 'all 300 judged after %d rounds, %.1f s', $rounds, time - $t0);
ok(wait_until(sub { active() == 0 }, 20), 'nothing is left active');
my ($code, $r) = http_json(POST => '/judge0/submissions?wait=true',
                           judge0_body(sleepy(0), 'after'));
is($r->{stdout}, "after\n", 'and the next submission is judged');
($code, $r) = http_json(POST => '/judge0/submissions/batch',
    {submissions => [map { decode_json(judge0_body(sleepy(1), "s$_")) }
                     1 .. 5]}, 'X-Client: solo');
is($code, 201, 'a batch of five from one client');
ok(defined $r->[0]{token} && defined $r->[1]{token},
   'two filed (judge_client_jobs 2)') or diag(encode_json($r));
like($r->[$_]{error} // '', qr/judge_client_jobs/, "item $_ refused")
    for 2 .. 4;

=== a reload while Judge0 and Piston waits are open: each still gets its run
--- http_config eval: $::Http . "    judge_wait_timeout 60s;\n"
--- config eval: $::Config
--- timeout: 90
--- perl
ok(spawn_workers(1, slots => 4), 'a worker with four slots');
my @socks = map {
    $_ % 2 ? send_request(POST => '/api/v2/execute',
                          piston_body(sleepy(2), "r$_"), "c$_")
           : send_request(POST => '/judge0/submissions?wait=true',
                          judge0_body(sleepy(2), "r$_"), "c$_")
} 0 .. 5;
sleep 0.7;
ok(reload_nginx(), 'reloaded while they wait');
my @a = answers(60, @socks);
for my $i (0 .. 5) {
    my $t = tally($i % 2 ? 'piston' : 'judge0', "r$i\n", $a[$i]);
    is($t->{ok}, 1, "request $i is judged across the reload")
        or diag(encode_json($a[$i]));
}
ok(wait_until(sub { active() == 0 }, 20), 'nothing is left active');

=== a stop while Judge0 and Piston waits are open: each client gets its dialect's answer once no worker can come, and nginx starts again
--- http_config eval: $::Http . "    judge_wait_timeout 60s;\n    judge_no_worker_timeout 3s;\n"
--- config eval: $::Config
--- timeout: 90
--- perl
ok(spawn_workers(1, slots => 4), 'a worker with four slots');
my @socks = map {
    $_ % 2 ? send_request(POST => '/api/v2/execute',
                          piston_body(sleepy(3), "s$_"), "c$_")
           : send_request(POST => '/judge0/submissions?wait=true',
                          judge0_body(sleepy(3), "s$_"), "c$_")
} 0 .. 5;
sleep 0.7;
my $t0 = time;
ok(restart_nginx(), 'stopped (QUIT) and started while they wait');
diag(sprintf 'the stop and start took %.1f s', time - $t0);
my @a = answers(30, @socks);
for my $i (0 .. 5) {
    my ($code, $j) = @{ $a[$i] };
    if ($i % 2) {
        is($code, 500, "Piston execute $i: 500") or diag(encode_json($a[$i]));
        like($j->{message} // '', qr/could not run/, 'with its message');
    } else {
        is($code, 201, "Judge0 wait $i: 201") or diag(encode_json($a[$i]));
        is($j->{status}{id}, 13, 'Internal Error');
        like($j->{message} // '', qr/no worker/, 'saying why');
    }
}
ok(workers_up(1, 30), 'the worker is back');
my ($code, $r) = http_json(POST => '/judge0/submissions?wait=true',
                           judge0_body(sleepy(0), 'after'));
is($r->{stdout}, "after\n", 'and the next submission is judged');

=== a judge-worker killed mid-run: the job is run on another, the waiting clients get their answers
--- http_config eval: $::Http . "    judge_wait_timeout 60s;\n    judge_task_grace 1s;\n"
--- config eval: $::Config
--- timeout: 90
--- perl
my $pid = spawn_worker('w1', slots => 2);
ok(workers_up(1), 'one worker with two slots');
my @socks = (send_request(POST => '/judge0/submissions?wait=true',
                          judge0_body(sleepy(2), 'k0'), 'c0'),
             send_request(POST => '/api/v2/execute',
                          piston_body(sleepy(2), 'k1'), 'c1'));
ok(wait_until(sub {
    Test::Judge::Nginx::slurp(servroot() . '/logs/worker-w1.log')
        =~ /run|batch/i
}, 10), 'the worker took them');
sleep 0.5;
ok(kill('KILL', $pid), 'the worker is killed mid-run');
spawn_worker('w2', slots => 2);
my @a = answers(60, @socks);
is(tally('judge0', "k0\n", $a[0])->{ok}, 1, 'the Judge0 wait is answered')
    or diag(encode_json($a[0]));
is(tally('piston', "k1\n", $a[1])->{ok}, 1, 'the Piston execute is answered')
    or diag(encode_json($a[1]));

=== judge_wait_timeout: Judge0 shows the unfinished submission, Piston answers 503 and cancels the job
--- http_config eval: $::Http . "    judge_wait_timeout 1s;\n"
--- config eval: $::Config
--- timeout: 60
--- perl
ok(spawn_workers(1, slots => 1), 'one worker with one slot');
my ($code, $r) = http_json(POST => '/judge0/submissions?wait=true',
                           judge0_body(sleepy(3), 'w'));
is($code, 201, 'Judge0: 201 at the timeout');
ok(($r->{status}{id} // 0) == 1 || ($r->{status}{id} // 0) == 2,
   'with status 1 or 2') or diag(encode_json($r));
my $token = $r->{token};
like($token, qr/^\S+$/, 'and its token');
ok(wait_until(sub {
    ((http_json(GET => "/judge0/submissions/$token"))[1]{status}{id} // 0) == 3
}, 20), 'the submission goes on to its end');
is((http_json(GET => "/judge0/submissions/$token"))[1]{stdout}, "w\n",
   'and its output');
my $t0 = time;
($code, $r) = http_json(POST => '/api/v2/execute', piston_body(sleepy(30), 'x'));
is($code, 503, 'Piston: 503 at the timeout');
like($r->{message} // '', qr/judge_wait_timeout/, 'saying why');
ok(wait_until(sub { active() == 0 }, 5), 'the job is no longer active');
like(http_request(GET => '/metrics')->content,
     qr/^judge_verdicts_total\{[^}]*"(CANCELLED|cancelled|IE)"[^}]*\} [1-9]/m,
     'it was cancelled');
($code, $r) = http_json(POST => '/api/v2/execute', piston_body(sleepy(0), 'y'));
is($r->{run}{stdout}, "y\n", 'the one slot takes the next run at once');
cmp_ok(time - $t0, '<', 10, 'not after the cancelled one slept its 30 s');

=== Piston clients that go before the end: their runs are cancelled, the slot taken by the next at once
--- http_config eval: $::Http . "    judge_wait_timeout 60s;\n"
--- config eval: $::Config
--- timeout: 60
--- perl
ok(spawn_workers(1, slots => 1), 'one worker with one slot');
my @socks = map {
    send_request(POST => '/api/v2/execute', piston_body(sleepy(30), "g$_"),
                 "c$_")
} 1 .. 40;
ok(wait_until(sub { active() == 40 }, 10), 'forty runs are filed');
sleep 1;
close $_ for @socks;
ok(wait_until(sub { active() == 0 }, 10), 'gone from the active ones');
my $n = () = error_log_since()
             =~ /piston run \w+ cancelled: its client went/g;
is($n, 40, 'each cancelled, and logged');
my $t0 = time;
my ($code, $r) = http_json(POST => '/api/v2/execute',
                           piston_body(sleepy(0), 'next'));
is($r->{run}{stdout}, "next\n", 'the next run is judged');
cmp_ok(time - $t0, '<', 5, 'on the freed slot');

=== judge_result_ttl: a Judge0 token past it answers 404 in Judge0's shape
--- http_config eval: $::Http . "    judge_result_ttl 2s;\n    judge_result_min_ttl 1s;\n"
--- config eval: $::Config
--- timeout: 60
--- perl
ok(spawn_workers(1), 'a worker');
my ($code, $r) = http_json(POST => '/judge0/submissions?wait=true',
                           judge0_body(sleepy(0), 'e'));
is($r->{stdout}, "e\n", 'judged');
my $token = $r->{token};
is((http_json(GET => "/judge0/submissions/$token"))[0], 200, 'readable');
my $t0 = time;
ok(wait_until(sub {
    (http_json(GET => "/judge0/submissions/$token"))[0] == 404 }, 20),
   'gone after judge_result_ttl');
diag(sprintf '404 %.1f s after its end', time - $t0);
($code, $r) = http_json(GET => "/judge0/submissions/$token");
is_deeply($r, {error => 'submission not found'}, "in Judge0's shape");
($code, $r) = http_json(GET => "/judge0/submissions/batch?tokens=$token");
is($code, 200, 'a batch GET of it');
is_deeply($r, {submissions => [undef]}, 'shows null for it');
($code, $r) = http_json(DELETE => "/judge0/submissions/$token");
is($code, 404, 'a DELETE of it is 404');
is_deeply($r, {error => 'submission not found'}, "in Judge0's shape");

=== Redis: a Judge0 token of frontend A is read, batch-read and deleted on B, and answers on A after A's restart
--- setup: $ENV{TEST_NGINX_REDIS_PORT} = start_redis() if redis_available();
--- http_config eval: $::RedisHttp . "    judge_result_ttl 8s;\n    judge_result_min_ttl 1s;\n"
--- config eval: $::Config
--- timeout: 120
--- perl
SKIP: {
skip 'redis-server is not installed', 1 unless redis_available();
ok(spawn_workers(1, slots => 2), 'a worker on A');
my ($b) = spawn_frontend('b');
ok(redis_ready(nginx_port()) && redis_ready($b), 'A and B are on Redis');
my ($code, $r) = http_json(POST => '/judge0/submissions?wait=true',
                           judge0_body(sleepy(0), 'ra'));
is($r->{stdout}, "ra\n", 'judged on A');
my $done = $r->{token};
($code, $r) = http_json(POST => '/judge0/submissions',
                        judge0_body(sleepy(30), 'rb'));
is($code, 201, 'a long one filed on A');
my $long = $r->{token};
# its end reaches Redis at a tick of A (200 ms) after its answer
ok(wait_until(sub { on_port($b, sub {
    ((http_json(GET => "/judge0/submissions/$done"))[1]{status}{id} // 0) == 3
}) }, 5), 'B reads the ended token');
on_port($b, sub {
    my ($c, $j) = http_json(GET => "/judge0/submissions/$done");
    is($j->{stdout}, "ra\n", 'with its output');
    ($c, $j) = http_json(GET => "/judge0/submissions/batch?tokens=$done,$long");
    is($c, 200, 'B reads both in a batch');
    is($j->{submissions}[0]{status}{id}, 3, 'the ended one');
    like($j->{submissions}[1]{status}{id} // 0, qr/^[12]$/,
         'the unfinished one');
    ($c, $j) = http_json(DELETE => "/judge0/submissions/$long");
    is($c, 200, 'B deletes the unfinished one');
});
ok(wait_until(sub {
    ((http_json(GET => "/judge0/submissions/$long"))[1]{status}{id} // 0) == 13
}, 10), 'A sees it cancelled (13)');
($code, $r) = http_json(POST => '/judge0/submissions?wait=true',
                        judge0_body(sleepy(0), 'rc'));
my $again = $r->{token};
# stopped at once: its end is written to Redis on the way out
ok(restart_nginx(), 'A restarted right after it answered');
ok(redis_ready(nginx_port()), 'A is on Redis again');
($code, $r) = http_json(GET => "/judge0/submissions/$again");
is($code, 200, 'A answers for its token after the restart');
is($r->{status}{id}, 3, 'as ended');
is($r->{stdout}, "rc\n", 'with its output');
ok(wait_until(sub {
    on_port($b, sub {
        (http_json(GET => "/judge0/submissions/$again"))[0] == 404 }) }, 20),
   'past judge_result_ttl B answers 404');
is_deeply(on_port($b, sub {
              (http_json(GET => "/judge0/submissions/$again"))[1] }),
          {error => 'submission not found'}, "in Judge0's shape");
}

=== nginx -t: a judge0 location whose language table is missing is refused, naming the file
--- http_config eval: $::Http
--- config
    location /judge0/ { judge_api judge0 languages=no_such_table.conf; }
--- must_die
--- error_log
no_such_table.conf" cannot be opened
