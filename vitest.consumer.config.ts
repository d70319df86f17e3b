import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// `npm run test:consumer`: the packed tarball in a fresh project (test/package/); slow (npm pack + install), so not in `npm test`.
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/package/**/*.e2e.ts'], testTimeout: 300_000 },
});
