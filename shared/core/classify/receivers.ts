import { type Rule, receiver, receiverCodes, rule, TIER, textRule } from './define';
import { COMCAST_BLOCK, COMCAST_RATE } from './phrases';
import type { Signals } from './signals';
import { HOST_MARK } from './structure';

/**
 * What the big receivers document about their own replies: their codes mean what *they* say, which
 * is often not what RFC 3463 says (Gmail's 4.2.1 and 5.2.1 for rate limits, Microsoft's 5.2.2 for a
 * sender's submission quota, Microsoft's 5.7.5xx–7xx space, Outlook.com's S3140 / SC- / OU- codes,
 * Yahoo's [TSS] and [BL] codes, Comcast's BL / RL / ES codes, GoDaddy's IB codes, Mimecast's texts).
 * These rules are tier `receiver`: they beat phrase families and generic codes (./define).
 *
 * Sources (the test tables in test/classify/providers/ cite one row per documented reply):
 *   Gmail        https://support.google.com/a/answer/3726730
 *   Microsoft    https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online
 *   Outlook.com  https://sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx
 *   Yahoo        https://senders.yahooinc.com/smtp-error-codes/
 *   Comcast      https://postmaster.comcast.net/smtp-error-codes.php
 *   GoDaddy      https://www.godaddy.com/help/fix-rejected-email-with-a-bounce-error-40685
 *   Mimecast     https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754
 */

const range = (subject: number, from: number, to: number): string[] => {
  const out: string[] = [];
  for (let d = from; d <= to; d++) out.push(`x.${subject}.${d}`);
  return out;
};

// Gmail's replies end in "gsmtp", Google Workspace custom policies in "gcdp" (./structure `receiverOf`).
const fromGmail = (s: Signals) => s.receiver === 'gmail';

export const RECEIVER_RULES: readonly Rule[] = [
  // --- SES itself: it did not try the receiver because of its suppression list -----------------
  receiver(
    'ses-suppression-list',
    'suppressed',
    /amazon ses (?:has suppressed sending|did not send the message)|on the (?:account-level )?suppression list/,
  ),

  // --- Gmail: the words decide, not the code (4.2.1 / 5.2.1 are rate limits there) -------------
  receiver(
    'gmail-rate',
    'speeding',
    /receiving mail (?:at a rate|too quickly)|relay limit exceeded|unusual rate of unsolicited mail/,
  ),
  receiver('gmail-daily-quota', 'speeding', /daily (?:user )?sending (?:quota|limit) exceeded/),
  receiver('gmail-low-reputation', 'badreputation', /suspicious due to the very low reputation/),
  receiver('gmail-content', 'spamdetected', /suspicious due to the nature of the content/),
  receiver('gmail-not-whitelisted', 'blocked', /ip not in whitelist for rcpt domain/),
  receiver(
    'gmail-ip-not-authorized',
    'blocked',
    /ip you're using to send mail is not authorized to send email directly/,
  ),
  receiver('gmail-user-policy', 'policyviolation', /has a policy that prohibits the mail that you sent/),
  receiver('gmail-pipelining', 'syntaxerror', /no commands allowed to pipeline after starttls/),
  receiver('gmail-sending-denied', 'rejected', /mail sending denied/),
  receiver('gmail-size', 'mesgtoobig', /exceeded google's message size limits/),
  receiver('gmail-disabled', 'suspend', /email account that you tried to reach is disabled/),
  receiver('gmail-over-quota', 'mailboxfull', /email account that you tried to reach is over quota/),
  receiver('gmail-no-domain', 'hostunknown', /(?:weren't|were not) able to find the recipient domain/),
  receiver('gmail-no-such-user', 'userunknown', /email account that you tried to reach does not exist/),
  // Gmail's 4.7.29 / 5.7.29 is TLS and 4.7.30 / 5.7.30 DKIM (IANA: ARC, REQUIRETLS).
  receiver(
    'gmail-tls',
    'failedstarttls',
    /(?:wasn't|was not) sent over (?:a )?tls|tls required for rcpt domain/,
    fromGmail,
  ),

  // --- Microsoft 365 / Exchange Online --------------------------------------------------------
  // "Accepts mail from internal senders only" and other delivery restrictions (RESOLVER.RST.*) are
  // the recipient's own settings, not a failure of our authentication.
  receiver(
    'microsoft-delivery-restriction',
    'filtered',
    /resolver\.rst\.(?!recipsizelimit)|internal senders only/,
  ),
  receiver('microsoft-submission-quota', 'speeding', /submission quota|message receive limit|thread limit/),
  receiver('microsoft-external-forwarding', 'policyviolation', /doesn't allow external forwarding/),
  receiver('microsoft-tenant-relay', 'norelaying', /tenantattribution|relay access denied/),
  // Directory-based edge blocking: the tenant has no such recipient. Postfix's access tables say
  // the same words by default, so only with Microsoft's marks (5.4.1, its anti-spam rule id, its host).
  receiver(
    'microsoft-dbeb',
    'userunknown',
    /recipient address rejected: access denied/,
    (s) => (s.subject === 4 && s.detail === 1) || s.receiver === 'microsoft' || s.text.includes('as('),
  ),
  receiverCodes('microsoft-auth', ['x.7.509', 'x.7.26'], 'authfailure'),
  // sisimai files 5.7.515 ("doesn't meet the required authentication level") under securityerror.
  receiverCodes('microsoft-auth-level', ['x.7.515'], 'securityerror'),
  receiverCodes('microsoft-rfc5322', ['x.7.512'], 'notcompliantrfc'),
  receiverCodes('microsoft-reputation', ['x.7.650', 'x.7.651'], 'badreputation'),
  receiverCodes('microsoft-spam', ['x.7.350'], 'spamdetected'),
  receiverCodes('microsoft-relay', ['x.7.367', 'x.7.64'], 'norelaying'),
  receiverCodes(
    'microsoft-restriction',
    ['x.7.12', 'x.7.124', 'x.7.129', 'x.7.133', 'x.7.134', 'x.7.135', 'x.7.136'],
    'filtered',
  ),
  receiverCodes('microsoft-anonymous', ['x.7.57'], 'securityerror'),
  receiverCodes('microsoft-recipient-limit', ['x.1.90', 'x.2.121', 'x.2.122'], 'speeding'),
  receiverCodes('microsoft-dns-domain', ['x.4.310'], 'hostunknown'),
  receiverCodes('microsoft-expired', ['x.4.300', 'x.4.316'], 'expired'),
  receiverCodes('microsoft-dns', ['x.4.312', 'x.4.311', 'x.4.8', 'x.4.14'], 'networkerror'),
  receiverCodes('microsoft-tls', ['x.7.321', 'x.7.322', 'x.7.323', 'x.7.324', 'x.7.325'], 'failedstarttls'),
  // 5.7.520 is both "external forwarding" and Outlook.com's content block: the text decides.
  receiverCodes(
    'microsoft-access-denied',
    [...range(7, 500, 519), ...range(7, 521, 649), ...range(7, 700, 750)],
    'blocked',
  ),

  // --- Outlook.com (consumer) -----------------------------------------------------------------
  receiver('outlook-rate', 'speeding', /\brp-00[13]\b/),
  receiver('outlook-connections', 'toomanyconn', /\brp-002\b/),
  // (S3140), (AS843): Microsoft's anti-spam rule ids; AS(201806281) after an address rejection is not one.
  receiver('outlook-block', 'blocked', /\b(?:sc|dy|ou)-00\d\b|\((?:s|as)(?:1|2|3|4|5|6|7|8|9)\d{1,8}\)/),

  // --- Yahoo / AOL ------------------------------------------------------------------------------
  receiver('yahoo-complaints', 'badreputation', /\[(?:tss04|ts01|ts02|gl01)\]/),
  receiver('yahoo-deferred', 'blocked', /\[(?:tss0|tss1|ts03|bl2)\d{0,2}\]/),
  receiver('yahoo-disabled', 'suspend', /this mailbox is disabled|\(554\.30\)/),
  // Yahoo's delivery daemon ("delivery error: dd …") answers at the end of DATA; its help page
  // (https://help.yahoo.com/kb/mail-for-desktop/SLN3444.html) documents "This user doesn't have a …
  // account" as "the recipient's user ID doesn't exist; you shouldn't retry", so the stage does not
  // overrule it (receiver tier, ./ladder).
  receiver('yahoo-no-such-user', 'userunknown', /this user doesn't have an? (?:HOST|[a-z0-9.-]+) account/),
  receiver(
    'yahoo-account-disabled',
    'suspend',
    /delivery error: dd [^;]{0,120}(?:account|mailbox) (?:has been |is )(?:disabled|discontinued)/,
  ),
  receiver(
    'yahoo-over-quota',
    'mailboxfull',
    /delivery error: dd [^;]{0,120}(?:account|mailbox) is over quota/,
  ),

  // --- Comcast ----------------------------------------------------------------------------------
  receiver('comcast-blocklist', 'blocked', COMCAST_BLOCK),
  receiver('comcast-rate', 'speeding', COMCAST_RATE),
  // Comcast often gives the code only as its error page's anchor (…smtp-error-codes.php#BL000000),
  // inside a URL the phrase text masks: read from the reply's URLs.
  rule(
    'receiver.blocked.comcast-blocklist-url',
    'blocked',
    TIER.receiver,
    (s) => (s.hostMarks & HOST_MARK.comcastBlock) !== 0,
  ),
  rule(
    'receiver.speeding.comcast-rate-url',
    'speeding',
    TIER.receiver,
    (s) => (s.hostMarks & HOST_MARK.comcastRate) !== 0,
  ),
  receiver('comcast-sessions', 'toomanyconn', /too many sessions opened/),

  // --- Mimecast ---------------------------------------------------------------------------------
  receiver('mimecast-user-block', 'filtered', /envelope blocked - user (?:domain )?entry/),
  receiver('mimecast-blocked-sender', 'rejected', /administrative prohibition|header based blocked senders/),
  receiver(
    'mimecast-sender-blocked',
    'blocked',
    /sender address blocked|ip found in rbl|local ct ip reputation/,
  ),
  receiver('mimecast-spoofing', 'policyviolation', /anti-spoofing policy|rejected due to security policies/),
  receiver(
    'mimecast-busy',
    'systemerror',
    /unable to process connection at this time|recipient temporarily unavailable|account service is temporarily unavailable/,
  ),
  receiver('mimecast-greylist', 'blocked', /internal resource (?:is )?temporarily unavailable/),

  // --- GoDaddy: IB codes are its inbound filter's; the words after them decide when they can -----
  // (tier status, so "IB212 … judged to be spam" stays spam).
  textRule(
    'receiver',
    TIER.status,
    'godaddy-ib',
    'blocked',
    /\b(?:ib1|ib2|ib3|ib4|ib5|ib6|ib7|ib8|ib9)\d\d\b/,
  ),
];
