import { type Signals, signalsOf } from './signals';
import type { Reason } from './types';

// "The text says temporary": the receiver itself says the refusal may pass.
const TEMPORARY = /temporar(?:y|ily)|persistent|try (?:again )?later|retry later|transient/;

/**
 * sisimai's hard-bounce rule: the address cannot receive mail. userunknown, hostunknown and hasmoved
 * are always hard; notaccept is hard unless the code is 4xx / 4.x.x or, with no code at all, the
 * text says it is temporary (a domain that refuses mail for now may accept it tomorrow). A 5xx code
 * settles it as hard, as in sisimai. Every other reason is soft, including `suppressed`: SES's list
 * is not itself evidence about the address (the decision still suppresses).
 */
export function hardFrom(reason: Reason, s: Signals): boolean {
  switch (reason) {
    case 'userunknown':
    case 'hostunknown':
    case 'hasmoved':
      return true;
    case 'notaccept':
      // Either code temporary (a 4xx reply or a 4.x.x enhanced code, also when the other disagrees).
      if (s.temporaryCode) return false;
      if (s.klass === 5) return true;
      return !TEMPORARY.test(s.text);
    default:
      return false;
  }
}

/** The hard-bounce rule from the raw fields (status may be missing or null). */
export function isHard(reason: Reason, status?: string | null, diagnosticCode?: string | null): boolean {
  return hardFrom(
    reason,
    signalsOf({ status: status ?? undefined, diagnosticCode: diagnosticCode ?? undefined }),
  );
}
