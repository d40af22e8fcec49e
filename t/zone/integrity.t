# The shared zone keeps its integrity under load: results expire and are
# evicted without corrupting the jobs tree, bulk bytes (artifacts, test
# inputs) stay out of the zone and what they leave in its index makes way,
# and killed nginx worker processes (at random, or inside the zone lock)
# leave nothing behind.
#
# Workers are scripted: processes of their own (t/zone/scripted-worker.pl,
# answering everything AC) that give the load; helpers in t/zone/helpers.pl.

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

=== expiry never corrupts the zone: rounds of submissions while earlier ones expire (ttl 1s)
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:4m;
    judge_result_ttl 1s;
    judge_result_min_ttl 0;
CONF
--- config eval: $::Loc
--- timeout: 60
--- perl
auto_worker('a1', slots => 8);
ok(wait_until(sub { workers_live() == 1 }, 5), 'the scripted worker is in');
my $baseline = metric('judge_zone_free_bytes');
my $t0 = time;

# four rounds of 100 submissions (ten at a time, each held with
# wait=true), a second apart: every round runs while the one before it
# expires, so jobs are inserted into and freed from the tree in every
# order, the tree's root among them
my @rounds;
for my $round (0 .. 3) {
    my $start = $t0 + $round;
    sleep($start - time) if $start > time;
    push @rounds, in_children(10, 100, sub {
        my ($i) = @_;
        my ($code, $r) = submit(py_job(1), '?wait=true');
        # look another job up now and then: the tree is walked as it changes
        http_get('/submissions/' . ('0' x 24)) if $i % 7 == 0;
        return join ' ', $code, $r->{id} // '-', $r->{status} // '-',
                         $r->{verdict} // '-';
    });
}
my @res = map { collect($_) } @rounds;
is(scalar @res, 400, 'four hundred submissions made');
my @bad = grep { !/^200 [0-9a-f]{24} COMPLETED AC$/ } @res;
is(scalar @bad, 0, 'every one accepted and COMPLETED with AC')
    or diag(join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)]);
my @ids = map { (split ' ')[1] } @res;
diag(sprintf "400 submissions in %.1fs", time - $t0);

# a second for the ttl, a second for the expiry tick, and some margin
sleep 2.5;
my @alive = grep { (http_json(GET => "/submissions/$_"))[0] != 404 } @ids;
is(scalar @alive, 0, 'every job older than the ttl answers 404')
    or diag("still there: @alive[0 .. ($#alive < 4 ? $#alive : 4)]");
is(metric('judge_submissions_active'), 0, 'nothing left active');
is(metric('judge_zone_resets_total'), 0, 'the zone was never reset');
my $free = metric('judge_zone_free_bytes');
ok(defined $free && $baseline - $free <= 4 * 4096,
   "the zone's memory is back (" . ($baseline // '?') . ' free before, '
   . ($free // '?') . ' after)');

# and nginx still works: a new job goes through
my ($code, $r) = submit(py_job(1), '?wait=true');
is("$code $r->{status}", '200 COMPLETED', 'a new submission completes');
--- no_error_log
exited on signal


=== eviction: a 256k zone with min_ttl 0 takes far more finished jobs than fit, evicting the oldest
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:256k;
    judge_result_ttl 1h;
    judge_result_min_ttl 0;
CONF
--- config eval: $::Loc
--- timeout: 60
--- perl
auto_worker('a1', slots => 8);
ok(wait_until(sub { workers_live() == 1 }, 5), 'the scripted worker is in');
my $t0 = time;
my @res = collect(in_children(4, 600, sub {
    my ($i) = @_;
    my ($code, $r) = submit(py_job(2), '?wait=true');
    return join ' ', $code, $r->{id} // '-', $r->{status} // '-',
                     $r->{error}{code} // '-';
}));
diag(sprintf "600 submissions in %.1fs", time - $t0);
my @bad = grep { !/^200 [0-9a-f]{24} COMPLETED/ } @res;
is(scalar @bad, 0, 'all 600 accepted and completed')
    or diag(join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)]);
my @ids = map { (split ' ')[1] } @res;
my $gone = grep { (http_json(GET => "/submissions/$_"))[0] == 404 } @ids;
cmp_ok($gone, '>=', 300,
       "old finished jobs were evicted to make room ($gone of 600 gone)");
# the four clients run at their own pace, so which of the 600 came last
# is not known; twenty made one after another afterwards are the newest
my @newest = map { (submit(py_job(2), '?wait=true'))[1]{id} // '-' } 1 .. 20;
my @kept = grep { ((http_json(GET => "/submissions/$_"))[1]{status} // '')
                  eq 'COMPLETED' } @newest;
is(scalar @kept, 20, 'the twenty newest are all still there');
is(metric('judge_zone_resets_total'), 0, 'the zone was never reset');
--- no_error_log
exited on signal


=== a zone short of room refuses new work (503 zone_full, Retry-After) before anything accepted suffers
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:256k;
    judge_result_ttl 1h;
CONF
--- config eval: $::Loc
--- timeout: 60
--- perl
# judge_result_min_ttl is 60s by default: nothing finished may be evicted
auto_worker('a1', slots => 8);
ok(wait_until(sub { workers_live() == 1 }, 5), 'the scripted worker is in');
my (@ids, $refused);
for my $i (1 .. 1000) {
    my ($code, $r, $resp) = submit(py_job(2), '?wait=true');
    if ($code == 503) {
        $refused = [$r, $resp];
        last;
    }
    push @ids, $r->{id} if $code == 200 && $r->{status} eq 'COMPLETED';
}
ok($refused, 'the zone runs short after ' . scalar(@ids) . ' submissions');
is($refused->[0]{error}{code}, 'zone_full', 'a 503 zone_full');
like($refused->[1]->header('Retry-After') // '', qr/^\d+$/, 'with Retry-After');
my $kept = grep { (job($_)->{status} // '') eq 'COMPLETED' } @ids;
is($kept, scalar @ids, 'every accepted job is still there, COMPLETED');
--- no_error_log
exited on signal


=== eviction with distinct sources: what finished jobs leave in the index goes too when the zone needs room
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:256k;
    judge_result_ttl 1h;
    judge_result_min_ttl 0;
CONF
--- config eval: $::Loc
--- timeout: 60
--- perl
# Every submission has its own source, as in real life, so each leaves
# blobs (its run template) behind in the cache directory's index when its
# job is evicted; a 256k zone holds about a thousand such entries.
auto_worker('a1', slots => 8);
ok(wait_until(sub { workers_live() == 1 }, 5), 'the scripted worker is in');
my $t0 = time;
my @res = collect(in_children(4, 2000, sub {
    my ($i) = @_;
    my ($code, $r) = submit(py_job(1, source => "print($i)"), '?wait=true');
    return join ' ', $i, $code, $r->{status} // '-',
                     $r->{error}{code} // '-';
}));
diag(sprintf "2000 submissions in %.1fs", time - $t0);
my @bad = sort { (split " ", $a)[0] <=> (split " ", $b)[0] } grep { !/^\d+ 200 COMPLETED/ } @res;
is(scalar @bad, 0, 'all 2000 accepted and completed') or refusals(@bad);
sleep 1;
my ($code, $r) = submit(py_job(1, source => 'print("last")'), '?wait=true');
is($code, 200, 'a new submission afterwards is taken')
    or diag("$r->{error}{code}: $r->{error}{message}; "
            . join ' ', http_get('/metrics')->content
                        =~ /^(judge_(?:zone_free_bytes|cache_files|submissions_active) \d+)$/mg);
--- no_error_log
exited on signal


=== artifacts do not fill the zone: 1m zone, 200 distinct compiled submissions with ~900 KB artifacts
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:1m;
    judge_result_ttl 1s;
    judge_result_min_ttl 0;
CONF
--- config eval: $::Loc
--- timeout: 60
--- perl
auto_worker('a1', slots => 4, artifact => 900_000);
ok(wait_until(sub { workers_live() == 1 }, 5), 'the scripted worker is in');
my $start = metric('judge_zone_free_bytes');
my $t0 = time;
my @res = collect(in_children(4, 200, sub {
    my ($i) = @_;
    my ($code, $r) = submit({language => 'cpp',
                             source => "int main(){return $i;}",
                             tests => [{input => '', expected_output => ''}]},
                            '?wait=true');
    return join ' ', $code, $r->{id} // '-', $r->{status} // '-',
                     $r->{verdict} // '-', $r->{compile}{status} // '-',
                     $r->{error}{code} // '-';
}));
diag(sprintf "200 compiled submissions in %.1fs", time - $t0);
my @bad = grep { !/^200 [0-9a-f]{24} COMPLETED AC OK/ } @res;
is(scalar @bad, 0, 'all 200 compiled and completed with AC')
    or diag(join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)]);
my @compiles = grep { $_->{ev} eq 'compile' } records('a1');
is(scalar @compiles, 200, 'each compiled once');
is(metric('judge_compiles_total'), 200, 'metrics: 200 compiles');
cmp_ok(metric('judge_cache_bytes'), '>=', 100 * 900_000,
       'the artifacts are in the cache directory');
# the finished jobs expire (ttl 1s); what stays is the index
sleep 2.5;
my $end = metric('judge_zone_free_bytes');
diag("zone free: $start at the start, $end at the end; cache files "
     . metric('judge_cache_files'));
# what stays is index (the cache entry and the blobs' entries of each
# artifact): a small margin per artifact, nothing of its bytes
ok(defined $end && ($start - $end) / 200 <= 2048,
   'the zone keeps at most 2 KiB per artifact (of 900 KB)');
--- no_error_log
exited on signal


=== compiled artifacts' index entries do not fill the zone either: 1m zone, 1200 distinct compiled submissions
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:1m;
    judge_result_ttl 1h;
    judge_result_min_ttl 0;
CONF
--- config eval: $::Loc
--- timeout: 60
--- perl
# Each distinct source leaves an artifact cache entry and the index
# entries of its blobs; they are a cache, so they may stay while there is
# room, but must make way for new work.
auto_worker('a1', slots => 8, artifact => 1000);
ok(wait_until(sub { workers_live() == 1 }, 5), 'the scripted worker is in');
my $t0 = time;
my @res = collect(in_children(4, 1200, sub {
    my ($i) = @_;
    my ($code, $r) = submit({language => 'cpp',
                             source => "int main(){return $i;}",
                             tests => [{input => '', expected_output => ''}]},
                            '?wait=true');
    return join ' ', $i, $code, $r->{status} // '-',
                     $r->{error}{code} // '-';
}));
diag(sprintf "1200 compiled submissions in %.1fs", time - $t0);
my @bad = sort { (split " ", $a)[0] <=> (split " ", $b)[0] } grep { !/^\d+ 200 COMPLETED/ } @res;
is(scalar @bad, 0, 'all 1200 accepted and completed') or refusals(@bad);
sleep 1;
my ($code, $r) = submit({language => 'cpp', source => 'int main(){}',
                         tests => [{input => '', expected_output => ''}]},
                        '?wait=true');
is($code, 200, 'a new submission afterwards is taken')
    or diag("$r->{error}{code}: $r->{error}{message}; "
            . join ' ', http_get('/metrics')->content
                        =~ /^(judge_(?:zone_free_bytes|cache_files|submissions_active) \d+)$/mg);
--- no_error_log
exited on signal


=== big test inputs do not fill the zone: 1m zone, 20 submissions of 5 tests of 200 KiB
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:1m;
CONF
--- config eval: $::Loc
--- timeout: 60
--- perl
auto_worker('a1', slots => 2);
ok(wait_until(sub { workers_live() == 1 }, 5), 'the scripted worker is in');
my $start = metric('judge_zone_free_bytes');
my (%want, %job_of, @codes);
for my $i (0 .. 19) {
    my @tests;
    for my $t (0 .. 4) {
        my $unit = sprintf('%02d-%d:', $i, $t) . join('', 'a' .. 'z');
        my $input = substr($unit x (204800 / length($unit) + 1), 0, 204800);
        push @tests, {input => $input, expected_output => 'x'};
        $want{$i}[$t] = md5_hex($input);
    }
    my ($code, $r) = submit({language => 'python', source => "print($i)",
                             tests => \@tests});
    push @codes, $code;
    $job_of{ $r->{id} } = $i if $r->{id};
}
is(join(',', @codes), join(',', (202) x 20), 'all twenty accepted (202)');
my @ids = keys %job_of;
ok(wait_until(sub { !grep { (job($_)->{status} // '') ne 'COMPLETED' } @ids }, 20),
   'all completed');
is(scalar(grep { job($_)->{verdict} eq 'AC' && job($_)->{total} == 5 } @ids),
   20, 'each with its five tests judged');
my %got;
for my $b (grep { $_->{ev} eq 'batch' } records('a1')) {
    $got{ $b->{job} }[ $_->[0] ] = "$_->[1]:$_->[2]" for @{ $b->{tests} };
}
my $whole = 0;
for my $id (@ids) {
    my $i = $job_of{$id};
    $whole++ if join(',', map { $_ // '-' } @{ $got{$id} // [] })
                eq join(',', map { "204800:$_" } @{ $want{$i} });
}
is($whole, 20, 'the worker received every input whole');
# the twenty jobs stay (ttl 1h): their records, not their 20 MiB of tests
my $end = metric('judge_zone_free_bytes');
my $used = defined $end ? $start - $end : 'unknown';
ok(defined $end && $used <= 64 << 10,
   "the zone holds their records only ($used bytes)");
--- no_error_log
exited on signal


=== nginx worker processes killed again and again while the fleet is busy: nothing is left behind, nothing crashes
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:16m;
    judge_task_grace 1s;
    judge_heartbeat_timeout 30s;
CONF
--- config eval: $::Loc
--- timeout: 60
--- allow_alerts
exited on signal 9
was locked by
died inside the zone lock
--- perl
auto_worker("k$_", slots => 4, reconnect => 1) for 1, 2;
# and one that comes back only 3 s after its stream broke: meanwhile its
# record must not outlive the nginx process that held it
auto_worker('k3', slots => 2, reconnect => 1, reconnect_after => 3);
ok(wait_until(sub { workers_live() == 3 }, 5), 'three scripted workers in');

# submitters: POST without waiting, as fast as they get answers
my $stop = servroot() . '/stop-submitting';
my $subs = in_children(2, 2, sub {
    my @out;
    my $n = 0;
    until (-e $stop) {
        my ($code, $r) = submit(py_job(2, source => "print($_[0]$n)",
                                       limits => {wall_time_ms => 500}));
        push @out, ($code // 0) . " " . ($r->{id} // "-");
        $n++;
        sleep 0.005;
    }
    return @out;
});

my ($kills, @lingered) = (15);
for my $k (1 .. $kills) {
    sleep 0.2 + rand 0.6;
    my @p = live_pids();
    my $victim = $p[rand @p];
    kill 'KILL', $victim;
    wait_until(sub { my @l = live_pids(); @l == 2 && !grep { $_ == $victim } @l }, 5);
    # the registry forgets the workers of a dead process within a second
    push @lingered, $victim unless wait_until(sub {
        my ($c, $l) = admin_json(GET => '/workers');
        $c == 200 && !grep { $_->{nginx}{pid} == $victim } @{ $l->{workers} };
    }, 1.5);
}
ok(wait_until(sub { live_pids() == 2 }, 5), "$kills kills later: two nginx worker processes");
is(scalar @lingered, 0, 'no worker record outlived its nginx process by 1.5 s')
    or diag("records of killed processes @lingered stayed");
sleep 0.5;
open my $fh, '>', $stop; close $fh;
my @sent = collect($subs);
my @ids = map { (split ' ')[1] } grep { /^202 / } @sent;
diag(scalar(@sent) . ' submissions during the kills, ' . scalar(@ids)
     . ' accepted; zone resets: ' . metric('judge_zone_resets_total'));
ok(wait_until(sub { workers_live() == 3 }, 10), 'all three workers registered again');

# every submission taken during the storm ends (or went with a reset zone)
my %end;
ok(wait_until(sub {
    %end = ();
    for my $id (@ids) {
        my ($c, $j) = http_json(GET => "/submissions/$id");
        $end{ $c == 404 ? 'gone' : $j->{status} }++;
    }
    !grep { !/^(gone|COMPLETED|FAILED)$/ } keys %end;
}, 30), 'every job of the storm ended') or diag(encode_json(\%end));
diag(join ', ', map { "$_: $end{$_}" } sort keys %end);

# and then it all works
my @res = collect(in_children(4, 40, sub {
    my ($code, $r) = submit(py_job(2, source => "print('after $_[0]')"),
                            '?wait=true');
    return join ' ', $code, $r->{status} // $r->{error}{code} // '-',
                     $r->{verdict} // '-';
}));
is(scalar(grep { $_ eq '200 COMPLETED AC' } @res), 40,
   'forty fresh submissions all complete')
    or diag(join "\n", grep { $_ ne '200 COMPLETED AC' } @res);
my $log = error_log_since(0);
crashes_ok($log);
my @killed = $log =~ /exited on signal 9/g;
cmp_ok(scalar @killed, '>=', $kills, 'each kill seen by the master');
--- no_error_log
exited on signal 11
exited on signal 6


=== a process killed inside the zone lock: the next holder resets the zone once, the workers come back, work goes on
--- http_config eval
$::Http . <<'CONF';
    judge_zone judge:12m;
    judge_heartbeat_timeout 30s;
CONF
--- config eval: $::Loc
--- timeout: 60
--- allow_alerts
exited on signal 9
was locked by
died inside the zone lock
--- perl
# The zone's slab pool starts with its mutex, whose word holds the pid of
# the process inside the lock.  A worker process is stopped, and killed
# only when that word names it; otherwise it is let go again.
my $zone_size = 12 << 20;
sub master_pid {
    open my $f, '<', servroot() . '/logs/nginx.pid' or return 0;
    return (<$f> // 0) + 0;
}
sub lock_word {
    no warnings 'portable';
    my $master = master_pid();
    open my $maps, '<', "/proc/$master/maps" or return undef;
    my $addr;
    while (<$maps>) {
        my ($s, $e) = /^([0-9a-f]+)-([0-9a-f]+) .*\/dev\/zero/ or next;
        $addr = hex $s if hex($e) - hex($s) == $zone_size;
    }
    return undef unless defined $addr;
    open my $mem, '<:raw', "/proc/$master/mem" or return undef;
    sysseek($mem, $addr, 0) or return undef;
    sysread($mem, my $word, 8) == 8 or return undef;
    return unpack 'q<', $word;
}

my $word = lock_word();
SKIP: {
skip 'the zone cannot be read through /proc (not root?)', 1
    unless defined $word;
ok(wait_until(sub { lock_word() == 0 }, 2), 'the lock word is found, free');

auto_worker("k$_", slots => 4, reconnect => 1) for 1, 2;
ok(wait_until(sub { workers_live() == 2 }, 5), 'two scripted workers in');
my $stop = servroot() . '/stop-submitting';
my $subs = in_children(3, 3, sub {
    my $n = 0;
    until (-e $stop) {
        submit(py_job(2, source => "print($_[0]$n)"));
        http_get('/metrics') if $n++ % 3 == 0;
    }
    return ();
});

# A process stopped holding the mutex may be past its critical section,
# in the mutex's own unlock, which writes its debug line before it lets
# go: the zone is whole then, and rightly not reset.  A process stopped in
# a write(2) is let go again, as most of those are there; of the others,
# up to ten are killed (on a loaded machine several in a row can still
# land past the critical section).
sub in_write {
    open my $f, '<', "/proc/$_[0]/syscall" or return 0;
    return (<$f> // '') =~ /^1 /;
}
my (@victims, $reset);
for my $try (1 .. 4000) {
    last if $reset || @victims >= 10;
    my @p = live_pids();
    my $pid = $p[rand @p] or next;
    kill 'STOP', $pid;
    wait_until(sub { state_of($pid) eq 'T' }, 1);
    if ((lock_word() // 0) == $pid && !in_write($pid)) {
        kill 'KILL', $pid;
        push @victims, $pid;
        $reset = wait_until(sub { (metric('judge_zone_resets_total') // 0) >= 1 }, 2);
        wait_until(sub { live_pids() == 2 }, 5);
        next;
    }
    kill 'CONT', $pid;
    sleep 0.01;
}
ok(scalar @victims, 'worker processes killed holding the lock: ' . scalar @victims);
diag('killed ' . scalar(@victims) . ' to see the zone reset');
ok($reset, 'the zone was reset');
my $victim = $victims[-1];
open my $fh, '>', $stop; close $fh;
collect($subs);
is(metric('judge_zone_resets_total'), 1, 'once');
my @alerts = error_log_since(0) =~ /(\[alert\].*died inside the zone lock; the zone was reset.*)/g;
is(scalar @alerts, 1, 'with one alert') or diag(join "\n", @alerts);
like($alerts[0] // '', qr/process $victim died inside/, 'naming the process');
ok(wait_until(sub { workers_live() == 2 }, 10), 'both workers registered again');
for my $k ('k1', 'k2') {
    my $welcomes = grep { $_->{ev} eq 'welcome' } records($k);
    cmp_ok($welcomes, '>=', 2, "$k registered again after the reset");
}
my @res = collect(in_children(4, 40, sub {
    my ($code, $r) = submit(py_job(2, source => "print('after $_[0]')"),
                            '?wait=true');
    return join ' ', $code, $r->{status} // $r->{error}{code} // '-',
                     $r->{verdict} // '-';
}));
is(scalar(grep { $_ eq '200 COMPLETED AC' } @res), 40,
   'forty fresh submissions all complete')
    or diag(join "\n", grep { $_ ne '200 COMPLETED AC' } @res);
crashes_ok(error_log_since(0));
}
