/*
 * Network namespaces for the `netns` option: the calling thread (Node's main thread) joins
 * the namespace just long enough to create a socket or device there, then returns. Sockets
 * and devices stay in the namespace they were created in. Other threads are not affected.
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ns_enter(const char *netns, int *saved, char *err, size_t errlen) {
  *saved = -1;
  if (netns == NULL || netns[0] == '\0') return 0;
  char path[512];
  if (strchr(netns, '/') != NULL) snprintf(path, sizeof path, "%s", netns);
  else snprintf(path, sizeof path, "/run/netns/%s", netns);
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int e = errno;
    snprintf(err, errlen, "network namespace %s: %s", netns, strerror(e));
    return -e;
  }
  int cur = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (cur < 0) {
    int e = errno;
    close(target);
    snprintf(err, errlen, "cannot open the current network namespace: %s", strerror(e));
    return -e;
  }
  if (setns(target, CLONE_NEWNET) < 0) {
    int e = errno;
    close(target);
    close(cur);
    snprintf(err, errlen, "cannot enter network namespace %s: %s", netns, strerror(e));
    return -e;
  }
  close(target);
  *saved = cur;
  return 0;
}

void ns_leave(int saved) {
  if (saved < 0) return;
  if (setns(saved, CLONE_NEWNET) < 0) {
    /* Staying in the wrong namespace would silently misplace every later socket. */
    fprintf(stderr, "tsovs: cannot return to the original network namespace: %s\n", strerror(errno));
    abort();
  }
  close(saved);
}

const char *errno_code(int e) {
  switch (e) {
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOENT: return "ENOENT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENETDOWN: return "ENETDOWN";
    case EADDRINUSE: return "EADDRINUSE";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    case EAGAIN: return "EAGAIN";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    default: return "EIO";
  }
}
