/* Untrusted Lua (policies) evaluated in a child process: fork (no exec), a fresh
 * sandboxed state (sandbox.h) in the child, and a wall-clock deadline kept by the host.
 * The host survives whatever the script does -- an endless loop inside string.find, a
 * looping __gc, a C-stack crash -- reports it naming the script, the function and the
 * item, and the next call starts a new worker transparently.
 *
 * One child evaluates many calls; a call carries a whole batch of items, so a round trip
 * is one request and one reply whatever the number of items.  The deadline: the child
 * bumps a counter in a shared page before each item; the host polls the reply in short
 * slices and kills the child (SIGKILL) when the counter has not moved for time_ms.
 *
 * The child closes every inherited descriptor but its socket and stderr, dies with the
 * host (PR_SET_PDEATHSIG), has RLIMIT_CORE and RLIMIT_FSIZE 0, a small RLIMIT_NOFILE,
 * RLIMIT_CPU as a backstop, and (except in sanitizer builds) a seccomp filter allowing
 * only the system calls it needs.  The host never gets SIGPIPE from a worker. */
#ifndef KAM_WORKER_H
#define KAM_WORKER_H

#include <stddef.h>

#include "err.h"
#include "lser.h"
#include "sandbox.h"

typedef struct kam_worker kam_worker;

/* Start a worker for the chunk `src` named `name` (e.g. "policies/hubei.lua", chunk name
 * "@name", text only), run its top level and keep it ready.  lim may be NULL (defaults:
 * 5,000 ms per item, 64 MiB, 50,000,000 instructions per item).  On failure *out is NULL
 * and e says why: "policies/x.lua:3: unexpected symbol near 'x'", "policies/x.lua:5: boom
 * (main chunk)", "policies/x.lua: main chunk: stopped after 5000 ms (time limit)". */
int kam_worker_open(kam_worker **out, const char *name, const char *src, size_t len,
		    const kam_sandbox_limits *lim, kam_err *e);

/* The value the chunk returned, serialized into out (emptied first); functions appear
 * as KAM_LSER_FUNCTION markers. */
int kam_worker_module(kam_worker *w, kam_buf *out, kam_err *e);

/* Call the function of `call` (item, shared) for each value of the serialized array
 * `items`, and put the array of results (one per item, nil included; the first, or all of
 * them with KAM_CALL_ALL, see kam_call in sandbox.h) into `results` (emptied first).  If
 * the chunk returned no table the function is looked up among the chunk's globals.
 * shared may be NULL (the function gets nil).  Items are numbered from 1.  On the first
 * failing item returns -1 with the record's function, first and last set, and its
 * items_at/items_len where the message names the item, e.g.
 *   policies/x.lua:12: boom (function 'grade', item 17)
 *   policies/x.lua: function 'grade', item 17: stopped after 500 ms (time limit)
 *   policies/x.lua: function 'grade', item 17: worker crashed (segmentation fault)
 *   policies/x.lua: function 'grade', item 17: memory limit of 64 MiB exceeded
 *   policies/x.lua: function 'grade', item 17: instruction limit exceeded
 * After a limit, a timeout or a crash the worker is discarded and the next call (or
 * kam_worker_module) starts a new one, running the chunk's top level again. */
int kam_worker_call(kam_worker *w, const kam_call *call, const kam_buf *shared,
		    const kam_buf *items, kam_buf *results, kam_err *e);

/* A worker is a new program: the host forks and executes its own binary with this one
 * argument, so that the worker holds nothing of the host's memory (customers' archives,
 * discounts) but the chunk and the items it is sent.  A program that can start workers
 * calls kam_worker_exec_main first thing in main when it sees the argument. */
#define KAM_WORKER_ARG "--kam-sandbox-worker"
int kam_worker_exec_main(void);

/* Kill the worker process (if any) and free everything.  NULL is fine. */
void kam_worker_close(kam_worker *w);

const char *kam_worker_name(const kam_worker *w);
/* The worker's process id, 0 when none runs right now (for tests). */
int kam_worker_pid(const kam_worker *w);

#endif
