# The Docker backend's pools under a load that uses containers up faster
# than the daemon creates them (--docker-uses 1, two slots: each run
# gives its container up, a creation takes seconds with vfs): the
# containers given up are removed before more are created, so that a
# worker's containers never number more than its pools' plus the one
# being created, whatever the load (each is a copy of the image on
# disk with vfs).
#
# Skipped without a docker daemon holding ngx-judge/runner:bookworm,
# unless JUDGE_DOCKER is set (then that is a failure).

use FindBin;
use Test::Judge::Nginx;
use JSON::PP;
use Time::HiRes qw(sleep);

require "$FindBin::Bin/helpers.pl";

docker_gate();

run_tests();

__DATA__

=== containers used up faster than they are made do not pile up
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 300
--- perl
my $state = servroot() . '/w1';
my $pid = do { local $::Slots = 2; docker_worker('w1', '--docker-uses', 1) };
ok(wait_until(sub { owned_containers($state) == 3 }, 60),
   'the pools are full: two runners, a builder')
    or diag(join ' ', owned_containers($state));

my @ids;
for my $n (1 .. 2) {
    my ($code, $r) = http_json(POST => '/submissions', {
        language => 'python', source => "print(int(input()) * 2)\n",
        tests => [map { {input => "$_\n", expected_output => 2 * $_ . "\n"} } 1 .. 5]});
    is($code, 202, "submission $n accepted");
    push @ids, $r->{id};
}

my ($most, %runners, %done) = (0);
wait_until(sub {
    my @all = owned_containers($state);
    $most = @all if @all > $most;
    $runners{$_} = 1 for owned_containers($state, 'runner');
    for my $id (grep { !$done{$_} } @ids) {
        my ($c, $s) = http_json(GET => "/submissions/$id");
        $done{$id} = $s if $c == 200
            && ($s->{status} // '') !~ /^(QUEUED|RUNNING|COMPILING)$/;
    }
    keys %done == @ids
}, 240);
is_deeply([map { $done{$_} && $done{$_}{verdict} } @ids], ['AC', 'AC'],
          'both submissions are judged: AC');
cmp_ok(scalar(keys %runners), '>=', 10,
       'each of the ten runs had a runner of its own');
cmp_ok($most, '<=', 4, 'never more containers than the pools\' three and '
       . 'the one being created') or diag("$most at once");

ok(stop_worker($pid), 'the worker stops on TERM');
is_deeply([owned_containers($state)], [], 'and its containers are gone');
