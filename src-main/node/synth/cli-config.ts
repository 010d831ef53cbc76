import { InputError } from '../../../src-workers/core/errors.js';
import { validateSynthConfig, type SynthConfig } from '../../../src-workers/core/synth/config.js';
import { loadSynthConfig } from './load-config.js';
import { readSnapshot } from './snapshot.js';

/** The configuration `owb synth` runs with, and whether it only checks an existing set. */
export interface SynthCommandConfig {
  config: SynthConfig;
  /** True for `--validate` without `--config` on a folder that holds a dataset: check it, write nothing. */
  validateOnly: boolean;
  /** Where the configuration came from, for the log. */
  source: string;
}

/**
 * Resolves the established generator's command line: `--config FILE` is read and validated; without it,
 * `--validate` on a folder that already holds a dataset checks that set against its own
 * `config_snapshot.json`, and any other run uses the documented defaults (`SYNTH_DEFAULTS`, spelt out in
 * configs/comprehensive.yaml).
 */
export async function resolveSynthConfig(
  configFile: string | undefined,
  outDir: string,
  validate: boolean,
): Promise<SynthCommandConfig> {
  if (configFile !== undefined)
    return { config: await loadSynthConfig(configFile), validateOnly: false, source: configFile };
  const snapshot = validate ? readSnapshot(outDir) : undefined;
  if (snapshot) {
    // A snapshot is ours but may have been edited by hand: validate it like any configuration.
    const { config, errors } = validateSynthConfig(snapshot.config);
    if (errors.length > 0)
      throw new InputError(
        'SYNTH_SNAPSHOT',
        `${outDir}/config_snapshot.json: its configuration is not valid (${errors[0].message}); pass --config`,
      );
    return { config, validateOnly: true, source: `${outDir}/config_snapshot.json` };
  }
  return { config: validateSynthConfig({}).config, validateOnly: false, source: 'the documented defaults' };
}
