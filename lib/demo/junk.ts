/**
 * Generators of low-quality "web" documents. Each returns a text of roughly `target` characters
 * (callers keep it within the demo's document size bounds).
 *
 * They span the loss range on purpose: gibberish, shuffled words and code dumps are surprising (high loss)
 * and fool a naive "top loss" policy; boilerplate and keyword spam are repetitive (low loss).
 */
import type { Rng } from './random.ts';

const LETTERS = 'etaoinshrdlcumwfgypbvkjxqz';
const CONSONANTS = 'bcdfghjklmnpqrstvwxz';
const VOWELS = 'aeiouy';

function fill(target: number, next: () => string, sep: string): string {
  let out = next();
  while (out.length < target) out += sep + next();
  return out;
}

/** Random letter strings: words of 1-12 letters, some pronounceable, some keyboard mash, odd punctuation. */
export function gibberish(rng: Rng, target: number): string {
  const pronounceable = rng.chance(0.5);
  const word = (): string => {
    const n = rng.int(1, 12);
    let w = '';
    for (let i = 0; i < n; i++) {
      w += pronounceable ? (i % 2 ? rng.pick([...VOWELS]) : rng.pick([...CONSONANTS])) : LETTERS[Math.floor(rng.next() ** 2 * LETTERS.length)];
    }
    if (rng.chance(0.08)) w = w.toUpperCase();
    if (rng.chance(0.05)) w += rng.int(0, 999);
    return w + (rng.chance(0.1) ? rng.pick(['.', ',', '!', ';', '?', ' -', '...']) : '');
  };
  return fill(target, word, ' ');
}

const SITES = ['Daily Herald', 'ShopMart', 'TechNow', 'Travel Deals', 'My Recipes', 'City Guide', 'Auto World', 'Home & Garden'];
const NAV = ['Home', 'News', 'Sports', 'Business', 'Entertainment', 'Lifestyle', 'Travel', 'Shop', 'Deals', 'Blog', 'About Us', 'Contact Us', 'Careers', 'Help', 'FAQ', 'Sitemap', 'Login', 'Register', 'My Account', 'Cart'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Page chrome with no content: cookie banners, navigation menus, share bars, footers, templated post lines. */
export function boilerplate(rng: Rng, target: number): string {
  const site = rng.pick(SITES);
  const year = rng.int(2008, 2024);
  const blocks: Array<() => string> = [
    () => `We use cookies to improve your experience on our website. By continuing to browse this site you agree to our use of cookies. Accept all cookies | Reject | Cookie settings`,
    () => rng.shuffle([...NAV]).slice(0, rng.int(6, 12)).join(' | '),
    () => `Share on Facebook  Share on Twitter  Share by Email  Print this page`,
    () => `Posted by admin on ${rng.pick(MONTHS)} ${rng.int(1, 28)}, ${year} | ${rng.int(0, 40)} comments | Filed under ${rng.pick(NAV)}`,
    () => `Copyright (c) ${year} ${site}. All rights reserved. Privacy Policy | Terms of Use | Contact Us`,
    () => `Subscribe to our newsletter! Enter your email address to get the latest news and special offers from ${site}. Subscribe`,
    () => `Click here to read more. Related posts: ${rng.pick(NAV)} | ${rng.pick(NAV)} | ${rng.pick(NAV)}`,
    () => `You are here: Home > ${rng.pick(NAV)} > ${rng.pick(NAV)}`,
    () => `Loading... Please enable JavaScript in your browser to view this page.`,
  ];
  // A page repeats a few of its blocks many times (sidebars, listing pages).
  const mine = rng.shuffle([...blocks]).slice(0, rng.int(3, 6));
  return fill(target, () => rng.pick(mine)(), '\n');
}

const KEYWORD_SETS = [
  ['cheap flights', 'cheap hotels', 'last minute deals', 'best price', 'book now', 'discount travel', 'low cost airline tickets'],
  ['buy cheap', 'free shipping', 'best price online', 'discount', 'sale', 'order now', 'top quality', 'lowest prices guaranteed'],
  ['online casino', 'casino bonus', 'free spins', 'poker online', 'slots', 'win big', 'jackpot', 'no deposit bonus'],
  ['weight loss', 'diet pills', 'lose weight fast', 'fat burner', 'natural supplement', 'best diet', 'burn fat'],
  ['payday loans', 'bad credit loans', 'fast cash', 'instant approval', 'cash advance', 'no credit check', 'loans online'],
  ['seo services', 'backlinks', 'web design', 'cheap hosting', 'rank first on google', 'website traffic', 'marketing'],
];
const PLACES = ['New York', 'London', 'Los Angeles', 'Chicago', 'Paris', 'Texas', 'Florida', 'Toronto', 'Sydney', 'Miami'];

/** Keyword stuffing: a topic's keywords and place names repeated in lists. */
export function keywordSpam(rng: Rng, target: number): string {
  const words = rng.pick(KEYWORD_SETS);
  const sep = rng.pick([', ', ' | ', ' - ', ' ', '\n']);
  return fill(target, () => (rng.chance(0.3) ? `${rng.pick(words)} ${rng.pick(PLACES)}` : rng.pick(words)), sep);
}

/** A passage of `source` (plain text, words separated by spaces) with its words shuffled: real vocabulary, no syntax. */
export function shuffledWords(rng: Rng, target: number, source: string): string {
  const start = rng.int(0, Math.max(0, source.length - target - 200));
  // Drop the partial words at both ends of the window.
  const picked = source.slice(start, start + target + 100).split(/\s+/).slice(1, -1);
  const lower = rng.chance(0.5);
  return rng
    .shuffle(picked)
    .map((w) => (lower ? w.toLowerCase() : w))
    .join(' ');
}

/** Machine output pasted as text: hex dumps, base64 blobs, or tables of numbers. */
export function codeDump(rng: Rng, target: number): string {
  const mode = rng.int(0, 2);
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  let offset = rng.int(0, 4096) * 16;
  const lines: Array<() => string> = [
    () => {
      const bytes = Array.from({ length: 16 }, () => rng.int(0, 255));
      const line = `${offset.toString(16).padStart(8, '0')}  ${bytes.map(hex).join(' ')}  |${bytes.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('')}|`;
      offset += 16;
      return line;
    },
    () => Buffer.from(Array.from({ length: 57 }, () => rng.int(0, 255))).toString('base64'),
    () => Array.from({ length: rng.int(4, 9) }, () => (rng.chance(0.5) ? rng.int(0, 99999) : (rng.next() * 1000).toFixed(3))).join('\t'),
  ];
  return fill(target, lines[mode]!, '\n');
}
