// Addresses that libnanomsg 1.1.5 accepts but then crashes on.
import { isIPv4, isIPv6 } from 'node:net';
import type { NanomsgError } from './errors.js';
import { nnError } from './symbols.js';

/** The family nanomsg gives a literal host with NN_IPV4ONLY off, or undefined for a non-literal. */
function literalFamily(host: string): 4 | 6 | undefined {
  if (host.startsWith('[') && host.endsWith(']')) return isIPv6(host.slice(1, -1)) ? 6 : undefined;
  if (isIPv6(host)) return 6;
  if (isIPv4(host)) return 4;
  return undefined;
}

/**
 * @internal True for a `tcp://` or `ws://` connect address that libnanomsg
 * 1.1.5 cannot use with `NN_IPV4ONLY` off: its local address (`*`, the
 * default, is IPv6 then) and its remote address have different families, e.g.
 * `tcp://127.0.0.1:5555`. The library binds an IPv4 socket to the IPv6 local
 * address, fails, and at its next attempt (one reconnect interval later)
 * aborts the process on an assertion (usock_posix.inc:195). Host names are
 * resolved to IPv6 (IPv4-mapped) then, so only literals matter. Addresses the
 * library refuses anyway are left to it.
 */
export function mixedFamilies(address: string): boolean {
  const scheme = /^(tcp|ws):\/\//.exec(address);
  if (scheme === null) return false;
  const rest = address.slice(scheme[0].length);
  const semicolon = rest.indexOf(';');
  const local = semicolon < 0 ? '*' : rest.slice(0, semicolon);
  const hostStart = semicolon < 0 ? 0 : semicolon + 1;
  const colon = rest.lastIndexOf(':');
  let hostEnd: number;
  if (scheme[1] === 'ws') {
    const slash = rest.indexOf('/', colon < 0 ? 0 : colon);
    hostEnd = colon >= hostStart ? colon : slash >= 0 ? slash : rest.length;
  } else {
    if (colon < hostStart) return false;
    hostEnd = colon;
  }
  const localFamily = local === '*' ? 6 : literalFamily(local);
  if (localFamily === undefined) return false; // the library: ENODEV
  const remoteFamily = literalFamily(rest.slice(hostStart, hostEnd)) ?? 6;
  return localFamily !== remoteFamily;
}

/** @internal The error `connect` throws for such an address. */
export function mixedFamiliesError(address: string): NanomsgError {
  return nnError(
    'EINVAL',
    'nn_connect',
    'with ipv4Only false, libnanomsg 1.1.5 crashes connecting to an address of another ' +
      'family than the local one, IPv6 by default: use ipv4Only true, a host name, or an ' +
      'IPv6 literal such as [::ffff:127.0.0.1]',
    address,
  );
}
