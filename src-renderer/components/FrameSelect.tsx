import { MenuItem, TextField } from '@mui/material';
import { useInvoke } from '../api/hooks.js';

/** A frame filter for the views: "all frames" or one frame of the catalog, by id. */
export function FrameSelect({
  value,
  onChange,
}: {
  value: number | undefined;
  onChange: (frameId: number | undefined) => void;
}) {
  const frames = useInvoke('owb:frames.list', {});
  return (
    <TextField
      select
      label="Frame"
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      sx={{ width: 200 }}
    >
      <MenuItem value="">all frames</MenuItem>
      {(frames.data ?? []).map((f) => (
        <MenuItem key={f.id} value={f.id}>
          {f.id}: {f.fileName}
        </MenuItem>
      ))}
    </TextField>
  );
}
