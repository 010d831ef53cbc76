// Test helper: the part of the Kubernetes API (batch/v1 Job, v1 ConfigMap, core/v1 PodSpec) that
// `owb batch k8s` writes, as a JSON-schema subset with a small validator. Field names, types and enums are
// those of the Kubernetes API reference (v1.29+): an unknown or misspelt field, a wrong type or a value
// outside an enum is reported with its path, as `kubectl apply --validate=strict` would refuse it.
export type Schema =
  | { type: 'string'; enum?: string[]; pattern?: RegExp }
  | { type: 'integer'; minimum?: number; enum?: number[] }
  | { type: 'boolean' }
  | { type: 'array'; items: Schema; minItems?: number }
  | { type: 'object'; properties?: Record<string, Schema>; required?: string[]; additional?: Schema };

const str: Schema = { type: 'string' };
const dnsLabel: Schema = { type: 'string', pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/ };
const int0: Schema = { type: 'integer', minimum: 0 };
const int1: Schema = { type: 'integer', minimum: 1 };
const labels: Schema = { type: 'object', additional: str };
const quantity: Schema = { type: 'string', pattern: /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|Pi|k|M|G|T)?$/ };
const objectMeta: Schema = {
  type: 'object',
  required: ['name'],
  properties: { name: dnsLabel, namespace: dnsLabel, labels, annotations: labels },
};
const container: Schema = {
  type: 'object',
  required: ['name', 'image'],
  properties: {
    name: dnsLabel,
    image: { type: 'string', pattern: /^\S+$/ },
    command: { type: 'array', items: str },
    args: { type: 'array', items: str },
    env: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: /^[-._a-zA-Z][-._a-zA-Z0-9]*$/ },
          value: str,
          valueFrom: {
            type: 'object',
            properties: {
              secretKeyRef: {
                type: 'object',
                required: ['key'],
                properties: { name: dnsLabel, key: str, optional: { type: 'boolean' } },
              },
            },
          },
        },
      },
    },
    resources: {
      type: 'object',
      properties: {
        requests: { type: 'object', additional: quantity },
        limits: { type: 'object', additional: quantity },
      },
    },
    volumeMounts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'mountPath'],
        properties: {
          name: dnsLabel,
          mountPath: { type: 'string', pattern: /^\// },
          readOnly: { type: 'boolean' },
          subPath: str,
        },
      },
    },
    workingDir: str,
  },
};
const podSpec: Schema = {
  type: 'object',
  required: ['containers'],
  properties: {
    restartPolicy: { type: 'string', enum: ['Always', 'OnFailure', 'Never'] },
    containers: { type: 'array', items: container, minItems: 1 },
    volumes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: dnsLabel,
          configMap: { type: 'object', properties: { name: dnsLabel, defaultMode: int0 } },
          persistentVolumeClaim: {
            type: 'object',
            required: ['claimName'],
            properties: { claimName: dnsLabel, readOnly: { type: 'boolean' } },
          },
        },
      },
    },
  },
};
export const jobSchema: Schema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { type: 'string', enum: ['batch/v1'] },
    kind: { type: 'string', enum: ['Job'] },
    metadata: objectMeta,
    spec: {
      type: 'object',
      required: ['template'],
      properties: {
        completionMode: { type: 'string', enum: ['NonIndexed', 'Indexed'] },
        completions: int1,
        parallelism: int0,
        backoffLimit: int0,
        backoffLimitPerIndex: int0,
        maxFailedIndexes: int0,
        activeDeadlineSeconds: int1,
        ttlSecondsAfterFinished: int0,
        podFailurePolicy: {
          type: 'object',
          required: ['rules'],
          properties: {
            rules: {
              type: 'array',
              items: {
                type: 'object',
                required: ['action'],
                properties: {
                  action: { type: 'string', enum: ['FailJob', 'FailIndex', 'Ignore', 'Count'] },
                  onExitCodes: {
                    type: 'object',
                    required: ['operator', 'values'],
                    properties: {
                      containerName: dnsLabel,
                      operator: { type: 'string', enum: ['In', 'NotIn'] },
                      values: { type: 'array', items: { type: 'integer' }, minItems: 1 },
                    },
                  },
                  onPodConditions: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['type'],
                      properties: { type: str, status: { type: 'string', enum: ['True', 'False', 'Unknown'] } },
                    },
                  },
                },
              },
            },
          },
        },
        template: {
          type: 'object',
          required: ['spec'],
          properties: { metadata: { type: 'object', properties: { labels, annotations: labels } }, spec: podSpec },
        },
      },
    },
  },
};
export const configMapSchema: Schema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: { type: 'string', enum: ['v1'] },
    kind: { type: 'string', enum: ['ConfigMap'] },
    metadata: objectMeta,
    data: { type: 'object', additional: str },
  },
};

/** Every place `value` breaks `schema`, as `path: problem`. */
export function validate(value: unknown, schema: Schema, path = '$'): string[] {
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string, got ${JSON.stringify(value)}`];
      if (schema.enum && !schema.enum.includes(value))
        return [`${path}: '${value}' is not one of ${schema.enum.join(', ')}`];
      if (schema.pattern && !schema.pattern.test(value))
        return [`${path}: '${value}' does not match ${schema.pattern}`];
      return [];
    case 'integer':
      if (!Number.isInteger(value)) return [`${path}: expected an integer, got ${JSON.stringify(value)}`];
      if (schema.minimum !== undefined && (value as number) < schema.minimum)
        return [`${path}: below ${schema.minimum}`];
      return [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      if (schema.minItems && value.length < schema.minItems) return [`${path}: fewer than ${schema.minItems} items`];
      return value.flatMap((v, i) => validate(v, schema.items, `${path}[${i}]`));
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected a mapping`];
      const o = value as Record<string, unknown>;
      const out = (schema.required ?? []).filter((k) => !(k in o)).map((k) => `${path}.${k}: required`);
      for (const [k, v] of Object.entries(o)) {
        const sub = schema.properties?.[k] ?? schema.additional;
        if (!sub) out.push(`${path}.${k}: unknown field`);
        else out.push(...validate(v, sub, `${path}.${k}`));
      }
      return out;
    }
  }
}
