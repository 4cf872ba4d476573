/*
 * Port file descriptors and batched frame I/O:
 *  - AF_PACKET socket bound to one interface (promiscuous, PACKET_AUXDATA so VLAN tags the
 *    kernel stripped can be put back in the frame, outgoing frames ignored),
 *  - TAP device from /dev/net/tun (IFF_TAP | IFF_NO_PI),
 *  - unix datagram socket (QEMU -netdev dgram).
 * Receive: recvmmsg (read() for TAP) of up to one ring of frames per call. Transmit: frames
 * are copied into a C-owned queue and sent with sendmmsg (write() for TAP).
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

static int fail(int e, char *err, size_t errlen, const char **code, const char *fmt, const char *name) {
  snprintf(err, errlen, fmt, name, strerror(e));
  *code = errno_code(e);
  return -e;
}

static int ctl_socket(void) {
  return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

int port_open_packet(port *p, const char *ifname, int bring_up, char *err, size_t errlen, const char **code) {
  int e;
  if (strlen(ifname) >= IFNAMSIZ) {
    return fail(ENAMETOOLONG, err, errlen, code, "%s: interface name too long (%s)", ifname);
  }
  /* Protocol 0: nothing is queued until bind() picks the interface. */
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    e = errno;
    if (e == EPERM || e == EACCES) {
      return fail(e, err, errlen, code,
                  "%s: cannot open an AF_PACKET socket: %s (system ports need root or CAP_NET_RAW)", ifname);
    }
    return fail(e, err, errlen, code, "%s: cannot open an AF_PACKET socket: %s", ifname);
  }
  int ctl = ctl_socket();
  if (ctl < 0) {
    e = errno;
    close(fd);
    return fail(e, err, errlen, code, "%s: cannot open a control socket: %s", ifname);
  }
  link_info li;
  int r = link_query(ctl, ifname, &li);
  if (r < 0) {
    e = -r;
    close(fd);
    close(ctl);
    if (e == ENODEV) return fail(e, err, errlen, code, "%s: no such network device (%s)", ifname);
    return fail(e, err, errlen, code, "%s: cannot query the device: %s", ifname);
  }
  int one = 1;
  if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) < 0) {
    e = errno;
    close(fd);
    close(ctl);
    return fail(e, err, errlen, code, "%s: PACKET_AUXDATA: %s", ifname);
  }
  /* Older kernels lack it; receive also checks sll_pkttype. */
  (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  /* Room for bursts while the event loop is busy elsewhere (FORCE passes rmem_max as root). */
  int rcvbuf = 4 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0) {
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  }
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = li.ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
    e = errno;
    close(fd);
    close(ctl);
    return fail(e, err, errlen, code, "%s: cannot bind the AF_PACKET socket: %s", ifname);
  }
  struct packet_mreq mr;
  memset(&mr, 0, sizeof mr);
  mr.mr_ifindex = li.ifindex;
  mr.mr_type = PACKET_MR_PROMISC;
  if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) {
    e = errno;
    close(fd);
    close(ctl);
    return fail(e, err, errlen, code, "%s: cannot set promiscuous mode: %s", ifname);
  }
  if (bring_up && (r = link_set_up(ctl, ifname, 1)) < 0) {
    e = -r;
    close(fd);
    close(ctl);
    return fail(e, err, errlen, code, "%s: cannot bring the device up: %s", ifname);
  }
  p->fd = fd;
  p->ctl_fd = ctl;
  p->kind = KIND_PACKET;
  p->ifindex = li.ifindex;
  snprintf(p->name, sizeof p->name, "%s", ifname);
  return 0;
}

int port_open_tap(port *p, const char *ifname, int bring_up, char *err, size_t errlen, const char **code) {
  int e;
  if (strlen(ifname) >= IFNAMSIZ) {
    return fail(ENAMETOOLONG, err, errlen, code, "%s: interface name too long (%s)", ifname);
  }
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    e = errno;
    if (e == EPERM || e == EACCES) {
      return fail(e, err, errlen, code, "%s: cannot open /dev/net/tun: %s (tap and internal ports need root or CAP_NET_ADMIN)", ifname);
    }
    return fail(e, err, errlen, code, "%s: cannot open /dev/net/tun: %s", ifname);
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    e = errno;
    close(fd);
    if (e == EPERM || e == EACCES) {
      return fail(e, err, errlen, code, "%s: cannot create the TAP device: %s (needs root or CAP_NET_ADMIN)", ifname);
    }
    if (e == EBUSY) return fail(e, err, errlen, code, "%s: cannot create the TAP device: %s (already open elsewhere)", ifname);
    if (e == EINVAL) {
      return fail(e, err, errlen, code, "%s: cannot create the TAP device: %s (a non-TAP device of this name exists?)", ifname);
    }
    return fail(e, err, errlen, code, "%s: cannot create the TAP device: %s", ifname);
  }
  int ctl = ctl_socket();
  if (ctl < 0) {
    e = errno;
    close(fd);
    return fail(e, err, errlen, code, "%s: cannot open a control socket: %s", ifname);
  }
  link_info li;
  int r = link_query(ctl, ifr.ifr_name, &li);
  if (r < 0 || (bring_up && (r = link_set_up(ctl, ifr.ifr_name, 1)) < 0)) {
    e = -r;
    close(fd);
    close(ctl);
    return fail(e, err, errlen, code, "%s: cannot bring the TAP device up: %s", ifname);
  }
  p->fd = fd;
  p->ctl_fd = ctl;
  p->kind = KIND_TAP;
  p->ifindex = li.ifindex;
  snprintf(p->name, sizeof p->name, "%s", ifr.ifr_name);
  return 0;
}

static int unix_addr(struct sockaddr_un *sa, socklen_t *len, const char *path) {
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa->sun_path) return -ENAMETOOLONG;
  strcpy(sa->sun_path, path);
  *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
  return 0;
}

int port_open_unix_dgram(port *p, const char *local, const char *remote, char *err, size_t errlen, const char **code) {
  int e;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(errno, err, errlen, code, "%s: cannot open a unix datagram socket: %s", local);
  if (local[0] != '\0') {
    struct sockaddr_un sa;
    socklen_t len;
    if (unix_addr(&sa, &len, local) < 0) {
      close(fd);
      return fail(ENAMETOOLONG, err, errlen, code, "%s: socket path too long (%s)", local);
    }
    struct stat st;
    /* A stale socket file from an earlier run would make bind fail. */
    if (stat(local, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(local);
    if (bind(fd, (struct sockaddr *)&sa, len) < 0) {
      e = errno;
      close(fd);
      return fail(e, err, errlen, code, "%s: cannot bind: %s", local);
    }
  }
  if (remote[0] != '\0' && unix_addr(&p->remote, &p->remote_len, remote) < 0) {
    close(fd);
    return fail(ENAMETOOLONG, err, errlen, code, "%s: socket path too long (%s)", remote);
  }
  int sz = 4 << 20;
  (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  p->fd = fd;
  p->ctl_fd = -1;
  p->kind = KIND_UNIX_DGRAM;
  p->ifindex = 0;
  snprintf(p->name, sizeof p->name, "%s", "unix");
  return 0;
}

/* Put back the 802.1Q/802.1ad tag the kernel moved into the auxdata (as OVS does). */
static void reinsert_vlan(port *p, int slot, int32_t *start, int32_t *len, const struct tpacket_auxdata *aux) {
  if (!(aux->tp_status & TP_STATUS_VLAN_VALID) && aux->tp_vlan_tci == 0) return;
  if (*len < 12 || *start < 4) return;
  uint8_t *f = p->rx + (size_t)slot * p->slot_size + *start;
  uint16_t tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux->tp_vlan_tpid : ETH_P_8021Q;
  memmove(f - 4, f, 12);
  f[8] = (uint8_t)(tpid >> 8);
  f[9] = (uint8_t)tpid;
  f[10] = (uint8_t)(aux->tp_vlan_tci >> 8);
  f[11] = (uint8_t)aux->tp_vlan_tci;
  *start -= 4;
  *len += 4;
}

static int recv_tap(port *p) {
  int n = 0;
  for (; n < p->nslots; n++) {
    uint8_t *buf = p->rx + (size_t)n * p->slot_size + p->headroom;
    ssize_t r = read(p->fd, buf, (size_t)(p->slot_size - p->headroom));
    if (r < 0) {
      if (errno == EINTR) {
        n--;
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (n == 0) return -errno;
      break;
    }
    p->rx_meta[2 * n] = p->headroom;
    p->rx_meta[2 * n + 1] = (int32_t)r;
    p->stats[ST_RX_PACKETS] += 1;
    p->stats[ST_RX_BYTES] += (double)r;
  }
  return n;
}

int port_recv(port *p) {
  if (p->fd < 0) return -EBADF;
  if (p->rx == NULL) return -EINVAL;
  if (p->kind == KIND_TAP) return recv_tap(p);
  int n = p->nslots;
  size_t room = (size_t)(p->slot_size - p->headroom);
  for (int i = 0; i < n; i++) {
    p->riov[i].iov_base = p->rx + (size_t)i * p->slot_size + p->headroom;
    p->riov[i].iov_len = room;
    struct msghdr *m = &p->rmsg[i].msg_hdr;
    m->msg_iov = &p->riov[i];
    m->msg_iovlen = 1;
    if (p->kind == KIND_PACKET) {
      m->msg_name = &p->raddr[i];
      m->msg_namelen = sizeof p->raddr[i];
      m->msg_control = p->rcmsg[i].buf;
      m->msg_controllen = sizeof p->rcmsg[i].buf;
    } else {
      m->msg_name = NULL;
      m->msg_namelen = 0;
      m->msg_control = NULL;
      m->msg_controllen = 0;
    }
    m->msg_flags = 0;
  }
  int r;
  do {
    r = recvmmsg(p->fd, p->rmsg, (unsigned)n, MSG_DONTWAIT, NULL);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return -errno;
  }
  for (int i = 0; i < r; i++) {
    struct msghdr *m = &p->rmsg[i].msg_hdr;
    int32_t start = p->headroom;
    int32_t len = (int32_t)p->rmsg[i].msg_len;
    if (m->msg_flags & MSG_TRUNC) {
      p->stats[ST_RX_ERRORS] += 1; /* larger than a ring slot (GSO/GRO frame?) */
      len = -1;
    } else if (p->kind == KIND_PACKET) {
      if (p->raddr[i].sll_pkttype == PACKET_OUTGOING) {
        len = -1;
      } else {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
          if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA &&
              c->cmsg_len >= CMSG_LEN(sizeof(struct tpacket_auxdata))) {
            struct tpacket_auxdata aux;
            memcpy(&aux, CMSG_DATA(c), sizeof aux);
            reinsert_vlan(p, i, &start, &len, &aux);
          }
        }
      }
    }
    if (len >= 0) {
      p->stats[ST_RX_PACKETS] += 1;
      p->stats[ST_RX_BYTES] += len;
    }
    p->rx_meta[2 * i] = start;
    p->rx_meta[2 * i + 1] = len;
  }
  return r;
}

static int flush_tap(port *p, int count) {
  int sent = 0;
  for (int i = 0; i < count; i++) {
    ssize_t r;
    do {
      r = write(p->fd, p->tx + (size_t)i * p->slot_size, (size_t)p->tx_len[i]);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
      if (errno == EAGAIN || errno == ENOBUFS) p->stats[ST_TX_DROPPED] += 1;
      else p->stats[ST_TX_ERRORS] += 1;
      continue;
    }
    sent++;
    p->stats[ST_TX_PACKETS] += 1;
    p->stats[ST_TX_BYTES] += p->tx_len[i];
  }
  return sent;
}

int port_flush(port *p, int count) {
  if (count <= 0 || p->tx == NULL) return 0;
  if (count > p->nslots) count = p->nslots;
  for (int i = 0; i < count; i++) {
    if (p->tx_len[i] < 0 || p->tx_len[i] > p->slot_size) return -EINVAL;
  }
  if (p->fd < 0) {
    p->stats[ST_TX_DROPPED] += count;
    return 0;
  }
  if (p->kind == KIND_TAP) return flush_tap(p, count);
  for (int i = 0; i < count; i++) {
    p->tiov[i].iov_base = p->tx + (size_t)i * p->slot_size;
    p->tiov[i].iov_len = (size_t)p->tx_len[i];
    struct msghdr *m = &p->tmsg[i].msg_hdr;
    memset(m, 0, sizeof *m);
    m->msg_iov = &p->tiov[i];
    m->msg_iovlen = 1;
    if (p->kind == KIND_UNIX_DGRAM && p->remote_len > 0) {
      m->msg_name = &p->remote;
      m->msg_namelen = p->remote_len;
    }
  }
  int done = 0, sent = 0;
  while (done < count) {
    int r = sendmmsg(p->fd, p->tmsg + done, (unsigned)(count - done), MSG_DONTWAIT);
    if (r < 0) {
      int e = errno;
      if (e == EINTR) continue;
      if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS || e == ENETDOWN || e == ENXIO || e == ENOENT ||
          e == ECONNREFUSED || e == ENOTCONN || e == EDESTADDRREQ) {
        /* Queue full or nobody to send to: what is left is dropped, as OVS drops it. */
        p->stats[ST_TX_DROPPED] += count - done;
        break;
      }
      /* This frame is bad (EMSGSIZE, EINVAL ...): count it and go on with the next. */
      p->stats[ST_TX_ERRORS] += 1;
      done++;
      continue;
    }
    for (int i = done; i < done + r; i++) {
      p->stats[ST_TX_PACKETS] += 1;
      p->stats[ST_TX_BYTES] += p->tx_len[i];
    }
    sent += r;
    done += r;
  }
  return sent;
}

void port_close_fd(port *p) {
  if (p->fd >= 0) close(p->fd);
  if (p->ctl_fd >= 0) close(p->ctl_fd);
  p->fd = -1;
  p->ctl_fd = -1;
}
