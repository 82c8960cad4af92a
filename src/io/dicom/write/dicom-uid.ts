import { createHash, randomUUID } from 'node:crypto';

/** A new globally unique UID under the 2.25 root (ISO/IEC 9834-8: a UUID as one decimal number). */
export function newDicomUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

/** openbmd's implementation class UID (2.25 form, fixed) and version name. */
export const IMPLEMENTATION_CLASS_UID = '2.25.147262354409133532011457186235843718613';
export const IMPLEMENTATION_VERSION_NAME = 'OPENBMD_010';

/** A UID that is the same for the same key (2.25 form of the key's SHA-256, first 128 bits). */
export function dicomUidFromKey(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}
