/* Messages to stderr, one line each, prefixed "kam: ". */
#ifndef KAM_LOG_H
#define KAM_LOG_H

enum kam_log_level { KAM_LOG_DEBUG, KAM_LOG_INFO, KAM_LOG_WARN, KAM_LOG_ERROR };

/* The threshold comes from $KAM_LOG (debug, info, warn, error); default info. */
void kam_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kam_log_enabled(int level);
const char *kam_log_level_name(int level);
int kam_log_level_parse(const char *name);

#endif
