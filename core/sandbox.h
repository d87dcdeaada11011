/* The sandboxed Lua state for untrusted code (policies).  It runs inside the worker
 * process (worker.h), never in the host: the instruction budget and the memory cap here
 * cannot stop a pathological pattern, a looping __gc or a C-stack crash; only the
 * worker's wall-clock deadline and process boundary can.
 *
 * The environment holds an allow-list only: the base functions without dofile, loadfile,
 * require, print, collectgarbage, rawset; `load` in text mode with the sandbox as default
 * environment; read-only copies of string (no dump), table, math (no random,
 * randomseed), utf8 and coroutine.  The string metatable is protected (getmetatable("")
 * is false).  After the chunk's top level has run, its globals are read-only too:
 * assigning one raises "assignment to undeclared global 'x'" (or "... read-only global"),
 * and so is every table the module, its globals and its functions' upvalues reach (a write
 * raises at the write); the upvalues themselves are compared after every call with their
 * values after load (a change is an error right after the call).  The value shared by a
 * batch's calls (ctx) is read-only, and each call gets its own decoding of the item: a
 * policy is a pure function of its input, nothing carries over from one call to the next. */
#ifndef KAM_SANDBOX_H
#define KAM_SANDBOX_H

#include <stddef.h>

#include "err.h"
#include "lser.h"

/* Limits of one sandbox; 0 means the default. */
typedef struct kam_sandbox_limits {
	int time_ms;              /* per item (and for loading): 5,000 ms, or $KAM_POLICY_TIME_MS;
				   * enforced by the worker */
	size_t memory_bytes;      /* the whole state: 64 MiB */
	long long instructions;   /* per item (and for the top level): 50,000,000 */
} kam_sandbox_limits;

#define KAM_SANDBOX_TIME_MS 5000
#define KAM_SANDBOX_TIME_MS_MAX 86400000   /* a day: the most $KAM_POLICY_TIME_MS may ask */
#define KAM_SANDBOX_MEMORY ((size_t)64 << 20)
#define KAM_SANDBOX_INSTRUCTIONS 50000000LL

/* Copy `in` (NULL for all defaults) into `out` with the defaults filled in. */
void kam_sandbox_limits_fill(kam_sandbox_limits *out, const kam_sandbox_limits *in);
/* "64 MiB" or "1000000 bytes": how the memory limit is named in messages. */
void kam_sandbox_fmt_bytes(char *out, size_t size, size_t bytes);

/* The pure helpers of the `kam` table (kam.yuan, ...): one list, handed to policies in
 * the sandbox and to kam run scripts by the host, so both see the same functions. */
struct lua_State;
void kam_sandbox_helpers(struct lua_State *L);  /* set into the table on the stack's top */

typedef struct kam_sandbox kam_sandbox;
/* Called before each item (1-based) and at the start of each step, for the deadline;
 * with -item when the second function of a chain ("a?b") starts on that item. */
typedef void (*kam_sandbox_progress)(void *ud, long item);
/* item values for a finalizer (__gc) starting and ending. */
#define KAM_SANDBOX_FINALIZER (-0x7fffffffL)
#define KAM_SANDBOX_FINALIZER_DONE (-0x7ffffffeL)

/* The allow-list, for the lint (policy_lint.c) to derive what is left out: whether the
 * environment has the global name; the library whose field is left out (string for
 * "dump"), or NULL. */
int kam_sandbox_allows(const char *name);
const char *kam_sandbox_omitted_field(const char *field);

kam_sandbox *kam_sandbox_new(const kam_sandbox_limits *lim, kam_err *e);
/* Load `src` as text with chunk name "@name", run its top level and lock its globals.
 * Errors: "policies/x.lua:3: ..." (syntax), "policies/x.lua:5: boom (main chunk)",
 * "policies/x.lua: main chunk: memory limit of 64 MiB exceeded". */
int kam_sandbox_load(kam_sandbox *sb, const char *name, const char *src, size_t len,
		     kam_err *e);
/* Append the chunk's return value to out (functions as markers). */
int kam_sandbox_module(kam_sandbox *sb, kam_buf *out, kam_err *e);
/* A call of a module's function for each item of a batch.  fname may be dotted
 * ("examples.run"); when the chunk returned no table it is looked up among its globals. */
enum {
	KAM_CALL_ALL = 1,    /* each result is the array of every value returned, n set */
	KAM_CALL_SPREAD = 2, /* each item is the list of arguments ({a, b, n = 2}); no shared */
};
typedef struct kam_call {
	const char *fname;
	/* NULL, or a second function called with the same arguments when fname's first result
	 * is true; the result is then fname's first two values followed by all of then's
	 * (member, then grade: one trip and one decoding of the facts for both). */
	const char *then;
	unsigned flags;
} kam_call;

/* For each value of the array `items` (serialized), call the function (item, shared) and
 * append the array of results (the first, or all with KAM_CALL_ALL) to out.  Stops at
 * the first failing item, the record's function, first and last filled:
 * "policies/x.lua:12: boom (function 'grade', item 17)". */
int kam_sandbox_call(kam_sandbox *sb, const kam_call *call, const void *shared, size_t sharedlen,
		     const void *items, size_t itemslen, kam_buf *out,
		     kam_sandbox_progress progress, void *ud, kam_err *e);
/* True once a memory or instruction limit was hit: the state should be discarded. */
int kam_sandbox_broken(const kam_sandbox *sb);
/* Close the state.  This runs the script's finalizers without any limit: the worker
 * never calls it (it exits instead); only trusted tests do. */
void kam_sandbox_free(kam_sandbox *sb);

#endif
