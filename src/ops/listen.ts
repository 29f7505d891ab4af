/** Where the ops endpoint listens, and how `--listen` is read. */
export const OPS_DEFAULT_HOST = '127.0.0.1';
export const OPS_DEFAULT_PORT = 9464;

/** `--listen` values: `PORT`, `HOST:PORT` or `[IPv6]:PORT`; undefined when it is none of them. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:[\]\s]+):)?(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? OPS_DEFAULT_HOST, port };
}
