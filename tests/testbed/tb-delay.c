/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * tb-delay IFNAME DELAY-MS: the testbed's latency, without sch_netem (not built into this
 * kernel). Creates the TUN interface IFNAME and writes every packet the kernel routes into it
 * back into the same interface DELAY-MS milliseconds later, in arrival order. Policy routing
 * (tb_delay_on in testbed.sh) sends the traffic of one link through it; a packet written back
 * comes in with iif IFNAME and is routed on as usual. Stops on SIGTERM or SIGINT and prints how
 * many packets went through on stderr.
 *
 * Plain libc and ppoll: one fixed delay means the packets leave in the order they came, so a
 * FIFO is all the scheduling needed, and ppoll's nanosecond timeout keeps every packet within
 * microseconds of its due time (poll's milliseconds would add up to 1 ms to each). It asks for a
 * real-time priority: on a busy machine an ordinary process wakes up to tens of milliseconds
 * late, and every late wake-up would lengthen a round trip.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ppoll */
#endif

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_PACKET 65536
/* a bound on what is held back: a sender faster than the link drops packets, it does not eat
 * the machine's memory */
#define MAX_QUEUED_BYTES (64u * 1024 * 1024)

typedef struct DelayedPacket DelayedPacket;
struct DelayedPacket {
    DelayedPacket *next;
    int64_t due_ns;
    size_t length;
    unsigned char data[];
};

typedef struct {
    DelayedPacket *head;
    DelayedPacket *tail;
    size_t queued_bytes;
    uint64_t received;
    uint64_t sent;
    uint64_t dropped;   /* queue full or the write failed */
    uint64_t discarded; /* still held back when tb-delay stopped */
} DelayLine;

static volatile sig_atomic_t stop_requested;

static void
on_stop_signal (int signo)
{
    (void) signo;
    stop_requested = 1;
}

static int64_t
monotonic_ns (void)
{
    struct timespec now;

    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000000000 + now.tv_nsec;
}

static int
open_tun (const char *ifname)
{
    struct ifreq request;
    int fd;

    if (strlen (ifname) >= IFNAMSIZ) {
        fprintf (stderr, "tb-delay: interface name too long: %s\n", ifname);
        return -1;
    }
    fd = open ("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        fprintf (stderr, "tb-delay: /dev/net/tun: %s\n", strerror (errno));
        return -1;
    }
    memset (&request, 0, sizeof request);
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    memcpy (request.ifr_name, ifname, strlen (ifname));
    if (ioctl (fd, TUNSETIFF, &request) < 0) {
        fprintf (stderr, "tb-delay: creating %s: %s\n", ifname, strerror (errno));
        close (fd);
        return -1;
    }
    return fd;
}

static void
delay_line_push (DelayLine *line, const unsigned char *data, size_t length, int64_t due_ns)
{
    DelayedPacket *packet;

    if (line->queued_bytes + length > MAX_QUEUED_BYTES) {
        line->dropped++;
        return;
    }
    packet = malloc (sizeof *packet + length);
    if (packet == NULL) {
        line->dropped++;
        return;
    }
    packet->next = NULL;
    packet->due_ns = due_ns;
    packet->length = length;
    memcpy (packet->data, data, length);
    if (line->tail != NULL)
        line->tail->next = packet;
    else
        line->head = packet;
    line->tail = packet;
    line->queued_bytes += length;
}

static void
delay_line_pop (DelayLine *line)
{
    DelayedPacket *packet = line->head;

    line->head = packet->next;
    if (line->head == NULL)
        line->tail = NULL;
    line->queued_bytes -= packet->length;
    free (packet);
}

/* reads whatever the kernel has queued on the TUN */
static void
take_packets (DelayLine *line, int fd, int64_t delay_ns)
{
    static unsigned char buffer[MAX_PACKET];

    for (;;) {
        ssize_t n = read (fd, buffer, sizeof buffer);

        if (n <= 0)
            return;
        line->received++;
        delay_line_push (line, buffer, (size_t) n, monotonic_ns () + delay_ns);
    }
}

/* writes back every packet whose time has come */
static void
release_due_packets (DelayLine *line, int fd)
{
    int64_t now = monotonic_ns ();

    while (line->head != NULL && line->head->due_ns <= now) {
        if (write (fd, line->head->data, line->head->length) == (ssize_t) line->head->length)
            line->sent++;
        else
            line->dropped++;
        delay_line_pop (line);
    }
}

static int
parse_delay_ms (const char *text, int64_t *delay_ns)
{
    char *end = NULL;
    double ms;

    errno = 0;
    ms = strtod (text, &end);
    if (errno != 0 || end == text || *end != '\0' || ms < 0 || ms > 10000)
        return -1;
    *delay_ns = (int64_t) (ms * 1000000.0);
    return 0;
}

int
main (int argc, char **argv)
{
    DelayLine line = { 0 };
    struct sigaction stop_action = { 0 };
    int64_t delay_ns;
    int fd;

    if (argc != 3 || parse_delay_ms (argv[2], &delay_ns) < 0) {
        fprintf (stderr, "usage: tb-delay IFNAME DELAY-MS   (0 <= DELAY-MS <= 10000)\n");
        return 2;
    }
    fd = open_tun (argv[1]);
    if (fd < 0)
        return 1;

    /* best effort: without it (no privilege) the delay is only as exact as the scheduler */
    {
        struct sched_param priority = { .sched_priority = 10 };

        if (sched_setscheduler (0, SCHED_FIFO, &priority) < 0)
            fprintf (stderr, "tb-delay: no real-time priority (%s): delays may run late\n",
                     strerror (errno));
    }

    /* no SA_RESTART: the signal interrupts ppoll */
    stop_action.sa_handler = on_stop_signal;
    sigaction (SIGTERM, &stop_action, NULL);
    sigaction (SIGINT, &stop_action, NULL);

    while (!stop_requested) {
        struct pollfd readable = { .fd = fd, .events = POLLIN };
        struct timespec wait_time;
        struct timespec *timeout = NULL;

        if (line.head != NULL) {
            int64_t left = line.head->due_ns - monotonic_ns ();

            if (left < 0)
                left = 0;
            wait_time.tv_sec = left / 1000000000;
            wait_time.tv_nsec = left % 1000000000;
            timeout = &wait_time;
        }
        if (ppoll (&readable, 1, timeout, NULL) < 0 && errno != EINTR) {
            fprintf (stderr, "tb-delay: poll: %s\n", strerror (errno));
            break;
        }
        /* the device is gone (its namespace deleted before we were stopped): nothing more to do,
         * and polling on would spin at real-time priority */
        if (readable.revents & (POLLERR | POLLHUP | POLLNVAL)) {
            fprintf (stderr, "tb-delay: the TUN device went away\n");
            break;
        }
        if (readable.revents & POLLIN)
            take_packets (&line, fd, delay_ns);
        release_due_packets (&line, fd);
    }

    while (line.head != NULL) {
        line.discarded++;
        delay_line_pop (&line);
    }
    close (fd);
    fprintf (stderr, "tb-delay %s: %llu received, %llu sent, %llu dropped, %llu discarded at exit\n",
             argv[1], (unsigned long long) line.received, (unsigned long long) line.sent,
             (unsigned long long) line.dropped, (unsigned long long) line.discarded);
    return 0;
}
