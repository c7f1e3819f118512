// Free loopback ports for the members the harness (and the tests) start.
//
// A port is handed out some time before the process that listens on it binds it, so it must not
// be one the kernel may give away meanwhile. Asking for port 0 returns an ephemeral port, which
// any outbound connection on the machine can take in that gap (CI saw a member die with
// EADDRINUSE that way). So ports come from below the ephemeral range, and each vitest worker
// draws from its own slice of it, so two test files running side by side never pick the same one.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const WINDOW_START = 20_000;
const SLICES = 8;

/** The ports outbound connections use (Linux's net.ipv4.ip_local_port_range). */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return [low, high];
  } catch {
    // Not Linux: assume the IANA range.
  }
  return [49_152, 65_535];
}

/** The ports this process may hand out: its worker's slice of the window outside the ephemeral range. */
export function portSlice(range: [number, number], worker: number): { first: number; size: number } {
  const [low, high] = range;
  const window = low - WINDOW_START >= 4_000 ? { first: WINDOW_START, end: low } : { first: high + 1, end: 65_536 };
  const size = Math.floor((window.end - window.first) / SLICES);
  return { first: window.first + (worker % SLICES) * size, size };
}

// VITEST_POOL_ID numbers the workers running at once from 1; the bench runs alone and uses slice 0.
const slice = portSlice(ephemeralRange(), Number(process.env.VITEST_POOL_ID ?? 0));
// Successive test files in one worker start at different places, so a port the last file's
// member released a moment ago is not the first one tried.
let next = process.pid % slice.size;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let tried = 0; tried < slice.size; tried++) {
    const port = slice.first + (next++ % slice.size);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${slice.first}-${slice.first + slice.size - 1}`);
}

/** `n` distinct free ports, none of them in `taken` (ports handed out earlier, maybe not bound yet). */
export async function freePorts(n: number, taken: ReadonlySet<number> = new Set()): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) {
    const port = await freePort();
    if (!taken.has(port)) ports.add(port);
  }
  return [...ports];
}
