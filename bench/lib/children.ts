import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** Where bench/tsconfig.bench.json compiles src/ and bench/children/ to. */
export const BUILD_DIR = join(ROOT, 'node_modules', '.cache', 'iot-jobs-agent-bench');

/**
 * Compiles src/ and bench/children/ to plain JavaScript, so no TypeScript loader runs inside a
 * measured process (tsx would add its own import time and hooks). Type errors elsewhere in the
 * tree do not stop the emit; a missing output does.
 */
export function buildChildren(): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'bench', 'tsconfig.bench.json')], {
      stdio: 'pipe',
    });
  } catch {
    // tsc exits non-zero on type errors but still emits; checked below.
  }
  mkdirSync(BUILD_DIR, { recursive: true });
  // Inside node_modules the package scope stops at the cache folder: declare it ESM.
  writeFileSync(join(BUILD_DIR, 'package.json'), '{ "type": "module" }\n');
  for (const file of ['bench/children/subject.js', 'bench/children/publisher.js', 'src/index.js']) {
    if (!existsSync(join(BUILD_DIR, file))) throw new Error(`bench build did not emit ${file}`);
  }
}

/**
 * Pins a process, every thread included, to one CPU with taskset (util-linux); false when that is
 * not possible here. Threads it starts later inherit the CPU. Children forked afterwards by a
 * pinned process inherit it too, which is how the bench keeps the broker and the publisher off
 * the receiver's CPU.
 */
export function pinToCpu(pid: number, cpu: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A forked child speaking `{ type }` messages over IPC. */
export class Child<Out extends { readonly type: string }> {
  readonly process: ChildProcess;
  readonly #queue: Out[] = [];
  readonly #waiters: { type: string; resolve: (message: Out) => void }[] = [];
  readonly #listeners: ((message: Out) => void)[] = [];
  #exit: Promise<unknown>;
  stderr = '';

  /** `cpu`: pin the child to that CPU (see pinToCpu); left where the scheduler puts it when undefined. */
  constructor(script: string, args: readonly string[], execArgv: readonly string[] = [], cpu?: number) {
    this.process = fork(join(BUILD_DIR, script), args, {
      // BENCH_CPU_PROF=<dir>: each child writes a V8 CPU profile there, to see where its time goes.
      execArgv: [
        ...execArgv,
        ...(process.env['BENCH_CPU_PROF']
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`]
          : []),
      ],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    if (cpu !== undefined && this.process.pid !== undefined) pinToCpu(this.process.pid, cpu);
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4_000);
    });
    this.#exit = once(this.process, 'exit');
    this.process.on('message', (raw) => {
      const message = raw as Out;
      for (const listener of this.#listeners) listener(message);
      const index = this.#waiters.findIndex((waiter) => waiter.type === message.type);
      const waiter = index >= 0 ? this.#waiters.splice(index, 1)[0] : undefined;
      if (waiter) waiter.resolve(message);
      else this.#queue.push(message);
    });
  }

  send(message: unknown): void {
    this.process.send(message as never);
  }

  onMessage(listener: (message: Out) => void): void {
    this.#listeners.push(listener);
  }

  /** The next message of `type` (queued ones first); rejects after `timeoutMs` or if the child exits. */
  next<T extends Out['type']>(type: T, timeoutMs: number): Promise<Extract<Out, { type: T }>> {
    const index = this.#queue.findIndex((message) => message.type === type);
    if (index >= 0) return Promise.resolve(this.#queue.splice(index, 1)[0] as Extract<Out, { type: T }>);
    return new Promise((resolve, reject) => {
      const waiter = {
        type,
        resolve: (message: Out) => {
          clearTimeout(timer);
          resolve(message as Extract<Out, { type: T }>);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no "${type}" within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
      void this.#exit.then(() => {
        if (this.#waiters.includes(waiter)) {
          clearTimeout(timer);
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(new Error(`child exited before "${type}"; stderr: ${this.stderr}`));
        }
      });
    });
  }

  /** Asks politely (`{ type: 'exit' }`), then SIGKILL after a second. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    if (this.process.connected) this.send({ type: 'exit' });
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 1_000);
    await this.#exit;
    clearTimeout(timer);
  }
}
