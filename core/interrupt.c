/* Ctrl-C for the commands written in C: a flag, and the database's statement interrupted. */
#include "interrupt.h"

#include <signal.h>
#include <stddef.h>

#include "ctx.h"

static volatile sig_atomic_t caught;
static struct kam_ctx *volatile watched;

static void on_sigint(int sig)
{
	(void)sig;
	caught = 1;
	/* sqlite3_interrupt only sets a flag the running statement checks. */
	if (watched && watched->db && watched->db->h)
		sqlite3_interrupt(watched->db->h);
}

void kam_interrupt_catch(struct kam_ctx *ctx)
{
	struct sigaction sa;

	watched = ctx;
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = (int)SA_RESETHAND; /* one-shot; no SA_RESTART: a blocked pipe returns */
	sigaction(SIGINT, &sa, NULL);
}

int kam_interrupted(void)
{
	return caught != 0;
}

void kam_interrupt_note(void)
{
	caught = 1;
}
