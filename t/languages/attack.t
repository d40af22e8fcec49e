# The languages of conf/languages.conf against hostile programs, end to
# end: nginx with the module, one real judge-worker with two slots, the
# real sandbox.  Each case is a language and a program that tries
# something through what its toolchain offers beyond plain code:
#
#   - code run while compiling (Template Haskell, Nim's staticRead and
#     staticExec, Crystal's and Racket's macros, Free Pascal's {$I},
#     COBOL's COPY, D's string imports) reading host files, reaching the
#     network, making a forbidden system call (CE, never IE), or leaving a
#     file for a later submission's compile; a Rust macro that doubles
#     itself (CE, out of memory or time);
#   - a runtime's own ways out (PHP's shell_exec, SQLite's .shell and
#     readfile(), Octave's system()) reading host files and writing outside
#     /box; a search of the whole tree for a writable place, the binds of
#     the table included;
#   - memory a JVM or V8 does not count in its heap (direct buffers,
#     Unsafe, Node's Buffers): MLE all the same;
#   - a JVM out of threads, which says OutOfMemoryError: RE, not MLE, and
#     its warnings stay out of stdout; a program printing the heap-full
#     text itself turns only its own RE into MLE;
#   - a host with many CPUs: runtimes that start a thread per CPU (the
#     JVM's pools, the BEAM's schedulers, Go's) are pinned to two, so a
#     hello world does not outgrow its processes floor.  The host is
#     played by a problem test's environment (JAVA_TOOL_OPTIONS, ERL_AFLAGS,
#     GOMAXPROCS), which a runtime reads as it reads the CPU count.
#
# A language whose toolchain this host lacks is skipped, unless
# JUDGE_ALL_LANGUAGES is set.

use FindBin;
use Test::Judge::Nginx;
use JSON::PP;

require "$FindBin::Bin/helpers.pl";

my $ptrace = q{python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(101, 0, 0, 0, 0))'};
my $net = q{bash -c 'exec 3<>/dev/tcp/1.1.1.1/80 && echo connected || echo x'};

# [name, language, source, verdict, stdout (undef: not looked at), limits,
#  a pattern the compiler output must match]
our @Cases = (
    ['TH reads a host file', 'haskell', <<'S', 'CE'],
{-# LANGUAGE TemplateHaskell #-}
import Language.Haskell.TH
main :: IO ()
main = putStrLn $(runIO (readFile "/etc/shadow") >>= litE . stringL)
S
    ['staticRead of a host file', 'nim',
     qq{const s = staticRead("/etc/shadow")\necho s\n}, 'CE'],
    ['a macro reads a host file', 'crystal',
     qq{puts {{ `cat /etc/shadow`.stringify }}\n}, 'CE'],
    ['{\$I} of a host file', 'pascal',
     "program P;\nbegin\n{\$I /etc/shadow}\nend.\n", 'CE'],
    ['COPY of a host file', 'cobol',
     "IDENTIFICATION DIVISION.\nPROGRAM-ID. P.\nDATA DIVISION.\n"
     . "WORKING-STORAGE SECTION.\nCOPY \"/etc/shadow\".\n"
     . "PROCEDURE DIVISION.\n    STOP RUN.\n", 'CE'],
    ['a string import', 'd',
     "import std.stdio;\nvoid main() { writeln(import(\"/etc/shadow\")); }\n",
     'CE', undef, undef, qr/-J/],
    ['a macro that doubles itself', 'rust',
     "#![recursion_limit = \"100000\"]\n"
     . "macro_rules! b { () => {}; (x \$(\$t:tt)*) => { b!(\$(\$t)* \$(\$t)*); }; }\n"
     . "b!(x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x);\n"
     . "fn main() {}\n",
     'CE', undef, undef, qr/(^|\n)the compiler ran out of (time|memory) [^\n]*\n?$/],
    ['a macro reads a host file', 'racket', <<'S', 'AC', "x\n"],
#lang racket/base
(require (for-syntax racket/base racket/file))
(define-syntax (m stx)
  (datum->syntax stx (with-handlers ([void (lambda (e) "x")])
                       (file->string "/etc/shadow"))))
(displayln (m))
S
    ['staticExec reaches the network', 'nim',
     qq{const s = staticExec("$net 2>/dev/null")\necho s\n}, 'AC', "x\n"],
    ['a macro reaches the network', 'crystal',
     qq{puts {{ `$net 2>/dev/null`.stringify }}\n}, 'AC', "x\n"],
    ['staticExec makes a forbidden call', 'nim',
     qq{const s = staticExec("$ptrace")\necho s\n}, 'CE', undef, undef,
     qr/(^|\n)the compiler was stopped by the sandbox: forbidden syscall ptrace\n?$/],
    ['a macro makes a forbidden call', 'crystal',
     qq{puts {{ `$ptrace`.stringify }}\n}, 'CE', undef, undef,
     qr/(^|\n)the compiler was stopped by the sandbox: forbidden syscall ptrace\n?$/],
    ['TH makes a forbidden call', 'haskell', <<"S", 'CE', undef, undef,
{-# LANGUAGE TemplateHaskell #-}
import Language.Haskell.TH
import System.Process
main :: IO ()
main = putStrLn \$(runIO (readProcess "sh" ["-c", "$ptrace"] "") >>= litE . stringL)
S
     qr/(^|\n)the compiler was stopped by the sandbox: forbidden syscall ptrace\n?$/],
    ['shell_exec', 'php', <<'S', 'AC', "x\n", {processes => 8}],
<?php
$s = @file_get_contents('/etc/shadow');
$w = @file_put_contents('/etc/x', 'a');
$o = shell_exec('cat /etc/shadow 2>/dev/null; touch /usr/x 2>/dev/null && echo W; id -u');
echo ($s === false && $w === false && trim($o) === '1000') ? "x\n" : "leak $o\n";
S
    ['.shell and readfile()', 'sql', <<'S', 'AC', "x\n", {processes => 8}],
.shell cat /etc/shadow 2>/dev/null; touch /usr/x /etc/x 2>/dev/null && echo W
SELECT coalesce(length(readfile('/etc/shadow')), 'x');
S
    ['system()', 'octave', <<'S', 'AC', "x\n", {processes => 16}],
[st, out] = system('cat /etc/shadow 2>/dev/null; touch /usr/x /etc/x 2>/dev/null && echo W');
if isempty(out), printf("x\n"); else, printf("leak %s\n", out); end
S
    ['a writable place outside /box', 'bash', <<'S', 'AC', "x\n",
w=$(find / \( -path /proc -o -path /box -o -path /dev \) -prune -o \
    \( -writable ! -lname /dev/null \) -print 2>/dev/null)
if [ "$w" = /tmp ]; then echo x; else echo "$w"; fi
S
     {processes => 16, cpu_time_ms => 10000}],
    ['direct buffers', 'java', <<'S', 'MLE', undef, {memory_kb => 192 * 1024}],
import java.nio.ByteBuffer;
import java.util.ArrayList;

public class Main {
    public static void main(String[] args) {
        ArrayList<ByteBuffer> l = new ArrayList<>();
        while (true) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            for (int i = 0; i < (1 << 20); i += 4096) b.put(i, (byte) 1);
            l.add(b);
        }
    }
}
S
    ['Unsafe.allocateMemory', 'java', <<'S', 'MLE', undef, {memory_kb => 192 * 1024}],
import java.lang.reflect.Field;

public class Main {
    public static void main(String[] args) throws Exception {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
        while (true) {
            long p = u.allocateMemory(1 << 20);
            for (long i = 0; i < (1 << 20); i += 4096) u.putByte(p + i, (byte) 1);
        }
    }
}
S
    ['Buffers outside the V8 heap', 'javascript',
     "const l = [];\nfor (;;) l.push(Buffer.alloc(1 << 20, 1));\n", 'MLE',
     undef, {memory_kb => 192 * 1024}],
    ['a full heap', 'clojure',
     "(def x (vec (range 100000000)))\n(println (count x))\n", 'MLE', undef,
     {memory_kb => 192 * 1024}],
    ['out of threads', 'java', <<'S', 'RE', '', {processes => 8}],
public class Main {
    public static void main(String[] args) {
        while (true) {
            Thread t = new Thread(() -> {
                try { Thread.sleep(100000); } catch (InterruptedException e) { }
            });
            t.setDaemon(true);
            t.start();
        }
    }
}
S
    ['out of threads, and carries on', 'java', <<'S', 'AC', "x\n", {processes => 8}],
public class Main {
    public static void main(String[] args) {
        try {
            while (true) {
                Thread t = new Thread(() -> {
                    try { Thread.sleep(100000); } catch (InterruptedException e) { }
                });
                t.setDaemon(true);
                t.start();
            }
        } catch (OutOfMemoryError e) {
        }
        System.out.println("x");
    }
}
S
    ['prints the heap-full text and fails', 'java', <<'S', 'MLE'],
public class Main {
    public static void main(String[] args) {
        System.err.println("java.lang.OutOfMemoryError: Java heap space");
        System.exit(1);
    }
}
S
    ['prints the heap-full text and passes', 'java', <<'S', 'AC', "x\n"],
public class Main {
    public static void main(String[] args) {
        System.err.println("java.lang.OutOfMemoryError: Java heap space");
        System.out.println("x");
    }
}
S
);

# run on a problem whose test plays a host with many CPUs
our @Wide = (
    ['parallel streams', 'java', <<'S'],
public class Main {
    public static void main(String[] args) {
        long s = java.util.stream.LongStream.range(0, 20_000_000).parallel()
                 .map(x -> x % 7).sum();
        System.out.println(s == 59999997L ? "x" : "bad " + s);
    }
}
S
    ['hello', 'erlang', "-module(main).\n-export([main/0]).\n\nmain() ->\n    io:format(\"x~n\").\n"],
    ['hello', 'elixir', "IO.puts(\"x\")\n"],
    ['forty busy goroutines', 'go', <<'S'],
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	sums := make([]int, 40)
	for g := 0; g < 40; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20000000; i++ {
				sums[g] += i % 3
			}
		}(g)
	}
	wg.Wait()
	if sums[39] == 19999999 {
		fmt.Println("x")
	} else {
		fmt.Println("bad", sums[39])
	}
}
S
);

sub finished {
    my ($id) = @_;
    my $r;
    wait_until(sub {
        (undef, $r) = http_json(GET => "/submissions/$id");
        ($r->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/
    }, 600);
    return $r;
}

run_tests();

__DATA__

=== hostile programs, language by language
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 900
--- perl
spawn_worker('w1', slots => 2);
ok(wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 }, 60),
   'worker up');

my (undef, $l) = http_json(GET => '/languages');
my %offered = map { $_->{id} => 1 } @{ $l->{languages} // [] };
my $want = sub {
    my ($id) = @_;
    ok($offered{$id}, "$id is offered") if $ENV{JUDGE_ALL_LANGUAGES};
    return $offered{$id};
};
my $json = JSON::PP->new->canonical->pretty;

my @jobs;
for my $c (@::Cases) {
    my ($name, $id, $src, $verdict, $stdout, $limits, $compile) = @$c;
    next unless $want->($id);
    my ($code, $r) = http_json(POST => '/submissions', {
        language => $id, source => $src,
        tests => [{input => '', expected_output => "x\n"}],
        ($limits ? (limits => $limits) : ()),
    });
    is($code, 202, "$id, $name: accepted");
    push @jobs, [$c, $r->{id}] if $code == 202;
}

for my $job (@jobs) {
    my ($name, $id, $src, $verdict, $stdout, $limits, $compile) = @{ $job->[0] };
    my $r = ::finished($job->[1]);
    is($r->{verdict}, $verdict, "$id, $name: $verdict")
        or diag($json->encode($r));
    is($r->{tests}[0]{stdout}, $stdout, "$id, $name: its output")
        if defined $stdout;
    like($r->{compile}{output} // '', $compile, "$id, $name: the compiler's output")
        if $compile;
    unlike($r->{tests}[0]{message} // '', qr/heap/, "$id, $name: not the heap")
        if $verdict eq 'RE';
}

# a compile leaves a file in /tmp and HOME; a later one looks for it
if ($want->('nim')) {
    my (undef, $r) = http_json(POST => '/submissions?wait=true', {
        language => 'nim',
        source => qq{const s = staticExec("echo left > /tmp/mark; echo left > \$HOME/mark2; echo x")\necho s\n},
        tests => [{input => '', expected_output => "x\n"}] });
    is($r->{verdict}, 'AC', 'nim: a compile that leaves files');
    (undef, $r) = http_json(POST => '/submissions?wait=true', {
        language => 'nim',
        source => qq{const s = staticExec("cat /tmp/mark \$HOME/mark2 2>/dev/null || echo x")\necho s\n},
        tests => [{input => '', expected_output => "x\n"}] });
    is($r->{verdict}, 'AC', 'nim: a later compile does not see them')
        or diag($json->encode($r));
}

# a host with many CPUs, as a problem's test makes the runtimes see it
my ($code, $p) = admin_json(PUT => '/problems/wide', { tests => [{
    stdin => '', expected_output => "x\n",
    env => { JAVA_TOOL_OPTIONS => '-XX:ActiveProcessorCount=128',
             ERL_AFLAGS => '+S 64:64 +SDcpu 64:64', GOMAXPROCS => '64' } }] });
is($code, 201, 'a problem played on a host of 64 CPUs');

@jobs = ();
for my $c (@::Wide) {
    my ($name, $id, $src) = @$c;
    next unless $want->($id);
    my ($code, $r) = http_json(POST => '/problems/wide/submissions',
                               { language => $id, source => $src });
    is($code, 202, "$id, $name on many CPUs: accepted");
    push @jobs, [$c, $r->{id}] if $code == 202;
}

for my $job (@jobs) {
    my ($name, $id) = @{ $job->[0] };
    my $r = ::finished($job->[1]);
    is($r->{verdict}, 'AC', "$id, $name on many CPUs: AC")
        or diag($json->encode($r));
}
