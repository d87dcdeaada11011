/* timeit: run a command N times and print its median and mean wall time and its peak
 * resident memory, for the benchmarks (which compare kam with a reference in one run).
 *   timeit [-n RUNS] [-w WARMUP] [-q] [-i FILE] [-p SETUP] -- COMMAND [ARG ...]
 * prints: median_ms mean_ms min_ms max_rss_kb
 * -q sends the command's stdout to /dev/null; -i feeds FILE on its stdin; -p runs the
 * program SETUP (no arguments) before every run, untimed (e.g. copying a database). */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int run_once(char **cmd, int quiet, const char *input, double *ms, long *rss)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	pid_t pid;
	int status, rc;
	double t0;

	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (input)
		posix_spawn_file_actions_addopen(&fa, 0, input, O_RDONLY, 0);
	t0 = now_ms();
	rc = posix_spawnp(&pid, cmd[0], &fa, NULL, cmd, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "timeit: cannot run %s: %s\n", cmd[0], strerror(rc));
		return -1;
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("timeit: wait4");
		return -1;
	}
	*ms = now_ms() - t0;
	if (ru.ru_maxrss > *rss)
		*rss = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "timeit: %s failed (status %d)\n", cmd[0], status);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int runs = 10, warmup = 1, quiet = 0, c;
	const char *input = NULL;
	char *setup[2] = {NULL, NULL};
	double *t, sum = 0;
	long rss = 0;

	while ((c = getopt(argc, argv, "+n:w:qi:p:")) != -1) {
		switch (c) {
		case 'n': runs = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 'q': quiet = 1; break;
		case 'i': input = optarg; break;
		case 'p': setup[0] = optarg; break;
		default:
			fprintf(stderr, "usage: timeit [-n RUNS] [-w WARMUP] [-q] [-i FILE] [-p SETUP] -- COMMAND [ARG ...]\n");
			return 2;
		}
	}
	if (optind >= argc || runs < 1 || warmup < 0) {
		fprintf(stderr, "usage: timeit [-n RUNS] [-w WARMUP] [-q] [-i FILE] [-p SETUP] -- COMMAND [ARG ...]\n");
		return 2;
	}
	t = calloc((size_t)runs, sizeof *t);
	if (!t)
		return 1;
	for (int i = 0; i < warmup; i++) {
		double ms;
		long ignored = 0;
		if (setup[0] && run_once(setup, 1, NULL, &ms, &ignored) < 0)
			return 1;
		if (run_once(argv + optind, quiet, input, &ms, &ignored) < 0)
			return 1;
	}
	for (int i = 0; i < runs; i++) {
		double ms;
		long ignored = 0;
		if (setup[0] && run_once(setup, 1, NULL, &ms, &ignored) < 0)
			return 1;
		if (run_once(argv + optind, quiet, input, &t[i], &rss) < 0)
			return 1;
		sum += t[i];
	}
	qsort(t, (size_t)runs, sizeof *t, cmp);
	printf("%.3f %.3f %.3f %ld\n", runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2,
	       sum / runs, t[0], rss);
	free(t);
	return 0;
}
