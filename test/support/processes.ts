import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach } from 'vitest';

const running: ChildProcess[] = [];

/** Kills what the test started and is still running (a test that cleans up its files calls it first). */
export function stopScripts(): void {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}

// A process a test started never outlives it, whatever the test's outcome.
afterEach(stopScripts);

/**
 * Runs a TypeScript entry point as its own Node process (through tsx), as an operator or a second
 * server would, collecting what it prints. `printed` waits for a line matching the pattern; `exited`
 * resolves with the exit code.
 */
export function runScript(
  script: string,
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: boolean } = {},
) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = async (pattern: RegExp, timeoutMs = 60_000) => {
    const start = Date.now();
    while (!pattern.test(output)) {
      if (Date.now() - start > timeoutMs)
        throw new Error(`timed out waiting for ${pattern}; output:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, exited, printed, output: () => output };
}
