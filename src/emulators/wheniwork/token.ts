/**
 * Login tokens: a JWT (HS256) carrying the person id, `iat` and `exp`, signed with a per-emulator secret so
 * a token from one emulator run is refused by the next. Verification answers only "which person" or null;
 * why a token failed is not revealed, as WIW answers every failure with the same 401.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  /** Person (login) id. */
  sub: number;
  iat: number;
  exp: number;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export class TokenSigner {
  private readonly secret: Buffer;

  constructor(
    /** Lifetime in seconds. */
    private readonly ttlSec: number,
    private readonly clock: () => number,
    secret?: Buffer,
  ) {
    this.secret = secret ?? randomBytes(32);
  }

  issue(personId: number): string {
    const iat = Math.floor(this.clock() / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ sub: personId, iat, exp: iat + this.ttlSec }));
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  /** The claims of a well-signed, unexpired token, else null. */
  verify(token: string): TokenClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (!isClaims(claims)) return null;
    return claims.exp > this.clock() / 1000 ? claims : null;
  }

  private sign(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }
}

function isClaims(value: unknown): value is TokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.sub === 'number' && typeof v.iat === 'number' && typeof v.exp === 'number';
}
