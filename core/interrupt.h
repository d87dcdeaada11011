/* Ctrl-C for the commands that stop cleanly (import, export, grade).  The handler only
 * records the signal and interrupts the database's running statement (SQLite allows that
 * from anywhere); the work checks kam_interrupted() where it loops and stops; the command
 * rolls back and says "interrupted" and what was kept.  The handler is one-shot: a second
 * Ctrl-C kills the process the usual way.  It is installed without SA_RESTART, so that a
 * read or write blocked on a pipe returns instead of waiting on.
 *
 * A policy's worker killed by a SIGINT of its own (Ctrl-C reaches the whole foreground
 * process group, or someone signalled the worker alone) is an interruption too, never the
 * policy's crash: the worker records it with kam_interrupt_note(). */
#ifndef KAM_INTERRUPT_H
#define KAM_INTERRUPT_H

struct kam_ctx;

/* Catch SIGINT from now on; the statement running on ctx's database (opened now or later)
 * is interrupted when it comes. */
void kam_interrupt_catch(struct kam_ctx *ctx);
/* Nonzero once a SIGINT was caught or noted. */
int kam_interrupted(void);
/* Forget an interruption handled (the REPL, after each entry). */
void kam_interrupt_reset(void);
/* Record an interruption that did not come through the handler. */
void kam_interrupt_note(void);

#endif
