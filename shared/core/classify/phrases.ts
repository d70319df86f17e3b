/**
 * Phrase families: one regex per meaning, alternating the ways receivers word it, in the languages
 * receivers answer in. Written from what the words mean (and from the receivers' own documentation
 * of their replies, see ./receivers), never from single corpus lines. Every regex runs on the
 * lower-cased text (no flags) and must keep required literals (./literals) so the matcher can
 * pre-filter it; multi-line replies arrive joined, so no phrase spans an SMTP continuation marker.
 */

// ---------------------------------------------------------------------------------------------
// Not a failure: auto-replies.
// ---------------------------------------------------------------------------------------------
export const VACATION =
  /(?:out of (?:the )?office|on (?:vacation|holiday|leave)|auto(?:matic)?[- ]?(?:reply|response|responder)|i am (?:currently )?(?:away|out)|i'm (?:currently )?(?:away|out of)|away from (?:the|my) (?:office|desk)|abwesenheit|ich bin (?:bis|vom|derzeit)|absent du bureau|je suis absent|fuera de la oficina|fora do escrit[oó]rio|fuori ufficio|afwezigheid|不在にして|自动回复|自動回覆)/;

// ---------------------------------------------------------------------------------------------
// Our authentication (SPF, DKIM, DMARC, ARC): fix our DNS or signing.
// ---------------------------------------------------------------------------------------------
export const AUTH_DMARC =
  /dmarc (?:policy|verification|check|fail|reject|validation|authentication)|per dmarc|(?:fails?|failed|not pass|did not pass|didn't pass) (?:the )?dmarc|dmarc.{0,20}(?:fail|reject)|unauthenticated email/;
export const AUTH_SPF =
  /spf (?:record|check|fail|valid|softfail|hard ?fail|permerror|temperror|policy|authentication)|(?:fails?|failed|not pass|did not pass|didn't pass) (?:the )?spf|bad spf|sender policy framework|\bspf=(?:fail|softfail|permerror)/;
export const AUTH_DKIM =
  /dkim(?: signature)?(?: verification| validation| check| authentication)? (?:is )?(?:invalid|fail|didn't pass|did not pass)|(?:fails?|failed|invalid|missing|no valid) dkim|\bdkim=fail/;
// Receivers that only say "authenticate" (Gmail's and Yahoo's 2024 sender rules, generic wording).
export const AUTH_GENERIC =
  /sender is unauthenticated|requires? all senders to authenticate|(?:fails?|failed) to pass authentication|does not have authentication information|authentication checks? (?:fail|did not pass)|\b(?:spf|dkim)\b.{0,30}(?:requirement|alignment|not aligned)|(?:isn't|is not|not) aligned with (?:either )?the authenticated|required authentication level|must pass either spf or dkim/;

// ---------------------------------------------------------------------------------------------
// Our sending host: reverse DNS, blocklists, reputation, rate, TLS.
// ---------------------------------------------------------------------------------------------
export const REQUIRE_PTR =
  /reverse dns|\brdns\b|\bptr (?:record|resource|lookup|check)|dns ptr|no ptr|does not have a ptr|reverse (?:lookup|mapping|hostname)|cannot find your (?:reverse )?hostname|unverif(?:y|i)able sending ip|mismatches client ip|without a valid sender domain|not resolve (?:to )?your (?:ip|hostname)|client host .{0,40} (?:unknown|not resolv)|fcrdns|forward[- ]confirmed reverse/;
export const DNSBL =
  /spamhaus|spamcop|barracudacentral|cloudmark|senderscore|\bsorbs\b|uceprotect|\bpsbl\b|blocked using|black ?list|block ?list|deny ?list|\bdnsbl\b|\bdns ?rbl\b|\brbl\b|\bIP\]? (?:is |has been |was )?(?:blocked|blacklisted|banned|blocklisted|listed)\b|(?:listed|found) (?:at|in|on|by) (?:the )?(?:HOST |[a-z0-9.-]+ )?(?:dnsbl|rbl|bl\b|spam)|banned sending ip|\[bl\d+\]|(?:ip|address|host|network|server) (?:address )?(?:is |has been |was )?(?:blocked|blacklisted|banned|blocklisted|listed)|is on our block list|open (?:relay|proxy)|ip .{0,30} (?:has been )?(?:blocked|banned)|client host rejected|client (?:ip|address) (?:is )?(?:rejected|not allowed|denied)|not accepted from (?:this|your) ip|permanently deferred|(?:ip|host|server|network)(?: address)? \[?IP\]? (?:is |has been |was )?(?:blocked|blacklisted|banned|listed|not allowed)|your (?:ip|host|server|network)(?: address)? (?:has been |is |was )?(?:blocked|banned|rejected|denied|listed)|helo command rejected|invalid helo|bad helo|dynamic(?:\/residential)? (?:ip|space|address)|residential (?:ip|space|address)|liste noire|lista negra|schwarze liste|lista nera|zwarte lijst|黑名单|ブラックリスト|ч[её]рн(?:ом|ый) списк/;
export const BAD_REPUTATION =
  /reputation (?:score|fail)|(?:bad|poor|low|negative) (?:sender |sending |ip |domain |email )?reputation|due to (?:ip |domain )?reputation|reputation of the sending|unexpected volume or user complaints|(?:excessive |user |too many )complaints|ip\/domain reputation/;
export const SPEEDING =
  /receiving mail (?:at a rate|too quickly)|rate that prevents additional|unusual rate of unsolicited|(?:sending|message|email|mail|submission) rate (?:limit|exceeded|too high)|rate limit(?:ed|ing)?(?! due to ip reputation)|rate-limited|too many (?:messages|mails|emails)(?! (?:in|on) (?:the|this|your) (?:mailbox|account|inbox)| stored)|try again slower|sending too (?:fast|quickly)|throttl|too fast|submission quota|(?:daily|hourly) (?:sending |message |recipient |smtp relay )?(?:quota|limit)|relay limit exceeded|message receive limit|sending quota exceeded/;
export const TOO_MANY_CONN =
  /too many (?:connections|concurrent|simultaneous|sessions|recipients|rcpt)|connection rate limit|connection limit|(?:max(?:imum)?|number of) (?:concurrent |simultaneous )?connections|too many (?:smtp )?sessions|recipients? limit (?:reached|exceeded)|max(?:imum)? (?:message|messages) per connection/;
export const FAILED_STARTTLS =
  /starttls|tls (?:is )?required|requires? (?:a )?(?:secure|tls|encrypted) (?:connection|transport)|must (?:use|issue) (?:a )?(?:tls|starttls)|tls negotiation failed|failed to negotiate tls|encryption required|requiretls|(?:wasn't|was not|not) sent over (?:a )?tls|must support tls|dane validation|certificate (?:failed to validate|expired|host mismatch)/;
export const SECURITY_AUTH =
  /(?:smtp )?auth(?:entication)? (?:is )?required|turn on smtp authentication|unauthenticated senders? not allowed|must (?:be )?authenticate|not permitted to relay without auth|sender (?:is )?not authenticated|not authenticated to send anonymous|username and password not accepted|invalid credentials/;
// The receiver names security as the reason, without saying which check failed.
export const SECURITY_REASON = /(?:due to|for) (?:a )?security reasons?|security (?:risk|threat|violation)/;
// Bare "rfc822;" is an address-type prefix, not evidence.
export const NOT_RFC =
  /(?:not|non)[- ](?:rfc ?(?:5322|5321|2822|822)[- ])?complian|rfc ?(?:5322|2822|822)(?: section [\d.]+)? (?:complian|violation|standards?)|multiple (?:from|date|subject|sender|to|message-id) headers|missing (?:a |the )?(?:valid )?(?:date|from|message-id) header|malformed (?:header|message)|must be rfc ?5322|does not conform to rfc|(?:does not|doesn't|not) comply with (?:the )?(?:required )?(?:rfc|standards|internet standards)|(?:missing|duplicate|multiple) (?:required )?(?:message-id|date|from|subject)(?: header| field)s?\b/;

// ---------------------------------------------------------------------------------------------
// Our message: virus, spam, content, policy, size.
// ---------------------------------------------------------------------------------------------
export const VIRUS = /virus|malware|infected|trojan|ransomware|phishing/;
export const SPAM =
  /\bspam\b|\bspamm|\bube\b|unsolicited|junk ?mail|content rejected, ube|likely (?:suspicious|unsolicited)|looks like spam|spam ?score|classified as spam|spam (?:detected|filter|content|message)|bulk mail|message (?:was )?(?:identified|detected|considered|judged) as spam|mail rejete|pourriel|correo no deseado|垃圾邮件|迷惑メール|спам/;
export const CONTENT_REJECTED =
  /message content rejected|content (?:was )?rejected|content filter rejection|rejected (?:because of|due to) (?:the |its |message )?content/;
export const CONTENT_ERROR =
  /media error|headers? (?:too (?:large|long|big)|size exceeds)|too many headers|invalid (?:mime|header|character|encoding)|mime (?:error|syntax|content)|bare (?:lf|linefeed|line feed|cr)|line too long|8-?bit (?:data|characters?) (?:not|in)|non-ascii|invalid characters/;
export const POLICY =
  /polic(?:y|ies) (?:reasons?|violation)|denied by policy|by (?:local |site |our )?policy|(?:due to|per) (?:local |site |our |the )?(?:security )?polic(?:y|ies)|policy restrictions?|anti-spoofing|not accepted for policy|violat(?:es?|ion of|ing) (?:our|the|local|site|HOST|[a-z0-9.-]+) ?(?:e-?mail )?(?:polic|terms|rules)|content presents a potential|host network not allowed|message not allowed|(?:attachment|file (?:type|extension)) (?:is |are )?(?:not allowed|blocked|prohibited|rejected)|prohibited attachment|banned content|(?:blocked|forbidden|banned) (?:attachment|file|extension)|executable (?:file|attachment|content)|members-only list|non-member|external forwarding|security polic|politique de s[ée]curit[ée]|pol[ií]tica de seguridad/;
export const TOO_BIG =
  /message (?:is |was )?too (?:large|big|long)|message too large for this recipient|(?:message|mail|email) size (?:limit )?(?:exceeds?|exceeded|too (?:large|big))|(?:message|mail) size limit (?:exceeded|reached)|exceeds? (?:the )?(?:max(?:imum)?|allowed|fixed maximum) (?:message |mail |email )?size|exceeded (?:[a-z]+'s )?message size limits?|message length exceeds|size of (?:the |this )?message exceeds|recipsizelimit|(?:message|mail|e-?mail|data)(?: file)? (?:is )?(?:too big|larger than (?:the )?(?:max|allowed))|max(?:imum)? (?:message |mail )?size (?:exceeded|limit)|exceeded (?:the )?max(?:imum)? (?:allowed )?(?:message )?size|size limit exceeded|maxrecipmessagesize|nachricht (?:ist )?zu gro(?:ß|ss)|message trop (?:volumineux|gros)|mensaje (?:es )?demasiado grande|mensagem muito grande|messaggio troppo grande|邮件(?:过大|太大)|メッセージ(?:が|の)?サイズ|размер сообщения/;

// ---------------------------------------------------------------------------------------------
// Our envelope sender or account refused (not the recipient).
// ---------------------------------------------------------------------------------------------
export const SENDER_REJECTED =
  /sender address rejected|domain of sender address|(?:unroutable|unrouteable|invalid|unknown|unverified|bad) sender|sender (?:address |domain )?(?:<?ADDR>?:? )?(?:is )?(?:invalid|unknown|not allowed|denied|blocked|banned|not permitted|rejected|not recogni[sz]ed|user unknown|(?:does not|doesn't) exist)|sender verify failed|sender verification (?:failed|rejected)|(?:mail ?from|envelope from|from address|envelope sender) (?:is |has been )?(?:rejected|invalid|denied|not (?:allowed|accepted))|send mail as|not (?:allowed|permitted|authorized) to (?:send|post)|permission to (?:post|send)|mail sending denied|unresolvable rfc\.? ?5321 from domain|sender address has null mx|email address is not verified|identities failed the check|(?:sender|sender's|senders|mail from|envelope|return-path|from) (?:address |mail )?domain(?: name)?(?: [^ ]{1,80})? (?:is )?(?:not found|does not exist|doesn't exist|not resolv|unresolvable|has no mx|invalid|unknown|not allowed|blocked|(?:could not|cannot|can't) be (?:found|resolved|verified)|(?:a )?non-?existent|not registered)|(?:your|sender|sender's|sending) account (?:has been |is |was )?(?:disabled|suspended|blocked|locked|deactivated|banned)/;
// Google Groups "the group may not exist, or you may not have permission to post" in its common languages.
export const GOOGLE_GROUPS =
  /group you tried to contact|le groupe que vous avez essayé|el grupo con el que|die gruppe, die sie|グループ（[^）]*）が存在しない|المجموعة \(/;
// NTT docomo's MX answers "Unknown user" after DATA when the recipient's filter refuses our sender
// (the address itself was accepted at RCPT TO): a sender rejection, not a dead mailbox. The rule
// (./rules) adds the receiver and the stage from the reply's structure.
export const DOCOMO_AFTER_DATA = /unknown user/;
// Blocklist zones among the reply's host names ("blocked using zen.spamhaus.org", a lookup URL).
// Comcast's codes (its error page's anchors, e.g. …smtp-error-codes.php#BL000010), read from the
// reply's hosts and URLs (./structure `hostMarks`): blocklisted, and rate-limited.
export const COMCAST_BLOCK = /\b(?:bl|es)000[01]{3}\b|\bbl00\d{1,2}\b/;
export const COMCAST_RATE = /\brl000[01]{3}\b|\brl00\d\b/;
export const DNSBL_ZONE =
  /(?:^|[. ])(?:spamhaus\.org|spamcop\.net|barracudacentral\.org|sorbs\.net|uceprotect\.net|surriel\.com|abuseat\.org|mailspike\.net|senderscore\.com|spameatingmonkey\.net)\b/;
// The rejection came at MAIL FROM: the receiver refused our envelope sender, whatever it said.
export const AT_MAIL_FROM =
  /after mail from|in reply to mail from|mail from command|\[mail_from\]|(?:in|for|of) (?:the |your )?(?:mail from|envelope sender|envelope from)\b/;
// Our own host named as unknown or unresolvable: the HELO/EHLO name, the connecting client's host
// name. The "host not found" words are about us, not the recipient's domain. No span crosses a
// transcript's "<<<" / ">>>", so a later reply to RCPT TO is not read as about our HELO.
export const OUR_HOST_UNKNOWN =
  /(?:helo|ehlo)(?: name| hostname| host| domain| argument)?[^.;<>]{0,40}(?:not found|unknown|(?:does not|doesn't|did not) (?:exist|resolve)|not resolv|non-?existent|(?:could not|cannot|can't) be (?:verified|resolved|found))|(?:your|client|sending|connecting) (?:host ?name|host|server|machine)[^.;<>]{0,30}(?:not found|unknown|(?:does not|doesn't) (?:exist|resolve)|not resolv|(?:could not|cannot|can't) be (?:verified|resolved|found))|(?:verify|resolve|find) your (?:host ?name|host|server|helo)/;
// Words about an address in our message's headers or our return path, not the recipient.
export const OUR_HEADER_ADDRESS =
  /(?:your|the|in|of) (?:from|reply-to|return-path|sender)(?::)? (?:header|address|domain|line|field)|(?:from|reply-to|sender)(?::)? header|header (?:from|sender) (?:address|domain)|\breturn-path\b/;
// Rejections before any envelope was given are about our host, not the recipient.
export const AT_CONNECT =
  /after (?:initial connection|connect|ehlo|helo|banner)|in reply to (?:ehlo|helo)|refused to talk to me/;

// ---------------------------------------------------------------------------------------------
// The recipient's side.
// ---------------------------------------------------------------------------------------------
// SES delivers to the recipient's MX directly, so a receiver that will not "relay" for the
// recipient's domain does not host that domain (any more): the recipient's side (see ./policy).
export const NO_RELAY =
  /relay(?:ing)? (?:access )?(?:denied|not (?:permitted|allowed)|prohibited)|not (?:configured|permitted|allowed|authorized) to relay|unable to relay|(?:we do not|does not|cannot|can't) relay|no relaying|relay not permitted|relaying mail to .{0,60} not allowed|(?:isn't|not) in my list of allowed rcpthosts|mail relay denied|relais (?:interdit|refus[ée])|kein relay/;
export const SUSPEND =
  /(?:account|mailbox|address|user|recipient) (?:is |has been |was )?(?:temporarily )?(?:disabled|suspended|deactivated|inactive|frozen|locked|closed|discontinued|blocked by (?:the )?administrator)|(?:disabled|suspended|inactive|deactivated|frozen) (?:user|account|mailbox|recipient|address)|account (?:is )?(?:not active|on hold|expired)|user\(s\) account is disabled|mailbox not active|(?:account|mailbox|address|user|recipient|inbox)[^.;]{0,40}is (?:disabled|inactive|suspended|deactivated)\b|compte (?:est )?(?:d[ée]sactiv[ée]|suspendu)|konto (?:ist )?(?:deaktiviert|gesperrt)|cuenta (?:est[aá] )?(?:desactivada|suspendida|deshabilitada)|conta (?:est[aá] )?(?:desativada|suspensa)|account (?:è )?(?:disattivato|sospeso)|(?:帐户|账户|帳戶|账号|帐号)(?:已)?(?:停用|冻结|凍結|禁用)|アカウント(?:が|は)?(?:停止|無効)|(?:учетная запись|ящик|аккаунт) (?:заблокирован|отключен)/;
export const SYSTEM_FULL =
  /insufficient (?:system |disk )?(?:storage|space)(?! (?:for|in) (?:the )?(?:mailbox|user))|system (?:storage )?(?:is )?full|(?:disk|file ?system|spool) (?:is )?full(?! for)|mail system full/;
export const MAILBOX_FULL =
  /mailbox (?:is )?full|mailbox.{0,40}(?:full|over quota|exceeded)|over ?quota|over (?:the |their |his |her |its )?(?:storage |mailbox |disk )?quota|quota (?:has been |was )?(?:exceed|full|exhausted|violation|reached)|(?:exceeded|exceeds|exceeding|reached) (?:the |their |his |her |its |your |storage |mailbox |disk |mail )*(?:quota|storage (?:limit|allocation))|exceeded storage allocation|disk quota|not enough (?:disk |storage )?space|(?:inbox|mailbox|mail box|mail ?folder|mail ?drop|account) (?:is )?(?:full|out of space)|full mailbox|out of storage|storage (?:is )?full|storage limit|insufficient (?:storage|space) (?:for|in) (?:the )?(?:mailbox|user)|too many messages (?:in|on) (?:the|this) (?:mailbox|account)|storedrv\.deliver: mailbox full|quotaexceeded|postfach (?:ist )?(?:voll|überfüllt)|speicherplatz|kontingent (?:ist )?(?:überschritten|erschöpft)|quota (?:überschritten|dépassé|excedida|superata|overschreden)|bo[iî]te(?: aux lettres| mail)? (?:est )?pleine|a d[ée]pass[ée] son quota|buz[oó]n (?:est[aá] )?lleno|casilla (?:est[aá] )?llena|cuota (?:excedida|superada)|caixa (?:postal |de correio |de entrada )?(?:est[aá] )?cheia|cota excedida|casella (?:di posta |postale )?(?:è )?piena|spazio esaurito|(?:mailbox|postvak|postbus) (?:is )?vol\b|quotum|(?:邮箱|郵箱|信箱)(?:空间|容量)?(?:已满|已滿|不足)|空间不足|超过配额|容量(?:が)?(?:オーバー|超過|不足|制限)|メールボックス(?:が|の容量が)?(?:いっぱい|一杯|満杯)|(?:ящик|почтовый ящик) переполнен|превышен[аа]? квот/;
// The same meaning in the plain-English ways receivers word it when they do not say "full" or
// "quota": a size or storage limit of the mailbox (not of the message), too many messages stored,
// out of room; "saturated / out of space" in French, Spanish, Portuguese and Italian. Checked before
// the sender-side families, whose "too many messages" and "size limit" are about our sending rate
// and our message.
export const MAILBOX_FULL_WORDED =
  /(?:mailbox|inbox|mail ?box|mail ?folder|mail ?drop)(?:'s)? (?:has |is |was )?(?:exceeded|exceeds|reached|over|above|at) (?:its |the |their |his |her )?(?:allowed |maximum |permitted |max )?(?:size|storage|capacity|limit|quota)|account (?:has |is |was )?(?:exceeded|exceeds|reached|over) (?:its |the |their |his |her )?(?:allowed |maximum |permitted )?(?:size|storage|capacity|disk)|(?:mailbox|inbox|mail ?box) (?:size|storage|capacity) (?:limit )?(?:exceeded|reached|has been exceeded|is exceeded)|(?:mailbox|inbox|mail ?box) size limit|too many messages (?:stored|saved|kept)|too many (?:stored )?messages (?:in|on) (?:the |this |their |his |her |your )?(?:recipient'?s? |user'?s? )?(?:mailbox|inbox|mail ?box|account|folder)|(?:mailbox|inbox|mail ?box|mail ?folder) (?:has|holds|contains|stores) too many (?:messages|mails|e-?mails)|bo[iî]te(?: aux lettres| de r[ée]ception)? (?:est )?pleine|(?:holds|contains|stores) too many messages|(?:mailbox|inbox|mail ?box|account|recipient|user|addressee)(?: is| has been| was)? over (?:the |its |their |his |her )?(?:allowed|permitted|maximum) (?:mailbox )?(?:size|storage|capacity|quota)|(?:mailbox|inbox|mail ?box|account)[^.;]{0,30}(?:ran|run|running) out of (?:storage|space|room)|(?:no|not enough) (?:free |storage |disk )?(?:space|room) (?:left |available )?(?:in|for) (?:the |this |their |his |her )?(?:mailbox|inbox|mail ?box|account)|storage (?:space )?(?:is )?(?:exhausted|used up)|bo[iî]te(?: aux lettres)? (?:est )?satur[ée]e|buz[oó]n (?:est[aá] )?(?:saturado|sin espacio)|caixa (?:postal |de correio )?(?:est[aá] )?(?:lotada|sem espa[cç]o)|casella (?:di posta )?(?:è )?satura/;
export const HAS_MOVED =
  /has moved|mailbox (?:has )?moved|moved (?:permanently|to a new)|no forwarding address|no longer (?:on (?:this )?server|at this (?:address|domain)|with (?:us|this)|accepts? mail(?! from)|here)|(?:address|account|mailbox|user|recipient)[^.;]{0,40}no longer (?:valid|active|in use)|changed (?:his|her|their) (?:e-?mail )?address|user not local/;
export const NOT_ACCEPT =
  /null mx|does not accept (?:e-?)?mail(?! from)|doesn't accept (?:e-?)?mail(?! from)|(?:domain|host) (?:does not|doesn't|will not) (?:receive|accept) (?:any )?(?:e-?)?mail|not accepting (?:any )?(?:e-?)?mail(?! from)/;
// DNS found no mail route for the domain (no MX, and no A/AAAA to fall back to): the domain takes no
// mail when the code is permanent; under a temporary code it is a DNS answer that may change.
export const NO_MAIL_EXCHANGER =
  /no mx (?:or a(?:aaa)? )?(?:records? )?(?:found|for)|no mx records?\b|(?:couldn't|could not|cannot|unable to) find (?:a|any) mail exchanger|no mail exchangers? (?:found|for)/;
export const HOST_UNKNOWN =
  /host (?:or domain name )?(?:unknown|not found)|unknown (?:host|domain)|host or domain name not found|(?:domain|host)(?: name)? (?:does not|doesn't) exist|no such (?:domain|host)|(?:unroutable|unrouteable) (?:address|mail domain|domain)|(?:recipient |destination )?domain (?:name )?(?:not found|is invalid|unknown|is not (?:valid|registered))|invalid (?:recipient )?domain|nxdomain|name or service not known|find (?:any )?host (?:by that name|named)|mx records? points? to non-?existent hosts?|dns domain .{0,40}does not exist|(?:weren't|were not|wasn't|was not) able to find the recipient domain|domaine (?:inexistant|inconnu|introuvable)|domaine[^.;]{0,40}n'existe pas|domain (?:existiert nicht|unbekannt)|dominio (?:inexistente|desconocido|no existe|sconosciuto)|dom[ií]nio (?:inexistente|desconhecido|n[aã]o existe)|域名不存在|ドメイン(?:が|は)?(?:存在しません|見つかりません)|домен не (?:существует|найден)|non-?existent (?:mail )?(?:domain|host)|nonexistentdomain|(?:domain|host)(?: name)? (?:could not|cannot|can't) be (?:found|located)|(?:domain|host) (?:name )?(?:is )?(?:not registered|unregistered)|no such domain name|(?:recipient|destination|target) domain (?:does not|doesn't) exist|(?:unknown|invalid) (?:mail )?(?:domain|host) name|domain name (?:is )?(?:invalid|unknown)|\bHOST does not exist/;

// A DNS answer that means "ask later" (SERVFAIL, REFUSED, a timeout, a name server that did not
// answer, the resolver's "host not found, try again"), not "no such domain" (NXDOMAIN).
export const DNS_ASK_LATER =
  /servfail|not found, try again|(?:dns|query|lookup|resolver|name ?server)[^.;]{0,20}refused|name ?servers?[^.;]{0,30}(?:did not|didn't|does not|failed to) (?:answer|respond|reply)|(?:lookup|query|resolution) time ?out|dns (?:server )?(?:timeout|timed out)|(?:temporary|transient) (?:dns|name resolution|lookup|resolver) (?:failure|error)|temporary failure in name resolution|lookup timed out|resolution timed out|name ?server (?:failure|timeout|not responding)|no response from (?:the )?(?:dns|name ?server)/;
// The mail system's own failures that come with user-unknown codes (5.1.1): a forwarding or
// routing loop (also aliases nested too deep or recursive), an alias, list or group that could not
// be expanded or has no members, a forwarding or redirect target that failed (not "no forwarding
// address": that is a moved user). They say nothing about whether the
// recipient exists; checked before the user-unknown families.
export const MAIL_LOOP =
  /forwarding loop|mail(?:ing)? loop|(?:routing|delivery|alias|forward) loop|loops? back to myself|too many hops|hop count exceeded|exceeded \d+ hops|loop detected|(?:message|mail) (?:is )?looping|looping (?:message|mail)|forwarded too many times|too many levels of (?:aliases|aliasing|forwarding|redirection)|recursive (?:alias|forward|redirect)|alias (?:loop|recursion)/;
export const ALIAS_EXPANSION =
  /alias expansion|(?:unable|failed|could not|couldn't|cannot|can't) (?:to )?expand|expan(?:d|sion of|ding) (?:the )?(?:alias|list|distribution list|group|forward)|error (?:in|expanding) (?:the )?alias|alias (?:file|database|table|map) (?:error|failure|problem)|(?:forwarding|forward) (?:failed|error|failure)|(?:unable|failed|could not|cannot) (?:to )?forward|\.forward (?:file )?(?:error|failed|problem)|\.forward file|(?<!no )(?:forward(?:ing|ed)|redirect(?:ion|ed)?) (?:address|target|destination)|alias (?:target|destination)|(?:list|group|distribution list) expansion|(?:list|group) has no (?:members|recipients)|no (?:members|recipients) (?:in|on) (?:the |this )?(?:list|group)/;
// "The mailbox does not exist", as the big receivers word it.
export const UU_EXCHANGE =
  /resolver\.adr\.(?:ex)?recip(?:ient)?notfound|recipient not found by smtp address lookup|unknown recipient|(?:smtp address|user) has no mailbox|resolver\.adr\.invalid/;
export const UU_GMAIL =
  /(?:email|e-mail) account that you tried to reach does not exist|address couldn't be found|address not found|the email address you entered couldn't be found/;
export const UU_ENGLISH =
  /user(?:name)? unknown|unknown (?:user|recipient|mailbox|address(?! error)|account|local[- ]part|alias|or illegal alias|e-?mail address|addressee)|no such (?:user|mailbox|recipient|account|address|person|local user)|(?:user|mailbox|recipient|address|account|addressee|e-?mail address)(?: name)? (?:not found|unknown|does not exist|doesn't exist|not exist|is unknown|is not valid|invalid)|(?:user|mailbox|recipient) (?:name )?(?:is )?not (?:found|known|listed|valid|registered)|invalid (?:recipient|mailbox|address|user|e-?mail address|destination)|(?:not a|no) (?:valid|known) (?:user|mailbox|address)|not a (?:valid|known) recipient|\(and other recipients in the same domain\)|no mailbox (?:here|by that name|for)|does not have (?:a|an) (?:mailbox|account)|not listed in (?:domino directory|public name)|bad destination mailbox address|destination mailbox address (?:is )?(?:invalid|unknown)|please check if (?:the )?address is correct|mailbox (?:does not|doesn't) exist|recipient (?:does not|doesn't) exist|user does not exist|no account (?:by that name|for)|(?:user|recipient|mailbox) not found|not our customer|\bADDR>?(?:\.{3})?:? (?:does not|doesn't) exist|not a valid rfc ?5321 address|(?:user|mailbox|recipient|account|address|addressee)(?: [^ ]{1,80})? (?:does not|doesn't|did not) exist|(?:this|that|the) (?:e-?mail )?address (?:does not|doesn't) exist|no such e-?mail|(?:e-?mail )?address (?:is )?(?:unknown|not valid|invalid)|not a valid (?:e-?mail )?(?:address|recipient|mailbox)|address unknown|unknown or invalid|invalid rcpt/;
// The same meaning in the languages receivers answer in (each: subject noun + "unknown / does not exist").
export const UU_OTHER_LANGUAGES =
  /adresse (?:(?:e-?mail|électronique|de destination|destinataire) )?(?:est )?(?:invalide|inconnue|inexistante|introuvable)|destinataire (?:est )?(?:inconnu|introuvable|inexistant|invalide)|utilisateur (?:est )?(?:inconnu|introuvable|inexistant)|bo[iî]te(?: aux lettres)? (?:est )?(?:inexistante|inconnue|introuvable)|compte (?:est )?(?:inexistant|inconnu)|(?:adresse|utilisateur|destinataire|compte|bo[iî]te)[^.;]{0,40}n'existe pas|aucun (?:utilisateur|compte|destinataire)|empf(?:ä|ae)nger(?:adresse)? (?:ist )?(?:unbekannt|ung(?:ü|ue)ltig|existiert nicht|nicht (?:gefunden|vorhanden))|unbekannte[rs]? (?:empf(?:ä|ae)nger|benutzer|adresse|postfach)|benutzer (?:ist )?(?:unbekannt|existiert nicht|nicht (?:gefunden|vorhanden))|(?:postfach|adresse|mailbox|konto) (?:ist )?(?:unbekannt|existiert nicht|nicht vorhanden|ung(?:ü|ue)ltig)|ung(?:ü|ue)ltige (?:empf(?:ä|ae)nger)?adresse|kein(?:en)? (?:solche[rn]? )?(?:benutzer|postfach)|usuario (?:es )?(?:desconocido|inexistente|no existe|no v[aá]lido|no encontrado)|destinatario (?:es )?(?:desconocido|inexistente|no existe|sconosciuto|inesistente|no v[aá]lido)|direcci[oó]n (?:de (?:correo|e-?mail)(?: electr[oó]nico)? )?(?:es )?(?:desconocida|inexistente|no existe|inv[aá]lida|no v[aá]lida)|(?:buz[oó]n|cuenta|casilla) (?:de correo )?(?:es )?(?:desconocid[oa]|inexistente|no existe)|no existe (?:el|la) (?:usuario|cuenta|direcci[oó]n|buz[oó]n|destinatario)|usu[aá]rio (?:é )?(?:desconhecido|inexistente|n[aã]o existe|inv[aá]lido|n[aã]o encontrado)|utilizador (?:é )?(?:desconhecido|inexistente|n[aã]o existe)|destinat[aá]rio (?:é )?(?:desconhecido|inexistente|n[aã]o existe|inv[aá]lido)|endere[cç]o (?:de (?:e-?mail|correio(?: eletr[oô]nico)?) )?(?:é )?(?:desconhecido|inexistente|n[aã]o existe|inv[aá]lido)|(?:conta|caixa postal) (?:é )?(?:inexistente|n[aã]o existe)|utente (?:è )?(?:sconosciuto|inesistente|non esiste|non valido)|l'utente non esiste|indirizzo (?:e-?mail )?(?:è )?(?:inesistente|sconosciuto|non valido|non esiste)|casella (?:di posta |postale )?(?:è )?(?:inesistente|non esiste)|(?:gebruiker|ontvanger|e-?mailadres|adres|mailbox|postvak) (?:is )?(?:onbekend|bestaat niet|niet gevonden|ongeldig)|onbekende (?:gebruiker|ontvanger)|ongeldig (?:e-?mail)?adres|(?:用户|用戶|收件人|收件者|邮箱|郵箱|信箱|帐户|账户|帳戶|帐号|账号|帳號|地址|用户名)(?:名)?(?:不存在|无效|無效|未找到|找不到)|查无此人|无此用户|無此用戶|(?:ユーザー?|アカウント|メールアドレス|宛先|受信者|受取人)(?:名)?(?:が|は)?(?:存在しません|存在しない|見つかりません|不明)|宛先不明|存在しないユーザ|(?:пользовател[ья]|получател[ья]|адресат[а]?|почтов(?:ый|ого) ящик[а]?|ящик[а]?|учетн(?:ая|ой) запис[иь]|адрес) (?:не существует|не найден[аоы]?|неизвестен)|нет такого (?:пользователя|адресата|ящика|получателя|адреса)|неизвестн(?:ый|ого) (?:пользовател[ья]|получател[ья]|адрес(?:ат)?)|(?:사용자|수신자|계정|주소)(?:가|를)? (?:존재하지|찾을 수 없)/;
// Plain-English ways of saying the mailbox does not exist, beyond "unknown" and "does not exist":
// deleted or removed (not ours: "your account", "sender"), has no account, not registered / not
// in use / never existed (not our IP, host or server address), not in the recipient list, not
// found, not an active or recognised address, no final delivery point, an invalid user id, a
// directory lookup with no match, cannot find the recipient, nobody by that name; and "not found /
// not recognised / not known" in French, Spanish, Portuguese, Italian and German.
export const UU_WORDED =
  /no (?:such )?mailbox (?:was )?found|(?:user|recipient|addressee) has no (?:e-?mail )?(?:account|mailbox)|(?<!your |sender |sending |sender's |from |envelope |ip |host |server |network |relay )(?:address|account|mailbox) (?:is |was )?not (?:registered|known|in use)\b(?! as\b)|(?<!your |sender |sending |sender's |from |envelope )(?:address|account|mailbox|user)(?: has| had)? never existed|not (?:in|on) (?:the |our )?(?:valid |local )?recipient (?:list|table)|(?<!your |sender |sending |sender's |from )(?:mailbox|account|user|address|recipient)(?: account)? (?:has been|was|is) (?:deleted|removed|terminated|purged)(?! from)|(?<!your |sender |sending |sender's |from )(?:mailbox|recipient|user|address|account|addressee)(?: was| could)? not (?:be )?(?:found|located)|not an? (?:active|existing|recogni[sz]ed|registered|known) (?:e-?mail )?(?:address|account|mailbox|user|recipient)|(?:is|was) not (?:an? )?(?:existing|registered) (?:e-?mail )?(?:address|account|mailbox|user|recipient)|(?:address|recipient|user|mailbox|account|addressee)(?: name)?(?: is| was)? not recogni[sz]ed|unrecogni[sz]ed (?:e-?mail )?(?:address|recipient|user|mailbox|account|addressee)|no (?:final )?delivery point|invalid (?:user ?id|user name|username|account (?:name|id))|user ?id (?:is )?(?:invalid|unknown|not valid)|(?:directory|ldap|address book|recipient) (?:lookup|search)[^.;]{0,40}(?:no (?:match|entry|entries|results?)|not found|found no|returned no)|no (?:matching )?(?:entry|match|record)[^.;]{0,30}(?:in|for) (?:the |our )?(?:directory|ldap|address book|user (?:list|database|table))|not (?:found |listed )?in (?:the |our )?(?:directory|user (?:list|database|table)|address book)|(?:could|can)(?: not|not|n't) (?:find|locate) (?:the |a |this |that |any )?(?:mailbox|recipient|user|account|addressee)|no ?one (?:here )?(?:by|with) (?:that|this) (?:name|address)|nobody (?:here )?by that name|(?:adresse|destinataire|utilisateur|bo[iî]te(?: aux lettres)?) (?:n'est pas|non) (?:reconnue?|trouv[ée]e?)|(?:buz[oó]n|usuario|destinatario|cuenta) no (?:encontrad[oa]|reconocid[oa])|no se (?:encontr[oó]|pudo encontrar) (?:el |la )?(?:buz[oó]n|usuario|destinatario|cuenta)|(?:caixa postal|usu[aá]rio|destinat[aá]rio|conta) n[aã]o (?:encontrad[oa]|reconhecid[oa])|(?:casella|utente|destinatario) non (?:trovat[ao]|riconosciut[ao])|(?:postfach|empf(?:ä|ae)nger) (?:wurde )?nicht gefunden|(?:empf(?:ä|ae)nger(?:adresse)?|benutzer|postfach|e-?mail-adresse)(?: ist| sind)?(?: hier| uns| bei uns)? nicht bekannt|(?:mailbox|casella(?: di posta| postale)?) (?:è )?sconosciut[ao]/;
// Weaker wording; only a refusal when the code is permanent.
export const UU_WEAK =
  /mailbox unavailable|recipient (?:address )?rejected|address rejected|no valid recipients|invalid address|mailbox not available|no such address|recipient not (?:accepted|allowed)|recipient rejected|bad recipient|(?:user|recipient|mailbox) (?:is )?unavailable/;

// The receiver's filter refused the mail for this recipient (its preferences or restrictions).
export const FILTERED =
  /message filtered|filtered|refused due to recipient preferences|recipient preferences|blocked by (?:the )?recipient|recipient (?:has )?(?:blocked|refused)|not accepting mail from you|does not wish to receive|envelope blocked|(?:accepts?|receive) (?:mail|messages|email) (?:only )?from (?:internal|authenticated) senders|internal senders only|delivery (?:to this (?:address|recipient) )?(?:is )?restricted|restricted to (?:internal|authorized) senders|not (?:authorized|allowed|permitted) to send to (?:this|the) (?:recipient|group|address|list|user)|sender (?:is )?not (?:in|on) (?:the )?(?:allowed|safe)[- ]senders?|resolver\.rst\./;

// ---------------------------------------------------------------------------------------------
// Transient trouble on the way.
// ---------------------------------------------------------------------------------------------
export const NETWORK =
  /no route to host|network (?:is )?(?:unreachable|error)|host name lookup failure|lookup failure|malformed or unexpected name server reply|name server (?:failure|error|timeout|reply)|dns (?:error|failure|lookup failed|query failed)|temporary dns|too many hops|hop count exceeded|exceeded \d+ hops|mail loop|loops? back to myself|routing loop|(?:message )?is looping|wasn't able to establish|(?:unable|failed) to establish (?:an )?smtp connection|connection (?:refused|reset)|broken pipe|lost connection/;
export const EXPIRED =
  /message expired|envelope expired|(?:retry|queue) (?:time(?:out)?|period) (?:exceeded|expired)|in the queue too long|could not be delivered for too long|could not deliver for the last|delivery (?:time|attempts?) (?:expired|exceeded)|giving up|gave up|too many (?:delivery )?(?:attempts|retries)|after (?:multiple|several|many) (?:retries|attempts)|failed \d+ attempts|will be (?:retried|deleted from queue)|has been delayed|delivery (?:is )?delayed|connection timed out|timed out|timeout|did not accept our requests to connect|unable to connect successfully|host not reachable|could not find a gateway|retry time not reached|long failure period/;
// Named failures of the receiving system; checked before queue texts that merely say it gave up.
export const SYSTEM_ERROR_NAMED =
  /\bldap\b|directory (?:server|lookup) (?:failure|error)|local (?:configuration )?error|configuration error|insufficient permission|could not load|internal (?:server )?error|local problem|server configuration (?:problem|error)|mail system error|storedrv\.(?:deliver|submit)[.;:]? ?(?:exception|missing or bad)/;
export const SYSTEM_ERROR =
  /system (?:error|problem|failure)|service (?:currently |temporarily )?(?:unavailable|not available)|server (?:is )?(?:busy|unavailable|overloaded)|permission denied|resources? (?:is )?temporarily unavailable|other mail system problem|server error|error in processing|temporarily (?:unavailable|rejected)|unable to process (?:the )?connection|malformed or query/;
export const MAILER_ERROR =
  /^x-unix;|pipe to \||mailer error|unknown mailer|procmail|command (?:died|failed)|exit (?:status|code) \d|program failed|delivery to (?:file|program) failed/;
export const SYNTAX =
  /syntax error|command (?:not recognized|unrecognized|parameter not implemented|not implemented)|improper sequence|bad sequence of commands|malformed address|line too long for (?:smtp|command)|invalid command|unrecognized command|unimplemented command|protocol violation|no commands allowed to pipeline|(?:ehlo|helo|mail|rcpt) first|may not be repeated|cannot decode response|argument is invalid/;
export const SMTPUTF8 = /smtputf8|utf-?8 (?:local[- ]part|address)/;
// Gmail's relay wrapper says "rejected by the recipient domain" around any reply: the last resort.
export const REJECTED_BY_REMOTE =
  /rejected by (?:a |the )?remote mail server|rejected by the recipient domain/;
// A bare "blocked": a refusal of our mail (the recipient's own blocks say so and match FILTERED first).
export const BLOCKED_WORD = /\bblocked\b|\brefused\b/;
export const ACCESS_DENIED = /access denied|not authorized|unauthori[sz]ed/;
export const TEMP_FAILURE =
  /temporar(?:y|ily) (?:failure|error|problem|unavailable|deferred|rejected|blocked|refused|not available)|try again later|please try (?:again )?later|(?:try|retry) again in \d|retry later|come back later|at a later time|greylist|graylist/;

export const DIAG_TYPE = /^[a-z0-9-]+; ?/;
