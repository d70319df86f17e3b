import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  PutAccountSendingAttributesCommand,
  PutConfigurationSetSendingOptionsCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';

/**
 * The narrow part of SES the emergency brake needs: read and pause sending, per configuration set
 * and for the account (in the client's region). It can only pause: resuming sending is a human
 * decision (`aws sesv2 put-configuration-set-sending-options --configuration-set-name X --sending-enabled`,
 * `aws sesv2 put-account-sending-attributes --sending-enabled`).
 */
export interface SendingControl {
  /** Whether the configuration set may send now. Throws (e.g. NotFoundException) when it does not exist. */
  isConfigurationSetSending(name: string): Promise<boolean>;
  /** Pauses the configuration set's sending; pausing a paused set is harmless. */
  pauseConfigurationSet(name: string): Promise<void>;
  /** Whether the account may send in this region. */
  isAccountSending(): Promise<boolean>;
  /** Pauses the whole account's sending in this region. */
  pauseAccount(): Promise<void>;
}

/**
 * SES v2 implementation. The client is built once by the caller; its own retry strategy (standard
 * mode, 3 attempts by default) handles throttling. Needs `ses:GetConfigurationSet` and
 * `ses:PutConfigurationSetSendingOptions` on the configuration sets, and `ses:GetAccount` and
 * `ses:PutAccountSendingAttributes` (resource `*`) for the account.
 */
export class SesSendingControl implements SendingControl {
  constructor(private readonly client: SESv2Client) {}

  async isConfigurationSetSending(name: string): Promise<boolean> {
    const output = await this.client.send(new GetConfigurationSetCommand({ ConfigurationSetName: name }));
    // SES leaves SendingOptions out for a set that was never paused: absent means enabled.
    return output.SendingOptions?.SendingEnabled !== false;
  }

  async pauseConfigurationSet(name: string): Promise<void> {
    await this.client.send(
      new PutConfigurationSetSendingOptionsCommand({ ConfigurationSetName: name, SendingEnabled: false }),
    );
  }

  async isAccountSending(): Promise<boolean> {
    const output = await this.client.send(new GetAccountCommand({}));
    // Absent: treat as sending, so the brake pauses (idempotent) rather than skips.
    return output.SendingEnabled !== false;
  }

  async pauseAccount(): Promise<void> {
    await this.client.send(new PutAccountSendingAttributesCommand({ SendingEnabled: false }));
  }
}
