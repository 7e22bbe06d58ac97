// API keys and roles. A key is shown once at creation ("kz_" + 32 random bytes, base64url); the store keeps only
// its SHA-256 (a random 256-bit secret needs no slow hash). Roles are ordered: reader < editor < admin.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKeyRecord, GraphStore, Role } from '../store/graph-store.js';

export const ROLES: readonly Role[] = ['reader', 'editor', 'admin'];

const RANK: Readonly<Record<Role, number>> = { reader: 0, editor: 1, admin: 2 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Create a key: returns the secret (shown once) and the stored record. */
export async function createApiKey(store: GraphStore, name: string, role: Role): Promise<{ secret: string; record: ApiKeyRecord }> {
  if (name.trim() === '') throw new Error('a key needs a name');
  const secret = `kz_${randomBytes(32).toString('base64url')}`;
  const record: ApiKeyRecord = { id: randomUUID(), name: name.trim(), role, hash: hashKey(secret), createdAt: new Date().toISOString() };
  await store.putApiKey(record);
  return { secret, record };
}

const KEY_SHAPE = /^kz_[A-Za-z0-9_-]{43}$/;

/**
 * The secret a request carries: `Authorization: Bearer kz_…`, or HTTP Basic with the key as the password (what
 * TAXII clients such as OpenCTI and taxii2-client send). Undefined when there is no credential at all; "malformed"
 * when there is one that cannot be a kizashi key.
 */
export function credentialOf(authorization: string | undefined): { secret: string } | 'malformed' | undefined {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  let secret: string;
  if (scheme?.toLowerCase() === 'bearer') secret = value;
  else if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    secret = decoded.slice(decoded.indexOf(':') + 1);
  } else return 'malformed';
  return KEY_SHAPE.test(secret) ? { secret } : 'malformed';
}

export type AuthResult = { ok: true; role: Role; keyId?: string } | { ok: false; reason: string };

/** Who is calling: an active key's role, the anonymous role when the operator allowed it, or why not. */
export async function authenticate(store: GraphStore, authorization: string | undefined, anonymous: Role | undefined): Promise<AuthResult> {
  const credential = credentialOf(authorization);
  if (credential === undefined) return anonymous ? { ok: true, role: anonymous } : { ok: false, reason: 'an API key is required' };
  if (credential === 'malformed') return { ok: false, reason: 'malformed credentials' };
  const key = await store.apiKeyByHash(hashKey(credential.secret));
  if (!key) return { ok: false, reason: 'unknown API key' };
  if (key.revokedAt) return { ok: false, reason: 'revoked API key' };
  return { ok: true, role: key.role, keyId: key.id };
}
