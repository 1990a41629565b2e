import { createServer, type IncomingHttpHeaders } from "node:http";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Status this receiver answered with. */
  status: number;
}

/**
 * A callback receiver on 127.0.0.1: records every request and answers with the next status of
 * `statuses` (the last one repeats), e.g. [500, 500, 200] fails twice, then accepts.
 */
export async function startReceiver(statuses: number[] = [200]) {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    let rawBody = "";
    req.on("data", (chunk) => (rawBody += chunk));
    req.on("end", () => {
      const status = statuses[Math.min(requests.length, statuses.length - 1)] ?? 200;
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, rawBody, status });
      res.writeHead(status, { "Content-Type": "text/plain" }).end(status < 300 ? "ok" : "try again");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: () => requests.filter((r) => r.status < 300),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
