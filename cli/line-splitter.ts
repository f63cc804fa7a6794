/** Turns stdout chunks into whole lines: UTF-8 split across chunks is kept intact, a last partial line is flushed by end(). */
import { StringDecoder } from 'node:string_decoder';

export function lineSplitter(onLine: (line: string) => void): { write: (chunk: Buffer) => void; end: () => void } {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const emit = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
  return {
    write: (chunk) => emit(decoder.write(chunk)),
    end: () => {
      emit(decoder.end());
      if (partial) onLine(partial);
      partial = '';
    },
  };
}
