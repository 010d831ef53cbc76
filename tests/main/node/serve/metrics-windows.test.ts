import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openWorkspace } from '../../../../src-main/node/api/services.js';
import { FrameStore } from '../../../../src-main/node/catalog/index.js';
import { ApiMetrics, parseMetricsWindows, renderMetrics } from '../../../../src-main/node/serve/metrics.js';
import { InputError } from '../../../../src-workers/core/errors.js';

describe('/metrics windows', () => {
  it('reports the job rate and latency over each configured window', () => {
    const dir = mkdtempSync(join(tmpdir(), 'owb-metrics-'));
    const services = openWorkspace(dir, { pollChanges: false });
    try {
      const store = new FrameStore(services.db);
      for (let i = 0; i < 6; i++)
        store.ingest({
          contentHash: `h${i}`,
          path: `/f${i}.fits`,
          fileName: `f${i}.fits`,
          sizeBytes: 1,
          mtimeMs: 1,
          meta: {},
          job: { kind: 'process-frame', profile: 'default', maxAttempts: 1 },
        });
      // Finished 1, 2, 3, 10, 30 and 120 minutes before `now`, each after running (i + 1) seconds.
      const now = 1_800_000_000_000;
      const agoMin = [1, 2, 3, 10, 30, 120];
      const finish = services.db.prepare(
        "UPDATE jobs SET state = 'done', started_at = ?, finished_at = ? WHERE id = ?",
      );
      agoMin.forEach((m, i) => finish.run(now - m * 60_000 - (i + 1) * 1000, now - m * 60_000, i + 1));
      const text = renderMetrics(services, new ApiMetrics(), parseMetricsWindows('5m,1h,1d'), now);
      const value = (series: string): number => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        assert.ok(line, `${series} missing in\n${text}`);
        return Number(line.split(' ')[1]);
      };
      assert.equal(value('owb_jobs_finished{window="5m"}'), 3);
      assert.equal(value('owb_jobs_finished{window="1h"}'), 5);
      assert.equal(value('owb_jobs_finished{window="1d"}'), 6);
      assert.equal(value('owb_frames_processed_per_minute{window="5m"}'), 0.6);
      assert.equal(value('owb_job_duration_seconds_count{window="1h"}'), 5);
      assert.equal(value('owb_job_duration_seconds_sum{window="5m"}'), 6);
      assert.equal(value('owb_job_duration_seconds{window="1d",quantile="0.5"}'), 4);
      assert.doesNotMatch(text, /window="1h",quantile="0\.5"\} NaN/);
    } finally {
      services.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses s, m, h, d and refuses anything else with a clear message', () => {
    assert.deepEqual(parseMetricsWindows('1h, 5m,90,1d,60m'), [90, 300, 3600, 86_400]);
    for (const bad of ['', '0m', '5x', '1.5s', '-1h'])
      assert.throws(
        () => parseMetricsWindows(bad),
        (e: unknown) => e instanceof InputError && /metrics window '.*' must be a whole number/.test(e.message),
        bad,
      );
  });
});
