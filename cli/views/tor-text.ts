/** `omnitron tor` as text: one line per hidden service, `name  address  (port → target)`. */
export interface OnionAddress {
  service: string;
  name: string;
  /** null while tor has not written the service's hostname file yet. */
  onion: string | null;
  virtualPort: number;
  target: string;
}

export function renderOnionsText(addresses: readonly OnionAddress[]): string {
  const services = new Set(addresses.map((a) => a.service));
  const label = (a: OnionAddress) => (services.size > 1 ? `${a.service}/${a.name}` : a.name);
  const width = Math.max(...addresses.map((a) => label(a).length));
  return addresses.map((a) => `${label(a).padEnd(width)}  ${a.onion ?? '(no address yet: tor has not created its keys)'}  (port ${a.virtualPort} → ${a.target})`).join('\n');
}
