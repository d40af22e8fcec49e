/*
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter",
 * AWS Architecture Blog): the n-th delay is uniform in
 * [floor, min(cap, base * 2^n)].  The floor keeps even an unlucky draw
 * from turning into a tight reconnect loop.
 */

#include "backoff.h"


/*
 * Sets the ladder: ceilings from "base_ms" doubling up to "cap_ms", no
 * delay below "floor_ms".  The cap and floor are clamped around the base.
 */
void
backoff_init(struct backoff *b, uint32_t base_ms, uint32_t cap_ms,
             uint32_t floor_ms)
{
    b->base_ms = base_ms;
    b->cap_ms = cap_ms < base_ms ? base_ms : cap_ms;
    b->floor_ms = floor_ms > base_ms ? base_ms : floor_ms;
    b->attempt = 0;
}


/*
 * The delay before the next attempt, drawn with "random" (any 64-bit
 * value; the caller supplies it so tests can pin it down), and one step
 * up the ladder for the attempt after.
 */
uint32_t
backoff_next(struct backoff *b, uint64_t random)
{
    uint64_t  ceiling;

    ceiling = b->base_ms;
    if (b->attempt < 32) {
        ceiling <<= b->attempt;
    } else {
        ceiling = b->cap_ms;
    }

    if (ceiling > b->cap_ms) {
        ceiling = b->cap_ms;
    }

    if (b->attempt < UINT32_MAX) {
        b->attempt++;
    }

    return (uint32_t) (b->floor_ms + random % (ceiling - b->floor_ms + 1));
}


/*
 * Back to the first step, after a connection that proved healthy.
 */
void
backoff_reset(struct backoff *b)
{
    b->attempt = 0;
}
