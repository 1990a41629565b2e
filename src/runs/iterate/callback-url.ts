/**
 * §3.1: the callback an iterate/async request gets when it names none — `/cursor-runner/callback`
 * on JAREK_VA_URL (any base path dropped), with `?secret=WEBHOOK_SECRET` when set (split off again
 * and sent as a header, never in the URL).
 *
 * @example
 * defaultCallbackUrl("https://example.com/api", "s3"); // "https://example.com/cursor-runner/callback?secret=s3"
 */
export function defaultCallbackUrl(jarekVaUrl: string, webhookSecret?: string): string {
  const url = new URL("/cursor-runner/callback", jarekVaUrl);
  if (webhookSecret) url.searchParams.set("secret", webhookSecret);
  return url.toString();
}
