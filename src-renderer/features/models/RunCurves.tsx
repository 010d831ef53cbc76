import { Box } from '@mui/material';
import type { ReactNode } from 'react';
import type { ModelRunDetail } from '../../../src-main/common/models-dto.js';
import { Plot, type PlotSeries } from '../../components/Plot.js';

/** Loss and validation AUC per epoch, and the held-out ROC, of the chosen runs (one colour per run). */
export function RunCurves({ runs }: { runs: ModelRunDetail[] }): ReactNode {
  const epochs = (r: ModelRunDetail): number[] => r.epochs.map((e) => e.epoch);
  const loss: PlotSeries[] = runs.flatMap((r) => [
    { x: epochs(r), y: r.epochs.map((e) => e.loss), label: `${r.name} train`, mode: 'line' as const },
    { x: epochs(r), y: r.epochs.map((e) => e.valLoss), label: `${r.name} validation`, mode: 'line' as const },
  ]);
  const auc: PlotSeries[] = runs.map((r) => ({
    x: epochs(r),
    y: r.epochs.map((e) => e.valAuc),
    label: r.name,
    mode: 'line' as const,
  }));
  const roc: PlotSeries[] = runs
    .filter((r) => r.roc.length)
    .map((r) => ({
      x: r.roc.map((p) => p.fpr),
      y: r.roc.map((p) => p.tpr),
      label: `${r.name} (AUC ${r.heldOut?.auc.toFixed(4) ?? '—'})`,
      mode: 'line' as const,
    }));
  return (
    <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
      <Box data-testid="curve-loss">
        <Plot series={loss} width={340} height={230} xLabel="epoch" yLabel="loss" title="Loss per epoch" />
      </Box>
      <Box data-testid="curve-auc">
        <Plot series={auc} width={340} height={230} xLabel="epoch" yLabel="AUC" title="Validation AUC per epoch" />
      </Box>
      <Box data-testid="curve-roc">
        <Plot
          series={roc}
          width={340}
          height={230}
          xLabel="false-positive rate"
          yLabel="true-positive rate"
          title="Held-out ROC"
          minSpan={{ x: 1, y: 1 }}
        />
      </Box>
    </Box>
  );
}
