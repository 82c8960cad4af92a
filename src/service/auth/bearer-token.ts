import { createHash, timingSafeEqual } from 'node:crypto';

/** A short, stable name for a token in the audit log (never the token itself). */
export function tokenFingerprint(token: string): string {
  return `token:${createHash('sha256').update(token).digest('hex').slice(0, 10)}`;
}

/** Whether an Authorization header carries the expected bearer token, compared in constant time. */
export function bearerTokenMatches(o: { header: string | undefined; expected: string }): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(o.header ?? '');
  if (match === null) return false;
  // Hashing both sides makes the lengths equal, so the comparison leaks neither content nor length.
  const given = createHash('sha256').update(match[1]!).digest();
  const wanted = createHash('sha256').update(o.expected).digest();
  return timingSafeEqual(given, wanted);
}
