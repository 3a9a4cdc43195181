// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stallwatch: how long one CPU of the guest stood still. Pinned to CPU at
 * SCHED_FIFO, it wakes every PERIOD_US microseconds for SECS seconds and
 * records how late each wake-up was. A real-time task preempts every
 * ordinary task and thread on that CPU (a NAPI poll thread included), so
 * a wake-up late by far more than one poll's work means the CPU itself
 * did not run: under TCG, its vCPU thread descheduled by a busy host.
 * Tests that judge a path by its timing read this to tell the emulator's
 * stalls from their own failures.
 *
 *   stallwatch CPU SECS [PERIOD_US]
 *
 * SIGTERM or SIGINT ends the watch early, so a test can close it exactly
 * when it reads what the stall would explain. Prints one line when done:
 *   stall cpu CPU max_us N at_ms T over_10ms K wakeups W
 * N is the longest lateness, T when it ended (ms since the epoch), K the
 * wake-ups late by more than 10 ms.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static int number(const char *s, const char *what, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || end == s || *end || *out < lo || *out > hi) {
		fprintf(stderr, "stallwatch: %s '%s': want %ld..%ld\n", what, s, lo, hi);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sched_param sp = { .sched_priority = 50 };
	struct sigaction sa = { .sa_handler = on_stop };	/* no SA_RESTART */
	long cpu, secs, period = 1000;
	long long max_late = 0, max_at = 0, over = 0, wakeups = 0, next, end;
	struct timespec t, real;
	cpu_set_t set;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: stallwatch CPU SECS [PERIOD_US]\n");
		return 2;
	}
	if (number(argv[1], "CPU", 0, CPU_SETSIZE - 1, &cpu) ||
	    number(argv[2], "SECS", 1, 3600, &secs) ||
	    (argc == 4 && number(argv[3], "PERIOD_US", 100, 1000000, &period)))
		return 2;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "stallwatch: pin to CPU %ld: %s\n", cpu, strerror(errno));
		return 1;
	}
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL)) {
		fprintf(stderr, "stallwatch: sigaction: %s\n", strerror(errno));
		return 1;
	}
	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		fprintf(stderr, "stallwatch: SCHED_FIFO: %s\n", strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t);
	next = ns_of(&t);
	end = next + secs * 1000000000LL;
	while (next < end && !stop) {
		long long late;

		next += period * 1000LL;
		t.tv_sec = next / 1000000000LL;
		t.tv_nsec = next % 1000000000LL;
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) && stop)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		late = ns_of(&t) - next;
		wakeups++;
		if (late > 10000000LL)
			over++;
		if (late > max_late) {
			max_late = late;
			clock_gettime(CLOCK_REALTIME, &real);
			max_at = ns_of(&real) / 1000000LL;
		}
		/* after a stall, wake on the period again, not in a burst */
		if (ns_of(&t) > next)
			next = ns_of(&t);
	}
	printf("stall cpu %ld max_us %lld at_ms %lld over_10ms %lld wakeups %lld\n",
	       cpu, max_late / 1000, max_at, over, wakeups);
	return 0;
}
