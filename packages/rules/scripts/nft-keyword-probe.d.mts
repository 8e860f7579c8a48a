/** Types for nft-keyword-probe.mjs, which the kernel test imports. */
export declare const NFT: string;
export declare const TABLE_NAME_RE: RegExp;
export declare function tableLines(word: string): string[];
export declare function libnftablesPath(): string;
export declare function candidateWords(): string[];
export declare function nftVersion(): string;
export declare function withNetns<T>(fn: (netns: string) => T): T;
export declare function checkLines(netns: string, lines: readonly string[]): number[];
export declare function refusesTableName(netns: string, word: string): boolean;
export declare function classifyTableNames(
  netns: string,
  words: readonly string[],
): { refused: string[]; accepted: string[] };
