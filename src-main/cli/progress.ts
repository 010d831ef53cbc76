/**
 * A one-line progress bar with rate and time left, drawn only on a terminal; silent otherwise so that
 * piped output and logs stay clean.
 */
export interface Progress {
  update(done: number, total?: number, label?: string): void;
  finish(message?: string): void;
}

export function createProgress(stream: NodeJS.WriteStream, enabled: boolean, title: string): Progress {
  const start = Date.now();
  let lastDraw = 0;
  let drawn = false;
  let knownTotal = 0;
  const draw = (done: number, total: number, label: string | undefined): void => {
    const elapsedSec = (Date.now() - start) / 1000;
    const rate = elapsedSec > 0 ? done / elapsedSec : 0;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const eta = rate > 0 && total > done ? (total - done) / rate : 0;
    const line =
      `${title} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ` +
      `${rate.toFixed(1)}/s ETA ${formatSeconds(eta)}${label ? ` ${label}` : ''}`;
    const columns = stream.columns ?? 100;
    stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length))}\x1b[K`);
    drawn = true;
  };
  return {
    update(done, total, label) {
      if (!enabled) return;
      if (total !== undefined) knownTotal = total;
      const now = Date.now();
      if (now - lastDraw < 100 && done < knownTotal) return;
      lastDraw = now;
      draw(done, knownTotal, label);
    },
    finish(message) {
      if (!enabled) return;
      if (drawn) stream.write('\r\x1b[K');
      if (message) stream.write(`${message}\n`);
    },
  };
}

function formatSeconds(sec: number): string {
  if (!Number.isFinite(sec) || sec <= 0) return '0s';
  if (sec < 60) return `${Math.ceil(sec)}s`;
  const m = Math.floor(sec / 60);
  return `${m}m${String(Math.round(sec % 60)).padStart(2, '0')}s`;
}
