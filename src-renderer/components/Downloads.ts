import type { ExportFile } from '../../src-main/common/workbench-dto.js';

/** Saves an export through the browser's download mechanism (Electron shows its save dialog). */
export function saveExport(file: ExportFile): void {
  const url = URL.createObjectURL(
    new Blob([file.bytes ? new Uint8Array(file.bytes) : (file.text ?? '')], { type: file.mimeType }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
