// Types of scripts/bundle-sizes.mjs, for the tests that import it.
import type { Metafile } from 'esbuild';

/** The protocol packages, by folder name under packages/. */
export declare const protocols: string[];

export interface Bundle {
  code: string;
  metafile: Metafile;
  /** Every module esbuild read, relative to the repository root, the entry left out. */
  parsed: string[];
  /** The modules with code in the output, relative to the repository root, the entry left out. */
  inputs: string[];
}
export declare function bundle(options: {
  entry?: string;
  contents?: string;
  minify?: boolean | 'whitespace';
}): Promise<Bundle>;

export interface SizeRow {
  bundle: string;
  minifiedBytes: number;
  gzipBytes: number;
  inputs: string[];
}
export declare function measure(): Promise<SizeRow[]>;
export declare function markdownTable(rows: SizeRow[]): string;
