// Runs a few named child processes side by side, like foreman runs etcd's Procfile: every output
// line is prefixed with the child's name (colored on a terminal), a child that dies on its own is
// reported while the others keep running, and stop() ends them all with SIGTERM.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface SupervisedProcess {
  name: string;
  /** Starts the process with piped stdout and stderr. */
  spawn(): ChildProcess;
}

/** How long stop() waits after SIGTERM before it sends SIGKILL. */
const DEFAULT_GRACE_MS = 10_000;
const COLORS = [36, 33, 32, 35, 34, 31];

export class Supervisor {
  private readonly running = new Map<string, ChildProcess>();
  private readonly closed = new Map<string, Promise<void>>();
  private readonly width: number;
  private stopping = false;

  /** `onAllExited` is called when every process has ended without stop() being asked. */
  constructor(
    private readonly processes: readonly SupervisedProcess[],
    private readonly out: Writable,
    private readonly options: { color: boolean; onAllExited: () => void },
  ) {
    this.width = Math.max(...processes.map((p) => p.name.length));
  }

  start(): void {
    this.processes.forEach((p, i) => {
      const child = p.spawn();
      const prefix = this.prefix(p.name, i);
      this.running.set(p.name, child);
      this.closed.set(p.name, new Promise((resolve) => child.once('close', () => resolve())));
      for (const stream of [child.stdout, child.stderr]) if (stream) this.copyLines(stream, prefix);
      child.once('error', (err) => this.out.write(`${prefix}could not start: ${err.message}\n`));
      child.once('close', (code, signal) => this.onClose(p.name, prefix, code, signal));
    });
  }

  /** SIGTERM to every running process; SIGKILL to those still running after `graceMs`. */
  async stop(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    this.stopping = true;
    for (const child of this.running.values()) child.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const child of this.running.values()) child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(this.closed.values());
    clearTimeout(killer);
  }

  private onClose(name: string, prefix: string, code: number | null, signal: NodeJS.Signals | null): void {
    this.running.delete(name);
    if (this.stopping) return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const others = this.running.size > 0 ? '; the other members keep running' : '; no member is left running';
    this.out.write(`${prefix}${how} unexpectedly${others}\n`);
    if (this.running.size === 0) this.options.onAllExited();
  }

  private copyLines(stream: Readable, prefix: string): void {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.out.write(`${prefix}${line}\n`));
  }

  private prefix(name: string, index: number): string {
    const label = `${name.padEnd(this.width)} | `;
    return this.options.color ? `\x1b[${COLORS[index % COLORS.length]}m${label}\x1b[0m` : label;
  }
}
