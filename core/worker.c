#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include "interrupt.h"

/* One message each way: a header, then `len` bytes. */
#define MAGIC 0x6b616d77u          /* "kamw" */
enum { OP_MODULE = 1, OP_CALL = 2, OP_SETUP = 3 };
enum { REPLY_OK = 0, REPLY_ERROR = 1, REPLY_BROKEN = 2 };   /* broken: discard the worker */

struct msg_head {
	uint32_t magic, kind;
	uint64_t len;
};

/* Shared between the host and its child; the child writes, the host only reads. */
struct kam_wpage {
	_Atomic unsigned long progress;
	_Atomic long item;
	_Atomic int stage;      /* in a chain (kam_call.then): 0 while fname runs, 1 while then */
	_Atomic int finalizer;  /* a finalizer (__gc) is running: the item is not its own */
	_Atomic int started;    /* the new program runs: the deadline applies from now on */
};

struct kam_worker {
	char *name;
	char *src;
	size_t len;
	kam_sandbox_limits lim;
	pid_t pid;              /* 0: no worker process now */
	int fd;
	struct kam_wpage *page; /* shared with the worker through page_fd (a memfd) */
	int page_fd;
	kam_buf scratch;
};

/* ======== the child ======== */

/* Sanitizer runtimes make system calls of their own (to report, to symbolize): no
 * filter in those builds. */
#if defined(__SANITIZE_ADDRESS__)
#define KAM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KAM_SANITIZED 1
#endif
#endif

#if defined(__x86_64__)
#define KAM_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define KAM_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS SECCOMP_RET_KILL
#endif

#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

/* Defence in depth should a script ever get native code running: the child may read
 * and write its socket and stderr, manage memory, and exit; anything else kills it. */
static void seccomp_lock(void)
{
#if defined(KAM_AUDIT_ARCH) && !defined(KAM_SANITIZED)
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, KAM_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
		/* the x32 ABI shares the architecture number */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
		ALLOW(__NR_read), ALLOW(__NR_write), ALLOW(__NR_writev),
		ALLOW(__NR_exit), ALLOW(__NR_exit_group),
		ALLOW(__NR_brk), ALLOW(__NR_mmap), ALLOW(__NR_munmap), ALLOW(__NR_mremap),
		ALLOW(__NR_madvise), ALLOW(__NR_rt_sigreturn), ALLOW(__NR_rt_sigprocmask),
		ALLOW(__NR_clock_gettime), ALLOW(__NR_gettimeofday), ALLOW(__NR_futex),
		ALLOW(__NR_getpid), ALLOW(__NR_gettid), ALLOW(__NR_getrusage),
		ALLOW(__NR_getrlimit), ALLOW(__NR_setrlimit), ALLOW(__NR_prlimit64),
		ALLOW(__NR_restart_syscall),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};

	/* Kernels without seccomp: carry on with the other walls. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
		prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
#endif
}

struct child {
	int fd;
	struct kam_wpage *page;
	unsigned long progress;
	kam_buf in, out;
};

/* item < 0: the second function of a chain starts on item -item. */
static void bump(void *ud, long item)
{
	struct child *c = ud;
	if (item == KAM_SANDBOX_FINALIZER || item == KAM_SANDBOX_FINALIZER_DONE) {
		atomic_store_explicit(&c->page->finalizer, item == KAM_SANDBOX_FINALIZER, memory_order_relaxed);
		atomic_store_explicit(&c->page->progress, ++c->progress, memory_order_relaxed);
		return;
	}
	atomic_store_explicit(&c->page->stage, item < 0, memory_order_relaxed);
	atomic_store_explicit(&c->page->item, item < 0 ? -item : item, memory_order_relaxed);
	atomic_store_explicit(&c->page->progress, ++c->progress, memory_order_relaxed);
}

static void read_all(int fd, void *p, size_t n)
{
	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			_exit(0);    /* the host went away */
		p = (char *)p + r;
		n -= (size_t)r;
	}
}

static void reply(struct child *c, uint32_t kind, const void *data, size_t len)
{
	struct msg_head h = {MAGIC, kind, len};
	struct iovec iov[2] = {{&h, sizeof h}, {(void *)data, len}};
	int n = 2;
	struct iovec *v = iov;

	while (n > 0) {
		ssize_t r = writev(c->fd, v, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			_exit(0);
		while (n > 0 && (size_t)r >= v->iov_len) {
			r -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + r;
			v->iov_len -= (size_t)r;
		}
	}
}

/* The error record itself, fields and all: the host checks it (take_error). */
static void reply_err(struct child *c, kam_sandbox *sb, const kam_err *e)
{
	reply(c, sb && !kam_sandbox_broken(sb) ? REPLY_ERROR : REPLY_BROKEN, e, sizeof *e);
}

static void reply_malformed(struct child *c)
{
	kam_err e;
	kam_errf(&e, "malformed request");
	reply_err(c, NULL, &e);
}

/* RLIMIT_CPU as a backstop should the host stop watching: the CPU time used so far,
 * plus the time the next step may legitimately take, plus slack. */
static void cpu_backstop(const kam_sandbox_limits *lim, unsigned long items)
{
	struct rusage ru;
	struct rlimit rl;
	rlim_t want;

	if (getrusage(RUSAGE_SELF, &ru) < 0 || getrlimit(RLIMIT_CPU, &rl) < 0)
		return;
	want = (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec + 10 +
	       (rlim_t)((items + 1) * (unsigned long)lim->time_ms / 1000);
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	rl.rlim_cur = want;
	setrlimit(RLIMIT_CPU, &rl);
}

/* Leave the socket on descriptor 3, the shared page on 4 and stderr; close the rest. */
static int child_fds(int sock, int page)
{
	int s = fcntl(sock, F_DUPFD, 10), p = fcntl(page, F_DUPFD, 10);
	if (s < 0 || p < 0 || dup2(s, 3) < 0 || dup2(p, 4) < 0)
		return -1;
	close(0);
	close(1);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 5u, ~0u, 0u) == 0)
		return 3;
#endif
	for (int fd = 5; fd < 65536; fd++)
		close(fd);
	return 3;
}

/* Best effort, each of them: a wall that cannot be raised leaves the others and the
 * host's deadline standing. */
static void child_limits(void)
{
	struct rlimit zero = {0, 0}, files = {16, 16};
	int sig;

	setrlimit(RLIMIT_CORE, &zero);
	setrlimit(RLIMIT_FSIZE, &zero);
	setrlimit(RLIMIT_NOFILE, &files);
	/* The host's handlers mean nothing here; Ctrl-C stops the worker with the host. */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	/* Writing to a stderr redirected to a file fails rather than killing us. */
	signal(SIGXFSZ, SIG_IGN);
	{
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
}

/* A name of the request: 4 bytes of length, then the bytes; "" allowed when may_be_empty. */
static int take_name(const unsigned char **p, const unsigned char *end, char *out, size_t size, int may_be_empty)
{
	uint32_t len;
	if (end - *p < 4)
		return -1;
	memcpy(&len, *p, 4);
	*p += 4;
	if ((!len && !may_be_empty) || len >= size || (size_t)(end - *p) < len)
		return -1;
	memcpy(out, *p, len);
	out[len] = '\0';
	*p += len;
	return 0;
}

static void call_op(struct child *c, kam_sandbox *sb, const kam_sandbox_limits *lim)
{
	const unsigned char *p = c->in.data, *end = c->in.data + c->in.len;
	char fname[256], then[256];
	kam_call call = {fname, NULL, 0};
	uint32_t flags, narr = 0, nhash;
	uint64_t slen;
	kam_err e;
	kam_rd rd;

	if (end - p < 4)
		goto bad;
	memcpy(&flags, p, 4);
	call.flags = flags;
	p += 4;
	if (take_name(&p, end, fname, sizeof fname, 0) < 0 || take_name(&p, end, then, sizeof then, 1) < 0)
		goto bad;
	if (then[0])
		call.then = then;
	if (end - p < 8)
		goto bad;
	memcpy(&slen, p, 8);
	p += 8;
	if ((uint64_t)(end - p) < slen)
		goto bad;
	kam_rd_init(&rd, p + slen, (size_t)(end - p - slen));
	if (kam_rd_table(&rd, &narr, &nhash, NULL) < 0)
		narr = 0;
	cpu_backstop(lim, narr);
	kam_buf_reset(&c->out);
	if (kam_sandbox_call(sb, &call, p, (size_t)slen, p + slen, (size_t)(end - p - slen),
			     &c->out, bump, c, &e) < 0) {
		reply_err(c, sb, &e);
		return;
	}
	bump(c, 0);
	reply(c, REPLY_OK, c->out.data, c->out.len);
	return;
bad:
	reply_malformed(c);
}

/* What the host sends a new worker first: its limits and its chunk. */
struct setup_head {
	kam_sandbox_limits lim;
	uint32_t name_len;
	uint64_t src_len;
};

/* The fork's side: become a new program, so that the worker holds nothing of the host's
 * memory (archives, discounts) but what it is sent.  Never returns. */
__attribute__((noreturn))
static void child_exec(kam_worker *w, int sock, pid_t host)
{
	static char arg0[] = "kam-worker", arg1[] = KAM_WORKER_ARG;
	char *const argv[] = {arg0, arg1, NULL};
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != host)
		_exit(0);
	if (child_fds(sock, w->page_fd) < 0)
		_exit(127);
	execv("/proc/self/exe", argv);
	_exit(127);
}

int kam_worker_exec_main(void)
{
	struct child c = {0};
	struct msg_head h;
	struct setup_head sh;
	kam_sandbox *sb;
	kam_sandbox_limits lim;
	char *name, *src;
	kam_err e;

	c.fd = 3;
	c.page = mmap(NULL, sizeof *c.page, PROT_READ | PROT_WRITE, MAP_SHARED, 4, 0);
	if (c.page == MAP_FAILED)
		_exit(127);
	close(4);
	atomic_store(&c.page->started, 1);
	read_all(c.fd, &h, sizeof h);
	if (h.magic != MAGIC || h.kind != OP_SETUP || h.len < sizeof sh || h.len > KAM_BUF_MAX)
		_exit(1);
	read_all(c.fd, &sh, sizeof sh);
	if (sh.name_len == 0 || sh.name_len > 4096 || sh.src_len != h.len - sizeof sh - sh.name_len ||
	    !(name = malloc(sh.name_len + 1)) || !(src = malloc(sh.src_len + 1)))
		_exit(1);
	read_all(c.fd, name, sh.name_len);
	name[sh.name_len] = '\0';
	read_all(c.fd, src, (size_t)sh.src_len);
	lim = sh.lim;
	child_limits();
	cpu_backstop(&lim, 0);
	bump(&c, 0);

	sb = kam_sandbox_new(&lim, &e);
	if (!sb) {
		reply_err(&c, NULL, &e);
		_exit(0);
	}
	seccomp_lock();
	bump(&c, 0);
	if (kam_sandbox_load(sb, name, src, (size_t)sh.src_len, &e) < 0) {
		reply_err(&c, NULL, &e);
		_exit(0);
	}
	bump(&c, 0);
	reply(&c, REPLY_OK, NULL, 0);

	for (;;) {
		read_all(c.fd, &h, sizeof h);
		if (h.magic != MAGIC || h.len > KAM_BUF_MAX)
			_exit(1);
		kam_buf_reset(&c.in);
		if (kam_buf_reserve(&c.in, (size_t)h.len) < 0)
			_exit(1);
		read_all(c.fd, c.in.data, (size_t)h.len);
		c.in.len = (size_t)h.len;
		bump(&c, 0);
		if (h.kind == OP_CALL) {
			call_op(&c, sb, &lim);
		} else if (h.kind == OP_MODULE) {
			cpu_backstop(&lim, 0);
			kam_buf_reset(&c.out);
			if (kam_sandbox_module(sb, &c.out, &e) < 0)
				reply_err(&c, sb, &e);
			else
				reply(&c, REPLY_OK, c.out.data, c.out.len);
		} else {
			_exit(1);
		}
		if (kam_sandbox_broken(sb))
			_exit(0);
	}
}

/* ======== the host ======== */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void describe_status(int status, kam_err *e)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) {
		/* Ctrl-C reaches the whole foreground process group, and may stop the worker
		 * before the host notices; or someone interrupted the worker alone.  Either
		 * way the user stopped the work: an interruption, not the policy's crash. */
		kam_interrupt_note();
		kam_errf(e, "interrupted");
	} else if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		char what[64];
		const char *s = strsignal(sig);
		size_t i;
		snprintf(what, sizeof what, "%s", s ? s : "unknown signal");
		for (i = 0; what[i]; i++)
			if (what[i] >= 'A' && what[i] <= 'Z')
				what[i] = (char)(what[i] - 'A' + 'a');
		kam_errf(e, "worker crashed (%s)", what);
	} else if (WIFEXITED(status)) {
		kam_errf(e, "worker exited with status %d", WEXITSTATUS(status));
	} else {
		kam_errf(e, "worker stopped");
	}
}

/* Wait for the worker to go: a moment for it to exit on its own (to learn why), then
 * SIGKILL.  e (may be NULL) gets how it ended. */
static void reap(kam_worker *w, int kill_now, kam_err *e)
{
	int status = 0, i;
	pid_t r = 0;

	if (!w->pid)
		return;
	for (i = 0; !kill_now && i < 200; i++) {
		r = waitpid(w->pid, &status, WNOHANG);
		if (r != 0)
			break;
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	if (r == 0 || kill_now) {
		kill(w->pid, SIGKILL);
		do
			r = waitpid(w->pid, &status, 0);
		while (r < 0 && errno == EINTR);
	}
	if (e) {
		if (r == w->pid)
			describe_status(status, e);
		else
			kam_errf(e, "worker exited");
	}
	close(w->fd);
	w->fd = -1;
	w->pid = 0;
}

/* Send the request and read one reply into `in`, keeping the deadline.  -1 when the
 * worker died or was stopped (it is gone then; e says how, without a place). */
static int transact(kam_worker *w, struct iovec *iov, int iovcnt, kam_buf *in, uint32_t *kind,
		    kam_err *e)
{
	struct msg_head h;
	size_t hgot = 0, want = 0;
	unsigned long seen = atomic_load_explicit(&w->page->progress, memory_order_relaxed);
	long long last = now_ms();
	int slice = w->lim.time_ms / 10;

	if (slice < 5)
		slice = 5;
	if (slice > 50)
		slice = 50;
	kam_buf_reset(in);
	while (iovcnt > 0 && iov->iov_len == 0) {
		iov++;
		iovcnt--;
	}
	for (;;) {
		struct pollfd pfd = {w->fd, (short)(POLLIN | (iovcnt ? POLLOUT : 0)), 0};
		int moved = 0, r;
		unsigned long cur;

		r = poll(&pfd, 1, slice);
		if (r < 0 && errno != EINTR) {
			kam_errf(e, "poll: %s", strerror(errno));
			reap(w, 1, NULL);
			return -1;
		}
		if (r > 0 && (pfd.revents & POLLOUT) && iovcnt) {
			struct msghdr m = {0};
			ssize_t n;
			m.msg_iov = iov;
			m.msg_iovlen = (size_t)iovcnt;
			n = sendmsg(w->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				goto dead;
			if (n > 0)
				moved = 1;
			while (n > 0) {
				size_t k = (size_t)n < iov->iov_len ? (size_t)n : iov->iov_len;
				iov->iov_base = (char *)iov->iov_base + k;
				iov->iov_len -= k;
				n -= (ssize_t)k;
				while (iovcnt > 0 && iov->iov_len == 0) {
					iov++;
					iovcnt--;
				}
			}
		}
		if (r > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR))) {
			for (;;) {
				ssize_t n;
				if (hgot < sizeof h) {
					n = recv(w->fd, (char *)&h + hgot, sizeof h - hgot, MSG_DONTWAIT);
				} else {
					size_t chunk = want - in->len > (4u << 20) ? 4u << 20 : want - in->len;
					if (chunk == 0)
						break;
					if (kam_buf_reserve(in, chunk) < 0) {
						kam_errf(e, "worker reply: out of memory");
						reap(w, 1, NULL);
						return -1;
					}
					n = recv(w->fd, in->data + in->len, chunk, MSG_DONTWAIT);
				}
				if (n == 0)
					goto dead;
				if (n < 0) {
					if (errno == EAGAIN || errno == EINTR)
						break;
					goto dead;
				}
				moved = 1;
				if (hgot < sizeof h) {
					hgot += (size_t)n;
					if (hgot == sizeof h) {
						if (h.magic != MAGIC || h.len > KAM_BUF_MAX || h.kind > REPLY_BROKEN) {
							kam_errf(e, "worker sent a malformed reply");
							reap(w, 1, NULL);
							return -1;
						}
						want = (size_t)h.len;
					}
				} else {
					in->len += (size_t)n;
				}
				if (hgot == sizeof h && in->len == want)
					break;
			}
			if (hgot == sizeof h && in->len == want) {
				if (iovcnt) {
					kam_errf(e, "worker replied before reading the request");
					reap(w, 1, NULL);
					return -1;
				}
				*kind = h.kind;
				return 0;
			}
		}
		if (kam_interrupted()) {
			/* Ctrl-C caught by the host: the worker goes, the work stops. */
			reap(w, 1, NULL);
			kam_errf(e, "interrupted");
			return -1;
		}
		cur = atomic_load_explicit(&w->page->progress, memory_order_relaxed);
		if (cur != seen) {
			seen = cur;
			moved = 1;
		}
		/* Until the new program runs (exec and the dynamic loader: the machine's speed, not
		 * the script's) the deadline waits. */
		if (moved || !atomic_load_explicit(&w->page->started, memory_order_relaxed)) {
			last = now_ms();
		} else if (now_ms() - last >= w->lim.time_ms) {
			reap(w, 1, NULL);
			kam_errf(e, "stopped after %d ms (time limit)", w->lim.time_ms);
			return -1;
		}
	}
dead:
	reap(w, 0, e);
	return -1;
}

/* The error record a worker sent, checked: a compromised child could send anything, so
 * every string ends inside its field, the message has no control characters, and the
 * items named are among the nitems sent (nitems < 0: none). */
static void take_error(kam_err *e, const kam_buf *in, long nitems)
{
	kam_err got;
	size_t n;

	if (in->len != sizeof got) {
		kam_errf(e, "worker sent a malformed error");
		return;
	}
	memcpy(&got, in->data, sizeof got);
	got.msg[sizeof got.msg - 1] = '\0';
	got.where.file[sizeof got.where.file - 1] = '\0';
	got.where.field[sizeof got.where.field - 1] = '\0';
	got.function[sizeof got.function - 1] = '\0';
	got.traceback[sizeof got.traceback - 1] = '\0';
	n = strlen(got.msg);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)got.msg[i];
		if (ch < 0x20 && ch != '\n' && ch != '\t')
			got.msg[i] = '?';
	}
	if (got.status != KAM_USAGE)
		got.status = KAM_FAIL;
	if (got.first < 1 || got.last < got.first || got.last > nitems)
		got.first = got.last = 0;
	if (!got.first || got.items_at > n || got.items_len > n - got.items_at)
		got.items_at = got.items_len = 0;
	got.customer = 0;
	got.interrupted = 0;
	*e = got;
}

/* Put the place of a request the host saw fail (a limit, a crash) in front of e: the
 * chunk, the module, or the call's function and item as the shared page tells. */
static void name_place(const kam_worker *w, const kam_call *call, long nitems, kam_err *e)
{
	long item = atomic_load_explicit(&w->page->item, memory_order_relaxed);
	int stage = atomic_load_explicit(&w->page->stage, memory_order_relaxed);
	struct kam_err_call c = {w->name, NULL, NULL, nitems < 0 ? "module" : NULL, 0, 0, NULL};

	if (call && nitems >= 0) {
		c.function = call->then && stage ? call->then : call->fname;
		if (atomic_load_explicit(&w->page->finalizer, memory_order_relaxed) && nitems > 1) {
			/* Collected garbage may be any earlier item's: the batch is all that is known. */
			c.first = 1;
			c.last = nitems;
			c.note = "(a finalizer (__gc) was running: which call left it cannot be told)";
		} else if (item > 0 && item <= nitems) {
			c.first = c.last = item;
		}
	}
	kam_err_call_prefix(e, &c);
}

static int spawn(kam_worker *w, kam_err *e)
{
	int sv[2], size = 1 << 20;
	pid_t host = getpid(), pid;
	uint32_t kind;
	struct setup_head sh;
	struct msg_head h = {MAGIC, OP_SETUP, 0};
	struct iovec iov[4];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return kam_errf(e, "%s: cannot start a worker: %s", w->name, strerror(errno));
	atomic_store(&w->page->item, 0);
	atomic_store(&w->page->started, 0);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		child_exec(w, sv[1], host);
	}
	if (pid < 0) {
		int err = errno;
		close(sv[0]);
		close(sv[1]);
		return kam_errf(e, "%s: cannot start a worker: %s", w->name, strerror(err));
	}
	close(sv[1]);
	w->fd = sv[0];
	w->pid = pid;
	/* Bigger buffers: fewer wake-ups for a batch of a few megabytes; best effort. */
	setsockopt(w->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	setsockopt(w->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	if (fcntl(w->fd, F_SETFL, O_NONBLOCK) < 0) {
		reap(w, 1, NULL);
		return kam_errf(e, "%s: cannot start a worker: %s", w->name, strerror(errno));
	}
	/* The new program is told its limits and its chunk, and answers when it has run it. */
	memset(&sh, 0, sizeof sh);
	sh.lim = w->lim;
	sh.name_len = (uint32_t)strlen(w->name);
	sh.src_len = w->len;
	h.len = sizeof sh + sh.name_len + w->len;
	iov[0] = (struct iovec){&h, sizeof h};
	iov[1] = (struct iovec){&sh, sizeof sh};
	iov[2] = (struct iovec){w->name, sh.name_len};
	iov[3] = (struct iovec){w->src, w->len};
	if (transact(w, iov, 4, &w->scratch, &kind, e) < 0) {
		name_place(w, NULL, 0, e);
		return -1;
	}
	if (kind != REPLY_OK) {
		take_error(e, &w->scratch, -1);
		reap(w, 1, NULL);
		return -1;
	}
	return 0;
}

int kam_worker_open(kam_worker **out, const char *name, const char *src, size_t len,
		    const kam_sandbox_limits *lim, kam_err *e)
{
	kam_worker *w = calloc(1, sizeof *w);

	*out = NULL;
	if (!w)
		return kam_errf(e, "%s: out of memory", name);
	w->fd = -1;
	w->page_fd = -1;
	kam_buf_init(&w->scratch);
	kam_sandbox_limits_fill(&w->lim, lim);
	w->name = strdup(name);
	w->src = malloc(len ? len : 1);
	/* The page the worker reports its progress on: a memfd it maps after exec. */
	w->page_fd = memfd_create("kam-worker", MFD_CLOEXEC);
	if (w->page_fd < 0 || ftruncate(w->page_fd, sizeof *w->page) < 0 ||
	    (w->page = mmap(NULL, sizeof *w->page, PROT_READ | PROT_WRITE, MAP_SHARED, w->page_fd, 0)) == MAP_FAILED) {
		int err = errno;
		w->page = NULL;
		kam_worker_close(w);
		return kam_errf(e, "%s: cannot start a worker: %s", name, strerror(err));
	}
	if (!w->name || !w->src) {
		kam_worker_close(w);
		return kam_errf(e, "%s: out of memory", name);
	}
	memcpy(w->src, src, len);
	w->len = len;
	if (spawn(w, e) < 0) {
		kam_worker_close(w);
		return -1;
	}
	*out = w;
	return 0;
}

/* Send one request and take the reply; handles everything but a successful reply. */
static int request(kam_worker *w, const kam_call *call, long nitems, struct iovec *iov, int iovcnt,
		   kam_buf *in, kam_err *e)
{
	uint32_t kind;

	if (!w->pid && spawn(w, e) < 0)
		return -1;
	atomic_store(&w->page->item, 0);
	atomic_store(&w->page->stage, 0);
	atomic_store(&w->page->finalizer, 0);
	if (transact(w, iov, iovcnt, in, &kind, e) < 0) {
		name_place(w, call, nitems, e);
		kam_buf_reset(in);
		return -1;
	}
	if (kind != REPLY_OK) {
		take_error(e, in, nitems);
		kam_buf_reset(in);
		if (kind == REPLY_BROKEN)
			reap(w, 1, NULL);
		return -1;
	}
	return 0;
}

int kam_worker_module(kam_worker *w, kam_buf *out, kam_err *e)
{
	struct msg_head h = {MAGIC, OP_MODULE, 0};
	struct iovec iov = {&h, sizeof h};

	return request(w, NULL, -1, &iov, 1, out, e);
}

int kam_worker_call(kam_worker *w, const kam_call *call, const kam_buf *shared,
		    const kam_buf *items, kam_buf *results, kam_err *e)
{
	struct msg_head h = {MAGIC, OP_CALL, 0};
	const char *fname = call->fname ? call->fname : "";
	uint32_t flen = (uint32_t)strlen(fname), tlen = call->then ? (uint32_t)strlen(call->then) : 0, narr, nhash,
		 rn, rh;
	uint64_t slen = shared ? shared->len : 0;
	unsigned char head[sizeof h + 8];
	struct iovec iov[7];
	struct kam_err_call place = {w->name, fname, call->then, NULL, 0, 0, NULL};
	kam_err ignore;
	kam_rd rd;

	kam_buf_reset(results);
	if (flen == 0 || flen > 255 || tlen > 255)
		return kam_usagef(e, "%s: bad function name '%s'", w->name, flen > 255 ? fname : tlen ? call->then : fname);
	if (!items || kam_buf_check(items, "items", e) < 0 ||
	    (shared && kam_buf_check(shared, "shared value", e) < 0)) {
		if (!items)
			kam_errf(e, "no items");
		kam_err_call_prefix(e, &place);
		return -1;
	}
	kam_rd_init(&rd, items->data, items->len);
	if (kam_rd_table(&rd, &narr, &nhash, e) < 0 || nhash != 0) {
		if (nhash != 0)
			kam_errf(e, "items must be an array (keys 1..n only)");
		kam_err_call_prefix(e, &place);
		return -1;
	}
	h.len = 4 + 4 + flen + 4 + tlen + 8 + slen + items->len;
	memcpy(head, &h, sizeof h);
	memcpy(head + sizeof h, &(uint32_t){call->flags}, 4);
	memcpy(head + sizeof h + 4, &flen, 4);
	iov[0] = (struct iovec){head, sizeof head};
	iov[1] = (struct iovec){(void *)fname, flen};
	iov[2] = (struct iovec){&tlen, 4};
	iov[3] = (struct iovec){(void *)(call->then ? call->then : ""), tlen};
	iov[4] = (struct iovec){&slen, 8};
	iov[5] = (struct iovec){shared ? shared->data : NULL, (size_t)slen};
	iov[6] = (struct iovec){items->data, items->len};
	if (request(w, call, narr, iov, 7, results, e) < 0)
		return -1;
	/* A compromised child could send anything: at least the shape must be right. */
	kam_rd_init(&rd, results->data, results->len);
	if (kam_rd_table(&rd, &rn, &rh, &ignore) < 0 || rn != narr || rh != 0) {
		kam_buf_reset(results);
		reap(w, 1, NULL);
		kam_errf(e, "worker sent malformed results");
		kam_err_call_prefix(e, &place);
		return -1;
	}
	return 0;
}

void kam_worker_close(kam_worker *w)
{
	if (!w)
		return;
	reap(w, 1, NULL);
	if (w->page)
		munmap(w->page, sizeof *w->page);
	if (w->page_fd >= 0)
		close(w->page_fd);
	kam_buf_free(&w->scratch);
	free(w->name);
	free(w->src);
	free(w);
}

const char *kam_worker_name(const kam_worker *w)
{
	return w->name;
}

int kam_worker_pid(const kam_worker *w)
{
	return (int)w->pid;
}
