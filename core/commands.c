/* The command table: dispatch, kam --help, kam help, and the generated parts of the
 * README and the man page (kam help --format markdown|man, written by `make docs`).
 * One list: a command or an import kind that is not here does not exist anywhere. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "kinds.h"
#include "plugin.h"

/* "{kinds}" in a text stands for the import kinds, "{export kinds}" for the export kinds. */
const struct kam_command kam_commands[] = {
	{"init", "create or upgrade the database; record the default policy", kam_cmd_init,
	 {{"[--policy NAME] [--timezone TZ] [--with-schedule]", "Create the database, or upgrade an older one in place keeping every row, "
			      "and record the policy grading uses by default (a change of it is recorded with who and when).  "
			      "Only init creates a database or adopts an SQLite file of no other application; "
			      "every other command refuses a file that is not a kam database, naming it.  "
			      "--timezone records the zone of the database's calendar (a tzdata name; default the machine's); "
			      "--with-schedule adds the center's calendar jobs (scripts/schedule/calendar.lua)."}}},
	{"import", "load {kinds} from CSV, JSON or XLSX", kam_cmd_import,
	 {{"KIND FILE [options]", "Load a file of KIND ({kinds}) from CSV (UTF-8 or GB18030), JSON, or XLSX "
				  "through the xlsx plugin.  All or nothing: every bad row is listed with its line "
				  "and column; --reject-file loads the good rows and writes the bad ones to a file (exit "
				  "status 3 when it rejected some), --dry-run writes nothing.  A ledger month already "
				  "stored is refused unless --replace (its rows replaced; the months replaced are "
				  "listed in month order) or --append.  A ledger file may hold its rows in any order: "
				  "by code, or month by month.  On a terminal a progress bar shows from the start of "
				  "the work, also while a month is replaced.  Another process writing the database is "
				  "waited for up to --wait SECONDS (default 60), saying whom."}}},
	{"export", "write {export kinds} as CSV, JSON or XLSX", kam_cmd_export,
	 {{"KIND [options]", "Write KIND ({export kinds}) as CSV, JSON or XLSX, to standard output or -o FILE; "
			     "customers and the ledger import back unchanged.  An export whose confidential cells read *** "
			     "for its reader says so at its top (CSV: a first line '# kam: masked export ...'; JSON: an object "
			     "with kam_masked_export and rows), and kam import refuses it."}}},
	{"grade", "grade every customer of a year under the policy; what-if diffs", kam_cmd_grade,
	 {{"[--year Y] [--as-of DATE] [--dry-run | --adopt] [--wait SECONDS]",
	   "Grade every customer for year Y under the policy, in one transaction; decisions are appended, "
	   "never changed.  A year without ledger rows is refused, fewer than 12 months is a warning; "
	   "a --policy other than the database's own needs --dry-run (write nothing) or --adopt "
	   "(write its grades anyway).  A run reads one snapshot: it takes the write lock before "
	   "reading its facts, waiting up to --wait SECONDS (default 60) for another writer."},
	  {"diff POLICY_A POLICY_B [--year Y] [--as-of DATE]",
	   "What if: every customer whose grade differs between two policies, with both reasons, and a "
	   "matrix; writes nothing."}}},
	{"explain", "a customer's grade: facts, rules that fired, policy version, overrides", kam_cmd_script,
	 {{"CODE [--year Y] [--as-of DATE]",
	   "The stored decision and what the policy decides now, with the facts and the override history."}}},
	{"override", "manual grades with who, why and until when", kam_cmd_script,
	 {{"add CODE --kind KIND --grade G --reason TEXT [--until DATE] [--from DATE] [--approved-by NAME] [--year Y] [--replace]",
	   "Record a manual grade of a kind the policy accepts; one overlapping an override of the same kind is refused unless --replace revokes it."},
	  {"list [CODE] [--all]", "The valid overrides (--all: every one, revoked too)."},
	  {"revoke ID --reason TEXT", "Revoke an override; it is kept, with who revoked it, when and why."}}},
	{"discount", "tariff discount requests, routed and answered by level (confidential)", kam_cmd_script,
	 {{"request CODE --line LINE --rate-bp N --from DATE --until DATE [--method TEXT] [--reason TEXT] [--on DATE]",
	   "Record a request for a discount of N basis points off the standard tariff (150 is 1.50%), routed by "
	   "the policy's local standard for the customer's grade and the line (within it, the limit included: "
	   "local; beyond: the level above), its answer due approval_days after the request day."},
	  {"approve ID [--level LEVEL] [--reason TEXT] [--on DATE]",
	   "Approve a request as an approver of LEVEL (local or province); a level the policy does not allow for "
	   "the request's route is refused; an answer after its due day is recorded as late.  Once users exist "
	   "the level is the acting user's (kam user level): a user without one, or a --level other than its "
	   "own, is refused and the refusal logged."},
	  {"refuse ID [--level LEVEL] --reason TEXT [--on DATE]", "Refuse a request, saying why (the same levels)."},
	  {"list [CODE] [--state pending|overdue|answered|granted] [--as-of DATE]",
	   "The requests with their routes, due days and answers; granted: approved and in force on the day."}}},
	{"claim", "compensation claims: routed by amount, deadlines, the green channel", kam_cmd_script,
	 {{"add CODE --amount YUAN [--description TEXT] [--on DATE]",
	   "Record a claim: up to the policy's advance limit (5,000.00 included) the city bureau advances it "
	   "within advance_days, above it is reported to the province within report_days; a customer enrolled "
	   "in the green channel also gets it handled and paid within the policy's days."},
	  {"handle ID [--on DATE]", "Record that a claim was handled."},
	  {"report ID [--on DATE]", "Record that a claim above the advance limit was reported to the province."},
	  {"pay ID [--amount YUAN] [--on DATE]", "Record that a claim was paid (--amount, default the claim's)."},
	  {"enroll CODE [--on DATE]", "Enrol a customer in the green channel (绿色通道)."},
	  {"leave CODE [--reason TEXT] [--on DATE]", "Record that a customer left the green channel: its claims from "
	   "that day go the ordinary way."},
	  {"list [CODE] [--state open|overdue|paid] [--as-of DATE]",
	   "The claims with their deadlines, what happened and when, and what is overdue."}}},
	{"arrear", "receivables, payments, credit stops, ageing and the year-end arrears ratio", kam_cmd_script,
	 {{"add CODE --line LINE --amount YUAN --due DATE --handler NAME [--issued DATE] [--ref TEXT]",
	   "Record a receivable; refused for a customer without an agreement and for a line the policy never "
	   "puts on credit."},
	  {"pay ID --amount YUAN [--on DATE]", "Record a payment; more than is outstanding is refused."},
	  {"list [CODE] [--as-of DATE] [--all]", "The open receivables (--all: every one) with what is "
	   "outstanding, days past due and the handler."},
	  {"stops [--as-of DATE]", "The customers on credit stop (an arrear unpaid past the policy's days), "
	   "since when, and the handlers."},
	  {"ageing [--as-of DATE]", "Open receivables in the policy's ageing buckets."},
	  {"ratio [--year Y]", "Year-end arrears against the year's postal revenue (less the lines the policy "
	   "excludes) and the policy's cap (exactly the cap passes)."},
	  {"credit CODE [--level TEXT] [--limit YUAN] [--cycle-days N] [--on DATE] [--reason TEXT] [--history]",
	   "The customer's credit file (credit level, arrears limit, repayment cycle; confidential); with --level, "
	   "--limit or --cycle-days, a new version from --on (history is kept)."},
	  {"warnings [--as-of DATE]", "The customers whose arrears cross the policy's warning thresholds (age, "
	   "size) or their own arrears limit."}}},
	{"complaint", "complaints: owner, answer deadline, answer, satisfaction, on-time rate", kam_cmd_script,
	 {{"add CODE --content TEXT [--owner NAME] [--unit UNIT] [--on DATE]",
	   "Record a complaint; whoever receives it owns it (default: the user); its answer is due "
	   "complaint_days after the day received."},
	  {"answer ID --answer TEXT [--on DATE]", "Record the answer (late when after its due day)."},
	  {"rate ID --satisfaction satisfied|neutral|dissatisfied [--on DATE]", "Note the customer's "
	   "satisfaction with the answer."},
	  {"escalate ID --to NAME --reason TEXT [--unit UNIT] [--on DATE]", "Escalate what the owner's unit cannot "
	   "solve to the level above: the new owner answers it by complaint_escalated_days after that day."},
	  {"list [CODE] [--state open|overdue|answered] [--as-of DATE]", "The complaints with owners, due days "
	   "and answers."},
	  {"measures [--as-of DATE]", "On-time rate, satisfaction, open and overdue complaints, in all and by grade."}}},
	{"policy", "inspect, lint and run a policy's own examples", kam_cmd_script,
	 {{"list", "The policies kam can find, the database's own marked."},
	  {"show [NAME|FILE]", "A policy's name, version, hash, grades, numbers and override kinds."},
	  {"check FILE", "Load a policy file in the sandbox and report what breaks the contract, with lines: a "
			 "missing function, a duplicate grade, every name the sandbox leaves out, every failing example."},
	  {"test [NAME|FILE]", "Run a policy's own examples through the contract check grading applies, where a "
			       "policy that writes into its ctx, its tables or its module's upvalues fails, naming the "
			       "function and the customer: \"N passed, N failed\"."}}},
	{"churn", "why a lost key account was lost, who handles it, what follows", kam_cmd_script,
	 {{"cause CODE --family customer|network|service|other --cause TEXT [--month YYYY-MM]",
	   "Record why a key account lost in the month (no revenue for the policy's churn_months months, as kam report "
	   "churn lists them) was lost; the policy routes it by the last grade (who handles it) and the family (what "
	   "follows).  A customer not lost that month is refused."},
	  {"list [--month YYYY-MM]", "The month's lost key accounts and their causes."}}},
	{"report", "monthly analysis and the province's forms (HTML, CSV, JSON, a table)", kam_cmd_script,
	 {{"NAME [ARG ...] [--month YYYY-MM] [--quarter YYYYQN] [--format table|csv|json|html|xlsx] [-o FILE] [--lang zh|en] [--section KEY,...]",
	   "Run report NAME (scripts/reports/NAME.lua, or a report file of your own) for a month, default the one "
	   "before this: monthly (the key accounts' revenue, gains and losses, grades, fluctuations with their "
	   "explanations, top accounts, 24 months), logistics (Hubei's form), grades, churn, kpi CODE or kpi --grade G; "
	   "and on the month's last day: discounts, claims, arrears, complaints, staffing, visits; assessment "
	   "--quarter YYYYQN.  "
	   "Chinese titles and labels unless --lang en; XLSX (one sheet per section) through the xlsx plugin; -o FILE writes "
	   "the file whole or not at all; --section keeps "
	   "the sections named."},
	  {"list", "The reports shipped, with what each shows."}}},
	{"month", "close a month once its forms are filed; reopen it with a reason; explain fluctuations", kam_cmd_script,
	 {{"close YYYY-MM", "Close a month (who and when are recorded): kam import ledger --replace or --append of it "
			    "is then refused, naming it, so that a filed form cannot change under it."},
	  {"reopen YYYY-MM --reason TEXT", "Reopen a closed month; the reason is recorded beside the close, never replacing it."},
	  {"list [YYYY-MM]", "Every close and reopening (of one month), with who, when and why."},
	  {"explain YYYY-MM CODE TEXT", "Record the explanation of a customer's fluctuation in that month (the latest stands; "
				       "kam import fluctuation_notes loads many)."}}},
	{"customer", "the customer archive: basic, extended, key-person and competitor blocks, with history", kam_cmd_script,
	 {{"show CODE [--history] | list [--status active|lost|merged|all] [--city C] [--county C]", "A customer's archive: the basic block with its status and when it was last refreshed, the extended block, key persons, competitors, managers, merges (--history: every change with who, when and the old value); or the customers (default: the active ones)."},
	  {"add [CODE] --name N --place P --city C [FIELD options] | set CODE [FIELD options] [--refreshed-on DATE]", "Add a customer (without CODE it gets the next code of --admin-code, as kam code next), or change fields of its basic or extended block; each change is recorded with who, when and the old value, and the archive counts as refreshed.  A customer's code never changes: --code is refused."},
	  {"person|competitor add CODE --name N [options] | person|competitor set ID [options] | person|competitor remove ID --reason TEXT", "Key persons (confidential) and competitors, each change recorded."},
	  {"deactivate CODE --reason TEXT | merge CODE --into CODE --reason TEXT", "Mark a customer lost (kept, never deleted); or merge two codes of one customer: the ledger (amounts of a month and line both hold are added), visits, key persons, competitors, current managers and standing registration of the first move to the survivor, the first is marked merged; recorded; refused, changing nothing, while the first has an override, discount, claim, receivable or complaint still open, a green-channel enrolment or credit file the survivor lacks, or another team's registration."}}},
	{"code", "the next free 14-digit customer code", kam_cmd_script,
	 {{"next ADMIN6 [--branch-of CODE]", "The next code under the administrative division ADMIN6 (its largest sequence + 1, branch 000), or the next branch of the head office CODE; the division must be in the table shipped for the province."}}},
	{"manager", "customer managers, their assignments and the staffing the policy requires", kam_cmd_script,
	 {{"add NAME [--bureau B] [--phone P] | list | show NAME [--as-of DATE]", "Managers and their current customers and load."},
	  {"assign CODE NAME [--role A|B] [--since DATE] [--force] [--reason TEXT]", "Assign a customer to a manager (role A by default); refused when the manager would pass the policy's maximum load unless --force (recorded).  The previous manager in that role is relieved, recorded."},
	  {"unassign CODE [--role A|B] --reason TEXT", "End a customer's assignment (kept on record)."},
	  {"staffing [--as-of DATE] [--limit N]", "The managers each grade requires by the policy's ratios against those assigned, with the arithmetic; customers without a manager; managers over their load."}}},
	{"visit", "visits and symposiums: recorded, and what each grade requires", kam_cmd_script,
	 {{"add CODE --on DATE (--by WHO | --manager NAME) [--kind regular|center|leadership] [--note TEXT] | list CODE [--from DATE] [--to DATE]", "Record a visit; a customer's visits."},
	  {"symposium --on DATE --title TEXT [--bureau B] [--attendees N]", "Record a customer symposium."},
	  {"due [--month YYYY-MM] [--as-of DATE] [--kind K] [--all]", "Per key account the visits its grade requires in the month (or its year), those made, and which are due or overdue (head-office accounts: the province's visits a year); symposiums against the policy's number; archives older than the policy's refresh interval."}}},
	{"holiday", "the center's holiday table, for limits a policy counts in working days", kam_cmd_script,
	 {{"add DATE [--to DATE] --name NAME [--workday]", "Mark a day (or each day to --to) a holiday (法定节假日), or with --workday a Saturday or Sunday worked in exchange (调休上班); a day marked already is refused, naming its mark."},
	  {"remove DATE [--to DATE]", "Take the marks off (recorded in the audit log)."},
	  {"list [--year Y]", "The marked days, and per year how many of each kind.  A limit the policy counts in working days (numbers.day_counting) is counted Monday to Friday less the holidays, plus the workdays, and is refused for a year with no day marked."}}},
	{"register", "registrations of prospects: claim, release, transfer, expiry", kam_cmd_script,
	 {{"[claim] CODE|NAME --team T [--on DATE]", "A team claims a prospect for development; a second team's claim is refused naming the holder.  It stands for the policy's registration_days."},
	  {"release CODE|NAME --reason TEXT [--on DATE] | transfer CODE|NAME --team T --reason TEXT [--on DATE]", "End a registration, or hand it to another team (a relocated customer); recorded."},
	  {"list [--team T] [--expiring-by DATE] [--as-of DATE] | show CODE|NAME", "The standing registrations; one prospect's history."}}},
	{"run", "run a Lua script with the kam module", kam_cmd_run,
	 {{"[--autocommit] SCRIPT [ARG ...]", "Run a Lua 5.4 script with the kam module (kam.db, kam.json, kam.log, kam.sandbox, "
			       "kam.grading, kam.yuan, plugins' modules); '-' reads standard input.  The script runs in one "
			       "transaction, committed when it returns, rolled back when it fails or is interrupted; "
			       "--autocommit runs it without."}}},
	{"repl", "the interactive REPL (also kam with no command on a terminal)", kam_cmd_repl,
	 {{"[--no-rc]", "Lua with the kam module, interactively: expressions print their values, rows as aligned "
			"tables (Chinese text lined up by display width), dot-commands (.help, .customer, .explain, "
			".diff, .who-moved, .mode, ...), completion and history.  Each entry is one transaction; input "
			"that is not a terminal runs as one script without prompts and stops at the first error."}}},
	{"backup", "a consistent copy of the database while others work in it", kam_cmd_backup,
	 {{"[--force] FILE", "Copy the database to FILE as one snapshot while other kam processes read and write (an import committed meanwhile is in it whole or not at all); written under a temporary name, checked (integrity, schema version) and renamed; an existing FILE only with --force. Prints each table's rows and the size."}}},
	{"user", "the database's users and their roles", kam_cmd_user,
	 {{"add NAME --login LOGIN [--role ROLE] [--manager ID] [--level LEVEL]",
	   "Add a user for a system login, with a role: admin (users, policies, changing anyone's scheduled jobs, raw SQL), center (the "
	   "province's work), manager (its own customers), viewer (reads only).  The first user is an admin; from then "
	   "on only an admin manages users, each login must be a user's, and --user or $KAM_USER may name another user "
	   "only for an admin.  --level: the approval level (one of the policy's discount_levels) at which the user "
	   "answers discount requests."},
	  {"list", "The users, their logins, roles, approval levels and when they were added."},
	  {"role NAME ROLE", "Change a user's role (never the last admin's)."},
	  {"level NAME LEVEL|none", "Set the approval level at which a user answers discount requests (kam discount "
	   "approve|refuse take it from the acting user; a user without one answers none)."},
	  {"disable NAME", "Disable a user (never the last admin)."},
	  {"enable NAME", "Enable a disabled user again."}}},
	{"audit", "the access and change log, and its check", kam_cmd_audit,
	 {{"[--user U] [--customer CODE] [--since TIME] [--limit N]",
	   "Who did what, when, through which command, to which customer: changes with the rows they touched, reads "
	   "of confidential fields, refusals and users managed, oldest first."},
	  {"verify", "Recompute the log's hash chain: exit 1 naming the first entry edited or missing, else print the "
		     "newest hash to note elsewhere."}}},
	{"schedule", "scheduled script runs: jobs, their history, the scheduler", kam_cmd_schedule,
	 {{"add [--timezone TZ] [--catchup once|all|skip] [--time-limit SECONDS] [--disabled] NAME CRON SCRIPT [ARG ...]",
	   "Add a job: SCRIPT run as kam run does, as the user adding it, at the minutes of a 5-field CRON "
	   "(lists, ranges, steps, names, @daily and the like; day-of-month or day-of-week when both are "
	   "given) in the job's zone (default: the database's, else the machine's).  --catchup says what "
	   "to do with slots missed while nothing ran: run once (default), all, or skip them (recorded)."},
	  {"list | show NAME | history [NAME] [--limit N]",
	   "The jobs with their next run (local time and zone); one job with its next five runs; the runs "
	   "newest first with start, end, status, exit code, output and error (bounded, the cut said)."},
	  {"remove NAME | enable NAME | disable NAME", "Remove a job (its history stays), or switch it on or off."},
	  {"run-due [--now TIME] [--keep-days N] | daemon [--keep-days N] [--stop-grace SECONDS]",
	   "run-due runs what is due once and exits (for a cron line or a systemd timer; exit status 3 when "
	   "a job failed); daemon stays up, runs jobs at their minute, sees job changes without a restart and "
	   "stops on SIGTERM.  Each slot runs once however many schedulers share the database; a job still "
	   "running at its next slot has it skipped; a run whose scheduler died is marked abandoned when "
	   "its lease ends; each run is a child process with a time limit; history older than --keep-days "
	   "(default 90) is trimmed."}}},
	{"plugin", "the loaded plugins", kam_cmd_plugin,
	 {{"list", "The plugins loaded, with the modules, commands and formats each added."}}},
	{"help", "this list, or a command's usage", kam_cmd_help,
	 {{"[COMMAND]", "This list, or COMMAND's usage (as kam COMMAND --help)."},
	  {"--format man|markdown", "Print the parts of the man page and of the README that are made from the command table (make docs writes them)."}}},
};

const size_t kam_ncommands = sizeof kam_commands / sizeof kam_commands[0];

#define USAGE_LINE "kam [--db FILE] [--policy NAME|FILE] [--user NAME] [--json] COMMAND ..."

static const char OPTIONS[] =
	"usage: " USAGE_LINE "\n"
	"\n"
	"Key-account management for postal key-account centers.\n"
	"\n"
	"options:\n"
	"  --db FILE        the province database (default $KAM_DB, else ./kam.db)\n"
	"  --policy NAME    the grading policy (default: the one recorded by kam init)\n"
	"  --user NAME      who is acting (default $KAM_USER, else the login name)\n"
	"  --json           print one JSON document on stdout, errors included\n"
	"  -h, --help       this help; 'kam COMMAND --help' for a command\n"
	"  -V, --version    kam's version and those of its libraries\n";

static const char EXIT_STATUS[] =
	"exit status: 0 success, 1 the work failed, 2 wrong usage, 3 done in part\n";

const struct kam_command *kam_command_find(const char *name)
{
	for (size_t i = 0; i < kam_ncommands; i++)
		if (strcmp(kam_commands[i].name, name) == 0)
			return &kam_commands[i];
	return NULL;
}

/* The kinds, comma-separated: "customers, ledger, bureau_revenue" (and ", grades"). */
static void put_kinds(FILE *out, int export, const char *before, const char *after)
{
	int n = 0;
	for (int i = 0; kam_kinds[i]; i++)
		fprintf(out, "%s%s%s%s", n++ ? ", " : "", before, kam_kinds[i]->name, after);
	if (export) /* grades are exported, never imported: they are kam's own decisions */
		fprintf(out, "%s%sgrades%s", n ? ", " : "", before, after);
}

typedef void (*escape_fn)(FILE *out, const char *s, size_t n);

const char *kam_kind_names(int export)
{
	static char names[2][256];
	char *s = names[export != 0];
	if (!s[0]) {
		FILE *f = fmemopen(s, sizeof names[0], "w");
		if (f) {
			put_kinds(f, export, "", "");
			fclose(f);
		}
	}
	return s;
}

/* Write text with {kinds} and {export kinds} expanded, each kind between before and after;
 * the text (not the kinds' markup) through esc when given. */
static void put_text_esc(FILE *out, const char *text, const char *before, const char *after, escape_fn esc)
{
	static const char K[] = "{kinds}", EK[] = "{export kinds}";
	const char *p = text, *b;
	while ((b = strchr(p, '{'))) {
		size_t n = (size_t)(b - p) + 1;
		int export = -1;
		if (strncmp(b, K, sizeof K - 1) == 0)
			export = 0, n--;
		else if (strncmp(b, EK, sizeof EK - 1) == 0)
			export = 1, n--;
		if (esc)
			esc(out, p, n);
		else
			fwrite(p, 1, n, out);
		p += n;
		if (export >= 0) {
			put_kinds(out, export, before, after);
			p += export ? sizeof EK - 1 : sizeof K - 1;
		}
	}
	if (esc)
		esc(out, p, strlen(p));
	else
		fputs(p, out);
}

static void put_text(FILE *out, const char *text, const char *before, const char *after)
{
	put_text_esc(out, text, before, after, NULL);
}

/* text with {kinds} expanded, as a JSON string (NULL when out of memory). */
static json_t *expanded(const char *text)
{
	char *s = NULL;
	size_t n = 0;
	json_t *j;
	FILE *f = open_memstream(&s, &n);
	if (!f)
		return NULL;
	put_text(f, text, "", "");
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	j = json_stringn(s, n);
	free(s);
	return j;
}

void kam_usage(kam_ctx *ctx, FILE *out)
{
	fputs(OPTIONS, out);
	fputs("\ncommands:\n", out);
	for (size_t i = 0; i < kam_ncommands; i++) {
		fprintf(out, "  %-10s ", kam_commands[i].name);
		put_text(out, kam_commands[i].summary, "", "");
		fputc('\n', out);
	}
	if (ctx)
		kam_plugins_help(ctx, out);
	fputc('\n', out);
	fputs(EXIT_STATUS, out);
}

static json_t *kinds_json(int export)
{
	json_t *a = json_array();
	for (int i = 0; a && kam_kinds[i]; i++)
		if (json_array_append_new(a, json_string(kam_kinds[i]->name)) < 0)
			goto fail;
	if (a && export && json_array_append_new(a, json_string("grades")) < 0)
		goto fail;
	return a;
fail:
	json_decref(a);
	return NULL;
}

/* "kam NAME ARGS" as a JSON string. */
static json_t *synopsis_json(const struct kam_command *c, const struct kam_form *f)
{
	char *s = NULL;
	size_t n = 0;
	json_t *j = NULL;
	FILE *m = open_memstream(&s, &n);
	if (!m)
		return NULL;
	fprintf(m, "kam %s%s%s", c->name, *f->args ? " " : "", f->args);
	if (fclose(m) == 0)
		j = json_stringn(s, n);
	free(s);
	return j;
}

static json_t *command_json(const struct kam_command *c)
{
	json_t *forms = json_array();
	for (int j = 0; forms && j < KAM_FORMS && c->forms[j].args; j++) {
		json_t *form = json_pack("{s:o*, s:o*}", "synopsis", synopsis_json(c, &c->forms[j]), "does",
					 expanded(c->forms[j].does));
		if (!form || json_array_append_new(forms, form) < 0) {
			json_decref(forms);
			return NULL;
		}
	}
	return forms ? json_pack("{s:s, s:o*, s:o}", "name", c->name, "summary", expanded(c->summary), "forms",
				 forms)
		     : NULL;
}

int kam_usage_json(kam_ctx *ctx)
{
	json_t *cmds = json_array();
	(void)ctx;
	for (size_t i = 0; cmds && i < kam_ncommands; i++) {
		json_t *cmd = command_json(&kam_commands[i]);
		if (!cmd || json_array_append_new(cmds, cmd) < 0) {
			json_decref(cmds);
			cmds = NULL;
		}
	}
	return kam_print_json(cmds ? json_pack("{s:s, s:o, s:o*, s:o*, s:{s:s, s:s, s:s}}", "usage", USAGE_LINE,
					       "commands", cmds, "import_kinds", kinds_json(0), "export_kinds",
					       kinds_json(1), "exit_status", "0", "success", "1", "the work failed",
					       "2", "wrong usage")
				   : NULL);
}

/* ---- the generated parts of the man page and the README ---- */

/* roff: a backslash is \e, a hyphen-minus \- (options must copy and paste as typed). */
static void man_escape(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			fputs("\\e", out);
		else if (s[i] == '-')
			fputs("\\-", out);
		else
			fputc(s[i], out);
	}
}

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-' || c == '.';
}

/* A synopsis in roff: what is typed as it is in bold (kam, subcommands, options),
 * what the user replaces (KIND, FILE, ...) in italics, brackets and bars plain. */
static void man_synopsis(FILE *out, const struct kam_command *c, const char *args)
{
	const char *p = args;
	fprintf(out, "\\fBkam %s\\fR", c->name);
	if (*args)
		fputc(' ', out);
	while (*p) {
		const char *w = p;
		int upper = 1, dots = 1, placeholder;
		if (!word_char(*p)) {
			fputc(*p++, out);
			continue;
		}
		while (word_char(*p)) {
			if ((*p >= 'a' && *p <= 'z') || *p == '-')
				upper = 0;
			if (*p != '.')
				dots = 0;
			p++;
		}
		if (dots) {
			fwrite(w, 1, (size_t)(p - w), out);
			continue;
		}
		placeholder = upper || ((size_t)(p - w) == 7 && strncmp(w, "options", 7) == 0);
		fputs(placeholder ? "\\fI" : "\\fB", out);
		man_escape(out, w, (size_t)(p - w));
		fputs("\\fR", out);
	}
	fputc('\n', out);
}

static void man_commands(FILE *out)
{
	for (size_t i = 0; i < kam_ncommands; i++) {
		const struct kam_command *c = &kam_commands[i];
		for (int j = 0; j < KAM_FORMS && c->forms[j].args; j++) {
			fputs(".TP\n", out);
			man_synopsis(out, c, c->forms[j].args);
			put_text_esc(out, c->forms[j].does, "\\fB", "\\fR", man_escape);
			fputc('\n', out);
		}
	}
}

/* Markdown table cells: a bar ends the cell unless escaped, even inside backquotes. */
static void md_escape(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '|')
			fputc('\\', out);
		fputc(s[i], out);
	}
}

static void md_commands(FILE *out)
{
	/* Blank lines around: the table must not run into the markers' HTML comments. */
	fputs("\n| command | does |\n|---|---|\n", out);
	for (size_t i = 0; i < kam_ncommands; i++) {
		const struct kam_command *c = &kam_commands[i];
		for (int j = 0; j < KAM_FORMS && c->forms[j].args; j++) {
			fprintf(out, "| `kam %s%s", c->name, *c->forms[j].args ? " " : "");
			md_escape(out, c->forms[j].args, strlen(c->forms[j].args));
			fputs("` | ", out);
			put_text_esc(out, c->forms[j].does, "`", "`", md_escape);
			fputs(" |\n", out);
		}
	}
	fputc('\n', out);
}

/* ---- kam help ---- */

static const char HELP_USAGE[] =
	"usage: kam help [COMMAND]\n"
	"       kam help --format man|markdown\n"
	"Without COMMAND, the same as kam --help; with it, the same as kam COMMAND --help.\n"
	"--format prints the parts of the man page (man) and of the README's command table\n"
	"(markdown) that are made from kam's command table: `make docs` writes them into\n"
	"doc/kam.1 and README.md, and a test checks that they are there unchanged.\n";

/* `kam --json COMMAND --help`: the command's help text as {"command", "help"}.  The help
 * is written by the command itself (in C or Lua), so standard output goes to a
 * temporary file while it runs. */
int kam_help_json(kam_ctx *ctx, int argc, char **argv)
{
	const struct kam_command *c = kam_command_find(argv[0]);
	FILE *tmp;
	int saved, status = KAM_OK;
	long size;
	char *text = NULL;

	if (fflush(stdout) != 0 || !(tmp = tmpfile()))
		return kam_report_error(ctx, &(kam_err){.status = KAM_FAIL, .msg = "cannot write the help to a temporary file"});
	if ((saved = dup(STDOUT_FILENO)) < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		fclose(tmp);
		return kam_report_error(ctx, &(kam_err){.status = KAM_FAIL, .msg = "cannot redirect the help to a temporary file"});
	}
	ctx->json = 0;
	optind = 0;
	if (c)
		status = c->run(ctx, argc, argv);
	else if (!kam_plugins_dispatch(ctx, argc, argv, &status))
		status = -1;
	fflush(stdout);
	ctx->json = 1;
	if (dup2(saved, STDOUT_FILENO) < 0) {
		close(saved);
		fclose(tmp);
		return KAM_FAIL;
	}
	close(saved);
	if (status == -1) {
		fclose(tmp);
		return kam_usage_error(ctx, NULL, NULL, "unknown command '%s'", argv[0]);
	}
	if (fseek(tmp, 0, SEEK_END) == 0 && (size = ftell(tmp)) >= 0 && (text = malloc((size_t)size + 1)) &&
	    fseek(tmp, 0, SEEK_SET) == 0 && fread(text, 1, (size_t)size, tmp) == (size_t)size) {
		fclose(tmp);
		status = kam_print_json(json_pack("{s:s, s:s%}", "command", argv[0], "help", text, (size_t)size));
		free(text);
		return status;
	}
	free(text);
	fclose(tmp);
	return kam_report_error(ctx, &(kam_err){.status = KAM_FAIL, .msg = "cannot read the help back from a temporary file"});
}

int kam_cmd_help(kam_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *format = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'h': fputs(HELP_USAGE, stdout); return KAM_OK;
		default: return kam_option_error(ctx, "help", HELP_USAGE, opts, "+h", argv);
		}
	}
	if (argc - optind > 1)
		return kam_usage_error(ctx, "help", HELP_USAGE, "unexpected argument '%s'", argv[optind + 1]);
	if (format) {
		if (argc - optind > 0)
			return kam_usage_error(ctx, "help", HELP_USAGE, "--format takes no COMMAND");
		char *text = NULL;
		size_t size = 0;
		FILE *m;
		int status;
		if (strcmp(format, "man") != 0 && strcmp(format, "markdown") != 0)
			return kam_usage_error(ctx, "help", HELP_USAGE, "unknown format '%s' (man, markdown)", format);
		if (!(m = open_memstream(&text, &size)))
			return kam_report_error(ctx, &(kam_err){.status = KAM_FAIL, .msg = "out of memory"});
		if (strcmp(format, "man") == 0)
			man_commands(m);
		else
			md_commands(m);
		if (fclose(m) != 0) {
			free(text);
			return kam_report_error(ctx, &(kam_err){.status = KAM_FAIL, .msg = "out of memory"});
		}
		if (ctx->json)
			status = kam_print_json(json_pack("{s:s, s:s%}", "format", format, "text", text, size));
		else
			status = fwrite(text, 1, size, stdout) == size && fflush(stdout) == 0 ? KAM_OK : KAM_FAIL;
		free(text);
		return status;
	}
	if (argc - optind == 0) {
		if (ctx->json)
			return kam_usage_json(ctx);
		kam_usage(ctx, stdout);
		return KAM_OK;
	}
	{
		char *name = argv[optind];
		char help[] = "--help";
		char *args[] = {name, help, NULL};
		const struct kam_command *cmd = kam_command_find(name);
		int status;
		if (ctx->json)
			return kam_help_json(ctx, 2, args);
		optind = 0;
		if (cmd)
			return cmd->run(ctx, 2, args);
		if (kam_plugins_dispatch(ctx, 2, args, &status))
			return status;
		return kam_usage_error(ctx, "help", HELP_USAGE, "unknown command '%s'", name);
	}
}
