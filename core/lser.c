#include "lser.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

/* ---- buffer ---- */

void kam_buf_init(kam_buf *b)
{
	memset(b, 0, sizeof *b);
}

void kam_buf_free(kam_buf *b)
{
	free(b->data);
	kam_buf_init(b);
}

void kam_buf_reset(kam_buf *b)
{
	b->len = 0;
	b->failed = 0;
}

int kam_buf_reserve(kam_buf *b, size_t more)
{
	size_t cap;
	unsigned char *p;

	if (b->failed)
		return -1;
	if (more <= b->cap - b->len)
		return 0;
	if (more > KAM_BUF_MAX - b->len) {
		b->failed = 1;
		return -1;
	}
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < more)
		cap *= 2;
	if (cap > KAM_BUF_MAX)
		cap = KAM_BUF_MAX;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void kam_buf_add(kam_buf *b, const void *p, size_t n)
{
	if (n == 0 || kam_buf_reserve(b, n) < 0)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

int kam_buf_check(const kam_buf *b, const char *what, kam_err *e)
{
	if (!b->failed)
		return 0;
	return kam_errf(e, "%s: out of memory or larger than %zu MiB", what,
			KAM_BUF_MAX >> 20);
}

/* ---- writer ---- */

static void put_u32_at(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static void put_tag(kam_buf *b, int tag)
{
	unsigned char t = (unsigned char)tag;
	kam_buf_add(b, &t, 1);
}

void kam_put_nil(kam_buf *b)
{
	put_tag(b, KAM_LSER_NIL);
}

void kam_put_bool(kam_buf *b, int v)
{
	put_tag(b, v ? KAM_LSER_TRUE : KAM_LSER_FALSE);
}

/* Tag and varint written straight into reserved room: facts for 100,000 customers are
 * millions of these. */
static unsigned char *put_tag_varint(unsigned char *p, int tag, uint64_t v)
{
	*p++ = (unsigned char)tag;
	do {
		*p = v & 0x7f;
		v >>= 7;
		if (v)
			*p |= 0x80;
		p++;
	} while (v);
	return p;
}

void kam_put_int(kam_buf *b, int64_t v)
{
	/* Zigzag so that small negative amounts stay short too. */
	uint64_t u = (uint64_t)v << 1;
	if (v < 0)
		u = ~u;
	if (kam_buf_reserve(b, 11) < 0)
		return;
	b->len = (size_t)(put_tag_varint(b->data + b->len, KAM_LSER_INT, u) - b->data);
}

void kam_put_double(kam_buf *b, double v)
{
	unsigned char tmp[9];
	uint64_t u;
	int i;

	memcpy(&u, &v, sizeof u);
	tmp[0] = KAM_LSER_DOUBLE;
	for (i = 0; i < 8; i++)
		tmp[1 + i] = (u >> (8 * i)) & 0xff;
	kam_buf_add(b, tmp, sizeof tmp);
}

void kam_put_str(kam_buf *b, const char *s, size_t len)
{
	unsigned char *p;
	if (len > KAM_BUF_MAX || kam_buf_reserve(b, 11 + len) < 0) {
		b->failed = 1;
		return;
	}
	p = put_tag_varint(b->data + b->len, KAM_LSER_STRING, len);
	memcpy(p, s, len);
	b->len = (size_t)(p + len - b->data);
}

void kam_put_cstr(kam_buf *b, const char *s)
{
	if (s)
		kam_put_str(b, s, strlen(s));
	else
		kam_put_nil(b);
}

void kam_put_function(kam_buf *b)
{
	put_tag(b, KAM_LSER_FUNCTION);
}

size_t kam_put_table(kam_buf *b, uint32_t narr, uint32_t nhash)
{
	size_t at = b->len;
	if (kam_buf_reserve(b, 9) < 0)
		return at;
	b->data[b->len] = KAM_LSER_TABLE;
	put_u32_at(b->data + b->len + 1, narr);
	put_u32_at(b->data + b->len + 5, nhash);
	b->len += 9;
	return at;
}

void kam_put_table_counts(kam_buf *b, size_t at, uint32_t narr, uint32_t nhash)
{
	if (b->failed || at > b->len || b->len - at < 9 || b->data[at] != KAM_LSER_TABLE)
		return;
	put_u32_at(b->data + at + 1, narr);
	put_u32_at(b->data + at + 5, nhash);
}

/* ---- reader ---- */

static const char *const tag_names[] = {
	"nil", "false", "true", "integer", "float", "string", "table", "function",
};

static const char *tag_name(int tag)
{
	if (tag < 0)
		return "end of data";
	if (tag >= (int)(sizeof tag_names / sizeof tag_names[0]))
		return "an unknown tag";
	return tag_names[tag];
}

void kam_rd_init(kam_rd *r, const void *data, size_t len)
{
	r->start = data;
	r->p = r->start;
	r->end = r->start + len;
}

int kam_rd_peek(const kam_rd *r)
{
	return r->p < r->end ? r->p[0] : -1;
}

size_t kam_rd_offset(const kam_rd *r)
{
	return (size_t)(r->p - r->start);
}

static int bad(const kam_rd *r, kam_err *e, const char *what)
{
	return kam_errf(e, "malformed data at byte %zu: %s", kam_rd_offset(r), what);
}

static int get_varint(kam_rd *r, uint64_t *v, kam_err *e)
{
	uint64_t u = 0;
	int shift;
	const unsigned char *p = r->p;

	for (shift = 0; shift < 70; shift += 7) {
		if (p >= r->end)
			return bad(r, e, "truncated number");
		if (shift == 63 && (*p & 0x7e))
			return bad(r, e, "number too large");
		u |= (uint64_t)(*p & 0x7f) << shift;
		if (!(*p++ & 0x80)) {
			r->p = p;
			*v = u;
			return 0;
		}
	}
	return bad(r, e, "number too long");
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int kam_rd_value(kam_rd *r, kam_val *v, kam_err *e)
{
	const kam_rd save = *r;
	uint64_t u;
	size_t left;
	int i;

	if (r->p >= r->end)
		return bad(r, e, "unexpected end of data");
	v->tag = *r->p++;
	switch (v->tag) {
	case KAM_LSER_NIL:
	case KAM_LSER_FALSE:
	case KAM_LSER_TRUE:
	case KAM_LSER_FUNCTION:
		return 0;
	case KAM_LSER_INT:
		if (get_varint(r, &u, e) < 0)
			break;
		v->i = (int64_t)(u >> 1);
		if (u & 1)
			v->i = ~v->i;
		return 0;
	case KAM_LSER_DOUBLE:
		if (r->end - r->p < 8) {
			bad(r, e, "truncated float");
			break;
		}
		u = 0;
		for (i = 0; i < 8; i++)
			u |= (uint64_t)r->p[i] << (8 * i);
		memcpy(&v->d, &u, sizeof v->d);
		r->p += 8;
		return 0;
	case KAM_LSER_STRING:
		if (get_varint(r, &u, e) < 0)
			break;
		left = (size_t)(r->end - r->p);
		if (u > left) {
			kam_errf(e, "malformed data at byte %zu: string of %llu bytes but only %zu left",
				 kam_rd_offset(r), (unsigned long long)u, left);
			break;
		}
		v->s = (const char *)r->p;
		v->len = (size_t)u;
		r->p += u;
		return 0;
	case KAM_LSER_TABLE:
		if (r->end - r->p < 8) {
			bad(r, e, "truncated table header");
			break;
		}
		v->narr = get_u32(r->p);
		v->nhash = get_u32(r->p + 4);
		r->p += 8;
		/* Each value takes at least one byte: refuse counts the data cannot hold
		 * before anyone allocates for them. */
		left = (size_t)(r->end - r->p);
		if ((uint64_t)v->narr + 2 * (uint64_t)v->nhash > left) {
			kam_errf(e, "malformed data at byte %zu: table of %u+%u entries but only %zu bytes left",
				 kam_rd_offset(r), v->narr, v->nhash, left);
			break;
		}
		return 0;
	default:
		r->p--;
		kam_errf(e, "malformed data at byte %zu: unknown tag %d", kam_rd_offset(r), v->tag);
		break;
	}
	*r = save;
	return -1;
}

/* Read a value that must have one of the tags; on a mismatch leave the cursor alone. */
static int expect(kam_rd *r, kam_val *v, const char *want, int t1, int t2, int t3, kam_err *e)
{
	int tag = kam_rd_peek(r);
	if (tag < 0 || (tag != t1 && tag != t2 && tag != t3))
		return kam_errf(e, "expected %s at byte %zu, got %s", want, kam_rd_offset(r),
				tag_name(tag));
	return kam_rd_value(r, v, e);
}

int kam_rd_nil(kam_rd *r, kam_err *e)
{
	kam_val v;
	return expect(r, &v, "nil", KAM_LSER_NIL, -2, -2, e);
}

int kam_rd_bool(kam_rd *r, int *b, kam_err *e)
{
	kam_val v;
	if (expect(r, &v, "a boolean", KAM_LSER_FALSE, KAM_LSER_TRUE, -2, e) < 0)
		return -1;
	*b = v.tag == KAM_LSER_TRUE;
	return 0;
}

int kam_rd_int(kam_rd *r, int64_t *i, kam_err *e)
{
	kam_val v;
	if (expect(r, &v, "an integer", KAM_LSER_INT, -2, -2, e) < 0)
		return -1;
	*i = v.i;
	return 0;
}

int kam_rd_number(kam_rd *r, double *d, kam_err *e)
{
	kam_val v;
	if (expect(r, &v, "a number", KAM_LSER_INT, KAM_LSER_DOUBLE, -2, e) < 0)
		return -1;
	*d = v.tag == KAM_LSER_INT ? (double)v.i : v.d;
	return 0;
}

int kam_rd_str(kam_rd *r, const char **s, size_t *len, kam_err *e)
{
	kam_val v;
	if (expect(r, &v, "a string", KAM_LSER_STRING, -2, -2, e) < 0)
		return -1;
	*s = v.s;
	*len = v.len;
	return 0;
}

int kam_rd_table(kam_rd *r, uint32_t *narr, uint32_t *nhash, kam_err *e)
{
	kam_val v;
	if (expect(r, &v, "a table", KAM_LSER_TABLE, -2, -2, e) < 0)
		return -1;
	*narr = v.narr;
	*nhash = v.nhash;
	return 0;
}

static int skip(kam_rd *r, int depth, kam_err *e)
{
	kam_val v;
	uint64_t i, n;

	if (kam_rd_value(r, &v, e) < 0)
		return -1;
	if (v.tag != KAM_LSER_TABLE)
		return 0;
	if (depth >= KAM_LSER_MAXDEPTH)
		return bad(r, e, "tables nested too deep");
	n = (uint64_t)v.narr + 2 * (uint64_t)v.nhash;
	for (i = 0; i < n; i++)
		if (skip(r, depth + 1, e) < 0)
			return -1;
	return 0;
}

int kam_rd_skip(kam_rd *r, kam_err *e)
{
	kam_rd save = *r;
	if (skip(r, 0, e) < 0) {
		*r = save;
		return -1;
	}
	return 0;
}

int kam_rd_end(const kam_rd *r, kam_err *e)
{
	if (r->p != r->end)
		return bad(r, e, "unexpected data after the value");
	return 0;
}

/* ---- Lua to buffer ---- */

/* The key by which the encoder entered each level, to name the place of an error. */
struct pkey {
	int type;
	lua_Integer i;
	lua_Number n;
	const char *s;
	size_t len;
};

struct enc {
	lua_State *L;
	kam_buf *b;
	const char *what;
	int flags;
	int depth;
	const void *tables[KAM_LSER_MAXDEPTH + 1];   /* the tables being encoded, for cycles */
	struct pkey keys[KAM_LSER_MAXDEPTH + 1];
	kam_err *e;
};

static int is_name(const char *s, size_t len)
{
	size_t i;
	if (len == 0 || len > 64 || !(s[0] == '_' || ((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z')))
		return 0;
	for (i = 1; i < len; i++)
		if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
		      ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z')))
			return 0;
	return 1;
}

static void path(const struct enc *c, char *out, size_t size)
{
	size_t n;
	int i;

	n = (size_t)snprintf(out, size, "%s", c->what);
	for (i = 0; i < c->depth && n < size; i++) {
		const struct pkey *k = &c->keys[i];
		switch (k->type) {
		case LUA_TSTRING:
			if (is_name(k->s, k->len))
				n += (size_t)snprintf(out + n, size - n, ".%s", k->s);
			else
				n += (size_t)snprintf(out + n, size - n, "[\"%.*s\"]",
						      (int)(k->len > 40 ? 40 : k->len), k->s);
			break;
		case LUA_TNUMBER:
			if (k->s == NULL)
				n += (size_t)snprintf(out + n, size - n, "[%lld]", (long long)k->i);
			else
				n += (size_t)snprintf(out + n, size - n, "[%.14g]", (double)k->n);
			break;
		case LUA_TBOOLEAN:
			n += (size_t)snprintf(out + n, size - n, "[%s]", k->i ? "true" : "false");
			break;
		default:
			n += (size_t)snprintf(out + n, size - n, "[?]");
		}
	}
}

__attribute__((format(printf, 2, 3)))
static int enc_fail(struct enc *c, const char *fmt, ...)
{
	char where[512], what[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	path(c, where, sizeof where);
	return kam_errf(c->e, "%s at '%s'", what, where);
}

static void set_key(struct pkey *k, lua_State *L, int idx)
{
	k->type = lua_type(L, idx);
	k->s = NULL;
	if (k->type == LUA_TSTRING) {
		k->s = lua_tolstring(L, idx, &k->len);
	} else if (k->type == LUA_TNUMBER) {
		if (lua_isinteger(L, idx))
			k->i = lua_tointeger(L, idx);
		else {
			k->n = lua_tonumber(L, idx);
			k->s = "";   /* marks a float */
		}
	} else if (k->type == LUA_TBOOLEAN) {
		k->i = lua_toboolean(L, idx);
	}
}

static int enc_value(struct enc *c, int idx);

static int enc_table(struct enc *c, int idx)
{
	lua_State *L = c->L;
	const void *self = lua_topointer(L, idx);
	lua_Integer narr = 0;
	uint32_t nhash = 0;
	size_t at;
	int i;

	for (i = 0; i < c->depth; i++)
		if (c->tables[i] == self)
			return enc_fail(c, "cannot send a table that contains itself");
	if (c->depth >= KAM_LSER_MAXDEPTH)
		return enc_fail(c, "cannot send tables nested more than 100 deep");
	if (!lua_checkstack(L, 4))
		return enc_fail(c, "cannot send a value: Lua stack exhausted");
	c->tables[c->depth] = self;
	at = kam_put_table(c->b, 0, 0);

	/* The array part: t[1], t[2], ... up to the first nil. */
	for (;;) {
		if (lua_rawgeti(L, idx, narr + 1) == LUA_TNIL) {
			lua_pop(L, 1);
			break;
		}
		narr++;
		if (narr > UINT32_MAX) {
			lua_pop(L, 1);
			return enc_fail(c, "cannot send a table with more than 2^32 entries");
		}
		c->keys[c->depth].type = LUA_TNUMBER;
		c->keys[c->depth].s = NULL;
		c->keys[c->depth].i = narr;
		c->depth++;
		i = enc_value(c, lua_gettop(L));
		c->depth--;
		lua_pop(L, 1);
		if (i < 0)
			return -1;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		int kt = lua_type(L, -2);
		if (kt == LUA_TNUMBER && lua_isinteger(L, -2)) {
			lua_Integer k = lua_tointeger(L, -2);
			if (k >= 1 && k <= narr) {
				lua_pop(L, 1);
				continue;
			}
		}
		if (kt != LUA_TSTRING && kt != LUA_TNUMBER && kt != LUA_TBOOLEAN) {
			i = enc_fail(c, "cannot send a table with a %s key", lua_typename(L, kt));
			lua_pop(L, 2);
			return i;
		}
		set_key(&c->keys[c->depth], L, -2);
		c->depth++;
		i = enc_value(c, lua_gettop(L) - 1);
		if (i == 0)
			i = enc_value(c, lua_gettop(L));
		c->depth--;
		lua_pop(L, 1);
		if (i < 0) {
			lua_pop(L, 1);
			return -1;
		}
		if (++nhash == UINT32_MAX) {
			lua_pop(L, 1);
			return enc_fail(c, "cannot send a table with more than 2^32 entries");
		}
	}
	kam_put_table_counts(c->b, at, (uint32_t)narr, nhash);
	return 0;
}

static int enc_value(struct enc *c, int idx)
{
	lua_State *L = c->L;
	const char *s;
	size_t len;
	int t = lua_type(L, idx);

	switch (t) {
	case LUA_TNIL:
		kam_put_nil(c->b);
		break;
	case LUA_TBOOLEAN:
		kam_put_bool(c->b, lua_toboolean(L, idx));
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			kam_put_int(c->b, (int64_t)lua_tointeger(L, idx));
		else
			kam_put_double(c->b, (double)lua_tonumber(L, idx));
		break;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		kam_put_str(c->b, s, len);
		break;
	case LUA_TTABLE:
		/* A read-only table of the sandbox (sandbox_freeze.c) is sent as its contents:
		 * a policy may return a constant table of its module. */
		if (!lua_checkstack(L, 3))
			return enc_fail(c, "cannot send a value: Lua stack exhausted");
		if (lua_getfield(L, LUA_REGISTRYINDEX, "kam.sandbox.frozen") == LUA_TTABLE) {
			lua_pushvalue(L, idx);
			if (lua_rawget(L, -2) == LUA_TTABLE) {
				int rc = enc_table(c, lua_gettop(L));
				lua_pop(L, 2);
				if (rc < 0)
					return -1;
				break;
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		if (enc_table(c, idx) < 0)
			return -1;
		break;
	case LUA_TFUNCTION:
		if (c->flags & KAM_LSER_FUNCTIONS) {
			kam_put_function(c->b);
			break;
		}
		/* fall through */
	default:
		return enc_fail(c, "cannot send a %s value", lua_typename(L, t));
	}
	if (c->b->failed)
		return enc_fail(c, "cannot send the value: out of memory or over %zu MiB", KAM_BUF_MAX >> 20);
	return 0;
}

int kam_lser_encode(lua_State *L, int idx, kam_buf *b, const char *what, int flags, kam_err *e)
{
	struct enc c;
	int top = lua_gettop(L);

	c.L = L;
	c.b = b;
	c.what = what;
	c.flags = flags;
	c.depth = 0;
	c.e = e;
	if (enc_value(&c, lua_absindex(L, idx)) < 0) {
		lua_settop(L, top);
		return -1;
	}
	return 0;
}

/* ---- buffer to Lua ---- */

static int dec_value(lua_State *L, kam_rd *r, int funcidx, int depth, kam_err *e);

static int dec_key(lua_State *L, kam_rd *r, int depth, kam_err *e)
{
	int tag = kam_rd_peek(r);
	kam_val v;

	if (tag == KAM_LSER_NIL || tag == KAM_LSER_TABLE || tag == KAM_LSER_FUNCTION)
		return bad(r, e, tag == KAM_LSER_NIL ? "nil table key" : "table key of an unsupported type");
	if (tag == KAM_LSER_DOUBLE) {
		kam_rd peek = *r;
		if (kam_rd_value(&peek, &v, e) < 0)
			return -1;
		if (isnan(v.d))
			return bad(r, e, "NaN table key");
	}
	return dec_value(L, r, 0, depth, e);
}

static int dec_value(lua_State *L, kam_rd *r, int funcidx, int depth, kam_err *e)
{
	kam_val v;
	uint32_t i;

	if (kam_rd_value(r, &v, e) < 0)
		return -1;
	switch (v.tag) {
	case KAM_LSER_NIL:
		lua_pushnil(L);
		return 0;
	case KAM_LSER_FALSE:
	case KAM_LSER_TRUE:
		lua_pushboolean(L, v.tag == KAM_LSER_TRUE);
		return 0;
	case KAM_LSER_INT:
		lua_pushinteger(L, (lua_Integer)v.i);
		return 0;
	case KAM_LSER_DOUBLE:
		lua_pushnumber(L, (lua_Number)v.d);
		return 0;
	case KAM_LSER_STRING:
		lua_pushlstring(L, v.s, v.len);
		return 0;
	case KAM_LSER_FUNCTION:
		if (!funcidx)
			return bad(r, e, "unexpected function value");
		lua_pushvalue(L, funcidx);
		return 0;
	case KAM_LSER_TABLE:
		break;
	}
	if (depth >= KAM_LSER_MAXDEPTH)
		return bad(r, e, "tables nested too deep");
	if (!lua_checkstack(L, 4))
		return bad(r, e, "Lua stack exhausted");
	/* The counts come from a child that may lie: preallocate only so much, the table
	 * grows as values actually arrive. */
	lua_createtable(L, v.narr > (1u << 20) ? 1 << 20 : (int)v.narr,
			v.nhash > (1u << 16) ? 1 << 16 : (int)v.nhash);
	for (i = 0; i < v.narr; i++) {
		if (dec_value(L, r, funcidx, depth + 1, e) < 0)
			goto fail;
		if (lua_isnil(L, -1))
			lua_pop(L, 1);
		else
			lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	for (i = 0; i < v.nhash; i++) {
		if (dec_key(L, r, depth + 1, e) < 0)
			goto fail;
		if (dec_value(L, r, funcidx, depth + 1, e) < 0) {
			lua_pop(L, 1);
			goto fail;
		}
		lua_rawset(L, -3);
	}
	return 0;
fail:
	lua_pop(L, 1);
	return -1;
}

int kam_lser_decode(lua_State *L, kam_rd *r, int funcidx, kam_err *e)
{
	if (funcidx)
		funcidx = lua_absindex(L, funcidx);
	return dec_value(L, r, funcidx, 0, e);
}
