// Readable one-line forms of operations, for failure reports.
import type { EtcdInput, EtcdOutput, Operation } from './history.js';

export function describeInput(input: EtcdInput): string {
  switch (input.f) {
    case 'get':
      return 'get';
    case 'set':
      return `set ${JSON.stringify(input.value)}`;
    case 'cas-value':
      return `cas prevValue=${JSON.stringify(input.prevValue)} -> ${JSON.stringify(input.value)}`;
    case 'cas-index':
      return `cas prevIndex=${input.prevIndex} -> ${JSON.stringify(input.value)}`;
    case 'create':
      return `create ${JSON.stringify(input.value)}`;
    case 'delete':
      return 'delete';
  }
}

export function describeOutput(output: EtcdOutput | undefined): string {
  if (output === undefined) return '? (indeterminate)';
  if (!output.ok) return { 100: 'fail 100 key not found', 101: 'fail 101 compare failed', 105: 'fail 105 node exists' }[output.code];
  if ('missing' in output) return 'absent';
  return output.value !== undefined ? `${JSON.stringify(output.value)}@${output.index}` : `ok @${output.index}`;
}

function ms(ns: number, origin: number): string {
  return Number.isFinite(ns) ? ((ns - origin) / 1e6).toFixed(3).padStart(10) : '         ∞';
}

/** One line per operation, in invocation order, times in ms from `origin`. */
export function formatOps(ops: readonly Operation[], origin: number, mark?: Operation, pendingAfter = Infinity): string {
  return [...ops]
    .sort((a, b) => a.call - b.call || a.id - b.id)
    .map((op) => {
      const pending = op.output !== undefined && op.ret > pendingAfter;
      const result = pending ? '(not yet returned)' : describeOutput(op.output);
      const note = op.note ? `  (${op.note})` : '';
      const arrow = op === mark ? '  <== history stops being linearizable when this returns' : '';
      return `  ${ms(op.call, origin)} .. ${pending ? '         …' : ms(op.ret, origin)} ms  client ${String(op.client).padStart(2)}  #${op.id}  ${describeInput(op.input).padEnd(34)} => ${result}${note}${arrow}`;
    })
    .join('\n');
}
