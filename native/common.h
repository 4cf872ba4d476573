/*
 * Shared declarations of the tsovs netdev addon: the port handle (one file descriptor
 * that moves frames: AF_PACKET socket, TAP device or unix datagram socket), its rings,
 * and the small helpers the N-API glue (addon.c) calls. No switching logic lives here.
 */
#ifndef TSOVS_NATIVE_COMMON_H
#define TSOVS_NATIVE_COMMON_H

#define _GNU_SOURCE
#include <linux/if_packet.h>
#include <net/if.h>
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <uv.h>

#define TSOVS_MAX_BATCH 32

enum port_kind { KIND_PACKET = 1, KIND_TAP = 2, KIND_UNIX_DGRAM = 3 };

/* Counters, in the order stats() hands them to JS. */
enum {
  ST_RX_PACKETS, ST_RX_BYTES, ST_RX_ERRORS, ST_RX_DROPPED,
  ST_TX_PACKETS, ST_TX_BYTES, ST_TX_ERRORS, ST_TX_DROPPED, ST_COUNT
};

typedef struct port {
  int fd;           /* -1 once closed */
  int kind;
  int ctl_fd;       /* AF_INET datagram socket in the device's namespace, for ioctls; -1 if none */
  int ifindex;
  char name[IFNAMSIZ];

  /* Receive ring: memory owned by JS (a Uint8Array), frames land at slot * slot_size + headroom. */
  uint8_t *rx;
  int32_t *rx_meta;   /* per slot: start offset within the slot, length (-1: skip) */
  int nslots, slot_size, headroom;
  napi_ref rx_ref, rx_meta_ref;

  /* Transmit ring: memory owned by JS, frame i at i * slot_size, its length in tx_len[i]. */
  uint8_t *tx;
  int32_t *tx_len;
  napi_ref tx_ref, tx_len_ref;

  struct mmsghdr rmsg[TSOVS_MAX_BATCH];
  struct iovec riov[TSOVS_MAX_BATCH];
  struct sockaddr_ll raddr[TSOVS_MAX_BATCH];
  union {
    char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    struct cmsghdr align;
  } rcmsg[TSOVS_MAX_BATCH];
  struct mmsghdr tmsg[TSOVS_MAX_BATCH];
  struct iovec tiov[TSOVS_MAX_BATCH];

  /* Unix datagram peer (QEMU -netdev dgram). */
  struct sockaddr_un remote;
  socklen_t remote_len;

  double stats[ST_COUNT];

  /* Readiness: a uv_poll_t calling back into JS. */
  uv_poll_t *poll;
  napi_env env;
  napi_ref cb;
  napi_async_context actx;
} port;

/* netns.c: run the caller's next socket/device creation inside a named network namespace. */
int ns_enter(const char *netns, int *saved, char *err, size_t errlen);
void ns_leave(int saved);

/* port.c */
int port_open_packet(port *p, const char *ifname, int bring_up, char *err, size_t errlen, const char **code);
int port_open_tap(port *p, const char *ifname, int bring_up, char *err, size_t errlen, const char **code);
int port_open_unix_dgram(port *p, const char *local, const char *remote, char *err, size_t errlen, const char **code);
int port_recv(port *p);
int port_flush(port *p, int count);
void port_close_fd(port *p);

/* link.c */
typedef struct link_info {
  int ifindex;
  unsigned flags;
  int mtu;
  uint8_t mac[6];
  int has_mac;
} link_info;

int link_query(int ctl_fd, const char *name, link_info *out); /* 0, or -errno */
int link_set_up(int ctl_fd, const char *name, int up);         /* 0, or -errno */
int link_set_mac(int ctl_fd, const char *name, const uint8_t mac[6]);
int link_monitor_open(void);                                    /* fd, or -errno */
/* Calls fn for every link message read from a monitor fd; returns -ENOBUFS on overrun. */
int link_monitor_read(int fd, void (*fn)(void *arg, int type, int ifindex, const char *name, unsigned flags),
                      void *arg);

/* Error text for an errno with the common cases spelled out. */
const char *errno_code(int e);

#endif
