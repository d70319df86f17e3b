#!/usr/bin/env node
// The `bounce` executable (package.json `bin` → dist/cli/bounce.js, compiled by tsup; `npm run dev` runs this file through tsx).
// The CLI runs on the operator's Node (20 here); the SDK's notice about future Node 22 releases is noise there.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `bounce classify big.jsonl | head`: the reader has gone, so there is no one left to write to. Stop
// quietly (exit 0), as `cat` and `grep` do, instead of crashing with an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { main } = await import('./main');
await main(process.argv);

export {};
