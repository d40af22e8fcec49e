# conf/languages.conf as an operator runs it: nginx with the module, real
# judge-worker processes, the real sandbox.
#
#   - a host lacking toolchains: a table naming a missing compiler, a
#     version command that hangs (with its output open, or closed), one
#     that prints binary bytes and escapes instead of a version: each is
#     left out, the rest offered, and start-up is cut at the probes' 5 s
#     limit
#   - multi-file artifacts (Java, Kotlin, C#, Erlang): compiled once,
#     then cached, also after the worker restarts
#   - a reload of nginx changing the compile caps while a compile runs
#   - memory a program holds close to its limit (Java, Go, C#, Node.js)
#     is AC up to its runtime's own overhead, more is MLE, and a limit
#     too small for the runtime to start is MLE, not IE

use Test::Judge::Nginx;
use JSON::PP;
use Time::HiRes qw(time);

our $Http = <<'CONF';
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
    judge_memory_limit 256m 1024m;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

# writes "$text" as servroot/languages.conf; returns its path
sub table {
    my ($text) = @_;
    my $path = servroot() . '/languages.conf';
    open my $fh, '>', $path or die $!;
    print $fh $text;
    close $fh;
    return $path;
}

# the section "$id" of conf/languages.conf
sub section {
    my ($id) = @_;
    my $conf = Test::Judge::Nginx::slurp(repo_root() . '/conf/languages.conf');
    $conf =~ /^(\[\Q$id\E\]\n.*?)(?=^\[|\z)/ms or die "no [$id]";
    return "$1\n";
}

sub workers { ((http_json(GET => '/health'))[1] // {})->{workers} // 0 }

sub judge {
    my ($body) = @_;
    return judge_submission($body);
}

sub pretty { JSON::PP->new->canonical->pretty->encode(@_) }

run_tests();

__DATA__

=== toolchains missing: not offered, start-up cut at 5 s
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my $path = ::table(<<'TABLE');
[cpp]
name    = C++
version = g++ -dumpfullversion
source  = main.cpp
compile = g++ -O2 -o main main.cpp
artifact = main
run     = ./main

[missing]
name    = Missing
version = /opt/nowhere/bin/cc --version
source  = main.c
compile = /opt/nowhere/bin/cc -o main main.c
artifact = main
run     = ./main

[notonpath]
name    = Not on PATH
version = no-such-compiler-here --version
source  = main.c
run     = no-such-compiler-here main.c

[hangs]
name    = Hangs
version = sleep 617
source  = main.txt
run     = cat main.txt

[hangsclosed]
name    = Hangs with its output closed
version = exec >/dev/null 2>&1; sleep 617
source  = main.txt
run     = cat main.txt

[garbage]
name    = Garbage {version}
version = printf '\377\376\033[31mjunk\001\n'
source  = main.txt
run     = cat main.txt

[words]
name    = Words {version}
version = echo '  no dotted number, only words  '
source  = main.txt
run     = cat main.txt
TABLE
my $t0 = time;
spawn_worker('w1', languages => $path);
ok(wait_until(sub { ::workers() == 1 }, 30), 'worker up');
my $took = time - $t0;
cmp_ok($took, '<', 8, 'start-up cut at the probes\' 5 s limit')
    or diag("took $took s");
cmp_ok($took, '>', 4.5, 'the hanging probes had their 5 s');
my (undef, $l) = http_json(GET => '/languages');
is(join(',', map { $_->{id} } @{ $l->{languages} // [] }), 'cpp,words',
   'only the languages whose toolchain answered are offered');
my (undef, $w) = http_json(GET => '/languages/words');
is($w->{version}, 'no dotted number, only words',
   'a version without a dotted number is the line printed');
my $r = ::judge({language => 'hangs', source => 'x',
                 tests => [{input => '', expected_output => "x"}]});
is($r->{error}{code}, 'unknown_language', 'a language not offered is refused');
$r = ::judge({language => 'cpp',
              source => "#include <cstdio>\nint main(){puts(\"ok\");}",
              tests => [{input => '', expected_output => "ok\n"}]});
is($r->{verdict}, 'AC', 'the offered language judges') or diag(::pretty($r));
my $log = Test::Judge::Nginx::slurp(servroot() . '/logs/worker-w1.log');
like($log, qr/language hangs not offered: "sleep 617": timed out after 5000 ms/,
     'the hanging probe is logged as timed out');
like($log, qr/language hangsclosed not offered: .*timed out after 5000 ms/,
     'so is the one that closed its output');
like($log, qr/language garbage not offered: .*printed no version/,
     'a probe printing no version is logged');
like($log, qr/language missing not offered: .*exited with 127/,
     'a missing compiler is logged');
# 617 s: a length no other test sleeps, as they may run at the same time
my @left = grep {
    Test::Judge::Nginx::slurp("$_/cmdline") eq "sleep\0" . "617\0"
} glob '/proc/[0-9]*';
is(scalar @left, 0, 'no probe is left running');


=== multi-file artifacts: compiled once, cached, also after a restart
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 300
--- perl
my %src = (
    java => <<'SRC',
import java.util.*;
public class Solution {
    static class Pair {
        final long a, b;
        Pair(long a, long b) { this.a = a; this.b = b; }
    }
    interface Adder { long add(Pair p); }
    public static void main(String[] args) {
        Scanner s = new Scanner(System.in);
        Adder f = new Adder() { public long add(Pair p) { return p.a + p.b; } };
        System.out.println(f.add(new Pair(s.nextLong(), s.nextLong())));
    }
}
SRC
    kotlin => <<'SRC',
data class Pair2(val a: Long, val b: Long)
fun main() {
    val (a, b) = readLine()!!.trim().split(" ").map { it.toLong() }
    println(listOf(Pair2(a, b)).map { it.a + it.b }.first())
}
SRC
    csharp => <<'SRC',
using System;
class Pair { public long A, B; }
class Program {
    static void Main() {
        var t = Console.ReadLine().Split(' ');
        var p = new Pair { A = long.Parse(t[0]), B = long.Parse(t[1]) };
        Console.WriteLine(p.A + p.B);
    }
}
SRC
    erlang => <<'SRC',
-module(main).
-export([main/0]).

main() ->
    {ok, [A, B]} = io:fread("", "~d ~d"),
    io:format("~p~n", [A + B]).
SRC
);
my @tests = ({input => "20 22\n", expected_output => "42\n"});
spawn_worker('w1', slots => 2);
ok(wait_until(sub { ::workers() == 1 }, 30), 'worker up');
my (undef, $l) = http_json(GET => '/languages');
my %offered = map { $_->{id} => 1 } @{ $l->{languages} };
my @ids = grep { $offered{$_} } sort keys %src;
SKIP: {
skip('none of Java, Kotlin, C#, Erlang offered', 1) unless @ids;
for my $round (1 .. 3) {
    if ($round == 3) {
        Test::Judge::Nginx::stop_spawned();
        ok(wait_until(sub { ::workers() == 0 }, 10), 'the worker is gone');
        spawn_worker('w1', slots => 2);
        ok(wait_until(sub { ::workers() == 1 }, 30), 'the worker is back');
    }
    for my $id (@ids) {
        my $r = ::judge({language => $id, source => $src{$id},
                         tests => \@tests});
        is($r->{verdict}, 'AC', "$id, round $round: AC") or diag(::pretty($r));
        is($r->{compile}{cached} ? 1 : 0, $round == 1 ? 0 : 1,
           "$id, round $round: " . ($round == 1 ? 'compiled' : 'cached'));
    }
}
my $log = Test::Judge::Nginx::slurp(servroot() . '/logs/worker-w1.log');
for my $id (@ids) {
    my $n = () = $log =~ /compile \d+ \(\Q$id\E, /g;
    is($n, 1, "$id compiled once");
}
}


=== a reload changes the compile caps while a compile runs
--- http_config eval
$::Http . "judge_compile_cpu_time_limit 3s;\n"
        . "judge_compile_wall_time_limit 6s;"
--- config eval: $::Config
--- timeout: 60
--- perl
my $path = ::table(<<'TABLE');
[spin]
name    = Spin
version = echo 1.0
source  = main.txt
compile = /bin/sh -c "while :; do :; done"
artifact = main
run     = ./main
compile_time = 30
TABLE
spawn_worker('w1', languages => $path);
ok(wait_until(sub { ::workers() == 1 }, 30), 'worker up');
my @tests = ({input => '', expected_output => "x\n"});
my ($code, $first) = http_json(POST => '/submissions',
                               {language => 'spin', source => 'a',
                                tests => \@tests});
is($code, 202, 'a compile is sent');
ok(wait_until(sub {
    my (undef, $s) = http_json(GET => "/submissions/$first->{id}");
    ($s->{status} // '') eq 'COMPILING'
}, 10), 'it runs');
my $conf = servroot() . '/conf/nginx.conf';
my $text = Test::Judge::Nginx::slurp($conf);
$text =~ s/(judge_compile_cpu_time_limit) 3s;/$1 1s;/ or die;
open my $fh, '>', $conf or die $!;
print $fh $text;
close $fh;
ok(reload_nginx(), 'nginx reloaded with a cap of 1 s');
my $r;
ok(wait_until(sub {
    (undef, $r) = http_json(GET => "/submissions/$first->{id}");
    ($r->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/
}, 20), 'the compile in flight ends');
is($r->{verdict}, 'CE', 'CE') or diag(::pretty($r));
# the wall cap, twice the CPU cap, ends it first when other work shares the
# cores
like($r->{compile}{output} // '',
     qr/ran out of time \((?:3000 ms of CPU|6000 ms of wall time)\)\n?\z/,
     'under the cap it was sent with');
ok(wait_until(sub { ::workers() == 1 }, 20), 'the worker is connected');
$r = ::judge({language => 'spin', source => 'b', tests => \@tests});
is($r->{verdict}, 'CE', 'a compile after the reload is CE')
    or diag(::pretty($r));
like($r->{compile}{output} // '', qr/ran out of time \(1000 ms of CPU\)\n?\z/,
     'under the new cap');


=== memory held near the limit: AC up to the runtime's overhead
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 300
--- perl
# N MB (read from stdin) held at once, 1 MB arrays each touched
my %src = (
    java => <<'SRC',
import java.util.*;
public class Main {
    public static void main(String[] a) {
        int n = new Scanner(System.in).nextInt();
        byte[][] b = new byte[n][];
        for (int i = 0; i < n; i++) {
            b[i] = new byte[1 << 20];
            for (int j = 0; j < (1 << 20); j += 4096) b[i][j] = 1;
        }
        System.out.println("ok");
    }
}
SRC
    go => <<'SRC',
package main

import "fmt"

func main() {
	var n int
	fmt.Scan(&n)
	b := make([][]byte, n)
	for i := range b {
		b[i] = make([]byte, 1<<20)
		for j := 0; j < 1<<20; j += 4096 {
			b[i][j] = 1
		}
	}
	fmt.Println("ok")
}
SRC
    csharp => <<'SRC',
using System;
class P {
    static void Main() {
        int n = int.Parse(Console.ReadLine().Trim());
        var b = new byte[n][];
        for (int i = 0; i < n; i++) {
            b[i] = new byte[1 << 20];
            for (int j = 0; j < (1 << 20); j += 4096) b[i][j] = 1;
        }
        Console.WriteLine("ok");
    }
}
SRC
    javascript => <<'SRC',
const n = parseInt(require('fs').readFileSync(0, 'utf8'));
const b = [];
for (let i = 0; i < n; i++) b.push(new Array(1 << 17).fill(i + 0.5));
console.log("ok");
SRC
);
# [language, limit MB, MB held, verdict]: the JVM's own 35-40 MB and its
# young generation's pages come on top of what the program holds
my @cases = (
    [java => 64, 20, 'AC'], [java => 128, 80, 'AC'], [java => 256, 170, 'AC'],
    [java => 64, 60, 'MLE'], [java => 16, 1, 'MLE'],
    [go => 64, 56, 'AC'], [go => 256, 230, 'AC'], [go => 64, 80, 'MLE'],
    [csharp => 64, 48, 'AC'], [csharp => 256, 220, 'AC'],
    [javascript => 64, 40, 'AC'], [javascript => 256, 200, 'AC'],
    [javascript => 32, 30, 'MLE'],
);
spawn_worker('w1', slots => 2);
ok(wait_until(sub { ::workers() == 1 }, 30), 'worker up');
my (undef, $l) = http_json(GET => '/languages');
my %offered = map { $_->{id} => 1 } @{ $l->{languages} };
my @jobs;
for my $c (grep { $offered{$_->[0]} } @cases) {
    my ($id, $mb, $n) = @$c;
    my ($code, $r) = http_json(POST => '/submissions', {language => $id,
        source => $src{$id},
        tests => [{input => "$n\n", expected_output => "ok\n"}],
        limits => {memory_kb => $mb * 1024, cpu_time_ms => 5000,
                   wall_time_ms => 20000}});
    is($code, 202, "$id, $n MB under $mb MB: accepted");
    push @jobs, [@$c, $r->{id}];
}
for my $j (@jobs) {
    my ($id, $mb, $n, $verdict, $sub) = @$j;
    my $r;
    wait_until(sub {
        (undef, $r) = http_json(GET => "/submissions/$sub");
        ($r->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/
    }, 120);
    is($r->{verdict}, $verdict, "$id, $n MB under $mb MB: $verdict")
        or diag(::pretty($r));
}
