/*
 * Registers every port type tsovs has (import this once, e.g. in the daemon): dummy,
 * system, internal, tap, vxlan, geneve, stream, dgram, pcap. `patch` is ofproto's.
 * The native-backed types (system, internal, tap, unix dgram) load the addon only when a
 * port of that type is opened, so importing this never fails.
 */
import './dummy.js';
import './af-packet.js';
import './internal.js';
import './tap.js';
import './vxlan.js';
import './geneve.js';
import './stream.js';
import './dgram.js';
import './pcap.js';
