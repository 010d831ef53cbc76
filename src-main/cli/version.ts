/** Kept in step with package.json by a test, so that metadata and `owb --version` never disagree. */
export const VERSION = '0.1.0';
