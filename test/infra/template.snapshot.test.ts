import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthesize } from './helpers';

/**
 * Asset hashes (S3 keys of the function bundles) change with every handler edit and every
 * aws-cdk-lib upgrade; they are replaced by a placeholder so the snapshot shows infrastructure changes only.
 */
const ASSET_HASH = /\b[0-9a-f]{64}\b/g;
const scrub = (template: unknown): unknown =>
  JSON.parse(JSON.stringify(template).replace(ASSET_HASH, '<asset-hash>'));

describe('whole template snapshot', () => {
  let synth: SynthesizedStack;
  beforeAll(() => {
    // Everything switched on, as `infra/app.ts` builds it (nag checks and their metadata included).
    synth = synthesize(
      {
        sesIdentities: 'example.com',
        sesConfigurationSets: 'main',
        sesEventTypes: 'BOUNCE,COMPLAINT,DELIVERY',
      },
      { nag: true },
    );
  });
  afterAll(() => synth.cleanup());

  it('matches the reviewed template (update with `npx vitest run test/infra -u` after reviewing the diff)', () => {
    const template = scrub(synth.template.toJSON());
    expect(JSON.stringify(template)).not.toMatch(ASSET_HASH);
    expect(template).toMatchSnapshot();
  });
});
