# The harness must fail when an expectation is wrong: run a fixture whose
# every block expects something false and check each check failed.

use strict;
use warnings;
use Test::More;
use FindBin;

my $fixture = "$FindBin::Bin/fixtures/failing.tt";
my $lib = "$FindBin::Bin/../lib";
my $out = `$^X -I$lib $fixture 2>&1`;
my $status = $? >> 8;

isnt($status, 0, 'the failing fixture exits non-zero');

for my $check ('wrong status code - status code',
               'wrong JSON value - response JSON',
               'JSON key that is not there - response JSON',
               'expected log line that never comes - error_log has',
               'an alert in error.log fails the block - no alert',
               'GET /health: the answer follows docs/openapi.yaml',
               'GET /surprise: the answer follows docs/openapi.yaml') {
    like($out, qr/^not ok \d+ - \Q$check\E/m, "fails: $check");
}

like($out, qr/^ok \d+ - wrong status code - response is JSON|^ok \d+ - wrong JSON value - status code/m,
     'checks that hold still pass');

done_testing();
