import fc from 'fast-check';

/** Random replies made of the tokens the masker reads (addresses, hosts, IPs, URLs, ids) and the punctuation between them. */
const hex = fc.stringMatching(/^[0-9a-fA-F]{1,5}$/);
const label = fc.stringMatching(/^[a-zA-Z0-9_-]{1,10}$/);
const tld = fc.constantFrom('com', 'org', 'jp', 'de', 'In', 'Please', 'local', 'a', 'c0m', 'co.uk', 'xyz');
export const host = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), tld, fc.constantFrom('.', '..'))
  .map(([labels, t, dot]) => `${labels.join(dot)}.${t}`);
export const local = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9.+=_%/-]{1,14}$/),
  fc.stringMatching(/^[a-zA-Z0-9]{14,44}$/),
);
const octet = fc.integer({ min: 0, max: 300 }).map(String);
const ipv4 = fc.array(octet, { minLength: 3, maxLength: 5 }).map((parts) => parts.join('.'));
const ipv6 = fc.oneof(
  fc.array(hex, { minLength: 1, maxLength: 9 }).map((groups) => groups.join(':')),
  fc
    .tuple(fc.array(hex, { maxLength: 4 }), fc.array(hex, { maxLength: 4 }))
    .map(([a, b]) => `${a.join(':')}::${b.join(':')}`),
  ipv4.map((v4) => `::ffff:${v4}`),
  fc
    .tuple(fc.array(hex, { minLength: 2, maxLength: 8 }), fc.constantFrom(':', ':x', '.'))
    .map(([groups, tail]) => `${groups.join(':')}${tail}`),
);
export const token = fc.oneof(
  fc.tuple(local, host).map(([l, h]) => `${l}@${h}`),
  fc.tuple(local, host).map(([l, h]) => `<${l}@${h}>`),
  host,
  host.map((h) => `@${h}`),
  host.map((h) => `www.${h}`),
  local.map((l) => `${l}@`),
  ipv4,
  ipv6,
  fc
    .tuple(fc.constantFrom('http', 'HTTPS', 'x'), host, fc.stringMatching(/^[a-zA-Z0-9/?=&#.,%-]{0,20}$/))
    .map(([scheme, h, path]) => `${scheme}://${h}/${path}`),
  fc.stringMatching(/^[a-zA-Z0-9+/=]{12,40}$/),
  fc.stringMatching(/^[a-z0-9.:@/=+_-]{1,12}$/),
  fc.constantFrom(
    '550',
    '5.1.1',
    '550-5.1.1',
    'user',
    'unknown',
    'exist.In',
    'RESOLVER.ADR.Invalid',
    'İ',
    'ß',
  ),
);
export const separator = fc.constantFrom(
  ' ',
  '',
  '; ',
  ', ',
  '<',
  '>',
  '[',
  ']',
  '(',
  ')',
  ':',
  '\n',
  '=',
  '/',
  '...',
  '"',
);
export const reply = fc
  .array(fc.tuple(token, separator), { maxLength: 24 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));
