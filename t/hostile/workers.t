# The hostile-client suite: clients and workers that try to make the judge
# do what it must not.  This file: workers registering junk.  A worker may
# offer at most 256 languages; the language table keeps a language for
# 15 s after its last worker left and then lets the entry go, so workers
# that offered junk and left cannot fill it for good, and while it is full
# the languages that found no entry still run; GET /languages stays cheap
# with every worker at the maximum; text a worker sends that is not UTF-8
# reaches JSON as "?", control characters escaped.  Other files of
# t/hostile/ cover other attacks.

use Test::Judge::Nginx;
use Test::Judge::Wire qw(registered);
use Encode ();
use JSON::PP;

our $Http = <<'CONF';
    judge_zone judge:64m;
    judge_worker_token t;
    judge_heartbeat_timeout 60s;
CONF

our $Config = <<'CONF';
    location / { judge_api; }
    $TEST_NGINX_ADMIN
    location = /worker { judge_worker_endpoint; }
CONF

sub junk_worker {
    my ($id, %o) = @_;
    return registered(nginx_port(), 't', id => $id, tags => ['fast'],
                      languages => $o{languages}
                                   // [map { ["$id-junk-$_", 'J', '1', 1] } 1 .. 256],
                      %{ $o{reg} // {} })
        // die "$id not welcomed\n";
}

# GET, the body decoded strictly: invalid UTF-8 fails the test; "/admin"
# URIs with the admin token
sub get_strict {
    my ($uri) = @_;
    my $r = http_request('GET', $uri, '',
                         $uri =~ m{^/admin/}
                         ? ['Authorization: Bearer ' . admin_token()] : []);
    my $text = eval { Encode::decode('UTF-8', $r->content, Encode::FB_CROAK) };
    Test::More::ok(defined $text, "$uri: valid UTF-8") or Test::More::diag($@);
    return ($r->code, eval { JSON::PP->new->decode($text // '') });
}

sub workers { (http_json(GET => '/health'))[1]{workers} // -1 }

sub submit {
    my ($lang) = @_;
    my ($code) = http_json(POST => '/submissions', encode_json({
        language => $lang, source => 'x',
        tests => [{input => '', expected_output => ''}]}));
    return $code;
}

run_tests();

__DATA__

=== workers that offered junk and left free the language table again
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my @junk = map { junk_worker("j$_") } 1 .. 4;
my $w = junk_worker('real', languages => [['newlang', 'New', '1', 1]]);
like(error_log_since(0), qr/the language table is full: 1 language\(s\) of worker "real"/,
     'the table is full, said once');
is(submit('newlang'), 202, 'a language without an entry runs while its worker is there');
$_->close for @junk, $w;
ok(wait_until(sub { workers() == 0 }, 5), 'all gone');
is(submit('j1-junk-1'), 202, 'junk within 15 s of leaving: still taken');
is(submit('newlang'), 422, 'without an entry: unknown once its worker left');
sleep 15;
is(submit('j1-junk-1'), 503, 'junk 15 s after: no worker, its entry free');
$w = junk_worker('real', languages => [['newlang', 'New', '1', 1]]);
unlike(error_log_since(0), qr/table is full: 1 language\(s\) of worker "real".*table is full/s,
       'the table had room again');
$w->close;
ok(wait_until(sub { workers() == 0 }, 5), 'gone');
is(submit('newlang'), 202, 'its language is remembered: taken while it comes back');


=== GET /languages with the most languages from several workers
--- http_config eval: $::Http
--- config eval: $::Config
--- timeout: 60
--- perl
my $long = 'n' x 256;
my @flags = map { sprintf('-f%02d', $_) . ('x' x 60) } 1 .. 32;
my @w = map {
    my $i = $_;
    junk_worker("w$i", languages => [map { ["w$i-l$_", $long, 'v' x 256, 1, \@flags] } 1 .. 256]);
} 1 .. 8;
# and the same languages on a second worker each: merged, not repeated
push @w, junk_worker('twin', languages => [map { ["w1-l$_", 'other', '2', 1, ['-O2']] } 1 .. 256]);
my ($code, $l) = get_strict('/languages');
is($code, 200, 'answers');
is(scalar @{ $l->{languages} }, 8 * 256, 'every language once');
my @ids = map { $_->{id} } @{ $l->{languages} };
is_deeply(\@ids, [sort @ids], 'sorted by id');
my ($one) = grep { $_->{id} eq 'w1-l7' } @{ $l->{languages} };
is($one->{workers}, 2, 'a language of two workers counts both');
is($one->{name}, 'other', 'with the name of the latest to register');
is_deeply($one->{flags}, ['-O2'], 'and its flags');
($code, $one) = get_strict('/languages/w2-l7');
is(scalar @{ $one->{flags} }, 32, 'all 32 flags');
($code, $one) = get_strict('/languages/w8-l256');
is($one->{workers}, 1, 'one language');
($code) = get_strict('/workers');
is($code, 200, 'GET /workers answers too');


=== bytes that are not UTF-8 in what a worker sends reach JSON as "?"
--- http_config eval: $::Http
--- config eval: $::Config
--- perl
my $w = junk_worker('bad', languages => [['cpp', "C\xff\xfe+\x01+\x1f", "12\xc0\xaf\xe2\x82", 1]],
                    reg => {host => "host\xff\n", version => "v\x80", abi => "x86\xfe"});
my ($code, $l) = get_strict('/languages');
is($l->{languages}[0]{name}, "C??+\x01+\x1f", 'the name: invalid bytes as ?, control characters kept');
is($l->{languages}[0]{version}, '12????', 'the version');
(undef, $l) = get_strict('/admin/workers');
is($l->{workers}[0]{host}, "host?\n", 'the host name');
is($l->{workers}[0]{version}, 'v?', 'the worker version');
is($l->{workers}[0]{abi}, 'x86?', 'the abi');
is($l->{workers}[0]{languages}[0]{name}, "C??+\x01+\x1f", 'the language, in GET /workers');
my $raw = (admin_json(GET => '/workers'))[2]->content;
$raw =~ s/\n\z//;
unlike($raw, qr/[\x00-\x1f]/, 'no raw control character in the JSON');
like(error_log_since(0), qr/worker "bad" registered 9 bytes that are not UTF-8/, 'logged once');
