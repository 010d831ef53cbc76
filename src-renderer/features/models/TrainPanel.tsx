import { Alert, Box, Button, LinearProgress, Paper, TextField, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import type { TrainingStatus } from '../../../src-main/common/models-dto.js';
import { useTraining } from './useTraining.js';

function timeLeft(sec: number | null): string {
  if (sec === null) return 'time left: estimating';
  if (sec < 60) return `${sec} s left`;
  return `${Math.floor(sec / 60)} min ${sec % 60} s left`;
}

function progressText(s: TrainingStatus): string {
  const of = s.total > 0 ? ` (batch ${s.done} of ${s.total})` : '';
  return `${s.runName}: ${s.stage}${of} · ${timeLeft(s.secondsLeft)}`;
}

/**
 * Trains a real/bogus model on the catalog's accept/reject labels from the view, as `owb train --task
 * realbogus --db CATALOG` does (into the workspace's ml/runs/), with progress, time left and cancel.
 */
export function TrainPanel({ onEnded }: { onEnded: () => void }): ReactNode {
  const t = useTraining(onEnded);
  const [epochs, setEpochs] = useState('10');
  const n = Number(epochs);
  const valid = Number.isInteger(n) && n >= 1 && n <= 1000;
  const s = t.status;
  const running = s?.state === 'running';
  const fraction = s && s.total > 0 ? (100 * s.done) / s.total : undefined;
  return (
    <Paper
      variant="outlined"
      sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1 }}
      data-testid="train-panel"
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
        <Typography variant="subtitle2">Train real/bogus on the curated candidates</Typography>
        <TextField
          size="small"
          label="Epochs"
          value={epochs}
          onChange={(e) => setEpochs(e.target.value)}
          error={!valid}
          disabled={running}
          sx={{ width: 100 }}
          slotProps={{ htmlInput: { inputMode: 'numeric', 'aria-label': 'epochs' } }}
        />
        <Button variant="contained" disabled={running || !valid} onClick={() => void t.start('realbogus', n)}>
          Train
        </Button>
        <Button variant="outlined" color="warning" disabled={!running} onClick={() => void t.cancel()}>
          Cancel training
        </Button>
      </Box>
      {running && s && (
        <>
          <LinearProgress variant={fraction === undefined ? 'indeterminate' : 'determinate'} value={fraction} />
          <Typography variant="body2" data-testid="train-progress">
            {progressText(s)}
          </Typography>
        </>
      )}
      {s && !running && s.state !== 'idle' && (
        <Alert
          severity={s.state === 'finished' ? 'success' : s.state === 'cancelled' ? 'info' : 'error'}
          data-testid="train-result"
        >
          {s.runName}: {s.state}
          {s.message ? ` — ${s.message}` : ''}
        </Alert>
      )}
      {t.error && <Alert severity="error">{t.error}</Alert>}
    </Paper>
  );
}
