/* The sandbox worker through its C API (core/worker.h): calls, errors naming the script,
 * function and item, every limit (time, memory, instructions, crash), the environment's
 * allow-list, the child's process walls, a throughput figure, and a SIGINT to the worker alone. */
#include <dirent.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "interrupt.h"
#include "tap.h"
#include "worker.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static const char *policy =
	"local M = {}\n"
	"function M.double(x) return x * 2 end\n"
	"function M.boom(x) if x == 2 then error('boom') end return x end\n"
	"function M.errtable() error({}) end\n"
	"function M.spin() while true do end end\n"
	"function M.swallow() while true do pcall(function() while true do end end) end end\n"
	"function M.find(n) return (string.find(('a'):rep(n), ('a-'):rep(3) .. 'b')) end\n"
	"function M.gc()\n"
	"  setmetatable({}, {__gc = function() while true do end end})\n"
	"  local t = {} for i = 1, 1e8 do t[i % 64] = {i} end\n"
	"end\n"
	"function M.close_chain(n)\n"
	"  local co = false\n"
	"  for i = 1, n do\n"
	"    local prev = co\n"
	"    co = coroutine.create(function()\n"
	"      local c <close> = setmetatable({}, {__close = function()\n"
	"        if prev then coroutine.close(prev) end end})\n"
	"      coroutine.yield()\n"
	"    end)\n"
	"    coroutine.resume(co)\n"
	"  end\n"
	"  return coroutine.close(co)\n"
	"end\n"
	"function M.coro_spin()\n"
	"  while true do coroutine.resume(coroutine.create(function() while true do end end)) end\n"
	"end\n"
	"function M.busy(n) for i = 1, n do end return n end\n"
	"function M.hog() local t = {} while true do t[#t + 1] = ('x'):rep(1000) .. #t end end\n"
	"function M.hog_caught() local ok, err = pcall(M.hog) return ('x'):rep(1 << 30) end\n"
	"function M.setglobal() newglobal = 1 end\n"
	"function M.setexisting() helper = 2 end\n"
	"function M.setlib() string.x = 1 end\n"
	"function helper() return 'h' end\n"
	"function M.probe(name) return type(_ENV[name]) end\n"
	"function M.eval(code) local f, err = load(code) if not f then return err end return f() end\n"
	"function M.loadb(s) local f, err = load(s, 'x', 'b') return err end\n"
	"function M.shared(x, s) return s.base + x end\n"
	"function M.echo(x) return x end\n"
	"local count = 0\n"
	"function M.bump_fail() count = count + 1 error('after a change') end\n"
	"function M.count() return count end\n"
	"function M.thread() return coroutine.create(function() end) end\n"
	"function M.grade(c) return c.revenue > 5000000 and 'A' or 'B' end\n"
	"function M.row(c) return {id = c.id, grade = c.revenue > 5000000 and 'A' or 'B'} end\n"
	"M.nested = {neg = function(x) return -x end}\n"
	"M.name = 'test'\n"
	"return M\n";

static kam_buf items, results;

/* A deadline no slowness meets (ten minutes per item): for every case that tests something
 * other than the deadline, so that a loaded machine cannot turn a crash, a memory cap or
 * an instruction limit into "stopped after 5000 ms (time limit)". */
#define PATIENT_MS 600000
static const kam_sandbox_limits patient = {PATIENT_MS, 0, 0};

static int like(const char *got, const char *want)
{
	return got && strstr(got, want) != NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ints(int n, ...)
{
	va_list ap;
	kam_buf_reset(&items);
	kam_put_table(&items, (uint32_t)n, 0);
	va_start(ap, n);
	while (n-- > 0)
		kam_put_int(&items, va_arg(ap, int));
	va_end(ap);
}

static void strs(int n, ...)
{
	va_list ap;
	kam_buf_reset(&items);
	kam_put_table(&items, (uint32_t)n, 0);
	va_start(ap, n);
	while (n-- > 0)
		kam_put_cstr(&items, va_arg(ap, const char *));
	va_end(ap);
}

/* The i-th result as text ("nil", "12", "x"), for comparisons. */
static const char *result(uint32_t i)
{
	static char out[512];
	kam_rd r;
	kam_val v;
	uint32_t narr, nhash, k;
	kam_err e;

	kam_rd_init(&r, results.data, results.len);
	if (kam_rd_table(&r, &narr, &nhash, &e) < 0 || i < 1 || i > narr)
		return "(no such result)";
	for (k = 1; k < i; k++)
		kam_rd_skip(&r, &e);
	if (kam_rd_value(&r, &v, &e) < 0)
		return "(bad)";
	switch (v.tag) {
	case KAM_LSER_NIL: return "nil";
	case KAM_LSER_TRUE: return "true";
	case KAM_LSER_FALSE: return "false";
	case KAM_LSER_INT: snprintf(out, sizeof out, "%lld", (long long)v.i); return out;
	case KAM_LSER_DOUBLE: snprintf(out, sizeof out, "%g", v.d); return out;
	case KAM_LSER_STRING: snprintf(out, sizeof out, "%.*s", (int)v.len, v.s); return out;
	default: return "(table or function)";
	}
}

/* The worker still answers correctly after whatever happened before. */
static void still_works(kam_worker *w, const char *after)
{
	kam_err e;
	ints(2, 20, 21);
	ok(kam_worker_call(w, &(kam_call){"double", NULL, 0}, NULL, &items, &results, &e) == 0 &&
	   strcmp(result(2), "42") == 0, "after %s: the next call returns the right value", after);
}

static void test_calls(void)
{
	kam_worker *w;
	kam_buf shared;
	kam_err e;
	int pid;

	ok(kam_worker_open(&w, "policies/t.lua", policy, strlen(policy), &patient, &e) == 0,
	   "open a policy");
	if (!w) {
		printf("# %s\n", e.msg);
		return;
	}
	is_str(kam_worker_name(w), "policies/t.lua", "worker name");
	pid = kam_worker_pid(w);
	ok(pid > 0 && pid != getpid(), "it runs in another process");

	ints(3, 1, 2, 3);
	ok(kam_worker_call(w, &(kam_call){"double", NULL, 0}, NULL, &items, &results, &e) == 0, "call double");
	ok(strcmp(result(1), "2") == 0 && strcmp(result(3), "6") == 0, "results in order");
	ints(1, 5);
	ok(kam_worker_call(w, &(kam_call){"nested.neg", NULL, 0}, NULL, &items, &results, &e) == 0 &&
	   strcmp(result(1), "-5") == 0, "dotted function name");
	ints(0);
	ok(kam_worker_call(w, &(kam_call){"double", NULL, 0}, NULL, &items, &results, &e) == 0 && strcmp(result(1), "(no such result)") == 0,
	   "no items, no results");

	kam_buf_init(&shared);
	kam_put_table(&shared, 0, 1);
	kam_put_cstr(&shared, "base");
	kam_put_int(&shared, 100);
	ints(2, 1, 2);
	ok(kam_worker_call(w, &(kam_call){"shared", NULL, 0}, &shared, &items, &results, &e) == 0 &&
	   strcmp(result(2), "102") == 0, "the shared value reaches every item");
	kam_buf_free(&shared);

	kam_buf_reset(&items);
	kam_put_table(&items, 3, 0);
	kam_put_int(&items, 1);
	kam_put_nil(&items);
	kam_put_cstr(&items, "x");
	ok(kam_worker_call(w, &(kam_call){"echo", NULL, 0}, NULL, &items, &results, &e) == 0 &&
	   strcmp(result(2), "nil") == 0 && strcmp(result(3), "x") == 0, "nil results keep their place");

	/* A Lua error names script, line, function and item; the worker stays. */
	ints(3, 1, 2, 3);
	ok(kam_worker_call(w, &(kam_call){"boom", NULL, 0}, NULL, &items, &results, &e) < 0, "an error in item 2 fails the call");
	is_str(e.msg, "policies/t.lua:3: boom (function 'boom', item 2)", "error message");
	/* The record says it too, so that no caller reads the text again. */
	ok(strcmp(e.function, "boom") == 0 && e.first == 2 && e.last == 2, "the record names function and item: %s %ld %ld",
	   e.function, e.first, e.last);
	ok(e.items_len == 6 && strncmp(e.msg + e.items_at, "item 2", 6) == 0, "and where the message names the item");
	ok(strcmp(e.where.file, "policies/t.lua") == 0 && e.where.line == 3, "and the script's file and line: %s:%ld",
	   e.where.file, e.where.line);
	kam_err_name_items(&e, "customer 42010000000002");
	is_str(e.msg, "policies/t.lua:3: boom (function 'boom', customer 42010000000002)", "a caller names the item");
	ok(results.len == 0, "no partial results");
	ok(kam_worker_pid(w) == pid, "a plain error keeps the worker");
	still_works(w, "an error");
	/* A call that changed the module's state and then failed: the next call starts afresh. */
	ints(1, 1);
	ok(kam_worker_call(w, &(kam_call){"bump_fail", NULL, 0}, NULL, &items, &results, &e) < 0 &&
	   like(e.msg, "after a change"), "a failing call that changed an upvalue fails as itself: %s", e.msg);
	ok(kam_worker_call(w, &(kam_call){"count", NULL, 0}, NULL, &items, &results, &e) == 0 &&
	   strcmp(result(1), "0") == 0, "the next call sees the state as loaded, not the change: %s", result(1));
	/* A chain: the second function runs for an item whose first result is true. */
	ints(3, 1, 2, 3);
	ok(kam_worker_call(w, &(kam_call){"echo", "boom", KAM_CALL_ALL}, NULL, &items, &results, &e) < 0 &&
	   strcmp(e.function, "boom") == 0 && e.first == 2,
	   "a chain's failing function is named as such: %s", e.msg);
	is_str(e.msg, "policies/t.lua:3: boom (function 'boom', item 2)", "chain error message");
	ok(kam_worker_call(w, &(kam_call){"echo", "double", KAM_CALL_ALL}, NULL, &items, &results, &e) == 0,
	   "a chain that works");
	{
		/* Item 2: echo's two values (2, nil), then double's (4), packed with n. */
		kam_rd r;
		kam_val k, v;
		long long slot[4] = {0, -1, -1, -1}, n = -1;
		uint32_t narr, nhash, sub, subh, i;
		int okay;
		kam_rd_init(&r, results.data, results.len);
		okay = kam_rd_table(&r, &narr, &nhash, &e) == 0 &&
			   narr == 3 && kam_rd_skip(&r, &e) == 0 && kam_rd_table(&r, &sub, &subh, &e) == 0;
		for (i = 1; okay && i <= sub; i++)
			if ((okay = kam_rd_value(&r, &v, &e) == 0) && i <= 3)
				slot[i] = v.tag == KAM_LSER_INT ? v.i : -1;
		for (i = 0; okay && i < subh; i++) {
			okay = kam_rd_value(&r, &k, &e) == 0 && kam_rd_value(&r, &v, &e) == 0 && v.tag == KAM_LSER_INT;
			if (okay && k.tag == KAM_LSER_INT && k.i >= 1 && k.i <= 3)
				slot[k.i] = v.i;
			else if (okay && k.tag == KAM_LSER_STRING && k.len == 1 && k.s[0] == 'n')
				n = v.i;
		}
		ok(okay && slot[1] == 2 && slot[2] == -1 && slot[3] == 4 && n == 3,
		   "its result: the first's two values (2, nil), then the second's (4), n = 3");
	}
	ints(1, 1);
	ok(kam_worker_call(w, &(kam_call){"errtable", NULL, 0}, NULL, &items, &results, &e) < 0, "error with a table value");
	is_str(e.msg, "policies/t.lua: function 'errtable', item 1: error object is a table value",
	       "non-string error message");

	ok(kam_worker_call(w, &(kam_call){"nope", NULL, 0}, NULL, &items, &results, &e) < 0, "unknown function");
	is_str(e.msg, "policies/t.lua: function 'nope' not found", "unknown function message");
	ok(kam_worker_call(w, &(kam_call){"name", NULL, 0}, NULL, &items, &results, &e) < 0, "calling a string");
	is_str(e.msg, "policies/t.lua: 'name' is a string value, not a function", "not a function message");
	ok(kam_worker_call(w, &(kam_call){"thread", NULL, 0}, NULL, &items, &results, &e) < 0, "result that cannot be sent");
	is_str(e.msg, "policies/t.lua: function 'thread', item 1: cannot send a thread value at 'result'",
	       "unsendable result message");

	kam_buf_reset(&items);
	kam_put_table(&items, 0, 1);
	kam_put_cstr(&items, "k");
	kam_put_int(&items, 1);
	ok(kam_worker_call(w, &(kam_call){"echo", NULL, 0}, NULL, &items, &results, &e) < 0 &&
	   like(e.msg, "items must be an array"), "items with keys refused: %s", e.msg);
	kam_buf_reset(&items);
	kam_put_table(&items, 3, 0);
	kam_put_int(&items, 1);
	kam_put_int(&items, 2);
	kam_put_cstr(&items, "x");
	items.data[items.len - 2] = 50;   /* the string now claims 50 bytes */
	ok(kam_worker_call(w, &(kam_call){"echo", NULL, 0}, NULL, &items, &results, &e) < 0 &&
	   like(e.msg, "policies/t.lua: function 'echo', item 3: malformed data"),
	   "a malformed item is refused with its index: %s", e.msg);
	still_works(w, "a malformed item");

	/* Module. */
	{
		kam_buf mod;
		kam_rd r;
		kam_val v;
		uint32_t narr, nhash, i;
		int saw_name = 0, saw_fn = 0;

		kam_buf_init(&mod);
		ok(kam_worker_module(w, &mod, &e) == 0, "module");
		kam_rd_init(&r, mod.data, mod.len);
		if (kam_rd_table(&r, &narr, &nhash, &e) == 0) {
			for (i = 0; i < nhash; i++) {
				const char *k;
				size_t kl;
				if (kam_rd_str(&r, &k, &kl, &e) < 0 || kam_rd_value(&r, &v, &e) < 0)
					break;
				if (kl == 4 && memcmp(k, "name", 4) == 0 && v.tag == KAM_LSER_STRING)
					saw_name = v.len == 4 && memcmp(v.s, "test", 4) == 0;
				if (kl == 6 && memcmp(k, "double", 6) == 0)
					saw_fn = v.tag == KAM_LSER_FUNCTION;
				if (v.tag == KAM_LSER_TABLE)
					for (uint32_t j = 0; j < v.narr + 2 * v.nhash; j++)
						kam_rd_skip(&r, &e);
			}
		}
		ok(saw_name && saw_fn, "module fields: a string and a function marker");
		kam_buf_free(&mod);
	}
	kam_worker_close(w);
}

static void test_environment(void)
{
	static const char *const hidden[] = {
		"io", "os", "package", "require", "dofile", "loadfile", "debug", "collectgarbage",
		"rawset", "print", "warn", "module", "setfenv", "unpack",
	};
	kam_worker *w;
	kam_err e;
	size_t i;
	int all = 1;
	lua_State *L;

	if (kam_worker_open(&w, "policies/t.lua", policy, strlen(policy), &patient, &e) < 0) {
		ok(0, "open: %s", e.msg);
		return;
	}
	kam_buf_reset(&items);
	kam_put_table(&items, sizeof hidden / sizeof hidden[0], 0);
	for (i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
		kam_put_cstr(&items, hidden[i]);
	ok(kam_worker_call(w, &(kam_call){"probe", NULL, 0}, NULL, &items, &results, &e) == 0, "probe globals");
	for (i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
		if (strcmp(result((uint32_t)i + 1), "nil") != 0) {
			all = 0;
			printf("# %s is reachable: %s\n", hidden[i], result((uint32_t)i + 1));
		}
	ok(all, "io, os, package, require, dofile, loadfile, debug, collectgarbage, rawset, print are absent");

	strs(9, "return string.dump", "return ('').dump", "return math.random", "return math.randomseed",
	     "return getmetatable('')", "return getmetatable('').__index", "return io",
	     "return 1 + 1", "x = 1");
	ok(kam_worker_call(w, &(kam_call){"eval", NULL, 0}, NULL, &items, &results, &e) < 0, "indexing the string metatable fails");
	ok(like(e.msg, "attempt to index a boolean value") && like(e.msg, "item 6"),
	   "getmetatable('') is false: %s", e.msg);
	strs(8, "return string.dump", "return ('').dump", "return math.random", "return math.randomseed",
	     "return getmetatable('')", "return io", "return 1 + 1", "return _G == _ENV");
	ok(kam_worker_call(w, &(kam_call){"eval", NULL, 0}, NULL, &items, &results, &e) == 0, "load text chunks");
	ok(!strcmp(result(1), "nil") && !strcmp(result(2), "nil") && !strcmp(result(3), "nil") &&
	   !strcmp(result(4), "nil") && !strcmp(result(5), "false") && !strcmp(result(6), "nil") &&
	   !strcmp(result(7), "2") && !strcmp(result(8), "true"),
	   "no dump (even as a method), no random, protected string metatable, load runs in the sandbox");

	/* Bytecode made by a trusted state cannot be loaded, whatever mode is asked. */
	L = luaL_newstate();
	luaL_openlibs(L);
	if (luaL_dostring(L, "return string.dump(function() return 1 end)") == LUA_OK) {
		size_t len;
		const char *bc = lua_tolstring(L, -1, &len);
		kam_buf_reset(&items);
		kam_put_table(&items, 1, 0);
		kam_put_str(&items, bc, len);
		int r = kam_worker_call(w, &(kam_call){"eval", NULL, 0}, NULL, &items, &results, &e);
		ok(r == 0 && like(result(1), "attempt to load a binary chunk (mode is 't')"),
		   "load of bytecode refused: %s", result(1));
		r = kam_worker_call(w, &(kam_call){"loadb", NULL, 0}, NULL, &items, &results, &e);
		ok(r == 0 && like(result(1), "attempt to load a binary chunk (mode is 't')"),
		   "load(s, name, 'b') is forced to text mode: %s", result(1));
	}
	lua_close(L);

	ints(1, 1);
	ok(kam_worker_call(w, &(kam_call){"setglobal", NULL, 0}, NULL, &items, &results, &e) < 0, "new global refused");
	is_str(e.msg, "policies/t.lua:31: assignment to undeclared global 'newglobal' (function 'setglobal', item 1)",
	       "undeclared global message");
	ok(kam_worker_call(w, &(kam_call){"setexisting", NULL, 0}, NULL, &items, &results, &e) < 0 &&
	   like(e.msg, "assignment to read-only global 'helper'"), "existing global read-only: %s", e.msg);
	ok(kam_worker_call(w, &(kam_call){"setlib", NULL, 0}, NULL, &items, &results, &e) < 0 &&
	   like(e.msg, "assignment to field 'x' of read-only table 'string'"), "library copy read-only: %s", e.msg);
	still_works(w, "refused assignments");

	/* Globals of a chunk that returns nothing. */
	{
		const char *g = "function grade(x) return x + 1 end\nlocal y = 1\n";
		kam_worker *w2;
		ok(kam_worker_open(&w2, "g.lua", g, strlen(g), &patient, &e) == 0, "chunk returning nothing");
		ints(1, 1);
		ok(w2 && kam_worker_call(w2, &(kam_call){"grade", NULL, 0}, NULL, &items, &results, &e) == 0 &&
		   !strcmp(result(1), "2"), "its functions are found among its globals");
		kam_worker_close(w2);
	}
	kam_worker_close(w);
}

static void test_load_errors(void)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{"x = = 1", "bad.lua:1: unexpected symbol near '='"},
		{"error('top')", "bad.lua:1: top (main chunk)"},
		{"while true do end", "bad.lua: main chunk: instruction limit exceeded"},
		{"local t = {} for i = 1, 1e9 do t[i] = i end", "bad.lua: main chunk: memory limit of 64 MiB exceeded"},
		{"\x1bLua", "attempt to load a binary chunk (mode is 't')"},
		{"print('hi')", "bad.lua:1: attempt to call a nil value (global 'print') (main chunk)"},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		kam_worker *w = (kam_worker *)1;
		kam_err e = {0};
		int r = kam_worker_open(&w, "bad.lua", cases[i].src, strlen(cases[i].src), &patient, &e);
		ok(r < 0 && w == NULL && like(e.msg, cases[i].want), "load fails: %s", e.msg);
	}
	{
		kam_sandbox_limits lim = {200, 0, 1LL << 60};
		kam_worker *w;
		kam_err e;
		double t0 = now_s();
		const char *src = "while true do end";
		ok(kam_worker_open(&w, "slow.lua", src, strlen(src), &lim, &e) < 0, "endless top level");
		is_str(e.msg, "slow.lua: main chunk: stopped after 200 ms (time limit)", "stopped by the deadline");
		printf("# the endless top level stopped after %.3f s\n", now_s() - t0);
	}
}

/* Each runaway case: stopped with the right message, then the next call works.  How long
 * it took is shown, never asserted: a loaded machine is slow. */
static void runaway(kam_worker *w, const char *fname, int arg, const char *want1, const char *want2)
{
	kam_err e;
	double t0 = now_s(), dt;
	int pid = kam_worker_pid(w), r;

	ints(1, arg);
	r = kam_worker_call(w, &(kam_call){fname, NULL, 0}, NULL, &items, &results, &e);
	dt = now_s() - t0;
	ok(r < 0 && (like(e.msg, want1) || (want2 && like(e.msg, want2))), "%s: %s", fname, e.msg);
	/* Seen by the host (a limit, a crash): the record names the call all the same. */
	ok(strcmp(e.function, fname) == 0 && e.first == 1 && e.last == 1 && e.items_len == 6 &&
	   strncmp(e.msg + e.items_at, "item 1", 6) == 0, "%s: the record names function and item", fname);
	printf("# %s stopped after %.3f s\n", fname, dt);
	still_works(w, fname);
	ok(kam_worker_pid(w) != pid && kam_worker_pid(w) > 0, "%s: a new worker took over", fname);
}

static void test_limits(void)
{
	/* Only the cases that test the deadline itself get a short one; the others (a crash,
	 * the memory cap, the instruction budget) get one no slowness meets. */
	kam_sandbox_limits timed = {300, 0, 1LL << 60};
	kam_sandbox_limits unbudgeted = {PATIENT_MS, 0, 1LL << 60};
	kam_sandbox_limits small = {PATIENT_MS, 16 << 20, 1000000};
	kam_worker *w;
	kam_err e;

	if (kam_worker_open(&w, "policies/t.lua", policy, strlen(policy), &timed, &e) < 0) {
		ok(0, "open: %s", e.msg);
		return;
	}
	/* The deadline is per item: a batch of 200 short items (a few ms each here, so far
	 * below 300 ms that even a heavily loaded machine stays under it) passes although the
	 * whole batch takes longer than 300 ms. */
	{
		double t0 = now_s(), dt;
		int i, r;
		kam_buf_reset(&items);
		kam_put_table(&items, 200, 0);
		for (i = 0; i < 200; i++)
			kam_put_int(&items, 1000000);
		r = kam_worker_call(w, &(kam_call){"busy", NULL, 0}, NULL, &items, &results, &e);
		dt = now_s() - t0;
		ok(r == 0, "a batch of 200 items under a 300 ms limit per item passes: %s", r == 0 ? "ok" : e.msg);
		printf("# 200 busy items took %.3f s in all\n", dt);
	}
	runaway(w, "spin", 0, "policies/t.lua: function 'spin', item 1: stopped after 300 ms (time limit)", NULL);
	runaway(w, "find", 2000, "policies/t.lua: function 'find', item 1: stopped after 300 ms (time limit)", NULL);
	runaway(w, "gc", 0, "policies/t.lua: function 'gc', item 1: stopped after 300 ms (time limit)", NULL);
	kam_worker_close(w);

	if (kam_worker_open(&w, "policies/t.lua", policy, strlen(policy), &unbudgeted, &e) < 0) {
		ok(0, "open: %s", e.msg);
		return;
	}
	runaway(w, "close_chain", 20000, "policies/t.lua: function 'close_chain', item 1: worker crashed",
		"policies/t.lua: function 'close_chain', item 1: worker exited");
	kam_worker_close(w);

	if (kam_worker_open(&w, "policies/t.lua", policy, strlen(policy), &small, &e) < 0) {
		ok(0, "open: %s", e.msg);
		return;
	}
	runaway(w, "spin", 0, "policies/t.lua: function 'spin', item 1: instruction limit exceeded", NULL);
	runaway(w, "swallow", 0, "policies/t.lua: function 'swallow', item 1: instruction limit exceeded", NULL);
	runaway(w, "coro_spin", 0, "policies/t.lua: function 'coro_spin', item 1: instruction limit exceeded", NULL);
	runaway(w, "hog", 0, "policies/t.lua: function 'hog', item 1: memory limit of 16 MiB exceeded", NULL);
	runaway(w, "hog_caught", 0, "policies/t.lua: function 'hog_caught', item 1: memory limit of 16 MiB exceeded", NULL);

	/* A worker killed behind our back: no SIGPIPE, an error, then a new worker. */
	{
		int pid = kam_worker_pid(w);
		kill(pid, SIGKILL);
		nanosleep(&(struct timespec){0, 100000000}, NULL);
		ints(1, 1);
		ok(kam_worker_call(w, &(kam_call){"double", NULL, 0}, NULL, &items, &results, &e) < 0 &&
		   like(e.msg, "worker crashed (killed)"), "killed worker reported: %s", e.msg);
		still_works(w, "a killed worker");
	}
	kam_worker_close(w);
}

static void test_walls(void)
{
	kam_worker *w;
	kam_err e;
	char path[64], line[256];
	FILE *f;
	DIR *d;
	struct dirent *de;
	int seccomp = -1, nnp = -1, fds = 0, other = 0, core = 0, fsize = 0, nofile = 0, cpu = 0;

	if (kam_worker_open(&w, "policies/t.lua", policy, strlen(policy), &patient, &e) < 0) {
		ok(0, "open: %s", e.msg);
		return;
	}
	snprintf(path, sizeof path, "/proc/%d/status", kam_worker_pid(w));
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof line, f)) {
			sscanf(line, "Seccomp: %d", &seccomp);
			sscanf(line, "NoNewPrivs: %d", &nnp);
		}
		fclose(f);
	}
	if (SANITIZED)
		printf("ok %d # skip no seccomp filter under sanitizers\n", ++tap_n);
	else
		ok(seccomp == 2 && nnp == 1, "the child runs under a seccomp filter (Seccomp %d, NoNewPrivs %d)",
		   seccomp, nnp);
	snprintf(path, sizeof path, "/proc/%d/fd", kam_worker_pid(w));
	if ((d = opendir(path))) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			fds++;
			if (strcmp(de->d_name, "2") && strcmp(de->d_name, "3"))
				other++;
		}
		closedir(d);
	}
	ok(fds >= 1 && other == 0, "the child keeps only stderr and its socket (%d open, %d others)", fds, other);
	snprintf(path, sizeof path, "/proc/%d/limits", kam_worker_pid(w));
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof line, f)) {
			core |= strncmp(line, "Max core file size", 18) == 0 && like(line, " 0 ");
			fsize |= strncmp(line, "Max file size", 13) == 0 && like(line, " 0 ");
			nofile |= strncmp(line, "Max open files", 14) == 0 && like(line, " 16 ");
			char soft[32];
			if (sscanf(line, "Max cpu time %31s", soft) == 1)
				cpu = strcmp(soft, "unlimited") != 0;
		}
		fclose(f);
	}
	ok(core && fsize && nofile, "rlimits: no core, no file writes, 16 files");
	ok(cpu, "a CPU time backstop is set");

	/* A second worker's child sees its own progress page, not the first one's. */
	{
		kam_worker *w2;
		int shared = 0;
		if (kam_worker_open(&w2, "policies/t2.lua", policy, strlen(policy), &patient, &e) == 0) {
			snprintf(path, sizeof path, "/proc/%d/maps", kam_worker_pid(w2));
			if ((f = fopen(path, "r"))) {
				while (fgets(line, sizeof line, f))
					shared += like(line, "/memfd:kam-worker (deleted)");
				fclose(f);
			}
			kam_worker_close(w2);
		}
		is_int(shared, 1, "a worker's child maps one shared page, its own");
	}
	/* The worker is a new program (exec), not a copy of the host's memory: it holds
	 * nothing the host had read (archives, discounts) but what it is sent. */
	{
		char cmd[128] = "";
		size_t n = 0;
		snprintf(path, sizeof path, "/proc/%d/cmdline", kam_worker_pid(w));
		if ((f = fopen(path, "r"))) {
			n = fread(cmd, 1, sizeof cmd - 1, f);
			fclose(f);
		}
		ok(n > 0 && strcmp(cmd, "kam-worker") == 0 && strcmp(cmd + strlen(cmd) + 1, KAM_WORKER_ARG) == 0,
		   "the worker is a program of its own (exec), not a fork of the host's memory");
	}
	still_works(w, "inspection");
	kam_worker_close(w);
}

/* State letter of a process from /proc, or 0 when it is gone. */
static char proc_state(int pid)
{
	char path[64], state = 0;
	FILE *f;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state;
}

/* A host killed outright takes its worker along (PR_SET_PDEATHSIG). */
static void test_orphan(void)
{
	int fds[2], wpid = 0, i;
	pid_t host;
	char st = 'R';

	if (pipe(fds) < 0) {
		ok(0, "pipe");
		return;
	}
	host = fork();
	if (host == 0) {
		kam_worker *w;
		kam_err e;
		close(fds[0]);
		if (kam_worker_open(&w, "policies/t.lua", policy, strlen(policy), &patient, &e) == 0)
			wpid = kam_worker_pid(w);
		if (write(fds[1], &wpid, sizeof wpid) != sizeof wpid)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	if (host < 0 || read(fds[0], &wpid, sizeof wpid) != sizeof wpid || wpid <= 0) {
		ok(0, "a host process with a worker");
		close(fds[0]);
		return;
	}
	close(fds[0]);
	ok(proc_state(wpid) != 0, "the worker runs");
	kill(host, SIGKILL);
	waitpid(host, NULL, 0);
	for (i = 0; i < 200; i++) {
		st = proc_state(wpid);
		if (st == 0 || st == 'Z' || st == 'X')
			break;
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	}
	ok(st == 0 || st == 'Z' || st == 'X', "the worker died with its host (state '%c')", st ? st : '-');
}

static void bench(void)
{
	kam_worker *w;
	kam_err e;
	int n = 100000, i, r;
	double t0, t1;
	uint32_t narr, nhash;
	kam_rd rd;

	if (kam_worker_open(&w, "policies/t.lua", policy, strlen(policy), &patient, &e) < 0) {
		ok(0, "open: %s", e.msg);
		return;
	}
	t0 = now_s();
	kam_buf_reset(&items);
	kam_put_table(&items, (uint32_t)n, 0);
	for (i = 1; i <= n; i++) {
		char name[32];
		snprintf(name, sizeof name, "customer %d", i);
		kam_put_table(&items, 0, 10);
		kam_put_cstr(&items, "id"); kam_put_int(&items, i);
		kam_put_cstr(&items, "name"); kam_put_cstr(&items, name);
		kam_put_cstr(&items, "province"); kam_put_cstr(&items, "湖北");
		kam_put_cstr(&items, "city"); kam_put_cstr(&items, "武汉");
		kam_put_cstr(&items, "revenue"); kam_put_int(&items, (int64_t)i * 100);
		kam_put_cstr(&items, "parcels"); kam_put_int(&items, i % 1000);
		kam_put_cstr(&items, "segment"); kam_put_cstr(&items, "A");
		kam_put_cstr(&items, "active"); kam_put_bool(&items, 1);
		kam_put_cstr(&items, "since"); kam_put_cstr(&items, "2019-01-01");
		kam_put_cstr(&items, "score"); kam_put_double(&items, 1.5);
	}
	t1 = now_s();
	printf("# wrote %d items (%zu bytes) in %.1f ms\n", n, items.len, (t1 - t0) * 1e3);
	t0 = now_s();
	r = kam_worker_call(w, &(kam_call){"grade", NULL, 0}, NULL, &items, &results, &e);
	t1 = now_s();
	kam_rd_init(&rd, results.data, results.len);
	ok(r == 0 && kam_rd_table(&rd, &narr, &nhash, &e) == 0 &&
	   !strcmp(result(50000), "B") && !strcmp(result(60000), "A"),
	   "100000 items of 10 fields graded in one call");
	is_int(narr, n, "one result per item");
	printf("# round trip of %d items to a one-line function: %.1f ms, %.0f items/s\n", n,
	       (t1 - t0) * 1e3, n / (t1 - t0));
	t0 = now_s();
	r = kam_worker_call(w, &(kam_call){"row", NULL, 0}, NULL, &items, &results, &e);
	t1 = now_s();
	ok(r == 0, "100000 items returning a table each");
	printf("# same returning a 2-field table: %.1f ms, %.0f items/s (%zu bytes of results)\n",
	       (t1 - t0) * 1e3, n / (t1 - t0), results.len);
	kam_worker_close(w);
}

/* A SIGINT that reaches the worker alone (Ctrl-C reaches the whole process group; or
 * someone signalled it) is an interruption of the work, never the policy's crash, and the
 * host's work stops: every later call says "interrupted" too.  Last: that is for good. */
static void test_sigint(void)
{
	kam_worker *w;
	kam_err e;

	if (kam_worker_open(&w, "policies/t.lua", policy, strlen(policy), &patient, &e) < 0) {
		ok(0, "open: %s", e.msg);
		return;
	}
	ok(!kam_interrupted(), "no interruption yet");
	/* Delivered before the worker runs again: it dies before it reads the request. */
	kill(kam_worker_pid(w), SIGINT);
	ints(1, 1);
	ok(kam_worker_call(w, &(kam_call){"double", NULL, 0}, NULL, &items, &results, &e) < 0, "a SIGINT to the worker fails the call");
	is_str(e.msg, "policies/t.lua: function 'double': interrupted", "reported as an interruption");
	ok(!like(e.msg, "crash"), "not as a crash");
	ok(kam_interrupted(), "and recorded for the host, which stops");
	ok(kam_worker_call(w, &(kam_call){"double", NULL, 0}, NULL, &items, &results, &e) < 0 && like(e.msg, "interrupted"),
	   "the next call is interrupted too: %s", e.msg);
	kam_worker_close(w);
}

int main(int argc, char **argv)
{
	/* Workers are this program again (worker.h). */
	if (argc == 2 && strcmp(argv[1], KAM_WORKER_ARG) == 0)
		return kam_worker_exec_main();
	kam_buf_init(&items);
	kam_buf_init(&results);
	test_calls();
	test_environment();
	test_load_errors();
	test_limits();
	test_walls();
	test_orphan();
	bench();
	test_sigint();
	kam_buf_free(&items);
	kam_buf_free(&results);
	return done_testing();
}
