import { createInterface } from 'node:readline/promises';

/** Terraform's approval prompt: only the exact word `yes` approves. */
export async function confirmApply(question: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: false });
  try {
    output.write(`${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
    const answer = await rl.question('');
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}
