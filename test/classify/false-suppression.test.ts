import { describe, expect, it } from 'vitest';
import { classify } from '../../shared/core/classify/index';

/**
 * The costliest error is suppressing an address whose bounce does not condemn it. Each text below
 * uses a word of the "address is gone" families (unknown, does not exist, disabled, no longer,
 * does not accept mail) about something else — our sender domain, our account, our IP, a feature.
 */
const NOT_THE_ADDRESS: readonly [status: string | null, text: string][] = [
  ['5.1.8', 'smtp; 553 5.1.8 Sender domain not found'],
  ['5.7.1', 'smtp; 550 5.7.1 Sender domain example.com does not exist'],
  [null, 'smtp; 550 Mail from domain unknown'],
  ['5.7.1', 'smtp; 550 5.7.1 This server does not accept mail from dynamic or residential IP addresses'],
  [null, 'smtp; 554 Our system does not accept mail from your host'],
  ['5.7.1', 'smtp; 550 5.7.1 Relaying is disabled for unauthenticated clients'],
  ['5.7.1', 'smtp; 550 5.7.1 Your account has been suspended for sending spam'],
  [
    '5.7.0',
    'smtp; 550 5.7.0 Mail Sending denied. This error occurs if the sender account is disabled - gsmtp',
  ],
  [null, 'smtp; 550 This server no longer accepts mail from your network'],
  ['5.7.1', 'smtp; 550 5.7.1 <x@example.org>: Recipient address rejected: Access denied'],
  ['5.7.1', 'smtp; 554 5.7.1 Recipient rejected: message blocked by content filter'],
  ['4.2.1', 'smtp; 450 4.2.1 The user you are trying to contact is receiving mail too quickly - gsmtp'],
  [
    '5.2.1',
    'smtp; 550 5.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered - gsmtp',
  ],
  ['5.7.1', 'smtp; 550 5.7.1 RESOLVER.RST.AuthRequired; authentication required'],
  ['5.4.1', 'smtp; 550 5.4.1 Relay Access Denied'],
  [
    '4.4.7',
    'smtp; 550 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.0 Unable to lookup DNS for example.com>',
  ],
  ['5.0.0', 'smtp; 550 Requested action not taken: your IP 192.0.2.1 is blocked'],
  // Plain-English "not found" wordings about our side (the widened families must not take them).
  [null, 'smtp; 550 Sender domain could not be found'],
  [null, 'smtp; 553 Sender domain is a non-existent domain'],
  ['5.7.1', 'smtp; 550 5.7.1 Sender address not recognised'],
  [null, 'smtp; 550 Your account could not be found; sign in again'],
  ['5.7.1', 'smtp; 550 5.7.1 Your mailbox has exceeded its sending limit'],
  // Our sender address, named between the words (masked), said to be unknown or not to exist.
  ['5.1.1', 'smtp; 550 5.1.1 Sender address <noreply@example.com>: user unknown'],
  [null, 'smtp; 553 Sender <bounces@example.com> does not exist'],
  // After the data, 5.1.1 with words about a header address, or with weak wording.
  ['5.1.1', 'smtp; 550 5.1.1 From: header address does not exist (in reply to end of DATA command)'],
  ['5.1.1', 'smtp; 550 5.1.1 Mailbox unavailable (in reply to end of DATA command)'],
  // Our HELO name or host named unknown, without the stage in the usual "(in reply to …)" form.
  ['5.7.1', 'smtp; 550 5.7.1 The EHLO name you gave, relay.example.com, could not be resolved: host unknown'],
  [null, 'smtp; 550 Host not found - unable to resolve your server name'],
  [null, 'smtp; 554 Connecting machine name does not exist in DNS'],
  // The envelope sender or a header address of our message named, not the recipient.
  [null, 'smtp; 550 No such user for the envelope sender'],
  [null, 'smtp; 550 Domain of the Reply-To address does not exist'],
  ['5.0.0', 'smtp; 550 Invalid mailbox in the From: line of your message'],
  [null, 'smtp; 550 Unknown domain in Return-Path'],
  // "Deleted / removed" about our account, our sender, or a list the recipient left.
  ['5.7.1', 'smtp; 550 5.7.1 Your account has been terminated for abuse'],
  [null, 'smtp; 550 Sender account was deleted; contact your provider'],
  [null, 'smtp; 550 The recipient was removed from the moderated list'],
  ['5.0.0', 'smtp; 550 Mailbox was removed temporarily during migration, try again later'],
  // "Not registered / not known / never existed" about our IP, host, account or sender.
  ['5.7.1', 'smtp; 550 5.7.1 This IP address is not registered as a mail server'],
  [null, 'smtp; 550 Sending host address is not registered with us'],
  [null, 'smtp; 550 Your account is not registered for relaying'],
  [null, 'smtp; 550 Sender address is not known here'],
  [null, 'smtp; 550 Your mailbox never existed on this submission service'],
  [null, 'smtp; 421 The recipient address is not known right now, try again'],
  // "No MX" under a temporary code; a recipient whose local part spells it.
  ['4.4.4', 'smtp; 451 4.4.4 No MX record for example.net, will retry'],
  [null, 'smtp; 452 <no-mx-record@example.org>: too many recipients this hour'],
];

describe('words of the "address is gone" families about something else do not suppress', () => {
  it.each(NOT_THE_ADDRESS)('%s %s', (status, diagnosticCode) => {
    const got = classify({ action: 'failed', diagnosticCode, ...(status === null ? {} : { status }) });
    expect(got.decision, got.rule).not.toMatch(/^suppress/);
  });
});
