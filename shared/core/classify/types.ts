/** sisimai's reason vocabulary (lower case), plus SES's own `suppressed` and `failedstarttls`. */
export const REASONS = [
  'authfailure',
  'badreputation',
  'blocked',
  'contenterror',
  'delivered',
  'exceedlimit',
  'expired',
  'failedstarttls',
  'feedback',
  'filtered',
  'hasmoved',
  'hostunknown',
  'mailboxfull',
  'mailererror',
  'mesgtoobig',
  'networkerror',
  'norelaying',
  'notaccept',
  'notcompliantrfc',
  'onhold',
  'policyviolation',
  'rejected',
  'requireptr',
  'securityerror',
  'spamdetected',
  'speeding',
  'suppressed',
  'suspend',
  'syntaxerror',
  'systemerror',
  'systemfull',
  'toomanyconn',
  'undefined',
  'userunknown',
  'vacation',
  'virusdetected',
] as const;
export type Reason = (typeof REASONS)[number];

/** Who must act: the recipient's address, our own sending, nobody yet (retry), or nobody at all. */
export const PARTIES = ['recipient', 'sender', 'transient', 'none'] as const;
export type Party = (typeof PARTIES)[number];

/** What the suppression table does with a classified recipient. */
export const DECISIONS = [
  'suppress',
  'suppress-temporarily',
  'count-soft',
  'alert-sender',
  'ignore',
] as const;
export type Decision = (typeof DECISIONS)[number];

/** The fields SES forwards for one entry of `bounce.bouncedRecipients`, plus the bounce's type. */
export interface RecipientBounce {
  /**
   * The recipient's address as the bounce names it. It changes no verdict: the classifier only
   * recognises it in the reply, so recipients of one reply share its masked form (a speed-up).
   */
  emailAddress?: string | undefined;
  bounceType?: string | undefined;
  bounceSubType?: string | undefined;
  action?: string | undefined;
  status?: string | undefined;
  diagnosticCode?: string | undefined;
  remoteMtaIp?: string | undefined;
  reportingMTA?: string | undefined;
}

export interface Classification {
  reason: Reason;
  hard: boolean;
  party: Party;
  decision: Decision;
  /** Id of the rule that decided the reason, so an operator can see why. */
  rule: string;
}
