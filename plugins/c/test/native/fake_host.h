/* The native stand-in for the host's `log` and `settings` imports. */
#ifndef FAKE_HOST_H
#define FAKE_HOST_H

#include <stddef.h>

#include "hook_handler.h"

typedef struct fake_log_line {
    hookwarden_inline_hook_log_level_t level;
    char *message; /* NUL-terminated copy */
    size_t len;
} fake_log_line;

/* Sets the settings the next calls see (key, value, ..., NULL; borrowed)
   and forgets the logged lines. */
void fake_host_reset(const char **settings);
const fake_log_line *fake_host_logs(size_t *count);
void fake_host_free_logs(void);

#endif
