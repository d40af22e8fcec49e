package Test::Judge::Contract;

# The API's contract, docs/openapi.yaml, held against real answers.
#
# check() takes one answer the module gave (an HTTP::Response), the
# method, the path as the module routes it (without its location's
# prefix) and the kind of location that answered (judge_api,
# judge_admin, judge_worker_endpoint), and returns what in the answer the
# contract does not allow, one readable line each:
#
#   GET /health -> 200: /zone/free: Expected integer - got string.
#
# What is held against the contract: that the path has a route in it
# (else the answer must be one x-unrouted gives: a 404 for an unknown
# path, a 405 for a method the route does not take), that the status is
# one the operation lists, that the response's x-location (if any)
# names the kind of location that answered, its required headers and
# their values, its content type, and the body against the schema:
# JSON decoded as such, each Server-Sent Event's data against the schema
# x-events gives for its name, text as a string.  HEAD answers have no
# body to check.
#
# The contract is loaded and compiled once per process, at the first
# check; nothing is coerced (a number sent as a string is an error).
# What was found valid is remembered for the process: a body seen before
# (a submission polled again) is not decoded or validated again, nor is
# an item of an array seen before (a test result of a submission that
# has more of them now).
#
# template() tells which path of the contract a path is, deref() follows
# a "$ref" of the document, document_errors() says what makes the
# document itself not a valid OpenAPI 3.0 one.

use strict;
use warnings;

use Cwd qw(abs_path);
use Digest::MD5 qw(md5);
use File::Basename qw(dirname);
use JSON::PP ();
use Scalar::Util qw(refaddr);

my $File = abs_path(dirname(__FILE__) . '/../../../..') . '/docs/openapi.yaml';

my ($Contract, @Routes, %ValidBody);
my $Json = JSON::PP->new->utf8;

# The contract as a JSON::Validator OpenAPIv3 schema; dies when it
# cannot be read.
sub contract {
    return $Contract if $Contract;

    require JSON::Validator;

    my $c = JSON::Validator->new->schema($File)->schema;
    die "$File is not an OpenAPI 3 document\n"
        unless ref $c eq 'JSON::Validator::Schema::OpenAPIv3';
    $c->coerce({});
    bless $c, 'Test::Judge::Contract::Validator';
    Test::Judge::Contract::Validator::remember_items($c->data);

    # a path template as the module matches it: "{x}" is one non-empty
    # segment
    @Routes = ();
    for my $tpl (sort keys %{ $c->get('/paths') }) {
        my $re = join '', map { /^\{\w+\}$/ ? '[^/]+' : quotemeta }
                          split m{(\{\w+\})}, $tpl;
        push @Routes, [qr/^$re$/, $tpl];
    }

    return $Contract = $c;
}

# The document's own errors against the OpenAPI 3.0 schema (an empty
# list when it is a valid OpenAPI document).
sub document_errors {
    return map {"$_"} @{ contract()->errors };
}

# a node of the document, with a "$ref" to another part of it followed
sub deref {
    my ($c, $node) = @_;
    while (ref $node eq 'HASH' && defined $node->{'$ref'}
           && !ref $node->{'$ref'} && $node->{'$ref'} =~ m{^#(/.*)$})
    {
        $node = $c->get($1);
    }
    return $node;
}

sub template {
    my ($path) = @_;
    contract();
    for my $r (@Routes) {
        return $r->[1] if $path =~ $r->[0];
    }
    return undef;
}

sub check {
    my (%a) = @_;
    my ($method, $path, $kind, $r) = @a{qw(method path kind response)};
    my $c = contract();
    my $status = $r->code;
    my ($tpl, $op, $res, $what);

    $tpl = $kind eq 'judge_worker_endpoint' ? '/worker' : template($path);
    $what = "$method $path -> $status";

    if (!defined $tpl) {
        $res = $c->get(['x-unrouted', 'unknown-path', $status]);
        return ("$what: the contract has no route for $path (the answer"
                . ' would be ' . join(' or ', sort keys
                                  %{ $c->get('/x-unrouted/unknown-path') })
                . ')')
            unless $res;
        return check_response($c, $res, $what, $method, $kind, $r);
    }

    $what = "$method $tpl -> $status";
    $op = $c->get(['paths', $tpl, lc $method]);

    if (!$op) {
        $res = $c->get(['x-unrouted', 'unknown-method', $status]);
        return ("$what: the contract has no $method for $tpl")
            unless $res;
        return check_response($c, $res, $what, $method, $kind, $r);
    }

    $res = $op->{responses}{$status};
    return ("$what: the contract gives $tpl no $status for $method (only "
            . join(', ', sort keys %{ $op->{responses} }) . ')')
        unless $res;

    return check_response($c, $res, $what, $method, $kind, $r);
}

sub check_response {
    my ($c, $res, $what, $method, $kind, $r) = @_;
    my (@e, $type, $body, $media, $mt, $key);

    $res = deref($c, $res);

    if ($res->{'x-location'} && $res->{'x-location'} ne $kind) {
        push @e, "$what: given only on a $res->{'x-location'} location,"
                 . " answered on a $kind one";
    }

    for my $name (sort keys %{ $res->{headers} // {} }) {
        my $h = deref($c, $res->{headers}{$name});
        my $v = $r->header($name);
        if (!defined $v) {
            push @e, "$what: no $name header" if $h->{required};
            next;
        }
        push @e, map { "$what: header $name: $_" }
                 $c->validate("$v", $h->{schema});
    }

    $media = $res->{content};
    $type = $r->header('Content-Type');

    if (!$media) {
        push @e, "$what: a body the contract does not give"
            if length($r->content // '') && $method ne 'HEAD';
        return @e;
    }

    ($mt) = (($type // '') =~ m{^\s*([^;\s]+)});
    $mt = lc($mt // '');

    unless (defined $type && $media->{$mt}) {
        push @e, "$what: content type " . ($type // '(none)')
                 . ', not ' . join(' or ', sort keys %$media);
        return @e;
    }

    return @e if $method eq 'HEAD';

    $media = $media->{$mt};
    $body = $r->content // '';
    $key = md5(refaddr($media) . "\0$body");

    return @e if $ValidBody{$key};

    if ($mt eq 'application/json') {
        $body = eval { $Json->decode($body) };
        unless (defined $body) {
            push @e, "$what: the body is not JSON: "
                     . ($@ =~ s/ at \S+ line \d+.*//sr);
            return @e;
        }
    }

    my @b = map { "$what: $_" } $c->validate($body, $media->{schema});
    push @b, check_events($c, $media->{'x-events'}, $what, $body)
        if $media->{'x-events'};

    $ValidBody{$key} = 1 unless @b;

    return (@e, @b);
}

# "body" is a whole event stream: comments, then events of a name and
# one line of data each, every one ended by a blank line
sub check_events {
    my ($c, $events, $what, $body) = @_;
    my (@e, $n);

    push @e, "$what: the event stream does not end with a blank line"
        unless $body eq '' || $body =~ /\n\n\z/;

    $n = 0;
    for my $block (split /\n\n/, $body) {
        my ($name, $data);
        for my $line (split /\n/, $block) {
            next if $line =~ /^:/;
            if ($line =~ /^event: (.*)$/) {
                $name = $1;
            } elsif ($line =~ /^data: (.*)$/) {
                $data = $1;
            } else {
                push @e, "$what: event line not understood: $line";
            }
        }
        next unless defined $name || defined $data;
        $n++;
        if (!defined $name || !$events->{$name}) {
            push @e, "$what: event $n: a name the contract does not give: "
                     . ($name // '(none)');
            next;
        }
        my $json = eval { $Json->decode($data // '') };
        if (!defined $json) {
            push @e, "$what: event $n ($name): the data is not JSON";
            next;
        }
        push @e, map { "$what: event $n ($name): $_" }
                 $c->validate($json, $events->{$name});
    }

    return @e;
}


# JSON::Validator remembering the items of arrays it found valid, by the
# schema of the items and their canonical JSON.  It hooks the library's
# _validate: should a later JSON::Validator not call it, items are only
# validated every time.
package Test::Judge::Contract::Validator;

use parent -norequire, 'JSON::Validator::Schema::OpenAPIv3';

use Digest::MD5 qw(md5);
use Scalar::Util qw(refaddr);

my (%Items, %Valid);
my $Canonical = JSON::PP->new->canonical;

# the schemas of array items in the document "node"
sub remember_items {
    my ($node) = @_;
    if (ref $node eq 'HASH') {
        $Items{ refaddr $node->{items} } = 1 if ref $node->{items} eq 'HASH';
        remember_items($_) for values %$node;
    } elsif (ref $node eq 'ARRAY') {
        remember_items($_) for @$node;
    }
}

sub _validate {
    my ($self, $data, $state) = @_;

    return $self->SUPER::_validate($data, $state)
        unless ref $data eq 'HASH' && $Items{ refaddr $state->{schema} };

    my $key = md5(refaddr($state->{schema}) . "\0"
                  . $Canonical->encode($data));
    return () if $Valid{$key};

    my @e = $self->SUPER::_validate($data, $state);
    $Valid{$key} = 1 unless @e;
    return @e;
}

1;
