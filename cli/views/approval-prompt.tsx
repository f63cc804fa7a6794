/**
 * Terraform's approval prompt on a rich terminal: the question, "Only 'yes' will be accepted to
 * approve.", and a line the operator types into. Ctrl-C answers no. `ApprovalPrompt` only draws;
 * `ApprovalInput` keeps what was typed; `askApproval` owns the ink instance.
 */
import { useEffect, useState } from 'react';
import { Box, Text, render, useApp, useInput } from 'ink';
import { painter } from './ansi.js';

export interface ApprovalQuestion {
  /** `Do you want to perform these actions?` */
  title: string;
  /** `Omnitron will perform the actions described above.` */
  detail: string;
}

export interface ApprovalPromptProps extends ApprovalQuestion {
  value: string;
  /** Answered: the typed value stays, the cursor goes. */
  answered: boolean;
  color: boolean;
}

export function ApprovalPrompt({ title, detail, value, answered, color }: ApprovalPromptProps) {
  const paint = painter(color);
  const cursor = answered ? '' : paint('inverse', ' ');
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>{paint('bold', title)}</Text>
      <Text>{`  ${detail}`}</Text>
      <Text>{`  Only ${paint('bold', "'yes'")} will be accepted to approve.`}</Text>
      <Text> </Text>
      <Text>{`  ${paint('bold', 'Enter a value:')} ${value}${cursor}`}</Text>
    </Box>
  );
}

export interface ApprovalInputProps extends ApprovalQuestion {
  color: boolean;
  /** Called once, with whether the answer was exactly `yes`. */
  onAnswer(approved: boolean): void;
}

export function ApprovalInput({ onAnswer, ...question }: ApprovalInputProps) {
  const [value, setValue] = useState('');
  const [answer, setAnswer] = useState<boolean | undefined>(undefined);
  const { exit } = useApp();
  useInput((input, key) => {
    if (answer !== undefined) return;
    if (key.ctrl && input === 'c') setAnswer(false);
    else if (key.return) setAnswer(value.trim() === 'yes');
    else if (key.backspace || key.delete) setValue((v) => v.slice(0, -1));
    else if (input && !key.ctrl && !key.meta) {
      // Keys that arrive together (a paste, tmux send-keys, a fast typist) may end with Enter.
      const end = input.search(/[\r\n]/);
      const typed = value + (end === -1 ? input : input.slice(0, end));
      setValue(typed);
      if (end !== -1) setAnswer(typed.trim() === 'yes');
    }
  });
  // The answered frame is drawn first, so it is what stays on the screen.
  useEffect(() => {
    if (answer === undefined) return;
    onAnswer(answer);
    exit();
  }, [answer]);
  return <ApprovalPrompt {...question} value={value} answered={answer !== undefined} />;
}

/** Asks on the terminal; resolves true only for `yes`. */
export async function askApproval(question: ApprovalQuestion, opts: { color: boolean; stdin?: NodeJS.ReadStream; stdout?: NodeJS.WriteStream }): Promise<boolean> {
  let approved = false;
  const app = render(<ApprovalInput {...question} color={opts.color} onAnswer={(yes) => { approved = yes; }} />, {
    stdin: opts.stdin ?? process.stdin, stdout: opts.stdout ?? process.stdout, exitOnCtrlC: false, patchConsole: false,
  });
  await app.waitUntilExit();
  return approved;
}
