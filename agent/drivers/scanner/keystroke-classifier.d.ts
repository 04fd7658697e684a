export interface ClassifierOptions {
  /** A scan has at least this many characters before its Enter. */
  readonly minLength: number;
  /** Keys of one scan follow each other (and the Enter) in less than this. */
  readonly maxGapMs: number;
}

export type KeyAction =
  | { readonly type: 'typed'; readonly key: string }
  | { readonly type: 'scan'; readonly text: string };

export interface KeystrokeClassifier {
  /** A key went down at `at` (ms). Returns what to act on now, in order. */
  push(key: string, at: number): KeyAction[];
  /** Time passed: held keys older than `maxGapMs` come back as typing. */
  tick(at: number): KeyAction[];
  /** How many keys are held back. */
  pending(): number;
  readonly maxGapMs: number;
}

export declare const DEFAULT_SCANNER_TIMING: ClassifierOptions;
export declare function createKeystrokeClassifier(
  options?: Partial<ClassifierOptions>,
): KeystrokeClassifier;
