import { Alert, Box, Button, Chip, LinearProgress, MenuItem, Paper, TextField, Typography } from '@mui/material';
import { useMemo, useState, type ReactNode } from 'react';
import type { JobRow, MasterRow } from '../../../src-main/common/workbench-dto.js';
import { ApiError, call } from '../../api/bridge.js';
import { useEvent, useInvoke } from '../../api/hooks.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { VirtualTable, type Column } from '../../components/VirtualTable.js';

const STATE_COLOUR: Record<string, 'default' | 'success' | 'warning' | 'error' | 'info'> = {
  done: 'success',
  failed: 'error',
  running: 'info',
  queued: 'warning',
};

function jobColumns(onRetry: (job: JobRow) => void): Column<JobRow>[] {
  return [
    { key: 'id', header: 'Job', width: 60, align: 'right', value: (j) => j.id },
    { key: 'kind', header: 'Kind', width: 130, value: (j) => j.kind },
    {
      key: 'file',
      header: 'File',
      width: 260,
      value: (j) => j.path?.split('/').pop() ?? '',
      render: (j) => (
        <span title={j.path ?? ''}>{j.path?.split('/').pop() ?? (j.frameId ? `frame ${j.frameId}` : '—')}</span>
      ),
    },
    {
      key: 'state',
      header: 'State',
      width: 100,
      value: (j) => j.state,
      render: (j) => (
        <Chip
          size="small"
          variant="outlined"
          label={j.state}
          color={STATE_COLOUR[j.state] ?? 'default'}
          data-testid={`job-state-${j.id}`}
        />
      ),
    },
    {
      key: 'progress',
      header: 'Progress',
      width: 140,
      render: (j) => (
        <LinearProgress
          variant={j.state === 'running' && j.progress == null ? 'indeterminate' : 'determinate'}
          value={j.state === 'done' ? 100 : 100 * (j.progress ?? 0)}
          color={j.state === 'failed' ? 'error' : 'primary'}
        />
      ),
    },
    { key: 'attempts', header: 'Tries', width: 60, align: 'right', value: (j) => j.attempts },
    {
      key: 'duration',
      header: 'Time (s)',
      width: 80,
      align: 'right',
      value: (j) => duration(j),
      render: (j) => (duration(j) == null ? '—' : duration(j)!.toFixed(2)),
    },
    {
      key: 'finished',
      header: 'Finished',
      width: 180,
      value: (j) => j.finishedAt,
      render: (j) => j.finishedAt?.replace('T', ' ').slice(0, 19) ?? '—',
    },
    {
      key: 'error',
      header: 'Error',
      width: 320,
      value: (j) => j.error,
      render: (j) => <span title={j.error ?? ''}>{j.error ?? ''}</span>,
    },
    {
      key: 'retry',
      header: '',
      width: 80,
      render: (j) => (j.state === 'failed' ? <Button onClick={() => onRetry(j)}>Retry</Button> : null),
    },
  ];
}

function duration(j: JobRow): number | null {
  return j.startedAt && j.finishedAt ? (Date.parse(j.finishedAt) - Date.parse(j.startedAt)) / 1000 : null;
}

/** Pipeline: watched folders and profiles, the job queue with progress and errors, and the masters library. */
export function PipelineView(): ReactNode {
  const folders = useInvoke('owb:watch.list', {});
  const profiles = useInvoke('owb:watch.profiles', {});
  const jobs = useInvoke('owb:jobs.list', { limit: 2000 });
  const stats = useInvoke('owb:pipeline.stats', {});
  const masters = useInvoke('owb:masters.list', {});
  const [path, setPath] = useState('');
  const [profile, setProfile] = useState('default');
  const [problem, setProblem] = useState<string | null>(null);
  // A folder outside the workspace is added only after the user confirms it (then watched read-only).
  const [outsidePrompt, setOutsidePrompt] = useState<string | null>(null);
  const addFolder = (allowOutside: boolean): void => {
    setOutsidePrompt(null);
    call('owb:watch.add', { path, profile, ...(allowOutside ? { allowOutside } : {}) }).then(
      () => {
        setPath('');
        setProblem(null);
        folders.reload();
        jobs.reload();
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.code === 'OUTSIDE_WORKSPACE' && !allowOutside) setOutsidePrompt(e.message);
        else setProblem(e instanceof Error ? e.message : String(e));
      },
    );
  };
  useEvent('owb:jobs.changed', () => {
    jobs.reload();
    stats.reload();
  });
  const act = (p: Promise<unknown>): void => {
    p.then(
      () => {
        setProblem(null);
        folders.reload();
        jobs.reload();
      },
      (e: unknown) => setProblem(e instanceof Error ? e.message : String(e)),
    );
  };
  const columns = useMemo(() => jobColumns((j) => act(call('owb:jobs.retry', { jobId: j.id }))), []);
  const source = useMemo(() => ({ kind: 'array' as const, rows: jobs.data ?? [] }), [jobs.data]);
  const byState = stats.data?.jobsByState ?? {};
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, height: '100%', minHeight: 0 }}>
      <Box sx={{ display: 'flex', gap: 1.5 }}>
        <Paper variant="outlined" sx={{ p: 1.5, flex: 2 }}>
          <Typography variant="subtitle1">Watched folders</Typography>
          {(folders.data ?? []).map((f) => (
            <Box
              key={f.id}
              sx={{ display: 'flex', alignItems: 'center', gap: 1, py: 0.5 }}
              data-testid="watched-folder"
            >
              <Chip
                size="small"
                label={f.paused ? 'paused' : f.state === 'failed' ? 'failed' : 'watching'}
                color={f.paused ? 'default' : f.state === 'failed' ? 'error' : 'success'}
                variant="outlined"
                title={f.reason ?? undefined}
                data-testid="watched-folder-state"
              />
              {f.outsideWorkspace && (
                <Chip size="small" label="outside workspace · read-only" variant="outlined" color="warning" />
              )}
              <Box sx={{ flex: 1, minWidth: 0 }}>
                <Typography
                  sx={{ fontFamily: 'monospace', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
                  title={f.path}
                >
                  {f.path}
                </Typography>
                {f.state === 'failed' && f.reason && (
                  <Typography
                    variant="caption"
                    color="error"
                    component="div"
                    sx={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
                    title={f.reason}
                    data-testid="watched-folder-reason"
                  >
                    {f.reason}
                  </Typography>
                )}
              </Box>
              <Typography variant="caption" color="text.secondary">
                profile {f.profile}
              </Typography>
              <Button onClick={() => act(call('owb:watch.setPaused', { id: f.id, paused: !f.paused }))}>
                {f.paused ? 'Resume' : 'Pause'}
              </Button>
              <Button color="error" onClick={() => act(call('owb:watch.remove', { id: f.id }))}>
                Remove
              </Button>
            </Box>
          ))}
          {folders.data?.length === 0 && <Typography color="text.secondary">No watched folders.</Typography>}
          <Box
            component="form"
            sx={{ display: 'flex', gap: 1, mt: 1 }}
            onSubmit={(e) => (e.preventDefault(), addFolder(false))}
          >
            <TextField
              label="Folder to watch"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              sx={{ flex: 1 }}
              slotProps={{ htmlInput: { 'data-testid': 'watch-path' } }}
            />
            <TextField
              select
              label="Profile"
              value={profile}
              onChange={(e) => setProfile(e.target.value)}
              sx={{ width: 140 }}
            >
              {(profiles.data ?? ['default']).map((p) => (
                <MenuItem key={p} value={p}>
                  {p}
                </MenuItem>
              ))}
            </TextField>
            <Button type="submit" variant="contained" disabled={!path.trim()} data-testid="watch-add">
              Add
            </Button>
          </Box>
          {outsidePrompt && (
            <Alert
              severity="warning"
              sx={{ mt: 1 }}
              data-testid="watch-outside-confirm"
              action={
                <>
                  <Button color="inherit" size="small" onClick={() => addFolder(true)}>
                    Watch read-only
                  </Button>
                  <Button color="inherit" size="small" onClick={() => setOutsidePrompt(null)}>
                    Cancel
                  </Button>
                </>
              }
            >
              {outsidePrompt}
            </Alert>
          )}
          {problem && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {problem}
            </Alert>
          )}
          <ErrorNote error={folders.error} />
        </Paper>
        <Paper variant="outlined" sx={{ p: 1.5, flex: 1 }}>
          <Typography variant="subtitle1">Throughput</Typography>
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', my: 1 }}>
            {['queued', 'running', 'done', 'failed'].map((s) => (
              <Chip
                key={s}
                label={`${s} ${byState[s] ?? 0}`}
                color={STATE_COLOUR[s]}
                variant="outlined"
                data-testid={`jobs-${s}`}
              />
            ))}
          </Box>
          <Typography variant="body2">
            Rate (last 10 min): {stats.data?.framesPerMinute?.toFixed(2) ?? '—'} frames/min
          </Typography>
          <Typography variant="body2">
            Median job time:{' '}
            {stats.data?.medianLatencySec != null ? `${stats.data.medianLatencySec.toFixed(2)} s` : '—'}
          </Typography>
        </Paper>
        <Paper variant="outlined" sx={{ p: 1.5, flex: 1, overflow: 'auto', maxHeight: 220 }}>
          <Typography variant="subtitle1">Masters library</Typography>
          {(masters.data ?? []).map((m: MasterRow) => (
            <Typography key={m.id} variant="body2" sx={{ fontFamily: 'monospace' }} title={m.path}>
              {m.kind} {m.filter ?? ''} {m.exposureSec != null ? `${m.exposureSec}s` : ''} ·{' '}
              {m.createdAt?.slice(0, 10) ?? ''}
            </Typography>
          ))}
          {masters.data?.length === 0 && <Typography color="text.secondary">No masters built yet.</Typography>}
        </Paper>
      </Box>
      <Typography variant="subtitle1">Jobs</Typography>
      <ErrorNote error={jobs.error} />
      <Box sx={{ flex: 1, minHeight: 200 }}>
        <VirtualTable testId="jobs-table" columns={columns} source={source} rowKey={(j) => j.id} rowHeight={32} />
      </Box>
    </Box>
  );
}
