/* A look at a policy's source without running it: the names the sandbox leaves out
 * (io, os, require, ...) wherever they are used as globals, with their lines, so that
 * `kam policy check` reports a forbidden call even in a function no example reaches.
 * What is left out is derived, not listed again: the globals of a full Lua state that the
 * sandbox's allow-list does not hold (sandbox.c), and the library fields it omits.
 * A small Lua lexer: comments and strings are skipped, field names are not globals. */
#include <ctype.h>
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "sandbox.h"

#define MAX_FORBIDDEN 64
static char *forbidden[MAX_FORBIDDEN + 1];
static pthread_once_t forbidden_once = PTHREAD_ONCE_INIT;

static void derive_forbidden(void)
{
	lua_State *L = luaL_newstate();
	int n = 0;
	if (!L)
		return;
	luaL_openlibs(L);
	lua_pushglobaltable(L);
	lua_pushnil(L);
	while (lua_next(L, -2) && n < MAX_FORBIDDEN) {
		if (lua_type(L, -2) == LUA_TSTRING && !kam_sandbox_allows(lua_tostring(L, -2)))
			forbidden[n++] = strdup(lua_tostring(L, -2));
		lua_pop(L, 1);
	}
	lua_close(L);
}

/* Length of a long bracket opening at s ("[[", "[==["), or 0. */
static size_t long_open(const char *s, const char *end, int *level)
{
	const char *p = s + 1;
	if (*s != '[')
		return 0;
	*level = 0;
	while (p < end && *p == '=')
		p++, (*level)++;
	return p < end && *p == '[' ? (size_t)(p - s + 1) : 0;
}

static const char *long_close(const char *p, const char *end, int level, long *line)
{
	for (; p < end; p++) {
		if (*p == '\n')
			(*line)++;
		if (*p == ']') {
			const char *q = p + 1;
			int n = 0;
			while (q < end && *q == '=')
				q++, n++;
			if (n == level && q < end && *q == ']')
				return q + 1;
		}
	}
	return end;
}

int kam_policy_lint(const char *path, const char *src, size_t len,
		    void (*report)(void *arg, const char *msg), void *arg)
{
	const char *p = src, *end = src + len;
	long line = 1;
	int found = 0;
	char prev = 0; /* the last significant character */
	char prev_word[32] = "";   /* the word before a '.' */

	pthread_once(&forbidden_once, derive_forbidden);

	while (p < end) {
		int level;
		size_t open;
		if (*p == '\n') {
			line++, p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (p + 1 < end && p[0] == '-' && p[1] == '-') {
			p += 2;
			if ((open = long_open(p, end, &level)))
				p = long_close(p + open, end, level, &line);
			else
				while (p < end && *p != '\n')
					p++;
			continue;
		}
		if ((open = long_open(p, end, &level))) {
			p = long_close(p + open, end, level, &line);
			prev = 's';
			continue;
		}
		if (*p == '"' || *p == '\'') {
			char q = *p++;
			while (p < end && *p != q && *p != '\n') {
				if (*p == '\\' && p + 1 < end)
					p++;
				p++;
			}
			p++;
			prev = 's';
			continue;
		}
		if (isalpha((unsigned char)*p) || *p == '_') {
			const char *w = p;
			const char *next;
			size_t n;
			while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
				p++;
			n = (size_t)(p - w);
			for (next = p; next < end && (*next == ' ' || *next == '\t'); next++)
				;
			if (prev == '.' || prev == ':') {
				char field[32];
				const char *lib;
				snprintf(field, sizeof field, "%.*s", (int)(n < 31 ? n : 31), w);
				/* lib.field, or a string method (s:dump()) */
				if ((lib = kam_sandbox_omitted_field(field)) &&
				    (prev == ':' ? strcmp(lib, "string") == 0 : strcmp(prev_word, lib) == 0)) {
					char msg[600];
					snprintf(msg, sizeof msg, "%s:%ld: %s.%s is not available to policies", path, line,
						 lib, field);
					report(arg, msg);
					found++;
				}
			} else if (!(next < end && *next == '=' && (next + 1 >= end || next[1] != '='))) {
				for (char *const *f = forbidden; *f; f++) {
					if (strlen(*f) == n && memcmp(*f, w, n) == 0) {
						char msg[600];
						snprintf(msg, sizeof msg, "%s:%ld: '%s' is not available to policies (they cannot "
							 "reach files, the OS, the network or other modules)", path, line, *f);
						report(arg, msg);
						found++;
					}
				}
			}
			prev = 'w';
			snprintf(prev_word, sizeof prev_word, "%.*s", (int)(n < 31 ? n : 31), w);
			continue;
		}
		prev = *p++;
	}
	return found;
}
