/*
 * Command lines of the languages table turned into an argv, without a
 * shell: the sandbox execs the program directly, so what the table says is
 * exactly what runs.
 */

#ifndef JUDGE_WORKER_ARGV_H
#define JUDGE_WORKER_ARGV_H

#include <stddef.h>


char **argv_split(const char *line, size_t *argc, char *err, size_t errlen);
size_t argv_count(char *const *argv);


#endif /* JUDGE_WORKER_ARGV_H */
