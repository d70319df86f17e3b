#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so `npx bounce` needs no build step.
import { register } from 'tsx/esm/api';

// The CLI runs on the operator's Node (20 here); the SDK's notice about future Node 22 releases is noise there.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
