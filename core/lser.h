/* A compact binary encoding of Lua values, for the socket between the host and its
 * sandbox worker: a growable buffer, a C writer (items straight from SQLite rows), a
 * bounds-checked C reader (results from a possibly compromised child), and the bridges
 * between a buffer and a Lua stack.
 *
 * Format (integers little-endian, "varint" = unsigned LEB128 of at most 10 bytes):
 *   0 nil | 1 false | 2 true | 3 integer: zigzag varint | 4 float: 8-byte IEEE double
 *   5 string: varint length, bytes | 6 table: u32 narr, u32 nhash, then narr values
 *   (t[1]..t[narr], nil allowed), then nhash key/value pairs | 7 a function (a marker only)
 * Tables nest at most KAM_LSER_MAXDEPTH deep; a buffer holds at most KAM_BUF_MAX bytes. */
#ifndef KAM_LSER_H
#define KAM_LSER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum kam_lser_tag {
	KAM_LSER_NIL = 0,
	KAM_LSER_FALSE = 1,
	KAM_LSER_TRUE = 2,
	KAM_LSER_INT = 3,
	KAM_LSER_DOUBLE = 4,
	KAM_LSER_STRING = 5,
	KAM_LSER_TABLE = 6,
	KAM_LSER_FUNCTION = 7,
};

#define KAM_LSER_MAXDEPTH 100
#define KAM_BUF_MAX ((size_t)1 << 30)

/* A growable byte buffer.  Writers never fail: when memory runs out or KAM_BUF_MAX is
 * passed, `failed` is set and later writes are dropped; check with kam_buf_check. */
typedef struct kam_buf {
	unsigned char *data;
	size_t len, cap;
	int failed;
} kam_buf;

void kam_buf_init(kam_buf *b);
void kam_buf_free(kam_buf *b);
/* Empty it (and clear `failed`), keeping the memory for the next use. */
void kam_buf_reset(kam_buf *b);
/* Room for `more` bytes after len; -1 (and `failed`) when it cannot be had. */
int kam_buf_reserve(kam_buf *b, size_t more);
void kam_buf_add(kam_buf *b, const void *p, size_t n);
/* -1 with "what: out of memory" style message when a write was dropped. */
int kam_buf_check(const kam_buf *b, const char *what, kam_err *e);

/* The writer: one call per value; a table is its header followed by its contents. */
void kam_put_nil(kam_buf *b);
void kam_put_bool(kam_buf *b, int v);
void kam_put_int(kam_buf *b, int64_t v);
void kam_put_double(kam_buf *b, double v);
void kam_put_str(kam_buf *b, const char *s, size_t len);
void kam_put_cstr(kam_buf *b, const char *s);   /* NULL writes nil */
void kam_put_function(kam_buf *b);
/* A table header; returns its offset so that the counts can be fixed afterwards with
 * kam_put_table_counts when they are not known in advance. */
size_t kam_put_table(kam_buf *b, uint32_t narr, uint32_t nhash);
void kam_put_table_counts(kam_buf *b, size_t at, uint32_t narr, uint32_t nhash);

/* The reader: a cursor over bytes it does not trust.  Every function checks the bytes
 * left and the tag, and fails with "malformed data at byte N: ..." or "expected ... at
 * byte N, got ..." without moving the cursor past the end. */
typedef struct kam_rd {
	const unsigned char *start, *p, *end;
} kam_rd;

/* One value as read: scalars complete, a table as its header (its contents follow). */
typedef struct kam_val {
	int tag;                 /* enum kam_lser_tag */
	int64_t i;               /* KAM_LSER_INT */
	double d;                /* KAM_LSER_DOUBLE */
	const char *s;           /* KAM_LSER_STRING: points into the buffer, not terminated */
	size_t len;
	uint32_t narr, nhash;    /* KAM_LSER_TABLE */
} kam_val;

void kam_rd_init(kam_rd *r, const void *data, size_t len);
/* The tag of the next value without reading it; -1 at the end. */
int kam_rd_peek(const kam_rd *r);
size_t kam_rd_offset(const kam_rd *r);
int kam_rd_value(kam_rd *r, kam_val *v, kam_err *e);
int kam_rd_nil(kam_rd *r, kam_err *e);
int kam_rd_bool(kam_rd *r, int *v, kam_err *e);
int kam_rd_int(kam_rd *r, int64_t *v, kam_err *e);          /* integers only */
int kam_rd_number(kam_rd *r, double *v, kam_err *e);        /* integer or float */
int kam_rd_str(kam_rd *r, const char **s, size_t *len, kam_err *e);
int kam_rd_table(kam_rd *r, uint32_t *narr, uint32_t *nhash, kam_err *e);
/* Skip one whole value, tables included (nesting limited as for the writer). */
int kam_rd_skip(kam_rd *r, kam_err *e);
/* -1 unless every byte has been read. */
int kam_rd_end(const kam_rd *r, kam_err *e);

/* Bridges to Lua.  Encode the value at idx: nil, booleans, numbers, strings and tables
 * with string, number or boolean keys.  A table's array part is t[1..n] up to its first
 * nil; metamethods are ignored.  Functions become markers when flags has
 * KAM_LSER_FUNCTIONS, else they are refused like userdata, threads, cycles and nesting
 * past the limit, with the place named from `what`: "cannot send a userdata value at
 * 'items[3].f'".  Never raises. */
#define KAM_LSER_FUNCTIONS 1
struct lua_State;
int kam_lser_encode(struct lua_State *L, int idx, kam_buf *b, const char *what, int flags,
		    kam_err *e);
/* Read one value and push it.  A function marker pushes a copy of the value at funcidx
 * (funcidx 0: refused).  On a malformed buffer pushes nothing and returns -1; raises a
 * Lua memory error when the state cannot allocate (call it in protected mode). */
int kam_lser_decode(struct lua_State *L, kam_rd *r, int funcidx, kam_err *e);

#endif
