package Test::Judge::Wire;

# The worker side of the judge/1 protocol, written out by hand for tests
# and benchmarks: dial, upgrade, and exchange length-prefixed protobuf
# frames (proto/judge.proto) with the real nginx; and the parts of a
# batch for tests that play the master to a real judge-worker.  Only the
# messages the tests need are encoded; decoding is generic (field number
# => values).

use strict;
use warnings;

use Exporter 'import';
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

our @EXPORT_OK = qw(
    pb_varint pb_field_varint pb_field_bytes pb_field_double pb_decode
    register_msg heartbeat_msg leaving_msg frame
    compile_result_msg test_result_msg batch_result_msg
    limits_msg assertion_msg test_case_msg
    data_request_msg test_data_cmd
    source_file_msg checker_msg interactor_msg
    %STATUS
    dial registered
);

my %MASTER_BODY = (1 => 'welcome', 2 => 'compile', 3 => 'execute_batch',
                   4 => 'cancel', 5 => 'drain', 6 => 'shutdown',
                   7 => 'data');

# When set, called with the port, the path and the whole answer (head
# and body) of each upgrade dial() asks for: the test harness holds them
# against the API's contract.
our $Answered;

our %STATUS = (OK => 1, TLE => 2, WLE => 3, MLE => 4, OLE => 5, RE => 6,
               SV => 7, CE => 8, IE => 9, AC => 10, WA => 11);

sub pb_varint {
    my $n = shift;
    my $out = '';
    while ($n >= 0x80) {
        $out .= chr(($n & 0x7f) | 0x80);
        $n >>= 7;
    }
    return $out . chr($n);
}

sub pb_field_varint { my ($f, $v) = @_; pb_varint($f << 3) . pb_varint($v) }
sub pb_field_bytes  { my ($f, $v) = @_; pb_varint(($f << 3) | 2) . pb_varint(length $v) . $v }
sub pb_field_double { my ($f, $v) = @_; pb_varint(($f << 3) | 1) . pack('d<', $v) }

# field number => [values]; nested messages stay bytes
sub pb_decode {
    my $buf = shift;
    my %m;
    my $pos = 0;
    my $varint = sub {
        my ($n, $shift) = (0, 0);
        while (1) {
            die "truncated varint\n" if $pos >= length $buf;
            my $b = ord substr($buf, $pos++, 1);
            $n |= ($b & 0x7f) << $shift;
            last unless $b & 0x80;
            $shift += 7;
        }
        return $n;
    };
    while ($pos < length $buf) {
        my $key = $varint->();
        my ($f, $wt) = ($key >> 3, $key & 7);
        my $v;
        if ($wt == 0) {
            $v = $varint->();
        } elsif ($wt == 2) {
            my $len = $varint->();
            $v = substr($buf, $pos, $len);
            $pos += $len;
        } elsif ($wt == 1) {
            $v = unpack('d<', substr($buf, $pos, 8));
            $pos += 8;
        } elsif ($wt == 5) {
            $v = unpack('V', substr($buf, $pos, 4));
            $pos += 4;
        } else {
            die "wire type $wt\n";
        }
        push @{ $m{$f} }, $v;
    }
    return \%m;
}

sub frame { my $msg = shift; pack('N', length $msg) . $msg }

# A Register for a worker: id, slots, languages [[id, name, version,
# compiled, [allowed flag, ...]], ...]; optionally cached_artifacts
# [hash, ...] and max_frame_size (bytes)
sub register_msg {
    my (%o) = @_;
    my $reg = pb_field_bytes(1, $o{id})
            . pb_field_bytes(2, $o{host} // 'test-host')
            . pb_field_varint(3, $o{cores} // 2)
            . pb_field_varint(4, $o{ram_kb} // 1048576)
            . join('', map { pb_field_bytes(5, $_) } @{ $o{tags} // [] })
            . pb_field_bytes(6, $o{abi} // 'x86_64-linux-gnu')
            . join('', map {
                  pb_field_bytes(7, pb_field_bytes(1, $_->[0])
                                    . pb_field_bytes(2, $_->[1] // $_->[0])
                                    . pb_field_bytes(3, $_->[2] // '1')
                                    . pb_field_varint(4, $_->[3] ? 1 : 0)
                                    . join('', map { pb_field_bytes(8, $_) }
                                                   @{ $_->[4] // [] }))
              } @{ $o{languages} // [] })
            . pb_field_varint(8, $o{slots} // 2)
            . pb_field_bytes(9, $o{version} // 'test')
            . pb_field_bytes(10, pb_field_bytes(1, 'native')
                                 . pb_field_varint(2, 1))
            . join('', map { pb_field_bytes(11, $_) }
                           @{ $o{cached_artifacts} // [] })
            . (defined $o{max_frame_size}
               ? pb_field_varint(12, $o{max_frame_size}) : '')
            . pb_field_varint(13, $o{can_compile} // 1);
    return pb_field_bytes(1, $reg);
}

sub heartbeat_msg {
    my (%o) = @_;
    my $hb = pb_field_double(1, $o{load1} // 0.5)
           . pb_field_varint(2, $o{cpu_percent} // 10)
           . pb_field_varint(3, $o{ram_used_kb} // 1000)
           . pb_field_varint(4, $o{ram_total_kb} // 2000000)
           . pb_field_varint(5, $o{active_tasks} // 0)
           . pb_field_varint(6, $o{free_slots} // 2)
           . pb_field_varint(7, $o{tasks_done} // 0);
    return pb_field_bytes(2, $hb);
}

sub leaving_msg {
    my (%o) = @_;
    return pb_field_bytes(6, pb_field_bytes(1, $o{reason} // 'bye')
                             . pb_field_varint(2, 1));
}

sub usage_msg {
    my (%o) = @_;
    return pb_field_varint(1, $o{cpu} // 1) . pb_field_varint(2, $o{wall} // 2)
         . pb_field_varint(3, $o{mem} // 1024)
         . pb_field_varint(4, $o{exit_code} // 0);
}

# What nginx sends down: a SourceFile, a Checker, an Interactor (the
# bodies of the nested messages of ExecuteBatchTask); Limits below.

sub source_file_msg {
    my ($name, $content) = @_;
    return pb_field_bytes(1, $name // '') . pb_field_bytes(2, $content);
}

# kind (a Checker.Kind number, default 4: CUSTOM), language, source, or
# files => [[name, content], ...], kattis
sub checker_msg {
    my (%o) = @_;
    return pb_field_varint(1, $o{kind} // 4)
         . pb_field_bytes(4, $o{language} // '')
         . (defined $o{source} ? pb_field_bytes(5, $o{source}) : '')
         . ($o{kattis} ? pb_field_varint(8, 1) : '')
         . join('', map { pb_field_bytes(9, source_file_msg(@$_)) }
                        @{ $o{files} // [] });
}

# language, files => [[name, content], ...], kattis, limits => {limits_msg}
sub interactor_msg {
    my (%o) = @_;
    return pb_field_bytes(1, $o{language} // '')
         . join('', map { pb_field_bytes(2, source_file_msg(@$_)) }
                        @{ $o{files} // [] })
         . ($o{kattis} ? pb_field_varint(3, 1) : '')
         . ($o{limits} ? pb_field_bytes(4, limits_msg(%{ $o{limits} })) : '');
}

sub compile_result_msg {
    my (%o) = @_;
    my $m = pb_field_bytes(1, $o{job_id} // '')
          . pb_field_varint(2, $o{task_id})
          . pb_field_varint(3, $STATUS{ $o{status} // 'OK' } // $o{status})
          . pb_field_bytes(4, $o{output} // '')
          . pb_field_bytes(5, $o{artifact} // "\x7fELF")
          . pb_field_bytes(6, $o{hash})
          . pb_field_bytes(8, usage_msg());
    return pb_field_bytes(3, $m);
}

sub test_result_msg {
    my (%o) = @_;
    my $m = pb_field_bytes(1, $o{job_id})
          . pb_field_varint(2, $o{task_id})
          . pb_field_bytes(3, $o{test_id} // '')
          . pb_field_varint(4, $o{index})
          . pb_field_varint(5, $STATUS{ $o{status} // 'AC' } // $o{status})
          . pb_field_bytes(6, usage_msg())
          . pb_field_bytes(7, $o{stdout} // '')
          . pb_field_bytes(8, $o{stderr} // '');
    return pb_field_bytes(5, $m);
}

sub batch_result_msg {
    my (%o) = @_;
    my $m = pb_field_bytes(1, $o{job_id})
          . pb_field_varint(2, $o{task_id})
          . pb_field_varint(3, $o{tests_run} // 0)
          . ($o{system_error} ? pb_field_varint(4, 1) : '')
          . (defined $o{message} ? pb_field_bytes(5, $o{message}) : '')
          . ($o{need_artifact} ? pb_field_varint(6, 1) : '');
    return pb_field_bytes(4, $m);
}

# The master's side, for tests that play nginx to a real judge-worker.

my %LIMIT_FIELD = (cpu => 1, wall => 2, memory => 3, stack => 4,
                   processes => 5, output => 6, file_size => 7,
                   open_files => 8);

my %ASSERTION_KIND = (stdout_contains => 0, stdout_equals => 1,
                      stdout_matches => 2, stderr_contains => 3,
                      exit_code => 4, stdout_not_contains => 5);

# A Limits message: cpu, wall (ms), memory, stack, output, file_size (KiB),
# processes, open_files; only those given
sub limits_msg {
    my (%o) = @_;
    return join '', map { pb_field_varint($LIMIT_FIELD{$_}, $o{$_}) }
                    sort { $LIMIT_FIELD{$a} <=> $LIMIT_FIELD{$b} } keys %o;
}

# An Assertion: kind (stdout_contains, ..., stdout_not_contains), value,
# code (exit_code), description
sub assertion_msg {
    my (%o) = @_;
    return pb_field_varint(1, $ASSERTION_KIND{ $o{kind} })
         . (defined $o{value} ? pb_field_bytes(2, $o{value}) : '')
         . (defined $o{code} ? pb_field_varint(3, $o{code}) : '')
         . (defined $o{description} ? pb_field_bytes(4, $o{description})
                                    : '');
}

# A TestCase: id, index, input, expected (sets has_expected), assertions
# [assertion_msg(...), ...], args [...], hidden, limits (limits_msg(...)),
# env ["NAME=value", ...]
sub test_case_msg {
    my (%o) = @_;
    return pb_field_bytes(1, $o{id} // "t$o{index}")
         . pb_field_varint(2, $o{index})
         . pb_field_bytes(3, $o{input} // '')
         . (defined $o{expected} ? pb_field_bytes(4, $o{expected})
                                   . pb_field_varint(5, 1) : '')
         . join('', map { pb_field_bytes(6, $_) } @{ $o{assertions} // [] })
         . join('', map { pb_field_bytes(7, $_) } @{ $o{args} // [] })
         . ($o{hidden} ? pb_field_varint(12, 1) : '')
         . (defined $o{limits} ? pb_field_bytes(13, $o{limits}) : '')
         . join('', map { pb_field_bytes(14, $_) } @{ $o{env} // [] });
}

# A DataRequest for test files by hash
sub data_request_msg {
    my @hashes = @_;
    return pb_field_bytes(8, join('', map { pb_field_bytes(1, $_) } @hashes));
}

# A MasterCommand with a TestData: hash, offset, total, data, or missing
sub test_data_cmd {
    my (%o) = @_;
    my $m = pb_field_bytes(1, $o{hash})
          . ($o{offset} ? pb_field_varint(2, $o{offset}) : '')
          . (defined $o{total} ? pb_field_varint(3, $o{total}) : '')
          . (defined $o{data} && length $o{data}
             ? pb_field_bytes(4, $o{data}) : '')
          . ($o{missing} ? pb_field_varint(5, 1) : '');
    return pb_field_bytes(7, $m);
}

# Dial nginx and upgrade.  Returns a connection object; ->{status} is the
# HTTP status of the answer (101 on success), ->{body} the rest.
sub dial {
    my (%o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$o{port}",
                                  Proto => 'tcp', Timeout => 5)
        or die "connect: $!";
    my $req = "GET " . ($o{path} // '/worker') . " HTTP/1.1\r\n"
            . "Host: localhost\r\n";
    $req .= "Connection: Upgrade\r\nUpgrade: " . ($o{upgrade} // 'judge/1')
            . "\r\n" unless $o{no_upgrade};
    $req .= "Authorization: Bearer $o{token}\r\n" if defined $o{token};
    $req .= "\r\n" . ($o{pipelined} // '');
    syswrite $s, $req;

    my $self = bless { sock => $s, buf => '' }, __PACKAGE__;
    my $head = $self->read_until("\r\n\r\n", $o{timeout} // 5);
    die "no answer to the upgrade\n" unless defined $head;
    ($self->{status}) = $head =~ m{^HTTP/1\.1 (\d+)};
    $self->{head} = $head;
    if ($self->{status} != 101) {
        $self->{body} = $self->read_all(2);
    }
    $Answered->($o{port}, $o{path} // '/worker', $head . ($self->{body} // ''))
        if $Answered;
    return $self;
}

# Dial, register with register_msg(%reg) and wait for Welcome: the
# connection, or undef when the worker was not welcomed.
sub registered {
    my ($port, $token, %reg) = @_;
    my $w = dial(port => $port, token => $token);
    return undef unless $w->{status} == 101;
    $w->send_msg(register_msg(%reg));
    my ($name) = $w->recv_cmd(5);
    return ($name // '') eq 'welcome' ? $w : undef;
}

sub read_until {
    my ($self, $mark, $timeout) = @_;
    my $sel = IO::Select->new($self->{sock});
    my $deadline = time + $timeout;
    while (1) {
        my $i = index $self->{buf}, $mark;
        if ($i >= 0) {
            return substr($self->{buf}, 0, $i + length $mark, '');
        }
        my $left = $deadline - time;
        return undef if $left <= 0 || !$sel->can_read($left);
        my $n = sysread $self->{sock}, my $chunk, 65536;
        return undef unless $n;
        $self->{buf} .= $chunk;
    }
}

sub read_all {
    my ($self, $timeout) = @_;
    my $sel = IO::Select->new($self->{sock});
    while ($sel->can_read($timeout)) {
        my $n = sysread $self->{sock}, my $chunk, 65536;
        last unless $n;
        $self->{buf} .= $chunk;
    }
    return substr($self->{buf}, 0, length $self->{buf}, '');
}

sub send_raw {
    my ($self, $bytes) = @_;
    local $SIG{PIPE} = 'IGNORE';
    return syswrite $self->{sock}, $bytes;
}

sub send_msg { my ($self, $msg) = @_; $self->send_raw(frame($msg)) }

# Next MasterCommand as (name, fields) or () on EOF/timeout.  The whole
# frame's length (4-byte prefix included) is left in ->{last_frame_len}.
sub recv_cmd {
    my ($self, $timeout) = @_;
    my $sel = IO::Select->new($self->{sock});
    my $deadline = time + ($timeout // 5);
    while (1) {
        if (length $self->{buf} >= 4) {
            my $len = unpack 'N', $self->{buf};
            if (length $self->{buf} >= 4 + $len) {
                my $msg = substr($self->{buf}, 0, 4 + $len, '');
                $self->{last_frame_len} = 4 + $len;
                my $m = pb_decode(substr($msg, 4));
                my ($f) = keys %$m;
                return ($MASTER_BODY{$f} // $f, pb_decode($m->{$f}[0]));
            }
        }
        my $left = $deadline - time;
        return () if $left <= 0 || !$sel->can_read($left);
        my $n = sysread $self->{sock}, my $chunk, 65536;
        return () unless $n;
        $self->{buf} .= $chunk;
    }
}

# True once the peer has closed the connection (within the timeout).
sub closed_within {
    my ($self, $timeout) = @_;
    my $sel = IO::Select->new($self->{sock});
    my $deadline = time + $timeout;
    while (1) {
        my $left = $deadline - time;
        return 0 if $left <= 0 || !$sel->can_read($left);
        my $n = sysread $self->{sock}, my $chunk, 65536;
        return 1 unless $n;
        $self->{buf} .= $chunk;
    }
}

sub close { my $self = shift; CORE::close $self->{sock} }

1;
