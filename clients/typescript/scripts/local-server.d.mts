export declare const packageDir: string;
export declare const repoDir: string;
export declare const openApiPath: string;
export declare function serverJar(): string;
export declare function freePort(): Promise<number>;
export declare function startLocalServer(options?: { env?: Record<string, string>; attempts?: number }): Promise<{
  baseUrl: string;
  stripeUrl: string;
  output(): string;
  stop(): Promise<void>;
}>;
export declare function startPrismProxy(
  upstreamUrl: string,
  options?: { document?: string; attempts?: number },
): Promise<{ baseUrl: string; output(): string; violations(): string[]; stop(): Promise<void> }>;
