import { describe } from 'vitest';
import { GONE, LATER, row, SENDER, SOFT, table } from './table';

// Email non-delivery reports and SMTP errors in Exchange Online:
// https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online
describe('Microsoft 365 / Exchange Online documented NDRs', () => {
  table([
    row('432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded', 'speeding', SENDER),
    row('451 4.4.316 Connection refused [Message=Socket error code 10061]', 'expired', LATER),
    row('450 4.4.7 Message expired', 'expired', LATER),
    row('451 4.4.312 DNS query failed', 'networkerror', LATER),
    row(
      '450 4.7.26 Access denied, a message sent over IPv6 [2a01:111:f400::1] must pass either SPF or DKIM validation',
      'authfailure',
      SENDER,
    ),
    row(
      '451 4.7.321 starttls-not-supported: Destination mail server must support TLS to receive mail',
      'failedstarttls',
      SENDER,
    ),
    row('451 4.7.323 tlsa-invalid: The domain failed DANE validation', 'failedstarttls', SENDER),
    row('451 4.7.500 Access denied, please try again later', 'blocked', SENDER),
    row(
      '451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.',
      'badreputation',
      SENDER,
    ),
    row('550 5.1.0 Sender denied', 'rejected', SENDER),
    row('550 5.1.1 RESOLVER.ADR.RecipNotFound; not found', 'userunknown', GONE),
    row(
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      'userunknown',
      GONE,
    ),
    row('550 5.1.8 Access denied, bad outbound sender', 'rejected', SENDER),
    row(
      "550 5.1.90 Your message can't be sent because you've reached your daily limit for message recipients",
      'speeding',
      SENDER,
    ),
    row('554 5.2.2 mailbox full; STOREDRV.Deliver: mailbox full', 'mailboxfull', SOFT),
    // The sender's own submission quota, not the recipient's mailbox (codes beat words otherwise).
    row('550 5.2.2 Submission quota exceeded', 'speeding', SENDER),
    row(
      "550 5.2.121 Recipient's per hour message receive limit from specific sender exceeded",
      'speeding',
      SENDER,
    ),
    row("550 5.2.122 Recipient's per hour message receive limit exceeded", 'speeding', SENDER),
    row('552 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient', 'mesgtoobig', SENDER),
    row('550 5.2.4 Dynamic distribution group query is malformed', 'systemerror', LATER),
    row('554 5.3.2 STOREDRV.Deliver; Missing or bad StoreDriver MDB properties', 'systemerror', LATER),
    // The tenant does not host the recipient's domain: the recipient's domain side (SES delivers to its MX).
    row('550 5.4.1 Relay Access Denied', 'norelaying', SOFT),
    row(
      '550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [BN8NAM12FT.eop-nam12.prod.protection.outlook.com]',
      'userunknown',
      GONE,
    ),
    row('554 5.4.14 Hop count exceeded - possible mail loop ATTR34', 'networkerror', LATER),
    row('550 5.4.300 Message expired', 'expired', LATER),
    row('550 5.4.310 DNS domain example.invalid does not exist', 'hostunknown', GONE),
    row('550 5.4.312 DNS query failed', 'networkerror', LATER),
    row('550 5.4.316 Message expired, connection refused', 'expired', LATER),
    row('554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain', 'hostunknown', GONE),
    row('554 5.4.6 Routing loop detected', 'networkerror', LATER),
    row(
      '550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; message contains bare linefeeds, which cannot be sent via DATA',
      'contenterror',
      SENDER,
    ),
    row('550 5.6.211 Invalid MIME Content: Single text value size (32768) exceeded', 'contenterror', SENDER),
    row('550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus', 'blocked', SENDER),
    row('550 5.7.1 Unable to relay', 'norelaying', SOFT),
    // "Accepts mail from internal senders only" and the other delivery restrictions: the recipient's settings.
    row('550 5.7.1 RESOLVER.RST.AuthRequired; authentication required', 'filtered', SOFT),
    row('550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized', 'filtered', SOFT),
    row('550 5.7.12 Sender was not authenticated by organization', 'filtered', SOFT),
    row('550 5.7.124 Sender not in allowed-senders list', 'filtered', SOFT),
    row(
      '550 5.7.129 RESOLVER.RST.RestrictedToRecipientsPermission; not authorized to send to restricted recipient',
      'filtered',
      SOFT,
    ),
    row(
      '550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; authentication required; Delivery restriction check failed as the sender is not authenticated',
      'filtered',
      SOFT,
    ),
    row(
      '550 5.7.134 RESOLVER.RST.SenderNotAuthenticatedForMailbox; authentication required',
      'filtered',
      SOFT,
    ),
    row(
      '550 5.7.23 The message was rejected because of Sender Policy Framework violation',
      'authfailure',
      SENDER,
    ),
    row('550 5.7.350 Remote server returned message detected as spam', 'spamdetected', SENDER),
    row('550 5.7.367 Remote server returned not permitted to relay', 'norelaying', SOFT),
    // The sending account is banned for spam it sent: a block on us.
    row('550 5.7.501 Access denied, spam abuse detected', 'blocked', SENDER),
    row('550 5.7.506 Access Denied, Bad HELO', 'blocked', SENDER),
    row(
      '550 5.7.508 Access denied, [192.0.2.1] has exceeded permitted limits within /24 range',
      'blocked',
      SENDER,
    ),
    row(
      '550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject',
      'authfailure',
      SENDER,
    ),
    row('550 5.7.510 Access denied, example.com does not accept email over IPv4', 'blocked', SENDER),
    row('550 5.7.511 Access denied, banned sender', 'blocked', SENDER),
    row(
      '550 5.7.512 Access denied, message must be RFC 5322 section 3.6.2 compliant',
      'notcompliantrfc',
      SENDER,
    ),
    row(
      '550 5.7.513 Service unavailable, Client host [192.0.2.1] blocked by example.com using Customer Block list (AS16012607)',
      'blocked',
      SENDER,
    ),
    row(
      "550 5.7.520 Access denied, Your organization doesn't allow external forwarding",
      'policyviolation',
      SENDER,
    ),
    row(
      '530 5.7.57 Client not authenticated to send anonymous mail during MAIL FROM',
      'securityerror',
      SENDER,
    ),
    row('550 5.7.606 Access denied, banned sending IP [192.0.2.1]', 'blocked', SENDER),
    row('550 5.7.64 TenantAttribution; Relay Access Denied', 'norelaying', SOFT),
    row('550 5.7.705 Access denied, tenant has exceeded threshold', 'blocked', SENDER),
    row('550 5.7.708 Access denied, traffic not accepted from this IP', 'blocked', SENDER),
    row(
      '550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains',
      'blocked',
      SENDER,
    ),
  ]);
});

// Outlook.com (consumer) postmaster: https://sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx
describe('Outlook.com documented replies', () => {
  table([
    row(
      "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.",
      'blocked',
      SENDER,
    ),
    row(
      "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
      'blocked',
      SENDER,
    ),
    row(
      "550 SC-001 (BAY004-MC1F5) Unfortunately, messages from 192.0.2.1 weren't sent. Please contact your Internet service provider since part of their network is on our block list.",
      'blocked',
      SENDER,
    ),
    row(
      '550 SC-002 (BAY004-MC2F2) Mail rejected by Outlook.com for policy reasons. The mail server IP connecting to Outlook.com has exhibited namespace mining behavior.',
      'blocked',
      SENDER,
    ),
    row(
      '550 SC-003 (BAY004-MC3F4) Mail rejected by Outlook.com for policy reasons. Your IP address appears to be an open proxy/relay.',
      'blocked',
      SENDER,
    ),
    row(
      '550 SC-004 (BAY004-MC4F1) Mail rejected by Outlook.com for policy reasons. A block has been placed against your IP address because we have received complaints concerning mail coming from that IP address.',
      'blocked',
      SENDER,
    ),
    row(
      "550 DY-001 (BAY004-MC1F36) Mail rejected by Outlook.com for policy reasons. We generally do not accept email from dynamic IP's as they are not typically used to deliver unauthenticated SMTP e-mail to an Internet mail server.",
      'blocked',
      SENDER,
    ),
    row(
      '550 DY-002 (BAY004-MC1F4) Mail rejected by Outlook.com for policy reasons. The likely cause is a compromised or virus infected server/personal computer.',
      'blocked',
      SENDER,
    ),
    row(
      "550 OU-001 (BAY004-MC1F14) Unfortunately, messages from 192.0.2.1 weren't sent. Please contact your Internet service provider.",
      'blocked',
      SENDER,
    ),
    row(
      '550 OU-002 (BAY004-MC1F23) Mail rejected by Outlook.com for policy reasons. Reasons for rejection may be related to content with spam-like characteristics or IP/domain reputation problems.',
      'blocked',
      SENDER,
    ),
    row(
      "421 RP-001 (BAY004-MC1F4) Unfortunately, some messages from 192.0.2.1 weren't sent. Please try again. We have limits for how many messages can be sent per hour and per day.",
      'speeding',
      SENDER,
    ),
    row(
      "421 RP-002 (BAY004-MC1F4) Unfortunately, some messages from 192.0.2.1 weren't sent. Please try again. We have limits for how many concurrent connections.",
      'toomanyconn',
      SENDER,
    ),
    row(
      '451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (S77714) [DB5EUR03FT.eop-EUR03.prod.protection.outlook.com]',
      'blocked',
      SENDER,
    ),
    row(
      '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM5EUR03FT.eop-EUR03.prod.protection.outlook.com]',
      'userunknown',
      GONE,
    ),
  ]);
});
