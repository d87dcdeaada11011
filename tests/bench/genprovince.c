/*
 * genprovince: a deterministic, realistic synthetic province for kam's tests and
 * benchmarks.  It writes DIR/customers.csv and DIR/ledger.csv (PRODUCT.md "Data files"):
 * Hubei-like places, heavy-tailed revenue with seasonality, refunds and swings, customers
 * that sit exactly on every grade boundary of DOMAIN.md §1-§3, and the CSV awkwardness an
 * importer must survive (quotes, commas, newlines, characters GBK lacks).
 *
 * Plain C11 + libc: its own PRNG and its own 10^x, so the same arguments give the same
 * bytes on every machine.  See tests/bench/README.md.
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define MAX_CUSTOMERS 2000000
#define MAX_MONTHS 600
#define MAXL 6			/* business lines a customer may use */
#define SEQ_MAX 99999		/* the 5-digit sequence of a customer code */
#define OUTBUF (1u << 20)
#define ROOM 8192		/* more than any one row needs */

/* ---------------------------------------------------------------- randomness */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* One stream per (customer, purpose): a customer's rows do not move when another
 * customer's draws change, and a year's rows do not depend on the window. */
static void rng_init(struct rng *r, uint64_t seed, uint64_t idx, uint64_t tag)
{
	uint64_t x = seed;
	x = splitmix64(&x) ^ idx;
	x = splitmix64(&x) ^ tag;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

static double u01(struct rng *r)
{
	return (double)(next(r) >> 11) * 0x1.0p-53;
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((next(r) >> 32) * n) >> 32);
}

static int chance(struct rng *r, double p)
{
	return u01(r) < p;
}

/* Standard normal, Irwin-Hall: tails end at ±6, which is what we want. */
static double gauss(struct rng *r)
{
	double s = 0;
	for (int i = 0; i < 12; i++)
		s += u01(r);
	return s - 6.0;
}

/* A cheap bell shape with unit variance for per-month noise. */
static double gauss3(struct rng *r)
{
	return (u01(r) + u01(r) + u01(r) - 1.5) * 2.0;
}

static int pick(struct rng *r, const uint16_t *w, int n)
{
	uint32_t sum = 0, x;
	for (int i = 0; i < n; i++)
		sum += w[i];
	x = below(r, sum);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define ANY(r, a) ((a)[below((r), sizeof(a) / sizeof((a)[0]))])

/* 10^x with + and * only: libm's exp may round differently on another CPU. */
static double pow10_det(double x)
{
	double scale = 1.0, y, term = 1.0, sum = 1.0;
	while (x >= 1.0) {
		x -= 1.0;
		scale *= 10.0;
	}
	while (x < 0.0) {
		x += 1.0;
		scale /= 10.0;
	}
	y = x * 2.302585092994045684;
	for (int k = 1; k < 30; k++) {
		term *= y / k;
		sum += term;
	}
	return sum * scale;
}

/* ---------------------------------------------------------------- the province */

enum { K_CAPITAL, K_CITY, K_COUNTY, NKIND };

struct city {
	const char *name, *shrt;
	uint16_t w;		/* share of the city-place customers */
};

static const struct city cities[] = {
	{"武汉市", "武汉", 0}, {"黄石市", "黄石", 7}, {"十堰市", "十堰", 8},
	{"宜昌市", "宜昌", 14}, {"襄阳市", "襄阳", 14}, {"鄂州市", "鄂州", 4},
	{"荆门市", "荆门", 6}, {"孝感市", "孝感", 8}, {"荆州市", "荆州", 10},
	{"黄冈市", "黄冈", 8}, {"咸宁市", "咸宁", 5}, {"随州市", "随州", 4},
	{"恩施州", "恩施", 5}, {"仙桃市", "仙桃", 3}, {"潜江市", "潜江", 2},
	{"天门市", "天门", 2},
};
#define NCITY ((int)(sizeof(cities) / sizeof(cities[0])))

struct div {
	uint32_t code;
	const char *name, *shrt;
	uint8_t city, kind;
	uint16_t w;		/* weight within its city (or among counties) */
};

/* Hubei's divisions.  Wuhan's districts are the capital; a prefecture's urban districts
 * (and Enshi's seat) are "city"; counties and county-level cities are "county". */
static const struct div divs[] = {
	{420102, "江岸区", "江岸", 0, K_CAPITAL, 12}, {420103, "江汉区", "江汉", 0, K_CAPITAL, 14},
	{420104, "硚口区", "硚口", 0, K_CAPITAL, 9}, {420105, "汉阳区", "汉阳", 0, K_CAPITAL, 9},
	{420106, "武昌区", "武昌", 0, K_CAPITAL, 14}, {420107, "青山区", "青山", 0, K_CAPITAL, 6},
	{420111, "洪山区", "洪山", 0, K_CAPITAL, 14}, {420112, "东西湖区", "东西湖", 0, K_CAPITAL, 7},
	{420113, "汉南区", "汉南", 0, K_CAPITAL, 2}, {420114, "蔡甸区", "蔡甸", 0, K_CAPITAL, 4},
	{420115, "江夏区", "江夏", 0, K_CAPITAL, 6}, {420116, "黄陂区", "黄陂", 0, K_CAPITAL, 5},
	{420117, "新洲区", "新洲", 0, K_CAPITAL, 3},
	{420202, "黄石港区", "黄石港", 1, K_CITY, 4}, {420203, "西塞山区", "西塞山", 1, K_CITY, 2},
	{420204, "下陆区", "下陆", 1, K_CITY, 2}, {420205, "铁山区", "铁山", 1, K_CITY, 1},
	{420222, "阳新县", "阳新", 1, K_COUNTY, 3}, {420281, "大冶市", "大冶", 1, K_COUNTY, 4},
	{420302, "茅箭区", "茅箭", 2, K_CITY, 4}, {420303, "张湾区", "张湾", 2, K_CITY, 4},
	{420304, "郧阳区", "郧阳", 2, K_CITY, 2}, {420322, "郧西县", "郧西", 2, K_COUNTY, 2},
	{420323, "竹山县", "竹山", 2, K_COUNTY, 2}, {420324, "竹溪县", "竹溪", 2, K_COUNTY, 2},
	{420325, "房县", "房县", 2, K_COUNTY, 2}, {420381, "丹江口市", "丹江口", 2, K_COUNTY, 3},
	{420502, "西陵区", "西陵", 3, K_CITY, 5}, {420503, "伍家岗区", "伍家岗", 3, K_CITY, 3},
	{420504, "点军区", "点军", 3, K_CITY, 1}, {420505, "猇亭区", "猇亭", 3, K_CITY, 1},
	{420506, "夷陵区", "夷陵", 3, K_CITY, 3}, {420525, "远安县", "远安", 3, K_COUNTY, 2},
	{420526, "兴山县", "兴山", 3, K_COUNTY, 1}, {420527, "秭归县", "秭归", 3, K_COUNTY, 2},
	{420528, "长阳土家族自治县", "长阳", 3, K_COUNTY, 2},
	{420529, "五峰土家族自治县", "五峰", 3, K_COUNTY, 1},
	{420581, "宜都市", "宜都", 3, K_COUNTY, 3}, {420582, "当阳市", "当阳", 3, K_COUNTY, 3},
	{420583, "枝江市", "枝江", 3, K_COUNTY, 3},
	{420602, "襄城区", "襄城", 4, K_CITY, 3}, {420606, "樊城区", "樊城", 4, K_CITY, 5},
	{420607, "襄州区", "襄州", 4, K_CITY, 3}, {420624, "南漳县", "南漳", 4, K_COUNTY, 2},
	{420625, "谷城县", "谷城", 4, K_COUNTY, 2}, {420626, "保康县", "保康", 4, K_COUNTY, 1},
	{420682, "老河口市", "老河口", 4, K_COUNTY, 3}, {420683, "枣阳市", "枣阳", 4, K_COUNTY, 4},
	{420684, "宜城市", "宜城", 4, K_COUNTY, 3},
	{420702, "梁子湖区", "梁子湖", 5, K_CITY, 1}, {420703, "华容区", "华容", 5, K_CITY, 2},
	{420704, "鄂城区", "鄂城", 5, K_CITY, 5},
	{420802, "东宝区", "东宝", 6, K_CITY, 3}, {420804, "掇刀区", "掇刀", 6, K_CITY, 3},
	{420822, "沙洋县", "沙洋", 6, K_COUNTY, 2}, {420881, "钟祥市", "钟祥", 6, K_COUNTY, 4},
	{420882, "京山市", "京山", 6, K_COUNTY, 3},
	{420902, "孝南区", "孝南", 7, K_CITY, 5}, {420921, "孝昌县", "孝昌", 7, K_COUNTY, 2},
	{420922, "大悟县", "大悟", 7, K_COUNTY, 2}, {420923, "云梦县", "云梦", 7, K_COUNTY, 2},
	{420981, "应城市", "应城", 7, K_COUNTY, 3}, {420982, "安陆市", "安陆", 7, K_COUNTY, 3},
	{420984, "汉川市", "汉川", 7, K_COUNTY, 4},
	{421002, "沙市区", "沙市", 8, K_CITY, 5}, {421003, "荆州区", "荆州", 8, K_CITY, 4},
	{421022, "公安县", "公安", 8, K_COUNTY, 3}, {421024, "江陵县", "江陵", 8, K_COUNTY, 2},
	{421081, "石首市", "石首", 8, K_COUNTY, 2}, {421083, "洪湖市", "洪湖", 8, K_COUNTY, 3},
	{421087, "松滋市", "松滋", 8, K_COUNTY, 3}, {421088, "监利市", "监利", 8, K_COUNTY, 3},
	{421102, "黄州区", "黄州", 9, K_CITY, 5}, {421121, "团风县", "团风", 9, K_COUNTY, 1},
	{421122, "红安县", "红安", 9, K_COUNTY, 2}, {421123, "罗田县", "罗田", 9, K_COUNTY, 2},
	{421124, "英山县", "英山", 9, K_COUNTY, 1}, {421125, "浠水县", "浠水", 9, K_COUNTY, 2},
	{421126, "蕲春县", "蕲春", 9, K_COUNTY, 2}, {421127, "黄梅县", "黄梅", 9, K_COUNTY, 2},
	{421181, "麻城市", "麻城", 9, K_COUNTY, 3}, {421182, "武穴市", "武穴", 9, K_COUNTY, 3},
	{421202, "咸安区", "咸安", 10, K_CITY, 5}, {421221, "嘉鱼县", "嘉鱼", 10, K_COUNTY, 2},
	{421222, "通城县", "通城", 10, K_COUNTY, 2}, {421223, "崇阳县", "崇阳", 10, K_COUNTY, 2},
	{421224, "通山县", "通山", 10, K_COUNTY, 2}, {421281, "赤壁市", "赤壁", 10, K_COUNTY, 3},
	{421303, "曾都区", "曾都", 11, K_CITY, 5}, {421321, "随县", "随县", 11, K_COUNTY, 2},
	{421381, "广水市", "广水", 11, K_COUNTY, 3},
	{422801, "恩施市", "恩施", 12, K_CITY, 5}, {422802, "利川市", "利川", 12, K_COUNTY, 3},
	{422822, "建始县", "建始", 12, K_COUNTY, 2}, {422823, "巴东县", "巴东", 12, K_COUNTY, 2},
	{422825, "宣恩县", "宣恩", 12, K_COUNTY, 1}, {422826, "咸丰县", "咸丰", 12, K_COUNTY, 1},
	{422827, "来凤县", "来凤", 12, K_COUNTY, 1}, {422828, "鹤峰县", "鹤峰", 12, K_COUNTY, 1},
	{429004, "仙桃市", "仙桃", 13, K_CITY, 1}, {429005, "潜江市", "潜江", 14, K_CITY, 1},
	{429006, "天门市", "天门", 15, K_CITY, 1},
};
#define NDIV ((int)(sizeof(divs) / sizeof(divs[0])))

enum { I_FINANCE, I_TRADE, I_EDUCATION, I_ESTATE, I_MFG, I_TRANSPORT, I_IT, I_GOV, I_OTHER, NIND };
static const char *const industry_en[NIND] = {
	"finance", "wholesale_retail", "education", "real_estate", "manufacturing",
	"transport", "it", "government", "other",
};
static const uint16_t industry_w[NIND] = {7, 20, 7, 6, 18, 8, 7, 10, 17};

enum { N_ENTERPRISE, N_GOVERNMENT, N_INDIVIDUAL };
static const char *const nature_en[] = {"enterprise", "government", "individual"};

enum { LV_NONE, LV_PROVINCE, LV_CITY, LV_COUNTY };
static const char *const level_en[] = {"", "province", "city", "county"};

/* Alphabetical, so that sorting by this enum sorts rows by the line's name. */
enum {
	L_BILLING, L_EXPRESS, L_FORWARDING, L_FREIGHT, L_INTERNATIONAL, L_LETTERS,
	L_LOGISTICS, L_NEWSPAPERS, L_PARCELS, L_PHILATELY, L_SAME_CITY, L_SAVINGS, NLINE
};
static const char *const line_en[NLINE] = {
	"billing", "express", "forwarding", "freight", "international", "letters",
	"logistics", "newspapers", "parcels", "philately", "same_city", "savings",
};
/* List price of one piece, fen, to turn revenue into a plausible volume. */
static const uint32_t line_unit[NLINE] = {
	90, 2200, 60000, 7000, 16000, 150, 9000, 3500, 1800, 6000, 1200, 800,
};
/* Which lines an industry uses (rows follow the line enum). */
static const uint16_t line_w[NIND + 1][NLINE] = {
	[I_FINANCE] = {30, 30, 0, 1, 3, 28, 3, 8, 6, 3, 8, 32},
	[I_TRADE] = {5, 45, 1, 4, 3, 8, 12, 4, 30, 1, 12, 2},
	[I_EDUCATION] = {4, 30, 0, 1, 4, 28, 3, 24, 10, 4, 6, 3},
	[I_ESTATE] = {6, 30, 0, 1, 1, 28, 3, 8, 8, 2, 12, 4},
	[I_MFG] = {2, 36, 3, 9, 6, 10, 24, 3, 12, 1, 5, 2},
	[I_TRANSPORT] = {3, 30, 2, 6, 2, 8, 24, 4, 10, 1, 8, 3},
	[I_IT] = {15, 45, 1, 2, 4, 10, 6, 4, 12, 1, 10, 2},
	[I_GOV] = {8, 36, 0, 1, 2, 40, 3, 32, 6, 4, 6, 4},
	[I_OTHER] = {5, 32, 1, 3, 3, 14, 8, 8, 14, 3, 8, 4},
	[NIND] = {0, 40, 0, 1, 2, 4, 4, 2, 40, 2, 12, 3},	/* individuals */
};
/* Who lives on one line alone, for the single-line boundary customers. */
static const uint8_t line_industry[NLINE] = {
	[L_BILLING] = I_IT, [L_EXPRESS] = I_TRADE, [L_FORWARDING] = I_TRANSPORT,
	[L_FREIGHT] = I_TRANSPORT, [L_INTERNATIONAL] = I_MFG, [L_LETTERS] = I_ESTATE,
	[L_LOGISTICS] = I_MFG, [L_NEWSPAPERS] = I_EDUCATION, [L_PARCELS] = I_TRADE,
	[L_PHILATELY] = I_OTHER, [L_SAME_CITY] = I_TRADE, [L_SAVINGS] = I_FINANCE,
};
static const uint16_t nlines_w[MAXL] = {10, 26, 30, 20, 9, 5};

/* Per mille of an average month: the Spring Festival dip, the November peak; newspapers
 * peak with the year-end subscription drive.  Mild on purpose: a >30% month-on-month
 * change should mostly come from the customers chosen to swing. */
static const uint16_t season[12] = {980, 890, 1000, 990, 1000, 1010, 970, 970, 1020, 1000, 1100, 1060};
static const uint16_t season_news[12] = {1020, 880, 950, 950, 950, 950, 950, 950, 1000, 1080, 1160, 1180};

/* ---------------------------------------------------------------- customers */

enum { P_REGULAR, P_SPORADIC, P_LATE, P_CHURN, P_ONETIME };
enum { Q_NONE, Q_COMMA, Q_QUOTE, Q_NEWLINE, Q_YAN, Q_JI };

struct cust {
	uint64_t code;
	int64_t base;		/* revenue of the window's last year, fen */
	int32_t head;		/* index of the head office, -1 */
	int32_t first_am, last_am;	/* active span in absolute months (late, churn, one-time) */
	int32_t swing_am[2];
	uint16_t swing_f[2];	/* per mille applied to that month */
	uint16_t share[MAXL];
	uint16_t price;		/* per mille of list price */
	uint16_t div, nbranch;
	int16_t growth;		/* per mille a year */
	int16_t spec;		/* index into specials, -1 */
	uint8_t nlines, primary, line[MAXL];
	uint8_t industry, nature, province_wide, agreement, on_account, important, potential;
	uint8_t network, onetime, pattern, quirk;
};

/* Customers placed on purpose: revenue exactly on a band's edge (and one fen under) in
 * the last full year of the window, Shantou's "this month" bars, and names that break
 * naive CSV or GBK handling.  Placed in every run, however small. */
enum { S_GRADE, S_MONTH, S_LINE, S_NAME };
struct special {
	uint8_t kind, place, quirk;
	int8_t line;
	int64_t year, dec;	/* fen; dec < 0: December not pinned */
};

static struct special specials[64];
static int nspecial;

static void add_special(int kind, int place, int line, int64_t year, int64_t dec, int quirk)
{
	struct special *s = &specials[nspecial++];
	s->kind = (uint8_t)kind;
	s->place = (uint8_t)place;
	s->line = (int8_t)line;
	s->year = year;
	s->dec = dec;
	s->quirk = (uint8_t)quirk;
}

static void build_specials(void)
{
	/* Hubei bands by place (§3.1); Shantou's and the city bureau's are place-free. */
	static const int64_t capital[] = {10000, 100000, 300000, 500000, 1000000, 1500000, 5000000};
	static const int64_t city[] = {10000, 50000, 100000, 200000};
	static const int64_t county[] = {10000, 30000, 50000, 100000};
	/* Shantou rule 3 (§1): line, yearly bar, monthly bar, yuan. */
	static const struct { int line; int64_t year, month; } bars[] = {
		{L_SAVINGS, 20000, 2000}, {L_BILLING, 50000, 5000}, {L_LETTERS, 12000, 1000},
		{L_PHILATELY, 40000, 3500}, {L_EXPRESS, 20000, 2000}, {L_LOGISTICS, 50000, 5000},
		{L_PARCELS, 10000, 1000}, {L_NEWSPAPERS, 20000, 2000},
	};
	for (size_t i = 0; i < sizeof(capital) / sizeof(capital[0]); i++)
		for (int d = 0; d <= 1; d++)
			add_special(S_GRADE, K_CAPITAL, -1, capital[i] * 100 - d, -1, Q_NONE);
	for (size_t i = 0; i < sizeof(city) / sizeof(city[0]); i++)
		for (int d = 0; d <= 1; d++)
			add_special(S_GRADE, K_CITY, -1, city[i] * 100 - d, -1, Q_NONE);
	for (size_t i = 0; i < sizeof(county) / sizeof(county[0]); i++)
		for (int d = 0; d <= 1; d++)
			add_special(S_GRADE, K_COUNTY, -1, county[i] * 100 - d, -1, Q_NONE);
	add_special(S_MONTH, K_CITY, -1, 1000000, 100000, Q_NONE);
	add_special(S_MONTH, K_CITY, -1, 1000000, 99999, Q_NONE);
	add_special(S_MONTH, K_CITY, -1, 999999, 100000, Q_NONE);
	for (size_t i = 0; i < sizeof(bars) / sizeof(bars[0]); i++) {
		int64_t y = bars[i].year * 100, m = bars[i].month * 100;
		add_special(S_LINE, K_CITY, bars[i].line, y, m, Q_NONE);
		if (i % 2)
			add_special(S_LINE, K_COUNTY, bars[i].line, y, m - 1, Q_NONE);
		else
			add_special(S_LINE, K_COUNTY, bars[i].line, y - 1, m, Q_NONE);
	}
	add_special(S_NAME, K_CAPITAL, -1, 0, -1, Q_COMMA);
	add_special(S_NAME, K_CITY, -1, 0, -1, Q_QUOTE);
	add_special(S_NAME, K_COUNTY, -1, 0, -1, Q_NEWLINE);
	add_special(S_NAME, K_CAPITAL, -1, 0, -1, Q_YAN);
	add_special(S_NAME, K_CITY, -1, 0, -1, Q_JI);
}

struct picker {
	int n;
	uint16_t idx[128];
	uint16_t w[128];
};

struct opts {
	unsigned long customers, months;
	int end_year, end_month;
	uint64_t seed;
	const char *out;
	int zh, gb18030, bom, crlf;
	int by_month;		/* --order month */
};

struct gen {
	struct opts o;
	struct cust *cust;
	uint32_t *order;
	uint32_t *seq;		/* per division: last sequence used */
	struct picker kind[NKIND];
	int32_t start_am, end_am;	/* the window, absolute months (year * 12 + month - 1) */
	int full_year;		/* last calendar year wholly inside the window, or -1 */
	char months[MAX_MONTHS][8];
};

enum { TAG_ATTR = 1, TAG_BRANCH, TAG_NAME, TAG_YEAR = 0x10000, TAG_SHUFFLE = 0x100000 };

static void picker_build(struct picker *p, int kind)
{
	uint32_t city_sum[NCITY] = {0};
	p->n = 0;
	for (int i = 0; i < NDIV; i++)
		if (divs[i].kind == kind)
			city_sum[divs[i].city] += divs[i].w;
	for (int i = 0; i < NDIV; i++) {
		if (divs[i].kind != kind)
			continue;
		p->idx[p->n] = (uint16_t)i;
		/* City districts: the city's share split among its districts. */
		if (kind == K_CITY)
			p->w[p->n] = (uint16_t)(cities[divs[i].city].w * 100 * divs[i].w /
						city_sum[divs[i].city]);
		else
			p->w[p->n] = divs[i].w;
		p->n++;
	}
}

/* The next free sequence in a division; a full division passes to the next of its kind. */
static uint64_t assign_code(struct gen *g, int kind, uint16_t *div)
{
	const struct picker *p = &g->kind[kind];
	int at = 0;
	while (p->idx[at] != *div)
		at++;
	for (int tries = 0; tries < p->n; tries++) {
		uint16_t d = p->idx[(at + tries) % p->n];
		if (g->seq[d] < SEQ_MAX) {
			*div = d;
			return (uint64_t)divs[d].code * 100000000ULL + (uint64_t)++g->seq[d] * 1000ULL;
		}
	}
	return 0;
}

static void choose_lines(struct rng *r, struct cust *c, int n, int forced)
{
	uint16_t w[NLINE];
	uint8_t chosen[MAXL];
	int row = c->nature == N_INDIVIDUAL ? NIND : c->industry, prim_share;
	uint32_t rest;
	memcpy(w, line_w[row], sizeof(w));
	for (int k = 0; k < n; k++) {
		int l = k == 0 && forced >= 0 ? forced : pick(r, w, NLINE);
		if (w[l] == 0 && !(k == 0 && forced >= 0)) {
			/* Every line of this industry is taken: stop. */
			n = k;
			break;
		}
		chosen[k] = (uint8_t)l;
		w[l] = 0;
	}
	/* chosen[0] is the main line; store sorted, remember where it went. */
	c->nlines = (uint8_t)n;
	prim_share = 400 + (int)below(r, 400);
	rest = (uint32_t)(1000 - prim_share);
	for (int k = 0; k < n; k++) {
		int pos = 0;
		for (int j = 0; j < n; j++)
			if (chosen[j] < chosen[k])
				pos++;
		c->line[pos] = chosen[k];
		if (k == 0) {
			c->primary = (uint8_t)pos;
			c->share[pos] = (uint16_t)(n == 1 ? 1000 : prim_share);
		} else {
			/* The rest shrink geometrically: a second line matters, a fifth hardly. */
			uint32_t s = k == n - 1 ? rest : rest * (300 + below(r, 400)) / 1000;
			c->share[pos] = (uint16_t)(s < 15 ? 15 : s);
			rest -= s < rest ? s : rest;
		}
	}
}

/* Move the shares of lines outside EMS and logistics onto the main EMS line (express when
 * the customer has none), keeping the lines sorted. */
static void keep_ems_lines(struct cust *c)
{
	static const uint8_t ems[NLINE] = {
		[L_EXPRESS] = 1, [L_SAME_CITY] = 1, [L_INTERNATIONAL] = 1, [L_LOGISTICS] = 1,
		[L_FREIGHT] = 1, [L_FORWARDING] = 1,
	};
	uint8_t line[MAXL];
	uint16_t share[MAXL];
	int n = 0, moved = 0, main = -1;
	for (int k = 0; k < c->nlines; k++) {
		if (!ems[c->line[k]]) {
			moved += c->share[k];
			continue;
		}
		if (main < 0 || share[main] < c->share[k])
			main = n;
		line[n] = c->line[k];
		share[n++] = c->share[k];
	}
	if (n == 0) {
		line[0] = L_EXPRESS;
		share[0] = 0;
		main = n++;
	}
	share[main] = (uint16_t)(share[main] + moved);
	c->nlines = (uint8_t)n;
	c->primary = (uint8_t)main;
	memcpy(c->line, line, (size_t)n);
	memcpy(c->share, share, (size_t)n * sizeof share[0]);
}

static int place_level(struct rng *r, int kind)
{
	if (kind == K_CAPITAL)
		return chance(r, 0.5) ? LV_PROVINCE : LV_CITY;
	return kind == K_CITY ? LV_CITY : LV_COUNTY;
}

static void gen_customer(struct gen *g, uint32_t i, int32_t head)
{
	struct cust *c = &g->cust[i];
	const struct special *sp = c->spec >= 0 ? &specials[c->spec] : NULL;
	struct rng r;
	int kind, nl;
	double mu, lg, pa;
	int32_t span = g->end_am - g->start_am + 1;

	rng_init(&r, g->o.seed, i, TAG_ATTR);
	c->head = head;
	c->network = !sp && head < 0 && chance(&r, 0.002);
	if (head >= 0) {
		const struct cust *h = &g->cust[head];
		kind = divs[h->div].kind;
		c->div = h->div;
		c->industry = h->industry;
		c->nature = h->nature;
	} else {
		double u = u01(&r);
		kind = sp ? sp->place : c->network ? K_CAPITAL : u < 0.30 ? K_CAPITAL : u < 0.65 ? K_CITY : K_COUNTY;
		c->div = g->kind[kind].idx[pick(&r, g->kind[kind].w, g->kind[kind].n)];
		c->industry = (uint8_t)pick(&r, industry_w, NIND);
		if (sp && sp->kind == S_NAME)
			c->industry = I_TRADE;	/* an enterprise name, where the quirks go */
		else if (sp && sp->kind == S_LINE)
			c->industry = line_industry[sp->line];
		else if (sp && c->industry == I_GOV)
			c->industry = I_OTHER;
		if (c->industry == I_GOV)
			c->nature = N_GOVERNMENT;
		else if ((c->industry == I_EDUCATION || c->industry == I_OTHER) && chance(&r, 0.3))
			c->nature = N_GOVERNMENT;	/* schools, hospitals */
		else if (c->industry == I_TRADE || c->industry == I_OTHER || c->industry == I_TRANSPORT)
			c->nature = chance(&r, c->industry == I_TRANSPORT ? 0.1 : 0.25) ? N_INDIVIDUAL : N_ENTERPRISE;
		else
			c->nature = N_ENTERPRISE;
		if (sp && (sp->kind != S_GRADE || c->nature == N_INDIVIDUAL))
			c->nature = N_ENTERPRISE;
	}
	c->onetime = !sp && chance(&r, 0.01);

	/* Log-normal yearly revenue, centred near 20,000 yuan, bigger in the capital. */
	mu = kind == K_CAPITAL ? 4.45 : kind == K_CITY ? 4.30 : 4.12;
	mu += c->nature == N_INDIVIDUAL ? -0.45 : c->nature == N_GOVERNMENT ? 0.1 : 0;
	mu += c->industry == I_FINANCE ? 0.2 : 0;
	mu += (c->onetime ? -0.3 : 0) + (c->network ? 1.3 : 0) + (head >= 0 ? -0.25 : 0);
	lg = mu + 0.6 * gauss(&r);
	if (lg < 3.0)
		lg = 3.0 + 0.3 * u01(&r);
	if (lg > 6.69)
		lg = 6.3 + 0.39 * u01(&r);
	c->base = (int64_t)(pow10_det(lg) * 100.0 + 0.5);
	c->growth = (int16_t)(40 + 90 * gauss3(&r));
	if (c->growth < -300)
		c->growth = -300;
	if (c->growth > 600)
		c->growth = 600;
	c->price = (uint16_t)(800 + below(&r, 400));

	c->province_wide = c->network || chance(&r, 0.04 + (lg > 5.5 ? 0.25 : 0) +
						 (c->industry == I_FINANCE ? 0.1 : 0));
	pa = lg < 4.0 ? 0.18 : lg < 5.0 ? 0.46 : 0.75;
	pa += c->nature == N_GOVERNMENT ? 0.1 : 0;
	pa *= c->nature == N_INDIVIDUAL ? 0.5 : c->onetime ? 0.1 : 1;
	c->agreement = chance(&r, pa);
	c->on_account = c->agreement && chance(&r, 0.65);
	c->important = LV_NONE;
	if (chance(&r, c->nature == N_GOVERNMENT ? 0.16 : 0.01))
		c->important = (uint8_t)place_level(&r, kind);
	c->potential = LV_NONE;
	if (chance(&r, lg < 4.0 ? 0.05 : 0.018))
		c->potential = (uint8_t)place_level(&r, kind);

	nl = 1 + pick(&r, nlines_w, MAXL);
	if (lg > 5.7 && nl < MAXL && chance(&r, 0.5))
		nl++;
	choose_lines(&r, c, nl, -1);

	c->pattern = c->onetime ? P_ONETIME : P_REGULAR;
	if (!c->onetime) {
		double u = u01(&r);
		if (lg < 4.0 && u < 0.3)
			c->pattern = P_SPORADIC;
		else if (u > 0.96 && span > 2)
			c->pattern = P_LATE;
		else if (u > 0.93 && span > 2)
			c->pattern = P_CHURN;
	}
	c->first_am = g->start_am;
	c->last_am = g->end_am;
	if (c->pattern == P_LATE)
		c->first_am = g->start_am + 1 + (int32_t)below(&r, (uint32_t)span - 1);
	else if (c->pattern == P_CHURN)
		c->last_am = g->start_am + (int32_t)below(&r, (uint32_t)span - 1);
	else if (c->pattern == P_ONETIME) {
		c->first_am = g->start_am + (int32_t)below(&r, (uint32_t)span);
		c->last_am = c->first_am + (chance(&r, 0.3) && c->first_am < g->end_am);
	}
	c->swing_am[0] = c->swing_am[1] = -1;
	c->swing_f[0] = c->swing_f[1] = 1000;
	if (span > 1 && chance(&r, 0.05)) {
		for (int k = 0; k < 1 + chance(&r, 0.3); k++) {
			c->swing_am[k] = g->start_am + 1 + (int32_t)below(&r, (uint32_t)span - 1);
			c->swing_f[k] = (uint16_t)(chance(&r, 0.5) ? 300 + below(&r, 300) : 1600 + below(&r, 1000));
		}
	}
	c->quirk = Q_NONE;
	if (c->nature == N_ENTERPRISE && c->industry != I_FINANCE && head < 0 && !c->network) {
		double u = u01(&r);
		c->quirk = u < 0.0008 ? Q_COMMA : u < 0.0016 ? Q_QUOTE : u < 0.0020 ? Q_NEWLINE :
			   u < 0.0028 ? Q_YAN : u < 0.0031 ? Q_JI : Q_NONE;
	}
	if (head >= 0) {
		c->network = 0;
		c->province_wide = 0;
	}
	if (sp) {
		/* Revenue decides their grade alone: no status, no gaps, no swings. */
		c->quirk = sp->quirk;
		c->important = c->potential = LV_NONE;
		c->network = c->onetime = 0;
		c->pattern = P_REGULAR;
		c->first_am = g->start_am;
		c->last_am = g->end_am;
		c->swing_am[0] = c->swing_am[1] = -1;
		if (sp->kind == S_GRADE) {
			c->agreement = 1;
			c->on_account = 1;
		} else if (sp->kind != S_NAME) {
			c->agreement = c->on_account = 0;
		}
		if (sp->kind == S_LINE)
			choose_lines(&r, c, 1, sp->line);
		/* A grade edge is an edge for every rule set: Hubei counts the EMS and logistics
		 * lines alone (DOMAIN §3.1), so the revenue sits on those. */
		if (sp->kind == S_GRADE)
			keep_ems_lines(c);
		if (sp->kind != S_NAME)
			c->base = sp->year;
	}
}

static int cmp_code(const void *a, const void *b, void *arg)
{
	const struct cust *cu = arg;
	uint64_t x = cu[*(const uint32_t *)a].code, y = cu[*(const uint32_t *)b].code;
	return x < y ? -1 : x > y;
}

static int gen_customers(struct gen *g)
{
	uint32_t n = (uint32_t)g->o.customers, nsp = (uint32_t)nspecial;
	int32_t *spec_at = malloc(n * sizeof(*spec_at));
	uint32_t *heads = malloc(n * sizeof(*heads));
	uint32_t nheads = 0;
	if (!spec_at || !heads) {
		free(spec_at);
		free(heads);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		spec_at[i] = -1;
	/* Spread the special customers through the run rather than at its start. */
	for (uint32_t j = 0; j < nsp && j < n; j++)
		spec_at[n >= nsp ? (uint64_t)j * n / nsp + (n / nsp) / 2 : j] = (int32_t)j;
	for (uint32_t i = 0; i < n; i++) {
		struct cust *c = &g->cust[i];
		struct rng r;
		int32_t head = -1;
		memset(c, 0, sizeof(*c));
		c->spec = (int16_t)spec_at[i];
		rng_init(&r, g->o.seed, i, TAG_BRANCH);
		if (c->spec < 0 && i > 0 && chance(&r, 0.03)) {
			/* Some heads collect several branches: re-use one that has some. */
			for (int tries = 0; tries < 8 && head < 0; tries++) {
				uint32_t h = nheads && chance(&r, 0.4) ? heads[below(&r, nheads)] : below(&r, i);
				const struct cust *hc = &g->cust[h];
				if (hc->head < 0 && hc->spec < 0 && hc->nbranch < 999)
					head = (int32_t)h;
			}
		}
		gen_customer(g, i, head);
		if (head >= 0) {
			struct cust *h = &g->cust[head];
			if (h->nbranch++ == 0)
				heads[nheads++] = (uint32_t)head;
			c->code = h->code + h->nbranch;
		} else {
			c->code = assign_code(g, divs[c->div].kind, &c->div);
			if (!c->code) {
				free(spec_at);
				free(heads);
				return -1;
			}
		}
		g->order[i] = i;
	}
	qsort_r(g->order, n, sizeof(*g->order), cmp_code, g->cust);
	free(spec_at);
	free(heads);
	return 0;
}

/* ---------------------------------------------------------------- names */

struct sb {
	char s[1024];
	size_t n;
};

static void sb_add(struct sb *b, const char *s)
{
	size_t l = strlen(s);
	if (b->n + l < sizeof(b->s)) {
		memcpy(b->s + b->n, s, l);
		b->n += l;
	}
	b->s[b->n] = 0;
}

static const char *const brands[] = {
	"恒达", "华信", "中天", "鑫源", "宏图", "金鹏", "长江", "楚天", "天合", "联创",
	"博远", "盛世", "汇通", "荆楚", "江汉", "东方", "新华", "万通", "永安", "富兴",
	"嘉禾", "瑞丰", "兴业", "隆昌", "丰源", "正大", "天成", "宏发", "金桥", "银河",
	"光谷", "九州", "汉正", "华中", "中南", "晨光", "卓越", "凯旋", "海纳", "云帆",
	"星辰", "祥和", "鸿运", "明德", "立信", "精工", "三江", "神龙", "黄鹤", "晴川",
	"知音", "东湖", "南湖", "青峰", "江城", "鄂东", "鄂西", "德润", "康泰", "安康",
	"福瑞", "聚源", "通达", "远航", "新世纪", "金三角", "红日", "绿源", "利民", "众诚",
};
static const char *const biz_mfg[] = {
	"电子科技", "机械制造", "纺织", "建材", "食品", "医药", "汽车零部件", "化工", "光电科技",
	"钢铁", "服装", "印刷包装", "家具", "电器", "新材料", "磷化工", "造纸", "塑业", "农机",
};
static const char *const biz_trade[] = {
	"商贸", "百货", "贸易", "电子商务", "农产品", "日用品", "茶叶", "医药连锁", "超市",
	"酒业", "五金", "家电", "水产", "粮油", "图书发行", "服饰",
};
static const char *const biz_estate[] = {
	"置业", "房地产开发", "物业管理", "城市建设投资", "不动产经纪", "建筑工程",
};
static const char *const biz_transport[] = {
	"运输", "物流", "客运", "航运", "货运代理", "港务", "仓储", "供应链管理", "汽车租赁",
};
static const char *const biz_it[] = {
	"网络科技", "信息技术", "软件", "数据科技", "通信技术", "智能科技", "互联网科技", "系统集成",
};
static const char *const biz_other[] = {
	"文化传媒", "广告", "餐饮管理", "酒店管理", "旅游", "会展服务", "人力资源", "企业管理咨询",
	"环保科技", "农业开发", "生物科技", "园林绿化", "教育咨询", "健康管理",
};
static const char *const biz_edu[] = {"教育科技", "培训学校", "文化教育"};
static const char *const forms[] = {
	"有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "集团有限公司",
};
static const char *const banks[] = {
	"中国工商银行股份有限公司", "中国农业银行股份有限公司", "中国银行股份有限公司",
	"中国建设银行股份有限公司", "交通银行股份有限公司", "中国邮政储蓄银行股份有限公司",
	"招商银行股份有限公司", "兴业银行股份有限公司", "中信银行股份有限公司",
	"中国民生银行股份有限公司", "中国光大银行股份有限公司", "湖北银行股份有限公司",
};
static const char *const insurers[] = {
	"中国人寿保险股份有限公司", "中国平安财产保险股份有限公司", "中国人民财产保险股份有限公司",
	"中国太平洋人寿保险股份有限公司", "泰康人寿保险有限责任公司",
};
static const char *const roads[] = {"解放路", "中山路", "建设大道", "人民路", "新华路", "光明路", "胜利街"};
static const char *const gov_bodies[] = {
	"财政局", "公安局", "人民检察院", "人力资源和社会保障局", "市场监督管理局",
	"自然资源和规划局", "住房和城乡建设局", "教育局", "卫生健康委员会", "民政局", "司法局",
	"统计局", "档案馆", "住房公积金管理中心", "不动产登记中心", "交通运输局", "生态环境局",
	"应急管理局", "退役军人事务局", "医疗保障局", "人民政府办公室", "农业农村局",
	"文化和旅游局", "机关事务服务中心", "总工会", "工商业联合会", "个体劳动者协会",
	"物流行业协会",
};
static const char *const prov_bodies[] = {
	"湖北省人民政府办公厅", "湖北省财政厅", "湖北省教育厅", "湖北省公安厅",
	"湖北省高级人民法院", "湖北省人民检察院", "国家税务总局湖北省税务局",
	"湖北省市场监督管理局", "湖北省人力资源和社会保障厅", "湖北省卫生健康委员会",
	"湖北省自然资源厅", "湖北省住房和城乡建设厅", "湖北日报社", "湖北省档案馆", "武汉海关",
	"湖北省统计局", "湖北省交通运输厅", "湖北省民政厅", "湖北省总工会",
};
static const char *const public_bodies[] = {
	"第一人民医院", "第二人民医院", "第三人民医院", "中医医院", "妇幼保健院", "中心医院",
	"疾病预防控制中心", "图书馆", "博物馆", "广播电视台", "融媒体中心", "人民医院",
};
static const char *const network_names[] = {
	"中国移动通信集团湖北有限公司", "中国电信股份有限公司湖北分公司",
	"中国联合网络通信有限公司湖北省分公司", "国网湖北省电力有限公司",
	"中国石化销售股份有限公司湖北石油分公司", "中国人寿保险股份有限公司湖北省分公司",
	"湖北中烟工业有限责任公司", "湖北省交通投资集团有限公司",
};
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
	"彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "熊",
	"万", "雷", "汪", "向", "覃", "欧阳", "皇甫",
};
static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
	"明", "超", "秀英", "霞", "平", "刚", "桂英", "建国", "建华", "志强", "海燕", "晓东",
	"文", "斌", "浩", "宇", "鹏", "辉", "玲", "红", "华", "丹", "鑫", "琳", "婷", "雪", "慧",
	"博", "晨", "喆", "堃", "子涵", "思远", "汉生", "楚雄",
};
static const char *const goods[] = {
	"土特产", "水果", "茶叶", "服装", "五金", "烟酒", "副食", "电器", "书", "农资", "花卉", "手机",
};
static const char *const ordinals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

/* How a company writes its place: "武汉", "武汉市", "武汉市江岸区", "湖北"… */
static void company_prefix(struct rng *r, struct sb *b, const struct div *d)
{
	const struct city *c = &cities[d->city];
	double u = u01(r);
	if (u < 0.12) {
		sb_add(b, "湖北");
	} else if (d->kind == K_COUNTY) {
		sb_add(b, u < 0.6 ? d->shrt : d->name);
	} else if (u < 0.5) {
		sb_add(b, c->shrt);
	} else {
		sb_add(b, c->name);
		if (u > 0.9 && strcmp(d->name, c->name) != 0)
			sb_add(b, d->name);
	}
}

/* The place of a public body: county, city district, or the city itself. */
static void body_prefix(struct rng *r, struct sb *b, const struct div *d, int *district)
{
	const struct city *c = &cities[d->city];
	*district = 0;
	if (d->kind == K_COUNTY) {
		sb_add(b, d->name);
		*district = 1;
		return;
	}
	sb_add(b, c->name);
	if (strcmp(d->name, c->name) != 0 && chance(r, 0.5)) {
		sb_add(b, d->name);
		*district = 1;
	}
}

static void person_name(struct rng *r, struct sb *b, int yan)
{
	sb_add(b, ANY(r, surnames));
	sb_add(b, yan ? "䶮" : ANY(r, given));
}

static void enterprise_name(struct rng *r, struct sb *b, const struct cust *c)
{
	const struct div *d = &divs[c->div];
	const char *brand = ANY(r, brands), *other = ANY(r, brands), *biz;
	switch (c->industry) {
	case I_MFG: biz = ANY(r, biz_mfg); break;
	case I_TRADE: biz = ANY(r, biz_trade); break;
	case I_ESTATE: biz = ANY(r, biz_estate); break;
	case I_TRANSPORT: biz = ANY(r, biz_transport); break;
	case I_IT: biz = ANY(r, biz_it); break;
	case I_EDUCATION: biz = ANY(r, biz_edu); break;
	default: biz = ANY(r, biz_other); break;
	}
	company_prefix(r, b, d);
	if (c->quirk == Q_QUOTE)
		sb_add(b, "\"");
	/* 䶮 (U+4DAE) and 𠮷 (U+20BB7) are in GB18030 but not in GBK. */
	if (c->quirk == Q_YAN || c->quirk == Q_JI) {
		sb_add(b, c->quirk == Q_YAN ? "䶮" : "𠮷");
		sb_add(b, brand + 3);	/* brands are CJK: 3 bytes a character */
	} else {
		sb_add(b, brand);
	}
	if (c->quirk == Q_QUOTE)
		sb_add(b, "\"");
	sb_add(b, biz);
	if (strcmp(biz, "培训学校") != 0) {
		if (c->quirk == Q_NEWLINE)
			sb_add(b, "\n");
		sb_add(b, ANY(r, forms));
	}
	if (c->quirk == Q_COMMA) {
		sb_add(b, "(原");
		sb_add(b, brand);
		sb_add(b, ",");
		sb_add(b, other);
		sb_add(b, "合并)");
	}
}

static void finance_name(struct rng *r, struct sb *b, const struct div *d)
{
	const struct city *c = &cities[d->city];
	double u = u01(r);
	if (u < 0.55) {
		sb_add(b, ANY(r, banks));
		if (d->kind == K_COUNTY) {
			sb_add(b, d->shrt);
			sb_add(b, "支行");
		} else {
			sb_add(b, c->shrt);
			if (chance(r, 0.6) && strcmp(d->name, c->name) != 0) {
				sb_add(b, d->shrt);
				sb_add(b, "支行");
			} else {
				sb_add(b, "分行");
			}
		}
	} else if (u < 0.8) {
		sb_add(b, ANY(r, insurers));
		sb_add(b, d->kind == K_COUNTY ? d->shrt : c->shrt);
		sb_add(b, d->kind == K_COUNTY ? "支公司" : chance(r, 0.5) ? "分公司" : "中心支公司");
	} else if (u < 0.93) {
		sb_add(b, d->kind == K_COUNTY ? d->shrt : c->shrt);
		sb_add(b, "农村商业银行股份有限公司");
	} else {
		sb_add(b, "长江证券股份有限公司");
		sb_add(b, c->shrt);
		sb_add(b, ANY(r, roads));
		sb_add(b, "证券营业部");
	}
}

static void school_name(struct rng *r, struct sb *b, const struct div *d)
{
	int district;
	double u = u01(r);
	body_prefix(r, b, d, &district);
	if (u < 0.35) {
		sb_add(b, "第");
		sb_add(b, ANY(r, ordinals));
		sb_add(b, "中学");
	} else if (u < 0.6) {
		sb_add(b, chance(r, 0.5) ? "实验小学" : "第一小学");
	} else if (u < 0.8) {
		sb_add(b, chance(r, 0.5) ? "职业技术学校" : "职业教育中心");
	} else {
		sb_add(b, "第");
		sb_add(b, ANY(r, ordinals));
		sb_add(b, "幼儿园");
	}
}

static void gov_name(struct rng *r, struct sb *b, const struct cust *c)
{
	const struct div *d = &divs[c->div];
	int district;
	double u = u01(r);
	if (c->important == LV_PROVINCE) {
		sb_add(b, ANY(r, prov_bodies));
		return;
	}
	if (u < 0.12) {
		sb_add(b, "国家税务总局");
		body_prefix(r, b, d, &district);
		sb_add(b, "税务局");
		return;
	}
	body_prefix(r, b, d, &district);
	if (u < 0.2)
		sb_add(b, district ? "人民法院" : "中级人民法院");
	else if (u < 0.25 && !district)
		sb_add(b, "日报社");
	else
		sb_add(b, ANY(r, gov_bodies));
}

static void base_name(const struct gen *g, uint32_t i, struct sb *b)
{
	const struct cust *c = &g->cust[i];
	const struct div *d = &divs[c->div];
	struct rng r;
	int district;
	rng_init(&r, g->o.seed, i, TAG_NAME);
	b->n = 0;
	b->s[0] = 0;
	if (c->network) {
		sb_add(b, ANY(&r, network_names));
	} else if (c->nature == N_INDIVIDUAL) {
		double u = u01(&r);
		if (u < 0.55) {
			person_name(&r, b, chance(&r, 0.003));
		} else {
			if (u < 0.85)
				sb_add(b, d->kind == K_COUNTY ? d->name : cities[d->city].name);
			sb_add(b, u < 0.85 ? ANY(&r, surnames) : ANY(&r, brands));
			sb_add(b, u < 0.85 ? "记" : "");
			sb_add(b, ANY(&r, goods));
			sb_add(b, u < 0.85 ? "店" : "网店");
		}
	} else if (c->industry == I_GOV) {
		gov_name(&r, b, c);
	} else if (c->industry == I_FINANCE) {
		finance_name(&r, b, d);
	} else if (c->nature == N_GOVERNMENT && c->industry == I_EDUCATION) {
		school_name(&r, b, d);
	} else if (c->nature == N_GOVERNMENT) {
		body_prefix(&r, b, d, &district);
		sb_add(b, ANY(&r, public_bodies));
	} else {
		enterprise_name(&r, b, c);
	}
}

static void customer_name(const struct gen *g, uint32_t i, struct sb *b)
{
	const struct cust *c = &g->cust[i];
	struct rng r;
	const char *suffix;
	if (c->head < 0) {
		base_name(g, i, b);
		return;
	}
	base_name(g, (uint32_t)c->head, b);
	rng_init(&r, g->o.seed, i, TAG_NAME);
	if (c->industry == I_FINANCE)
		suffix = chance(&r, 0.5) ? "营业部" : "分理处";
	else if (c->nature == N_GOVERNMENT)
		suffix = c->industry == I_EDUCATION ? "分校" : c->industry == I_GOV ? "办事处" : "分院";
	else
		suffix = chance(&r, 0.7) ? "分公司" : "营业部";
	if (chance(&r, 0.5)) {
		/* "…汉阳分公司": a district of the same city */
		const struct div *d = &divs[c->div];
		uint16_t k = (uint16_t)below(&r, NDIV);
		while (divs[k].city != d->city)
			k = (uint16_t)((k + 1) % NDIV);
		sb_add(b, divs[k].shrt);
	} else {
		sb_add(b, "第");
		sb_add(b, ordinals[(c->code % 1000 - 1) % 10]);
	}
	sb_add(b, suffix);
}

/* ---------------------------------------------------------------- output */

struct out {
	FILE *f;
	char path[4200];
	char *buf, *cbuf;
	size_t len, ccap;
	iconv_t cd;
	int conv, err;
	const char *eol;
	uint64_t rows, bytes;
};

static void out_write(struct out *o, const char *p, size_t n)
{
	if (o->err || n == 0)
		return;
	if (fwrite(p, 1, n, o->f) != n)
		o->err = errno ? errno : EIO;
	o->bytes += n;
}

static void out_flush(struct out *o)
{
	uint64_t acc = 0, word;
	size_t i;
	char *in, *outp;
	size_t inleft, outleft;
	if (!o->conv) {
		out_write(o, o->buf, o->len);
		o->len = 0;
		return;
	}
	for (i = 0; i + 8 <= o->len; i += 8) {
		memcpy(&word, o->buf + i, 8);
		acc |= word;
	}
	for (; i < o->len; i++)
		acc |= (unsigned char)o->buf[i];
	/* ASCII is the same in GB18030: most of the ledger needs no conversion. */
	if (!(acc & 0x8080808080808080ULL)) {
		out_write(o, o->buf, o->len);
		o->len = 0;
		return;
	}
	in = o->buf;
	inleft = o->len;
	while (inleft > 0 && !o->err) {
		outp = o->cbuf;
		outleft = o->ccap;
		if (iconv(o->cd, &in, &inleft, &outp, &outleft) == (size_t)-1 && errno != E2BIG)
			o->err = errno;
		out_write(o, o->cbuf, (size_t)(outp - o->cbuf));
	}
	o->len = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putc_(struct out *o, char ch)
{
	o->buf[o->len++] = ch;
}

static void put_u64(struct out *o, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		o->buf[o->len++] = tmp[--n];
}

/* Yuan with exactly two decimals, from integer fen. */
static void put_money(struct out *o, int64_t fen)
{
	uint64_t a = fen < 0 ? (uint64_t)-fen : (uint64_t)fen;
	if (fen < 0)
		putc_(o, '-');
	put_u64(o, a / 100, 1);
	putc_(o, '.');
	put_u64(o, a % 100, 2);
}

/* RFC 4180: quote when the text holds a comma, a quote or a line break. */
static void put_field(struct out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		puts_(o, s);
		return;
	}
	putc_(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			putc_(o, '"');
		putc_(o, *s);
	}
	putc_(o, '"');
}

static void end_row(struct out *o)
{
	puts_(o, o->eol);
	o->rows++;
	if (o->len > OUTBUF - ROOM)
		out_flush(o);
}

static int out_open(struct out *o, const struct opts *op, const char *file)
{
	memset(o, 0, sizeof(*o));
	o->cd = (iconv_t)-1;
	o->eol = op->crlf ? "\r\n" : "\n";
	if ((size_t)snprintf(o->path, sizeof(o->path), "%s/%s", op->out, file) >= sizeof(o->path)) {
		o->err = ENAMETOOLONG;
		return -1;
	}
	o->buf = malloc(OUTBUF);
	if (!o->buf) {
		o->err = ENOMEM;
		return -1;
	}
	if (op->gb18030) {
		o->conv = 1;
		o->ccap = 2 * OUTBUF;
		o->cbuf = malloc(o->ccap);
		if (!o->cbuf) {
			o->err = ENOMEM;
			return -1;
		}
		o->cd = iconv_open("GB18030", "UTF-8");
		if (o->cd == (iconv_t)-1) {
			o->err = errno;
			return -1;
		}
	}
	o->f = fopen(o->path, "wb");
	if (!o->f) {
		o->err = errno;
		return -1;
	}
	if (op->bom)
		puts_(o, "\xEF\xBB\xBF");	/* U+FEFF: converted with the rest */
	return 0;
}

/* Returns the first error of the file's life, 0 when it all reached the disk. */
static int out_close(struct out *o)
{
	if (o->f) {
		out_flush(o);
		if (fclose(o->f) != 0 && !o->err)
			o->err = errno ? errno : EIO;
	}
	if (o->cd != (iconv_t)-1)
		iconv_close(o->cd);
	free(o->buf);
	free(o->cbuf);
	return o->err;
}

/* ---------------------------------------------------------------- the files */

static const char *yes_no(const struct gen *g, int v)
{
	return g->o.zh ? (v ? "是" : "否") : (v ? "yes" : "no");
}

static void write_customers(struct gen *g, struct out *o)
{
	static const char *const place_en[] = {"capital", "city", "county"};
	static const char *const place_zh[] = {"省会", "地市", "县"};
	struct sb name;
	puts_(o, g->o.zh ?
	      "客户代码,客户名称,所在地,地市,县区,行政区划,行业,客户性质,用邮地域,协议客户,"
	      "结算方式,重要客户级别,潜在客户级别,全网客户,一次性客户,三农客户" :
	      "code,name,place,city,county,admin_code,industry,nature,reach,agreement,"
	      "account,important,potential,network_wide,one_time,rural");
	end_row(o);
	o->rows = 0;
	for (uint32_t k = 0; k < g->o.customers; k++) {
		uint32_t i = g->order[k];
		const struct cust *c = &g->cust[i];
		const struct div *d = &divs[c->div];
		customer_name(g, i, &name);
		put_u64(o, c->code, 14);
		putc_(o, ',');
		put_field(o, name.s);
		putc_(o, ',');
		puts_(o, (g->o.zh ? place_zh : place_en)[d->kind]);
		putc_(o, ',');
		puts_(o, cities[d->city].name);
		putc_(o, ',');
		if (d->kind == K_COUNTY)
			puts_(o, d->name);
		putc_(o, ',');
		put_u64(o, d->code, 6);
		putc_(o, ',');
		puts_(o, industry_en[c->industry]);
		putc_(o, ',');
		puts_(o, nature_en[c->nature]);
		putc_(o, ',');
		puts_(o, c->province_wide ? (g->o.zh ? "全省性" : "province") : (g->o.zh ? "区域性" : "regional"));
		putc_(o, ',');
		puts_(o, yes_no(g, c->agreement));
		putc_(o, ',');
		if (c->agreement)
			puts_(o, c->on_account ? "on_account" : "cash");
		putc_(o, ',');
		puts_(o, level_en[c->important]);
		putc_(o, ',');
		puts_(o, level_en[c->potential]);
		putc_(o, ',');
		puts_(o, yes_no(g, c->network));
		putc_(o, ',');
		puts_(o, yes_no(g, c->onetime));
		putc_(o, ',');
		/* 三农 (rural programme): about one county customer in 12, from its code alone so
		 * that the random stream, and so every other field, stays as it was. */
		puts_(o, yes_no(g, d->kind == K_COUNTY && (c->code / 1000) % 12 == 5));
		end_row(o);
	}
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Revenue a customer aims at in a calendar year, fen, before gaps and refunds. */
static int64_t year_target(const struct gen *g, const struct cust *c, int year, int *exact)
{
	int ref = g->o.end_year;
	double t = (double)c->base, f;
	*exact = 0;
	if (c->spec >= 0 && specials[c->spec].kind != S_NAME) {
		if (g->full_year >= 0)
			ref = g->full_year;
		if (year == ref && g->full_year >= 0) {
			*exact = 1;
			return c->base;
		}
	}
	f = 1.0 + c->growth / 1000.0;
	for (int y = year; y < ref; y++)
		t /= f;
	for (int y = ref; y < year; y++)
		t *= f;
	return clamp64((int64_t)(t + 0.5), 100000, 500000000);
}

/* Split total exactly in proportion to w (integer fen, no rounding drift). */
static void split(int64_t total, int n, const uint32_t *w, int64_t *out)
{
	uint64_t sum = 0, cum = 0;
	int64_t prev = 0;
	for (int i = 0; i < n; i++)
		sum += w[i];
	for (int i = 0; i < n; i++) {
		int64_t upto;
		cum += w[i];
		upto = (int64_t)((uint64_t)total * cum / sum);
		out[i] = upto - prev;
		prev = upto;
	}
}

enum { C_NONE, C_REVENUE, C_REFUND };

/* The customer's rows of a year; only_am >= 0: only that month's (absolute month). */
static void write_year(struct gen *g, struct out *o, uint32_t idx, int year, int32_t only_am)
{
	const struct cust *c = &g->cust[idx];
	const struct special *sp = c->spec >= 0 ? &specials[c->spec] : NULL;
	struct rng r;
	uint8_t st[12][MAXL];
	uint32_t w[12][MAXL], pw[12 * MAXL];
	int64_t amt[12][MAXL], pa[12 * MAXL], vol[12][MAXL], target, refunds = 0, mean;
	int exact, nact = 0, npos = 0, pinned, refundable, nl = c->nlines;

	rng_init(&r, g->o.seed, idx, TAG_YEAR + (uint64_t)year);
	target = year_target(g, c, year, &exact);
	pinned = exact && sp->dec >= 0;
	/* Boundary customers of 100,000 and up carry refunds: a total must count them. */
	refundable = !pinned && (sp == NULL || sp->kind == S_NAME ||
				 (sp->kind == S_GRADE && sp->year % 10000000 == 0));
	for (int m = 0; m < 12; m++) {
		int32_t am = year * 12 + m;
		double u = u01(&r);
		uint64_t cn = (uint64_t)(1000.0 + 30.0 * gauss3(&r)), base;
		int on;
		switch (c->pattern) {
		case P_SPORADIC: on = u < 0.7; break;
		case P_REGULAR: on = 1; break;
		default: on = am >= c->first_am && am <= c->last_am; break;
		}
		for (int s = 0; s < 2; s++)
			if (am == c->swing_am[s])
				cn = cn * c->swing_f[s] / 1000;
		for (int k = 0; k < nl; k++) {
			double u1 = u01(&r), u2 = u01(&r);
			base = (c->line[k] == L_NEWSPAPERS ? season_news : season)[m] * cn / 1000;
			w[m][k] = (uint32_t)(base * c->share[k] * (900 + below(&r, 200)) / 1000);
			st[m][k] = C_NONE;
			amt[m][k] = 0;
			/* Minor lines come and go; refunds outweigh a month's revenue only on a
			 * secondary line, so neither makes the month's total jump by 30%. */
			if (!on || (c->share[k] < 100 && u1 < 0.3))
				continue;
			nact++;
			st[m][k] = refundable && c->share[k] < 250 && u2 < 0.04 ? C_REFUND : C_REVENUE;
		}
	}
	if (nact == 0)
		return;
	/* The boundary customers with refunds: exact totals must survive negative rows. */
	if (exact && refundable) {
		int at = (int)below(&r, 12 * MAXL);
		for (int t = 0; t < 12 * MAXL; t++) {
			int m = (at + t) % (12 * MAXL) / MAXL, k = (at + t) % MAXL;
			if (k < nl && st[m][k] == C_REVENUE && (k != c->primary || nl == 1)) {
				st[m][k] = C_REFUND;
				break;
			}
		}
	}
	mean = target / nact;
	for (int m = 0; m < 12; m++)
		for (int k = 0; k < nl; k++) {
			if (st[m][k] == C_REFUND) {
				amt[m][k] = -clamp64(mean * (20 + below(&r, 230)) / 1000, 1, INT64_MAX);
				refunds -= amt[m][k];
			} else if (st[m][k] == C_REVENUE) {
				npos++;
			}
		}
	if (npos == 0) {
		/* All refunds and no revenue is no customer: keep the first cell as revenue. */
		for (int m = 0; m < 12 && !npos; m++)
			for (int k = 0; k < nl && !npos; k++)
				if (st[m][k] == C_REFUND) {
					refunds += amt[m][k];
					st[m][k] = C_REVENUE;
					npos = 1;
				}
	}
	/* Revenue cells share target plus what the refunds took back; a pinned December
	 * gets its own total first. */
	for (int pass = 0; pass < 2; pass++) {
		int n = 0, lo = pinned && pass == 1 ? 11 : 0, hi = pinned && pass == 0 ? 11 : 12;
		int64_t total = target + refunds;
		if (pinned)
			total = pass == 0 ? sp->year - sp->dec : sp->dec;
		else if (pass == 1)
			break;
		for (int m = lo; m < hi; m++)
			for (int k = 0; k < nl; k++)
				if (st[m][k] == C_REVENUE)
					pw[n++] = w[m][k] ? w[m][k] : 1;
		if (n == 0)
			continue;
		split(total, n, pw, pa);
		n = 0;
		for (int m = lo; m < hi; m++)
			for (int k = 0; k < nl; k++)
				if (st[m][k] == C_REVENUE)
					amt[m][k] = pa[n++];
	}
	for (int m = 0; m < 12; m++)
		for (int k = 0; k < nl; k++) {
			int64_t unit = (int64_t)line_unit[c->line[k]] * c->price;
			int64_t noise = 900 + below(&r, 200);
			vol[m][k] = amt[m][k] > 0 ? clamp64(amt[m][k] * 1000 / unit * noise / 1000, 1, INT64_MAX) : 0;
		}
	for (int m = 0; m < 12; m++) {
		int32_t am = year * 12 + m;
		if (am < g->start_am || am > g->end_am || (only_am >= 0 && am != only_am))
			continue;
		for (int k = 0; k < nl; k++) {
			if (st[m][k] == C_NONE || amt[m][k] == 0)
				continue;
			put_u64(o, c->code, 14);
			putc_(o, ',');
			put(o, g->months[am - g->start_am], 7);
			putc_(o, ',');
			puts_(o, line_en[c->line[k]]);
			putc_(o, ',');
			put_money(o, amt[m][k]);
			putc_(o, ',');
			put_u64(o, (uint64_t)vol[m][k], 1);
			end_row(o);
		}
	}
}

/* --order month: the same rows, a month at a time (as centers export them), customers
 * in a shuffled order inside each month (its own stream per month).  Each customer's year
 * is drawn again for each of its months: the rows are those of the code order exactly. */
static void write_by_month(struct gen *g, struct out *o)
{
	uint32_t *perm = malloc(g->o.customers * sizeof(*perm));
	struct rng r;
	if (!perm) {
		o->err = ENOMEM;
		return;
	}
	for (int32_t am = g->start_am; am <= g->end_am && !o->err; am++) {
		memcpy(perm, g->order, g->o.customers * sizeof(*perm));
		rng_init(&r, g->o.seed, (uint64_t)am, TAG_SHUFFLE);
		for (uint32_t k = (uint32_t)g->o.customers; k > 1; k--) {
			uint32_t j = below(&r, k), t = perm[k - 1];
			perm[k - 1] = perm[j];
			perm[j] = t;
		}
		for (uint32_t k = 0; k < g->o.customers && !o->err; k++)
			write_year(g, o, perm[k], am / 12, am);
	}
	free(perm);
}

static void write_ledger(struct gen *g, struct out *o)
{
	int y0 = g->start_am / 12, y1 = g->end_am / 12;
	puts_(o, g->o.zh ? "客户代码,月份,业务,收入,件数" : "code,month,line,amount,volume");
	end_row(o);
	o->rows = 0;
	if (g->o.by_month) {
		write_by_month(g, o);
		return;
	}
	for (uint32_t k = 0; k < g->o.customers && !o->err; k++)
		for (int y = y0; y <= y1; y++)
			write_year(g, o, g->order[k], y, -1);
}

/* ---------------------------------------------------------------- command line */

static const char usage_text[] =
	"usage: genprovince [--customers N] [--months M] [--end YYYY-MM] [--seed S] [--out DIR]\n"
	"                   [--headers en|zh] [--encoding utf8|gb18030] [--bom] [--crlf] [--stats]\n"
	"                   [--order code|month]\n";

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "genprovince: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage_text);
	exit(2);
}

static uint64_t parse_num(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
	char *end;
	unsigned long long v;
	if (*s < '0' || *s > '9')
		usage_error("%s: '%s' is not a number", opt, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno)
		usage_error("%s: '%s' is not a number", opt, s);
	if (v < lo || v > hi)
		usage_error("%s: '%s' is out of range", opt, s);
	return v;
}

static void parse_args(int argc, char **argv, struct opts *o, int *stats)
{
	memset(o, 0, sizeof(*o));
	o->customers = 100000;
	o->months = 24;
	o->end_year = 2025;
	o->end_month = 12;
	o->seed = 1;
	o->out = ".";
	*stats = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *eq = strchr(a, '=');
		char name[32];
		size_t nl = eq ? (size_t)(eq - a) : strlen(a);
		static const char *const with_value[] = {
			"--customers", "--months", "--end", "--seed", "--out", "--headers", "--encoding",
			"--order",
		};
		int takes = 0;
		if (nl >= sizeof(name))
			usage_error("unknown option '%s'", a);
		memcpy(name, a, nl);
		name[nl] = 0;
		for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
			takes |= strcmp(name, with_value[k]) == 0;
		if (takes) {
			v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!v)
				usage_error("%s needs a value", name);
		} else if (eq) {
			usage_error("%s takes no value", name);
		}
		if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
			fputs(usage_text, stdout);
			exit(0);
		} else if (!strcmp(name, "--customers")) {
			o->customers = (unsigned long)parse_num(name, v, 1, MAX_CUSTOMERS);
		} else if (!strcmp(name, "--months")) {
			o->months = (unsigned long)parse_num(name, v, 1, MAX_MONTHS);
		} else if (!strcmp(name, "--seed")) {
			o->seed = parse_num(name, v, 0, UINT64_MAX);
		} else if (!strcmp(name, "--end")) {
			if (strlen(v) != 7 || v[4] != '-' || strspn(v, "0123456789") != 4 ||
			    strspn(v + 5, "0123456789") != 2)
				usage_error("--end: '%s' is not a month YYYY-MM", v);
			o->end_year = atoi(v);
			o->end_month = atoi(v + 5);
			if (o->end_year < 1900 || o->end_month < 1 || o->end_month > 12)
				usage_error("--end: '%s' is not a month YYYY-MM", v);
		} else if (!strcmp(name, "--out")) {
			if (!*v)
				usage_error("--out: empty directory name");
			o->out = v;
		} else if (!strcmp(name, "--headers")) {
			if (strcmp(v, "en") && strcmp(v, "zh"))
				usage_error("--headers: '%s' is not en or zh", v);
			o->zh = !strcmp(v, "zh");
		} else if (!strcmp(name, "--encoding")) {
			if (strcmp(v, "utf8") && strcmp(v, "utf-8") && strcmp(v, "gb18030"))
				usage_error("--encoding: '%s' is not utf8 or gb18030", v);
			o->gb18030 = !strcmp(v, "gb18030");
		} else if (!strcmp(name, "--order")) {
			if (strcmp(v, "code") && strcmp(v, "month"))
				usage_error("--order: '%s' is not code or month", v);
			o->by_month = !strcmp(v, "month");
		} else if (!strcmp(name, "--bom")) {
			o->bom = 1;
		} else if (!strcmp(name, "--crlf")) {
			o->crlf = 1;
		} else if (!strcmp(name, "--stats")) {
			*stats = 1;
		} else {
			usage_error("unknown option '%s'", a);
		}
	}
	if (o->end_year * 12L + o->end_month - 1 - (long)o->months + 1 < 1900 * 12L)
		usage_error("--months: the window would start before 1900");
}

static int write_file(struct gen *g, const char *file, void (*fill)(struct gen *, struct out *),
		      uint64_t *rows, uint64_t *bytes)
{
	struct out o;
	int err = 0;
	if (out_open(&o, &g->o, file) == 0)
		fill(g, &o);
	err = out_close(&o);
	if (err) {
		fprintf(stderr, "genprovince: %s: %s\n", o.path, strerror(err));
		return -1;
	}
	*rows = o.rows;
	*bytes = o.bytes;
	return 0;
}

int main(int argc, char **argv)
{
	struct gen *g = calloc(1, sizeof(*g));
	uint64_t crows, cbytes, lrows, lbytes;
	int stats;
	struct stat sb;

	if (!g) {
		fprintf(stderr, "genprovince: out of memory\n");
		return 1;
	}
	parse_args(argc, argv, &g->o, &stats);
	g->end_am = g->o.end_year * 12 + g->o.end_month - 1;
	g->start_am = g->end_am - (int32_t)g->o.months + 1;
	g->full_year = g->o.end_month == 12 ? g->o.end_year : g->o.end_year - 1;
	if (g->full_year * 12 < g->start_am)
		g->full_year = -1;
	for (int32_t am = g->start_am; am <= g->end_am; am++) {
		char *m = g->months[am - g->start_am];
		int y = am / 12, mo = am % 12 + 1;
		m[0] = (char)('0' + y / 1000 % 10);
		m[1] = (char)('0' + y / 100 % 10);
		m[2] = (char)('0' + y / 10 % 10);
		m[3] = (char)('0' + y % 10);
		m[4] = '-';
		m[5] = (char)('0' + mo / 10);
		m[6] = (char)('0' + mo % 10);
		m[7] = 0;
	}
	build_specials();
	for (int k = 0; k < NKIND; k++)
		picker_build(&g->kind[k], k);

	if (stat(g->o.out, &sb) != 0 && mkdir(g->o.out, 0777) != 0) {
		fprintf(stderr, "genprovince: %s: %s\n", g->o.out, strerror(errno));
		return 1;
	}
	g->cust = malloc(g->o.customers * sizeof(*g->cust));
	g->order = malloc(g->o.customers * sizeof(*g->order));
	g->seq = calloc(NDIV, sizeof(*g->seq));
	if (!g->cust || !g->order || !g->seq) {
		fprintf(stderr, "genprovince: out of memory\n");
		return 1;
	}
	if (gen_customers(g) < 0) {
		fprintf(stderr, "genprovince: out of memory or customer codes\n");
		return 1;
	}
	if (write_file(g, "customers.csv", write_customers, &crows, &cbytes) < 0 ||
	    write_file(g, "ledger.csv", write_ledger, &lrows, &lbytes) < 0)
		return 1;
	if (stats)
		fprintf(stderr, "genprovince: customers.csv %llu rows %llu bytes, "
			"ledger.csv %llu rows %llu bytes\n", (unsigned long long)crows,
			(unsigned long long)cbytes, (unsigned long long)lrows, (unsigned long long)lbytes);
	free(g->cust);
	free(g->order);
	free(g->seq);
	free(g);
	return 0;
}
