/**
 * Child process of `startLoadEngine`: dynalite in memory and, with `--proxy RATE SEED SLOW_MS STALL_MS`,
 * the fault proxy in front of it — both off the test process's core. Prints one line
 * `READY {"engine":URL,"proxy":URL?}`; exits when its stdin closes (the parent went away).
 */
import { startEmbeddedEngine } from '../../cli/embedded';
import { startFaultProxy } from './proxy';

const { endpoint: engine } = await startEmbeddedEngine(undefined);
const args = process.argv.slice(2);
let proxy: string | undefined;
if (args[0] === '--proxy') {
  const [rate, seed, slowMs, stallMs] = args.slice(1).map(Number);
  const started = await startFaultProxy({
    target: engine,
    rate: rate ?? 0.2,
    seed: seed ?? 1,
    ...(slowMs !== undefined ? { slowMs } : {}),
    ...(stallMs !== undefined ? { stallMs } : {}),
  });
  proxy = started.endpoint;
}
console.log(`READY ${JSON.stringify({ engine, ...(proxy ? { proxy } : {}) })}`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
