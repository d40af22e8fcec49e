/*
 * Small helpers shared by the daemon's files: clocks, randomness, reading
 * small files, string trimming, settings text line by line.
 */

#ifndef JUDGE_WORKER_UTIL_H
#define JUDGE_WORKER_UTIL_H

#include <stddef.h>
#include <stdint.h>


int64_t  now_ms(void);
uint64_t random_u64(void);
int      random_hex(char *out, size_t bytes);
char    *read_small_file(const char *path, size_t max, char *err,
                         size_t errlen);
char    *str_trim(char *s);
char    *settings_next_line(char **rest, unsigned *lineno);


#endif /* JUDGE_WORKER_UTIL_H */
