#!/usr/bin/perl

# A scripted judge-worker for the t/zone tests, run as its own process
# (spawn() of Test::Judge::Nginx, so it goes when the block ends): it
# registers, answers every compile OK with an artifact of --artifact bytes
# (distinct per source hash, so the judge cannot share the files), every
# test AC and every batch done, heartbeats, and with --reconnect dials
# again whenever its stream ends (an nginx worker process killed, the zone
# reset).  With --record it writes what it received as JSON lines.
#
#   --port N --id ID [--slots 2] [--langs cpp:1,python:0] [--artifact 16]
#   [--max-frame BYTES] [--record FILE] [--reconnect] [--reconnect-after 0.05]
#   [--heartbeat 2]

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/../lib";

use Digest::MD5 qw(md5_hex);
use Getopt::Long;
use IO::Handle;
use IO::Select;
use JSON::PP;
use Time::HiRes qw(time sleep);
use Test::Judge::Wire qw(registered compile_result_msg test_result_msg
                         batch_result_msg heartbeat_msg pb_decode);

my %o = (slots => 2, langs => 'cpp:1,python:0', artifact => 16,
         heartbeat => 2, 'reconnect-after' => 0.05);
GetOptions(\%o, 'port=i', 'id=s', 'slots=i', 'langs=s', 'artifact=i',
           'max-frame=i', 'record=s', 'reconnect', 'reconnect-after=f',
           'heartbeat=f')
    or die "bad options\n";

$SIG{PIPE} = 'IGNORE';

my $rec;
if ($o{record}) {
    open $rec, '>>', $o{record} or die "$o{record}: $!\n";
    $rec->autoflush(1);
}
my $json = JSON::PP->new->canonical;

sub record {
    my (%ev) = @_;
    print $rec $json->encode({%ev, t => time}), "\n" if $rec;
}

my @langs = map { my ($id, $c) = split /:/; [$id, $id, '1', $c] }
            split /,/, $o{langs};

sub connect_once {
    my $w = eval {
        registered($o{port}, 't', id => $o{id}, slots => $o{slots},
                   tags => ['fast'], languages => \@langs,
                   (defined $o{'max-frame'}
                    ? (max_frame_size => $o{'max-frame'}) : ()));
    };
    return $w;
}

# whether the peer closed the stream (recv_cmd says nothing of EOF)
sub stream_ended {
    my ($w) = @_;
    return 0 unless IO::Select->new($w->{sock})->can_read(0);
    my $n = sysread $w->{sock}, my $chunk, 65536;
    return 1 unless $n;
    $w->{buf} .= $chunk;
    return 0;
}

my $connects = 0;

while (1) {
    my $w = connect_once();
    unless ($w) {
        exit 1 unless $o{reconnect};
        sleep 0.05;
        next;
    }
    $connects++;
    record(ev => 'welcome', n => $connects);

    my $beat = time;
    while (1) {
        if (time - $beat >= $o{heartbeat}) {
            $w->send_msg(heartbeat_msg(free_slots => $o{slots}));
            $beat = time;
        }
        my ($name, $m) = $w->recv_cmd(0.2);
        unless (defined $name) {
            last if stream_ended($w);
            next;
        }
        my $len = $w->{last_frame_len};

        if ($name eq 'compile') {
            my $hash = $m->{7}[0] // '';
            record(ev => 'compile', task => $m->{2}[0], hash => $hash,
                   frame => $len, max_artifact => $m->{8}[0]);
            my $size = $o{artifact};
            my $art = substr($hash . ('A' x $size), 0, $size);
            $w->send_msg(compile_result_msg(job_id => $m->{1}[0] // '',
                                            task_id => $m->{2}[0],
                                            hash => $hash, artifact => $art));

        } elsif ($name eq 'execute_batch') {
            my $job = $m->{1}[0];
            my @tests = map { pb_decode($_) } @{ $m->{7} // [] };
            record(ev => 'batch', job => $job, task => $m->{2}[0],
                   attempt => $m->{11}[0] // 0, frame => $len,
                   artifact => defined $m->{4} ? length $m->{4}[0] : undef,
                   hash => $m->{5}[0],
                   tests => [map { [$_->{2}[0] // 0,
                                    length($_->{3}[0] // ''),
                                    md5_hex($_->{3}[0] // '')] } @tests]);
            for my $t (@tests) {
                $w->send_msg(test_result_msg(job_id => $job,
                                             task_id => $m->{2}[0],
                                             index => $t->{2}[0] // 0,
                                             test_id => $t->{1}[0] // '',
                                             status => 'AC'));
            }
            $w->send_msg(batch_result_msg(job_id => $job,
                                          task_id => $m->{2}[0],
                                          tests_run => scalar @tests));

        } else {
            record(ev => $name, job => $m->{1}[0], task => $m->{2}[0]);
            if ($name eq 'shutdown') {
                $w->close;
                last;
            }
        }
    }

    record(ev => 'closed');
    exit 0 unless $o{reconnect};
    sleep $o{'reconnect-after'};
}
