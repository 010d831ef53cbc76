import { Alert, Box, Button, Chip, Paper, Tab, Tabs, TextField, Typography } from '@mui/material';
import { useMemo, useState, type ReactNode } from 'react';
import type { ObjectRow, SourceRow } from '../../../src-main/common/workbench-dto.js';
import { flagNames, SourceFlag } from '../../../src-workers/core/catalog/flags.js';
import { call } from '../../api/bridge.js';
import { useEvent, useInvoke } from '../../api/hooks.js';
import { navigate } from '../../app/route.js';
import { useViewState } from '../../app/view-state.js';
import { saveExport } from '../../components/Downloads.js';
import { SendToMenu } from '../../components/SendToMenu.js';
import { FrameSelect } from '../../components/FrameSelect.js';
import { Plot } from '../../components/Plot.js';
import { VirtualTable, type Column, type SortState } from '../../components/VirtualTable.js';
import { ObjectsTable } from './ObjectsTable.js';
import { usePagedSources, type SourceFilter } from './usePagedSources.js';

const f = (v: number | null | undefined, d: number): string => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(d));

const flagTitle = (flags: number): string => (flags ? flagNames(flags).join(' + ') : 'no flags');

/** What each bit of the Flags column means (`core/catalog/flags`), shown under the table. */
function FlagLegend(): ReactNode {
  return (
    <Typography variant="caption" color="text.secondary" sx={{ mt: 0.5 }} data-testid="flag-legend">
      Flags (sum of bits):{' '}
      {(Object.entries(SourceFlag) as Array<[string, number]>)
        .map(([name, bit]) => `${bit} ${name.toLowerCase().replace(/_/g, ' ')}`)
        .join(' · ')}
    </Typography>
  );
}

const SOURCE_COLUMNS: Column<SourceRow>[] = [
  { key: 'id', header: 'Source', width: 80, align: 'right', render: (r) => String(r.id) },
  { key: 'frameId', header: 'Frame', width: 70, align: 'right', render: (r) => String(r.frameId) },
  { key: 'x', header: 'x (px)', width: 80, align: 'right', render: (r) => f(r.x, 2) },
  { key: 'y', header: 'y (px)', width: 80, align: 'right', render: (r) => f(r.y, 2) },
  { key: 'raDeg', header: 'RA (°)', width: 100, align: 'right', render: (r) => f(r.raDeg, 5) },
  { key: 'decDeg', header: 'Dec (°)', width: 100, align: 'right', render: (r) => f(r.decDeg, 5) },
  { key: 'flux', header: 'Flux (ADU)', width: 110, align: 'right', render: (r) => f(r.flux, 1) },
  { key: 'mag', header: 'Mag', width: 84, align: 'right', render: (r) => f(r.mag, 3) },
  { key: 'snr', header: 'SNR', width: 70, align: 'right', render: (r) => f(r.snr, 1) },
  { key: 'fwhmPx', header: 'FWHM', width: 70, align: 'right', render: (r) => f(r.fwhmPx, 2) },
  {
    key: 'flags',
    header: 'Flags',
    width: 60,
    align: 'right',
    render: (r) => <span title={flagTitle(r.flags)}>{r.flags}</span>,
  },
  {
    key: 'objectId',
    header: 'Object',
    width: 80,
    align: 'right',
    render: (r) => (r.objectId == null ? '—' : String(r.objectId)),
  },
];

/** Catalog: every source (paged, server-sorted), a cone search over objects, light curves and exports. */
export function CatalogView(): ReactNode {
  const [filter, setFilter] = useViewState<SourceFilter>('catalog.filter', { sortBy: 'id' });
  const [search, setSearch] = useViewState('catalog.search', '');
  const effective = useMemo(() => ({ ...filter, search: search.trim() || undefined }), [filter, search]);
  // Detections stream in as the pipeline commits frames: count them and re-read the table.
  const [live, setLive] = useState<{ count: number; frames: number; revision: number }>({
    count: 0,
    frames: 0,
    revision: 0,
  });
  useEvent('owb:sources.added', (e) =>
    setLive((l) => ({ count: l.count + e.count, frames: l.frames + 1, revision: l.revision + 1 })),
  );
  const { source, total, error } = usePagedSources(effective, live.revision);
  const [table, setTable] = useViewState<'sources' | 'objects'>('catalog.table', 'sources');
  const [selected, setSelected] = useViewState<SourceRow | null>('catalog.selected', null);
  const [selectedIndex, setSelectedIndex] = useViewState<number | undefined>('catalog.selectedIndex', undefined);
  const [cone, setCone] = useViewState('catalog.cone', { ra: '', dec: '', radius: '10' });
  const [coneHits, setConeHits] = useViewState<ObjectRow[] | null>('catalog.coneHits', null);
  const [coneError, setConeError] = useState<string | null>(null);
  const [objectId, setObjectId] = useViewState<number | null>('catalog.objectId', null);
  const curve = useInvoke('owb:objects.lightCurve', objectId === null ? null : { objectId });
  // What another SAMP tool pointed at or selected: shown, and the matching object's light curve opened.
  const [pointed, setPointed] = useState<string | null>(null);
  useEvent('owb:samp.selected', (s) => {
    if (s.kind === 'sky') {
      setCone({ ...cone, ra: s.raDeg.toFixed(6), dec: s.decDeg.toFixed(6) });
      if (s.objectId !== null) setObjectId(s.objectId);
      setPointed(
        `${s.from} pointed at RA ${s.raDeg.toFixed(5)}°, Dec ${s.decDeg.toFixed(5)}°: ${
          s.objectId === null
            ? 'no catalog object within 5″'
            : `object ${s.objectId}, ${f(s.separationArcsec, 2)}″ away`
        }`,
      );
    } else {
      if (s.sourceIds.length) setSearch(`#${s.sourceIds[0]}`);
      setPointed(`${s.from} selected source${s.sourceIds.length === 1 ? '' : 's'} ${s.sourceIds.join(', ')}`);
    }
  });
  const sort: SortState = { key: filter.sortBy ?? 'id', descending: Boolean(filter.descending) };

  const runCone = (): void => {
    call('owb:objects.cone', {
      raDeg: Number(cone.ra),
      decDeg: Number(cone.dec),
      radiusArcsec: Number(cone.radius),
    }).then(
      (hits) => {
        setConeHits(hits);
        setConeError(null);
        if (hits[0]) setObjectId(hits[0].id);
      },
      (e: unknown) => setConeError(e instanceof Error ? e.message : String(e)),
    );
  };
  const exportAs = (format: 'csv' | 'ecsv' | 'votable' | 'fits' | 'ds9' | 'ds9-icrs'): void =>
    void call('owb:catalog.export', { format, frameId: filter.frameId, minSnr: filter.minSnr }).then(saveExport);

  // Only this object's points: while another object's curve is loading, its points must not show under
  // this object's title.
  const points = curve.fresh ? (curve.data ?? []) : [];
  const filters = [...new Set(points.map((p) => p.filter ?? '?'))];
  return (
    <Box sx={{ display: 'flex', gap: 1.5, height: '100%', minHeight: 0 }}>
      <Box sx={{ flex: 1, display: 'flex', flexDirection: 'column', minWidth: 0, minHeight: 0 }}>
        <Tabs value={table} onChange={(_, v: 'sources' | 'objects') => setTable(v)} sx={{ minHeight: 36, mb: 1 }}>
          <Tab value="sources" label="Sources" sx={{ minHeight: 36, py: 0 }} data-testid="tab-sources" />
          <Tab value="objects" label="Objects" sx={{ minHeight: 36, py: 0 }} data-testid="tab-objects" />
        </Tabs>
        {table === 'objects' && <ObjectsTable onObject={setObjectId} />}
        {table === 'sources' && (
          <>
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 1, flexWrap: 'wrap' }}>
              <Typography variant="body2" color="text.secondary" data-testid="catalog-total">
                {total.toLocaleString()} rows
              </Typography>
              {live.frames > 0 && (
                <Chip
                  size="small"
                  color="success"
                  variant="outlined"
                  label={`live: +${live.count.toLocaleString()} detections from ${live.frames} frame${live.frames > 1 ? 's' : ''}`}
                  data-testid="catalog-live"
                />
              )}
              <FrameSelect value={filter.frameId} onChange={(frameId) => setFilter({ ...filter, frameId })} />
              <TextField
                label="Min SNR"
                type="number"
                value={filter.minSnr ?? ''}
                onChange={(e) =>
                  setFilter({ ...filter, minSnr: e.target.value === '' ? undefined : Number(e.target.value) })
                }
                sx={{ width: 100 }}
              />
              <TextField
                label="Search (#id, obj:id, file)"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                sx={{ width: 220 }}
              />
              <Box sx={{ flex: 1 }} />
              <Button variant="outlined" onClick={() => exportAs('csv')}>
                CSV
              </Button>
              <Button variant="outlined" onClick={() => exportAs('fits')}>
                FITS
              </Button>
              <Button variant="outlined" onClick={() => exportAs('votable')}>
                VOTable
              </Button>
              <Button variant="outlined" onClick={() => exportAs('ecsv')}>
                ECSV
              </Button>
              <Button variant="outlined" onClick={() => exportAs('ds9')}>
                DS9 regions
              </Button>
              <Button
                variant="outlined"
                disabled={filter.frameId === undefined}
                title="Sky regions use one frame's WCS: choose a frame"
                onClick={() => exportAs('ds9-icrs')}
              >
                DS9 sky regions
              </Button>
              <SendToMenu request={{ what: 'sources', frameId: filter.frameId }} testId="send-sources" />
            </Box>
            {pointed && (
              <Alert severity="info" data-testid="samp-selected" onClose={() => setPointed(null)}>
                {pointed}
              </Alert>
            )}
            {error && <Alert severity="error">{error}</Alert>}
            <Box sx={{ flex: 1, minHeight: 0 }}>
              <VirtualTable
                testId="sources-table"
                columns={SOURCE_COLUMNS}
                source={source}
                rowKey={(r) => r.id}
                sort={sort}
                onSortChange={(s) =>
                  setFilter({ ...filter, sortBy: s.key as SourceFilter['sortBy'], descending: s.descending })
                }
                onSelect={(r, i) => {
                  setSelected(r);
                  setSelectedIndex(i);
                  if (r.objectId != null) setObjectId(r.objectId);
                }}
                onOpen={(r) => navigate('viewer', { frame: r.frameId })}
                selectedIndex={selectedIndex}
              />
            </Box>
            <FlagLegend />
          </>
        )}
      </Box>
      <Paper
        variant="outlined"
        sx={{ width: 420, flex: 'none', p: 1.5, display: 'flex', flexDirection: 'column', gap: 1, overflow: 'auto' }}
      >
        <Typography variant="subtitle1">Cone search</Typography>
        <Box sx={{ display: 'flex', gap: 1 }}>
          <TextField
            label="RA (°)"
            value={cone.ra}
            onChange={(e) => setCone({ ...cone, ra: e.target.value })}
            sx={{ width: 110 }}
          />
          <TextField
            label="Dec (°)"
            value={cone.dec}
            onChange={(e) => setCone({ ...cone, dec: e.target.value })}
            sx={{ width: 110 }}
          />
          <TextField
            label="Radius (″)"
            value={cone.radius}
            onChange={(e) => setCone({ ...cone, radius: e.target.value })}
            sx={{ width: 90 }}
          />
          <Button variant="contained" onClick={runCone} disabled={!cone.ra || !cone.dec}>
            Find
          </Button>
        </Box>
        {selected?.raDeg != null && (
          <Button
            size="small"
            onClick={() => setCone({ ...cone, ra: selected.raDeg!.toFixed(6), dec: selected.decDeg!.toFixed(6) })}
          >
            Use selected source position
          </Button>
        )}
        {coneError && <Alert severity="error">{coneError}</Alert>}
        {coneHits && (
          <Box sx={{ maxHeight: 160, overflow: 'auto', fontSize: 13 }} data-testid="cone-results">
            {coneHits.length === 0 && <Typography color="text.secondary">No objects in the cone.</Typography>}
            {coneHits.map((o) => (
              <Box
                key={o.id}
                onClick={() => setObjectId(o.id)}
                sx={{
                  display: 'flex',
                  gap: 1,
                  cursor: 'pointer',
                  bgcolor: o.id === objectId ? 'action.selected' : undefined,
                  px: 0.5,
                }}
              >
                <span style={{ width: 70 }}>obj {o.id}</span>
                <span style={{ width: 90 }}>{o.separationArcsec?.toFixed(2)}″</span>
                <span style={{ width: 60 }}>n={o.nMeasurements}</span>
                <span>{o.meanMag != null ? `${o.meanMag.toFixed(2)} mag` : ''}</span>
              </Box>
            ))}
          </Box>
        )}
        <Typography variant="subtitle1" sx={{ mt: 1 }}>
          Light curve {objectId !== null ? `of object ${objectId}` : ''}
        </Typography>
        {objectId === null && <Typography color="text.secondary">Select a source or a cone-search hit.</Typography>}
        {points.length > 0 && (
          <Box data-testid="light-curve">
            <Plot
              width={390}
              height={240}
              xLabel="MJD"
              yLabel="magnitude"
              invertY
              minSpan={{ x: 0.02, y: 0.1 }}
              series={filters.map((flt) => {
                const ps = points.filter((p) => (p.filter ?? '?') === flt && p.mag != null);
                return {
                  x: ps.map((p) => p.mjd),
                  y: ps.map((p) => p.mag as number),
                  yErr: ps.map((p) => p.magErr),
                  label: `filter ${flt}`,
                  mode: 'points' as const,
                };
              })}
            />
            <Typography variant="caption" color="text.secondary">
              {points.length} measurement{points.length === 1 ? '' : 's'}; error bars are 1σ.
            </Typography>
          </Box>
        )}
        {objectId !== null && !curve.fresh && !curve.error && (
          <Typography color="text.secondary" data-testid="light-curve-loading">
            Loading the light curve of object {objectId}…
          </Typography>
        )}
        {objectId !== null && curve.fresh && points.length === 0 && (
          <Typography color="text.secondary">No measurements with a time for this object.</Typography>
        )}
      </Paper>
    </Box>
  );
}
