import fs from 'node:fs';
import path from 'node:path';
import { slackEmoji } from './slack-emoji';

/**
 * The console's browser files (`static/`: index.html, app.css, clock.js, favicon.svg and the
 * ES modules under js/) as they are on disk. The build copies `static/` next to the compiled
 * code (scripts/copy-static.js), so the same relative path serves them from src/ (tests) and dist/.
 */
export const STATIC_DIR = path.join(__dirname, 'static');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface ConsoleAsset {
  body: string;
  type: string;
}

/** Every file the console serves, by URL path under /console/ (index.html is `/`), read once. */
export function consoleAssets(dir = STATIC_DIR): Map<string, ConsoleAsset> {
  const out = new Map<string, ConsoleAsset>();
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const file = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(file);
      else out.set(file === 'index.html' ? '/' : `/console/${file}`, { body: fs.readFileSync(path.join(dir, file), 'utf8'), type: TYPES[path.extname(file)] ?? 'application/octet-stream' });
    }
  };
  walk('');
  // Slack's standard emoji (short name → character) from emoji-datasource, as a module the client imports
  out.set('/console/js/emoji.js', { body: `export var EMOJI = ${JSON.stringify(slackEmoji())};\n`, type: TYPES['.js']! });
  return out;
}
