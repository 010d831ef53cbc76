import { Box, TextField, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useKeptScroll, useViewState } from '../app/view-state.js';

export interface Column<Row> {
  key: string;
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
  /** Cell content; defaults to `String(value(row))`. */
  render?: (row: Row) => ReactNode;
  /** Sort key; columns without one are not sortable. */
  value?: (row: Row) => number | string | null;
}

export interface SortState {
  key: string;
  descending: boolean;
}

/** Rows come either from an array (sorted and filtered here) or from a pager that fetches windows on demand. */
export type RowSource<Row> =
  | { kind: 'array'; rows: Row[] }
  | {
      kind: 'paged';
      total: number;
      version?: number;
      rowAt: (index: number) => Row | undefined;
      requestRange: (start: number, end: number) => void;
    };

export interface VirtualTableProps<Row> {
  columns: Column<Row>[];
  source: RowSource<Row>;
  rowHeight?: number;
  /** Called with the row (double click or Enter). */
  onOpen?: (row: Row) => void;
  onSelect?: (row: Row, index: number) => void;
  selectedIndex?: number;
  sort?: SortState | null;
  onSortChange?: (sort: SortState) => void;
  /** Free-text filter box (array sources): rows whose `searchText` contains it are kept. */
  searchText?: (row: Row) => string;
  searchPlaceholder?: string;
  rowKey: (row: Row, index: number) => string | number;
  testId?: string;
}

/**
 * A windowed table: fixed row height, only the visible rows (plus a small overscan) are in the DOM,
 * so a million rows scroll like ten. Sorting and filtering happen here for array sources; paged
 * sources sort on the server (`onSortChange`).
 */
const BLOCK = 16;

export function VirtualTable<Row>(props: VirtualTableProps<Row>): ReactNode {
  const { columns, source, rowHeight = 28, onOpen, onSelect, selectedIndex, rowKey } = props;
  const [localSort, setLocalSort] = useState<SortState | null>(null);
  const sort = props.sort !== undefined ? props.sort : localSort;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [query, setQuery] = useViewState(`table.${props.testId ?? ''}.query`, '');
  const [height, setHeight] = useState(400);

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  const arrayRows = useMemo(() => {
    if (source.kind !== 'array') return null;
    let rows = source.rows;
    const q = query.trim().toLowerCase();
    if (q && props.searchText) rows = rows.filter((r) => props.searchText!(r).toLowerCase().includes(q));
    const column = sort ? columns.find((c) => c.key === sort.key) : undefined;
    if (sort && column?.value) {
      const value = column.value;
      const sign = sort.descending ? -1 : 1;
      rows = [...rows].sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        if (va === vb) return 0;
        if (va === null) return 1;
        if (vb === null) return -1;
        return (va < vb ? -1 : 1) * sign;
      });
    }
    return rows;
  }, [source, query, sort, columns, props.searchText]);

  const total = arrayRows ? arrayRows.length : source.kind === 'paged' ? source.total : 0;
  // Leaving a view and coming back finds the table where it was scrolled to (issue 26).
  useKeptScroll(props.testId && `table.${props.testId}`, viewport, total > 0);
  const rowAt = useCallback(
    (i: number): Row | undefined => (arrayRows ? arrayRows[i] : source.kind === 'paged' ? source.rowAt(i) : undefined),
    [arrayRows, source],
  );
  // The rendered window moves in blocks of BLOCK rows with a block of margin each side, so most scroll
  // frames only move the (absolutely positioned) rows already in the DOM and React renders nothing.
  const first = Math.max(0, (Math.floor(scrollTop / rowHeight / BLOCK) - 1) * BLOCK);
  const last = Math.min(total, (Math.ceil((scrollTop + height) / rowHeight / BLOCK) + 1) * BLOCK);

  useEffect(() => {
    if (source.kind === 'paged' && last > first) source.requestRange(first, last);
  }, [source, first, last]);

  const toggleSort = (column: Column<Row>): void => {
    if (!column.value && source.kind === 'array') return;
    const next = { key: column.key, descending: sort?.key === column.key ? !sort.descending : false };
    if (props.onSortChange) props.onSortChange(next);
    else setLocalSort(next);
  };

  const totalWidth = columns.reduce((s, c) => s + c.width, 0);
  // Rows are plain elements with inline styles and theme colours from CSS variables: at a million rows
  // the table re-renders on every scroll frame, and per-row `sx` styling would dominate that cost.
  const cells: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const row = rowAt(i);
    const selected = i === selectedIndex;
    cells.push(
      <div
        // Slot keys relative to the window (which starts on a multiple of BLOCK): the same elements
        // are reused wherever the window moves, even after a jump of thousands of rows, so scrolling
        // updates text and never creates or restyles rows (parity classes stay put too).
        key={i - first}
        data-row-key={row ? rowKey(row, i) : undefined}
        role="row"
        data-index={i}
        className={`owb-vt-row${selected ? ' owb-vt-selected' : ''}${i % 2 ? '' : ' owb-vt-even'}`}
        onClick={() => row && onSelect?.(row, i)}
        onDoubleClick={() => row && onOpen?.(row)}
        style={{ height: rowHeight, width: totalWidth, cursor: onOpen ? 'pointer' : 'default' }}
      >
        {columns.map((c) => (
          <div key={c.key} role="cell" className="owb-vt-cell" style={{ width: c.width, textAlign: c.align ?? 'left' }}>
            {row ? (c.render ? c.render(row) : String(c.value?.(row) ?? '')) : ''}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }} data-testid={props.testId}>
      {props.searchText && (
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, pb: 1 }}>
          <TextField
            placeholder={props.searchPlaceholder ?? 'Filter…'}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            sx={{ width: 320 }}
            slotProps={{ htmlInput: { 'aria-label': 'filter rows' } }}
          />
          <Typography variant="body2" color="text.secondary">
            {total.toLocaleString()} rows
          </Typography>
        </Box>
      )}
      <Box
        sx={{
          overflowX: 'auto',
          flex: 1,
          minHeight: 0,
          display: 'flex',
          flexDirection: 'column',
          border: 1,
          borderColor: 'divider',
          borderRadius: 1,
        }}
      >
        <Box
          role="row"
          sx={{
            display: 'flex',
            width: totalWidth,
            flex: 'none',
            bgcolor: 'background.paper',
            borderBottom: 1,
            borderColor: 'divider',
            fontWeight: 600,
          }}
        >
          {columns.map((c) => (
            <Box
              key={c.key}
              role="columnheader"
              onClick={() => toggleSort(c)}
              sx={{
                width: c.width,
                flex: 'none',
                px: 1,
                py: 0.75,
                textAlign: c.align ?? 'left',
                cursor: 'pointer',
                userSelect: 'none',
                whiteSpace: 'nowrap',
                // A header never spills into its neighbour: too long a header is cut with an ellipsis.
                overflow: 'hidden',
                textOverflow: 'ellipsis',
                boxSizing: 'border-box',
              }}
              title={c.header}
            >
              {c.header}
              {sort?.key === c.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
            </Box>
          ))}
        </Box>
        <Box
          ref={viewport}
          onScroll={(e) => {
            // Keep only the block-quantised position in state: a re-render happens when the window moves.
            const top = (e.target as HTMLDivElement).scrollTop;
            const block = Math.floor(top / rowHeight / BLOCK);
            const bottom = Math.ceil((top + height) / rowHeight / BLOCK);
            if (
              block !== Math.floor(scrollTop / rowHeight / BLOCK) ||
              bottom !== Math.ceil((scrollTop + height) / rowHeight / BLOCK)
            ) {
              setScrollTop(top);
            }
          }}
          sx={{
            flex: 1,
            minHeight: 0,
            overflowY: 'auto',
            overflowX: 'hidden',
            width: totalWidth,
            overflowAnchor: 'none',
          }}
          data-testid={props.testId ? `${props.testId}-viewport` : undefined}
        >
          <Box
            sx={{
              position: 'relative',
              height: total * rowHeight,
              '& .owb-vt-row': {
                display: 'flex',
                alignItems: 'center',
                borderBottom: 1,
                borderColor: 'divider',
                boxSizing: 'border-box',
              },
              '& .owb-vt-even': { bgcolor: 'rgba(255,255,255,0.02)' },
              '& .owb-vt-row:hover': { bgcolor: 'action.hover' },
              '& .owb-vt-selected': { bgcolor: 'action.selected' },
              '& .owb-vt-cell': {
                flex: 'none',
                px: 1,
                overflow: 'hidden',
                textOverflow: 'ellipsis',
                whiteSpace: 'nowrap',
                fontVariantNumeric: 'tabular-nums',
              },
            }}
          >
            {/* Rows flow inside one window element moved by a transform: scrolling restyles one element,
                not every row and cell. */}
            <div style={{ transform: `translateY(${first * rowHeight}px)` }}>{cells}</div>
          </Box>
        </Box>
      </Box>
    </Box>
  );
}
