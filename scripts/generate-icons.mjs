#!/usr/bin/env node
// Generates every raster icon the app and its installers need from the vector sources in assets/:
// the app icon (Linux sizes, Windows .ico, a 1024 px PNG electron-builder turns into .icns) and the
// tray icons for each connection state (macOS template images, Windows .ico, Linux PNGs with @2x).
// Run: npm run icons. Output is committed so packaging never depends on this machine's tools.
import { Resvg } from '@resvg/resvg-js';
import pngToIco from 'png-to-ico';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = join(root, 'assets');

/** Material Design "call" glyph (Apache-2.0), 24×24 units. */
const HANDSET =
  'M6.62 10.79c1.44 2.83 3.76 5.14 6.59 6.59l2.2-2.2c.27-.27.67-.36 1.02-.24 1.12.37 2.33.57 3.57.57.55 0 1 .45 1 1V20c0 .55-.45 1-1 1-9.39 0-17-7.61-17-17 0-.55.45-1 1-1h3.5c.55 0 1 .45 1 1 0 1.25.2 2.45.57 3.57.11.35.03.74-.25 1.02l-2.2 2.2z';

/** Tray states, in the words the tray model uses. Colour for Windows/Linux; a glyph mark for macOS templates. */
export const TRAY_STATES = {
  connected: { color: '#22c55e', mark: 'none' },
  connecting: { color: '#f59e0b', mark: 'dots' },
  offline: { color: '#ef4444', mark: 'slash' },
  'signed-out': { color: '#9ca3af', mark: 'outline' },
  paused: { color: '#8b5cf6', mark: 'pause' },
};

function render(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render().asPng();
}

function write(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

/** Coloured tray icon: light handset with a dark rim (readable on light and dark panels) and a status dot. */
function colourTraySvg(state) {
  const { color, mark } = TRAY_STATES[state];
  const pause =
    mark === 'pause' ? '<rect x="16.6" y="15.2" width="1.4" height="5.6" fill="#fff"/><rect x="19.4" y="15.2" width="1.4" height="5.6" fill="#fff"/>' : '';
  const bang =
    mark === 'slash' ? '<rect x="17.9" y="14.6" width="1.6" height="3.9" rx=".6" fill="#fff"/><circle cx="18.7" cy="20.2" r=".95" fill="#fff"/>' : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">
    <path d="${HANDSET}" transform="translate(-1.2 -1.2) scale(.92)" fill="#f3f4f6" stroke="#111827" stroke-width="1.1" stroke-linejoin="round" paint-order="stroke"/>
    <circle cx="18.7" cy="18" r="5" fill="${color}" stroke="#111827" stroke-width="1"/>${pause}${bang}
  </svg>`;
}

/** macOS template image: black + alpha only; the state lives in the glyph, since templates carry no colour. */
function templateTraySvg(state) {
  const { mark } = TRAY_STATES[state];
  if (mark === 'slash') {
    // A transparent gap along the slash keeps it readable at 16 px.
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><defs><mask id="m" maskUnits="userSpaceOnUse" x="0" y="0" width="24" height="24"><rect width="24" height="24" fill="#fff"/><path d="M22 2 L2 22" stroke="#000" stroke-width="4" fill="none"/></mask></defs><path d="${HANDSET}" fill="#000" mask="url(#m)"/><path d="M22 2 L2 22" stroke="#000" stroke-width="1.8" fill="none"/></svg>`;
  }
  const glyph = mark === 'outline' ? `<path d="${HANDSET}" fill="none" stroke="#000" stroke-width="1.6"/>` : `<path d="${HANDSET}" fill="#000"/>`;
  const extra = {
    none: '',
    outline: '',
    dots: '<circle cx="15" cy="4" r="1.5" fill="#000"/><circle cx="19" cy="4" r="1.5" fill="#000"/><circle cx="23" cy="4" r="1.5" fill="#000" opacity=".5"/>',
    pause: '<rect x="15" y="1" width="2.6" height="8" fill="#000"/><rect x="20" y="1" width="2.6" height="8" fill="#000"/>',
  }[mark];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">${glyph}${extra}</svg>`;
}

/** Writes every icon below `assets` (default: the repo's assets/, next to the vector source). */
export async function generateIcons(assets = sources) {
  const appSvg = readFileSync(join(sources, 'icon.svg'), 'utf8');
  write(join(assets, 'icon.png'), render(appSvg, 1024));
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) write(join(assets, 'icons', `${size}x${size}.png`), render(appSvg, size));
  write(join(assets, 'icon.ico'), await pngToIco([16, 24, 32, 48, 64, 128, 256].map((s) => render(appSvg, s))));

  for (const state of Object.keys(TRAY_STATES)) {
    const colour = colourTraySvg(state);
    for (const size of [16, 24, 32, 48]) {
      write(join(assets, 'tray', 'linux', `${state}-${size}.png`), render(colour, size));
      write(join(assets, 'tray', 'linux', `${state}-${size}@2x.png`), render(colour, size * 2));
    }
    write(join(assets, 'tray', 'win', `${state}.ico`), await pngToIco([16, 20, 24, 32, 40, 48].map((s) => render(colour, s))));
    const template = templateTraySvg(state);
    write(join(assets, 'tray', 'mac', `${state}Template.png`), render(template, 16));
    write(join(assets, 'tray', 'mac', `${state}Template@2x.png`), render(template, 32));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outFlag = process.argv.indexOf('--out');
  const out = outFlag > 0 ? process.argv[outFlag + 1] : sources;
  await generateIcons(out);
  console.error(`icons written to ${out}`);
}
