// Minimal declarations of the Expo, React Native and Clerk Expo APIs the examples use, as their packages declare
// them (expo-web-browser, expo-linking, @clerk/clerk-expo, react-native). Installing those packages would bring
// Expo and React Native into this package's development dependencies for type-checking a few files.

declare module "expo-web-browser" {
  export type WebBrowserResult = { type: "cancel" | "dismiss" | "opened" | "locked" };
  export type WebBrowserAuthSessionResult = WebBrowserResult | { type: "success"; url: string };
  export function openBrowserAsync(url: string, options?: Record<string, unknown>): Promise<WebBrowserResult>;
  export function openAuthSessionAsync(
    url: string,
    redirectUrl?: string | null,
    options?: Record<string, unknown>,
  ): Promise<WebBrowserAuthSessionResult>;
  export function maybeCompleteAuthSession(): { type: "success" | "failed"; message: string };
}

declare module "expo-linking" {
  export type QueryParams = Record<string, undefined | string | string[]>;
  export type ParsedURL = { scheme: string | null; hostname: string | null; path: string | null; queryParams: QueryParams | null };
  export function createURL(path: string, options?: { scheme?: string; queryParams?: QueryParams; isTripleSlashed?: boolean }): string;
  export function parse(url: string): ParsedURL;
  export function useURL(): string | null;
}

declare module "@clerk/clerk-expo" {
  import type { ReactNode } from "react";
  export function useAuth(): {
    isLoaded: boolean;
    isSignedIn: boolean | undefined;
    userId: string | null | undefined;
    orgId: string | null | undefined;
    getToken: (options?: { template?: string; skipCache?: boolean }) => Promise<string | null>;
  };
  export function ClerkProvider(props: {
    publishableKey: string;
    tokenCache?: unknown;
    children?: ReactNode;
  }): ReactNode;
}

declare module "@clerk/clerk-expo/token-cache" {
  export const tokenCache: unknown;
}

declare module "react-native" {
  import type { ReactNode } from "react";
  export function View(props: { style?: unknown; children?: ReactNode }): ReactNode;
  export function Text(props: { style?: unknown; children?: ReactNode }): ReactNode;
  export function Button(props: { title: string; onPress: () => void; disabled?: boolean }): ReactNode;
  export type AppStateStatus = "active" | "background" | "inactive" | "unknown" | "extension";
  export const AppState: {
    currentState: AppStateStatus;
    addEventListener(type: "change", listener: (state: AppStateStatus) => void): { remove(): void };
  };
}


// Expo inlines EXPO_PUBLIC_* variables at build time (expo's own types declare process.env likewise).
declare const process: { env: Record<string, string | undefined> };
