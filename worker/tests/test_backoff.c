/*
 * Backoff: delays stay within [floor, min(cap, base * 2^n)], grow with
 * failures, cap out, and start over after a reset.
 */

#include "daemon/backoff.h"
#include "daemon/util.h"
#include "tap.h"


int
main(void)
{
    struct backoff  b;
    uint32_t        d, ceiling, max_seen, n, i;
    int             in_bounds;

    backoff_init(&b, 100, 10000, 50);

    is_int(backoff_next(&b, 0), 50, "smallest draw gives the floor");
    is_int(backoff_next(&b, 150), 200, "second ceiling is 2 x base");
    is_int(backoff_next(&b, 350), 400, "third ceiling is 4 x base");

    backoff_reset(&b);
    is_int(backoff_next(&b, UINT64_MAX), 50 + UINT64_MAX % 51,
           "reset: back to the first ceiling");

    /* 10,000 random draws per step: all within bounds, the cap reached */
    backoff_init(&b, 100, 10000, 50);
    in_bounds = 1;
    max_seen = 0;

    for (n = 0; n < 40; n++) {
        ceiling = n < 7 ? 100u << n : 10000;

        for (i = 0; i < 10000; i++) {
            b.attempt = n;
            d = backoff_next(&b, random_u64());
            if (d < 50 || d > ceiling) {
                in_bounds = 0;
            }
            if (d > max_seen) {
                max_seen = d;
            }
        }
    }

    ok(in_bounds, "every delay is within [floor, min(cap, base * 2^n)]");
    ok(max_seen <= 10000 && max_seen > 9900, "delays reach up to the cap");

    b.attempt = UINT32_MAX;
    d = backoff_next(&b, 12345);
    ok(d >= 50 && d <= 10000, "no overflow after very many failures");
    is_int(b.attempt, UINT32_MAX, "and the counter saturates");

    backoff_init(&b, 100, 10, 500);
    ok(b.cap_ms == 100 && b.floor_ms == 100, "cap and floor clamp to base");

    return done_testing();
}
