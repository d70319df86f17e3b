import { describe, expect, it } from 'vitest';
import { classify } from '../../shared/core/classify/index';

describe('SES bounce types and subtypes', () => {
  it.each([
    ['Permanent', 'Suppressed', 'suppressed', 'ses.suppressed.subtype.suppressed'],
    [
      'Permanent',
      'OnAccountSuppressionList',
      'suppressed',
      'ses.suppressed.subtype.on-account-suppression-list',
    ],
    [
      'Permanent',
      'EmailValidationSuppressed',
      'suppressed',
      'ses.suppressed.subtype.email-validation-suppressed',
    ],
    ['Permanent', 'NoEmail', 'userunknown', 'ses.userunknown.subtype.noemail'],
    ['Transient', 'MailboxFull', 'mailboxfull', 'ses.mailboxfull.subtype.mailboxfull'],
    ['Transient', 'MessageTooLarge', 'mesgtoobig', 'ses.mesgtoobig.subtype.messagetoolarge'],
    ['Transient', 'ContentRejected', 'contenterror', 'ses.contenterror.subtype.contentrejected'],
    ['Transient', 'AttachmentRejected', 'policyviolation', 'ses.policyviolation.subtype.attachmentrejected'],
    ['Transient', 'General', 'vacation', 'ses.vacation.type.transient-general-autoreply'],
  ])('%s/%s with no diagnostic → %s', (bounceType, bounceSubType, reason, rule) => {
    expect(classify({ bounceType, bounceSubType, action: 'failed' })).toMatchObject({ reason, rule });
  });

  it('the suppression-list subtypes win over any text', () => {
    const got = classify({
      bounceType: 'Permanent',
      bounceSubType: 'Suppressed',
      action: 'failed',
      status: '5.1.1',
      diagnosticCode:
        'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
    });
    expect(got).toEqual({
      reason: 'suppressed',
      hard: false,
      party: 'recipient',
      decision: 'suppress',
      rule: 'ses.suppressed.subtype.suppressed',
    });
  });

  it('subtypes are matched case-insensitively', () => {
    expect(classify({ bounceType: 'permanent', bounceSubType: 'onaccountsuppressionlist' }).reason).toBe(
      'suppressed',
    );
  });

  it('specific text beats the subtype (NoEmail but the receiver says the mailbox is full)', () => {
    const got = classify({
      bounceType: 'Permanent',
      bounceSubType: 'NoEmail',
      status: '5.2.2',
      diagnosticCode: 'smtp; 552 5.2.2 <x@example.org>: Recipient address rejected: Mailbox full',
    });
    expect(got.reason).toBe('mailboxfull');
  });

  it('the subtype beats a generic status code', () => {
    const noEmail = classify({
      bounceType: 'Permanent',
      bounceSubType: 'NoEmail',
      status: '5.0.0',
      diagnosticCode: 'smtp; 550 5.0.0 rejected',
    });
    expect(noEmail).toMatchObject({ reason: 'userunknown', hard: true, decision: 'suppress' });
    const full = classify({
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      status: '5.7.1',
      diagnosticCode: 'smtp; 550 5.7.1 rejected',
    });
    expect(full).toMatchObject({ reason: 'mailboxfull', decision: 'count-soft' });
  });

  it('sender-side text beats NoEmail and never suppresses', () => {
    const got = classify({
      bounceType: 'Permanent',
      bounceSubType: 'NoEmail',
      status: '5.7.1',
      diagnosticCode:
        'smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
    });
    expect(got).toMatchObject({ reason: 'blocked', party: 'sender', decision: 'alert-sender' });
  });

  it('Transient/General with an SMTP code is not an auto-reply', () => {
    const got = classify({
      bounceType: 'Transient',
      bounceSubType: 'General',
      status: '4.0.0',
      diagnosticCode: 'smtp; 451 4.0.0 please retry',
    });
    expect(got.reason).not.toBe('vacation');
  });

  it('Permanent/General with nothing to read is undecided, not suppressed', () => {
    expect(classify({ bounceType: 'Permanent', bounceSubType: 'General', action: 'failed' })).toMatchObject({
      reason: 'onhold',
      decision: 'count-soft',
    });
  });

  it('Undetermined is undecided', () => {
    expect(classify({ bounceType: 'Undetermined', bounceSubType: 'Undetermined' }).reason).toBe('onhold');
  });
});
