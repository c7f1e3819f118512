// What each simulated member applies committed entries to: a tiny key-value map plus a digest
// chained over every applied entry, so two members at one applied index agree on the digest
// exactly when they applied the same history. Snapshots carry both.
import { EntryType } from '../../raft/types.js';
import type { Entry } from '../../raft/types.js';

const text = new TextDecoder();
const bytes = new TextEncoder();

export class KvStateMachine {
  private constructor(
    private readonly values: Map<string, string>,
    private chain: number,
  ) {}

  static empty(): KvStateMachine {
    return new KvStateMachine(new Map(), 0x811c9dc5);
  }

  static restore(data: Uint8Array): KvStateMachine {
    const state = JSON.parse(text.decode(data)) as { digest: number; values: [string, string][] };
    return new KvStateMachine(new Map(state.values), state.digest);
  }

  get digest(): number {
    return this.chain;
  }

  /** Applies one committed entry; normal entries carry "key=value". */
  apply(entry: Entry): void {
    let h = this.chain;
    h = mix(h, entry.index);
    h = mix(h, entry.term);
    h = mix(h, entry.type);
    for (const b of entry.data) h = mix(h, b);
    this.chain = h;
    if (entry.type !== EntryType.Normal || entry.data.length === 0) return;
    const command = text.decode(entry.data);
    const eq = command.indexOf('=');
    this.values.set(command.slice(0, eq), command.slice(eq + 1));
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  serialize(): Uint8Array {
    return bytes.encode(JSON.stringify({ digest: this.chain, values: [...this.values] }));
  }
}

export function kvCommand(key: string, value: string): Uint8Array {
  return bytes.encode(`${key}=${value}`);
}

function mix(h: number, value: number): number {
  return Math.imul(h ^ value, 0x01000193) >>> 0;
}
