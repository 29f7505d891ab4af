/**
 * Encryption of secret property values at rest: AES-256-GCM, a random 12-byte IV per write, the 16-byte auth
 * tag, and AAD binding the ciphertext to its project and property name (a value copied to another row or
 * project fails to decrypt). Stored as `v2:<iv b64>:<tag b64>:<ciphertext b64>`. Values written before
 * projects were bound to their package's name instead: migration 0003 appended that name (base64url) as a
 * fifth part, `v1:<iv>:<tag>:<ct>:<package>`, and they open with it until set again.
 *
 * The key, in order of preference:
 * 1. `StoreOptions.secretKey`, else env `RECIPES_SECRET_KEY`: any non-empty string, stretched to 32 bytes with
 *    scrypt (N=16384, r=8, p=1, fixed salt `recipes/secret-key/v1`). The same string always gives the same key.
 * 2. `<dataDir>/secret.key`: 32 random bytes, base64, mode 0600, created on the first secret write. It is
 *    written under a unique temporary name opened O_EXCL and then hard-linked into place, so two processes
 *    racing to create it agree on one key and nobody ever reads a half-written file.
 * The key is loaded lazily: a store that never touches a secret never creates a key file.
 *
 * PostgreSQL mode has no data dir beside the database: the key comes from `RECIPES_SECRET_KEY` only, and a
 * check value (a constant encrypted with the key) is stored once per database, so a wrong key is refused
 * before anything is written with it.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { StoreErrorCode, storeCorrupt } from './store-errors.js';

export const SECRET_KEY_FILE = 'secret.key';
export const SECRET_KEY_ENV = 'RECIPES_SECRET_KEY';
const FORMAT = 'v2';
const LEGACY_FORMAT = 'v1';
const SCRYPT_SALT = 'recipes/secret-key/v1';

interface LoadedKey {
  key: Buffer;
  /** Where the key came from, for messages: never the key itself. */
  source: string;
}

/** Where a shared database keeps its key check value. */
export interface KeyCheckSlot {
  /** Where, for messages (a masked URL). */
  where: string;
  read(): Promise<string | undefined>;
  /** Writes `value` unless a value is already there. */
  writeOnce(value: string): Promise<void>;
}

const CHECK_PKG = 'recipes';
const CHECK_NAME = 'secret-key-check';

export class SecretBox {
  private loaded: LoadedKey | undefined;
  private checked: Promise<void> | undefined;

  /**
   * `passphrase` undefined or empty: use the key file in `dataDir`. With `keyCheck` (a shared database)
   * there is no key file: the passphrase is required and is checked against the database's check value.
   */
  constructor(
    private readonly dataDir: string,
    private readonly passphrase: string | undefined,
    private readonly keyCheck?: KeyCheckSlot,
  ) {}

  async encrypt(project: string, name: string, plaintext: string): Promise<string> {
    await this.verify();
    return `${FORMAT}:${this.seal(projectAad(project, name), plaintext)}`;
  }

  async decrypt(project: string, name: string, stored: string): Promise<string> {
    await this.verify();
    const parts = stored.split(':');
    if (parts.length === 4 && parts[0] === FORMAT) return this.open(projectAad(project, name), parts.slice(1), name, `project ${project}`);
    if (parts.length === 5 && parts[0] === LEGACY_FORMAT) {
      const pkg = Buffer.from(parts[4]!, 'base64url').toString('utf8');
      return this.open(packageAad(pkg, name), parts.slice(1, 4), name, `project ${project}`);
    }
    throw this.unknownFormat(name);
  }

  /** Shared database only: the key must open the check value; the first key used writes it. */
  private verify(): Promise<void> {
    if (!this.keyCheck) return Promise.resolve();
    this.checked ??= this.checkAgainst(this.keyCheck).catch((error: unknown) => {
      this.checked = undefined;
      throw error;
    });
    return this.checked;
  }

  private async checkAgainst(slot: KeyCheckSlot): Promise<void> {
    this.key(false);
    let stored = await slot.read();
    if (stored === undefined) {
      // The check value keeps the format it had before projects: databases made since then hold it too.
      await slot.writeOnce(`${LEGACY_FORMAT}:${this.seal(packageAad(CHECK_PKG, CHECK_NAME), CHECK_NAME)}`);
      stored = await slot.read(); // another process may have written its own first
    }
    try {
      const parts = stored!.split(':');
      if (parts.length !== 4 || parts[0] !== LEGACY_FORMAT) throw this.unknownFormat(CHECK_NAME);
      this.open(packageAad(CHECK_PKG, CHECK_NAME), parts.slice(1), CHECK_NAME, 'the key check');
    } catch (cause) {
      throw new UserError(
        StoreErrorCode.SECRET_KEY_MISMATCH,
        `${SECRET_KEY_ENV} is not the key the secrets in ${slot.where} were saved with; nothing was read or written.`,
        { cause, details: { database: slot.where }, hint: `Set ${SECRET_KEY_ENV} to the key used before with this database.` },
      );
    }
  }

  /** `<iv b64>:<tag b64>:<ciphertext b64>` */
  private seal(aad: Buffer, plaintext: string): string {
    const { key } = this.key(true);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    cipher.setAAD(aad);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
  }

  /** `sealed`: iv, tag, ciphertext (base64). `owner` names whose secret it is, for the message. */
  private open(aad: Buffer, sealed: string[], name: string, owner: string): string {
    const [iv, tag, ct] = sealed.map((p) => Buffer.from(p, 'base64')) as [Buffer, Buffer, Buffer];
    const { key, source } = this.key(false);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new UserError(
        StoreErrorCode.SECRET_KEY_MISMATCH,
        `The secret property "${name}" of ${owner} cannot be decrypted with the key from ${source}: the key changed since it was saved.`,
        { cause, details: { owner, name }, hint: `Restore the previous key, or set "${name}" again.` },
      );
    }
  }

  private unknownFormat(name: string): Error {
    return storeCorrupt(this.keyCheck?.where ?? join(this.dataDir, 'state.db'), `secret property "${name}" has an unknown format`);
  }

  /** Where the key comes from, for `recipes properties` and messages. */
  describeSource(): string {
    return this.passphrase || this.keyCheck ? SECRET_KEY_ENV : join(this.dataDir, SECRET_KEY_FILE);
  }

  private key(createIfMissing: boolean): LoadedKey {
    if (this.loaded) return this.loaded;
    if (this.passphrase) {
      const key = scryptSync(this.passphrase, SCRYPT_SALT, 32, { N: 16384, r: 8, p: 1 });
      this.loaded = { key, source: SECRET_KEY_ENV };
      return this.loaded;
    }
    if (this.keyCheck) {
      throw new UserError(
        StoreErrorCode.SECRET_KEY_MISSING,
        `Secret properties in ${this.keyCheck.where} need ${SECRET_KEY_ENV}: with a database server there is no key file.`,
        { details: { database: this.keyCheck.where }, hint: `Set ${SECRET_KEY_ENV} to the key of this database (the same on every machine that uses it).` },
      );
    }
    const file = join(this.dataDir, SECRET_KEY_FILE);
    let key = readKeyFile(file);
    if (key === undefined) {
      if (!createIfMissing) {
        throw new UserError(
          StoreErrorCode.SECRET_KEY_MISSING,
          `Secret properties cannot be decrypted: ${SECRET_KEY_ENV} is not set and ${file} does not exist.`,
          { details: { file }, hint: `Set ${SECRET_KEY_ENV} to the key used before, or set the secret properties again.` },
        );
      }
      key = createKeyFile(file);
    }
    this.loaded = { key, source: file };
    return this.loaded;
  }
}

/** Before projects: bound to the package's name. */
function packageAad(pkg: string, name: string): Buffer {
  return Buffer.from(`recipes-property\0${pkg}\0${name}`, 'utf8');
}

function projectAad(project: string, name: string): Buffer {
  return Buffer.from(`recipes-project-property\0${project}\0${name}`, 'utf8');
}

function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new UserError(StoreErrorCode.SECRET_KEY_INVALID, `${file} is not a valid key file (expected 32 random bytes in base64).`, {
      details: { file },
      hint: `Restore the key file, or set ${SECRET_KEY_ENV}.`,
    });
  }
  return key;
}

function createKeyFile(file: string): Buffer {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600); // the umask may have narrowed it further, never widened; make it exact
    writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // another process won the race: use its key
  } finally {
    unlinkSync(tmp);
  }
  return readKeyFile(file)!;
}
