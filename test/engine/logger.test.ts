import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { RecipeError } from '../../src/engine/errors.js';
import { createLogger } from '../../src/engine/logger.js';

describe('logger: secrets never reach a log line', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logger-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('blanks secret-named keys at any depth, in bindings and errors too, by the same list as job records', async () => {
    const file = join(dir, 'log.jsonl');
    const logger = createLogger({ level: 'debug', file }).child({ settings: { api_key: 'SEKRET-binding' } });
    logger.info({ request: { headers: { 'W-Key': 'SEKRET-wkey', cookie: 'SEKRET-cookie', accept: 'json' } }, client_secret: 'SEKRET-cs' }, 'call');
    logger.warn({ deep: { a: { b: { c: { wiw_password: 'SEKRET-pw' } } } }, count: 3 }, 'deep');
    const err = new RecipeError('X_FAILED', 'it failed', { details: { token: 'SEKRET-token' } });
    logger.error({ err }, 'failed');
    const text = await readFile(file, 'utf8');
    expect(text).not.to.include('SEKRET');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines[0]!.request.headers).to.deep.equal({ 'W-Key': '[redacted]', cookie: '[redacted]', accept: 'json' });
    expect(lines[0]!.settings.api_key).to.equal('[redacted]');
    expect(lines[1]!.count).to.equal(3);
    expect(lines[2]!.err).to.include({ message: 'it failed' });
  });
});
