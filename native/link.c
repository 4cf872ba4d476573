/*
 * Link state through ioctls (ifindex, flags, MTU, hardware address; bringing a device up)
 * and the rtnetlink link monitor that tells JS when devices appear, change or vanish
 * (OVS learns the same from its rtnetlink notifier).
 */
#include "common.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void set_ifr_name(struct ifreq *ifr, const char *name) {
  memset(ifr, 0, sizeof *ifr);
  strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
}

int link_query(int ctl_fd, const char *name, link_info *out) {
  struct ifreq ifr;
  memset(out, 0, sizeof *out);
  set_ifr_name(&ifr, name);
  if (ioctl(ctl_fd, SIOCGIFINDEX, &ifr) < 0) return -errno;
  out->ifindex = ifr.ifr_ifindex;
  set_ifr_name(&ifr, name);
  if (ioctl(ctl_fd, SIOCGIFFLAGS, &ifr) < 0) return -errno;
  out->flags = (unsigned)(unsigned short)ifr.ifr_flags;
  set_ifr_name(&ifr, name);
  if (ioctl(ctl_fd, SIOCGIFMTU, &ifr) == 0) out->mtu = ifr.ifr_mtu;
  set_ifr_name(&ifr, name);
  if (ioctl(ctl_fd, SIOCGIFHWADDR, &ifr) == 0 && ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
    memcpy(out->mac, ifr.ifr_hwaddr.sa_data, 6);
    out->has_mac = 1;
  }
  return 0;
}

int link_set_up(int ctl_fd, const char *name, int up) {
  struct ifreq ifr;
  set_ifr_name(&ifr, name);
  if (ioctl(ctl_fd, SIOCGIFFLAGS, &ifr) < 0) return -errno;
  short want = up ? (short)(ifr.ifr_flags | IFF_UP) : (short)(ifr.ifr_flags & ~IFF_UP);
  if (want == ifr.ifr_flags) return 0;
  ifr.ifr_flags = want;
  if (ioctl(ctl_fd, SIOCSIFFLAGS, &ifr) < 0) return -errno;
  return 0;
}

int link_set_mac(int ctl_fd, const char *name, const uint8_t mac[6]) {
  struct ifreq ifr;
  set_ifr_name(&ifr, name);
  ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
  memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
  if (ioctl(ctl_fd, SIOCSIFHWADDR, &ifr) < 0) return -errno;
  return 0;
}

int link_monitor_open(void) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return -errno;
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = RTMGRP_LINK;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  return fd;
}

int link_monitor_read(int fd, void (*fn)(void *arg, int type, int ifindex, const char *name, unsigned flags),
                      void *arg) {
  char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      if (errno == EINTR) continue;
      return -errno; /* ENOBUFS: messages were lost, the caller resynchronises */
    }
    if (n == 0) return 0;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) continue;
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) continue;
      struct ifinfomsg *ifi = NLMSG_DATA(h);
      char name[IFNAMSIZ] = "";
      int alen = (int)IFLA_PAYLOAD(h);
      for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
        if (a->rta_type == IFLA_IFNAME) {
          size_t l = RTA_PAYLOAD(a);
          if (l >= IFNAMSIZ) l = IFNAMSIZ - 1;
          memcpy(name, RTA_DATA(a), l);
          name[l] = '\0';
        }
      }
      fn(arg, h->nlmsg_type == RTM_NEWLINK ? 1 : 2, ifi->ifi_index, name, ifi->ifi_flags);
    }
  }
}
