import {
  Alert,
  Box,
  Button,
  FormControlLabel,
  LinearProgress,
  MenuItem,
  Paper,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { PixelsDto, SynthRunStatus } from '../../../src-main/common/workbench-dto.js';
import { SYNTH_SCHEMA, validateSynthConfig, type SynthField } from '../../../src-workers/core/synth/config.js';
import { bridge, call } from '../../api/bridge.js';
import { readViewState, useKeptScroll, useViewState, writeViewState } from '../../app/view-state.js';
import { useEvent, useInvoke } from '../../api/hooks.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { PixelImage } from '../../components/PixelImage.js';

type Config = Record<string, Record<string, unknown>>;

function fieldInput(
  field: SynthField,
  value: unknown,
  error: string | undefined,
  onChange: (v: unknown) => void,
): ReactNode {
  const label = `${field.key}${field.unit ? ` (${field.unit})` : ''}`;
  if (field.kind === 'boolean') {
    return (
      <FormControlLabel
        key={field.key}
        control={<Switch checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} />}
        label={field.key}
        title={field.description}
      />
    );
  }
  if (field.kind === 'enum') {
    return (
      <TextField
        key={field.key}
        select
        label={label}
        value={String(value)}
        onChange={(e) => onChange(e.target.value)}
        helperText={error ?? field.description}
        error={Boolean(error)}
        sx={{ width: 200 }}
      >
        {(field.options ?? []).map((o) => (
          <MenuItem key={o} value={o}>
            {o}
          </MenuItem>
        ))}
      </TextField>
    );
  }
  return (
    <TextField
      key={field.key}
      label={label}
      value={value === undefined ? '' : String(value)}
      onChange={(e) =>
        onChange(
          e.target.value.trim() === ''
            ? ''
            : Number.isFinite(Number(e.target.value))
              ? Number(e.target.value)
              : e.target.value,
        )
      }
      error={Boolean(error)}
      helperText={error ?? field.description}
      sx={{ width: 200 }}
      slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': `synth-${field.section}-${field.key}` } }}
    />
  );
}

/** " · 850 images/s · 12 s left" while a run goes, its rate once done. */
function rateText(run: SynthRunStatus): string {
  if (run.rate === null) return '';
  const rate = ` · ${run.rate >= 100 ? run.rate.toFixed(0) : run.rate.toPrecision(2)} images/s`;
  if (run.state !== 'running' || run.secondsLeft === null) return rate;
  const left = run.secondsLeft;
  const time =
    left < 60 ? `${Math.ceil(left)} s` : left < 3600 ? `${Math.ceil(left / 60)} min` : `${(left / 3600).toFixed(1)} h`;
  return `${rate} · ${time} left`;
}

// A run goes on while another view is shown: its progress is kept so the view shows it on return.
bridge.on('owb:synth.progress', (status) => {
  const run = readViewState<SynthRunStatus | null>('datasets.run');
  if (run && run.runId === status.runId) writeViewState('datasets.run', status);
});

/** Datasets: the synthetic-dataset configuration as a form with inline validation, a preview grid, and a run with progress. */
export function DatasetsView(): ReactNode {
  const defaults = useInvoke('owb:synth.defaults', {});
  // Leaving the view keeps the form, the preview, the run and the scroll position (issue 26).
  const [config, setConfig] = useViewState<Config | null>('datasets.config', null);
  const [outDir, setOutDir] = useViewState('datasets.outDir', '');
  const [previews, setPreviews] = useViewState<PixelsDto[]>('datasets.previews', []);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [run, setRun] = useViewState<SynthRunStatus | null>('datasets.run', null);
  const formBox = useRef<HTMLDivElement>(null);
  useKeptScroll('datasets.form', formBox, config !== null);
  useEffect(() => {
    if (defaults.data && !config) setConfig(defaults.data as Config);
  }, [defaults.data, config]);
  // Validation runs locally with the same pure validator the services use, so errors show as you type.
  const errors = useMemo(() => {
    const map = new Map<string, string>();
    if (config) for (const e of validateSynthConfig(config).errors) map.set(e.key, e.message);
    return map;
  }, [config]);
  useEvent('owb:synth.progress', (status) => {
    if (run && status.runId !== run.runId) return;
    setRun(status);
    // A cancelled run continues when generated into the same folder again.
    if (status.state === 'cancelled') setOutDir(status.outDir);
  });
  const sections = useMemo(() => [...new Set(SYNTH_SCHEMA.map((f) => f.section))], []);
  const preview = (): void => {
    if (!config) return;
    call('owb:synth.preview', { config, count: 8, sizePx: 128 }).then(
      (images) => {
        setPreviews(images);
        setPreviewError(null);
      },
      (e: unknown) => setPreviewError(e instanceof Error ? e.message : String(e)),
    );
  };
  // The preview follows the form: re-rendered shortly after the last valid edit.
  useEffect(() => {
    if (!config || errors.size > 0) return;
    const timer = setTimeout(preview, previews.length === 0 ? 0 : 400);
    return () => clearTimeout(timer);
  }, [config, errors]);
  const set = (section: string, key: string, value: unknown): void =>
    setConfig((c) => (c ? { ...c, [section]: { ...c[section], [key]: value } } : c));
  const running = run?.state === 'running';
  return (
    <Box sx={{ display: 'flex', gap: 1.5, height: '100%', minHeight: 0 }}>
      <Box ref={formBox} sx={{ flex: 1, overflow: 'auto', minWidth: 0 }} data-testid="synth-form">
        <Typography variant="h6">Synthetic dataset</Typography>
        <ErrorNote error={defaults.error} />
        {config &&
          sections.map((section) => (
            <Paper key={section} variant="outlined" sx={{ p: 1.5, mb: 1 }}>
              <Typography variant="subtitle2" sx={{ mb: 1 }}>
                {section}
              </Typography>
              <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5 }}>
                {SYNTH_SCHEMA.filter((f) => f.section === section).map((f) =>
                  fieldInput(f, config[section]?.[f.key], errors.get(`${section}.${f.key}`), (v) =>
                    set(section, f.key, v),
                  ),
                )}
              </Box>
            </Paper>
          ))}
      </Box>
      <Paper variant="outlined" sx={{ width: 560, flex: 'none', p: 1.5, overflow: 'auto' }}>
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
          <Typography variant="subtitle1" sx={{ flex: 1 }}>
            Preview
          </Typography>
          <Button variant="outlined" onClick={preview} disabled={errors.size > 0}>
            Refresh preview
          </Button>
        </Box>
        {errors.size > 0 && (
          <Alert severity="warning" sx={{ my: 1 }} data-testid="synth-errors">
            {errors.size} setting{errors.size > 1 ? 's need' : ' needs'} fixing: {[...errors.values()][0]}
          </Alert>
        )}
        {previewError && <Alert severity="error">{previewError}</Alert>}
        <Box
          sx={{ display: 'grid', gridTemplateColumns: 'repeat(4, 128px)', gap: 1, my: 1 }}
          data-testid="synth-previews"
        >
          {previews.map((p, i) => (
            <Box key={i}>
              <PixelImage pixels={p} sizePx={128} label={`sample ${i}`} />
              <Typography variant="caption" color="text.secondary">
                #{i} {p.caption ?? ''}
              </Typography>
            </Box>
          ))}
        </Box>
        <Typography variant="subtitle1" sx={{ mt: 2 }}>
          Generate
        </Typography>
        <TextField
          label="Output folder (default: workspace/datasets/…)"
          value={outDir}
          onChange={(e) => setOutDir(e.target.value)}
          fullWidth
          sx={{ my: 1 }}
        />
        <Box sx={{ display: 'flex', gap: 1 }}>
          <Button
            variant="contained"
            disabled={!config || errors.size > 0 || running}
            onClick={() =>
              config &&
              void call('owb:synth.run', { config, outDir: outDir.trim() || undefined }).then(setRun, (e: unknown) =>
                setPreviewError(String(e)),
              )
            }
            data-testid="synth-run"
          >
            {run?.state === 'cancelled' && outDir === run.outDir ? 'Continue dataset' : 'Generate dataset'}
          </Button>
          {running && (
            <Button
              variant="outlined"
              color="warning"
              onClick={() =>
                void call('owb:synth.cancel', { runId: run.runId }).catch((e: unknown) => setPreviewError(String(e)))
              }
              data-testid="synth-cancel"
            >
              Cancel
            </Button>
          )}
        </Box>
        {run && (
          <Box sx={{ mt: 1 }} data-testid="synth-progress">
            <LinearProgress
              variant="determinate"
              value={run.total ? (100 * run.done) / run.total : 0}
              color={run.state === 'failed' ? 'error' : run.state === 'cancelled' ? 'warning' : 'primary'}
            />
            <Typography variant="body2" sx={{ mt: 0.5 }}>
              {run.state}: {run.done} of {run.total || '?'} images{rateText(run)} → {run.outDir}
            </Typography>
            {run.error && <Alert severity={run.state === 'cancelled' ? 'info' : 'error'}>{run.error}</Alert>}
          </Box>
        )}
      </Paper>
    </Box>
  );
}
