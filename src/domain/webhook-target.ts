/**
 * Which webhook targets Bistro may call: the URL rules, and which IP addresses count as private.
 * Pure: the sender applies the address rule again to whatever DNS answers at connect time.
 */
import ipaddr from 'ipaddr.js';

/** Long enough for any real receiver; short enough that a URL cannot be used to store data. */
const maxUrlLength = 2048;

/** Why `url` cannot be a webhook target, or undefined when it can (its address is judged separately). */
export function targetUrlProblem(url: string): string | undefined {
  if (url.length > maxUrlLength) return `the URL is longer than ${maxUrlLength} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the scheme must be http or https, not ${parsed.protocol.slice(0, -1)}`;
  // Credentials in the URL would be sent to the receiver and shown in every listing of the endpoint.
  if (parsed.username !== '' || parsed.password !== '') return 'the URL must not carry a username or password';
  // A fragment never reaches the receiver, so one here is a mistake.
  if (parsed.hash !== '' || url.includes('#')) return 'the URL must not have a fragment (#…)';
  if (parsed.hostname === '') return 'the URL has no host';
  return undefined;
}

/**
 * The name of the blocked range `ip` falls in ('loopback', 'private', 'linkLocal', … as ipaddr.js
 * names them), or undefined for a public unicast address. Brackets around IPv6 are allowed.
 * Anything that is not an IP address is 'invalid'.
 */
export function addressProblem(ip: string): string | undefined {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) return 'invalid';
  // process() turns ::ffff:a.b.c.d into a.b.c.d: a dual-stack socket reaches that IPv4 host, so it is judged as that host.
  const range = ipaddr.process(bare).range();
  // Only plain unicast passes. That also refuses the IPv6 ranges that embed an IPv4 address and are
  // translated or tunnelled towards it (NAT64 64:ff9b::/96 'rfc6052', 'rfc6145', '6to4' 2002::/16,
  // 'teredo' 2001::/32): the embedded address may be 127.0.0.1 or 10.x, checking it would mean
  // trusting each gateway's own rules, and no real webhook receiver needs these transition ranges.
  return range === 'unicast' ? undefined : range;
}

/** The refusal a private target gets; it names the setting that lifts the rule. */
export function privateTargetMessage(host: string, range: string): string {
  // 'an unspecified' but 'a uniqueLocal': English goes by the sound.
  const article = /^(?:[aeio]|un(?!i))/i.test(range) ? 'an' : 'a';
  return `${host} is ${article} ${range} address; webhooks only call public addresses unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1`;
}

/**
 * The IP address a URL hostname spells, or undefined when it is a name to resolve. Expects
 * `URL.hostname`: WHATWG URL has already turned numeric IPv4 forms (2130706433, 0x7f.1, 0177.1)
 * into dotted quads and keeps IPv6 in brackets.
 */
export function literalAddress(hostname: string): string | undefined {
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const inner = hostname.slice(1, -1);
    return ipaddr.IPv6.isValid(inner) ? inner : undefined;
  }
  if (ipaddr.IPv6.isValid(hostname)) return hostname;
  return ipaddr.IPv4.isValidFourPartDecimal(hostname) ? hostname : undefined;
}

/** The refusal for a URL whose host is a private address literal, or undefined (a name, or a public address). */
export function literalTargetProblem(url: URL): string | undefined {
  const address = literalAddress(url.hostname);
  const range = address === undefined ? undefined : addressProblem(address);
  return range === undefined ? undefined : privateTargetMessage(url.hostname, range);
}
