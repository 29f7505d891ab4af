/**
 * One live handle per connection (one HTTP client and queue each). Settings are evaluated from the
 * current properties before every job; when they changed (the admin edited a credential) the old handle
 * is closed and a new one made, so `serve` needs no restart.
 */
import { UserError } from '../errors.js';
import { validator } from '../schema-validator.js';
import type { ConnectionModel, PackageModel } from '../model.js';
import type { ConnectorDef, HttpObserver, Logger, RateBudget } from '../types.js';

interface Live {
  key: string;
  handle: unknown;
}

/**
 * The authentication type as the admin reads it. A connection of type none whose settings read project
 * properties signs in with them (WIW: a session from email, password and key), which "none" alone hides.
 */
export function authLabel(conn: ConnectionModel): string {
  if (conn.auth === 'none' && conn.properties.size > 0) return 'none (session from project properties)';
  return conn.auth;
}

export class ConnectionPool {
  private readonly live = new Map<string, Live>();

  constructor(
    private readonly pkg: PackageModel,
    private readonly logger: Logger,
    /** A budget shared with other processes, by connection name (a worker's); none: each process keeps its own. */
    private readonly budget?: (connection: string, requestsPerMinute: number) => RateBudget,
    /** Handed to every connection built, for metrics. */
    private readonly http?: HttpObserver,
  ) {}

  /** A connection by its name (`wiw`) or its title (`WIW_Provisioning_HTTP_CONNECTION`, any case). */
  model(nameOrTitle: string): ConnectionModel {
    const wanted = nameOrTitle.toLowerCase();
    const conn = Object.hasOwn(this.pkg.connections, nameOrTitle)
      ? this.pkg.connections[nameOrTitle]
      : Object.values(this.pkg.connections).find((c) => c.title.toLowerCase() === wanted);
    if (!conn) {
      const known = Object.values(this.pkg.connections).map((c) => `${c.name} (${c.title})`).join(', ');
      throw new UserError('CONNECTION_UNKNOWN', `The package has no connection '${nameOrTitle}'. Known: ${known}.`);
    }
    return conn;
  }

  async get(nameOrTitle: string, properties: Record<string, unknown>): Promise<{ connector: ConnectorDef; handle: unknown }> {
    const conn = this.model(nameOrTitle);
    const name = conn.name;
    const settings = (await conn.settings.evaluate({ properties })) as Record<string, unknown>;
    for (const k of Object.keys(settings)) if (settings[k] === undefined || settings[k] === '') delete settings[k];
    const validate = validator(conn.connector.settings);
    if (!validate(settings)) {
      const what = (validate.errors ?? []).map((e) => `${e.instancePath || 'settings'} ${e.message}`).join('; ');
      throw new UserError('CONNECTION_SETTINGS', `Connection '${name}' (${conn.title}) has invalid settings: ${what}.`, {
        hint: `Check the project properties it reads: ${[...conn.properties].join(', ')} (recipes properties list).`,
      });
    }
    const key = JSON.stringify(settings);
    const current = this.live.get(name);
    if (current && current.key === key) return { connector: conn.connector, handle: current.handle };
    if (current) await this.closeOne(conn.connector, current);
    const budget = this.budget;
    const handle = conn.connector.connect(settings, {
      logger: this.logger.child({ connection: name }),
      ...(this.http ? { http: this.http } : {}),
      ...(budget ? { rateBudget: (perMinute: number) => budget(name, perMinute) } : {}),
    });
    this.live.set(name, { key, handle });
    return { connector: conn.connector, handle };
  }

  private async closeOne(connector: ConnectorDef, live: Live): Promise<void> {
    await connector.close?.(live.handle);
  }

  async close(): Promise<void> {
    for (const [name, live] of this.live) await this.closeOne(this.model(name).connector, live);
    this.live.clear();
  }
}
