// `owb batch k8s`: the manifest parses as two YAML documents that validate against the batch/v1 Job and
// v1 ConfigMap fields (batch-k8s-schema.ts; no cluster here), carries the plan unchanged, one completion per
// shard, and runs `owb batch run`, which takes its shard from $JOB_COMPLETION_INDEX exactly as from
// $SLURM_ARRAY_TASK_ID: the pod of index 1 processes shard 1's frames and no others. Bad options exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { writeFrame } from '../node/watch/frames.js';
import { configMapSchema, jobSchema, validate } from './batch-k8s-schema.js';

const repo = resolve(import.meta.dirname, '../../..');
const { OWB_DB: _a, SLURM_ARRAY_TASK_ID: _b, JOB_COMPLETION_INDEX: _c, ...baseEnv } = process.env;
function owb(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...baseEnv, ...env },
  });
}

const root = mkdtempSync(join(tmpdir(), 'owb-k8s-'));
after(() => rmSync(root, { recursive: true, force: true }));
const night = join(root, 'night');
for (let i = 0; i < 9; i++) writeFrame(join(night, `f${i}.fits`), { seed: i + 1, size: 40 });
const plan = join(root, 'plan.json');

describe('owb batch k8s', () => {
  it('writes a ConfigMap and an Indexed Job that validate against the batch/v1 schema, with the shard semantics', () => {
    assert.equal(owb(['batch', 'plan', night, '--shards', '3', '--out', plan]).status, 0);
    const out = join(root, 'job.yaml');
    const r = owb([
      'batch',
      'k8s',
      '--plan',
      plan,
      '--db-secret',
      'owb-catalog:dsn',
      '--image',
      'registry.example.org/owb:1.4',
      '--data-claim',
      'frames',
      '--cpus',
      '2',
      '--mem',
      '6G',
      '--retries',
      '2',
      '--namespace',
      'astro',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const docs = parseAllDocuments(readFileSync(out, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
    assert.equal(docs.length, 2);
    const [configMap, job] = docs as [any, any]; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(validate(configMap, configMapSchema), []);
    assert.deepEqual(validate(job, jobSchema), []);
    assert.equal(configMap.data['plan.json'], readFileSync(plan, 'utf8'));
    assert.equal(job.metadata.namespace, 'astro');
    assert.equal(job.spec.completionMode, 'Indexed');
    assert.equal(job.spec.completions, 3);
    assert.equal(job.spec.backoffLimitPerIndex, 2);
    assert.deepEqual(job.spec.podFailurePolicy.rules[0].onExitCodes.values, [2, 3]);
    const pod = job.spec.template.spec;
    assert.equal(pod.restartPolicy, 'Never'); // podFailurePolicy requires it
    const c = pod.containers[0];
    assert.deepEqual(c.command, ['owb', 'batch', 'run', '--plan', '/etc/owb/plan.json', '--threads', '2']);
    assert.deepEqual(c.env, [{ name: 'OWB_DB', valueFrom: { secretKeyRef: { name: 'owb-catalog', key: 'dsn' } } }]);
    assert.deepEqual(c.resources.limits, { cpu: '2', memory: '6Gi' });
    assert.deepEqual(
      c.volumeMounts.map((m: { mountPath: string }) => m.mountPath),
      ['/etc/owb', night],
    );
    assert.equal(pod.volumes[0].configMap.name, configMap.metadata.name);
    assert.equal(pod.volumes[1].persistentVolumeClaim.claimName, 'frames');

    // The validator does catch what Kubernetes refuses.
    const broken = structuredClone(job);
    broken.spec.completionMode = 'indexed';
    broken.spec.template.spec.containers[0].resurces = {};
    assert.deepEqual(validate(broken, jobSchema), [
      "$.spec.completionMode: 'indexed' is not one of NonIndexed, Indexed",
      '$.spec.template.spec.containers[0].resurces: unknown field',
    ]);
  });

  it('pod index 1 ($JOB_COMPLETION_INDEX) runs shard 1 and only shard 1', () => {
    const db = join(root, 'catalog.db');
    const r = owb(['batch', 'run', '--plan', plan, '--db', db, '--threads', '1'], { JOB_COMPLETION_INDEX: '1' });
    assert.equal(r.status, 0, r.stderr);
    const status = owb(['batch', 'status', '--plan', plan, '--db', db, '--json']);
    const shards = (JSON.parse(status.stdout) as { shards: Array<{ files: number; done: number; missing: number }> })
      .shards;
    assert.ok(shards[1].files > 0);
    assert.deepEqual(
      shards.map((s) => [s.done, s.missing]),
      shards.map((s, i) => (i === 1 ? [s.files, 0] : [0, s.files])),
    );
  });

  for (const [extra, message] of [
    [['--db', 'catalog.db'], /pods on several nodes need a PostgreSQL catalog/],
    [['--db', 'postgres://h/db', '--db-secret', 's'], /exactly one/],
    [['--db', 'postgres://h/db', '--name', 'Owb_Batch'], /--name must be a lower-case DNS label/],
    [['--db', 'postgres://h/db', '--mem', '4 GB'], /--mem must be a whole number/],
  ] as const) {
    it(`refuses ${extra.join(' ')}: exit 2, one owb: line`, () => {
      const r = owb([
        'batch',
        'k8s',
        '--plan',
        plan,
        '--image',
        'owb:1',
        '--data-claim',
        'frames',
        '--out',
        join(root, 'x.yaml'),
        ...extra,
      ]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^owb: batch k8s: /);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    });
  }
});
