/*
 * Text that goes into protobuf "string" fields (compiler output, checker
 * messages) must be UTF-8, and is often cut to a size: both without
 * splitting a character.
 */

#ifndef JUDGE_WORKER_TEXT_H
#define JUDGE_WORKER_TEXT_H

#include <stddef.h>


char *utf8_clean_copy(const char *s, size_t len, size_t max);
char *text_append_line(const char *text, size_t len, const char *line,
                       size_t max);


#endif /* JUDGE_WORKER_TEXT_H */
