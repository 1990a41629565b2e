// Node-only: reads captured CLI output and replays it through a parser, as the run service does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunEventBody, StreamParser } from "../../src/agents/events";

export const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

/** Every event a fresh parser yields for the fixture's lines. */
export const replay = (parser: StreamParser, name: string): RunEventBody[] =>
  fixture(name)
    .split("\n")
    .flatMap((line) => parser.push(line));

export const ofType = <T extends RunEventBody["type"]>(events: RunEventBody[], type: T) =>
  events.filter((event): event is Extract<RunEventBody, { type: T }> => event.type === type);
