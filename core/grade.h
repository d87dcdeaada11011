/* Grading: every customer's facts through a policy's member() and grade() in the worker,
 * a few thousand customers a round trip, overrides applied, and the decisions appended
 * in one transaction.  Also what-if runs that write nothing (diff, explain). */
#ifndef KAM_GRADE_H
#define KAM_GRADE_H

#include "facts.h"
#include "policy.h"

struct kam_decision {
	int64_t code;
	size_t index;              /* into the facts */
	const char *grade;         /* final: the override's while one is valid, else computed */
	const char *computed;      /* what the policy decided; "none" for no key account */
	int has_score;
	double score;
	const char *reasons;       /* a JSON array of strings */
	const char *labels;        /* grade()'s labels as a JSON object, or NULL */
	long long override_id;     /* 0 when none applied */
};

struct kam_grade_opts {
	const char *as_of;         /* YYYY-MM-DD: overrides valid on that day apply */
	int dry_run;               /* decide, write nothing */
	const char *user;
	/* Each decision as it is made (the strings live until the next call). */
	void (*on_decision)(void *arg, const struct kam_decision *d);
	void *arg;
};

struct kam_grade_stats {
	long customers, members, overridden;
	long deactivated;                           /* lost or merged: graded none, not by the policy */
	long per_grade[KAM_POLICY_MAX_GRADES + 1];   /* [ngrades] counts "none" */
	long long run_id;
	double seconds;
};

/* Grade every customer of facts under p (facts->year).  Writes a grading run and its
 * decisions unless dry_run; nothing at all when anything fails. */
int kam_grade_run(kam_ctx *ctx, kam_policy *p, const kam_facts *facts, const struct kam_grade_opts *o,
		  struct kam_grade_stats *st, kam_err *e);

/* One customer's facts (items: a serialized array of one facts table) through member()
 * and grade(), checked as grading checks them (kam policy test runs the examples so). */
struct kam_grade_verdict {
	int member;
	const char *grade;         /* one of the policy's, or "none" */
	int has_score;
	double score;
	kam_buf reasons;           /* a JSON array of strings, NUL-terminated */
	kam_buf labels;            /* a JSON object, NUL-terminated, or empty: none */
};
int kam_grade_decide(kam_policy *p, const kam_buf *items, int64_t code, const kam_buf *ctx,
		     struct kam_grade_verdict *out, kam_err *e);

#endif
