// Electron main process entry (built to out/main/index.js). Thin on purpose: the shell does the work.
import { runShell } from './shell/app.js';

runShell();
