// C baseline for the nanomsg-ts benchmarks, against the system libnanomsg.
//
// It speaks the same line protocol on stdout/stdin as the Node peers
// (bench/src/peer.mjs), so the driver (bench/src/main.mjs) runs both alike:
// a binding side prints READY once bound; a connecting side prints LOADED and
// connects when it reads "go ADDR"; the measuring side prints RESULT {json}.
// Built by bench/src/setup.mjs with cc and pkg-config.
//
//   nnbench thr-recv ADDR SIZE COUNT WARM   PULL binds, times COUNT messages after WARM
//   nnbench thr-send SIZE TOTAL             PUSH connects, sends TOTAL, stays until stdin ends
//   nnbench lat-rep  ADDR SIZE              REP binds and echoes until killed
//   nnbench lat-req  SIZE COUNT WARM        REQ connects, times COUNT round trips after WARM
//   nnbench thr-inproc SIZE COUNT WARM      both ends in one process, two threads
//   nnbench thr-inproc-1t SIZE COUNT WARM   both ends in one thread (non-blocking calls)
//   nnbench lat-inproc SIZE COUNT WARM      both ends in one process, two threads
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <nanomsg/nn.h>
#include <nanomsg/pipeline.h>
#include <nanomsg/reqrep.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double clock_s(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

// CPU time of the whole process (all threads, the library's worker included).
static double cpu_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

// CPU time of the main thread alone (the one that calls the library), read
// from any thread: the rest of the process's time is the library's worker.
static clockid_t main_clock;
static double main_cpu_s(void) { return clock_s(main_clock); }

// Wall and CPU seconds of a timed stretch (the whole process, the main thread).
struct timing {
  double elapsed;
  double cpu;
  double cpu_main;
};

static void die(const char *what) {
  int err = nn_errno();
  printf("ERROR {\"message\":\"%s: %s\",\"errno\":%d,\"addrinuse\":%s}\n", what, nn_strerror(err),
         err, err == EADDRINUSE ? "true" : "false");
  fflush(stdout);
  exit(err == EADDRINUSE ? 3 : 1);
}

static int open_socket(int protocol) {
  int s = nn_socket(AF_SP, protocol);
  if (s < 0) die("nn_socket");
  int unlimited = -1;
  if (nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVMAXSIZE, &unlimited, sizeof unlimited) != 0)
    die("nn_setsockopt");
  return s;
}

static void bind_to(int s, const char *addr) {
  if (nn_bind(s, addr) < 0) die("nn_bind");
}

static void connect_to(int s, const char *addr) {
  if (nn_connect(s, addr) < 0) die("nn_connect");
}

// Prints LOADED, waits for "go ADDR" on stdin and connects there.
static void connect_when_told(int s) {
  printf("LOADED\n");
  fflush(stdout);
  char line[1024];
  if (fgets(line, sizeof line, stdin) == NULL || strncmp(line, "go ", 3) != 0) {
    fprintf(stderr, "nnbench: expected \"go ADDR\" on stdin\n");
    exit(2);
  }
  line[strcspn(line, "\r\n")] = '\0';
  connect_to(s, line + 3);
}

// The end of stdin ends the process, whatever it is blocked in, so a peer
// never outlives a driver that died. A PUSH first reports its CPU time per
// message (from "go" to the end), a REP per round trip it served (from ready
// to the end).
static double cpu_c0 = -1, cpu_m0 = 0;
static long cpu_total = 0;

static void *stdin_watch(void *arg) {
  (void)arg;
  int c;
  while ((c = getchar()) != EOF) {
  }
  if (cpu_c0 >= 0) {
    printf("CPU {\"cpuUsPerMsg\":%.4f,\"mainCpuUsPerMsg\":%.4f}\n",
           (cpu_s() - cpu_c0) * 1e6 / (double)cpu_total,
           (main_cpu_s() - cpu_m0) * 1e6 / (double)cpu_total);
    fflush(stdout);
  }
  _exit(0);
  return NULL;
}

static void watch_stdin(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, stdin_watch, NULL) != 0) exit(1);
  pthread_detach(t);
}

static void ready(void) {
  printf("READY\n");
  fflush(stdout);
}

static void *message(size_t size) {
  char *buf = malloc(size ? size : 1);
  if (buf == NULL) {
    perror("malloc");
    exit(1);
  }
  memset(buf, 'x', size);
  return buf;
}

// ---- the loops, shared by the two-process and the two-thread forms --------

static struct timing recv_loop(int s, size_t size, long count, long warm) {
  double t0 = 0, c0 = 0, m0 = 0;
  for (long i = 0; i < warm + count; i++) {
    if (i == warm) {
      t0 = now_s();
      c0 = cpu_s();
      m0 = main_cpu_s();
    }
    void *msg = NULL;
    int n = nn_recv(s, &msg, NN_MSG, 0);
    if (n < 0) die("nn_recv");
    if ((size_t)n != size) {
      fprintf(stderr, "nnbench: got %d bytes, expected %zu\n", n, size);
      exit(1);
    }
    nn_freemsg(msg);
  }
  return (struct timing){now_s() - t0, cpu_s() - c0, main_cpu_s() - m0};
}

static void send_loop(int s, size_t size, long total) {
  void *buf = message(size);
  for (long i = 0; i < total; i++) {
    if (nn_send(s, buf, size, 0) < 0) die("nn_send");
  }
  free(buf);
}

static void echo_loop(int s, long limit) {
  for (long i = 0; limit < 0 || i < limit; i++) {
    void *msg = NULL;
    int n = nn_recv(s, &msg, NN_MSG, 0);
    if (n < 0) {
      if (nn_errno() == EBADF || nn_errno() == ETERM) return;
      die("nn_recv");
    }
    if (nn_send(s, &msg, NN_MSG, 0) < 0) die("nn_send");
  }
}

static struct timing request_loop(int s, size_t size, long count, long warm) {
  void *buf = message(size);
  double t0 = 0, c0 = 0, m0 = 0;
  for (long i = 0; i < warm + count; i++) {
    if (i == warm) {
      t0 = now_s();
      c0 = cpu_s();
      m0 = main_cpu_s();
    }
    if (nn_send(s, buf, size, 0) < 0) die("nn_send");
    void *msg = NULL;
    int n = nn_recv(s, &msg, NN_MSG, 0);
    if (n < 0) die("nn_recv");
    if ((size_t)n != size) {
      fprintf(stderr, "nnbench: reply of %d bytes, expected %zu\n", n, size);
      exit(1);
    }
    nn_freemsg(msg);
  }
  struct timing t = {now_s() - t0, cpu_s() - c0, main_cpu_s() - m0};
  free(buf);
  return t;
}

static void report_thr(size_t size, long count, struct timing t) {
  printf(
      "RESULT {\"size\":%zu,\"count\":%ld,\"elapsed\":%.9f,\"msgsPerSec\":%.3f,"
      "\"cpuUsPerMsg\":%.4f,\"mainCpuUsPerMsg\":%.4f}\n",
      size, count, t.elapsed, (double)count / t.elapsed, t.cpu * 1e6 / (double)count,
      t.cpu_main * 1e6 / (double)count);
  fflush(stdout);
}

static void report_lat(size_t size, long count, struct timing t) {
  printf(
      "RESULT {\"size\":%zu,\"count\":%ld,\"elapsed\":%.9f,\"rttUs\":%.3f,"
      "\"cpuUsPerMsg\":%.4f,\"mainCpuUsPerMsg\":%.4f}\n",
      size, count, t.elapsed, t.elapsed * 1e6 / (double)count, t.cpu * 1e6 / (double)count,
      t.cpu_main * 1e6 / (double)count);
  fflush(stdout);
}

// ---- inproc: two threads ---------------------------------------------------

struct peer {
  int s;
  size_t size;
  long total;
};

static void *sender_thread(void *arg) {
  struct peer *p = arg;
  send_loop(p->s, p->size, p->total);
  return NULL;
}

static void *echo_thread(void *arg) {
  struct peer *p = arg;
  echo_loop(p->s, p->total);
  return NULL;
}

static void thr_inproc(size_t size, long count, long warm) {
  int pull = open_socket(NN_PULL);
  bind_to(pull, "inproc://nnbench-thr");
  int push = open_socket(NN_PUSH);
  connect_to(push, "inproc://nnbench-thr");
  struct peer p = {push, size, warm + count};
  pthread_t t;
  if (pthread_create(&t, NULL, sender_thread, &p) != 0) exit(1);
  struct timing timing = recv_loop(pull, size, count, warm);
  pthread_join(t, NULL);
  report_thr(size, count, timing);
  nn_close(push);
  nn_close(pull);
}

// One thread, as a single-threaded program would drive both ends: send
// without waiting until the pipe is full, then take what is queued.
static void thr_inproc_one_thread(size_t size, long count, long warm) {
  int pull = open_socket(NN_PULL);
  bind_to(pull, "inproc://nnbench-thr1");
  int push = open_socket(NN_PUSH);
  connect_to(push, "inproc://nnbench-thr1");
  void *buf = message(size);
  long sent = 0, received = 0;
  double t0 = 0, c0 = 0, m0 = 0;
  while (received < warm + count) {
    while (sent < warm + count && nn_send(push, buf, size, NN_DONTWAIT) >= 0) sent++;
    if (nn_errno() != EAGAIN && sent < warm + count) die("nn_send");
    for (;;) {
      void *msg = NULL;
      int n = nn_recv(pull, &msg, NN_MSG, NN_DONTWAIT);
      if (n < 0) {
        if (nn_errno() == EAGAIN) break;
        die("nn_recv");
      }
      if ((size_t)n != size) exit(1);
      nn_freemsg(msg);
      if (++received == warm) {
        t0 = now_s();
        c0 = cpu_s();
        m0 = main_cpu_s();
      }
    }
  }
  report_thr(size, count, (struct timing){now_s() - t0, cpu_s() - c0, main_cpu_s() - m0});
  free(buf);
  nn_close(push);
  nn_close(pull);
}

static void lat_inproc(size_t size, long count, long warm) {
  int rep = open_socket(NN_REP);
  bind_to(rep, "inproc://nnbench-lat");
  int req = open_socket(NN_REQ);
  connect_to(req, "inproc://nnbench-lat");
  struct peer p = {rep, size, warm + count};
  pthread_t t;
  if (pthread_create(&t, NULL, echo_thread, &p) != 0) exit(1);
  struct timing timing = request_loop(req, size, count, warm);
  pthread_join(t, NULL);
  report_lat(size, count, timing);
  nn_close(req);
  nn_close(rep);
}

// ---- main ------------------------------------------------------------------

static long arg_long(const char *s) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < 0) {
    fprintf(stderr, "nnbench: bad number %s\n", s);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: see the comment at the top of nnbench.c\n");
    return 2;
  }
  const char *mode = argv[1];
  pthread_getcpuclockid(pthread_self(), &main_clock);
  // Connecting modes read "go ADDR" first and watch stdin after it.
  if (strcmp(mode, "thr-send") != 0 && strcmp(mode, "lat-req") != 0) watch_stdin();
  if (strcmp(mode, "thr-recv") == 0 && argc == 6) {
    int s = open_socket(NN_PULL);
    bind_to(s, argv[2]);
    ready();
    size_t size = (size_t)arg_long(argv[3]);
    long count = arg_long(argv[4]);
    report_thr(size, count, recv_loop(s, size, count, arg_long(argv[5])));
    nn_close(s);
  } else if (strcmp(mode, "thr-send") == 0 && argc == 4) {
    int s = open_socket(NN_PUSH);
    connect_when_told(s);
    cpu_total = arg_long(argv[3]);
    cpu_c0 = cpu_s();
    cpu_m0 = main_cpu_s();
    watch_stdin();
    send_loop(s, (size_t)arg_long(argv[2]), cpu_total);
    // nn_close may drop what is still queued (NN_LINGER is ignored): stay
    // until the driver, which has the receiver's result, ends stdin.
    printf("SENT\n");
    fflush(stdout);
    for (;;) pause();
  } else if (strcmp(mode, "lat-rep") == 0 && argc == 5) {
    int s = open_socket(NN_REP);
    bind_to(s, argv[2]);
    cpu_total = arg_long(argv[4]);
    cpu_c0 = cpu_s();
    cpu_m0 = main_cpu_s();
    ready();
    echo_loop(s, -1);
  } else if (strcmp(mode, "lat-req") == 0 && argc == 5) {
    int s = open_socket(NN_REQ);
    connect_when_told(s);
    watch_stdin();
    size_t size = (size_t)arg_long(argv[2]);
    long count = arg_long(argv[3]);
    report_lat(size, count, request_loop(s, size, count, arg_long(argv[4])));
    nn_close(s);
  } else if (strcmp(mode, "thr-inproc") == 0 && argc == 5) {
    thr_inproc((size_t)arg_long(argv[2]), arg_long(argv[3]), arg_long(argv[4]));
  } else if (strcmp(mode, "thr-inproc-1t") == 0 && argc == 5) {
    thr_inproc_one_thread((size_t)arg_long(argv[2]), arg_long(argv[3]), arg_long(argv[4]));
  } else if (strcmp(mode, "lat-inproc") == 0 && argc == 5) {
    lat_inproc((size_t)arg_long(argv[2]), arg_long(argv[3]), arg_long(argv[4]));
  } else {
    fprintf(stderr, "nnbench: bad arguments for %s\n", mode);
    return 2;
  }
  return 0;
}
