import { describe } from 'vitest';
import { GONE, LATER, row, SENDER, SOFT, table } from './table';

// The stock replies of the common open-source MTAs, as their documentation and sources word them:
// Postfix https://www.postfix.org/postconf.5.html (reject_unknown_*, *_reject_code),
// Exim https://www.exim.org/exim-html-current/doc/html/spec_html/ch-the_default_configuration_file.html,
// qmail https://cr.yp.to/qmail/man/qmail-remote.html, Sendmail https://www.sendmail.org/~ca/email/doc8.12/op-sh-4.html.
describe('MTA stock replies', () => {
  table([
    row(
      '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown in local recipient table',
      'userunknown',
      GONE,
    ),
    row(
      '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
      'userunknown',
      GONE,
    ),
    row('450 4.1.2 <x@example.invalid>: Recipient address rejected: Domain not found', 'networkerror', LATER),
    row('554 5.7.1 <x@example.org>: Relay access denied', 'norelaying', SOFT),
    row(
      '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
      'blocked',
      SENDER,
    ),
    row(
      '450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]',
      'requireptr',
      SENDER,
    ),
    row('552 5.3.4 Message size exceeds fixed limit', 'mesgtoobig', SENDER),
    row('552 5.2.2 <x@example.org>: Recipient address rejected: Mailbox full', 'mailboxfull', SOFT),
    row('550 Unrouteable address', 'hostunknown', GONE),
    row('550 No Such User Here', 'userunknown', GONE),
    row("Sorry, I couldn't find any host named example.invalid. (#5.1.2)", 'hostunknown', GONE),
    row('Sorry, no mailbox here by that name. (#5.1.1)', 'userunknown', GONE),
    row("Sorry, that domain isn't in my list of allowed rcpthosts. (#5.7.1)", 'norelaying', SOFT),
    row('550 5.1.1 <x@example.jp>... User unknown', 'userunknown', GONE),
    row(
      '553 5.1.8 <y@example.com>... Domain of sender address y@example.com does not exist',
      'rejected',
      SENDER,
    ),
    row(
      '554 5.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>',
      'expired',
      LATER,
    ),
    row(
      '556 5.1.10 Recipient address rejected: Domain example.com does not accept mail (nullMX)',
      'notaccept',
      GONE,
    ),
    // Postfix access(5) tables' default REJECT text: a refusal for this recipient, not proof it is gone.
    row('554 5.7.1 <x@example.org>: Recipient address rejected: Access denied', 'securityerror', SENDER),
    row(
      '450 4.2.0 <x@example.org>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/example.org.html',
      'onhold',
      LATER,
    ),
    row('504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname', 'blocked', SENDER),
    row(
      '450 4.7.1 <unknown[192.0.2.1]>: Client host rejected: cannot find your hostname, [192.0.2.1]',
      'requireptr',
      SENDER,
    ),
    row('553 5.1.8 <y@example.invalid>: Sender address rejected: Domain not found', 'rejected', SENDER),
    row('452 4.3.1 Insufficient system storage', 'systemfull', LATER),
    row('452 4.5.3 Error: too many recipients', 'toomanyconn', SENDER),
    row(
      '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown in relay recipient table',
      'userunknown',
      GONE,
    ),
    // Exim's stock texts.
    row('550 relay not permitted', 'norelaying', SOFT),
    row('550 rejected because 192.0.2.1 is in a black list at zen.spamhaus.org', 'blocked', SENDER),
    row('retry timeout exceeded', 'expired', LATER),
    row('550-Verification failed for <y@example.com> 550 Sender verify failed', 'rejected', SENDER),
    row('all relevant MX records point to non-existent hosts', 'hostunknown', GONE),
    row('552 Mailbox quota exceeded', 'mailboxfull', SOFT),
  ]);
});

// iCloud Mail, for senders: https://support.apple.com/en-us/102322 (formerly HT204137).
describe('iCloud documented replies', () => {
  table([
    row('550 5.1.1 <x@icloud.com>: user does not exist', 'userunknown', GONE),
    row('552 5.2.2 <x@icloud.com>: user is over quota', 'mailboxfull', SOFT),
    row(
      '554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
      'policyviolation',
      SENDER,
    ),
    row(
      '554 5.7.1 [HM08] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
      'policyviolation',
      SENDER,
    ),
    row('550 5.7.0 Blocked - see https://support.apple.com/en-us/HT204137', 'blocked', SENDER),
    row('550 5.7.1 Mail from IP 192.0.2.1 was rejected due to listing in Spamhaus SBL', 'blocked', SENDER),
  ]);
});

// What SES itself writes: https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
describe('SES-generated diagnostics', () => {
  table([
    row(
      '554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.0 Unable to lookup DNS for example.com>',
      'expired',
      LATER,
    ),
    row(
      'Amazon SES did not send the message to this address because it is on the suppression list for your account.',
      'suppressed',
      ['recipient', 'suppress'],
    ),
    row(
      'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
      'suppressed',
      ['recipient', 'suppress'],
    ),
  ]);
});

// "Unknown user" and "mailbox full" in the languages receivers answer in (no status code at all:
// the words alone must carry them, and an unknown user must be suppressed).
describe('phrase families per language', () => {
  table([
    // Unknown user.
    row('550 Adresse destinataire invalide', 'userunknown', GONE),
    row("550 L'adresse e-mail du destinataire n'existe pas", 'userunknown', GONE),
    row('550 Utilisateur inconnu', 'userunknown', GONE),
    row('550 Empfänger unbekannt', 'userunknown', GONE),
    row('550 Benutzer existiert nicht', 'userunknown', GONE),
    row('550 Unbekannter Benutzer', 'userunknown', GONE),
    row('550 Usuario desconocido', 'userunknown', GONE),
    row('550 La dirección de correo no existe', 'userunknown', GONE),
    row('550 Usuário desconhecido', 'userunknown', GONE),
    row('550 Endereço de e-mail não existe', 'userunknown', GONE),
    row('550 Utente sconosciuto', 'userunknown', GONE),
    row("550 L'utente non esiste", 'userunknown', GONE),
    row('550 Onbekende gebruiker', 'userunknown', GONE),
    row('550 Dit e-mailadres bestaat niet', 'userunknown', GONE),
    row('550 该用户不存在', 'userunknown', GONE),
    row('550 收件人不存在', 'userunknown', GONE),
    row('550 このメールアドレスは存在しません', 'userunknown', GONE),
    row('550 宛先のユーザーが見つかりません', 'userunknown', GONE),
    row('550 Пользователь не существует', 'userunknown', GONE),
    row('550 Нет такого пользователя', 'userunknown', GONE),
    // Mailbox full.
    row('552 Boîte aux lettres pleine', 'mailboxfull', SOFT),
    row('452 Postfach ist voll', 'mailboxfull', SOFT),
    row('452 Buzón lleno', 'mailboxfull', SOFT),
    row('452 Caixa postal cheia', 'mailboxfull', SOFT),
    row('452 Casella piena', 'mailboxfull', SOFT),
    row('452 Mailbox is vol', 'mailboxfull', SOFT),
    row('452 邮箱已满', 'mailboxfull', SOFT),
    row('452 メールボックスがいっぱいです', 'mailboxfull', SOFT),
    row('452 Почтовый ящик переполнен', 'mailboxfull', SOFT),
    // Blocked / spam in other languages: our side, never the address.
    row('554 Votre adresse IP est sur liste noire', 'blocked', SENDER),
    row('554 Su IP está en una lista negra', 'blocked', SENDER),
    row('554 您的IP在黑名单中', 'blocked', SENDER),
    row('554 Сообщение отклонено как спам', 'spamdetected', SENDER),
    // Host unknown.
    row("550 Le domaine n'existe pas", 'hostunknown', GONE),
    row('550 Dominio inexistente', 'hostunknown', GONE),
  ]);
});
