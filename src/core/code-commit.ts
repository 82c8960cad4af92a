import { spawnSync } from 'node:child_process';
import { packageRoot } from './package-paths.js';

let pinned: { commit: string | undefined } | undefined;

/**
 * The git commit of the code that is running, with "-dirty" when tracked files differ from it, or
 * undefined outside a git checkout (an npm install). What made a model is then on record. Read once
 * per process and kept: a training run that lasts hours records the commit it started from, not
 * whatever the checkout holds when it saves (a later commit would claim code that never ran).
 */
export function codeCommit(): string | undefined {
  pinned ??= { commit: readCodeCommit() };
  return pinned.commit;
}

function readCodeCommit(): string | undefined {
  const git = (args: string[]): string | undefined => {
    const r = spawnSync('git', args, { cwd: packageRoot(), encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const head = git(['rev-parse', 'HEAD']);
  if (head === undefined || !/^[0-9a-f]{40}$/.test(head)) return undefined;
  const changes = git(['status', '--porcelain', '--untracked-files=no']);
  return changes === undefined || changes === '' ? head : `${head}-dirty`;
}
