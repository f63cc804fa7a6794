import { fileURLToPath } from 'node:url';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { goldensIn } from '../../test/support/goldens.js';
import { ApprovalInput, ApprovalPrompt } from './approval-prompt.js';

const expectGolden = goldensIn(fileURLToPath(new URL('../../test/goldens/terminal/', import.meta.url)));
const QUESTION = { title: 'Do you want to perform these actions?', detail: 'Omnitron will perform the actions described above.' };

// ink renders take seconds on a loaded machine; nothing here asserts on time
const INK_TIMEOUT_MS = 60_000;

afterEach(cleanup);

/** Types into the prompt and waits until the frame shows what was typed. */
async function answer(keys: string[]) {
  const onAnswer = vi.fn();
  const app = render(<ApprovalInput {...QUESTION} color={false} onAnswer={onAnswer} />);
  // ink starts listening for keys in an effect, after the first frame
  await vi.waitFor(() => expect(app.stdin.listenerCount('readable')).toBeGreaterThan(0), { timeout: 10_000 });
  for (const key of keys) {
    const before = app.frames.length;
    app.stdin.write(key);
    // every key here changes what is drawn: the next frame means it was taken in
    await vi.waitFor(() => expect(app.frames.length).toBeGreaterThan(before), { timeout: 10_000 });
  }
  await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledTimes(1), { timeout: 10_000 });
  // on exit ink draws an empty frame: the answered frame is the last one with text
  return { approved: onAnswer.mock.calls[0][0] as boolean, frame: app.frames.filter((f) => f.trim() !== '').at(-1) ?? '' };
}

describe('ApprovalPrompt', { timeout: INK_TIMEOUT_MS }, () => {
  it('asks with Terraform\'s words and shows a cursor where the answer goes', () => {
    expectGolden('approval-asking.txt', `${render(<ApprovalPrompt {...QUESTION} value="ye" answered={false} color={false} />).lastFrame()}\n`);
  });

  it('keeps the answer and drops the cursor once answered', () => {
    expectGolden('approval-answered.txt', `${render(<ApprovalPrompt {...QUESTION} value="yes" answered color={false} />).lastFrame()}\n`);
  });

  it('marks the cursor in inverse video when colour is on', () => {
    expect(render(<ApprovalPrompt {...QUESTION} value="" answered={false} color />).lastFrame()).toContain('\x1b[7m \x1b[27m');
  });
});

describe('ApprovalInput', { timeout: INK_TIMEOUT_MS }, () => {
  it('approves on exactly yes, then Enter', async () => {
    const { approved, frame } = await answer(['y', 'e', 's', '\r']);
    expect(approved).toBe(true);
    expect(frame).toContain('  Enter a value: yes');
  });

  it('takes a pasted answer and a corrected typo', async () => {
    expect((await answer(['yex', '\x7f', 's', '\r'])).approved).toBe(true);
  });

  it('takes keys that arrive together with Enter, as tmux sends them', async () => {
    const { approved, frame } = await answer(['yes\r']);
    expect(approved).toBe(true);
    expect(frame).toContain('  Enter a value: yes');
    expect((await answer(['no\r'])).approved).toBe(false);
  });

  it('refuses anything else', async () => {
    expect((await answer(['y', '\r'])).approved).toBe(false);
    expect((await answer(['Yes', '\r'])).approved).toBe(false);
  });

  it('refuses on Ctrl-C', async () => {
    expect((await answer(['\x03'])).approved).toBe(false);
  });
});
