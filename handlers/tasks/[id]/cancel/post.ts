import { taskAction } from "../../action";

/** POST /tasks/:id/cancel — CANCELLED; its run is stopped (§1.2). */
export default taskAction({
  action: "cancel",
  summary: "Cancel a task",
  description: "status → CANCELLED; the task's run is stopped (process group ended) wherever it runs.",
  refusals: { 400: "Task <id> is already completed, failed, or cancelled" },
  run: (service, id) => service.cancel(id),
});
