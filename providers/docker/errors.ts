/** Small readers for dockerode's errors: `(HTTP code 404) no such container - …` with statusCode and json. */

interface DockerApiError { statusCode?: number; json?: { message?: string } | null; message?: string }

export function dockerStatus(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? (err as DockerApiError).statusCode : undefined;
}

/** The engine's own message (without dockerode's HTTP prefix) when there is one. */
export function dockerMessage(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as DockerApiError;
  const fromEngine = e.json && typeof e.json === 'object' ? e.json.message : undefined;
  return (fromEngine ?? e.message ?? String(err)).trim();
}

/** Awaits a call, treating the given HTTP statuses (404 gone, 304 already stopped) as success. */
export async function tolerate<T>(call: Promise<T>, ...statuses: number[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    const status = dockerStatus(err);
    if (status !== undefined && statuses.includes(status)) return undefined;
    throw err;
  }
}

/** Inspect-style read: undefined when the object does not exist. */
export function ifExists<T>(call: Promise<T>): Promise<T | undefined> {
  return tolerate(call, 404);
}
