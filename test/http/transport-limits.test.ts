/** The transport settings' defaults and checks, and whom a connection counts against for the per-address cap. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { addressKey } from '../../src/patterns/http/transport-limits.ts';

test('transport settings default to the README figures', () => {
  const config = loadConfig([], {});
  assert.deepEqual(
    [config.requestTimeoutMs, config.headersTimeoutMs, config.keepAliveTimeoutMs, config.maxConnections, config.maxConnectionsPerAddress],
    [30_000, 15_000, 72_000, 10_000, 256],
    'the documented defaults',
  );
});

test('the headers timeout never exceeds the request timeout: unset it shrinks to fit, set above it is refused', () => {
  assert.equal(loadConfig([], { BISTRO_REQUEST_TIMEOUT_MS: '1000' }).headersTimeoutMs, 1000, 'an unset headers timeout shrinks to the request timeout');
  assert.throws(
    () => loadConfig([], { BISTRO_REQUEST_TIMEOUT_MS: '1000', BISTRO_HEADERS_TIMEOUT_MS: '2000' }),
    (error: unknown) => error instanceof ConfigError && error.message.startsWith('BISTRO_HEADERS_TIMEOUT_MS'),
    'a headers timeout above the request timeout is refused, naming the setting',
  );
  for (const name of ['BISTRO_REQUEST_TIMEOUT_MS', 'BISTRO_MAX_CONNECTIONS', 'BISTRO_MAX_CONNECTIONS_PER_ADDRESS']) {
    assert.throws(() => loadConfig([], { [name]: '0' }), (error: unknown) => error instanceof ConfigError && error.message.startsWith(name), `${name}=0 is refused`);
  }
});

test('an IPv4 address counts alone, an IPv4-mapped one as its IPv4 address, an IPv6 address by its /64', () => {
  assert.equal(addressKey('203.0.113.7'), '203.0.113.7', 'IPv4 as is');
  assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7', 'IPv4-mapped IPv6 as the IPv4 address');
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64', 'IPv6 by its first 64 bits');
  assert.equal(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), addressKey('2001:0db8:0001:0002::2'), 'two addresses of one /64, however written, count together');
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64', 'a compressed prefix is expanded');
  assert.equal(addressKey('::1'), '0:0:0:0::/64', 'loopback');
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'), 'another /64 counts apart');
});
