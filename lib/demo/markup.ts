/**
 * Markup and minified code, as a careless HTML-to-text step leaves them in a web crawl: page skeletons
 * (nested divs, inline scripts and styles, almost no prose), minified JavaScript bundles and minified CSS.
 * Each generator returns a text of at least `target` characters (callers cut it to the demo's size bounds).
 */
import type { Rng } from './random.ts';

const IDENT = 'abcdefghijklmnopqrstuvwxyz';
const TAGS = ['div', 'section', 'span', 'ul', 'li', 'a', 'nav', 'header', 'footer', 'aside', 'p', 'button'];
const CLASS_WORDS = ['container', 'row', 'col', 'nav', 'menu', 'item', 'wrapper', 'header', 'footer', 'sidebar', 'card', 'btn', 'banner', 'grid', 'content', 'widget', 'modal', 'icon', 'inner', 'outer'];
const LINK_TEXT = ['Home', 'News', 'Shop', 'Login', 'Contact', 'More', 'Next', 'Menu', 'Search', 'Cart'];
const CSS_PROPS: ReadonlyArray<(rng: Rng) => string> = [
  (r) => `display:${r.pick(['flex', 'block', 'none', 'inline-block', 'grid'])}`,
  (r) => `margin:${r.int(0, 24)}px ${r.pick(['auto', '0', `${r.int(1, 16)}px`])}`,
  (r) => `padding:${r.int(0, 20)}px ${r.int(0, 20)}px`,
  (r) => `color:#${hex(r, 6)}`,
  (r) => `background:#${hex(r, 3)}`,
  (r) => `font-size:${(r.next() * 2 + 0.6).toFixed(2)}rem`,
  (r) => `position:${r.pick(['absolute', 'relative', 'fixed', 'sticky'])}`,
  (r) => `z-index:${r.int(1, 9999)}`,
  (r) => `border:${r.int(0, 3)}px solid rgba(0,0,0,.${r.int(1, 9)})`,
  (r) => `width:${r.int(1, 100)}%`,
  (r) => `transition:all .${r.int(1, 5)}s ease-in-out`,
];

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(0, 15)];
  return s;
}

/** A short mangled identifier, as a minifier leaves them: `e`, `t`, `Nr`, `_a`. */
function ident(rng: Rng): string {
  const first = rng.chance(0.1) ? '_' : IDENT[rng.int(0, 25)]!;
  return rng.chance(0.4) ? first + IDENT[rng.int(0, 25)]!.toUpperCase() : first;
}

function className(rng: Rng): string {
  return `${rng.pick(CLASS_WORDS)}${rng.chance(0.5) ? `-${rng.pick(CLASS_WORDS)}` : ''}${rng.chance(0.4) ? `_${hex(rng, 5)}` : ''}`;
}

/** Minified CSS rules: `.a-b_1f3{display:flex;margin:0 auto}@media(max-width:768px){...}`. */
export function minifiedCss(rng: Rng, target: number): string {
  const rule = (): string => {
    const selector = Array.from({ length: rng.int(1, 3) }, () => `.${className(rng)}${rng.chance(0.2) ? `>${rng.pick(TAGS)}` : ''}${rng.chance(0.15) ? ':hover' : ''}`).join(',');
    const body = Array.from({ length: rng.int(1, 5) }, () => rng.pick(CSS_PROPS)(rng)).join(';');
    return `${selector}{${body}}`;
  };
  let out = '';
  while (out.length < target) out += rng.chance(0.1) ? `@media (max-width:${rng.pick([480, 768, 1024])}px){${rule()}${rule()}}` : rule();
  return out;
}

/** A minified JavaScript bundle: one long line of mangled names, arrow functions and literals. */
export function minifiedJs(rng: Rng, target: number): string {
  const expr = (): string => {
    const a = ident(rng);
    const b = ident(rng);
    switch (rng.int(0, 7)) {
      case 0:
        return `${a}=function(${b}){return ${b}&&${b}.__esModule?${b}:{default:${b}}}`;
      case 1:
        return `${a}.prototype.${rng.pick(['init', 'render', 'update', 'on', 'off', 'emit'])}=function(${b},${ident(rng)}){var ${ident(rng)}=this;return void 0===${b}&&(${b}={}),this}`;
      case 2:
        return `${a}=(${b})=>${b}.map((${ident(rng)},${ident(rng)})=>${rng.int(0, 99)}*${ident(rng)}+${rng.int(0, 9)})`;
      case 3:
        return `"${rng.pick(['click', 'load', 'scroll', 'resize', 'keydown'])}"===${a}.type&&${b}.${rng.pick(['preventDefault', 'stopPropagation'])}()`;
      case 4:
        return `${a}[${rng.int(0, 4096)}]=function(${b},${ident(rng)},${ident(rng)}){"use strict";${ident(rng)}.r(${b})}`;
      case 5:
        return `for(var ${a}=0,${b}=${ident(rng)}.length;${a}<${b};${a}++)${ident(rng)}.push(${ident(rng)}[${a}])`;
      case 6:
        return `${a}=document.querySelector(".${className(rng)}")`;
      default:
        return `if(!${a})throw new Error("${rng.pick(['Invalid argument', 'Cannot read property', 'Unexpected token', 'Module not found'])}: "+${b})`;
    }
  };
  let out = `!function(e,t){"use strict";`;
  do out += expr() + ';';
  while (out.length < target);
  return out + '}(window,document);';
}

/** An HTML page skeleton: head with styles and scripts, a body of nested divs with class soup and link text. */
export function htmlSkeleton(rng: Rng, target: number): string {
  const element = (depth: number): string => {
    const tag = rng.pick(TAGS);
    const attrs = ` class="${className(rng)}${rng.chance(0.5) ? ` ${className(rng)}` : ''}"${rng.chance(0.3) ? ` id="${className(rng)}"` : ''}${tag === 'a' ? ` href="/${rng.pick(CLASS_WORDS)}/${rng.int(1, 999)}"` : ''}`;
    const indent = '  '.repeat(depth);
    if (depth >= 6 || rng.chance(0.25)) {
      const inner = rng.chance(0.5) ? rng.pick(LINK_TEXT) : '';
      return `${indent}<${tag}${attrs}>${inner}</${tag}>`;
    }
    const kids = Array.from({ length: rng.int(1, 3) }, () => element(depth + 1)).join('\n');
    return `${indent}<${tag}${attrs}>\n${kids}\n${indent}</${tag}>`;
  };
  let out = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width,initial-scale=1">\n<title>${rng.pick(LINK_TEXT)} | ${className(rng)}</title>\n<style>${minifiedCss(rng, rng.int(80, 300))}</style>\n<script>${minifiedJs(rng, rng.int(80, 300))}</script>\n</head>\n<body>\n`;
  do {
    const r = rng.next();
    if (r < 0.15) out += `<script type="text/javascript">${minifiedJs(rng, rng.int(60, 240))}</script>\n`;
    else if (r < 0.25) out += `<style>${minifiedCss(rng, rng.int(60, 200))}</style>\n`;
    else out += `<div class="${className(rng)}">\n${element(1)}\n</div>\n`;
  } while (out.length < target || !out.includes('<div'));
  return out + '</body>\n</html>';
}

/** One of: an HTML page skeleton (half the time), a minified JS bundle, a minified stylesheet. */
export function markup(rng: Rng, target: number): string {
  const r = rng.next();
  if (r < 0.5) return htmlSkeleton(rng, target);
  return r < 0.75 ? minifiedJs(rng, target) : minifiedCss(rng, target);
}
