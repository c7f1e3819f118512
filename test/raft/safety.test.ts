// Random schedules of ticks, lossy/duplicating/reordering delivery, partitions, proposals and
// crash-restarts, checking Raft's safety properties after every step and liveness at the end.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ProposalDroppedError, StateType } from '../../raft/types.js';
import { Network, bytes, seededRandom, text } from './support/network.js';

const IDS = ['a', 'b', 'c', 'd', 'e'];

type Action =
  | { kind: 'tick'; node: number }
  | { kind: 'deliver'; lossy: boolean }
  | { kind: 'propose'; node: number }
  | { kind: 'isolate'; node: number }
  | { kind: 'heal' }
  | { kind: 'restart'; node: number };

const node = fc.integer({ min: 0, max: IDS.length - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: node.map((n) => ({ kind: 'tick' as const, node: n })) },
  { weight: 6, arbitrary: fc.boolean().map((lossy) => ({ kind: 'deliver' as const, lossy })) },
  { weight: 3, arbitrary: node.map((n) => ({ kind: 'propose' as const, node: n })) },
  { weight: 1, arbitrary: node.map((n) => ({ kind: 'isolate' as const, node: n })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'heal' as const }) },
  { weight: 1, arbitrary: node.map((n) => ({ kind: 'restart' as const, node: n })) },
);

class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, string>();
  private readonly appliedAt = new Map<number, string>();

  check(n: Network): void {
    for (const [id, peer] of n.peers) {
      const st = peer.node.status();
      if (st.softState.state === StateType.Leader) {
        const known = this.leaderOfTerm.get(st.hardState.term);
        if (known !== undefined && known !== id) throw new Error(`two leaders in term ${st.hardState.term}: ${known} and ${id}`);
        this.leaderOfTerm.set(st.hardState.term, id);
      }
      for (const e of peer.applied) {
        const seen = this.appliedAt.get(e.index);
        const mine = `${e.term}:${text(e.data)}`;
        if (seen !== undefined && seen !== mine) throw new Error(`index ${e.index} applied as ${seen} and as ${mine} (on ${id})`);
        this.appliedAt.set(e.index, mine);
      }
    }
  }
}

function run(n: Network, actions: Action[], random: () => number, checker: SafetyChecker): void {
  let proposals = 0;
  for (const a of actions) {
    switch (a.kind) {
      case 'tick':
        n.tick(IDS[a.node]!);
        break;
      case 'deliver': {
        // Reorder, and when lossy also drop, duplicate and hold back some messages.
        const batch = n.queue.sort(() => random() - 0.5);
        n.queue = [];
        const held = [];
        for (const m of batch) {
          const r = random();
          if (a.lossy && r < 0.15) continue;
          if (a.lossy && r < 0.25) held.push(m);
          else n.queue.push(m);
          if (a.lossy && r > 0.9) n.queue.push(m);
        }
        n.deliver();
        n.queue.push(...held);
        break;
      }
      case 'propose':
        try {
          n.node(IDS[a.node]!).propose(bytes(`v${proposals++}`));
        } catch (err) {
          if (!(err instanceof ProposalDroppedError)) throw err;
        }
        break;
      case 'isolate':
        n.isolate(IDS[a.node]!);
        break;
      case 'heal':
        n.heal();
        break;
      case 'restart':
        n.restart(IDS[a.node]!);
        break;
    }
    n.processAllReadies();
    checker.check(n);
  }
}

test('random faults never break election safety or state machine safety, and a healed cluster converges', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(action, { minLength: 50, maxLength: 400 }), (seed, actions) => {
      const n = new Network(IDS, { preVote: true, checkQuorum: true, electionTick: 10, seed, maxInflightMsgs: 4 });
      const checker = new SafetyChecker();
      run(n, actions, seededRandom(seed), checker);

      n.heal();
      for (let i = 0; i < 300 && n.leaders().length !== 1; i++) {
        n.tickAll();
        n.stabilize();
        checker.check(n);
      }
      expect(n.leaders()).toHaveLength(1);
      const leader = n.leaders()[0]!;
      n.node(leader).propose(bytes('final'));
      for (let i = 0; i < 5; i++) {
        n.tickAll();
        n.stabilize();
      }
      checker.check(n);
      const expected = n.appliedData(leader);
      expect(expected.at(-1)).toBe('final');
      for (const id of IDS) expect(n.appliedData(id)).toEqual(expected);
    }),
    { numRuns: 60, seed: 20240601 },
  );
});
