/** Public surface of the SVG figures (line plots, stamps with apertures). */
export {
  escapeXml,
  linePlotSvg,
  niceTicks,
  stampSvg,
  type LinePlotSpec,
  type PlotMarker,
  type PlotSeries,
  type StampCircle,
} from './svg-plot.js';
