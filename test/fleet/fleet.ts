/** Worker processes of one build for fleet tests: started, killed with SIGKILL and restarted by slot. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER_SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
/** How much of a worker's stderr is kept for a failure report. */
const STDERR_TAIL_CHARS = 2_000;

/** One running (or exited) worker process. */
interface WorkerProcess {
  child: ChildProcess;
  /** Settles when the process has exited. */
  exited: Promise<void>;
  /** The end of what it wrote on stderr. */
  stderr(): string;
}

export interface Fleet {
  /** How many worker processes were started so far, restarts included. */
  readonly starts: number;
  /**
   * SIGKILLs the worker in `slot`, waits until it is gone, and starts a new one there. Resolves to a promise
   * that settles once the new worker polls (or rejects when it exits first).
   */
  killAndRestart(slot: number): Promise<{ ready: Promise<void> }>;
  /** The process ids of the workers now in each slot (for memory readings). */
  pids(): number[];
  /** The ends of the stderr of every process started, for a failure report. */
  stderrTails(): string[];
  /** SIGKILLs every worker process and waits until each has exited. */
  close(): Promise<void>;
}

/** Drops inherited Temporal and test-runner settings, so a worker sees only what the fleet sets. */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_') && !k.startsWith('VITEST')),
  );
}

function startProcess(env: NodeJS.ProcessEnv): { process: WorkerProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    env: { ...baseEnv(), ...env },
    // An IPC channel lets the worker notice that the test process is gone and exit (no orphans).
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      stderr += `\n${err.message}`; // the process could not be started (or signalled)
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) resolve();
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('ready\n')) resolve();
    });
    void exited.then(() =>
      reject(new Error(`A worker process exited before it was ready:\n${stderr.slice(-1_000)}`)),
    );
  });
  ready.catch(() => undefined); // a worker killed while starting is not an error of its own
  return { process: { child, exited, stderr: () => stderr }, ready };
}

/**
 * Starts `size` worker processes (`test/fleet/worker-process.ts`) with the same environment, and resolves
 * once every one of them polls.
 */
export async function startFleet(options: { size: number; env: NodeJS.ProcessEnv }): Promise<Fleet> {
  const slots: WorkerProcess[] = [];
  const all: WorkerProcess[] = [];
  const launch = (slot: number) => {
    const started = startProcess(options.env);
    slots[slot] = started.process;
    all.push(started.process);
    return started.ready;
  };
  const close = async () => {
    for (const p of all) p.child.kill('SIGKILL');
    await Promise.all(all.map((p) => p.exited));
  };
  try {
    await Promise.all(Array.from({ length: options.size }, (_, slot) => launch(slot)));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    get starts() {
      return all.length;
    },
    async killAndRestart(slot) {
      const victim = slots[slot]!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      return { ready: launch(slot) };
    },
    pids: () => slots.map((p) => p.child.pid!),
    stderrTails: () => all.map((p) => p.stderr()).filter(Boolean),
    close,
  };
}
