/* A ten-line TAP harness for C unit tests: ok(cond, fmt, ...), then done_testing(). */
#ifndef KAM_TAP_H
#define KAM_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 4, 5)))
__attribute__((unused)) static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return pass;
}

__attribute__((format(printf, 5, 6)))
__attribute__((unused)) static int tap_is_int(long long got, long long want, const char *file, int line, const char *fmt, ...)
{
	char desc[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
	if (!tap_ok(got == want, file, line, "%s", desc))
		printf("#   got %lld, want %lld\n", got, want);
	return got == want;
}

__attribute__((format(printf, 5, 6)))
__attribute__((unused)) static int tap_is_str(const char *got, const char *want, const char *file, int line, const char *fmt, ...)
{
	char desc[512];
	int pass = got && want ? strcmp(got, want) == 0 : got == want;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
	if (!tap_ok(pass, file, line, "%s", desc))
		printf("#   got '%s'\n#  want '%s'\n", got ? got : "(null)", want ? want : "(null)");
	return pass;
}

static int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
