# The shipped languages table's templates are programs that work: a real
# judge-worker with conf/languages.conf dials in to this test (playing
# nginx's side of judge/1), and every language it offers has its Register
# template compiled when the language is compiled and run; each must print
# "Hello, world!" and nothing else.  Languages whose toolchain this host
# lacks are not offered, so not tried.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use IO::Select;
use IO::Socket::INET;
use File::Temp qw(tempdir);
use Time::HiRes qw(time);
use Test::Judge::Wire qw(pb_field_varint pb_field_bytes pb_decode frame
                         %STATUS);

my $build = $ENV{JUDGE_BUILD} || "$FindBin::Bin/../../build";
my $worker_bin = "$build/judge-worker";
my $table = "$FindBin::Bin/../../conf/languages.conf";

plan skip_all => "judge-worker not built" unless -x $worker_bin;
plan skip_all => "needs root (the sandbox's root path)" if $> != 0;

my %STATUS_NAME = reverse %STATUS;
my $dir = tempdir('judge-templates-XXXXXX', TMPDIR => 1, CLEANUP => 1);

my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1:0', Listen => 1,
                                   ReuseAddr => 1) or die "listen: $!";
my $port = $listen->sockport;

my $pid = fork // die "fork: $!";
if ($pid == 0) {
    open STDIN, '<', '/dev/null';
    open STDOUT, '>>', "$dir/worker.out";
    open STDERR, '>&', \*STDOUT;
    exec $worker_bin, '--foreground', '--master',
         "http://127.0.0.1:$port/worker", '--token', 't', '--id', 'w-tpl',
         '--slots', 2, '--state-dir', $dir, '--languages', $table,
         '--log', "$dir/worker.log";
    exit 127;
}

END {
    local $?;
    if ($pid) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
    }
}

my ($sock, $buf) = (undef, '');

IO::Select->new($listen)->can_read(30) or BAIL_OUT('the worker does not dial in');
$sock = $listen->accept;
while (index($buf, "\r\n\r\n") < 0) {
    IO::Select->new($sock)->can_read(5) or BAIL_OUT('no upgrade request');
    sysread($sock, $buf, 65536, length $buf) or BAIL_OUT('eof');
}
$buf = substr($buf, index($buf, "\r\n\r\n") + 4);
syswrite $sock, "HTTP/1.1 101 Switching Protocols\r\n"
              . "Upgrade: judge/1\r\nConnection: Upgrade\r\n\r\n";

# The next WorkerMessage but heartbeats, as (field, body decoded)
sub recv_msg {
    my $deadline = time + (shift // 120);
    while (1) {
        if (length $buf >= 4) {
            my $len = unpack 'N', $buf;
            if (length $buf >= 4 + $len) {
                my $m = pb_decode(substr(substr($buf, 0, 4 + $len, ''), 4));
                my ($f) = keys %$m;
                next if $f == 2;
                return ($f, pb_decode($m->{$f}[0]));
            }
        }
        my $left = $deadline - time;
        return () if $left <= 0 || !IO::Select->new($sock)->can_read($left);
        sysread($sock, $buf, 65536, length $buf) or return ();
    }
}

sub val { my ($m, $f) = @_; $m->{$f} ? $m->{$f}[0] : undef }

sub send_cmd {
    my ($field, $body) = @_;
    syswrite $sock, frame(pb_field_bytes($field, $body));
}

my ($f, $reg) = recv_msg(30);
is($f, 1, 'Register first');
send_cmd(1, pb_field_bytes(1, 'w-tpl'));

my @langs = map { pb_decode($_) } @{ $reg->{7} // [] };
ok(@langs >= 1, 'languages offered: '
   . join(' ', map { val($_, 1) } @langs));

my $task = 0;
my $limits = pb_field_varint(1, 10000) . pb_field_varint(2, 20000)
           . pb_field_varint(3, 1 << 20);

for my $l (@langs) {
    my ($id, $template) = (val($l, 1), val($l, 9) // '');
    my $source = pb_field_bytes(2, $template);
    my $program;

    ok(length $template, "$id: a template");
    ok(length(val($l, 10) // ''), "$id: a runtime (" . (val($l, 10) // '')
       . ')');

    if (val($l, 4)) {
        my $hash = sprintf '%064x', ++$task;
        send_cmd(2, pb_field_bytes(1, 'tpl') . pb_field_varint(2, $task)
                    . pb_field_bytes(3, $id) . pb_field_bytes(4, $source)
                    . pb_field_bytes(6, $limits) . pb_field_bytes(7, $hash));
        my ($n, $cr) = recv_msg();
        is($STATUS_NAME{ val($cr, 3) // 0 } // '', 'OK', "$id: it compiles")
            or diag val($cr, 4);
        $program = pb_field_bytes(5, $hash);
    } else {
        $program = pb_field_bytes(6, $source);
    }

    send_cmd(3, pb_field_bytes(1, 'tpl') . pb_field_varint(2, ++$task)
                . pb_field_bytes(3, $id) . $program
                . pb_field_bytes(7, pb_field_bytes(1, 't0')
                                    . pb_field_bytes(4, "Hello, world!\n")
                                    . pb_field_varint(5, 1))
                . pb_field_bytes(8, $limits . pb_field_varint(5, 64))
                . pb_field_bytes(9, pb_field_varint(1, 1)));
    my ($n, $tr) = recv_msg();
    is($STATUS_NAME{ val($tr, 5) // 0 } // '', 'AC',
       "$id: it prints exactly \"Hello, world!\\n\"")
        or diag explain { stdout => val($tr, 7), stderr => val($tr, 8),
                          message => val($tr, 12) };
    (undef, my $end) = recv_msg();
    is(val($end, 3), 1, "$id: the batch ends");
}

open my $log, '<', "$dir/worker.out";
my $out = do { local $/; <$log> // '' };
unlike($out, qr/Sanitizer|runtime error/, 'no sanitizer report') or diag $out;

done_testing();
