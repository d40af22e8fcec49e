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
use Test::Judge::Wire qw(pb_field_varint pb_decode limits_msg test_case_msg);
use Test::Judge::Master qw(need_worker val %STATUS_NAME);

need_worker();

my $w = Test::Judge::Master->new(id => 'w-tpl', prefix => 'judge-templates',
                                 timeout => 120);
$w->start;

my ($kind, $reg) = $w->accept_worker(30)
    or BAIL_OUT('the worker does not dial in');
is($kind, 'register', 'Register first');
$w->welcome;

my @langs = map { pb_decode($_) } @{ $reg->{7} // [] };
ok(@langs >= 1, 'languages offered: '
   . join(' ', map { val($_, 1) } @langs));

my $task = 0;
my %limits = (cpu => 10000, wall => 20000, memory => 1 << 20);

for my $l (@langs) {
    my ($id, $template) = (val($l, 1), val($l, 9) // '');
    my %program = (src => $template);

    ok(length $template, "$id: a template");
    ok(length(val($l, 10) // ''), "$id: a runtime (" . (val($l, 10) // '')
       . ')');

    if (val($l, 4)) {
        my $hash = sprintf '%064x', ++$task;
        $w->compile(job => 'tpl', task => $task, lang => $id, src => $template,
                    limits => limits_msg(%limits), hash => $hash);
        my ($n, $cr) = $w->next_msg;
        is($STATUS_NAME{ val($cr, 3) // 0 } // '', 'OK', "$id: it compiles")
            or diag val($cr, 4);
        %program = (hash => $hash);
    }

    $w->execute_batch(job => 'tpl', task => ++$task, lang => $id, %program,
                      tests => [test_case_msg(index => 0,
                                              expected => "Hello, world!\n")],
                      limits => limits_msg(%limits, processes => 64),
                      checker => pb_field_varint(1, 1));   # EXACT
    my ($n, $tr) = $w->next_msg;
    is($STATUS_NAME{ val($tr, 5) // 0 } // '', 'AC',
       "$id: it prints exactly \"Hello, world!\\n\"")
        or diag explain { stdout => val($tr, 7), stderr => val($tr, 8),
                          message => val($tr, 12) };
    (undef, my $end) = $w->next_msg;
    is(val($end, 3), 1, "$id: the batch ends");
}

my $out = $w->output;
unlike($out, qr/Sanitizer|runtime error/, 'no sanitizer report') or diag $out;

done_testing();
