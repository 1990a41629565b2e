import type { Endpoint } from "../src/http/endpoint";
import listAgents from "./agents/get";
import { apiGetConversation, conversationsGetConversation } from "./api/[conversationId]/get";
import { apiPostMessage, conversationsPostMessage } from "./api/[conversationId]/message/post";
import getAgentConversation from "./api/agent/[id]/get";
import addAgentMessage from "./api/agent/[id]/message/post";
import listAgentConversations from "./api/agent/list/get";
import newAgentConversation from "./api/agent/new/post";
import redeliverCallback from "./api/callbacks/[id]/redeliver/post";
import listCallbacks from "./api/callbacks/get";
import { apiListConversations, conversationsListConversations } from "./api/list/get";
import { apiNewConversation, conversationsNewConversation } from "./api/new/post";
import getSetting from "./api/settings/[name]/get";
import putSetting from "./api/settings/[name]/put";
import getSettings from "./api/settings/get";
import deleteTask from "./api/tasks/[id]/delete";
import getTask from "./api/tasks/[id]/get";
import putTask from "./api/tasks/[id]/put";
import listTasks from "./api/tasks/get";
import createTask from "./api/tasks/post";
import { apiWorkingDirectoryFiles, conversationsWorkingDirectoryFiles } from "./api/working-directory/files/get";
import { webSocketEndpoints } from "./api/ws/get";
import computerUse from "./computer-use/post";
import computerUseScreenshot from "./computer-use/screenshot/get";
import newCursorConversation from "./cursor/conversation/new/post";
import executeAsync from "./cursor/execute/async/post";
import execute from "./cursor/execute/post";
import iterateAsync from "./cursor/iterate/async/post";
import iterate from "./cursor/iterate/post";
import desktopStatus from "./desktop/status/get";
import desktopVnc from "./desktop/vnc/get";
import gitCheckout from "./git/checkout/post";
import gitClone from "./git/clone/post";
import gitPull from "./git/pull/post";
import gitPush from "./git/push/post";
import gitRepositories from "./git/repositories/get";
import gitStatus from "./git/status/[repository]/get";
import health from "./health/get";
import healthQueue from "./health/queue/get";
import mcpComputer from "./mcp/computer/post";
import metrics from "./metrics/get";
import processorStatus from "./processor/status/get";
import repositoryFiles from "./repositories/api/[repository]/files/get";
import cancelRun from "./runs/[id]/cancel/post";
import runEvents from "./runs/[id]/events/get";
import getRun from "./runs/[id]/get";
import listRuns from "./runs/get";
import abortTask from "./tasks/[id]/abort/post";
import cancelTask from "./tasks/[id]/cancel/post";
import deleteEngineTask from "./tasks/[id]/delete";
import taskEvents from "./tasks/[id]/events/get";
import getEngineTask from "./tasks/[id]/get";
import listTaskMessages from "./tasks/[id]/messages/get";
import postTaskMessage from "./tasks/[id]/messages/post";
import processedTaskMessages from "./tasks/[id]/messages/processed/get";
import rawTaskMessages from "./tasks/[id]/messages/raw/get";
import processTask from "./tasks/[id]/process/post";
import resumeTask from "./tasks/[id]/resume/post";
import takeoverTask from "./tasks/[id]/takeover/post";
import listEngineTasks from "./tasks/get";
import taskModels from "./tasks/models/get";
import createEngineTask from "./tasks/post";
import taskSocket from "./tasks/ws/get";
import telegramWebhook from "./telegram/webhook/post";

/**
 * Every endpoint, in mount order. `/api/tasks` is the original's task list; `/tasks` is the task
 * engine. Order matters where a parameter route would shadow a fixed one
 * (the conversation router's `/api/:conversationId` must come after `/api/tasks`, `/api/settings`).
 * Each file's path mirrors its URL: `GET /api/tasks/:id` lives in `api/tasks/[id]/get.ts`.
 */
export const endpoints: Endpoint[] = [
  health,
  healthQueue,
  metrics,
  listAgents,
  telegramWebhook,
  execute,
  executeAsync,
  iterate,
  iterateAsync,
  newCursorConversation,
  listRuns,
  getRun,
  runEvents,
  cancelRun,
  listTasks,
  createTask,
  getTask,
  putTask,
  deleteTask,
  // The task engine (Bytebot's API): `/tasks/models` and `/tasks/ws` before `/tasks/{id}`.
  createEngineTask,
  listEngineTasks,
  taskModels,
  taskSocket,
  getEngineTask,
  deleteEngineTask,
  listTaskMessages,
  rawTaskMessages,
  processedTaskMessages,
  postTaskMessage,
  takeoverTask,
  resumeTask,
  cancelTask,
  abortTask,
  processTask,
  taskEvents,
  processorStatus,
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
  computerUse,
  computerUseScreenshot,
  desktopStatus,
  desktopVnc,
  mcpComputer,
  // WebSockets, then the agent router, then the conversation router; its parameter routes go
  // LAST so no fixed `/api/...` route above is ever read as a conversation id.
  ...webSocketEndpoints,
  listAgentConversations,
  newAgentConversation,
  addAgentMessage,
  getAgentConversation,
  apiListConversations,
  conversationsListConversations,
  apiNewConversation,
  conversationsNewConversation,
  apiGetConversation,
  conversationsGetConversation,
  apiPostMessage,
  conversationsPostMessage,
];
