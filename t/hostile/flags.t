# The hostile-client suite: clients and workers that try to make the judge
# do what it must not.  This file: compiler flags.  A submission may only
# add the flags the languages table of the language's workers allows
# (conf/languages.conf, "flags"), carried in Register: flags that would run
# or read something else at compile time (-specs=, -wrapper, -fplugin=,
# @file, ...) are refused with 422 by nginx, and by the worker itself (CE)
# should one get through; a worker announcing a flag list out of bounds is
# told to stay away.  Other files of t/hostile/ cover other attacks.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(dial register_msg registered);
use Encode ();
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:4m;
    judge_worker_token t;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    location = /worker { judge_worker_endpoint; }
CONF

our @CppFlags = ('-O2', '-std=*', '-D*', '-Wall');

sub cpp_worker {
    my ($id, %o) = @_;
    return registered(nginx_port(), 't', id => $id, tags => ['fast'],
                      slots => $o{slots} // 2,
                      languages => [['cpp', 'C++', '12', 1,
                                     $o{flags} // \@::CppFlags],
                                    ['python', 'Python', '3']])
        // die "$id not welcomed\n";
}

# POST /submissions; the body is decoded strictly as UTF-8 JSON
sub submit {
    my ($body) = @_;
    my $r = http_request('POST', '/submissions', encode_json($body),
                         ['Content-Type: application/json']);
    my $bytes = $r->content;
    my $text = eval { Encode::decode('UTF-8', $bytes, Encode::FB_CROAK) };
    Test::More::ok(defined $text, 'the answer is valid UTF-8')
        or Test::More::diag($bytes);
    return ($r->code, JSON::PP->new->decode($text // '{}'));
}

sub cpp { {language => 'cpp', source => 'int main(){}', compiler_flags => [@_],
           tests => [{input => '', expected_output => ''}]} }

run_tests();

__DATA__

=== flags that run or read something at compile time get 422, naming the flag
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = cpp_worker('w1');
for my $flag ('-specs=x.specs', '-wrapper', '-fplugin=./p.so', '-B.', '-I.',
              '-L.', '-lx', '-Wl,-T,x.ld', '-Wp,-imacros,x', '-D', '-O3',
              '-o', '-std') {
    my ($code, $r) = submit(cpp('-O2', $flag));
    is($code, 422, "$flag: 422");
    is($r->{error}{code}, 'flag_not_allowed', "$flag: flag_not_allowed");
    is($r->{error}{message}, qq{compiler flag "$flag" is not allowed for "cpp"},
       "$flag: the message names it");
}
my ($code, $r) = submit(cpp('-O2', '@args.txt'));
is($code, 400, '@file is not even a flag');
($code, $r) = submit({language => 'python', source => 'print(1)',
                      compiler_flags => ['-O2'],
                      tests => [{input => '', expected_output => "1\n"}]});
is($code, 422, 'a language without flags takes none');
($code, $r) = submit(cpp("-D\x{263a}\n\x01\"x"));
is($code, 202, 'a -D with any value is allowed');
($code, $r) = submit(cpp("-specs=\x{263a}\n\x01\"x"));
is($r->{error}{message}, qq{compiler flag "-specs=\x{263a}\n\x01\"x" is not allowed for "cpp"},
   'a refused flag with control characters, escaped in the JSON');


=== allowed flags go to the worker with the compile task
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = cpp_worker('w1');
my ($code, $r) = submit(cpp('-O2', '-std=c++20', '-DLOCAL=1', '-Wall'));
is($code, 202, 'accepted');
my ($name, $c) = $w->recv_cmd(5);
is($name, 'compile', 'compile task');
is(join(' ', @{ $c->{5} }), '-O2 -std=c++20 -DLOCAL=1 -Wall', 'with the flags');
my (undef, $l) = http_json(GET => '/languages/cpp');
is_deeply($l->{flags}, \@::CppFlags, 'GET /languages lists the flags');


=== a flag allowed by one of the language's workers is allowed
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w1 = cpp_worker('w1', flags => ['-O2']);
my ($code) = submit(cpp('-Wextra'));
is($code, 422, 'no worker allows -Wextra');
my $w2 = cpp_worker('w2', flags => ['-Wextra']);
($code) = submit(cpp('-Wextra'));
is($code, 202, 'a second worker allows it');
($code) = submit(cpp('-Wextra', '-O2'));
is($code, 202, 'each flag by some worker');


=== after the last worker left, its flags stand while the language waits for it
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = cpp_worker('w1');
$w->close;
ok(wait_until(sub { (http_json(GET => '/health'))[1]{workers} == 0 }, 5), 'gone');
my ($code) = submit(cpp('-O2'));
is($code, 202, 'an allowed flag: taken, it waits for a worker');
($code) = submit(cpp('-specs=x'));
is($code, 422, 'another: still 422');


=== a worker whose flag list is out of bounds is told to stay away
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my @cases = (
    ['33 flags', [map { "-f$_" } 1 .. 33], qr/allows 33 compiler flags for "cpp", more than 32/],
    ['a flag of 65 bytes', ['-' . ('x' x 64)], qr/invalid compiler flag pattern/],
    ['"-*"', ['-*'], qr/invalid compiler flag pattern/],
    ['a comma', ['-Wl,*'], qr/invalid compiler flag pattern/],
    ['a star inside', ['-a*b'], qr/invalid compiler flag pattern/],
    ['not starting with -', ['O2'], qr/invalid compiler flag pattern/],
    ['a space', ['-D *'], qr/invalid compiler flag pattern/],
);
for my $case (@cases) {
    my ($what, $flags, $log) = @$case;
    my $w = dial(port => nginx_port(), token => 't');
    $w->send_msg(register_msg(id => 'bad', tags => ['fast'],
                              languages => [['cpp', 'C++', '12', 1, $flags]]));
    my ($name, $m) = $w->recv_cmd(5);
    is($name, 'shutdown', "$what: Shutdown");
    ok(!$m->{2}, "$what: not to reconnect");
    like($m->{1}[0] // '', qr/compiler flags the judge refuses/, "$what: saying why");
    ok($w->closed_within(5), "$what: closed");
    like(error_log_since(0), $log, "$what: logged");
}
is((http_json(GET => '/health'))[1]{workers}, 0, 'none registered');
my $w = cpp_worker('ok', flags => [map { sprintf('-f%02d', $_) . ('x' x 60) } 1 .. 32]);
ok($w, '32 flags of 64 bytes are fine');


=== real worker: allowed flags compile and run; the worker refuses what its own table does not allow
--- http_config eval: $::Http . "    judge_heartbeat_interval 500ms;\n"
--- config eval: $::Config
--- timeout: 60
--- perl
spawn_worker('real', slots => 1);
ok(wait_until(sub { (http_json(GET => '/health'))[1]{workers} == 1 }, 20), 'worker up');
my ($c) = http_json(GET => '/languages/cpp');
SKIP: {
    skip 'g++ is not installed here', 6 unless $c == 200;
    my $src = "#include <cstdio>\nint main(){std::printf(\"%d\\n\", X);}";
    my $body = {language => 'cpp', source => $src,
                compiler_flags => ['-DX=42', '-std=c++20', '-Wall'],
                tests => [{input => '', expected_output => "42\n"}]};
    my (undef, $r) = http_json(POST => '/submissions?wait=true', encode_json($body));
    is($r->{verdict}, 'AC', 'compiled with the flags, ran, AC')
        or diag(encode_json($r));
    $body->{compiler_flags} = ['-specs=x.specs'];
    my ($code) = http_json(POST => '/submissions', encode_json($body));
    is($code, 422, 'a flag outside its table: 422');

    # a worker with slots 0 gets no work but widens what nginx lets through
    my $wide = cpp_worker('wide', slots => 0, flags => ['-specs=*']);
    $body->{compiler_flags} = ['-specs=x.specs'];
    (undef, $r) = http_json(POST => '/submissions?wait=true', encode_json($body));
    is($r->{verdict}, 'CE', 'nginx let it through, the real worker did not: CE');
    is($r->{compile}{worker}, 'real', 'the real worker said so');
    like($r->{compile}{output}, qr/compiler flag "-specs=x.specs" is not allowed for cpp/,
         'naming the flag');
    is(scalar @{ $r->{tests} // [] } ? $r->{tests}[0]{verdict} : 'none', 'none',
       'nothing ran');
}
