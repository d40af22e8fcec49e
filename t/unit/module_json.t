# Module C unit test: JSON output: escaping, UTF-8 output and cleaning, lists
# (ngx_judge_module/tests/test_json.c, built by "make module-tests", which
# "make test" runs first, into build/tests/; always with ASan and UBSan).

use strict;
use warnings;
use FindBin;

my ($test) = grep { -x }
              map { "$_/tests/module_json" }
              grep { defined } $ENV{JUDGE_BUILD}, "$FindBin::Bin/../../build";

defined $test
    or die "module_json is not built (make module-tests)\n";

exec $test or die "cannot run $test: $!\n";
