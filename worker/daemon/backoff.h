/*
 * Reconnect delays: exponential backoff with full jitter, so a fleet that
 * lost its master all at once does not come back all at once.
 */

#ifndef JUDGE_WORKER_BACKOFF_H
#define JUDGE_WORKER_BACKOFF_H

#include <stdint.h>


struct backoff {
    uint32_t  base_ms;      /* ceiling of the first delay */
    uint32_t  cap_ms;       /* largest ceiling */
    uint32_t  floor_ms;     /* smallest delay: never a tight loop */
    uint32_t  attempt;      /* failures since the last reset */
};


void     backoff_init(struct backoff *b, uint32_t base_ms, uint32_t cap_ms,
                      uint32_t floor_ms);
uint32_t backoff_next(struct backoff *b, uint64_t random);
void     backoff_reset(struct backoff *b);


#endif /* JUDGE_WORKER_BACKOFF_H */
