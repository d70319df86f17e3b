import {
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetReputationEntityCommand,
  GetTenantCommand,
  PutAccountSendingAttributesCommand,
  PutConfigurationSetSendingOptionsCommand,
  type SESv2Client,
  UpdateReputationEntityCustomerManagedStatusCommand,
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
  /** Whether the tenant's customer-managed status lets it send (not DISABLED). Throws when it does not exist. */
  isTenantSending(name: string): Promise<boolean>;
  /** Sets the tenant's customer-managed sending status to DISABLED; disabling it twice is harmless. */
  disableTenant(name: string): Promise<void>;
}

/**
 * SES v2 implementation. The client is built once by the caller; its own retry strategy (standard
 * mode, 3 attempts by default) handles throttling. Needs `ses:GetConfigurationSet` and
 * `ses:PutConfigurationSetSendingOptions` on the configuration sets, `ses:GetAccount` and
 * `ses:PutAccountSendingAttributes` (resource `*`) for the account, and `ses:GetTenant`,
 * `ses:GetReputationEntity` and `ses:UpdateReputationEntityCustomerManagedStatus` on each tenant
 * (`arn:…:ses:REGION:ACCOUNT:tenant/NAME/*`).
 */
export class SesSendingControl implements SendingControl {
  /** Tenant ARNs by name (`arn:…:tenant/NAME/ID`): the reputation entity reference SES wants. */
  private readonly tenantArns = new Map<string, Promise<string>>();

  constructor(private readonly client: SESv2Client) {}

  /** The tenant's ARN from GetTenant (its id is SES's, so the ARN cannot be built from the name). */
  private tenantArn(name: string): Promise<string> {
    let arn = this.tenantArns.get(name);
    if (!arn) {
      arn = (async () => {
        const output = await this.client.send(new GetTenantCommand({ TenantName: name }));
        const found = output.Tenant?.TenantArn;
        if (!found) throw new Error(`SES GetTenant returned no TenantArn for tenant ${JSON.stringify(name)}`);
        return found;
      })();
      // A failed look-up is not kept: the next call asks again.
      arn.catch(() => this.tenantArns.delete(name));
      this.tenantArns.set(name, arn);
    }
    return arn;
  }

  async isTenantSending(name: string): Promise<boolean> {
    const output = await this.client.send(
      new GetReputationEntityCommand({
        ReputationEntityType: 'RESOURCE',
        ReputationEntityReference: await this.tenantArn(name),
      }),
    );
    // Only the customer-managed status is ours to set; SES's own status is SES's business.
    return output.ReputationEntity?.CustomerManagedStatus?.Status !== 'DISABLED';
  }

  async disableTenant(name: string): Promise<void> {
    await this.client.send(
      new UpdateReputationEntityCustomerManagedStatusCommand({
        ReputationEntityType: 'RESOURCE',
        ReputationEntityReference: await this.tenantArn(name),
        SendingStatus: 'DISABLED',
      }),
    );
  }

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
