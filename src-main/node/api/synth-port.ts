import {
  renderSample,
  sampleParams,
  SYNTH_DEFAULTS,
  validateSynthConfig,
  type SynthConfig,
} from '../../../src-workers/core/synth/index.js';
import { runSynth, SynthCancelledError } from '../synth/run-synth.js';
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
    // Every image is drawn on threads of their own (as many as `owb synth` would use, at least one): this
    // thread serves the UI meanwhile.
    run: async (valid, outDir, onProgress, signal) => {
      const config = valid as unknown as SynthConfig;
      try {
        // Injection mode reads real frames one at a time on this thread, yielding between them.
        const run =
          config.General.mode === 'injection' ? (await import('../synth/run-injection.js')).runInjection : runSynth;
        await run({
          config,
          outDir,
          onProgress,
          toolVersion,
          renderHere: false,
          signal,
        });
        return 'done';
      } catch (error) {
        if (error instanceof SynthCancelledError) return 'cancelled';
        throw error;
      }
    },
  };
}
