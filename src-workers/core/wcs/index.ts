/** World coordinates: TAN (gnomonic) with CD, PC+CDELT or CDELT+CROTA2, plus SIP distortion. */
export * from './tan.js';
