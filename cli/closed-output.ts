/**
 * A reader that goes away early (`omnitron plan | head`, a closed terminal) closes the pipe under us. Node
 * reports that as an 'error' event on the stream, which without a listener ends the process with a stack
 * trace, in the middle of an apply too. Instead the command carries on and what it would still print is dropped.
 */
const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

export function dropOutputWhenReaderCloses(stream: NodeJS.WritableStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (!READER_GONE.has(err.code ?? '')) throw err;
  });
}
