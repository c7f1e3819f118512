// A small authoritative DNS server over UDP on loopback, for the SRV discovery tests: it answers
// SRV, A and AAAA questions from a table the test gives, NXDOMAIN for names it does not have.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';

export interface DnsRecords {
  srv?: Record<string, { target: string; port: number; priority?: number; weight?: number }[]>;
  a?: Record<string, string[]>;
}

const TYPE_A = 1;
const TYPE_SRV = 33;

export class DnsServer {
  private constructor(private readonly socket: Socket, readonly address: string, readonly records: DnsRecords) {}

  /** Listens on `host` (port 0: any free port) and answers from `records` (which a test may change). */
  static async start(records: DnsRecords, host = '127.0.0.1', port = 0): Promise<DnsServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => socket.once('error', reject).bind(port, host, () => resolve()));
    const server = new DnsServer(socket, `${host}:${socket.address().port}`, records);
    socket.on('message', (msg, from) => {
      const reply = server.answer(msg);
      if (reply) socket.send(reply, from.port, from.address);
    });
    return server;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(query: Buffer): Buffer | undefined {
    if (query.length < 12) return undefined;
    let offset = 12;
    const labels: string[] = [];
    while (query[offset]! > 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]!).toString('ascii'));
      offset += query[offset]! + 1;
    }
    const questionEnd = offset + 5;
    const type = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    const answers = this.recordsFor(name, type);
    const known = this.records.srv?.[name] !== undefined || this.records.a?.[name] !== undefined;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8400 | (known ? 0 : 3), 2); // response, authoritative; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
  }

  private recordsFor(name: string, type: number): Buffer[] {
    const owner = Buffer.from([0xc0, 12]); // a pointer to the question's name
    if (type === TYPE_SRV) {
      return (this.records.srv?.[name] ?? []).map((r) => {
        const target = encodeName(r.target);
        const data = Buffer.alloc(6);
        data.writeUInt16BE(r.priority ?? 0, 0);
        data.writeUInt16BE(r.weight ?? 0, 2);
        data.writeUInt16BE(r.port, 4);
        return record(owner, TYPE_SRV, Buffer.concat([data, target]));
      });
    }
    if (type === TYPE_A) return (this.records.a?.[name] ?? []).map((ip) => record(owner, TYPE_A, Buffer.from(ip.split('.').map(Number))));
    return []; // AAAA and others: the name exists, with no such record
  }
}

function record(owner: Buffer, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt32BE(60, 4); // TTL
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([owner, fixed, data]);
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}
