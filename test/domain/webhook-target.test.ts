/** Which URLs a webhook may target: given the URL a guest registers, then it is refused (and why) or allowed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressProblem, literalAddress, privateTargetMessage, targetUrlProblem } from '../../src/domain/webhook-target.ts';

/** The blocked range of a URL's host when it is an IP literal, as the sender judges it. */
function rangeOf(url: string): string | undefined {
  assert.equal(targetUrlProblem(url), undefined, `${url} is a well-formed URL`);
  const address = literalAddress(new URL(url).hostname);
  assert.ok(address, `${url} has an IP literal host`);
  return addressProblem(address);
}

const blocked: [url: string, address: string, range: string][] = [
  ['http://127.0.0.1/', '127.0.0.1', 'loopback'],
  ['http://127.8.9.10:8080/hook', '127.8.9.10', 'loopback'],
  ['http://2130706433/', '127.0.0.1', 'loopback'],
  ['http://0x7f.1/', '127.0.0.1', 'loopback'],
  ['http://017700000001/', '127.0.0.1', 'loopback'],
  ['http://0177.0.0.1/', '127.0.0.1', 'loopback'],
  ['http://10.1.2.3/', '10.1.2.3', 'private'],
  ['http://172.16.0.1/', '172.16.0.1', 'private'],
  ['http://172.31.255.254/', '172.31.255.254', 'private'],
  ['http://192.168.1.1/', '192.168.1.1', 'private'],
  ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'linkLocal'],
  ['http://100.64.0.1/', '100.64.0.1', 'carrierGradeNat'],
  ['http://224.0.0.1/', '224.0.0.1', 'multicast'],
  ['http://0.0.0.0/', '0.0.0.0', 'unspecified'],
  ['http://0/', '0.0.0.0', 'unspecified'],
  ['http://255.255.255.255/', '255.255.255.255', 'broadcast'],
  ['http://240.0.0.1/', '240.0.0.1', 'reserved'],
  ['http://[::1]/', '::1', 'loopback'],
  ['http://[::]/', '::', 'unspecified'],
  ['http://[fe80::1]/', 'fe80::1', 'linkLocal'],
  ['http://[fc00::1]/', 'fc00::1', 'uniqueLocal'],
  ['http://[fd12:3456::1]/', 'fd12:3456::1', 'uniqueLocal'],
  ['http://[ff02::1]/', 'ff02::1', 'multicast'],
  ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 'loopback'],
  ['http://[::ffff:7f00:1]/', '::ffff:7f00:1', 'loopback'],
  ['http://[::ffff:a00:1]/', '::ffff:a00:1', 'private'],
  ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe', 'linkLocal'],
  ['http://[64:ff9b::7f00:1]/', '64:ff9b::7f00:1', 'rfc6052'],
  ['http://[2002:7f00:1::1]/', '2002:7f00:1::1', '6to4'],
  ['http://[2001::1]/', '2001::1', 'teredo'],
];

for (const [url, address, range] of blocked) {
  test(`${url} is refused as ${range}`, () => {
    assert.equal(literalAddress(new URL(url).hostname), address, `${url} is the address ${address}`);
    assert.equal(rangeOf(url), range, `${url} falls in ${range}`);
  });
}

test('public addresses are allowed, IPv4 and IPv6', () => {
  assert.equal(rangeOf('http://93.184.216.34/'), undefined, 'a public IPv4 address');
  assert.equal(rangeOf('https://[2606:2800:220:1:248:1893:25c8:1946]:8443/hook'), undefined, 'a public IPv6 address');
  assert.equal(rangeOf('http://[::ffff:93.184.216.34]/'), undefined, 'a public IPv4 address written IPv4-mapped');
  assert.equal(addressProblem('8.8.8.8'), undefined, 'a resolver answer in plain form');
});

test('addressProblem takes what DNS answers: bare addresses, bracketed IPv6, zone ids', () => {
  assert.equal(addressProblem('::1'), 'loopback', 'bare IPv6');
  assert.equal(addressProblem('[::1]'), 'loopback', 'bracketed IPv6');
  assert.equal(addressProblem('fe80::1%eth0'), 'linkLocal', 'a link-local address with its zone');
  assert.equal(addressProblem('::ffff:7f00:1'), 'loopback', 'IPv4-mapped in hex');
  assert.equal(addressProblem('example.com'), 'invalid', 'a name is not an address');
});

test('names are not literals: they are resolved and their addresses judged at connect time', () => {
  for (const hostname of ['example.com', 'localhost', '127.0.0.1.nip.io', '[not-ipv6]', 'xn--bcher-kva.example']) {
    assert.equal(literalAddress(hostname), undefined, `${hostname} is a name`);
  }
});

test('the refusal names the address, its range and the setting that lifts it', () => {
  assert.equal(privateTargetMessage('127.0.0.1', 'loopback'), '127.0.0.1 is a loopback address; webhooks only call public addresses unless BISTRO_WEBHOOK_ALLOW_PRIVATE=1', 'loopback');
  assert.match(privateTargetMessage('[fc00::1]', 'uniqueLocal'), /^\[fc00::1\] is a uniqueLocal address; .*BISTRO_WEBHOOK_ALLOW_PRIVATE=1$/, 'IPv6');
});

const badUrls: [url: string, problem: RegExp][] = [
  ['ftp://example.com/hook', /scheme must be http or https, not ftp/],
  ['javascript:alert(1)', /scheme must be http or https, not javascript/],
  ['file:///etc/passwd', /scheme/],
  ['data:text/plain,hi', /scheme/],
  ['https://user:pass@example.com/hook', /username or password/],
  ['https://user@example.com/hook', /username or password/],
  ['https://example.com/hook#part', /fragment/],
  ['https://example.com/hook#', /fragment/],
  [`https://example.com/${'a'.repeat(2048)}`, /longer than 2048/],
  ['not a url', /not a valid absolute URL/],
  ['/relative/path', /not a valid absolute URL/],
  ['', /not a valid absolute URL/],
  ['http://', /not a valid absolute URL/],
  ['https://exa mple.com/', /not a valid absolute URL/],
  ['http://[::1/', /not a valid absolute URL/],
  ['http://256.256.256.256/', /not a valid absolute URL/],
];

for (const [url, problem] of badUrls) {
  test(`${JSON.stringify(url.length > 60 ? `${url.slice(0, 40)}…` : url)} is not a webhook URL`, () => {
    assert.match(targetUrlProblem(url) ?? 'accepted', problem, `${url} is refused for the right reason`);
  });
}

test('ordinary URLs pass the URL rules', () => {
  for (const url of ['https://example.com/hook', 'http://example.com:8080/a/b?c=d', 'https://hooks.example.org', `https://example.com/${'a'.repeat(2000)}`]) {
    assert.equal(targetUrlProblem(url), undefined, `${url.slice(0, 60)} is accepted`);
  }
});
