import type { Endpoint } from "../src/http/endpoint";
import redeliverCallback from "./api/callbacks/[id]/redeliver/post";
import listCallbacks from "./api/callbacks/get";
import getSetting from "./api/settings/[name]/get";
import putSetting from "./api/settings/[name]/put";
import getSettings from "./api/settings/get";
import deleteTask from "./api/tasks/[id]/delete";
import getTask from "./api/tasks/[id]/get";
import putTask from "./api/tasks/[id]/put";
import listTasks from "./api/tasks/get";
import createTask from "./api/tasks/post";
import { apiWorkingDirectoryFiles, conversationsWorkingDirectoryFiles } from "./api/working-directory/files/get";
import executeAsync from "./cursor/execute/async/post";
import execute from "./cursor/execute/post";
import gitCheckout from "./git/checkout/post";
import gitClone from "./git/clone/post";
import gitPull from "./git/pull/post";
import gitPush from "./git/push/post";
import gitRepositories from "./git/repositories/get";
import gitStatus from "./git/status/[repository]/get";
import health from "./health/get";
import healthQueue from "./health/queue/get";
import repositoryFiles from "./repositories/api/[repository]/files/get";
import cancelRun from "./runs/[id]/cancel/post";
import runEvents from "./runs/[id]/events/get";
import getRun from "./runs/[id]/get";
import telegramWebhook from "./telegram/webhook/post";

/**
 * Every endpoint, in mount order. Order matters where a parameter route would shadow a fixed one
 * (the conversation router's `/api/:conversationId` must come after `/api/tasks`, `/api/settings`).
 * Each file's path mirrors its URL: `GET /api/tasks/:id` lives in `api/tasks/[id]/get.ts`.
 */
export const endpoints: Endpoint[] = [
  health,
  healthQueue,
  telegramWebhook,
  execute,
  executeAsync,
  getRun,
  runEvents,
  cancelRun,
  listTasks,
  createTask,
  getTask,
  putTask,
  deleteTask,
  getSettings,
  getSetting,
  putSetting,
  listCallbacks,
  redeliverCallback,
  repositoryFiles,
  apiWorkingDirectoryFiles,
  conversationsWorkingDirectoryFiles,
  gitClone,
  gitRepositories,
  gitCheckout,
  gitPull,
  gitPush,
  gitStatus,
];
