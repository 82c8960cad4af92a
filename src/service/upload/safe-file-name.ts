/** Longest stored name; real file names are far shorter. */
const MAX_NAME_CHARS = 96;

/**
 * The name an uploaded file (or zip entry) is stored under: the last component of the name the
 * client gave, reduced to letters, digits, '.', '_' and '-', never hidden or empty, and unique
 * within the study. The client's name is never used as a path.
 */
export function safeUploadName(o: { given: string | undefined; index: number; taken: Set<string> }): string {
  const last = (o.given ?? '').split(/[\\/]/).pop() ?? '';
  let name = last
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, MAX_NAME_CHARS);
  if (name === '' || /^_+$/.test(name)) name = `file-${String(o.index + 1).padStart(4, '0')}`;
  let unique = name;
  for (let k = 2; o.taken.has(unique.toLowerCase()); k++) unique = `${k}-${name}`;
  o.taken.add(unique.toLowerCase());
  return unique;
}
