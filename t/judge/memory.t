# End to end: the memory a test reports is its own.  Every test of a job
# runs the same program on the same input, spread over both slots of a
# worker that compiled it, so each must report the same peak, give or take
# 1 MB, whichever slot and whatever ran there before.

use Test::Judge::Nginx;
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:32m;
    judge_worker_token t;
    judge_heartbeat_interval 500ms;
    judge_heartbeat_timeout 3s;
CONF

our $Config = <<'CONF';
    client_max_body_size 16m;
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

sub same_memory {
    my ($lang, $source, $input, $output, $n, $name) = @_;
    SKIP: {
        my ($c) = http_json(GET => "/languages/$lang");
        skip "$lang is not installed here", 3 unless $c == 200;
        my @tests = map { {id => "t$_", input => $input,
                           expected_output => $output} } 1 .. $n;
        my ($code, $r) = http_json(POST => '/submissions?wait=true',
                                   {language => $lang, source => $source,
                                    tests => \@tests});
        is($r->{verdict}, 'AC', "$name: AC")
            or diag(JSON::PP->new->canonical->pretty->encode($r));
        my @kb = sort { $a <=> $b } map { $_->{memory_kb} } @{ $r->{tests} };
        cmp_ok($kb[0], '>', 0, "$name: memory reported");
        cmp_ok($kb[-1] - $kb[0], '<=', 1024,
               "$name: the same memory in all $n tests ($kb[0]..$kb[-1] KB)");
    }
}

run_tests();

__DATA__

=== the same program reports the same memory in every test, in both slots
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 120
--- perl
spawn_worker('w1', slots => 2);
ok(wait_until(sub { ((http_json(GET => '/health'))[1] // {})->{workers} == 1 },
              20), 'worker up');
same_memory('cpp', "#include <iostream>\nint main(){long long a,b;"
                   . "std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}",
            "1 2\n", "3\n", 24, 'C++ a+b');
same_memory('python', "a = [0] * 10**7\nprint(len(a))", "", "10000000\n",
            12, 'python list of 10**7 ints');
