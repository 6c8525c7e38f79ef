/** Near-duplicates: copies of a document with the small edits that scraped copies carry. */
import type { Rng } from './random.ts';

const PREFIXES = ['UPDATED: ', 'Reposted from the archive. ', '[Copy] ', 'As published earlier: '];
const SUFFIXES = ['\n\nRead more on our website.', '\n\n(This article first appeared elsewhere.)', '\n\nShare this story.', ''];

/** Replaces a few words with other words of the same text, and may add a prefix or a suffix line. */
export function nearDuplicate(rng: Rng, text: string): string {
  const words = text.split(' ');
  const edits = Math.max(1, Math.round(words.length * (0.01 + rng.next() * 0.03)));
  for (let e = 0; e < edits; e++) words[rng.int(0, words.length - 1)] = rng.pick(words);
  if (rng.chance(0.3) && words.length > 40) words.splice(rng.int(0, words.length - 10), rng.int(1, 8));
  return (rng.chance(0.5) ? rng.pick(PREFIXES) : '') + words.join(' ') + rng.pick(SUFFIXES);
}
