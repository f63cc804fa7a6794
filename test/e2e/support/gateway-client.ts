/** Talking to a gateway under test: one request, polling until the maintenance flag shows, a websocket greeting. */

export interface Answer { status: number; text: string }

export async function fetchText(url: string): Promise<Answer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, text: await res.text() };
}

/** Polls until `url` answers `status` (each gateway caches the flag up to a second), or the deadline passes. */
export async function untilStatus(url: string, status: number, deadlineMs: number): Promise<Answer> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const r = await fetchText(url).catch((e: Error) => ({ status: 0, text: e.message }));
    if (r.status === status || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function websocketGreeting(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => { ws.close(); reject(new Error(`no message from ${url}`)); }, 10_000);
    ws.onmessage = (event) => { clearTimeout(timer); ws.close(); resolve(String(event.data)); };
    ws.onerror = () => { clearTimeout(timer); reject(new Error(`websocket ${url} failed`)); };
  });
}
