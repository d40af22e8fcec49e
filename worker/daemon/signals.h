/*
 * Signals arrive through a signalfd read by the poll() loops; no handler
 * ever runs.
 */

#ifndef JUDGE_WORKER_SIGNALS_H
#define JUDGE_WORKER_SIGNALS_H

#include <stddef.h>


int signals_open(char *err, size_t errlen);
int signals_next(int fd);


#endif /* JUDGE_WORKER_SIGNALS_H */
