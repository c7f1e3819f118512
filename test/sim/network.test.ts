import { describe, expect, it } from 'vitest';
import { MessageType } from '../../raft/types.js';
import type { Message } from '../../raft/types.js';
import { SimNetwork } from './network.js';
import { Random } from './random.js';

function message(from: string, to: string, index: number): Message {
  return { type: MessageType.App, from, to, term: 1, logTerm: 1, index, entries: [], commit: 0, reject: false, rejectHint: 0 };
}

/** Runs the clock until nothing is in flight; returns what arrived, in order, as "from>to#index". */
function drain(net: SimNetwork, until: number): string[] {
  const seen: string[] = [];
  for (let t = 0; t <= until; t++) {
    for (const d of net.takeDue(t)) if (d.outcome === 'delivered') seen.push(`${d.message.from}>${d.message.to}#${d.message.index}`);
  }
  return seen;
}

describe('the simulated network', () => {
  it('delivers after the configured delay, in sending order when delays are fixed', () => {
    const net = new SimNetwork(new Random(1));
    net.faults = { dropRate: 0, duplicateRate: 0, minDelay: 3, maxDelay: 3 };
    for (let i = 1; i <= 3; i++) net.send(message('a', 'b', i), 0);
    expect(net.takeDue(2)).toEqual([]);
    expect(net.takeDue(3).map((d) => d.message.index)).toEqual([1, 2, 3]);
  });

  it('reorders messages when delays vary', () => {
    const net = new SimNetwork(new Random(7));
    net.faults = { dropRate: 0, duplicateRate: 0, minDelay: 1, maxDelay: 20 };
    for (let i = 1; i <= 20; i++) net.send(message('a', 'b', i), 0);
    const order = drain(net, 25);
    expect(order).toHaveLength(20);
    expect(order).not.toEqual([...order].sort((x, y) => Number(x.split('#')[1]) - Number(y.split('#')[1])));
  });

  it('duplicates and drops at the configured rates', () => {
    const net = new SimNetwork(new Random(3));
    net.faults = { dropRate: 0.5, duplicateRate: 0.5, minDelay: 1, maxDelay: 1 };
    for (let i = 0; i < 1000; i++) net.send(message('a', 'b', i), 0);
    const arrived = drain(net, 1).length;
    // 1500 copies expected, half of them lost.
    expect(arrived).toBeGreaterThan(650);
    expect(arrived).toBeLessThan(850);
  });

  it('a one-way cut loses messages in one direction only, including those already in flight', () => {
    const net = new SimNetwork(new Random(1));
    net.send(message('a', 'b', 1), 0);
    net.send(message('b', 'a', 2), 0);
    net.cut('a', 'b');
    expect(net.takeDue(1).map((d) => `${d.message.index} ${d.outcome}`)).toEqual(['1 cut', '2 delivered']);
  });

  it('a symmetric partition cuts every link across groups and none within, until healed', () => {
    const net = new SimNetwork(new Random(1));
    net.partition([['a', 'b'], ['c']]);
    expect(net.cutLinks()).toEqual(['a>c', 'b>c', 'c>a', 'c>b']);
    net.heal();
    expect(net.isPartitioned()).toBe(false);
  });

  it('hands each receiver its own copy of a message', () => {
    const net = new SimNetwork(new Random(1));
    const sent = message('a', 'b', 1);
    sent.entries.push({ index: 1, term: 1, type: 0, data: new Uint8Array([1]) });
    net.send(sent, 0);
    const [got] = net.takeDue(1);
    expect(got!.message).toEqual(sent);
    expect(got!.message.entries[0]).not.toBe(sent.entries[0]);
  });
});
