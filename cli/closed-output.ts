/**
 * A reader that goes away early (`omnitron plan | head`, a terminal that hung up) closes the pipe under
 * us. Node reports that as an 'error' event on the stream, which without a listener ends the process with
 * a stack trace, in the middle of an apply too. Instead the command carries on and what it would still
 * print is dropped; commands that run until stopped (`logs -f`, `status --watch`, `dev`) stop as on Ctrl-C.
 */
const READER_GONE = new Set(['EPIPE', 'EIO', 'ERR_STREAM_DESTROYED']);

function readerGone(err: NodeJS.ErrnoException): boolean {
  return READER_GONE.has(err.code ?? '');
}

export function dropOutputWhenReaderCloses(stream: NodeJS.WritableStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (!readerGone(err)) throw err;
  });
}

/** Calls `stop` once stdout's reader has gone; returns what removes the listener. */
export function stopWhenReaderCloses(stop: () => void): () => void {
  const onError = (err: NodeJS.ErrnoException) => { if (readerGone(err)) stop(); };
  process.stdout.on('error', onError);
  return () => { process.stdout.off('error', onError); };
}
