import { type Signals, statusKey } from './signals';
import type { Reason } from './types';

/**
 * How specific a piece of evidence is. The engine (./engine) answers with the matching rule of the
 * lowest tier, so a receiver's documented reply beats a phrase family, which beats a specific
 * enhanced code, … whatever order the rules are written in. Within a tier, the rules' own order
 * decides (a rule's `rank` is its position in the table it was declared in).
 */
export const TIER = {
  /** SES never tried the receiver (its suppression list), or the DSN reports success. */
  absolute: 0,
  /** A receiver's documented code or reply (Gmail, Microsoft 365, Outlook.com, Yahoo, Comcast, …). */
  receiver: 10,
  /** A phrase family that says what happened (./phrases). */
  text: 20,
  /** A specific RFC 3463 / RFC 5248 enhanced status code. */
  status: 30,
  /** Weak wording that needs a permanent code to mean anything ("mailbox unavailable"). */
  weak: 40,
  /** The SMTP reply code (RFC 5321). */
  reply: 50,
  /** SES's bounce subtype. */
  ses: 60,
  /** Vague wording ("try again later"). */
  vague: 65,
  /** The enhanced code's class and subject alone (x.1 address, x.2 mailbox, … x.7 security). */
  klass: 70,
  /** Nothing readable: auto-reply without a DSN, onhold. */
  last: 80,
} as const;
export type Tier = (typeof TIER)[keyof typeof TIER];

/**
 * One named rule: if `test` holds, the recipient's reason is `reason`. Its id is reported as `rule`.
 *
 * Id scheme: `<source>.<reason>.<detail>` where source is
 *   ses      – SES bounceType / bounceSubType
 *   receiver – a receiver's documented code or reply (./receivers)
 *   text     – a phrase family (./phrases)
 *   status   – the RFC 3463 enhanced status code
 *   reply    – the SMTP reply code
 *   class    – the enhanced code's class and subject
 *   action   – the DSN action
 *   fallback
 */
export interface Rule {
  readonly id: string;
  readonly reason: Reason;
  readonly tier: Tier;
  /** The rule's meaning; the compiled matcher (./engine) gives the same answers faster. */
  readonly test: (s: Signals) => boolean;
  /** Text rules: the regex over `Signals.text`, and an extra condition on the other signals. */
  readonly re?: RegExp;
  readonly when?: (s: Signals) => boolean;
  /** Status rules: the enhanced codes as `statusKey`s, class 0 meaning any class (`x.s.d`). */
  readonly codes?: ReadonlySet<number>;
}

/** A regex rule of any source and tier (the helpers below are the common cases). */
export function textRule(
  source: string,
  tier: Tier,
  id: string,
  reason: Reason,
  re: RegExp,
  when?: (s: Signals) => boolean,
): Rule {
  if (re.flags !== '')
    throw new Error(`rule "${id}": regex flags "${re.flags}" not supported (text is lower-cased)`);
  const test =
    when === undefined ? (s: Signals) => re.test(s.text) : (s: Signals) => when(s) && re.test(s.text);
  const full = `${source}.${reason}.${id}`;
  return when === undefined
    ? { id: full, reason, tier, test, re }
    : { id: full, reason, tier, test, re, when };
}

/** A phrase family (tier text). */
export function text(id: string, reason: Reason, re: RegExp, when?: (s: Signals) => boolean): Rule {
  return textRule('text', TIER.text, id, reason, re, when);
}

/** Wording that only means something with a permanent code or as a last resort. */
export function weak(id: string, reason: Reason, re: RegExp, when?: (s: Signals) => boolean): Rule {
  return textRule('text', TIER.weak, id, reason, re, when);
}

/** Vague wording, weaker than SES's subtype. */
export function vague(id: string, reason: Reason, re: RegExp, when?: (s: Signals) => boolean): Rule {
  return textRule('text', TIER.vague, id, reason, re, when);
}

/** A receiver's documented reply text. */
export function receiver(id: string, reason: Reason, re: RegExp, when?: (s: Signals) => boolean): Rule {
  return textRule('receiver', TIER.receiver, id, reason, re, when);
}

function codeKeys(id: string, codes: readonly string[]): Set<number> {
  const keys = new Set<number>();
  for (const c of codes) {
    const m = /^([x245])\.(\d{1,3})\.(\d{1,3})$/.exec(c);
    if (m === null) throw new Error(`rule ${id}: bad code "${c}"`);
    keys.add(statusKey(m[1] === 'x' ? 0 : Number(m[1]), Number(m[2]), Number(m[3])));
  }
  return keys;
}

function codeRule(source: string, tier: Tier, id: string, codes: readonly string[], reason: Reason): Rule {
  const keys = codeKeys(id, codes);
  const test = (s: Signals) =>
    s.status !== '' &&
    (keys.has(statusKey(s.klass, s.subject, s.detail)) || keys.has(statusKey(0, s.subject, s.detail)));
  return { id: `${source}.${reason}.${id}`, reason, tier, test, codes: keys };
}

/** Enhanced status codes (`5.1.1`, `x.2.2` for any class) with one meaning. */
export function status(codes: readonly string[], reason: Reason): Rule {
  return codeRule('status', TIER.status, codes.join('+'), codes, reason);
}

/** A receiver's own documented enhanced codes (e.g. Microsoft 365's 5.7.5xx–7xx). */
export function receiverCodes(id: string, codes: readonly string[], reason: Reason): Rule {
  return codeRule('receiver', TIER.receiver, id, codes, reason);
}

/** Any other rule: a named test at a tier. */
export function rule(id: string, reason: Reason, tier: Tier, test: (s: Signals) => boolean): Rule {
  return { id, reason, tier, test };
}
