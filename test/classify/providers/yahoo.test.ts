import { describe } from 'vitest';
import { GONE, row, SENDER, SOFT, table } from './table';

// Yahoo Sender Hub, SMTP error codes: https://senders.yahooinc.com/smtp-error-codes/
describe('Yahoo / AOL documented replies', () => {
  table([
    row(
      '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://senders.yahooinc.com/error-codes',
      'badreputation',
      SENDER,
    ),
    row(
      '421 4.7.0 [TS01] Messages from 192.0.2.1 temporarily deferred due to excessive user complaints',
      'badreputation',
      SENDER,
    ),
    row(
      '553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed. See https://senders.yahooinc.com/error-codes',
      'blocked',
      SENDER,
    ),
    row(
      '421 4.7.0 [TSS11] Excessive unknown recipients - possible Address Harvest Attack',
      'blocked',
      SENDER,
    ),
    row(
      "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; see https://senders.yahooinc.com/error-codes",
      'blocked',
      SENDER,
    ),
    row(
      '553 5.7.1 [BL23] Connections not accepted from IP addresses on Spamhaus XBL; see https://senders.yahooinc.com/error-codes',
      'blocked',
      SENDER,
    ),
    row(
      '554 5.7.9 Message not accepted for policy reasons. See https://senders.yahooinc.com/error-codes',
      'policyviolation',
      SENDER,
    ),
    row(
      '550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.',
      'authfailure',
      SENDER,
    ),
    row('550 5.7.9 Message not accepted for policy reasons. DMARC policy reject', 'authfailure', SENDER),
    row('421 Max message per connection reached, closing transmission channel', 'toomanyconn', SENDER),
    row('451 Message temporarily deferred due to unresolvable RFC.5321 from domain', 'rejected', SENDER),
    row(
      "554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [0] - mta1021.mail.gq1.yahoo.com",
      'userunknown',
      GONE,
    ),
    row(
      '554 delivery error: dd Sorry, your message to nobody@yahoo.com cannot be delivered. This mailbox is disabled (554.30). - mta1011.mail.gq1.yahoo.com',
      'suspend',
      ['recipient', 'suppress-temporarily'],
    ),
    row('552 1 Requested mail action aborted, mailbox not found', 'userunknown', GONE),
    row('452 4.2.2 Mailbox is full; over quota', 'mailboxfull', SOFT),
  ]);
});

// Yahoo Help, "Email sent to Yahoo Mail addresses is rejected": https://help.yahoo.com/kb/mail-for-desktop/SLN3444.html
// ("The email didn't go through because the recipient's user ID doesn't exist. You shouldn't retry").
// Yahoo answers these after the message was sent: its own stage does not overrule its meaning.
describe('Yahoo documented replies given at the end of DATA', () => {
  table([
    row(
      "host mta7.am0.yahoodns.net[192.0.2.8] said: 554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [-5] - mta1.mail.ne1.yahoo.com (in reply to end of DATA command)",
      'userunknown',
      GONE,
    ),
    row(
      'host mta6.am0.yahoodns.net[192.0.2.8] said: 554 delivery error: dd Sorry, your message to nobody@yahoo.com cannot be delivered. This account is over quota. (in reply to end of DATA command)',
      'mailboxfull',
      SOFT,
    ),
    row(
      'SMTP error from remote mail server after end of data: 554 delivery error: dd Sorry your message to nobody@yahoo.com cannot be delivered. This account has been disabled or discontinued.',
      'suspend',
      ['recipient', 'suppress-temporarily'],
    ),
  ]);
});

// Comcast / Xfinity error codes: https://postmaster.comcast.net/smtp-error-codes.php
describe('Comcast documented replies', () => {
  table([
    row(
      '554 resimta-ch2-01v.sys.comcast.net resimta-ch2-01v.sys.comcast.net comcast 192.0.2.1 Comcast block for spam. Please see http://postmaster.comcast.net/smtp-error-codes.php#BL000000',
      'blocked',
      SENDER,
    ),
    row(
      '554 imta.sys.comcast.net comcast 192.0.2.1 found on one or more DNSBLs, see http://postmaster.comcast.net/smtp-error-codes.php#BL000001',
      'blocked',
      SENDER,
    ),
    row(
      '554 resimta comcast 192.0.2.1 Cloudmark CSI block, see http://postmaster.comcast.net/smtp-error-codes.php#BL000010',
      'blocked',
      SENDER,
    ),
    row(
      '554 resimta comcast 192.0.2.1 Dynamic/residential IP, see http://postmaster.comcast.net/smtp-error-codes.php#ES000010',
      'blocked',
      SENDER,
    ),
    row(
      '421 resimta comcast 192.0.2.1 Rate limit exceeded, see http://postmaster.comcast.net/smtp-error-codes.php#RL000001',
      'speeding',
      SENDER,
    ),
    row('421 4.7.0 [Too many sessions opened]', 'toomanyconn', SENDER),
    row('421 4.7.0 [Reverse DNS failure : Try again later]', 'requireptr', SENDER),
    row('550 5.1.1 <nobody@comcast.net> Not our Customer', 'userunknown', GONE),
    row('552 5.2.2 <x@comcast.net> Mailbox is full', 'mailboxfull', SOFT),
  ]);
});
