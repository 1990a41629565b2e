// Runtime-neutral: computer use (Bytebot's desktop actions) — see src/desktop/service.ts.
export * from "./actions";
export { KEY_NAMES, toKeysym } from "./keys";
export * from "./service";
