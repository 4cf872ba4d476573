/*
 * N-API glue of the tsovs netdev addon: argument checking, handles (napi_external around a
 * port or a link monitor), libuv readiness (uv_poll_t -> one JS call per readable event;
 * JS then drains the fd in batches) and errors with a code (ENODEV, EPERM, ...) and a
 * message naming the interface. See src/netdev/native.ts for the JS side of each function.
 */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(call)                                                      \
  do {                                                                   \
    if ((call) != napi_ok) {                                             \
      napi_throw_error(env, "EINVAL", "tsovs addon: " #call " failed"); \
      return NULL;                                                       \
    }                                                                    \
  } while (0)

/* ---------------------------------------------------------------- helpers */

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, "EINVAL", "tsovs addon: missing arguments");
    return -1;
  }
  return 0;
}

static int get_string(napi_env env, napi_value v, char *buf, size_t len) {
  size_t got;
  if (napi_get_value_string_utf8(env, v, buf, len, &got) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "tsovs addon: expected a string");
    return -1;
  }
  if (got >= len - 1) {
    napi_throw_range_error(env, "ENAMETOOLONG", "tsovs addon: string argument too long");
    return -1;
  }
  return 0;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "tsovs addon: expected a number");
    return -1;
  }
  return 0;
}

static int get_bool(napi_env env, napi_value v, int *out) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "tsovs addon: expected a boolean");
    return -1;
  }
  *out = b;
  return 0;
}

static port *get_port(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "EINVAL", "tsovs addon: expected a port handle");
    return NULL;
  }
  return (port *)data;
}

static void throw_errno(napi_env env, int e, const char *what) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  napi_throw_error(env, errno_code(e), msg);
}

static napi_value make_info(napi_env env, const char *name, const link_info *li) {
  napi_value o, v;
  napi_create_object(env, &o);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, o, "name", v);
  napi_create_int32(env, li->ifindex, &v);
  napi_set_named_property(env, o, "ifindex", v);
  napi_create_uint32(env, li->flags, &v);
  napi_set_named_property(env, o, "flags", v);
  napi_create_int32(env, li->mtu, &v);
  napi_set_named_property(env, o, "mtu", v);
  double mac = 0;
  for (int i = 0; i < 6; i++) mac = mac * 256 + li->mac[i];
  napi_create_double(env, li->has_mac ? mac : 0, &v);
  napi_set_named_property(env, o, "mac", v);
  return o;
}

/* ------------------------------------------------------------- port handles */

static void stop_poll(port *p) {
  if (p->poll == NULL) return;
  uv_poll_stop(p->poll);
  p->poll->data = NULL;
  uv_close((uv_handle_t *)p->poll, (uv_close_cb)free);
  p->poll = NULL;
  if (p->cb != NULL) napi_delete_reference(p->env, p->cb);
  p->cb = NULL;
  if (p->actx != NULL) napi_async_destroy(p->env, p->actx);
  p->actx = NULL;
}

static void release_rings(napi_env env, port *p) {
  napi_ref *refs[] = {&p->rx_ref, &p->rx_meta_ref, &p->tx_ref, &p->tx_len_ref};
  for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
    if (*refs[i] != NULL) napi_delete_reference(env, *refs[i]);
    *refs[i] = NULL;
  }
  p->rx = NULL;
  p->rx_meta = NULL;
  p->tx = NULL;
  p->tx_len = NULL;
}

static void port_finalize(napi_env env, void *data, void *hint) {
  port *p = data;
  stop_poll(p);
  port_close_fd(p);
  release_rings(env, p);
  free(p);
}

static napi_value wrap_port(napi_env env, port *p) {
  napi_value ext;
  if (napi_create_external(env, p, port_finalize, NULL, &ext) != napi_ok) {
    port_close_fd(p);
    free(p);
    napi_throw_error(env, "ENOMEM", "tsovs addon: cannot create a handle");
    return NULL;
  }
  return ext;
}

static port *new_port(void) {
  port *p = calloc(1, sizeof *p);
  if (p != NULL) {
    p->fd = -1;
    p->ctl_fd = -1;
  }
  return p;
}

typedef int (*opener)(port *, const char *, int, char *, size_t, const char **);

static napi_value open_device(napi_env env, napi_callback_info info, opener fn) {
  napi_value argv[3];
  char name[IFNAMSIZ + 64], netns[256], err[512] = "";
  int up;
  const char *code = "EIO";
  if (get_args(env, info, 3, argv) || get_string(env, argv[0], name, sizeof name) ||
      get_string(env, argv[1], netns, sizeof netns) || get_bool(env, argv[2], &up)) {
    return NULL;
  }
  port *p = new_port();
  if (p == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  int saved;
  int r = ns_enter(netns, &saved, err, sizeof err);
  if (r < 0) {
    free(p);
    napi_throw_error(env, errno_code(-r), err);
    return NULL;
  }
  r = fn(p, name, up, err, sizeof err, &code);
  ns_leave(saved);
  if (r < 0) {
    free(p);
    napi_throw_error(env, code, err);
    return NULL;
  }
  return wrap_port(env, p);
}

/* openPacket(ifname, netns, bringUp) */
static napi_value js_open_packet(napi_env env, napi_callback_info info) {
  return open_device(env, info, port_open_packet);
}

/* openTap(name, netns, bringUp) */
static napi_value js_open_tap(napi_env env, napi_callback_info info) {
  return open_device(env, info, port_open_tap);
}

/* openUnixDgram(localPath, remotePath) */
static napi_value js_open_unix_dgram(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char local[256], remote[256], err[512] = "";
  const char *code = "EIO";
  if (get_args(env, info, 2, argv) || get_string(env, argv[0], local, sizeof local) ||
      get_string(env, argv[1], remote, sizeof remote)) {
    return NULL;
  }
  port *p = new_port();
  if (p == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  if (port_open_unix_dgram(p, local, remote, err, sizeof err, &code) < 0) {
    free(p);
    napi_throw_error(env, code, err);
    return NULL;
  }
  return wrap_port(env, p);
}

static int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t ofs;
  if (napi_get_typedarray_info(env, v, &t, len, data, &ab, &ofs) != napi_ok || t != want) {
    napi_throw_type_error(env, "EINVAL", "setRing: expected Uint8Array rings and Int32Array metadata");
    return -1;
  }
  return 0;
}

/* setRing(h, rx: Uint8Array, rxMeta: Int32Array, tx: Uint8Array, txLen: Int32Array, slotSize, headroom, nslots) */
static napi_value js_set_ring(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (get_args(env, info, 8, argv)) return NULL;
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  int32_t slot, headroom, nslots;
  if (get_int(env, argv[5], &slot) || get_int(env, argv[6], &headroom) || get_int(env, argv[7], &nslots)) return NULL;
  void *rx, *rx_meta, *tx, *tx_len;
  size_t n1, n2, n3, n4;
  if (typed(env, argv[1], napi_uint8_array, &rx, &n1) || typed(env, argv[2], napi_int32_array, &rx_meta, &n2) ||
      typed(env, argv[3], napi_uint8_array, &tx, &n3) || typed(env, argv[4], napi_int32_array, &tx_len, &n4)) {
    return NULL;
  }
  if (nslots < 1 || nslots > TSOVS_MAX_BATCH || headroom < 4 || slot <= headroom + 64 ||
      n1 < (size_t)slot * nslots || n2 < (size_t)nslots * 2 || n3 < (size_t)slot * nslots || n4 < (size_t)nslots) {
    napi_throw_range_error(env, "EINVAL", "setRing: ring too small or bad geometry");
    return NULL;
  }
  release_rings(env, p);
  CHECK(napi_create_reference(env, argv[1], 1, &p->rx_ref));
  CHECK(napi_create_reference(env, argv[2], 1, &p->rx_meta_ref));
  CHECK(napi_create_reference(env, argv[3], 1, &p->tx_ref));
  CHECK(napi_create_reference(env, argv[4], 1, &p->tx_len_ref));
  p->rx = rx;
  p->rx_meta = rx_meta;
  p->tx = tx;
  p->tx_len = tx_len;
  p->slot_size = slot;
  p->headroom = headroom;
  p->nslots = nslots;
  return undefined(env);
}

/* recv(h) -> slots filled (meta[2i] = start, meta[2i+1] = length or -1), 0 when none, -errno */
static napi_value js_recv(napi_env env, napi_callback_info info) {
  napi_value argv[1], out;
  size_t argc = 1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  napi_create_int32(env, port_recv(p), &out);
  return out;
}

/* flush(h, count) -> frames sent of tx slots 0..count-1 (lengths in txLen), -EINVAL for a bad length */
static napi_value js_flush(napi_env env, napi_callback_info info) {
  napi_value argv[2], out;
  size_t argc = 2;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  int32_t count;
  if (get_int(env, argv[1], &count)) return NULL;
  napi_create_int32(env, port_flush(p, count), &out);
  return out;
}

static void call_js(napi_env env, napi_ref cb, napi_async_context actx, size_t argc, napi_value *argv) {
  napi_value fn, recv, result;
  if (napi_get_reference_value(env, cb, &fn) != napi_ok || fn == NULL) return;
  napi_get_global(env, &recv); /* napi_make_callback needs an object receiver */
  if (napi_make_callback(env, actx, recv, fn, argc, argv, &result) == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
}

static void on_port_event(uv_poll_t *h, int status, int events) {
  port *p = h->data;
  if (p == NULL || p->cb == NULL) return;
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value argv[1];
  napi_create_int32(env, status < 0 ? status : 0, &argv[0]);
  call_js(env, p->cb, p->actx, 1, argv);
  napi_close_handle_scope(env, scope);
}

/* startPoll(h, cb(status)) : cb runs once per readable event */
static napi_value js_start_poll(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv)) return NULL;
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  if (p->fd < 0) {
    napi_throw_error(env, "EBADF", "startPoll: the port is closed");
    return NULL;
  }
  stop_poll(p);
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  uv_poll_t *h = malloc(sizeof *h);
  if (h == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  int r = uv_poll_init(loop, h, p->fd);
  if (r < 0) {
    free(h);
    napi_throw_error(env, "EIO", uv_strerror(r));
    return NULL;
  }
  napi_value resource, rname;
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "tsovs:netdev", NAPI_AUTO_LENGTH, &rname);
  CHECK(napi_async_init(env, resource, rname, &p->actx));
  CHECK(napi_create_reference(env, argv[1], 1, &p->cb));
  p->env = env;
  h->data = p;
  p->poll = h;
  r = uv_poll_start(h, UV_READABLE, on_port_event);
  if (r < 0) {
    stop_poll(p);
    napi_throw_error(env, "EIO", uv_strerror(r));
    return NULL;
  }
  return undefined(env);
}

static napi_value js_stop_poll(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv)) return NULL;
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  stop_poll(p);
  return undefined(env);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv)) return NULL;
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  stop_poll(p);
  port_close_fd(p);
  release_rings(env, p);
  return undefined(env);
}

/* stats(h, out: Float64Array(8)): rx packets, bytes, errors, dropped (kernel), tx packets, bytes, errors, dropped */
static napi_value js_stats(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv)) return NULL;
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  napi_typedarray_type t;
  size_t n;
  void *data;
  if (napi_get_typedarray_info(env, argv[1], &t, &n, &data, NULL, NULL) != napi_ok || t != napi_float64_array ||
      n < ST_COUNT) {
    napi_throw_type_error(env, "EINVAL", "stats: expected a Float64Array of 8");
    return NULL;
  }
  if (p->kind == KIND_PACKET && p->fd >= 0) {
    struct tpacket_stats st;
    socklen_t len = sizeof st;
    /* Reading resets the kernel counters, so they are accumulated here. */
    if (getsockopt(p->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) p->stats[ST_RX_DROPPED] += st.tp_drops;
  }
  memcpy(data, p->stats, sizeof p->stats);
  return undefined(env);
}

/* info(h) -> { name, ifindex, flags, mtu, mac } or null when the device is gone */
static napi_value js_info(napi_env env, napi_callback_info info) {
  napi_value argv[1], n;
  if (get_args(env, info, 1, argv)) return NULL;
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  link_info li;
  napi_get_null(env, &n);
  if (p->ctl_fd < 0 || link_query(p->ctl_fd, p->name, &li) < 0) return n;
  return make_info(env, p->name, &li);
}

/* setUp(h, up) */
static napi_value js_set_up(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int up;
  if (get_args(env, info, 2, argv) || get_bool(env, argv[1], &up)) return NULL;
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  int r = p->ctl_fd < 0 ? -EBADF : link_set_up(p->ctl_fd, p->name, up);
  if (r < 0) throw_errno(env, -r, p->name);
  return undefined(env);
}

/* setMac(h, mac48) */
static napi_value js_set_mac(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  double m;
  if (get_args(env, info, 2, argv)) return NULL;
  port *p = get_port(env, argv[0]);
  if (p == NULL) return NULL;
  if (napi_get_value_double(env, argv[1], &m) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "setMac: expected a number");
    return NULL;
  }
  uint8_t mac[6];
  uint64_t v = (uint64_t)m;
  for (int i = 5; i >= 0; i--) {
    mac[i] = (uint8_t)(v & 0xff);
    v >>= 8;
  }
  int r = p->ctl_fd < 0 ? -EBADF : link_set_mac(p->ctl_fd, p->name, mac);
  if (r < 0) throw_errno(env, -r, p->name);
  return undefined(env);
}

/* linkInfo(name, netns) -> info or null when there is no such device */
static napi_value js_link_info(napi_env env, napi_callback_info info) {
  napi_value argv[2], n;
  char name[IFNAMSIZ + 64], netns[256], err[512] = "";
  if (get_args(env, info, 2, argv) || get_string(env, argv[0], name, sizeof name) ||
      get_string(env, argv[1], netns, sizeof netns)) {
    return NULL;
  }
  napi_get_null(env, &n);
  if (strlen(name) >= IFNAMSIZ) return n;
  int saved;
  int r = ns_enter(netns, &saved, err, sizeof err);
  if (r < 0) {
    napi_throw_error(env, errno_code(-r), err);
    return NULL;
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int e = errno;
  ns_leave(saved);
  if (fd < 0) {
    throw_errno(env, e, "linkInfo: socket");
    return NULL;
  }
  link_info li;
  r = link_query(fd, name, &li);
  close(fd);
  if (r < 0) return n;
  return make_info(env, name, &li);
}

/* ------------------------------------------------------------- link monitor */

typedef struct monitor {
  int fd;
  uv_poll_t *poll;
  napi_env env;
  napi_ref cb;
  napi_async_context actx;
} monitor;

static void monitor_stop(monitor *m) {
  if (m->poll != NULL) {
    uv_poll_stop(m->poll);
    m->poll->data = NULL;
    uv_close((uv_handle_t *)m->poll, (uv_close_cb)free);
    m->poll = NULL;
  }
  if (m->cb != NULL) napi_delete_reference(m->env, m->cb);
  m->cb = NULL;
  if (m->actx != NULL) napi_async_destroy(m->env, m->actx);
  m->actx = NULL;
  if (m->fd >= 0) close(m->fd);
  m->fd = -1;
}

static void monitor_finalize(napi_env env, void *data, void *hint) {
  monitor_stop(data);
  free(data);
}

static void monitor_msg(void *arg, int type, int ifindex, const char *name, unsigned flags) {
  monitor *m = arg;
  if (m->cb == NULL) return;
  napi_env env = m->env;
  napi_value argv[4];
  napi_create_int32(env, type, &argv[0]);
  napi_create_int32(env, ifindex, &argv[1]);
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &argv[2]);
  napi_create_uint32(env, flags, &argv[3]);
  call_js(env, m->cb, m->actx, 4, argv);
}

static void on_monitor_event(uv_poll_t *h, int status, int events) {
  monitor *m = h->data;
  if (m == NULL || m->fd < 0) return;
  napi_handle_scope scope;
  napi_open_handle_scope(m->env, &scope);
  int r = link_monitor_read(m->fd, monitor_msg, m);
  if (r == -ENOBUFS) monitor_msg(m, 0, 0, "", 0); /* overrun: JS re-reads every device it watches */
  napi_close_handle_scope(m->env, scope);
  /* libuv stops a poll handle after POLLERR (the overrun); the error is consumed, so go on. */
  if (status < 0 && m->poll != NULL && m->fd >= 0) uv_poll_start(m->poll, UV_READABLE, on_monitor_event);
}

/* openLinkMonitor(netns, cb(type 1=new 2=del 0=resync, ifindex, name, flags)) */
static napi_value js_open_link_monitor(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char netns[256], err[512] = "";
  if (get_args(env, info, 2, argv) || get_string(env, argv[0], netns, sizeof netns)) return NULL;
  int saved;
  int r = ns_enter(netns, &saved, err, sizeof err);
  if (r < 0) {
    napi_throw_error(env, errno_code(-r), err);
    return NULL;
  }
  int fd = link_monitor_open();
  ns_leave(saved);
  if (fd < 0) {
    throw_errno(env, -fd, "link monitor (rtnetlink)");
    return NULL;
  }
  monitor *m = calloc(1, sizeof *m);
  uv_poll_t *h = malloc(sizeof *h);
  uv_loop_t *loop;
  if (m == NULL || h == NULL || napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, h, fd) < 0) {
    free(m);
    free(h);
    close(fd);
    napi_throw_error(env, "ENOMEM", "link monitor: cannot set up polling");
    return NULL;
  }
  m->fd = fd;
  m->env = env;
  napi_value resource, rname;
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "tsovs:linkmonitor", NAPI_AUTO_LENGTH, &rname);
  napi_async_init(env, resource, rname, &m->actx);
  napi_create_reference(env, argv[1], 1, &m->cb);
  h->data = m;
  m->poll = h;
  uv_poll_start(h, UV_READABLE, on_monitor_event);
  /* The monitor alone must not keep the process alive. */
  uv_unref((uv_handle_t *)h);
  napi_value ext;
  if (napi_create_external(env, m, monitor_finalize, NULL, &ext) != napi_ok) {
    monitor_stop(m);
    free(m);
    napi_throw_error(env, "ENOMEM", "link monitor: cannot create a handle");
    return NULL;
  }
  return ext;
}

static napi_value js_close_link_monitor(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv)) return NULL;
  void *data = NULL;
  if (napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "EINVAL", "expected a link monitor handle");
    return NULL;
  }
  monitor_stop(data);
  return undefined(env);
}

/* ------------------------------------------------------------- registration */

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"openPacket", NULL, js_open_packet, NULL, NULL, NULL, napi_default, NULL},
    {"openTap", NULL, js_open_tap, NULL, NULL, NULL, napi_default, NULL},
    {"openUnixDgram", NULL, js_open_unix_dgram, NULL, NULL, NULL, napi_default, NULL},
    {"setRing", NULL, js_set_ring, NULL, NULL, NULL, napi_default, NULL},
    {"recv", NULL, js_recv, NULL, NULL, NULL, napi_default, NULL},
    {"flush", NULL, js_flush, NULL, NULL, NULL, napi_default, NULL},
    {"startPoll", NULL, js_start_poll, NULL, NULL, NULL, napi_default, NULL},
    {"stopPoll", NULL, js_stop_poll, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
    {"stats", NULL, js_stats, NULL, NULL, NULL, napi_default, NULL},
    {"info", NULL, js_info, NULL, NULL, NULL, napi_default, NULL},
    {"setUp", NULL, js_set_up, NULL, NULL, NULL, napi_default, NULL},
    {"setMac", NULL, js_set_mac, NULL, NULL, NULL, napi_default, NULL},
    {"linkInfo", NULL, js_link_info, NULL, NULL, NULL, napi_default, NULL},
    {"openLinkMonitor", NULL, js_open_link_monitor, NULL, NULL, NULL, napi_default, NULL},
    {"closeLinkMonitor", NULL, js_close_link_monitor, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
