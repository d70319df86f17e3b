import { InvalidTenantNameError, parseTenantName } from '../shared/core/tenant-name';
import { UsageError } from './options';

/** `--tenant NAME`, validated (zod): undefined without it; a name SES would refuse is a usage error naming it. */
export function resolveTenantOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTenantName(value, '--tenant');
  } catch (error) {
    if (error instanceof InvalidTenantNameError) throw new UsageError(error.message);
    throw error;
  }
}
