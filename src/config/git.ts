import { type BuildContext, type EnvValues, int, list, text } from "./parse";

/** git: command timeout, the env token (and the hosts it may go to), the commit identity. */
export const gitEnv = {
  GIT_COMMAND_TIMEOUT: int("milliseconds", 60_000),
  GITHUB_TOKEN: text(),
  GITHUB_PAT: text(),
  GIT_TOKEN: text(),
  GITHUB_USERNAME: text(),
  GIT_USERNAME: text(),
  GIT_USER_NAME: text(),
  GIT_USER_EMAIL: text(),
  GITHUB_EMAIL: text(),
  GIT_TOKEN_HOSTS: list(),
};

export function gitConfig(e: EnvValues<typeof gitEnv>, _ctx: BuildContext) {
  return {
    git: {
      commandTimeoutMs: e.GIT_COMMAND_TIMEOUT,
      token: e.GITHUB_TOKEN ?? e.GITHUB_PAT ?? e.GIT_TOKEN,
      username: e.GITHUB_USERNAME ?? e.GIT_USERNAME,
      userName: e.GIT_USER_NAME ?? e.GITHUB_USERNAME,
      userEmail: e.GIT_USER_EMAIL ?? e.GITHUB_EMAIL,
      /** Hosts the env token may be offered to (a token must not reach whatever host a clone URL names). */
      tokenHosts: e.GIT_TOKEN_HOSTS.length > 0 ? e.GIT_TOKEN_HOSTS : ["github.com"],
    },
  };
}
