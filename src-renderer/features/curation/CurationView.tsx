import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  LinearProgress,
  MenuItem,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { useState, type ReactNode } from 'react';
import type { CurationFilter } from '../../../src-main/common/workbench-dto.js';
import { call } from '../../api/bridge.js';
import { navigate } from '../../app/route.js';
import { useKeyboard } from '../../app/shortcuts.js';
import { useViewState } from '../../app/view-state.js';
import { saveExport } from '../../components/Downloads.js';
import { FrameSelect } from '../../components/FrameSelect.js';
import { KeyTable } from '../../components/KeyTable.js';
import { CURATION_HELP, labelForKey } from './labels.js';
import { RetrainHint } from './RetrainHint.js';
import { StampPanel } from './StampPanel.js';
import { useCurationQueue } from './useCurationQueue.js';

const ORDERS: Array<[NonNullable<CurationFilter['order']>, string]> = [
  ['id', 'as found'],
  ['uncertainty', 'most uncertain first'],
  ['score', 'score, highest first'],
  ['scoreAscending', 'score, lowest first'],
];

/** A score bound from a text field: empty is none; kept within [0, 1]. */
function scoreBound(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : undefined;
}

/** Curation: a filtered queue of detections or candidates, decided one by one from the keyboard. */
export function CurationView(): ReactNode {
  const [filter, setFilter] = useViewState<CurationFilter>('curation.filter', {
    kind: 'detection',
    unlabelledOnly: false,
    limit: 5000,
  });
  // Score order and bounds apply to candidates (the active model scores transient candidates only).
  const queue = useCurationQueue(
    filter.kind === 'candidate' ? filter : { ...filter, order: undefined, minScore: undefined, maxScore: undefined },
  );
  const [help, setHelp] = useState(false);
  const item = queue.items[queue.index];

  useKeyboard((e) => {
    // Ctrl+Z (⌘Z) undoes, as everywhere else; U stays the one-key shortcut.
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z') {
      void queue.undo();
      return true;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key === '?') {
      setHelp((h) => !h);
      return true;
    }
    const label = labelForKey(e.key);
    if (label && item) {
      window.__owbLastCurationKeyAt = performance.now();
      void queue.decide(label);
      return true;
    }
    if ((e.key === 'v' || e.key === 'V') && item) {
      navigate('viewer', { frame: item.frameId, x: item.x.toFixed(2), y: item.y.toFixed(2) });
      return true;
    }
    if ((e.key === 'o' || e.key === 'O') && filter.kind === 'candidate') {
      const at = ORDERS.findIndex(([value]) => value === (filter.order ?? 'id'));
      setFilter({ ...filter, order: ORDERS[(at + 1) % ORDERS.length][0] });
      return true;
    }
    if (e.key === 'u' || e.key === 'U') {
      void queue.undo();
      return true;
    }
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
      window.__owbLastCurationKeyAt = performance.now();
      queue.setIndex(queue.index + 1);
      return true;
    }
    if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
      queue.setIndex(queue.index - 1);
      return true;
    }
    return false;
  });

  const total = queue.items.length;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0, gap: 1 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="h6" sx={{ mr: 1 }}>
          Curation
        </Typography>
        <TextField
          select
          label="Queue"
          value={filter.kind}
          onChange={(e) => setFilter({ ...filter, kind: e.target.value as CurationFilter['kind'] })}
          sx={{ width: 140 }}
        >
          <MenuItem value="detection">detections</MenuItem>
          <MenuItem value="candidate">candidates</MenuItem>
        </TextField>
        <FrameSelect value={filter.frameId} onChange={(frameId) => setFilter({ ...filter, frameId })} />
        <TextField
          label="Min SNR"
          type="number"
          value={filter.minSnr ?? ''}
          onChange={(e) => setFilter({ ...filter, minSnr: e.target.value === '' ? undefined : Number(e.target.value) })}
          sx={{ width: 100 }}
        />
        <FormControlLabel
          control={
            <Switch
              checked={Boolean(filter.excludeFlags)}
              onChange={(e) => setFilter({ ...filter, excludeFlags: e.target.checked ? 0xffff : undefined })}
            />
          }
          label="Unflagged only"
        />
        <TextField
          select
          label="Order"
          value={filter.order ?? 'id'}
          disabled={filter.kind !== 'candidate'}
          onChange={(e) => setFilter({ ...filter, order: e.target.value as CurationFilter['order'] })}
          sx={{ width: 215 }}
          slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'curation-order' } as object } }}
        >
          {ORDERS.map(([value, text]) => (
            <MenuItem key={value} value={value}>
              {text}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          label="Score ≥"
          type="number"
          value={filter.minScore ?? ''}
          disabled={filter.kind !== 'candidate'}
          onChange={(e) => setFilter({ ...filter, minScore: scoreBound(e.target.value) })}
          slotProps={{ htmlInput: { min: 0, max: 1, step: 0.05 } }}
          sx={{ width: 95 }}
        />
        <TextField
          label="Score ≤"
          type="number"
          value={filter.maxScore ?? ''}
          disabled={filter.kind !== 'candidate'}
          onChange={(e) => setFilter({ ...filter, maxScore: scoreBound(e.target.value) })}
          slotProps={{ htmlInput: { min: 0, max: 1, step: 0.05 } }}
          sx={{ width: 95 }}
        />
        <FormControlLabel
          control={
            <Switch
              checked={Boolean(filter.unlabelledOnly)}
              onChange={(e) => setFilter({ ...filter, unlabelledOnly: e.target.checked })}
            />
          }
          label="Unlabelled only"
        />
        <Box sx={{ flex: 1 }} />
        <Button variant="outlined" onClick={() => void call('owb:labels.exportCsv', {}).then(saveExport)}>
          Export labels CSV
        </Button>
        <Button onClick={() => setHelp(true)}>Keys (?)</Button>
      </Box>
      <Box data-testid="curation-progress" sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
        <LinearProgress
          variant="determinate"
          value={total ? (100 * queue.labelled) / total : 0}
          sx={{ flex: 1, height: 8, borderRadius: 1 }}
        />
        <Typography variant="body2" sx={{ whiteSpace: 'nowrap' }}>
          {queue.labelled} of {total} labelled
        </Typography>
      </Box>
      {filter.kind === 'candidate' && <RetrainHint />}
      {queue.error && (
        <Alert severity="error" data-testid="curation-error">
          {queue.error}
        </Alert>
      )}
      {queue.loading && <LinearProgress />}
      {!queue.loading && total === 0 && (
        <Typography color="text.secondary">Nothing to curate for this filter.</Typography>
      )}
      {item && <StampPanel item={item} position={queue.index} total={total} />}
      <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap', mt: 1 }} aria-label="queue">
        {queue.items.slice(Math.max(0, queue.index - 20), queue.index + 40).map((it) => {
          const i = queue.items.indexOf(it);
          return (
            <Box
              key={`${it.kind}-${it.id}`}
              onClick={() => queue.setIndex(i)}
              title={`${it.kind} ${it.id}: ${it.label ?? 'unlabelled'}${it.modelScore != null ? `, score ${it.modelScore.toFixed(3)}` : ''}`}
              sx={{
                width: 14,
                height: 14,
                borderRadius: 0.5,
                cursor: 'pointer',
                border: i === queue.index ? 2 : 1,
                borderColor: i === queue.index ? 'primary.main' : 'divider',
                bgcolor:
                  it.label === 'accept'
                    ? 'success.main'
                    : it.label === 'reject'
                      ? 'error.main'
                      : it.label
                        ? 'secondary.main'
                        : 'transparent',
              }}
            />
          );
        })}
      </Box>
      <Typography variant="caption" color="text.secondary">
        A accept · R reject · 1–9 class · U or Ctrl+Z undo · ←/→ move · V view in frame · O order · ? help. Every
        decision is saved at once with its history.
      </Typography>
      <Dialog open={help} onClose={() => setHelp(false)}>
        <DialogTitle>Curation keys</DialogTitle>
        <DialogContent>
          <KeyTable rows={CURATION_HELP} testId="curation-help" />
        </DialogContent>
      </Dialog>
    </Box>
  );
}
