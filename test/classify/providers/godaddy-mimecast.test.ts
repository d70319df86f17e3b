import { describe } from 'vitest';
import { GONE, LATER, row, SENDER, SOFT, table } from './table';

// GoDaddy, Fix rejected email with a bounce error: https://www.godaddy.com/help/fix-rejected-email-with-a-bounce-error-40685
describe('GoDaddy documented replies', () => {
  table([
    row(
      '552 5.2.0 This message has been rejected due to content judged to be spam by the internet community IB212',
      'spamdetected',
      SENDER,
    ),
    // "Spam or virus": the virus verdict is the more specific one (both alert us).
    row('552 Message rejected for spam or virus content', 'virusdetected', SENDER),
    row('550 Recipient not found', 'userunknown', GONE),
    row(
      "451 Sorry, I wasn't able to establish an SMTP connection. I'm not going to try again; this message has been in the queue too long.",
      'networkerror',
      LATER,
    ),
    row('This message is looping: it already has my Delivered-To line. (#5.4.6)', 'networkerror', LATER),
    row(
      '554 The message was rejected because it contains prohibited virus or spam content',
      'virusdetected',
      SENDER,
    ),
    row('553 sorry, your envelope sender has been denied (#5.7.1)', 'rejected', SENDER),
    row('554 192.0.2.1 rejected. Your IP has been blocked by our RBL (IB101)', 'blocked', SENDER),
    row('421 Connection refused, too many sessions from 192.0.2.1 IB106', 'toomanyconn', SENDER),
    row("550 5.2.2 The recipient's account has reached its storage limit", 'mailboxfull', SOFT),
    row('550 The recipient account is disabled', 'suspend', ['recipient', 'suppress-temporarily']),
  ]);
});

// Mimecast SMTP error codes: https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754
describe('Mimecast documented replies', () => {
  table([
    row('421 Sender address blocked', 'blocked', SENDER),
    row('421 Unable to process connection at this time', 'systemerror', LATER),
    row(
      '451 Internal resource temporarily unavailable - https://community.mimecast.com/docs/DOC-1369#451',
      'blocked',
      SENDER,
    ),
    row('451 Recipient temporarily unavailable', 'systemerror', LATER),
    row('451 Account service is temporarily unavailable', 'systemerror', LATER),
    row('550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550', 'userunknown', GONE),
    row('550 Administrative prohibition - envelope blocked', 'rejected', SENDER),
    row(
      '550 Envelope blocked - User Entry - https://community.mimecast.com/docs/DOC-1369#550',
      'filtered',
      SOFT,
    ),
    row('550 Envelope blocked - User Domain Entry', 'filtered', SOFT),
    row('550 Rejected by header based Anti-Spoofing policy', 'policyviolation', SENDER),
    row('550 Rejected by header based Blocked Senders - Block policy for Header From', 'rejected', SENDER),
    row('550 IP found in RBL - https://community.mimecast.com/docs/DOC-1369#550', 'blocked', SENDER),
    row('550 Local CT IP Reputation - (reject)', 'blocked', SENDER),
    row(
      '554 Email rejected due to security policies - https://community.mimecast.com/docs/DOC-1369#554',
      'policyviolation',
      SENDER,
    ),
    row('552 Message size exceeds fixed maximum message size', 'mesgtoobig', SENDER),
    row('554 Message contains a virus', 'virusdetected', SENDER),
    row('550 Submitter failed SPF check', 'authfailure', SENDER),
    row('550 Relaying not permitted', 'norelaying', SOFT),
  ]);
});
