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
	if (watched)
		kam_db_interrupt(watched->db);
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

void kam_interrupt_reset(void)
{
	caught = 0;
}
