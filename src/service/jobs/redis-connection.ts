import { OpenBmdError } from '../../core/errors.js';

/** The BullMQ queue every openbmd server and worker on one Redis shares. */
export const ANALYSIS_QUEUE = 'openbmd-analysis';

/** What a job on the Redis queue carries: the study, and where its server is (inputs are fetched from it, outcomes posted to it). */
export interface RedisJobData {
  studyId: string;
  serverUrl: string;
}

export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  /** BullMQ needs this null for its blocking commands. */
  maxRetriesPerRequest: null;
}

/** ioredis connection options from a redis:// URL (exit 2 naming the problem when it is not one). */
export function redisConnection(url: string): RedisConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OpenBmdError('BAD_ARGUMENT', `--redis is not a URL: '${url}' (e.g. redis://127.0.0.1:6379)`);
  }
  if (u.protocol !== 'redis:') throw new OpenBmdError('BAD_ARGUMENT', `--redis must be a redis:// URL, got '${u.protocol}'`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isInteger(db)) throw new OpenBmdError('BAD_ARGUMENT', `--redis database '${u.pathname.slice(1)}' is not a number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username === '' ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
    ...(db === undefined ? {} : { db }),
    maxRetriesPerRequest: null,
  };
}
