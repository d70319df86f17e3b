// One Lambda execution environment for the twin: imports the function's deployed asset (as the
// Node.js runtime does: LAMBDA_TASK_ROOT + Handler) under the environment it was started with, then
// runs invocations sent over IPC. What the function prints on stdout (logs, EMF) is returned with
// each invocation, so the parent can attribute EMF documents to the invocation's time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [taskRoot, handlerSpec, timeoutSeconds] = process.argv.slice(2);
let captured = [];
process.stdout.write = (chunk, encoding, callback) => {
  captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  if (typeof encoding === 'function') encoding();
  else if (typeof callback === 'function') callback();
  return true;
};
const take = () => {
  const lines = captured
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '');
  captured = [];
  return lines;
};
const errorOf = (error) => ({
  name: error instanceof Error ? error.name : typeof error,
  message: error instanceof Error ? error.message : String(error),
  stack: error instanceof Error ? error.stack : undefined,
});

const dot = handlerSpec.lastIndexOf('.');
const moduleName = handlerSpec.slice(0, dot);
const exportName = handlerSpec.slice(dot + 1);
let handler;
let initError;
try {
  const file = ['.mjs', '.js', '.cjs']
    .map((ext) => path.join(taskRoot, moduleName + ext))
    .find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`no ${moduleName}.mjs/.js/.cjs in ${taskRoot}`);
  const module = await import(pathToFileURL(file).href);
  handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== 'function')
    throw new Error(`${file} exports no function ${JSON.stringify(exportName)}`);
} catch (error) {
  initError = errorOf(error);
}
process.send({ type: 'ready', lines: take(), ...(initError ? { error: initError } : {}) });

process.on('message', async ({ id, event }) => {
  if (initError) {
    process.send({ id, error: initError, lines: take() });
    return;
  }
  const started = Date.now();
  const context = {
    awsRequestId: id,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.TWIN_FUNCTION_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: 'twin',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Number(timeoutSeconds) * 1000 - (Date.now() - started),
  };
  try {
    const result = await handler(event, context);
    process.send({ id, result: result ?? null, lines: take() });
  } catch (error) {
    process.send({ id, error: errorOf(error), lines: take() });
  }
});
