import { describe, expect, it } from 'vitest';
import { readBrown } from '../../lib/demo/index.ts';
import { evaluateRules } from '../../lib/rules/index.ts';
import { ruleNamesOf } from '../../lib/rules/catalog.ts';

/** A seeded generator (xorshift32), so the generated documents are the same on every run. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const failed = (text: string) => ruleNamesOf(evaluateRules(text));

describe('the default rules on kinds of documents', () => {
  it('pass a clean passage of the Brown corpus on every rule', () => {
    const file = readBrown().find((f) => f.name === 'ca01')!;
    let passage = '';
    for (const p of file.paragraphs) {
      passage = passage ? `${passage}\n${p}` : p;
      if (passage.length > 1500) break;
    }
    expect(failed(passage)).toEqual([]);
  });

  it('remove lorem ipsum placeholder text', () => {
    const lorem =
      'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ' +
      'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. ' +
      'Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur.';
    expect(failed(lorem)).toEqual(expect.arrayContaining(['c4.lorem_ipsum', 'gopher.stop_words']));
  });

  it('remove keyboard mash', () => {
    const next = rng(7);
    const keys = 'asdfghjklqwertyuiopzxcvbnm';
    const line = () =>
      Array.from({ length: 12 }, () => Array.from({ length: 3 + Math.floor(next() * 6) }, () => keys[Math.floor(next() * keys.length)]).join('')).join(' ');
    const mash = Array.from({ length: 12 }, line).join('\n');
    expect(failed(mash)).toEqual(expect.arrayContaining(['gopher.stop_words', 'c4.min_sentences', 'fineweb.line_punct_ratio']));
  });

  it('remove base64 data', () => {
    const next = rng(11);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const lines = Array.from({ length: 32 }, () => Array.from({ length: 76 }, () => alphabet[Math.floor(next() * 64)]).join(''));
    expect(failed(lines.join('\n'))).toEqual(
      expect.arrayContaining(['gopher.word_count', 'gopher.mean_word_length', 'gopher.stop_words', 'c4.min_sentences', 'fineweb.line_punct_ratio']),
    );
  });

  it('remove minified JavaScript', () => {
    const js =
      'var a=function(t,e){return t+e};function b(n){for(var r=0;r<n.length;r++){if(n[r]===null)return!1}return!0}' +
      'window.onload=function(){var x=document.getElementById("app");x.innerHTML=a(1,2);if(b([1,2,3])){console.log("ok")}};';
    expect(failed(js.repeat(6))).toEqual(expect.arrayContaining(['c4.curly_brace', 'gopher.word_count', 'gopher.mean_word_length', 'c4.min_sentences']));
  });

  it('remove a table of numbers', () => {
    const table = Array.from({ length: 30 }, (_, i) => `${2000 + i} ${(i * 37) % 101} ${(i * 7919) % 10007} ${((i * 13) % 97) / 10} ${i * i}`).join('\n');
    expect(failed(table)).toEqual(expect.arrayContaining(['gopher.alpha_words', 'gopher.stop_words', 'fineweb.short_line_ratio', 'fineweb.line_punct_ratio']));
  });

  it('remove a page of bullet-point links', () => {
    const items = ['Home', 'About us', 'Products', 'Services', 'Careers', 'Contact', 'Blog', 'Press', 'Partners', 'Support'];
    const page = [...items, ...items.map((s) => `${s} archive`)].map((s) => `- ${s}`).join('\n');
    expect(failed(page)).toEqual(
      expect.arrayContaining(['gopher.bullet_lines', 'fineweb.short_line_ratio', 'fineweb.line_punct_ratio', 'fineweb.list_ratio']),
    );
  });
});
