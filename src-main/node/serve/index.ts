export { startServer, type RunningServer, type ServeOptions } from './server.js';
export { ensureRendererBuilt, packageRoot, rendererDir } from './renderer-build.js';
export { isAllowedHost, isAllowedOrigin, createToken } from './security.js';
