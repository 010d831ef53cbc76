import {
  Alert,
  Box,
  Button,
  Checkbox,
  Chip,
  LinearProgress,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import type { ReactNode } from 'react';
import type { ModelRun } from '../../../src-main/common/models-dto.js';
import { RunComparison } from './RunComparison.js';
import { RunCurves } from './RunCurves.js';
import { TrainPanel } from './TrainPanel.js';
import { useModels } from './useModels.js';

const STATUS_COLOUR: Record<ModelRun['status'], 'success' | 'warning' | 'info'> = {
  finished: 'success',
  interrupted: 'warning',
  running: 'info',
};

const num = (v: number | undefined, digits = 4): string => (v === undefined ? '—' : v.toFixed(digits));

/**
 * Models: the workspace's training runs (owb train), their curves per epoch and held-out ROC, a
 * comparison of two runs, and "make active" (the model the pipeline and curation score with).
 */
export function ModelsView(): ReactNode {
  const m = useModels();
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2, height: '100%', minHeight: 0, overflow: 'auto' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
        <Typography variant="h6">Models</Typography>
        <Typography variant="body2" color="text.secondary">
          Runs of <code>owb train</code> (or Train below) in this workspace. Tick one or two to plot and compare them.
        </Typography>
        <Box sx={{ flex: 1 }} />
        <Button
          variant="outlined"
          disabled={m.scoring || !m.runs.some((r) => r.active && r.task === 'realbogus')}
          onClick={() => void m.scoreCandidates()}
          title="the active real/bogus model scores the catalog's transient candidates it has not scored yet"
        >
          Score candidates
        </Button>
        <Button onClick={m.reload}>Refresh</Button>
      </Box>
      <TrainPanel onEnded={m.reload} />
      {m.scoring && <LinearProgress />}
      {m.scoreNote && (
        <Alert severity="info" data-testid="score-note">
          {m.scoreNote}
        </Alert>
      )}
      {m.error && (
        <Alert severity="error" data-testid="models-error">
          {m.error}
        </Alert>
      )}
      {m.loading && <LinearProgress />}
      {!m.loading && m.runs.length === 0 && (
        <Typography color="text.secondary">
          No training runs yet: <i>Train</i> above, or <code>owb train --task realbogus --db CATALOG --out RUN</code>,
          trains on your curated candidates.
        </Typography>
      )}
      {m.runs.length > 0 && (
        <Paper variant="outlined">
          <Table size="small" data-testid="runs-table">
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox" />
                <TableCell>Run</TableCell>
                <TableCell>Task</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Started</TableCell>
                <TableCell align="right">Epochs</TableCell>
                <TableCell align="right">Held-out AUC</TableCell>
                <TableCell align="right">TPR at 1 % FPR</TableCell>
                <TableCell align="right">Accuracy</TableCell>
                <TableCell>Data</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {m.runs.map((r) => (
                <TableRow key={r.id} hover selected={m.chosen.includes(r.id)} data-testid={`run-${r.name}`}>
                  <TableCell padding="checkbox">
                    <Checkbox
                      checked={m.chosen.includes(r.id)}
                      onChange={() => m.toggle(r.id)}
                      slotProps={{ input: { 'aria-label': `choose ${r.name}` } }}
                    />
                  </TableCell>
                  <TableCell title={r.id}>
                    {r.name}{' '}
                    {r.active && <Chip size="small" color="primary" label="active" data-testid="active-chip" />}
                  </TableCell>
                  <TableCell>{r.task}</TableCell>
                  <TableCell>
                    <Chip size="small" variant="outlined" label={r.status} color={STATUS_COLOUR[r.status]} />
                  </TableCell>
                  <TableCell>{r.createdAt.replace('T', ' ').slice(0, 16)}</TableCell>
                  <TableCell align="right">{r.epochs.length}</TableCell>
                  <TableCell align="right">{num(r.heldOut?.auc)}</TableCell>
                  <TableCell align="right">{num(r.heldOut?.tprAtFpr1)}</TableCell>
                  <TableCell align="right">{num(r.heldOut?.accuracy)}</TableCell>
                  <TableCell title={`${r.dataset.dir} (hash ${r.dataset.hash})`}>
                    {r.dataset.layout}:{' '}
                    {Object.entries(r.dataset.counts)
                      .map(([k, n]) => `${n} ${k}`)
                      .join(', ')}
                  </TableCell>
                  <TableCell>
                    <Button
                      size="small"
                      variant="outlined"
                      disabled={r.active || r.status !== 'finished'}
                      onClick={() => void m.activate(r.id)}
                    >
                      Make active
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      )}
      {m.details.length > 0 && (
        <>
          <RunCurves runs={m.details} />
          <RunComparison runs={m.details} />
        </>
      )}
    </Box>
  );
}
