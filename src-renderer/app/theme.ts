import { createTheme, type Theme } from '@mui/material/styles';

export type ThemeMode = 'dark' | 'night';

const common = {
  typography: { fontSize: 13, fontFamily: 'system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' },
  shape: { borderRadius: 4 },
  components: {
    MuiButton: { defaultProps: { size: 'small' as const, disableElevation: true } },
    MuiTextField: { defaultProps: { size: 'small' as const } },
    MuiSelect: { defaultProps: { size: 'small' as const } },
    MuiTooltip: { defaultProps: { disableInteractive: true } },
  },
};

/** The usual dark theme for daytime review. */
export const darkTheme: Theme = createTheme({
  ...common,
  palette: {
    mode: 'dark',
    primary: { main: '#7aa7ff' },
    secondary: { main: '#ffb86b' },
    background: { default: '#0b0d12', paper: '#141821' },
    success: { main: '#5fd38d' },
    error: { main: '#ff6b6b' },
  },
});

/**
 * Night mode: only dim red on black, so an observer at the telescope keeps their dark adaptation
 * (rod cells are nearly blind to long wavelengths). No blue or green anywhere, including status colours.
 */
export const nightTheme: Theme = createTheme({
  ...common,
  components: {
    ...common.components,
    // MUI's default switch thumb is white: the brightest thing on screen, exactly what night mode must avoid.
    MuiSwitch: {
      styleOverrides: {
        switchBase: { color: '#601010' },
        track: { backgroundColor: '#300000', opacity: 1 },
      },
    },
    MuiLinearProgress: { styleOverrides: { root: { backgroundColor: '#200000' } } },
  },
  palette: {
    mode: 'dark',
    primary: { main: '#c02020' },
    secondary: { main: '#8a1010' },
    background: { default: '#000000', paper: '#0a0000' },
    text: { primary: '#d03030', secondary: '#8a2020', disabled: '#501010' },
    divider: '#3a0808',
    success: { main: '#b02020' },
    error: { main: '#ff3030' },
    warning: { main: '#a02020' },
    info: { main: '#902020' },
    action: { active: '#c02020', hover: 'rgba(192,32,32,0.08)', selected: 'rgba(192,32,32,0.16)' },
  },
});

export const themes: Record<ThemeMode, Theme> = { dark: darkTheme, night: nightTheme };
