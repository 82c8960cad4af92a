import { randomBytes } from 'node:crypto';

/** One body part of a multipart/related message: its headers (lower-case names) and bytes. */
export interface RelatedPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary parameter of a multipart Content-Type header, quoted or not. */
export function multipartBoundary(contentType: string | null): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2];
}

/**
 * Splits a multipart/related body (RFC 2387; what WADO-RS answers) into its parts. Works on bytes:
 * a DICOM part may hold anything, so only the boundary delimiter lines are looked for.
 */
export function parseMultipartRelated(body: Buffer, boundary: string): RelatedPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: RelatedPart[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    let start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // The CRLF before the next delimiter belongs to the delimiter, not the part.
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    const part = body.subarray(start, end);
    const split = part.indexOf('\r\n\r\n');
    const headerText = split < 0 ? '' : part.subarray(0, split).toString('latin1');
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: split < 0 ? part : part.subarray(split + 4) });
    at = next;
  }
  return parts;
}

/** A multipart/related body of DICOM files (what STOW-RS takes) and its Content-Type. */
export function multipartRelatedDicom(files: readonly Uint8Array[]): { contentType: string; body: Buffer } {
  const boundary = `openbmd-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const file of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), Buffer.from(file), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
