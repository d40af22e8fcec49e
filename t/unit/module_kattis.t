# Module C unit test: Kattis problem packages made stored definitions
# (ngx_judge_module/tests/test_kattis.c, built by "make module-tests", which
# "make test" runs first, into build/tests/; always with ASan and UBSan).

use strict;
use warnings;
use FindBin;

my ($test) = grep { -x }
              map { "$_/tests/module_kattis" }
              grep { defined } $ENV{JUDGE_BUILD}, "$FindBin::Bin/../../build";

defined $test
    or die "module_kattis is not built (make module-tests)\n";

exec $test or die "cannot run $test: $!\n";
