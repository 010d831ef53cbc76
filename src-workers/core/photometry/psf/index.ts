/** PSF photometry: empirical PSF building and grouped PSF fitting (photutils class). */
export { buildEpsf, epsfValue, fitSingle, type Epsf, type EpsfOptions } from './epsf.js';
export { fitPsfPhotometry, type PsfFit, type PsfFitOptions } from './fit.js';
export { addPsfPhotometry, type CatalogPsfResult } from './catalog-psf.js';
