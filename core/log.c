#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const level_names[] = {"debug", "info", "warning", "error"};

int kam_log_level_parse(const char *name)
{
	if (!name || !*name)
		return -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	if (strcmp(name, "warn") == 0)
		return KAM_LOG_WARN;
	return -1;
}

const char *kam_log_level_name(int level)
{
	return level >= 0 && level < 4 ? level_names[level] : "info";
}

int kam_log_enabled(int level)
{
	static int threshold = -2;
	if (threshold == -2) {
		threshold = kam_log_level_parse(getenv("KAM_LOG"));
		if (threshold < 0)
			threshold = KAM_LOG_INFO;
	}
	return level >= threshold;
}

void kam_log(int level, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	if (!kam_log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (level == KAM_LOG_DEBUG && getenv("KAM_LOG_TIME")) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(stderr, "kam: debug: %ld.%03ld %s\n", (long)ts.tv_sec % 1000, ts.tv_nsec / 1000000, line);
	} else if (level == KAM_LOG_INFO)
		fprintf(stderr, "kam: %s\n", line);
	else
		fprintf(stderr, "kam: %s: %s\n", kam_log_level_name(level), line);
}
