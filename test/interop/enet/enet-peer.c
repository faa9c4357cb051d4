/*
 * A small peer over the real ENet library (Debian libenet-dev), for the interop tests and the bench.
 * It speaks a tiny test protocol on top of ENet; every packet's payload is
 *   u8 channel, u32 sequence (big-endian), then filler bytes whose value depends on the sequence,
 * so both ends can check content and per-channel order.
 *
 *   enet-peer server                      echo server on 127.0.0.1, OS-picked port, 8 channels
 *   enet-peer client PORT [HOST]          full check against a server that greets and echoes
 *   enet-peer rtt PORT COUNT SIZE [HOST]  COUNT sequential reliable round trips of SIZE bytes
 *   enet-peer bulk PORT COUNT SIZE [HOST] COUNT sequential reliable echoes of SIZE bytes
 *
 * With ENET_PEER_CRC=1 in the environment, both roles turn on ENet's CRC-32 checksums.
 *
 * Every line on stdout is an event for the test ("port N", "connect DATA CHANNELS", "ok ...",
 * "fail ...", "disconnect DATA", "result ..."). Exit code 0 when every check passed.
 */
#include <enet/enet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHANNELS 8

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fill(unsigned char *p, size_t n, unsigned ch, unsigned seq) {
  if (n >= 1) p[0] = (unsigned char)ch;
  if (n >= 5) { p[1] = seq >> 24; p[2] = seq >> 16; p[3] = seq >> 8; p[4] = seq; }
  for (size_t i = 5; i < n; i++) p[i] = (unsigned char)((seq * 31u + i * 7u) & 0xff);
}

static int check(const unsigned char *p, size_t n, unsigned ch, unsigned seq) {
  if (n >= 1 && p[0] != ch) return 0;
  if (n >= 5 && (unsigned)((p[1] << 24) | (p[2] << 16) | (p[3] << 8) | p[4]) != seq) return 0;
  for (size_t i = 5; i < n; i++) if (p[i] != (unsigned char)((seq * 31u + i * 7u) & 0xff)) return 0;
  return 1;
}

static int run_server(void) {
  ENetAddress address;
  enet_address_set_host(&address, "127.0.0.1");
  address.port = 0;
  ENetHost *host = enet_host_create(&address, 8, CHANNELS, 0, 0);
  if (!host) { printf("fail host\n"); return 1; }
  if (getenv("ENET_PEER_CRC")) host->checksum = enet_crc32;
  ENetAddress bound;
  enet_socket_get_address(host->socket, &bound);
  printf("port %u\n", bound.port);
  fflush(stdout);
  for (;;) {
    ENetEvent ev;
    /* A short wait: ENet retransmits only while serviced, so a long wait stalls a lossy link. */
    int r = enet_host_service(host, &ev, 2);
    if (r < 0) { printf("fail service\n"); return 1; }
    if (r == 0) continue;
    switch (ev.type) {
    case ENET_EVENT_TYPE_CONNECT:
      printf("connect %u %zu\n", ev.data, ev.peer->channelCount);
      fflush(stdout);
      for (unsigned c = 0; c < ev.peer->channelCount; c++) {
        char text[32];
        int n = snprintf(text, sizeof text, "hello %u", c);
        enet_peer_send(ev.peer, c, enet_packet_create(text, n, ENET_PACKET_FLAG_RELIABLE));
      }
      break;
    case ENET_EVENT_TYPE_RECEIVE: {
      ENetPacket *p = ev.packet;
      if (p->dataLength == 3 && memcmp(p->data, "bye", 3) == 0) {
        enet_peer_disconnect(ev.peer, 77);
      } else {
        enet_uint32 flags = p->flags & (ENET_PACKET_FLAG_RELIABLE | ENET_PACKET_FLAG_UNSEQUENCED);
        if (!(flags & ENET_PACKET_FLAG_RELIABLE)) flags |= ENET_PACKET_FLAG_UNRELIABLE_FRAGMENT;
        enet_peer_send(ev.peer, ev.channelID, enet_packet_create(p->data, p->dataLength, flags));
      }
      enet_packet_destroy(p);
      break;
    }
    case ENET_EVENT_TYPE_DISCONNECT:
      printf("disconnect %u\n", ev.data);
      fflush(stdout);
      break;
    default:
      break;
    }
  }
}

static ENetHost *client_host;
static ENetPeer *client_peer;

/* Waits for the next packet (or disconnect); returns the event type. */
static ENetEventType wait_event(ENetEvent *ev, double deadline) {
  while (now_s() < deadline) {
    int r = enet_host_service(client_host, ev, 2);
    if (r < 0) return ENET_EVENT_TYPE_NONE;
    if (r > 0) return ev->type;
  }
  return ENET_EVENT_TYPE_NONE;
}

static int connect_to(const char *hostname, unsigned port, enet_uint32 data) {
  client_host = enet_host_create(NULL, 1, CHANNELS, 0, 0);
  if (!client_host) { printf("fail host\n"); return 0; }
  if (getenv("ENET_PEER_CRC")) client_host->checksum = enet_crc32;
  ENetAddress address;
  enet_address_set_host(&address, hostname);
  address.port = port;
  client_peer = enet_host_connect(client_host, &address, CHANNELS, data);
  /* Short service calls: ENet retransmits only while it is being serviced. */
  ENetEvent ev;
  if (wait_event(&ev, now_s() + 10) == ENET_EVENT_TYPE_CONNECT) return 1;
  printf("fail connect\n");
  return 0;
}

static int echo_round(unsigned ch, unsigned seq, size_t size, enet_uint32 flags, double timeout) {
  unsigned char *buf = malloc(size ? size : 1);
  fill(buf, size, ch, seq);
  enet_peer_send(client_peer, ch, enet_packet_create(buf, size, flags));
  free(buf);
  ENetEvent ev;
  if (wait_event(&ev, now_s() + timeout) != ENET_EVENT_TYPE_RECEIVE) return 0;
  int ok = ev.channelID == ch && ev.packet->dataLength == size && check(ev.packet->data, size, ch, seq);
  enet_packet_destroy(ev.packet);
  return ok;
}

static int run_client(const char *hostname, unsigned port) {
  if (!connect_to(hostname, port, 4242)) return 1;
  printf("connect %zu\n", client_peer->channelCount);
  int failures = 0;
  /* Greetings: one per channel, in any channel order. */
  unsigned greeted = 0;
  ENetEvent ev;
  for (int i = 0; i < CHANNELS; i++) {
    if (wait_event(&ev, now_s() + 10) != ENET_EVENT_TYPE_RECEIVE) break;
    char expect[32];
    int n = snprintf(expect, sizeof expect, "hello %u", ev.channelID);
    if (ev.packet->dataLength == (size_t)n && memcmp(ev.packet->data, expect, n) == 0) greeted |= 1u << ev.channelID;
    enet_packet_destroy(ev.packet);
  }
  if (greeted == 0xff) printf("ok greetings 8\n"); else { printf("fail greetings %x\n", greeted); failures++; }

  /* Pipelined reliable traffic round-robin over the channels; echoes must come back in order per channel. */
  unsigned sent_seq[CHANNELS] = {0}, next_seq[CHANNELS] = {0};
  const unsigned total = 2000;
  for (unsigned i = 0; i < total; i++) {
    unsigned ch = i % CHANNELS;
    unsigned char buf[64];
    size_t size = 1 + (i * 13) % 64;
    fill(buf, size, ch, sent_seq[ch]);
    /* The receiver can't know the size, so it is derived from the sequence the same way. */
    enet_peer_send(client_peer, ch, enet_packet_create(buf, size, ENET_PACKET_FLAG_RELIABLE));
    sent_seq[ch]++;
    if (i % 64 == 63) enet_host_flush(client_host);
  }
  unsigned received = 0, order_errors = 0;
  double deadline = now_s() + 30;
  while (received < total && wait_event(&ev, deadline) == ENET_EVENT_TYPE_RECEIVE) {
    unsigned ch = ev.channelID;
    unsigned seq = next_seq[ch]++;
    unsigned i = seq * CHANNELS + ch;
    size_t size = 1 + (i * 13) % 64;
    if (ch >= CHANNELS || ev.packet->dataLength != size || !check(ev.packet->data, size, ch, seq)) order_errors++;
    enet_packet_destroy(ev.packet);
    received++;
  }
  if (received == total && order_errors == 0) printf("ok ordered %u\n", received);
  else { printf("fail ordered %u/%u errors %u\n", received, total, order_errors); failures++; }

  /* Sequential round trips first: after the burst above, ENet's throttle (which drops unreliable
     data at the sender) recovers only as acknowledgements come back with a low RTT. */
  for (unsigned i = 0; i < 32; i++) echo_round(3, 500000 + i, 8, ENET_PACKET_FLAG_RELIABLE, 10);

  /* Unreliable: what arrives must be intact and in order; on loopback most should arrive. */
  unsigned u_sent = 200, u_got = 0, u_bad = 0, last = 0;
  for (unsigned i = 1; i <= u_sent; i++) {
    unsigned char buf[32];
    fill(buf, sizeof buf, 3, i);
    enet_peer_send(client_peer, 3, enet_packet_create(buf, sizeof buf, 0));
    if (i % 20 == 0) enet_host_flush(client_host);
  }
  /* A reliable marker after them: unreliable echoes sent before it arrive before it, or not at all. */
  unsigned char marker[8];
  fill(marker, sizeof marker, 3, 999999);
  enet_peer_send(client_peer, 3, enet_packet_create(marker, sizeof marker, ENET_PACKET_FLAG_RELIABLE));
  deadline = now_s() + 20;
  for (;;) {
    if (wait_event(&ev, deadline) != ENET_EVENT_TYPE_RECEIVE) { u_bad++; break; }
    int is_marker = ev.packet->dataLength == sizeof marker && check(ev.packet->data, sizeof marker, 3, 999999);
    if (!is_marker) {
      unsigned seq = ev.packet->dataLength == 32 ? (unsigned)((ev.packet->data[1] << 24) | (ev.packet->data[2] << 16) | (ev.packet->data[3] << 8) | ev.packet->data[4]) : 0;
      if (ev.packet->dataLength != 32 || !check(ev.packet->data, 32, 3, seq) || seq <= last) u_bad++;
      last = seq;
      u_got++;
    }
    enet_packet_destroy(ev.packet);
    if (is_marker) break;
  }
  /* How many arrive is ENet's business (its throttle drops unreliable data on a congested link). */
  if (u_bad == 0) printf("ok unreliable %u/%u\n", u_got, u_sent);
  else { printf("fail unreliable got %u bad %u\n", u_got, u_bad); failures++; }

  /* Unsequenced: intact, each at most once. */
  unsigned char seen[101] = {0};
  unsigned s_bad = 0, s_got = 0;
  for (unsigned i = 1; i <= 100; i++) {
    unsigned char buf[16];
    fill(buf, sizeof buf, 5, i);
    enet_peer_send(client_peer, 5, enet_packet_create(buf, sizeof buf, ENET_PACKET_FLAG_UNSEQUENCED));
  }
  enet_host_flush(client_host);
  /* The first echo may take a while on a loaded machine; after it, 2 s of silence ends the wait. */
  deadline = now_s() + 10;
  while (wait_event(&ev, deadline) == ENET_EVENT_TYPE_RECEIVE) {
    deadline = now_s() + 2;
    unsigned seq = ev.packet->dataLength == 16 ? (unsigned)((ev.packet->data[1] << 24) | (ev.packet->data[2] << 16) | (ev.packet->data[3] << 8) | ev.packet->data[4]) : 0;
    if (seq < 1 || seq > 100 || seen[seq] || !check(ev.packet->data, 16, 5, seq)) s_bad++;
    else { seen[seq] = 1; s_got++; }
    enet_packet_destroy(ev.packet);
    if (s_got == 100) break;
  }
  if (s_bad == 0) printf("ok unsequenced %u/100\n", s_got);
  else { printf("fail unsequenced got %u bad %u\n", s_got, s_bad); failures++; }

  /* Sizes from 1 byte to 5 MB (fragmented), reliable. */
  static const size_t sizes[] = {1, 100, 1371, 1372, 1373, 20000, 300000, 5000000};
  for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    unsigned ch = k % CHANNELS;
    if (echo_round(ch, 1000 + k, sizes[k], ENET_PACKET_FLAG_RELIABLE, 60)) printf("ok size %zu\n", sizes[k]);
    else { printf("fail size %zu\n", sizes[k]); failures++; }
  }

  /* The server disconnects us when asked: a DISCONNECT event with its data. */
  enet_peer_send(client_peer, 0, enet_packet_create("bye", 3, ENET_PACKET_FLAG_RELIABLE));
  deadline = now_s() + 10;
  ENetEventType t;
  while ((t = wait_event(&ev, deadline)) == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(ev.packet);
  if (t == ENET_EVENT_TYPE_DISCONNECT) printf("ok server-disconnect %u\n", ev.data);
  else { printf("fail server-disconnect\n"); failures++; }

  /* Reconnect, then disconnect from this side: the server must see it. */
  enet_host_destroy(client_host);
  if (!connect_to(hostname, port, 4243)) return 1;
  deadline = now_s() + 5;
  unsigned greet2 = 0;
  while (greet2 < CHANNELS && wait_event(&ev, deadline) == ENET_EVENT_TYPE_RECEIVE) { greet2++; enet_packet_destroy(ev.packet); }
  enet_peer_disconnect(client_peer, 7);
  deadline = now_s() + 10;
  while ((t = wait_event(&ev, deadline)) == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(ev.packet);
  if (t == ENET_EVENT_TYPE_DISCONNECT) printf("ok client-disconnect\n");
  else { printf("fail client-disconnect\n"); failures++; }
  enet_host_destroy(client_host);
  printf("done %d\n", failures);
  return failures ? 1 : 0;
}

static int run_timed(const char *hostname, unsigned port, unsigned count, size_t size, const char *label) {
  if (!connect_to(hostname, port, 0)) return 1;
  ENetEvent ev;
  unsigned greeted = 0;
  double deadline = now_s() + 10;
  while (greeted < CHANNELS && wait_event(&ev, deadline) == ENET_EVENT_TYPE_RECEIVE) { greeted++; enet_packet_destroy(ev.packet); }
  double t0 = now_s();
  unsigned done = 0;
  for (; done < count; done++) {
    if (!echo_round(done % CHANNELS, done, size, ENET_PACKET_FLAG_RELIABLE, 30)) break;
  }
  double t1 = now_s();
  printf("result %s %u %.6f\n", label, done, t1 - t0);
  enet_peer_disconnect(client_peer, 0);
  deadline = now_s() + 2;
  while (wait_event(&ev, deadline) == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(ev.packet);
  enet_host_destroy(client_host);
  return done == count ? 0 : 1;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (enet_initialize() != 0) { printf("fail init\n"); return 1; }
  atexit(enet_deinitialize);
  if (argc >= 2 && strcmp(argv[1], "server") == 0) return run_server();
  if (argc >= 3 && strcmp(argv[1], "client") == 0) return run_client(argc >= 4 ? argv[3] : "127.0.0.1", (unsigned)atoi(argv[2]));
  if (argc >= 5 && (strcmp(argv[1], "rtt") == 0 || strcmp(argv[1], "bulk") == 0))
    return run_timed(argc >= 6 ? argv[5] : "127.0.0.1", (unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]), (size_t)atol(argv[4]), argv[1]);
  fprintf(stderr, "usage: enet-peer server | client PORT [HOST] | rtt|bulk PORT COUNT SIZE [HOST]\n");
  return 2;
}
