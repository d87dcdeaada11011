#include "kinds.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "money.h"
#include "textenc.h"

static const struct kam_word place_words[] = {
	{"capital", "省会|省会城市|省城"},
	{"city", "地市|地级市|市|市州"},
	{"county", "县|县区|县市|县(市)|县（市）|县级"},
	{NULL, NULL},
};

static const struct kam_word reach_words[] = {
	{"province", "全省性|全省|省内"},
	{"regional", "区域性|区域|本地"},
	{NULL, NULL},
};

static const struct kam_word account_words[] = {
	{"on_account", "记账|记帐|月结|on-account"},
	{"cash", "现付|现结|现金"},
	{NULL, NULL},
};

static const struct kam_word level_words[] = {
	{"province", "省|省级"},
	{"city", "市|市级|地市级"},
	{"county", "县|县级"},
	{NULL, NULL},
};

static const struct kam_word line_words[] = {
	{"express", "特快|特快专递|速递"},
	{"logistics", "物流"},
	{"letters", "函件"},
	{"parcels", "包件|包裹"},
	{"savings", "储汇|邮政储汇"},
	{"billing", "帐单|账单"},
	{"philately", "集邮"},
	{"newspapers", "报刊|报刊发行"},
	{"same_city", "同城|同城速递|same-city"},
	{"international", "国际|国际速递"},
	{"freight", "快货|中邮快货"},
	{"forwarding", "货代|国际货代"},
	{NULL, NULL},
};

static const struct kam_column customer_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"name", "客户名称|名称", KAM_COL_TEXT, 1, NULL, "客户名称"},
	{"place", "所在地|所在地类别", KAM_COL_ENUM, 1, place_words, "所在地"},
	/* Every customer names its city, and one in a county its county (import_customers.c):
	 * without them its bureau is unknown (DOMAIN.md 3.1). */
	{"city", "地市|所属地市", KAM_COL_TEXT, 0, NULL, "地市"},
	{"county", "县区|所属县区", KAM_COL_TEXT, 0, NULL, "县区"},
	{"admin_code", "行政区划|行政区划代码", KAM_COL_ADMIN, 0, NULL, "行政区划"},
	{"industry", "行业", KAM_COL_TEXT, 0, NULL, "行业"},
	{"nature", "客户性质|性质", KAM_COL_TEXT, 0, NULL, "客户性质"},
	{"reach", "用邮地域", KAM_COL_ENUM, 0, reach_words, "用邮地域"},
	{"agreement", "协议客户|是否协议客户", KAM_COL_BOOL, 0, NULL, "协议客户"},
	{"account", "结算方式", KAM_COL_ENUM, 0, account_words, "结算方式"},
	{"important", "重要客户级别", KAM_COL_ENUM, 0, level_words, "重要客户级别"},
	{"potential", "潜在客户级别", KAM_COL_ENUM, 0, level_words, "潜在客户级别"},
	{"network_wide", "全网客户", KAM_COL_BOOL, 0, NULL, "全网客户"},
	{"one_time", "一次性客户", KAM_COL_BOOL, 0, NULL, "一次性客户"},
	{"rural", "三农客户|三农", KAM_COL_BOOL, 0, NULL, "三农客户"},   /* 三农 programme: off Hubei's logistics form */
};

static const struct kam_column ledger_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"month", "月份|年月", KAM_COL_MONTH, 1, NULL, "月份"},
	{"line", "业务|业务种类|业务类别", KAM_COL_ENUM, 1, line_words, "业务"},
	{"amount", "收入|收入(元)|收入（元）|金额", KAM_COL_MONEY, 1, NULL, "收入"},
	{"volume", "件数|业务量", KAM_COL_COUNT, 0, NULL, "件数"},
};

/* The bureau's whole annual revenue (all postal revenue), entered by the center: the
 * denominator of Shantou's share points. */
static const struct kam_column bureau_cols[] = {
	{"bureau", "局|单位|局名|县市局", KAM_COL_TEXT, 1, NULL, "局"},
	{"year", "年度|年份", KAM_COL_COUNT, 1, NULL, "年度"},
	{"amount", "收入|全年收入|业务收入", KAM_COL_MONEY, 1, NULL, "收入"},
};

/* Why a key account's revenue swung in a month (DOMAIN §8): appended, the latest stands. */
static const struct kam_column note_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"month", "月份|年月", KAM_COL_MONTH, 1, NULL, "月份"},
	{"explanation", "波动原因|原因|原因说明|说明", KAM_COL_TEXT, 1, NULL, "波动原因"},
};

static const struct kam_kind notes_kind = {
	"fluctuation_notes", "波动原因", "fluctuation_notes", note_cols,
	(int)(sizeof note_cols / sizeof note_cols[0]), "month, code, id",
};

/* Visits to customers (DOMAIN §4; issue 21): recorded by kam visit add or imported. */
static const struct kam_word visit_kind_words[] = {
	{"regular", "走访|日常走访|客户经理走访"},
	{"center", "中心走访|营销中心走访"},
	{"leadership", "领导走访|领导拜访|高层拜访"},
	{NULL, NULL},
};

static const struct kam_column visit_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"visited_on", "走访日期|日期", KAM_COL_TEXT, 1, NULL, "走访日期"},
	{"kind", "走访类型|类型", KAM_COL_ENUM, 0, visit_kind_words, "走访类型"},
	{"by_whom", "走访人|拜访人", KAM_COL_TEXT, 1, NULL, "走访人"},
	{"note", "备注|走访记录", KAM_COL_TEXT, 0, NULL, "备注"},
};

static const struct kam_kind visits_kind = {
	"visits", "走访", "visits", visit_cols,
	(int)(sizeof visit_cols / sizeof visit_cols[0]), "visited_on, code, id",
};

/* The archive's blocks (DOMAIN §7, seed 000 annexes 1-2; issue 21): the basic block's
 * further fields, the extended block, key persons and competitors (import_archive.c).
 * Each kind's columns after the code are its table's, in the order storage writes them. */
static const struct kam_column archive_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"address", "地址|详细地址", KAM_COL_TEXT, 0, NULL, "地址"},
	{"postcode", "邮编|邮政编码", KAM_COL_TEXT, 0, NULL, "邮编"},
	{"head", "负责人|单位负责人", KAM_COL_TEXT, 0, NULL, "负责人"},
	{"contact", "联系人", KAM_COL_TEXT, 0, NULL, "联系人"},
	{"phone", "电话|联系电话", KAM_COL_TEXT, 0, NULL, "电话"},
	{"fax", "传真", KAM_COL_TEXT, 0, NULL, "传真"},
	{"email", "电子邮件|邮箱|E-mail", KAM_COL_TEXT, 0, NULL, "电子邮件"},
	{"products", "主要产品|主营产品", KAM_COL_TEXT, 0, NULL, "主要产品"},
	{"annual_spend", "年用邮金额|年用邮费用", KAM_COL_MONEY, 0, NULL, "年用邮金额"},
	{"annual_volume", "年用邮量|年业务量", KAM_COL_COUNT, 0, NULL, "年用邮量"},
	{"filed", "已归档|是否归档", KAM_COL_BOOL, 0, NULL, "已归档"},
};

static const struct kam_column extended_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"profit", "利润|年利润", KAM_COL_MONEY, 0, NULL, "利润"},
	{"operations", "经营状况", KAM_COL_TEXT, 0, NULL, "经营状况"},
	{"capital", "资金|资金状况", KAM_COL_MONEY, 0, NULL, "资金"},
	{"credit", "信用|信用状况", KAM_COL_TEXT, 0, NULL, "信用"},
	{"development", "发展潜力", KAM_COL_TEXT, 0, NULL, "发展潜力"},
	{"staff", "员工人数|职工人数", KAM_COL_COUNT, 0, NULL, "员工人数"},
	{"registered_capital", "注册资本|注册资金", KAM_COL_MONEY, 0, NULL, "注册资本"},
};

static const struct kam_column person_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"name", "姓名", KAM_COL_TEXT, 1, NULL, "姓名"},
	{"title", "职务", KAM_COL_TEXT, 0, NULL, "职务"},
	{"phone", "电话|联系电话", KAM_COL_TEXT, 0, NULL, "电话"},
	{"interests", "兴趣爱好|爱好", KAM_COL_TEXT, 0, NULL, "兴趣爱好"},
	{"taboos", "禁忌", KAM_COL_TEXT, 0, NULL, "禁忌"},
	{"important_days", "重要日子|纪念日", KAM_COL_TEXT, 0, NULL, "重要日子"},
	{"note", "备注", KAM_COL_TEXT, 0, NULL, "备注"},
};

static const struct kam_column competitor_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"competitor", "竞争对手", KAM_COL_TEXT, 1, NULL, "竞争对手"},
	{"price", "价格", KAM_COL_TEXT, 0, NULL, "价格"},
	{"volume", "业务量", KAM_COL_COUNT, 0, NULL, "业务量"},
	{"share_pct", "份额|市场份额", KAM_COL_COUNT, 0, NULL, "份额"},
	{"strengths", "优势|竞争优势", KAM_COL_TEXT, 0, NULL, "优势"},
};

/* Managers and their assignments (DOMAIN §4; import_managers.c); assignments export
 * from the view of the current ones, with the manager's name. */
static const struct kam_word role_words[] = {
	{"A", "A角|主"},
	{"B", "B角|辅"},
	{NULL, NULL},
};

static const struct kam_column manager_cols[] = {
	{"name", "客户经理|姓名", KAM_COL_TEXT, 1, NULL, "客户经理"},
	{"bureau", "单位|所属单位|局", KAM_COL_TEXT, 0, NULL, "单位"},
	{"phone", "电话|联系电话", KAM_COL_TEXT, 0, NULL, "电话"},
};

static const struct kam_column assignment_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"manager", "客户经理", KAM_COL_TEXT, 1, NULL, "客户经理"},
	{"role", "角色|AB角", KAM_COL_ENUM, 0, role_words, "角色"},
	{"since", "起始日期|开始日期", KAM_COL_TEXT, 0, NULL, "起始日期"},
};

#define KIND(var, name, zh, table, cols, order) \
	static const struct kam_kind var = {name, zh, table, cols, (int)(sizeof cols / sizeof cols[0]), order}
KIND(archive_kind, "archive", "客户档案", "archive", archive_cols, "code");
KIND(extended_kind, "archive_extended", "扩展档案", "archive_extended", extended_cols, "code");
KIND(persons_kind, "key_persons", "关键人", "key_persons", person_cols, "code, id");
KIND(managers_kind, "managers", "客户经理", "managers", manager_cols, "name");
KIND(assignments_kind, "assignments", "客户经理分配", "current_assignments", assignment_cols, "code, role");
KIND(competitors_kind, "competitors", "竞争对手", "competitors", competitor_cols, "code, id");

static const struct kam_kind bureau_kind = {
	"bureau_revenue", "局收入", "bureau_revenue", bureau_cols,
	(int)(sizeof bureau_cols / sizeof bureau_cols[0]), "bureau, year",
};

static const struct kam_kind customers_kind = {
	"customers", "客户", "customers", customer_cols,
	(int)(sizeof customer_cols / sizeof customer_cols[0]), "code",
};

static const struct kam_kind ledger_kind = {
	"ledger", "收入台账", "ledger", ledger_cols,
	(int)(sizeof ledger_cols / sizeof ledger_cols[0]), "code, month, line",
};

/* Receivables (应收账款, DOMAIN.md 6): what an agreement customer owes on a line, with
 * the day it was issued, the day it is due and the handler accountable for collecting it
 * (import_receivables.c checks the days and the rules). */
static const struct kam_column receivable_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"line", "业务|业务种类|业务类别", KAM_COL_ENUM, 1, line_words, "业务"},
	{"amount", "金额|应收金额|欠费金额|金额(元)|金额（元）", KAM_COL_MONEY, 1, NULL, "金额"},
	{"issued", "开票日期|发生日期|出账日期", KAM_COL_TEXT, 1, NULL, "开票日期"},
	{"due", "到期日|到期日期|应缴日期", KAM_COL_TEXT, 1, NULL, "到期日"},
	{"handler", "经办人|责任人|催缴人", KAM_COL_TEXT, 1, NULL, "经办人"},
	{"ref", "单号|账单号|凭证号", KAM_COL_TEXT, 0, NULL, "单号"},
};

static const struct kam_kind receivables_kind = {
	"receivables", "应收账款", "receivables", receivable_cols,
	(int)(sizeof receivable_cols / sizeof receivable_cols[0]), "id",
};

/* The center's holiday table (DOMAIN §4; issue 21; import_holidays.c): a day off, or a
 * weekend day worked in exchange (调休上班). */
static const struct kam_word holiday_kind_words[] = {
	{"holiday", "节假日|法定节假日|放假|休息日"},
	{"workday", "调休上班|调休|上班|补班"},
	{NULL, NULL},
};

static const struct kam_column holiday_cols[] = {
	{"day", "日期", KAM_COL_TEXT, 1, NULL, "日期"},
	{"kind", "类型", KAM_COL_ENUM, 1, holiday_kind_words, "类型"},
	{"name", "名称|节日", KAM_COL_TEXT, 1, NULL, "名称"},
};

KIND(holidays_kind, "holidays", "节假日", "holidays", holiday_cols, "day");

/* Discount requests, claims and complaints (DOMAIN.md 4, 5, 11; import_money.c): what a
 * command records, read from a file.  The columns after the input ones (grade, route,
 * deadlines) are what the command's rule decided: an export writes them, and import
 * computes them again through the same rule, refusing a row whose file says otherwise.
 * Answers, payments and other events are recorded by the commands, not imported. */
static const struct kam_column discount_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"line", "业务|业务种类|业务类别", KAM_COL_ENUM, 1, line_words, "业务"},
	{"rate_bp", "优惠率(基点)|优惠率（基点）|优惠基点", KAM_COL_TEXT, 1, NULL, "优惠率(基点)"},
	{"valid_from", "起始日期|开始日期|生效日期", KAM_COL_TEXT, 1, NULL, "起始日期"},
	{"valid_until", "截止日期|结束日期|终止日期", KAM_COL_TEXT, 1, NULL, "截止日期"},
	{"requested_on", "申请日期", KAM_COL_TEXT, 1, NULL, "申请日期"},
	{"method", "优惠方式|方式", KAM_COL_TEXT, 0, NULL, "优惠方式"},
	{"reason", "理由|申请理由|原因", KAM_COL_TEXT, 0, NULL, "理由"},
	{"requested_by", "申请人", KAM_COL_TEXT, 0, NULL, "申请人"},
	{"grade", "等级|客户等级", KAM_COL_TEXT, 0, NULL, "等级"},
	{"route", "审批层级|报批层级", KAM_COL_TEXT, 0, NULL, "审批层级"},
	{"limit_bp", "本级标准(基点)|本级标准（基点）", KAM_COL_TEXT, 0, NULL, "本级标准(基点)"},
	{"answer_by", "答复期限|答复截止日", KAM_COL_TEXT, 0, NULL, "答复期限"},
};

static const struct kam_column claim_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"amount", "金额|索赔金额|赔偿金额|金额(元)|金额（元）", KAM_COL_MONEY, 1, NULL, "金额"},
	{"claimed_on", "索赔日期|申请日期", KAM_COL_TEXT, 1, NULL, "索赔日期"},
	{"description", "说明|事由|情况说明", KAM_COL_TEXT, 0, NULL, "说明"},
	{"created_by", "登记人|受理人", KAM_COL_TEXT, 0, NULL, "登记人"},
	{"route", "处理方式", KAM_COL_TEXT, 0, NULL, "处理方式"},
	{"green", "绿色通道", KAM_COL_BOOL, 0, NULL, "绿色通道"},
	{"report_by", "上报期限", KAM_COL_TEXT, 0, NULL, "上报期限"},
	{"handle_by", "处理期限", KAM_COL_TEXT, 0, NULL, "处理期限"},
	{"pay_by", "赔付期限", KAM_COL_TEXT, 0, NULL, "赔付期限"},
};

static const struct kam_column complaint_cols[] = {
	{"code", "客户代码|客户编码|客户编号", KAM_COL_CODE, 1, NULL, "客户代码"},
	{"received_on", "受理日期|投诉日期", KAM_COL_TEXT, 1, NULL, "受理日期"},
	{"content", "投诉内容|内容", KAM_COL_TEXT, 1, NULL, "投诉内容"},
	{"owner", "首问责任人|责任人", KAM_COL_TEXT, 0, NULL, "首问责任人"},
	{"unit", "责任单位|单位", KAM_COL_TEXT, 0, NULL, "责任单位"},
	{"answer_by", "答复期限|答复截止日", KAM_COL_TEXT, 0, NULL, "答复期限"},
};

KIND(discounts_kind, "discounts", "资费优惠", "discounts", discount_cols, "id");
KIND(claims_kind, "claims", "赔偿申请", "claims", claim_cols, "id");
KIND(complaints_kind, "complaints", "投诉", "complaints", complaint_cols, "id");

const struct kam_kind *const kam_kinds[] = {&customers_kind, &ledger_kind, &bureau_kind, &notes_kind, &receivables_kind,
	&visits_kind, &archive_kind, &extended_kind, &persons_kind, &competitors_kind, &managers_kind, &assignments_kind,
	&holidays_kind, &discounts_kind, &claims_kind, &complaints_kind, NULL};

const struct kam_kind *kam_kind_find(const char *name)
{
	for (int i = 0; kam_kinds[i]; i++)
		if (strcmp(kam_kinds[i]->name, name) == 0)
			return kam_kinds[i];
	return NULL;
}

/* Is s[0..n) one of the '|'-separated words of list (ASCII case-insensitive)? */
static int in_list(const char *list, const char *s, size_t n)
{
	while (list && *list) {
		const char *bar = strchr(list, '|');
		size_t len = bar ? (size_t)(bar - list) : strlen(list);
		if (len == n && strncasecmp(list, s, n) == 0)
			return 1;
		list = bar ? bar + 1 : NULL;
	}
	return 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

int kam_kind_column(const struct kam_kind *k, const char *h, size_t n)
{
	trim(&h, &n);
	for (int i = 0; i < k->ncols; i++) {
		size_t len = strlen(k->cols[i].name);
		if ((len == n && strncasecmp(k->cols[i].name, h, n) == 0) || in_list(k->cols[i].zh, h, n))
			return i;
	}
	return -1;
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int64_t digits_value(const char *s, size_t n)
{
	int64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* A number as a spreadsheet writes one: [+-]digits[.digits][E[+-]digits], with a point
 * or an exponent (plain digits are no number here: they are the code itself). */
struct spreadsheet_number {
	int neg, exp_form;
	int sig;          /* significant digits: no leading or trailing zeros */
	int intdigits;    /* digits of the whole part of the value (0 for 0.x) */
	int whole;        /* no fraction once the exponent is applied */
	char digits[24];  /* the whole value's digits when whole and intdigits < 24 */
};

static int spreadsheet_number(const char *s, size_t n, struct spreadsheet_number *sn)
{
	char mant[64];
	size_t i = 0, m = 0, point = (size_t)-1, first, last;
	long exp = 0;
	memset(sn, 0, sizeof *sn);
	if (i < n && (s[i] == '+' || s[i] == '-'))
		sn->neg = s[i++] == '-';
	for (; i < n && (isdigit((unsigned char)s[i]) || (s[i] == '.' && point == (size_t)-1)); i++) {
		if (s[i] == '.')
			point = m;
		else if (m < sizeof mant)
			mant[m++] = s[i];
		else
			return 0;
	}
	if (m == 0)
		return 0;
	if (i < n && (s[i] == 'E' || s[i] == 'e')) {
		int eneg = 0;
		size_t d0;
		sn->exp_form = 1;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		for (d0 = i; i < n && isdigit((unsigned char)s[i]) && i - d0 < 4; i++)
			exp = exp * 10 + (s[i] - '0');
		if (i == d0)
			return 0;
		if (eneg)
			exp = -exp;
	}
	if (i != n || (point == (size_t)-1 && !sn->exp_form))
		return 0;
	if (point == (size_t)-1)
		point = m;
	for (first = 0; first < m && mant[first] == '0'; first++)
		;
	if (first == m) {  /* zero */
		sn->whole = 1;
		sn->digits[0] = '0';
		return 1;
	}
	for (last = m; mant[last - 1] == '0'; last--)
		;
	sn->sig = (int)(last - first);
	/* the value is 0.mant[first..] x 10^(point - first + exp) */
	long whole_len = (long)point - (long)first + exp;
	sn->intdigits = whole_len > 0 ? (int)(whole_len > 999 ? 999 : whole_len) : 0;
	sn->whole = whole_len >= (long)(last - first);
	if (sn->whole && whole_len < (long)sizeof sn->digits) {
		for (long k = 0; k < whole_len; k++)
			sn->digits[k] = first + (size_t)k < last ? mant[first + (size_t)k] : '0';
		sn->digits[whole_len] = '\0';
	}
	return 1;
}

/* A code (or division code) that came as a number.  A whole number without an exponent
 * ("42010000001000.0") kept every digit and is its digits; a fraction, more than the 15
 * significant digits a spreadsheet keeps, or E notation (which may have dropped digits)
 * is refused saying what the cell holds and how to fix it where the file came from: a
 * CSV is fixed by formatting the column as text before saving it; in a spreadsheet cell
 * or a JSON value the value itself is wrong.  Returns 1 with the digits in *out, 0 when
 * s is no number, -1 with e filled. */
static int number_code(const char *what, const char *s, size_t n, int origin, const char **out, size_t *len,
		       kam_err *e)
{
	struct spreadsheet_number sn;
	const char *fix = origin == KAM_FROM_CSV ?
		"format the column as text in the spreadsheet before saving the CSV" :
		"the value itself is wrong: enter the code as text, with every digit";
	if (!spreadsheet_number(s, n, &sn))
		return 0;
	if (sn.neg)
		return kam_errf(e, "%s '%.*s' is a negative number; %s", what, (int)n, s, fix);
	if (!sn.whole)
		return kam_errf(e, "%s '%.*s' is a number with a fraction, not a code; %s", what, (int)n, s, fix);
	if (sn.sig > 15 && sn.digits[0])
		return kam_errf(e, "%s '%.*s' is the number %s, %d significant digits; a spreadsheet keeps 15, "
				"so the last ones are lost; %s", what, (int)n, s, sn.digits, sn.sig, fix);
	if (sn.sig > 15)
		return kam_errf(e, "%s '%.*s' is a number of %d significant digits; a spreadsheet keeps 15, so "
				"the last ones are lost; %s", what, (int)n, s, sn.sig, fix);
	if (sn.exp_form) {
		if (sn.digits[0])
			return kam_errf(e, "%s '%.*s' is the number %s in E notation, which may have dropped digits; %s",
					what, (int)n, s, sn.digits, fix);
		return kam_errf(e, "%s '%.*s' is a number of %d digits in E notation; %s", what, (int)n, s,
				sn.intdigits, fix);
	}
	/* "42010000001000.0": every digit is there, before the point */
	*out = s;
	*len = (size_t)sn.intdigits;
	if (*len == 0 || s[0] < '1' || s[0] > '9')
		return kam_errf(e, "%s '%.*s' is a number, not a code; %s", what, (int)n, s, fix);
	return 1;
}

static int parse_code(const char *s, size_t n, int origin, kam_value *v, kam_err *e)
{
	int rc;
	if (kam_utf8_find_fullwidth(s, n) >= 0)
		return kam_errf(e, "code '%.*s' has full-width digits or letters; type it with ASCII digits "
				"(format the column as text in the spreadsheet)", (int)n, s);
	if ((rc = number_code("code", s, n, origin, &s, &n, e)) < 0)
		return -1;
	if (!all_digits(s, n))
		return kam_errf(e, "code '%.*s' must be 14 digits", (int)n, s);
	if (n != 14)
		return kam_errf(e, "code '%.*s' has %zu digits, not 14", (int)n, s, n);
	if (s[0] == '0')
		return kam_errf(e, "code '%.*s' cannot start with 0 (it starts with a division code)", (int)n, s);
	v->kind = KAM_V_INT;
	v->i = digits_value(s, n);
	return 0;
}

/* YYYY-MM; also YYYY/MM, YYYY-M, YYYYMM and YYYY年M月, which exports produce. */
static int parse_month(const char *s, size_t n, int origin, kam_value *v, kam_err *e)
{
	int year = 0, month = 0;
	size_t i = 0, md;
	char tail[8] = "";

	if (kam_utf8_find_fullwidth(s, n) >= 0)
		return kam_errf(e, "month '%.*s' has full-width digits; write it as YYYY-MM", (int)n, s);
	if (n == 6 && all_digits(s, 6)) {
		year = (int)digits_value(s, 4);
		month = (int)digits_value(s + 4, 2);
	} else {
		if (n < 6 || !all_digits(s, 4))
			goto bad;
		year = (int)digits_value(s, 4);
		i = 4;
		if (s[i] == '-' || s[i] == '/' || s[i] == '.')
			i++;
		else if (n >= 7 && memcmp(s + i, "年", 3) == 0)
			i += 3;
		else
			goto bad;
		for (md = i; i < n && isdigit((unsigned char)s[i]) && i - md < 3; i++)
			;
		if (i == md || i - md > 2)
			goto bad;
		month = (int)digits_value(s + md, i - md);
		if (i < n) {
			if (n - i == 3 && memcmp(s + i, "月", 3) == 0 && memcmp(s + 4, "年", 3) == 0)
				i = n;
			else if (origin == KAM_FROM_SHEET && s[4] == '-' && s[i] == '-' && n - i >= 3 &&
				 isdigit((unsigned char)s[i + 1]) && isdigit((unsigned char)s[i + 2]) &&
				 (n - i == 3 || s[i + 3] == 'T') && digits_value(s + i + 1, 2) >= 1 &&
				 digits_value(s + i + 1, 2) <= 31)
				i = n;  /* a date cell (2025-03-01): a month typed into a spreadsheet */
			else if (s[i] == '-' || s[i] == '/') {
				snprintf(tail, sizeof tail, "date");
				goto bad;
			} else
				goto bad;
		}
	}
	if (month < 1 || month > 12)
		return kam_errf(e, "month '%.*s': %d is not a month (01-12)", (int)n, s, month);
	if (year < 1900 || year > 2999)
		return kam_errf(e, "month '%.*s': year %d is out of range", (int)n, s, year);
	v->kind = KAM_V_INT;
	v->i = year * 100 + month;
	return 0;
bad:
	if (tail[0])
		return kam_errf(e, "month '%.*s' is a date; write the month as YYYY-MM", (int)n, s);
	if (n == 5 && all_digits(s, n))
		return kam_errf(e, "month '%.*s' looks like a spreadsheet date number; format the month "
				"column as text (YYYY-MM) and export again", (int)n, s);
	return kam_errf(e, "month '%.*s' must be YYYY-MM", (int)n, s);
}

static int parse_count(const char *s, size_t n, kam_value *v, kam_err *e)
{
	if (!all_digits(s, n) || n > 18)
		return kam_errf(e, "'%.*s' must be a whole number of 0 or more", (int)n, s);
	v->kind = KAM_V_INT;
	v->i = digits_value(s, n);
	return 0;
}

static int parse_bool(const char *s, size_t n, kam_value *v, kam_err *e)
{
	v->kind = KAM_V_INT;
	if (in_list("yes|y|true|1|是|有", s, n))
		v->i = 1;
	else if (in_list("no|n|false|0|否|无", s, n))
		v->i = 0;
	else
		return kam_errf(e, "'%.*s' must be yes or no (是/否)", (int)n, s);
	return 0;
}

static int parse_enum(const struct kam_column *c, const char *s, size_t n, kam_value *v, kam_err *e)
{
	char en[256] = "", zh[512] = "";
	const struct kam_word *hit = NULL;
	/* English words first: files exported by kam, and most others, use them. */
	for (const struct kam_word *w = c->words; w->value && !hit; w++)
		if (strlen(w->value) == n && strncasecmp(w->value, s, n) == 0)
			hit = w;
	for (const struct kam_word *w = c->words; w->value && !hit; w++)
		if (in_list(w->aliases, s, n))
			hit = w;
	if (hit) {
		v->kind = KAM_V_TEXT;
		v->s = hit->value;
		v->len = strlen(hit->value);
		return 0;
	}
	for (const struct kam_word *w = c->words; w->value; w++) {
		const char *sep = w == c->words ? "" : ", ";
		snprintf(en + strlen(en), sizeof en - strlen(en), "%s%s", sep, w->value);
		snprintf(zh + strlen(zh), sizeof zh - strlen(zh), "%s%.*s", sep, (int)strcspn(w->aliases, "|"),
			 w->aliases);
	}
	return kam_errf(e, "'%.*s' must be one of %s (%s)", (int)n, s, en, zh);
}

int kam_cell_parse(const struct kam_column *c, const char *s, size_t n, kam_value *v, kam_err *e)
{
	return kam_cell_parse_from(c, s, n, KAM_FROM_CSV, v, e);
}

int kam_cell_parse_from(const struct kam_column *c, const char *s, size_t n, int origin, kam_value *v,
			kam_err *e)
{
	v->kind = KAM_V_NULL;
	v->s = NULL;
	v->len = 0;
	if (c->type == KAM_COL_TEXT) {
		/* Text is kept byte for byte; only a cell of nothing but blanks is empty. */
		const char *t = s;
		size_t tn = n;
		trim(&t, &tn);
		if (tn == 0)
			goto empty;
		v->kind = KAM_V_TEXT;
		v->s = s;
		v->len = n;
		return 0;
	}
	trim(&s, &n);
	if (n == 0)
		goto empty;
	switch (c->type) {
	case KAM_COL_CODE:
		return parse_code(s, n, origin, v, e);
	case KAM_COL_MONTH:
		return parse_month(s, n, origin, v, e);
	case KAM_COL_MONEY:
		v->kind = KAM_V_INT;
		if (kam_money_parsen(s, n, 0, &v->i, e) < 0)
			return -1;
		if (v->i > KAM_MONEY_MAX_IMPORT || v->i < -KAM_MONEY_MAX_IMPORT)
			return kam_errf(e, "amount '%.*s' is beyond ±1000000000000.00 yuan, more than a ledger "
					"holds", (int)n, s);
		return 0;
	case KAM_COL_COUNT:
		return parse_count(s, n, v, e);
	case KAM_COL_BOOL:
		return parse_bool(s, n, v, e);
	case KAM_COL_ENUM:
		return parse_enum(c, s, n, v, e);
	case KAM_COL_ADMIN:
		if (number_code("division code", s, n, origin, &s, &n, e) < 0)
			return -1;
		if (n != 6 || !all_digits(s, n))
			return kam_errf(e, "'%.*s' must be a 6-digit division code", (int)n, s);
		v->kind = KAM_V_TEXT;
		v->s = s;
		v->len = n;
		return 0;
	case KAM_COL_TEXT:
	case KAM_COL_NUMBER:
	case KAM_COL_JSON:
		break;
	}
	return 0;
empty:
	if (c->required)
		return kam_errf(e, "is empty");
	if (c->type == KAM_COL_BOOL) {
		v->kind = KAM_V_INT;
		v->i = 0;
	}
	return 0;
}

int kam_cell_format_int(const struct kam_column *c, int64_t i, int zh, char *buf, size_t size)
{
	char tmp[KAM_MONEY_BUFSZ + 24];
	int n;
	switch (c->type) {
	case KAM_COL_CODE:
		if (i < 0)
			goto plain;
		n = (int)kam_digits(tmp, (uint64_t)i, 14);
		goto copy;
	case KAM_COL_MONTH:
		if (i < 0)
			goto plain;
		n = (int)kam_digits(tmp, (uint64_t)(i / 100), 4);
		tmp[n++] = '-';
		n += (int)kam_digits(tmp + n, (uint64_t)(i % 100), 2);
		goto copy;
	case KAM_COL_MONEY:
		kam_money_format(i, tmp);
		n = (int)strlen(tmp);
		goto copy;
	case KAM_COL_BOOL:
		n = snprintf(buf, size, "%s", i ? (zh ? "是" : "yes") : (zh ? "否" : "no"));
		break;
	default:
	plain:
		n = 0;
		if (i < 0)
			tmp[n++] = '-';
		n += (int)kam_digits(tmp + n, i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i, 1);
	copy:
		if ((size_t)n >= size)
			return -1;
		memcpy(buf, tmp, (size_t)n);
		buf[n] = '\0';
	}
	return n < 0 || (size_t)n >= size ? -1 : n;
}

const char *kam_enum_zh(const struct kam_column *c, const char *value, size_t *len)
{
	*len = strlen(value);
	if (c->type != KAM_COL_ENUM)
		return value;
	for (const struct kam_word *w = c->words; w->value; w++) {
		if (strcmp(w->value, value) == 0) {
			*len = strcspn(w->aliases, "|");
			return w->aliases;
		}
	}
	return value;
}
