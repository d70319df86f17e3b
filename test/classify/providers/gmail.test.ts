import { describe } from 'vitest';
import { GONE, LATER, row, SENDER, SOFT, table } from './table';

// Gmail SMTP errors and codes: https://support.google.com/a/answer/3726730
describe('Gmail / Google Workspace documented replies', () => {
  table([
    // https://support.google.com/a/answer/3726730 (4xx)
    row('421 4.3.0 Temporary System Problem. Try again later. - gsmtp', 'systemerror', LATER),
    row('421 4.4.5 Server busy, try again later. - gsmtp', 'systemerror', LATER),
    row('421 4.7.0 IP not in whitelist for RCPT domain, closing connection. - gsmtp', 'blocked', SENDER),
    row(
      '421 4.7.0 Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily blocked. - gsmtp',
      'speeding',
      SENDER,
    ),
    row('421 4.7.0 TLS required for RCPT domain, closing connection. - gsmtp', 'failedstarttls', SENDER),
    row(
      '450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time. - gsmtp',
      'speeding',
      SENDER,
    ),
    row(
      '450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. Please resend your message at a later time. - gsmtp',
      'speeding',
      SENDER,
    ),
    row(
      '450 4.2.1 Peak SMTP relay limit exceeded for customer. This is a temporary error. - gsmtp',
      'speeding',
      SENDER,
    ),
    row('451 4.4.2 Timeout - closing connection. - gsmtp', 'expired', LATER),
    row('451 4.5.0 SMTP protocol violation, see RFC 2821. - gsmtp', 'syntaxerror', SENDER),
    row(
      '452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp',
      'mailboxfull',
      SOFT,
    ),
    row(
      "452 4.5.3 Your message has too many recipients. For more information regarding Google's sending limits, visit https://support.google.com/mail/?p=TooManyRecipients - gsmtp",
      'toomanyconn',
      SENDER,
    ),
    row(
      '454 4.5.0 SMTP protocol violation, no commands allowed to pipeline after STARTTLS, see RFC 3207. - gsmtp',
      'syntaxerror',
      SENDER,
    ),
    row(
      '421 4.7.0 [192.0.2.1] Our system has detected that this message is suspicious due to the very low reputation of the sending domain. To best protect our users from spam, the message has been blocked. - gsmtp',
      'badreputation',
      SENDER,
    ),
    row(
      '421 4.7.0 [192.0.2.1] Our system has detected that this message is suspicious due to the nature of the content and/or the links within. To best protect our users from spam, the message has been blocked. - gsmtp',
      'spamdetected',
      SENDER,
    ),
    row(
      '421 4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. - gsmtp',
      'speeding',
      SENDER,
    ),
    row(
      "421 4.7.27 Your email has been rate limited because SPF authentication didn't pass for this message. - gsmtp",
      'authfailure',
      SENDER,
    ),
    row(
      "421 4.7.30 Your email has been rate limited because DKIM authentication didn't pass for this message. - gsmtp",
      'authfailure',
      SENDER,
    ),
    row(
      "421 4.7.29 Your email has been rate limited because this message wasn't sent over a TLS connection. - gsmtp",
      'failedstarttls',
      SENDER,
    ),
    row(
      "421 4.7.32 Your email has been rate limited because the From: header (RFC5322) in this message isn't aligned with either the authenticated SPF or DKIM organizational domain. - gsmtp",
      'authfailure',
      SENDER,
    ),
    // https://support.google.com/a/answer/3726730 (5xx)
    row('501 5.5.2 Cannot Decode response. - gsmtp', 'syntaxerror', SENDER),
    row('501 5.5.4 HELO/EHLO argument is invalid. - gsmtp', 'syntaxerror', SENDER),
    row('502 5.5.1 Too many unrecognized commands, goodbye. - gsmtp', 'syntaxerror', SENDER),
    row('502 5.5.1 Unimplemented command. - gsmtp', 'syntaxerror', SENDER),
    row('503 5.5.1 EHLO/HELO first. - gsmtp', 'syntaxerror', SENDER),
    row('503 5.5.1 MAIL first. - gsmtp', 'syntaxerror', SENDER),
    row('503 5.5.1 RCPT first. - gsmtp', 'syntaxerror', SENDER),
    row('504 5.7.4 Unrecognized authentication type. - gsmtp', 'securityerror', SENDER),
    row('530 5.5.1 Authentication Required. - gsmtp', 'securityerror', SENDER),
    row('530 5.7.0 Must issue a STARTTLS command first. - gsmtp', 'failedstarttls', SENDER),
    row('535 5.7.1 Username and Password not accepted. - gsmtp', 'securityerror', SENDER),
    row(
      "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. - gsmtp",
      'userunknown',
      GONE,
    ),
    row('550 5.2.1 The email account that you tried to reach is disabled. - gsmtp', 'suspend', [
      'recipient',
      'suppress-temporarily',
    ]),
    row(
      '550 5.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. - gsmtp',
      'speeding',
      SENDER,
    ),
    row('550 5.4.5 Daily sending quota exceeded. - gsmtp', 'speeding', SENDER),
    row('550 5.4.5 Daily SMTP relay limit exceeded for user. - gsmtp', 'speeding', SENDER),
    // SES delivers to the recipient's MX: a relay refusal there is about the recipient's domain.
    row('550 5.7.0 Mail relay denied. - gsmtp', 'norelaying', SOFT),
    row(
      '550 5.7.0 Mail Sending denied. This error occurs if the sender account is disabled or not registered within your Google Workspace domain. - gsmtp',
      'rejected',
      SENDER,
    ),
    row(
      '550 5.7.1 Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. - gsmtp',
      'spamdetected',
      SENDER,
    ),
    row(
      "550 5.7.1 The IP you're using to send mail is not authorized to send email directly to our servers. Please use the SMTP relay at your service provider instead. - gsmtp",
      'blocked',
      SENDER,
    ),
    row(
      '550 5.7.1 The user or domain that you are sending to (or from) has a policy that prohibits the mail that you sent. - gsmtp',
      'policyviolation',
      SENDER,
    ),
    row(
      '550 5.7.1 This message violates example.com email policy. - gcdp <sessionid> - gsmtp',
      'policyviolation',
      SENDER,
    ),
    row('550 5.7.1 Unauthenticated email is not accepted from this domain. - gsmtp', 'authfailure', SENDER),
    row(
      '550 5.7.1 [192.0.2.1] Messages missing a valid Message-ID header are not accepted. - gsmtp',
      'notcompliantrfc',
      SENDER,
    ),
    row(
      '550 5.7.1 This message is not RFC 5322 compliant. There are multiple From headers. - gsmtp',
      'notcompliantrfc',
      SENDER,
    ),
    row(
      '550 5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. - gsmtp',
      'requireptr',
      SENDER,
    ),
    row(
      "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy. - gsmtp",
      'authfailure',
      SENDER,
    ),
    row(
      '550 5.7.26 This message does not have authentication information or fails to pass authentication checks (SPF or DKIM). - gsmtp',
      'authfailure',
      SENDER,
    ),
    row(
      '550 5.7.26 This message fails to pass SPF checks for an SPF record with a hard fail policy (-all). - gsmtp',
      'authfailure',
      SENDER,
    ),
    row(
      '552 5.2.2 The email account that you tried to reach is over quota and inactive. - gsmtp',
      'mailboxfull',
      SOFT,
    ),
    row("552 5.2.3 Your message exceeded Google's message size limits. - gsmtp", 'mesgtoobig', SENDER),
    row(
      '552 5.7.0 This message was blocked because its content presents a potential security issue. - gsmtp',
      'policyviolation',
      SENDER,
    ),
    row(
      "553 5.1.2 We weren't able to find the recipient domain. Please check for any spelling errors. - gsmtp",
      'hostunknown',
      GONE,
    ),
    row('553 5.1.3 The recipient address <x@> is not a valid RFC 5321 address. - gsmtp', 'userunknown', GONE),
    row('554 5.6.0 Mail message is malformed. Not accepted. - gsmtp', 'contenterror', SENDER),
    row('554 5.4.6 Message exceeded 50 hops, this may indicate a mail loop. - gsmtp', 'networkerror', LATER),
    row('555 5.5.2 Syntax error. - gsmtp', 'syntaxerror', SENDER),
  ]);
});
