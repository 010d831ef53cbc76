import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { validateSynthConfig, type SynthConfig } from '../../../src-workers/core/synth/config.js';
import { parseSimpleYaml } from './simple-yaml.js';

/**
 * Reads a YAML (or JSON) configuration file and validates it. Throws `InputError('SYNTH_CONFIG', …)` whose
 * message names the file and every problem (`comprehensive.yaml: General.n_train must be positive, got 0`).
 */
export async function loadSynthConfig(path: string): Promise<SynthConfig> {
  const text = readFileSync(path, 'utf8');
  let parsed: unknown = path.toLowerCase().endsWith('.json') ? undefined : parseSimpleYaml(text);
  if (parsed === undefined) {
    try {
      // The full parser only when the file leaves the simple subset (or is JSON, which YAML contains).
      const { parse } = await import('yaml');
      parsed = parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new InputError('SYNTH_CONFIG', `${path}: not valid YAML: ${message}`);
    }
  }
  const { config, errors } = validateSynthConfig(parsed);
  if (errors.length > 0) {
    const lines = errors.map((e) => e.message);
    throw new InputError(
      'SYNTH_CONFIG',
      `${path}: ${lines.length === 1 ? lines[0] : `${lines.length} problems:\n  ${lines.join('\n  ')}`}`,
    );
  }
  // Injection frames are found relative to the configuration file, like any path written in it.
  if (config.Injection.frames_dir !== '')
    config.Injection.frames_dir = resolve(dirname(path), config.Injection.frames_dir);
  return config;
}
