import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Lease owners are `host/pid/nonce`. A process that finds a running job leased by a dead process on the
 * same host takes it back at once instead of waiting for the lease to expire.
 */
export function newOwnerId(): string {
  const id = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  ownersOfThisProcess.add(id);
  return id;
}

/** Owner ids made in this process: with our own pid, any other id is a dead process whose pid we reuse. */
const ownersOfThisProcess = new Set<string>();

/** True when `owner` names a process on this host that no longer exists. */
export function ownerIsDead(owner: string): boolean {
  const [host, pidText] = owner.split('/');
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // In a container every run tends to get the same small pid: a crashed run's owner then carries our pid.
  if (pid === process.pid) return !ownersOfThisProcess.has(owner);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
