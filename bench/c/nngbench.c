// C reference for the "many requests in flight" benchmark (bench/src/concurrent.mjs),
// on NNG (libnng, not libnanomsg): a REQ client with N contexts, each looping
// request -> reply, and a REP server with N contexts, each looping receive ->
// wait DELAY ms -> reply. Both are driven by callbacks on NNG's own threads
// (nng_aio); the main thread only times.
//
// The wait: by default a timer thread of this program (a condition variable
// with a CLOCK_MONOTONIC deadline; every wait is as long, so a FIFO keeps
// them in order), which then sends the reply. With "sleep", nng_sleep_aio:
// in libnng 1.5.2 nng_sleep_aio(1) takes about 2 ms and about 1 ms of CPU
// (its expiry thread), which would make the reference the timer's, not the
// machine's.
//
// It speaks the driver's line protocol (as c/nnbench.c and src/concurrent-peer.mjs):
//
//   nngbench serve ADDR CONTEXTS DELAY_MS [sleep]
//       listens, prints READY; on each "mark" line of stdin prints
//       MARK {"cpuUs":…,"handled":…} (cumulative); exits when stdin ends.
//   nngbench request CONTEXTS SIZE WARM_MS MEASURE_MS
//       prints LOADED, dials ADDR from "go ADDR", keeps CONTEXTS requests of
//       SIZE bytes in flight; after WARM_MS prints MARK, after MEASURE_MS more
//       RESULT {"count","elapsed","reqPerSec","cpuUsPerReq"}; exits when stdin ends.
//   nngbench version
//       prints libnng's version.
//
// Built by bench/src/setup.mjs: cc -O2 nngbench.c -lnng -lpthread (pkg-config nng when it has one).
#define _POSIX_C_SOURCE 200809L
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdatomic.h>
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

// CPU time of the whole process: all threads, NNG's included.
static double cpu_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static void fail(const char *what, int rv) {
  printf("ERROR {\"message\":\"%s: %s\",\"addrinuse\":%s}\n", what, nng_strerror(rv),
         rv == NNG_EADDRINUSE ? "true" : "false");
  fflush(stdout);
  _exit(rv == NNG_EADDRINUSE ? 3 : 1);
}

static void check(const char *what, int rv) {
  if (rv != 0) fail(what, rv);
}

static atomic_long handled;  // server: requests received; client: replies received
static atomic_int stopping;  // client: the measurement is over, stop issuing requests

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

// ---- the server ------------------------------------------------------------

enum { RECV, WAIT, SEND };

struct work {
  int state;
  nng_ctx ctx;
  nng_aio *aio;
  nng_msg *msg;
  int delay_ms;
  double due;  // the timer thread's: when the wait ends (CLOCK_MONOTONIC seconds)
};

static void reply(struct work *w) {
  w->state = SEND;
  nng_aio_set_msg(w->aio, w->msg);  // the request's body is the reply
  w->msg = NULL;
  nng_ctx_send(w->ctx, w->aio);
}

// The timer thread's waits: a FIFO (all waits are as long), at most one per context.
static struct {
  pthread_mutex_t lock;
  pthread_cond_t cv;
  struct work **ring;
  int size, head, count;
} waits = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0, 0};
static int use_nng_sleep;

static void wait_then_reply(struct work *w) {
  w->due = now_s() + w->delay_ms / 1e3;
  pthread_mutex_lock(&waits.lock);
  waits.ring[(waits.head + waits.count++) % waits.size] = w;
  if (waits.count == 1) pthread_cond_signal(&waits.cv);
  pthread_mutex_unlock(&waits.lock);
}

static void *timer_thread(void *arg) {
  (void)arg;
  pthread_mutex_lock(&waits.lock);
  for (;;) {
    if (waits.count == 0) {
      pthread_cond_wait(&waits.cv, &waits.lock);
      continue;
    }
    struct work *w = waits.ring[waits.head];
    if (w->due > now_s()) {
      struct timespec ts = {(time_t)w->due, (long)((w->due - (double)(time_t)w->due) * 1e9)};
      pthread_cond_timedwait(&waits.cv, &waits.lock, &ts);
      continue;
    }
    waits.head = (waits.head + 1) % waits.size;
    waits.count--;
    pthread_mutex_unlock(&waits.lock);
    reply(w);
    pthread_mutex_lock(&waits.lock);
  }
  return NULL;
}

static void start_timer(int contexts) {
  waits.size = contexts;
  waits.ring = calloc((size_t)contexts, sizeof *waits.ring);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&waits.cv, &attr);
  pthread_t t;
  if (waits.ring == NULL || pthread_create(&t, NULL, timer_thread, NULL) != 0) {
    fail("timer thread", NNG_ENOMEM);
  }
  pthread_detach(t);
}

static void serve_cb(void *arg) {
  struct work *w = arg;
  int rv = nng_aio_result(w->aio);
  switch (w->state) {
    case RECV:
      if (rv != 0) {
        if (rv == NNG_ECLOSED) return;
        fail("nng_ctx_recv", rv);
      }
      w->msg = nng_aio_get_msg(w->aio);
      atomic_fetch_add_explicit(&handled, 1, memory_order_relaxed);
      if (w->delay_ms > 0) {
        w->state = WAIT;
        if (use_nng_sleep) nng_sleep_aio(w->delay_ms, w->aio);
        else wait_then_reply(w);
        return;
      }
      reply(w);
      return;
    case WAIT:  // after nng_sleep_aio
      reply(w);
      return;
    case SEND:
      if (rv != 0) {
        nng_msg_free(nng_aio_get_msg(w->aio));
        if (rv == NNG_ECLOSED) return;
        fail("nng_ctx_send", rv);
      }
      w->state = RECV;
      nng_ctx_recv(w->ctx, w->aio);
      return;
  }
}

// Reads stdin: "mark" prints the counters; its end ends the process.
static void marks_until_eof(void) {
  char line[256];
  while (fgets(line, sizeof line, stdin) != NULL) {
    if (strncmp(line, "mark", 4) == 0) {
      printf("MARK {\"cpuUs\":%.1f,\"handled\":%ld}\n", cpu_s() * 1e6,
             atomic_load(&handled));
      fflush(stdout);
    }
  }
  _exit(0);
}

static void serve(const char *addr, int contexts, int delay_ms) {
  if (delay_ms > 0 && !use_nng_sleep) start_timer(contexts);
  nng_socket s;
  check("nng_rep0_open", nng_rep0_open(&s));
  check("nng_setopt_size", nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, 0));
  check("nng_listen", nng_listen(s, addr, NULL, 0));
  struct work *works = calloc((size_t)contexts, sizeof *works);
  if (works == NULL) fail("calloc", NNG_ENOMEM);
  for (int i = 0; i < contexts; i++) {
    struct work *w = &works[i];
    w->delay_ms = delay_ms;
    w->state = RECV;
    check("nng_aio_alloc", nng_aio_alloc(&w->aio, serve_cb, w));
    check("nng_ctx_open", nng_ctx_open(&w->ctx, s));
    nng_ctx_recv(w->ctx, w->aio);
  }
  printf("READY\n");
  fflush(stdout);
  marks_until_eof();
}

// ---- the client ------------------------------------------------------------

struct caller {
  int state;
  nng_ctx ctx;
  nng_aio *aio;
  size_t size;
};

static void send_request(struct caller *c, nng_msg *msg) {
  c->state = SEND;
  nng_aio_set_msg(c->aio, msg);
  nng_ctx_send(c->ctx, c->aio);
}

static void request_cb(void *arg) {
  struct caller *c = arg;
  int rv = nng_aio_result(c->aio);
  if (c->state == SEND) {
    if (rv != 0) {
      nng_msg_free(nng_aio_get_msg(c->aio));
      if (rv == NNG_ECLOSED) return;
      fail("nng_ctx_send", rv);
    }
    c->state = RECV;
    nng_ctx_recv(c->ctx, c->aio);
    return;
  }
  if (rv != 0) {
    if (rv == NNG_ECLOSED) return;
    fail("nng_ctx_recv", rv);
  }
  nng_msg *reply = nng_aio_get_msg(c->aio);
  if (nng_msg_len(reply) != c->size) {
    fprintf(stderr, "nngbench: reply of %zu bytes, expected %zu\n", nng_msg_len(reply), c->size);
    _exit(1);
  }
  atomic_fetch_add_explicit(&handled, 1, memory_order_relaxed);
  if (atomic_load_explicit(&stopping, memory_order_relaxed)) {
    nng_msg_free(reply);
    return;
  }
  send_request(c, reply);  // the echoed body is the next request
}

static void request(int contexts, size_t size, long warm_ms, long measure_ms) {
  nng_socket s;
  check("nng_req0_open", nng_req0_open(&s));
  check("nng_setopt_size", nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, 0));
  printf("LOADED\n");
  fflush(stdout);
  char line[1024];
  if (fgets(line, sizeof line, stdin) == NULL || strncmp(line, "go ", 3) != 0) {
    fprintf(stderr, "nngbench: expected \"go ADDR\" on stdin\n");
    _exit(2);
  }
  line[strcspn(line, "\r\n")] = '\0';
  check("nng_dial", nng_dial(s, line + 3, NULL, 0));

  struct caller *callers = calloc((size_t)contexts, sizeof *callers);
  if (callers == NULL) fail("calloc", NNG_ENOMEM);
  for (int i = 0; i < contexts; i++) {
    struct caller *c = &callers[i];
    c->size = size;
    check("nng_aio_alloc", nng_aio_alloc(&c->aio, request_cb, c));
    check("nng_ctx_open", nng_ctx_open(&c->ctx, s));
    nng_msg *msg;
    check("nng_msg_alloc", nng_msg_alloc(&msg, size));
    memset(nng_msg_body(msg), 'x', size);
    send_request(c, msg);
  }

  sleep_ms(warm_ms);
  long n0 = atomic_load(&handled);
  double t0 = now_s(), c0 = cpu_s();
  printf("MARK\n");
  fflush(stdout);
  sleep_ms(measure_ms);
  long n1 = atomic_load(&handled);
  double t1 = now_s(), c1 = cpu_s();
  atomic_store(&stopping, 1);
  long count = n1 - n0;
  double elapsed = t1 - t0;
  printf(
      "RESULT {\"count\":%ld,\"elapsed\":%.6f,\"reqPerSec\":%.3f,\"cpuUsPerReq\":%.4f}\n", count,
      elapsed, (double)count / elapsed, count > 0 ? (c1 - c0) * 1e6 / (double)count : -1.0);
  fflush(stdout);
  // Stay until the driver ends stdin: the server is still answering.
  while (fgets(line, sizeof line, stdin) != NULL) {
  }
  _exit(0);
}

static long arg_long(const char *s) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < 0) {
    fprintf(stderr, "nngbench: bad number %s\n", s);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "version") == 0) {
    printf("%s\n", nng_version());
  } else if ((argc == 5 || (argc == 6 && strcmp(argv[5], "sleep") == 0)) &&
             strcmp(argv[1], "serve") == 0) {
    use_nng_sleep = argc == 6;
    serve(argv[2], (int)arg_long(argv[3]), (int)arg_long(argv[4]));
  } else if (argc == 6 && strcmp(argv[1], "request") == 0) {
    request((int)arg_long(argv[2]), (size_t)arg_long(argv[3]), arg_long(argv[4]),
            arg_long(argv[5]));
  } else {
    fprintf(stderr, "usage: see the comment at the top of nngbench.c\n");
    return 2;
  }
  return 0;
}
