import { taskAction } from "../../action";

/** POST /tasks/:id/abort — stops the assistant's current work but keeps the task, waiting for the user. */
export default taskAction({
  action: "abort",
  summary: "Abort a task's current work",
  description:
    "Stops the running work (its run and process group) without giving the task up: status → NEEDS_HELP, control → USER. Resume continues it.",
  refusals: { 409: "Task <id> is not running under the assistant's control" },
  run: (service, id) => service.abort(id),
});
