import type { Output } from './output.js';
import type { ApprovalQuestion } from './views/approval-prompt.js';

/** Asks for approval: the ink prompt on a rich terminal, Terraform's plain prompt everywhere else. */
export async function approve(question: ApprovalQuestion, out: Pick<Output, 'tty' | 'color'>): Promise<boolean> {
  if (out.tty) return (await import('./views/approval-prompt.js')).askApproval(question, { color: out.color });
  return confirmApply(`\n${question.title}\n  ${question.detail}`);
}

/** Terraform's approval prompt: only the exact word `yes` approves. */
export async function confirmApply(question: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<boolean> {
  // Loaded here: every plan reaches this module, few of them ask.
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input, output, terminal: false });
  // Input that ends before a line (CI with no stdin, `</dev/null`) is no: the question alone would never settle.
  const ended = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
  try {
    output.write(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
    const answer = await Promise.race([rl.question(''), ended]);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}
