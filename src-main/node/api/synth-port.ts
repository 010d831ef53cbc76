import {
  renderSample,
  sampleParams,
  SYNTH_DEFAULTS,
  validateSynthConfig,
  type SynthConfig,
} from '../../../src-workers/core/synth/index.js';
import { runSynth } from '../synth/run-synth.js';
import type { SynthPort } from './datasets.js';
import { binImage } from './frame-images.js';

/** The dataset generator of `core/synth` + `node/synth` as the UI reaches it. */
export function createSynthPort(toolVersion = 'workbench'): SynthPort {
  return {
    defaults: () => JSON.parse(JSON.stringify(SYNTH_DEFAULTS)) as Record<string, unknown>,
    validate: (config) => {
      const { config: resolved, errors } = validateSynthConfig(config);
      return { config: resolved as unknown as Record<string, unknown>, errors };
    },
    preview: (config, index, sizePx) => {
      const image = renderSample(config as unknown as SynthConfig, index);
      const { plan } = sampleParams(config as unknown as SynthConfig, index);
      const binning = sizePx ? Math.max(1, Math.floor(Math.max(image.width, image.height) / sizePx)) : 1;
      return { ...binImage(image, binning), caption: `${plan.label ? 'lens' : 'non-lens'} · ${plan.split}` };
    },
    run: async (config, outDir, onProgress) => {
      await runSynth({ config: config as unknown as SynthConfig, outDir, onProgress, toolVersion, workers: 1 });
    },
  };
}
