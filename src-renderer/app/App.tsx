import {
  AppBar,
  Box,
  CssBaseline,
  Dialog,
  DialogContent,
  DialogTitle,
  IconButton,
  Tab,
  Tabs,
  Toolbar,
  Tooltip,
  Typography,
} from '@mui/material';
import { ThemeProvider } from '@mui/material/styles';
import { useEffect, useState, type ReactNode } from 'react';
import { helpRows } from '../../src-main/common/shortcuts.js';
import { onConnectionChange, type ConnectionState } from '../api/bridge.js';
import { useEvent, useInvoke } from '../api/hooks.js';
import { KeyTable } from '../components/KeyTable.js';
import { CatalogView } from '../features/catalog/CatalogView.js';
import { CurationView } from '../features/curation/CurationView.js';
import { DatasetsView } from '../features/datasets/DatasetsView.js';
import { FramesView } from '../features/frames/FramesView.js';
import { ModelsView } from '../features/models/ModelsView.js';
import { PipelineView } from '../features/pipeline/PipelineView.js';
import { ViewerView } from '../features/viewer/ViewerView.js';
import { ConnectionBanner, ConnectionChip } from './ConnectionBanner.js';
import { navigate, useRoute, VIEW_LABELS, VIEWS, type ViewName } from './route.js';
import { useKeyboard } from './shortcuts.js';
import { themes, type ThemeMode } from './theme.js';

// The shared shortcut table (also the Electron menu's), by view; only the mouse gestures are written here.
const GLOBAL_SHORTCUTS: Array<[string, string]> = [
  ...helpRows('global'),
  ...helpRows('frames').map(([key, what]): [string, string] => [key, `Frames: ${what}`]),
  [
    'Viewer mouse',
    'scroll = zoom, drag = pan, Shift+drag = zoom to selection, drag a region to move it while drawing (a polygon’s vertex handle moves that vertex)',
  ],
  ...helpRows('viewer').map(([key, what]): [string, string] => [key, `Viewer: ${what}`]),
  ...helpRows('curation').map(([key, what]): [string, string] => [key, `Curation: ${what}`]),
];

function useThemeMode(): [ThemeMode, () => void] {
  const [mode, setMode] = useState<ThemeMode>(() => (localStorage.getItem('owb-theme') === 'night' ? 'night' : 'dark'));
  const toggle = (): void =>
    setMode((m) => {
      const next = m === 'night' ? 'dark' : 'night';
      localStorage.setItem('owb-theme', next);
      return next;
    });
  return [mode, toggle];
}

function ViewBody({ view, params }: { view: ViewName; params: URLSearchParams }): ReactNode {
  switch (view) {
    case 'frames':
      return <FramesView />;
    case 'viewer':
      return (
        <ViewerView
          frameId={params.get('frame') ? Number(params.get('frame')) : null}
          focus={params.get('x') && params.get('y') ? { x: Number(params.get('x')), y: Number(params.get('y')) } : null}
        />
      );
    case 'curation':
      return <CurationView />;
    case 'catalog':
      return <CatalogView />;
    case 'pipeline':
      return <PipelineView />;
    case 'datasets':
      return <DatasetsView />;
    case 'models':
      return <ModelsView />;
  }
}

/** The application shell: top bar with the views, workspace status, night-mode switch and help. */
export function App(): ReactNode {
  const route = useRoute();
  const [mode, toggleMode] = useThemeMode();
  const [help, setHelp] = useState(false);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  useEffect(() => onConnectionChange(setConnection), []);
  const info = useInvoke('owb:workspace.info', {});
  // Keep the counts in the top bar current as the pipeline and curators change the catalog.
  useEvent('owb:frames.added', info.reload);
  useEvent('owb:sources.added', info.reload);
  useEvent('owb:labels.changed', info.reload);
  useKeyboard((e) => {
    if (e.altKey && e.key >= '1' && e.key <= String(VIEWS.length)) {
      navigate(VIEWS[Number(e.key) - 1]);
      return true;
    }
    if (e.altKey && (e.key === 'n' || e.key === 'N')) {
      toggleMode();
      return true;
    }
    if (e.key === 'F1') {
      setHelp((h) => !h);
      return true;
    }
  });
  const counts = info.data?.counts;
  return (
    <ThemeProvider theme={themes[mode]}>
      <CssBaseline />
      <Box
        sx={{ display: 'flex', flexDirection: 'column', height: '100vh', bgcolor: 'background.default' }}
        data-theme-mode={mode}
      >
        <AppBar
          position="static"
          color="default"
          elevation={0}
          sx={{ borderBottom: 1, borderColor: 'divider', bgcolor: 'background.paper' }}
        >
          <Toolbar variant="dense" sx={{ gap: 2 }}>
            <Typography variant="subtitle1" sx={{ fontWeight: 700, whiteSpace: 'nowrap' }} color="primary">
              ✶ Observatory Workbench
            </Typography>
            <Tabs
              value={route.view}
              onChange={(_, v: ViewName) => navigate(v)}
              textColor="primary"
              indicatorColor="primary"
              sx={{ minHeight: 40 }}
            >
              {VIEWS.map((v, i) => (
                <Tab
                  key={v}
                  value={v}
                  label={VIEW_LABELS[v]}
                  title={`${VIEW_LABELS[v]} (Alt+${i + 1})`}
                  sx={{ minHeight: 40, py: 0 }}
                  data-testid={`nav-${v}`}
                />
              ))}
            </Tabs>
            <Box sx={{ flex: 1 }} />
            {counts && (
              <Typography
                variant="caption"
                color="text.secondary"
                sx={{ whiteSpace: 'nowrap' }}
                data-testid="workspace-counts"
              >
                {counts.frames} frame{counts.frames === 1 ? '' : 's'} · {counts.sources.toLocaleString()} sources ·{' '}
                {counts.labels} labels
              </Typography>
            )}
            <ConnectionChip state={connection} root={info.data?.root ?? ''} />
            <Tooltip title="Night mode: red on black (Alt+N)">
              <IconButton
                onClick={toggleMode}
                aria-label="toggle night mode"
                color={mode === 'night' ? 'primary' : 'default'}
                data-testid="night-toggle"
              >
                {mode === 'night' ? '☾' : '☀'}
              </IconButton>
            </Tooltip>
            <IconButton onClick={() => setHelp(true)} aria-label="keyboard shortcuts">
              ?
            </IconButton>
          </Toolbar>
        </AppBar>
        <ConnectionBanner state={connection} />
        <Box
          component="main"
          sx={{ flex: 1, minHeight: 0, p: 1.5, display: 'flex', flexDirection: 'column' }}
          data-testid={`view-${route.view}`}
        >
          <ViewBody view={route.view} params={route.params} />
        </Box>
        <Dialog open={help} onClose={() => setHelp(false)} maxWidth="sm" fullWidth>
          <DialogTitle>Keyboard shortcuts</DialogTitle>
          <DialogContent>
            <KeyTable rows={GLOBAL_SHORTCUTS} testId="global-help" />
          </DialogContent>
        </Dialog>
      </Box>
    </ThemeProvider>
  );
}
