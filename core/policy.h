/* Policies: a province's rules as a Lua file run in the sandbox worker.  Loading one
 * finds the file, hashes its source, starts its worker and checks the contract (the
 * README's "Writing a policy"): name, version, grades, member and grade functions. */
#ifndef KAM_POLICY_H
#define KAM_POLICY_H

#include "ctx.h"
#include "worker.h"

#define KAM_POLICY_MAX_GRADES 16

struct kam_override_kind {
	char *name;
	char *title;
	int needs_until;           /* an end date is required (cultivation) */
	int approval;              /* an approver is required (provincially approved Diamond) */
	int only_raises;           /* it never lowers the computed grade (Hubei's cultivation) */
	int ngrades;               /* the grades it may set; 0: any of the policy's */
	char *grades[KAM_POLICY_MAX_GRADES];
};

typedef struct kam_policy {
	char *name, *version, *title;
	char *path;                /* the file it came from */
	char hash[65];             /* SHA-256 of the source */
	char *source;
	size_t len;
	int ngrades;
	char *grades[KAM_POLICY_MAX_GRADES];
	int needs;                 /* KAM_NEED_*, with the revenue lines (revenue_lines) */
	int has_check_override;
	int nkinds;
	struct kam_override_kind *kinds;
	kam_worker *w;
	int module_ref;            /* the returned table, in the host's Lua registry */
	struct lua_State *L;
} kam_policy;

/* Where the policy NAME lives: NAME.lua in $KAM_POLICY_PATH's directories, the source
 * tree's policies/ (beside the build directory), the installed policies; or a path,
 * when spec has a '/' or ends in ".lua". */
int kam_policy_find(const kam_ctx *ctx, const char *spec, char *path, size_t size, kam_err *e);

/* Load and check: the worker runs the file's top level; the module must keep the
 * contract.  Messages name the file and, where Lua knows it, the line. */
int kam_policy_load(kam_ctx *ctx, const char *spec, kam_policy **out, kam_err *e);
/* The policy named by --policy, else the one the database records. */
int kam_policy_default(kam_ctx *ctx, kam_policy **out, kam_err *e);
void kam_policy_free(kam_policy *p);

/* Keep the source in the database (once per hash), so any past decision can be re-run. */
int kam_policy_store(kam_db *db, const kam_policy *p, kam_err *e);

/* Index of grade among the policy's grades, -1 if it is none of them. */
int kam_policy_grade_index(const kam_policy *p, const char *grade);
const struct kam_override_kind *kam_policy_override_kind(const kam_policy *p, const char *kind);

/* Forbidden names a policy's source mentions (io, os, require, ...), found without running
 * it: each as "file:line: 'os' is not available to policies"; returns how many, and
 * calls report for each. */
int kam_policy_lint(const char *path, const char *src, size_t len,
		    void (*report)(void *arg, const char *msg), void *arg);

/* The policy a database records when kam init is given none (make DEFAULT_POLICY=NAME). */
#ifndef KAM_DEFAULT_POLICY
#error "KAM_DEFAULT_POLICY is set by the Makefile (DEFAULT_POLICY)"
#endif

#endif
