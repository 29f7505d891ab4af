/** The web console for admins: `startConsole(rt, { port })` serves it over a Runtime (see README.md here). */
export { startConsole, type ConsoleHandle, type ConsoleOptions } from './server.js';
export { storeProjects, type ProjectSource } from './projects.js';
export { newToken } from './auth.js';
