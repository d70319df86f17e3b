import * as z from 'zod';
import { isTenantName } from './notification';
import { quote } from './quote';

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
