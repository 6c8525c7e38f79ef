import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../../store/index.ts';
import { ReferenceTextError } from './errors.ts';

/** File names read from a folder: plain text, optionally gzipped. */
const TEXT_FILE = /\.(txt|text)(\.gz)?$/i;

function isHidden(key: string): boolean {
  return key.split('/').some((part) => part.startsWith('.') || part.startsWith('_'));
}

async function* readTextObject(store: ObjectStore, uri: string): AsyncGenerator<string> {
  let stream: Readable;
  try {
    stream = await store.readStream(uri);
  } catch (err) {
    throw new ReferenceTextError(uri, `cannot read the reference text: ${(err as Error).message}`, { cause: err });
  }
  const source = uri.toLowerCase().endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
  if (source !== stream) stream.on('error', (err) => source.destroy(err));
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of source) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true });
      if (text.length > 0) yield text;
    }
  } catch (err) {
    throw new ReferenceTextError(uri, `reading failed: ${(err as Error).message}`, { cause: err });
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/**
 * The reference text at `uri`, streamed as text chunks for `trainNgramModel`. `uri` is one text file (`.gz` is
 * gunzipped) or a folder/prefix: then every `.txt`/`.text` file under it (optionally `.gz`; names starting with `.` or
 * `_` skipped) is read in key order, with a blank line between files so that no document spans two files.
 * Throws ReferenceTextError naming the URI when nothing is there.
 */
export async function* loadReferenceText(store: ObjectStore, uri: string): AsyncGenerator<string> {
  const info = uri.endsWith('/') ? undefined : await store.head(uri);
  if (info) {
    yield* readTextObject(store, uri);
    return;
  }
  const prefix = uri.endsWith('/') ? uri : `${uri}/`;
  const files = (await store.list(prefix)).filter((o) => TEXT_FILE.test(o.key) && !isHidden(o.key));
  if (files.length === 0) throw new ReferenceTextError(uri, 'no reference text: not a file, and no .txt files under it');
  files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const f of files) {
    yield* readTextObject(store, f.uri);
    yield '\n\n';
  }
}
