package Test::Judge::Master;

# nginx's side of judge/1, played by a test against a real judge-worker:
# the worker is started with a languages table in a temporary state
# directory of its own and dials this test's listening socket; the
# upgrade is answered, the worker's frames are read and decoded by kind,
# and commands go back frame by frame.  The worker is killed when the
# test ends.  The two tasks (CompileTask, ExecuteBatchTask) are encoded
# here, the messages inside them by Test::Judge::Wire.
#
#     need_worker('python3');
#     my $w = Test::Judge::Master->new(id => 'w-x', prefix => 'judge-x',
#                                      languages => $table_text);
#     $w->start;
#     my ($kind, $register) = $w->accept_worker;
#     $w->welcome(200);
#     $w->execute_batch(job => 'j1', task => 1, lang => 'python', ...);
#     my $r = $w->collect(task => 1);

use strict;
use warnings;

use Cwd qw(abs_path);
use Exporter 'import';
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Test::More ();
use Time::HiRes qw(time sleep);
use Test::Judge::Wire qw(pb_field_varint pb_field_bytes pb_decode frame
                         source_file_msg %STATUS);

our @EXPORT_OK = qw(need_worker languages_table val compile_msg
                    execute_batch_msg %STATUS_NAME);

my $RepoRoot = abs_path(dirname(__FILE__) . '/../../../..');
my $Build = $ENV{JUDGE_BUILD} || "$RepoRoot/build";
my $WorkerBin = "$Build/judge-worker";

my %KIND = (1 => 'register', 2 => 'heartbeat', 3 => 'compile_result',
            4 => 'batch_result', 5 => 'test_result', 6 => 'leaving',
            7 => 'output', 8 => 'data_request');

my %COMMAND = (welcome => 1, compile => 2, execute_batch => 3, cancel => 4,
               drain => 5, shutdown => 6, data => 7);

# Status number => name, CANCELLED included
our %STATUS_NAME = (reverse(%STATUS), 12 => 'CANCELLED');

# Masters whose worker may still run when the test ends
my @Started;

END {
    local $?;
    $_->stop for @Started;
}

# Sections of a languages table that tests with a table of their own
# share: C compiled statically, Python 3 without its site packages
my %SECTION = (c => <<'C', python => <<'PYTHON');
[c]
name    = C
version = gcc -dumpfullversion
source  = main.c
compile = gcc -O2 -static -o main main.c
artifact = main
run     = ./main
C
[python]
name    = Python
version = /usr/bin/python3 --version
source  = main.py
run     = /usr/bin/python3 -S main.py
PYTHON

# The text of a languages table of the sections named (c, python)
sub languages_table { join "\n", map { $SECTION{$_} } @_ }

# Skips the whole test unless judge-worker is built, this is root (the
# sandbox needs it) and each of "programs" is in /usr/bin.
sub need_worker {
    my @programs = @_;
    Test::More::plan(skip_all => 'judge-worker not built')
        unless -x $WorkerBin;
    Test::More::plan(skip_all => "needs root (the sandbox's root path)")
        if $> != 0;
    Test::More::plan(skip_all => 'needs ' . join(' and ', @programs))
        if grep { !-x "/usr/bin/$_" } @programs;
}

# The first value of field "f" of decoded message "m", or undef
sub val { my ($m, $f) = @_; $m->{$f} ? $m->{$f}[0] : undef }

# A CompileTask: job, task, lang, src (one source file), limits (a
# Limits message), hash, max_artifact
sub compile_msg {
    my (%o) = @_;
    return pb_field_bytes(1, $o{job} // '') . pb_field_varint(2, $o{task})
         . pb_field_bytes(3, $o{lang})
         . pb_field_bytes(4, source_file_msg(undef, $o{src}))
         . (defined $o{limits} ? pb_field_bytes(6, $o{limits}) : '')
         . pb_field_bytes(7, $o{hash})
         . (defined $o{max_artifact} ? pb_field_varint(8, $o{max_artifact})
                                     : '');
}

# An ExecuteBatchTask: job, task, lang, artifact, hash, src (one source
# file, named src_name), tests [TestCase, ...], limits (a Limits
# message), checker (a Checker), stop (stop_on_first_failure),
# max_capture, stream (stream_output), interactor (an Interactor)
sub execute_batch_msg {
    my (%o) = @_;
    return pb_field_bytes(1, $o{job}) . pb_field_varint(2, $o{task})
         . pb_field_bytes(3, $o{lang})
         . (defined $o{artifact} ? pb_field_bytes(4, $o{artifact}) : '')
         . (defined $o{hash} ? pb_field_bytes(5, $o{hash}) : '')
         . (defined $o{src}
            ? pb_field_bytes(6, source_file_msg($o{src_name}, $o{src})) : '')
         . join('', map { pb_field_bytes(7, $_) } @{ $o{tests} })
         . (defined $o{limits} ? pb_field_bytes(8, $o{limits}) : '')
         . (defined $o{checker} ? pb_field_bytes(9, $o{checker}) : '')
         . ($o{stop} ? pb_field_varint(10, 1) : '')
         . (defined $o{max_capture} ? pb_field_varint(12, $o{max_capture})
                                    : '')
         . ($o{stream} ? pb_field_varint(13, 1) : '')
         . (defined $o{interactor} ? pb_field_bytes(14, $o{interactor}) : '');
}

# A master listening on a port of 127.0.0.1 for worker "id", with a
# temporary directory named after "prefix" as the worker's state
# directory.  "languages" is the text of the worker's languages table,
# written there; without it the worker gets the shipped
# conf/languages.conf.  "timeout" is next_msg()'s default in seconds.
# Kept as the exchange goes: ->{heartbeats}, each Heartbeat with the time
# it came (key "time"); ->{raw}, every byte of every frame the worker
# sent (heartbeats too).  Tests may empty either.
sub new {
    my ($class, %o) = @_;
    my $dir = tempdir("$o{prefix}-XXXXXX", TMPDIR => 1, CLEANUP => 1);
    my $table = "$RepoRoot/conf/languages.conf";
    if (defined $o{languages}) {
        $table = "$dir/languages.conf";
        open my $fh, '>', $table or die "$table: $!";
        print $fh $o{languages};
        close $fh;
    }
    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1:0',
                                       Listen => 1, ReuseAddr => 1)
        or die "listen: $!";
    return bless { id => $o{id}, dir => $dir, table => $table,
                   listen => $listen, port => $listen->sockport,
                   timeout => $o{timeout} // 20, buf => '', raw => '',
                   heartbeats => [] }, $class;
}

# The worker's state directory
sub dir { $_[0]{dir} }

# The worker's pid while it runs
sub pid { $_[0]{pid} }

# Starts judge-worker with two slots, told to dial this master; "args"
# are added to its command line.  Its stdout and stderr go to
# worker.out, its log to worker.log, both in dir().
sub start {
    my ($self, @args) = @_;
    my $dir = $self->{dir};
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$dir/worker.out";
        open STDERR, '>&', \*STDOUT;
        exec($WorkerBin, '--foreground', '--master',
             "http://127.0.0.1:$self->{port}/worker", '--token', 't',
             '--id', $self->{id}, '--slots', 2, '--state-dir', $dir,
             '--languages', $self->{table}, '--log', "$dir/worker.log",
             @args)
            or POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    push @Started, $self unless grep { $_ == $self } @Started;
}

# Kills the worker, if it runs, and reaps it
sub stop {
    my $self = shift;
    return unless $self->{pid};
    kill 'KILL', $self->{pid};
    waitpid $self->{pid}, 0;
    $self->{pid} = undef;
}

# Waits up to "timeout" seconds for the worker to exit by itself: what
# waitpid() gave last (the pid once it exited) and the exit status.
sub wait_exit {
    my ($self, $timeout) = @_;
    my $deadline = time + $timeout;
    my $reaped = 0;
    while (time < $deadline) {
        $reaped = waitpid($self->{pid}, WNOHANG);
        last if $reaped == $self->{pid};
        sleep 0.05;
    }
    my $status = $?;
    $self->{pid} = undef if $reaped == $self->{pid};
    return ($reaped, $status);
}

# What the worker printed (worker.out)
sub output { $_[0]->read_file('worker.out') }

# Its log (worker.log)
sub worker_log { $_[0]->read_file('worker.log') }

# The content of file "name" of dir(), '' when there is none
sub read_file {
    my ($self, $name) = @_;
    open my $fh, '<', "$self->{dir}/$name" or return '';
    local $/;
    return <$fh> // '';
}

# Takes the worker's next connection as nginx would, within "timeout"
# seconds (10 by default): answers its upgrade and returns its first
# message as next_msg() does; () when the worker does not dial in.  The
# Welcome is the caller's.  A connection that breaks off before its
# upgrade request ends bails out.
sub accept_worker {
    my ($self, $timeout) = @_;
    return () unless IO::Select->new($self->{listen})->can_read($timeout // 10);
    my $sock = $self->{listen}->accept;
    my $buf = '';
    while (index($buf, "\r\n\r\n") < 0) {
        IO::Select->new($sock)->can_read(5)
            or Test::More::BAIL_OUT('no upgrade request');
        sysread($sock, $buf, 65536, length $buf)
            or Test::More::BAIL_OUT('eof');
    }
    $self->{sock} = $sock;
    $self->{buf} = substr($buf, index($buf, "\r\n\r\n") + 4);
    syswrite $sock, "HTTP/1.1 101 Switching Protocols\r\n"
                  . "Upgrade: judge/1\r\nConnection: Upgrade\r\n\r\n";
    return $self->next_msg;
}

# Closes the worker's connection from this side
sub hang_up {
    my $self = shift;
    close $self->{sock} if $self->{sock};
    $self->{sock} = undef;
}

# The worker's next WorkerMessage but heartbeats, within "timeout"
# seconds: (kind, fields), the kind one of register, compile_result,
# batch_result, test_result, leaving, output, data_request, the fields
# decoded one level; () on timeout or EOF.
sub next_msg {
    my ($self, $timeout) = @_;
    my $deadline = time + ($timeout // $self->{timeout});
    while (1) {
        if (length $self->{buf} >= 4) {
            my $len = unpack 'N', $self->{buf};
            if (length $self->{buf} >= 4 + $len) {
                my $frame = substr($self->{buf}, 0, 4 + $len, '');
                $self->{raw} .= $frame;
                my $m = pb_decode(substr($frame, 4));
                my ($f) = keys %$m;
                my $body = pb_decode($m->{$f}[0]);
                if ($f == 2) {
                    push @{ $self->{heartbeats} }, { time => time, %$body };
                    next;
                }
                return ($KIND{$f} // $f, $body);
            }
        }
        my $left = $deadline - time;
        return () if $left <= 0
                     || !IO::Select->new($self->{sock})->can_read($left);
        sysread($self->{sock}, $self->{buf}, 65536, length $self->{buf})
            or return ();
    }
}

# The fields of the next message if it is of "kind", else undef
sub expect {
    my ($self, $kind, $timeout) = @_;
    my ($n, $m) = $self->next_msg($timeout);
    return ($n // '') eq $kind ? $m : undef;
}

# Every message of task "task" (of job "job" when given) up to its last,
# within "timeout" seconds each, as a hash: tests (the TestResults in
# the order they came) and chunks (the OutputChunks), each with the time
# it came (key "at"); by_index (the TestResults by index); requests (the
# hashes of each DataRequest that came meanwhile, sorted); end (the
# BatchExecutionResult, or undef when none came).
sub collect {
    my ($self, %o) = @_;
    my %r = (tests => [], chunks => [], by_index => {}, requests => []);
    while (my ($n, $m) = $self->next_msg($o{timeout})) {
        if ($n eq 'data_request') {
            push @{ $r{requests} }, [sort @{ $m->{1} // [] }];
            next;
        }
        next unless (val($m, 2) // 0) == $o{task}
                    && (!defined $o{job} || (val($m, 1) // '') eq $o{job});
        if ($n eq 'test_result' || $n eq 'output') {
            $m->{at} = time;
            if ($n eq 'output') {
                push @{ $r{chunks} }, $m;
            } else {
                push @{ $r{tests} }, $m;
                $r{by_index}{ val($m, 4) // 0 } = $m;
            }
            next;
        }
        $r{end} = $m if $n eq 'batch_result';
        last;
    }
    return \%r;
}

# Sends "bytes" as they are, whole
sub send_raw {
    my ($self, $bytes) = @_;
    local $SIG{PIPE} = 'IGNORE';
    while (length $bytes) {
        my $n = syswrite $self->{sock}, $bytes;
        die "write: $!" unless defined $n;
        substr($bytes, 0, $n, '');
    }
}

# Sends MasterCommand "msg" in its frame
sub send_frame { my ($self, $msg) = @_; $self->send_raw(frame($msg)) }

# Sends a MasterCommand of "kind" (welcome, compile, execute_batch,
# cancel, drain, shutdown, data) with body "body"
sub send_cmd {
    my ($self, $kind, $body) = @_;
    $self->send_frame(pb_field_bytes($COMMAND{$kind}, $body));
}

# Sends the Welcome: the worker's id and, when given, the heartbeat
# interval in ms
sub welcome {
    my ($self, $interval) = @_;
    $self->send_cmd(welcome => pb_field_bytes(1, $self->{id})
                               . (defined $interval
                                  ? pb_field_varint(2, $interval) : ''));
}

# Sends a CompileTask, compile_msg(%o)
sub compile {
    my ($self, %o) = @_;
    $self->send_cmd(compile => compile_msg(%o));
}

# Sends an ExecuteBatchTask, execute_batch_msg(%o)
sub execute_batch {
    my ($self, %o) = @_;
    $self->send_cmd(execute_batch => execute_batch_msg(%o));
}

# Sends a Cancel of job "job", of its task "task" only when given
sub cancel {
    my ($self, $job, $task) = @_;
    $self->send_cmd(cancel => pb_field_bytes(1, $job)
                              . (defined $task ? pb_field_varint(2, $task)
                                               : ''));
}

1;
