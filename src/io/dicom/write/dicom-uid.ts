import { randomUUID } from 'node:crypto';

/** A new globally unique UID under the 2.25 root (ISO/IEC 9834-8: a UUID as one decimal number). */
export function newDicomUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

/** openbmd's implementation class UID (2.25 form, fixed) and version name. */
export const IMPLEMENTATION_CLASS_UID = '2.25.147262354409133532011457186235843718613';
export const IMPLEMENTATION_VERSION_NAME = 'OPENBMD_010';
