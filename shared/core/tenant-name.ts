import * as z from 'zod';
import { quote } from './quote';

/** What SES accepts as a tenant name (CreateTenant's TenantName): up to 64 letters, digits, hyphens and underscores. */
export const TENANT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `name` is a tenant name SES could have created (see TENANT_NAME); the length first, before the pattern. */
export function isTenantName(name: string): boolean {
  return name.length <= 64 && TENANT_NAME.test(name);
}

/** An SES tenant name as callers give it (`--tenant`, `check(…, { tenant })`): what SES itself accepts. */
export const TenantNameSchema = z
  .string({ error: 'expected an SES tenant name (a string)' })
  .refine(isTenantName, { error: 'expected an SES tenant name: 1 to 64 letters, digits, "-" or "_"' });

export class InvalidTenantNameError extends Error {
  override readonly name = 'InvalidTenantNameError';
}

/** The tenant name, validated; the error names the bad value (shortened) and where it came from. */
export function parseTenantName(value: unknown, where: string): string {
  const parsed = TenantNameSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidTenantNameError(`${where}: ${parsed.error.issues[0]?.message}, got ${quote(value)}`);
  return parsed.data;
}
