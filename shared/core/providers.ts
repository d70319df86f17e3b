import { domainOf, InvalidAddressError, normalizeAddress } from './address';
import type { InboundMessage } from './notification';

/**
 * Which mailbox provider received (or refused) a message: deliverability problems are rarely
 * account-wide (Microsoft refuses our IPs while Gmail accepts everything), so rates and alarms are
 * also kept per provider. Pure and offline: no DNS lookup (an MX lookup per event would make the
 * processor's speed and correctness depend on resolvers); the recipient's domain decides for the
 * providers' consumer domains, the receiver's own fingerprints in what SES reports (the SMTP reply,
 * the reporting MTA, a complaint's feedback agent) for domains they host.
 *
 * The set is fixed and small: it is a metric dimension and an alarm per provider, so its
 * cardinality must not grow with the data. Chosen by the receivers' share of consumer mailboxes
 * and by the postmaster documentation they publish (receivers.ts cites it):
 *   google     Gmail and Google Workspace      https://support.google.com/a/answer/3726730
 *   microsoft  Outlook.com / Hotmail and 365   https://sendersupport.olc.protection.outlook.com/pm/
 *   yahoo      Yahoo and AOL (one platform)    https://senders.yahooinc.com/smtp-error-codes/
 *   apple      iCloud                          https://support.apple.com/en-us/102322
 *   gmx        GMX, WEB.DE, mail.com (United Internet, the largest in Germany)  https://postmaster.gmx.net/
 *   comcast    Xfinity / Comcast               https://postmaster.comcast.net/smtp-error-codes.php
 *   mailru     Mail.ru (the largest in Russia) https://postmaster.mail.ru/
 *   yandex     Yandex Mail                     https://yandex.com/support/mail/
 *   zoho       Zoho Mail                       https://www.zoho.com/mail/help/
 * Everything else (including Google- or Microsoft-hosted domains behind a gateway such as Mimecast or
 * Proofpoint, which is the receiver that decides) is `other`.
 */
export const PROVIDERS = [
  'google',
  'microsoft',
  'yahoo',
  'apple',
  'gmx',
  'comcast',
  'mailru',
  'yandex',
  'zoho',
  'other',
] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Human names, for reports and alarm descriptions. */
export const PROVIDER_NAMES: Record<Provider, string> = {
  google: 'Google (Gmail, Workspace)',
  microsoft: 'Microsoft (Outlook.com, 365)',
  yahoo: 'Yahoo / AOL',
  apple: 'Apple iCloud',
  gmx: 'GMX / WEB.DE',
  comcast: 'Comcast',
  mailru: 'Mail.ru',
  yandex: 'Yandex',
  zoho: 'Zoho',
  other: 'other receivers',
};

export const isProvider = (value: string): value is Provider =>
  (PROVIDERS as readonly string[]).includes(value);

/**
 * The providers' own consumer domains. Yahoo Japan (yahoo.co.jp) is another company and another
 * platform, so it is not Yahoo's.
 */
const CONSUMER_DOMAINS: readonly [Provider, RegExp][] = [
  ['google', /^(?:gmail|googlemail)\.com$/],
  [
    'microsoft',
    /^(?:(?:hotmail|outlook|live|windowslive)\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})|msn\.com|passport\.com)$/,
  ],
  [
    'yahoo',
    /^(?:(?:yahoo|aol)\.(?:com|[a-z]{2}|co\.(?!jp$)[a-z]{2}|com\.[a-z]{2})|ymail\.com|rocketmail\.com|aim\.com|verizon\.net)$/,
  ],
  ['apple', /^(?:icloud|me|mac)\.com$/],
  ['gmx', /^(?:gmx\.(?:net|de|at|ch|com|us|fr|es|co\.uk)|web\.de|mail\.com)$/],
  ['comcast', /^comcast\.net$/],
  ['mailru', /^(?:mail|inbox|list|bk|internet)\.ru$/],
  ['yandex', /^(?:yandex\.(?:ru|com|by|kz|ua|com\.tr)|ya\.ru|narod\.ru)$/],
  ['zoho', /^(?:zoho|zohomail)\.(?:com|eu|in)$/],
];

/**
 * What each receiver writes about itself in its SMTP replies and host names: Gmail ends every reply
 * with "gsmtp" (Workspace's custom policies "gcdp"); Exchange Online names its
 * `*.prod.protection.outlook.com` / `*.prod.outlook.com` / `*.prod.exchangelabs.com` hosts; Yahoo's
 * MX hosts are `*.yahoodns.net`, its deliveries answer "ok dirdel" and its deferrals carry [TSS…]
 * codes; the others name their postmaster pages or hosts. Leftmost match wins.
 */
// A host or domain name as a whole label run: `mail.com` but not `gmail.com` or `corp-mail.com`.
const host = (name: string) => String.raw`(?<![\w-])${name}(?![\w-])`;
const FINGERPRINTS: readonly [Provider, string][] = [
  [
    'google',
    [
      String.raw`\bgsmtp\b`,
      String.raw`\bgcdp\b`,
      host(String.raw`google\.com`),
      host(String.raw`googlemail\.com`),
    ].join('|'),
  ],
  [
    'microsoft',
    [
      String.raw`protection\.outlook\.com`,
      String.raw`prod\.outlook\.com`,
      host(String.raw`exchangelabs\.com`),
      host(String.raw`hotmail\.com`),
      host(String.raw`outlook\.com`),
      host(String.raw`mail\.live\.com`),
      host(String.raw`go\.microsoft\.com`),
      host(String.raw`aka\.ms`),
    ].join('|'),
  ],
  [
    'yahoo',
    [
      host(String.raw`yahoodns\.net`),
      host(String.raw`yahoo\.com`),
      host(String.raw`yahooinc\.com`),
      host(String.raw`aol\.com`),
      String.raw`\bok dirdel\b`,
      String.raw`\[(?:tss|ts|bl|gl)\d\d\]`,
      'yahoo!-mail-feedback',
    ].join('|'),
  ],
  ['apple', [host(String.raw`icloud\.com`), host(String.raw`apple\.com`)].join('|')],
  [
    'gmx',
    [host(String.raw`gmx\.(?:net|de|com)`), host(String.raw`web\.de`), host(String.raw`mail\.com`)].join('|'),
  ],
  ['comcast', host(String.raw`comcast\.net`)],
  ['mailru', host(String.raw`mail\.ru`)],
  ['yandex', [host(String.raw`yandex\.(?:ru|net|com)`), host(String.raw`ya\.ru`)].join('|')],
  ['zoho', host(String.raw`zoho(?:mail)?\.(?:com|eu|in)`)],
];
// One pass over the text; the capture group that matched names the provider.
const FINGERPRINT = new RegExp(FINGERPRINTS.map(([, pattern]) => `(${pattern})`).join('|'));

/** Text past this length is not read: fingerprints sit at the start of replies and host names. */
export const MAX_FINGERPRINT_TEXT = 1024;
// Addresses in a reply name recipients, senders or forwarders, not the receiver that answered.
// Whole tokens, each read once (linear), dropped when they hold an `@`.
const TOKEN = /[^\s<>()[\]"',;:]+/g;
const withoutAddresses = (text: string) =>
  text.replace(TOKEN, (token) => (token.includes('@') ? ' ' : token));
// SES's own outbound hosts in `reportingMTA`: SES wrote the DSN, the receiver did not.
const SES_HOST = /amazonses\.com/;

/** The provider whose fingerprint comes first in `texts` (each bounded, addresses removed); undefined when none. */
export function providerFromFingerprints(texts: readonly (string | undefined)[]): Provider | undefined {
  for (const raw of texts) {
    if (raw === undefined) continue;
    const lowered = raw.slice(0, MAX_FINGERPRINT_TEXT).toLowerCase();
    const text = withoutAddresses(lowered);
    const match = FINGERPRINT.exec(text);
    if (!match) continue;
    const group = match.findIndex((value, i) => i > 0 && value !== undefined);
    return (FINGERPRINTS[group - 1] as [Provider, string])[0];
  }
  return undefined;
}

/** A reporting MTA that is a receiver's host, not SES's own (bounded first). */
function receiverHost(reportingMTA: string | undefined): string | undefined {
  if (reportingMTA === undefined) return undefined;
  const bounded = reportingMTA.slice(0, MAX_FINGERPRINT_TEXT);
  return SES_HOST.test(bounded.toLowerCase()) ? undefined : bounded;
}

/** The provider owning a consumer domain (lower case, as normalizeAddress leaves it); undefined for any other. */
export function providerOfDomain(domain: string): Provider | undefined {
  if (domain.length > 255) return undefined;
  for (const [provider, pattern] of CONSUMER_DOMAINS) if (pattern.test(domain)) return provider;
  return undefined;
}

/**
 * One recipient's provider: its domain when that is a provider's consumer domain, else the first
 * fingerprint in what the receiving side reported, else `other`.
 */
export function providerOf(address: string, reported: readonly (string | undefined)[]): Provider {
  return providerOfDomain(domainOf(address)) ?? providerFromFingerprints(reported) ?? 'other';
}

/**
 * The provider of every recipient of one parsed SES message, by normalised address (as
 * eventsFromMessage keys them). Reads what SES reports about the receiving side: a bounce's
 * per-recipient diagnostic code and the DSN's reporting MTA; a delivery's SMTP response and reporting
 * MTA; a complaint's feedback agent (`userAgent`). `remoteMtaIp` is not used: matching IP ranges would
 * need the providers' current ranges (DNS) to be right.
 */
export function providersOfMessage(
  message: Extract<InboundMessage, { kind: 'bounce' | 'complaint' | 'delivery' }>,
  /** The recipient's normalised address, undefined when it cannot be read (no provider to count). */
  addressOf: (raw: string) => string | undefined = readableAddress,
): Map<string, Provider> {
  const result = new Map<string, Provider>();
  const put = (address: string, reported: readonly (string | undefined)[]) => {
    const normalised = addressOf(address);
    if (normalised !== undefined) result.set(normalised, providerOf(normalised, reported));
  };
  switch (message.kind) {
    case 'bounce':
      for (const recipient of message.bounce.bouncedRecipients)
        put(recipient.emailAddress, [recipient.diagnosticCode, receiverHost(message.bounce.reportingMTA)]);
      return result;
    case 'delivery':
      for (const recipient of message.delivery.recipients)
        put(recipient, [message.delivery.smtpResponse, receiverHost(message.delivery.reportingMTA)]);
      return result;
    case 'complaint':
      for (const recipient of message.complaint.complainedRecipients)
        put(recipient.emailAddress, [message.complaint.userAgent]);
      return result;
    default:
      return message satisfies never;
  }
}

/** The normalised address, or undefined for one that cannot be read. */
function readableAddress(raw: string): string | undefined {
  try {
    return normalizeAddress(raw);
  } catch (error) {
    if (error instanceof InvalidAddressError) return undefined;
    throw error;
  }
}
